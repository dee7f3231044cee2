package parity

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Diff is one difference between two recordings.
type Diff struct {
	// Step is the name of the step whose answers differ.
	Step string
	// Path locates the difference: "status", "error" (the runner's: no
	// answer), "header.<Name>" or "body" followed by the JSON path, e.g.
	// "body.error.payment_intent.status" or "body.data[0].id".
	Path string
	// Want and Got are the normalised values of the reference recording
	// (Stripe) and of the other one (the emulator); Absent where one side
	// has no such key.
	Want, Got any
}

type absent struct{}

func (absent) String() string { return "(absent)" }

// Absent stands for a key one side of a Diff does not have (a JSON null is
// nil).
var Absent any = absent{}

// Format writes the difference naming the two sides.
func (d Diff) Format(wantName, gotName string) string {
	return fmt.Sprintf("step %q: %s: %s %s, %s %s", d.Step, d.Path, wantName, show(d.Want), gotName, show(d.Got))
}

func (d Diff) String() string { return d.Format("want", "got") }

func show(v any) string {
	switch x := v.(type) {
	case absent:
		return x.String()
	case json.Number:
		return x.String()
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // placeholders are written <cus#1>
	if err := enc.Encode(v); err != nil {
		return fmt.Sprintf("%v", v)
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// Compare normalises both recordings (each on its own: see normalizer) and
// returns every difference, in step order.
func Compare(want, got []Answer) []Diff {
	nw, ng := normalizeAll(want), normalizeAll(got)
	var diffs []Diff
	for i := 0; i < max(len(nw), len(ng)); i++ {
		switch {
		case i >= len(nw):
			diffs = append(diffs, Diff{Step: got[i].Step, Path: "step", Want: Absent, Got: got[i].Step})
			continue
		case i >= len(ng):
			diffs = append(diffs, Diff{Step: want[i].Step, Path: "step", Want: want[i].Step, Got: Absent})
			continue
		}
		w, g := nw[i], ng[i]
		step := want[i].Step
		if want[i].Step != got[i].Step {
			diffs = append(diffs, Diff{Step: step, Path: "step", Want: want[i].Step, Got: got[i].Step})
			continue
		}
		add := func(path string, a, b any) { diffs = append(diffs, Diff{Step: step, Path: path, Want: a, Got: b}) }
		if w.err != g.err {
			add("error", orAbsent(w.err), orAbsent(g.err))
		}
		if w.status != g.status {
			add("status", w.status, g.status)
		}
		names := make([]string, 0, len(w.header)+len(g.header))
		for k := range w.header {
			names = append(names, k)
		}
		for k := range g.header {
			if _, ok := w.header[k]; !ok {
				names = append(names, k)
			}
		}
		slices.Sort(names)
		for _, k := range names {
			a, okA := w.header[k]
			b, okB := g.header[k]
			if !okA {
				a = Absent
			}
			if !okB {
				b = Absent
			}
			if !okA || !okB || a != b {
				add("header."+k, a, b)
			}
		}
		diffValue("body", w.body, g.body, add)
	}
	return diffs
}

func orAbsent(s string) any {
	if s == "" {
		return Absent
	}
	return s
}

func diffValue(path string, a, b any, add func(string, any, any)) {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			add(path, a, b)
			return
		}
		keys := make([]string, 0, len(x)+len(y))
		for k := range x {
			keys = append(keys, k)
		}
		for k := range y {
			if _, ok := x[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			va, okA := x[k]
			vb, okB := y[k]
			switch {
			case !okA:
				add(path+"."+k, Absent, vb)
			case !okB:
				add(path+"."+k, va, Absent)
			default:
				diffValue(path+"."+k, va, vb, add)
			}
		}
	case []any:
		y, ok := b.([]any)
		if !ok {
			add(path, a, b)
			return
		}
		for i := 0; i < max(len(x), len(y)); i++ {
			p := path + "[" + strconv.Itoa(i) + "]"
			switch {
			case i >= len(x):
				add(p, Absent, y[i])
			case i >= len(y):
				add(p, x[i], Absent)
			default:
				diffValue(p, x[i], y[i], add)
			}
		}
	default:
		if !sameScalar(a, b) {
			add(path, a, b)
		}
	}
}

func sameScalar(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case json.Number:
		y, ok := b.(json.Number)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	}
	return false
}

// normalized is an answer with what legitimately differs replaced.
type normalized struct {
	err    string
	status int
	header map[string]any
	body   any
}

// idPattern matches the object IDs Stripe (and the emulator) make: a known
// prefix, an underscore and at least 8 letters or digits. The prefixes are
// those of the objects the suite touches and of the objects they name.
var idPattern = regexp.MustCompile(`\b(acct|ba|card|ch|cs|cus|evt|fee|file|iar|ii|in|pi|pm|pmc|po|price|prod|py|pyr|re|req|seti|si|src|sub|tok|tr|txn)_[A-Za-z0-9]{8,}\b`)

// timestampKeys are the keys, besides those ending in "_at", whose numbers
// are times.
var timestampKeys = map[string]bool{"created": true, "updated": true, "capture_before": true, "available_on": true, "arrival_date": true}

// opaqueKeys are the keys whose values differ between any two accounts or
// runs and are checked for presence only: a string (or number) becomes the
// placeholder, null stays null.
var opaqueKeys = map[string]string{
	"client_secret":                   "<client_secret>",   // the PaymentIntent's ID plus a random secret
	"receipt_url":                     "<receipt_url>",     // a signed URL on pay.stripe.com
	"fingerprint":                     "<fingerprint>",     // the same card has another fingerprint in another account
	"request_log_url":                 "<request_log_url>", // names the account and the request
	"next_page":                       "<next_page>",       // an opaque search cursor
	"invoice_prefix":                  "<invoice_prefix>",  // random per customer
	"risk_score":                      "<risk_score>",      // Radar's score varies from one charge to the next
	"authorization_code":              "<authorization_code>",
	"network_transaction_id":          "<network_transaction_id>",
	"calculated_statement_descriptor": "<statement_descriptor>", // the account's settings
}

// normalizer rewrites one recording. IDs are replaced by placeholders
// numbered per prefix in order of first appearance ("<cus#1>", "<cus#2>"),
// so that an answer naming "the customer of step 1" is still checked; the
// numbering is per prefix so that an ID one side has and the other lacks
// shifts only the IDs of its own kind.
type normalizer struct {
	ids      map[string]string
	counters map[string]int
	// requests maps a Request-Id to the step it answered.
	requests map[string]string
}

func normalizeAll(answers []Answer) []normalized {
	n := &normalizer{ids: map[string]string{}, counters: map[string]int{}, requests: map[string]string{}}
	out := make([]normalized, len(answers))
	for i, a := range answers {
		out[i] = n.answer(a)
	}
	return out
}

func (n *normalizer) answer(a Answer) normalized {
	out := normalized{err: a.Err, status: a.Status, header: map[string]any{}}
	for _, h := range RecordedHeaders {
		v, ok := a.Header[h]
		if !ok {
			continue
		}
		switch h {
		case "Request-Id":
			// Every answer has its own; it only matters as what a
			// replay's Original-Request names.
			n.requests[v] = a.Step
			out.header[h] = "<request id>"
		case "Original-Request":
			if step, ok := n.requests[v]; ok {
				out.header[h] = "<request of step " + step + ">"
			} else {
				out.header[h] = "<request of no recorded step>"
			}
		default:
			out.header[h] = n.text(v)
		}
	}
	out.body = n.value("", a.Body)
	return out
}

func (n *normalizer) value(key string, v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		// "id" first, so that an object's own ID is numbered before the
		// IDs it names.
		if id, ok := x["id"]; ok {
			m["id"] = n.value("id", id)
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			if k != "id" {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			m[k] = n.value(k, x[k])
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = n.value(key, e)
		}
		return s
	case nil:
		return nil
	}
	if p, ok := opaqueKeys[key]; ok {
		if s, isStr := v.(string); isStr && s == "" {
			return ""
		}
		return p
	}
	if num, ok := v.(json.Number); ok && (timestampKeys[key] || strings.HasSuffix(key, "_at")) {
		if _, err := num.Int64(); err == nil {
			return "<timestamp>"
		}
	}
	if s, ok := v.(string); ok {
		return n.text(s)
	}
	return v
}

// text replaces every object ID in s, whole or inside a message ("No such
// customer: 'cus_…'").
func (n *normalizer) text(s string) string {
	return idPattern.ReplaceAllStringFunc(s, func(id string) string {
		prefix, rest, _ := strings.Cut(id, "_")
		if !looksGenerated(rest) {
			return id
		}
		if p, ok := n.ids[id]; ok {
			return p
		}
		n.counters[prefix]++
		p := "<" + prefix + "#" + strconv.Itoa(n.counters[prefix]) + ">"
		n.ids[id] = p
		return p
	})
}

// looksGenerated tells a generated ID's tail (mixed case or digits) from
// a word: "card_declined" and "pm_card_visa" are not IDs.
func looksGenerated(s string) bool {
	for _, r := range s {
		if unicode.IsDigit(r) || unicode.IsUpper(r) {
			return true
		}
	}
	return false
}
