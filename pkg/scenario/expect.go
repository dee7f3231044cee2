package scenario

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/tweetpay/tweetpay/internal/yamlcheck"
	"github.com/tweetpay/tweetpay/pkg/shop"
)

// fieldKind is how an expected value is written and compared.
type fieldKind int

const (
	kExact   fieldKind = iota // a string compared exactly; null: absent
	kPattern                  // a regular expression (RE2) the value must match; null: absent
	kNumber                   // a whole number; null: 0
	kBool                     // true or false
	kOutcome                  // one of shop.Outcomes
	kGifts                    // a list of gift expectations
	kInstant                  // an RFC 3339 time, compared as an instant; null: absent
)

var tweetFields = map[string]fieldKind{
	"outcome": kOutcome, "reason": kExact, "offer": kExact, "amount": kNumber, "currency": kExact,
	"error_code": kExact, "decline_code": kExact, "payment_intent": kPattern, "charge": kPattern,
	"reply": kPattern, "message": kPattern, "duplicate": kBool, "confirm_by": kInstant,
	"gifts": kGifts, "error": kPattern,
}

var giftFields = map[string]fieldKind{
	"to": kExact, "outcome": kOutcome, "reason": kExact, "amount": kNumber, "error_code": kExact,
	"decline_code": kExact, "payment_intent": kPattern, "charge": kPattern, "gift_code": kPattern,
}

var chargeFields = map[string]fieldKind{
	"count": kNumber, "succeeded": kNumber, "failed": kNumber, "pending": kNumber,
	"captured": kNumber, "uncaptured": kNumber, "refunded": kNumber,
	"gross": kNumber, "net": kNumber, "authorized": kNumber,
}

var expireFields = map[string]fieldKind{"count": kNumber}

// Expectation is one expected field of a step's result.
type Expectation struct {
	// Field is the key as written; Line where it is written.
	Field string
	Line  int
	// Null means the value must be absent (a number: 0).
	Null bool

	kind  fieldKind
	text  string
	re    *regexp.Regexp
	num   int64
	flag  bool
	at    time.Time
	gifts [][]Expectation
}

// Want describes the expected value for messages.
func (e Expectation) Want() string {
	if e.Null {
		if e.kind == kNumber {
			return "0"
		}
		return "null"
	}
	switch e.kind {
	case kPattern:
		return "a match for /" + oneLine(e.text) + "/"
	case kNumber:
		return strconv.FormatInt(e.num, 10)
	case kBool:
		return strconv.FormatBool(e.flag)
	case kGifts:
		return gifts(len(e.gifts))
	case kInstant:
		return instant(e.text, e.at)
	}
	return oneLine(e.text)
}

// instant shows a time as written, and in UTC when that reads otherwise
// (2026-11-24T11:15:00+01:00 (2026-11-24T10:15:00Z)), so that two
// instants written in different zones can be told apart in a message.
func instant(written string, t time.Time) string {
	utc := t.UTC().Format(time.RFC3339Nano)
	if written == utc {
		return written
	}
	return oneLine(written) + " (" + utc + ")"
}

// gifts counts gifts in messages: "1 gift", "2 gifts".
func gifts(n int) string {
	if n == 1 {
		return "1 gift"
	}
	return fmt.Sprintf("%d gifts", n)
}

// Failure is an expectation that was not met.
type Failure struct {
	Field    string `json:"field"`
	Line     int    `json:"line"`
	Expected string `json:"expected"`
	Got      string `json:"got"`
}

func (f Failure) String() string {
	return fmt.Sprintf("%s: expected %s, got %s", f.Field, f.Expected, f.Got)
}

func keysOf(m map[string]fieldKind) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// memo keeps what was parsed from a node, so that each node is parsed
// once however many aliases name it. An anchored expectation reused by
// every step (expect: *e), whose gifts list names one gift by alias
// thousands of times, was expanded anew for each: a file of under a
// megabyte took gigabytes. Results are shared and never changed.
type memo struct {
	expects map[memoKey][]Expectation
	gifts   map[*yaml.Node][][]Expectation
}

type memoKey struct {
	n   *yaml.Node
	set string
}

func newMemo() *memo {
	return &memo{expects: map[memoKey][]Expectation{}, gifts: map[*yaml.Node][][]Expectation{}}
}

// parseExpect reads the expectations in n, a mapping of the keys of
// fields; set names fields (tweet, gift, charges, expire).
func (mm *memo) parseExpect(n *yaml.Node, path, set string, fields map[string]fieldKind) ([]Expectation, error) {
	if n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias // gifts: [*bob]
	}
	if yamlcheck.IsNull(n) {
		return nil, nil
	}
	if out, ok := mm.expects[memoKey{n, set}]; ok {
		return out, nil
	}
	if n.Kind != yaml.MappingNode {
		return nil, yamlcheck.Errorf(n, "%s: expected a mapping such as {outcome: purchased}, got %s", path, yamlcheck.Describe(n))
	}
	m, err := yamlcheck.Mapping(n, path, keysOf(fields))
	if err != nil {
		return nil, err
	}
	var out []Expectation
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := n.Content[i].Value
		v := m[key]
		e, err := mm.parseValue(v, path+"."+key, key, fields[key])
		if err != nil {
			return nil, err
		}
		e.Line = n.Content[i].Line
		out = append(out, e)
	}
	mm.expects[memoKey{n, set}] = out
	return out, nil
}

func (mm *memo) parseValue(v *yaml.Node, path, key string, kind fieldKind) (Expectation, error) {
	e := Expectation{Field: key, kind: kind}
	if yamlcheck.IsNull(v) {
		if kind == kOutcome || kind == kBool {
			return e, yamlcheck.Errorf(v, "%s: cannot be null", path)
		}
		e.Null = true
		return e, nil
	}
	if kind == kGifts {
		if v.Kind != yaml.SequenceNode {
			return e, yamlcheck.Errorf(v, "%s: expected a list of gifts such as [{to: \"@bob\", outcome: purchased}], got %s", path, yamlcheck.Describe(v))
		}
		if gifts, ok := mm.gifts[v]; ok {
			e.gifts = gifts
			return e, nil
		}
		for i, g := range v.Content {
			ge, err := mm.parseExpect(g, fmt.Sprintf("%s[%d]", path, i), "gift", giftFields)
			if err != nil {
				return e, err
			}
			if yamlcheck.IsNull(g) || g.Kind == yaml.AliasNode && yamlcheck.IsNull(g.Alias) {
				return e, yamlcheck.Errorf(g, "%s[%d]: expected a mapping, got null", path, i)
			}
			e.gifts = append(e.gifts, ge)
		}
		mm.gifts[v] = e.gifts
		return e, nil
	}
	s, err := scalar(v, path)
	if err != nil {
		return e, err
	}
	switch kind {
	case kExact:
		e.text = s
	case kOutcome:
		if !slices.Contains(shop.Outcomes, s) {
			return e, yamlcheck.Errorf(v, "%s: %q is not an outcome: %s", path, s, strings.Join(shop.Outcomes, ", "))
		}
		e.text = s
	case kPattern:
		re, err := regexp.Compile(s)
		if err != nil {
			return e, yamlcheck.Errorf(v, "%s: bad regular expression: %v", path, err)
		}
		e.text, e.re = s, re
	case kNumber:
		if v.Tag != "!!int" {
			return e, yamlcheck.Errorf(v, "%s: expected a whole number (amounts in minor units: 1250 for $12.50), got %s", path, yamlcheck.Describe(v))
		}
		n, err := strconv.ParseInt(s, 0, 64)
		if err != nil {
			return e, yamlcheck.Errorf(v, "%s: %v", path, err)
		}
		if n < 0 {
			// Counts and amounts are never negative (net is gross
			// minus refunds of it): the step could never pass.
			return e, yamlcheck.Errorf(v, "%s: %d is negative: counts and amounts are 0 or more", path, n)
		}
		e.num = n
	case kBool:
		if v.Tag != "!!bool" {
			return e, yamlcheck.Errorf(v, "%s: expected true or false, got %s", path, yamlcheck.Describe(v))
		}
		e.flag = s == "true"
	case kInstant:
		t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
		if err != nil {
			return e, yamlcheck.Errorf(v, "%s: %q is not an RFC 3339 time such as 2026-11-24T10:15:00Z", path, s)
		}
		e.text, e.at = strings.TrimSpace(s), t
	}
	return e, nil
}

// got is an actual value: a string that may be absent, a number or a flag.
type got struct {
	str     string
	present bool
	num     int64
	flag    bool
	gifts   []shop.Gift
}

func optional(p *string) got {
	if p == nil || *p == "" {
		return got{}
	}
	return got{str: *p, present: true}
}

func text(s string) got { return got{str: s, present: s != ""} }

func resultValue(r shop.Result, field string) got {
	switch field {
	case "outcome":
		return text(r.Outcome)
	case "reason":
		return optional(r.Reason)
	case "offer":
		return optional(r.Offer)
	case "amount":
		return got{num: r.Amount}
	case "currency":
		return optional(r.Currency)
	case "error_code":
		return optional(r.ErrorCode)
	case "decline_code":
		return optional(r.DeclineCode)
	case "payment_intent":
		return optional(r.PaymentIntent)
	case "charge":
		return optional(r.Charge)
	case "reply":
		return text(r.Reply)
	case "message":
		return text(r.Message)
	case "duplicate":
		return got{flag: r.Duplicate}
	case "confirm_by":
		return optional(r.ConfirmBy)
	case "gifts":
		return got{gifts: r.Gifts}
	}
	return got{}
}

func giftValue(g shop.Gift, field string) got {
	switch field {
	case "to":
		return text(g.To)
	case "outcome":
		return text(g.Outcome)
	case "reason":
		return optional(g.Reason)
	case "amount":
		return got{num: g.Amount}
	case "error_code":
		return optional(g.ErrorCode)
	case "decline_code":
		return optional(g.DeclineCode)
	case "payment_intent":
		return optional(g.PaymentIntent)
	case "charge":
		return optional(g.Charge)
	case "gift_code":
		return optional(g.GiftCode)
	}
	return got{}
}

// check compares one expectation with the actual value and returns the
// failures (none when it holds).
func (e Expectation) check(prefix string, g got) []Failure {
	field := prefix + e.Field
	fail := func(gotS string) []Failure {
		return []Failure{{Field: field, Line: e.Line, Expected: e.Want(), Got: gotS}}
	}
	show := func() string {
		if !g.present {
			return "null"
		}
		return strconv.Quote(g.str)
	}
	// nullOrAbsent settles a text or time expectation when it is null (the
	// value must be absent) or the value is absent (a failure).
	nullOrAbsent := func() ([]Failure, bool) {
		switch {
		case e.Null && g.present:
			return fail(show()), true
		case e.Null:
			return nil, true
		case !g.present:
			return fail("null"), true
		}
		return nil, false
	}
	switch e.kind {
	case kNumber:
		want := e.num
		if e.Null {
			want = 0
		}
		if g.num != want {
			return fail(strconv.FormatInt(g.num, 10))
		}
	case kBool:
		if g.flag != e.flag {
			return fail(strconv.FormatBool(g.flag))
		}
	case kGifts:
		if e.Null {
			if len(g.gifts) > 0 {
				return fail(gifts(len(g.gifts)))
			}
			return nil
		}
		if len(g.gifts) != len(e.gifts) {
			return fail(gifts(len(g.gifts)))
		}
		var out []Failure
		for i, ge := range e.gifts {
			for _, x := range ge {
				out = append(out, x.check(fmt.Sprintf("%s[%d].", field, i), giftValue(g.gifts[i], x.Field))...)
			}
		}
		return out
	case kInstant:
		if out, done := nullOrAbsent(); done {
			return out
		}
		t, err := time.Parse(time.RFC3339, g.str)
		if err != nil {
			return fail(show())
		}
		if !t.Equal(e.at) {
			return fail(instant(g.str, t))
		}
	default:
		if out, done := nullOrAbsent(); done {
			return out
		}
		if e.re != nil {
			if !e.re.MatchString(g.str) {
				return fail(show())
			}
			return nil
		}
		if g.str != e.text {
			return fail(show())
		}
	}
	return nil
}

// checkTweet checks the expectations of a tweet step against its result or
// the error processing it returned.
func checkTweet(exps []Expectation, r shop.Result, stepErr error) []Failure {
	var errExp *Expectation
	for i := range exps {
		if exps[i].Field == "error" {
			errExp = &exps[i]
		}
	}
	if stepErr != nil {
		if errExp == nil || errExp.Null {
			line := 0
			if errExp != nil {
				line = errExp.Line
			}
			return []Failure{{Field: "error", Line: line, Expected: "no error", Got: strconv.Quote(stepErr.Error())}}
		}
		if !errExp.re.MatchString(stepErr.Error()) {
			return errExp.check("", got{str: stepErr.Error(), present: true})
		}
		return nil
	}
	var out []Failure
	for _, e := range exps {
		if e.Field == "error" {
			if !e.Null {
				out = append(out, Failure{Field: "error", Line: e.Line, Expected: e.Want(), Got: "no error (outcome " + r.Outcome + ")"})
			}
			continue
		}
		out = append(out, e.check("", resultValue(r, e.Field))...)
	}
	return out
}

// checkNumbers checks numeric expectations against named totals.
func checkNumbers(exps []Expectation, values map[string]int64) []Failure {
	var out []Failure
	for _, e := range exps {
		out = append(out, e.check("", got{num: values[e.Field]})...)
	}
	return out
}
