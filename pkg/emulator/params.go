package emulator

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Parameter specs: nil = a scalar, specHash = a hash of scalars with free keys
// (metadata), specList = a list of scalars, specAny = anything, and a
// map[string]any = a hash with the given keys. Any of them wrapped in
// orEmpty is a parameter that an empty string unsets.
type specKind int

const (
	specHash specKind = iota + 1
	specList
	specAny
)

type spec map[string]any

// scalarOr is a parameter given either as one scalar or as a hash with the
// given keys: created=1700000000 or created[gte]=1700000000.
type scalarOr spec

// orEmpty marks a parameter that can be unset: "param=" (an empty string)
// clears it, and the handler reads "" as "unset". Stripe reads an empty
// value as an attempt to unset a parameter and refuses it for every other
// parameter (errEmpty), however deeply nested: shipping[name]= is refused
// even where shipping= clears the whole hash.
//
// Which parameters can be unset is Stripe's OpenAPI spec's to say: their
// schema is an anyOf with a {"type": "string", "enum": [""]} member (or a
// string enum listing ""). The emulator's specs follow the spec shipped in
// stripe-mock, whose API version is newer than 2023-10-16 but agrees with
// it on the parameters the emulator takes; TestSpecsMatchOpenAPI checks
// every endpoint's spec against it.
type orEmpty struct{ of any }

// checkParams rejects parameters the spec does not know, and empty strings
// for parameters that cannot be unset, as Stripe does.
func checkParams(params map[string]any, s spec) *apiError {
	return checkNode(params, s, "")
}

// errEmpty is Stripe's answer to "param=" for a parameter that cannot be
// unset: code parameter_invalid_empty, the parameter named in bracket form
// (shipping[address][line1]). The words are Stripe's, as its answers are
// quoted: the title of mage2pro/stripe#67 (for 'plan'), juspay/hyperswitch's
// crates/router/tests/connectors/stripe.rs (for
// 'payment_method_data[card][number]'), and a gateway test's recorded
// "[invalid_request_error/parameter_invalid_empty] You passed an empty
// string for 'payment_method'. ...", which gives the type and code.
func errEmpty(param string) *apiError {
	return invalidRequest("parameter_invalid_empty", param,
		"You passed an empty string for '%s'. We assume empty values are an attempt to unset a parameter; "+
			"however '%s' cannot be unset. You should remove '%s' from your request or supply a non-empty value.",
		param, param, param)
}

func checkNode(params map[string]any, s spec, prefix string) *apiError {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := params[k]
		name := k
		if prefix != "" {
			name = prefix + "[" + k + "]"
		}
		want, ok := s[k]
		if !ok {
			return errUnknownParam(name)
		}
		if e, unsettable := want.(orEmpty); unsettable {
			if v == "" {
				continue
			}
			want = e.of
		} else if v == "" {
			return errEmpty(name)
		}
		switch w := want.(type) {
		case nil:
			if _, ok := v.(string); !ok {
				return invalidRequest("", name, "Invalid %s: must be a string, not a hash or list", name)
			}
		case specKind:
			switch w {
			case specHash:
				switch t := v.(type) {
				case map[string]any:
					for mk, mv := range t {
						if _, ok := mv.(string); !ok {
							return invalidRequest("", name+"["+mk+"]", "Invalid %s[%s]: must be a string", name, mk)
						}
					}
				default:
					return invalidRequest("", name, "Invalid hash")
				}
			case specList:
				// expand=customer is refused: a string stands for a
				// list only as "" to empty one that can be unset.
				switch t := v.(type) {
				case []any:
					for _, it := range t {
						if _, ok := it.(string); !ok {
							return invalidRequest("", name, "Invalid array")
						}
					}
				default:
					return invalidRequest("", name, "Invalid array")
				}
			}
		case scalarOr:
			switch t := v.(type) {
			case string:
			case map[string]any:
				if aerr := checkNode(t, spec(w), name); aerr != nil {
					return aerr
				}
			default:
				return invalidRequest("", name, "Invalid object")
			}
		case spec:
			switch t := v.(type) {
			case map[string]any:
				if aerr := checkNode(t, w, name); aerr != nil {
					return aerr
				}
			default:
				return invalidRequest("", name, "Invalid object")
			}
		}
	}
	return nil
}

// merge combines specs (the later wins).
func merge(specs ...spec) spec {
	out := spec{}
	for _, s := range specs {
		for k, v := range s {
			out[k] = v
		}
	}
	return out
}

// pageSpec is the parameters of every list, and listSpec those of the lists
// that also select by created time (not the PaymentMethod lists).
var (
	pageSpec = spec{"limit": nil, "starting_after": nil, "ending_before": nil, "expand": specList}
	listSpec = merge(pageSpec, spec{"created": scalarOr{"gt": nil, "gte": nil, "lt": nil, "lte": nil}})
)

var expandSpec = spec{"expand": specList}

// tree accessors; every path element but the last names a hash.

func lookup(m map[string]any, path ...string) (any, bool) {
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur, ok = mm[p]
		if !ok {
			return nil, false
		}
	}
	return cur, true
}

func paramName(path []string) string {
	s := path[0]
	for _, p := range path[1:] {
		s += "[" + p + "]"
	}
	return s
}

func (rq *request) has(path ...string) bool {
	_, ok := lookup(rq.params, path...)
	return ok
}

func (rq *request) str(path ...string) (string, bool) {
	v, ok := lookup(rq.params, path...)
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	return s, ok
}

// optStr returns a pointer for a present value; "" clears (nil, true).
func (rq *request) optStr(path ...string) (*string, bool) {
	s, ok := rq.str(path...)
	if !ok {
		return nil, false
	}
	if s == "" {
		return nil, true
	}
	p := new(string) // only here: &s would move s to the heap on every call
	*p = s
	return p, true
}

func (rq *request) int(path ...string) (int64, bool, *apiError) {
	s, ok := rq.str(path...)
	if !ok {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, true, errInvalidInteger(paramName(path), s)
	}
	return n, true, nil
}

func (rq *request) bool(path ...string) (bool, bool, *apiError) {
	s, ok := rq.str(path...)
	if !ok {
		return false, false, nil
	}
	switch s {
	case "true":
		return true, true, nil
	case "false":
		return false, true, nil
	}
	return false, true, errInvalidBoolean(paramName(path), s)
}

func (rq *request) list(path ...string) []string {
	v, ok := lookup(rq.params, path...)
	if !ok {
		return nil
	}
	switch t := v.(type) {
	case string:
		if t == "" {
			return nil
		}
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, it := range t {
			if s, ok := it.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func (rq *request) expand() []string { return rq.list("expand") }

// applyMetadata sets and unsets metadata keys: an empty value deletes a key
// and an empty "metadata" clears the hash, as on Stripe.
func applyMetadata(md map[string]string, rq *request) (map[string]string, *apiError) {
	if md == nil {
		md = map[string]string{}
	}
	v, ok := rq.params["metadata"]
	if !ok {
		return md, nil
	}
	switch t := v.(type) {
	case string:
		if t == "" {
			return map[string]string{}, nil
		}
		return nil, invalidRequest("", "metadata", "Invalid hash")
	case map[string]any:
		for k, val := range t {
			s, _ := val.(string)
			// Stripe's limits are in characters, not bytes: a key or value
			// in Japanese or with accents may take up to 4 bytes a character.
			if n := utf8.RuneCountInString(k); n > 40 {
				return nil, invalidRequest("", "metadata["+k+"]", "Metadata keys can have up to 40 characters. The key %q has %d characters.", k, n)
			}
			if n := utf8.RuneCountInString(s); n > 500 {
				return nil, invalidRequest("", "metadata["+k+"]", "Metadata values can have up to 500 characters, but you passed in a value that is %d characters. Invalid value: %s", n, firstRunes(s, 40)+"...")
			}
			if s == "" {
				delete(md, k)
			} else {
				md[k] = s
			}
		}
	}
	if len(md) > 50 {
		return nil, invalidRequest("", "metadata", "You can specify up to 50 keys, with key names up to 40 characters long and values up to 500 characters long.")
	}
	return md, nil
}

// firstRunes is s cut after n characters, never inside one.
func firstRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// limit reads a list's page size, 1 to 100, with Stripe's messages for a
// value out of range.
func (rq *request) limit() (int, bool, *apiError) {
	n, ok, aerr := rq.int("limit")
	if aerr != nil || !ok {
		return 0, ok, aerr
	}
	switch {
	case n < 1:
		return 0, true, invalidRequest("parameter_invalid_integer", "limit", "This value must be greater than or equal to 1.")
	case n > 100:
		return 0, true, invalidRequest("parameter_invalid_integer", "limit", "This value must be less than or equal to 100.")
	}
	return int(n), true, nil
}

// listQuery reads limit, starting_after, ending_before and created[...].
func (rq *request) listQuery() (listQuery, *apiError) {
	q := listQuery{index: -1, limit: 10}
	if n, ok, aerr := rq.limit(); aerr != nil {
		return q, aerr
	} else if ok {
		q.limit = n
	}
	q.startingAfter, _ = rq.str("starting_after")
	q.endingBefore, _ = rq.str("ending_before")
	if q.startingAfter != "" && q.endingBefore != "" {
		return q, invalidRequest("", "ending_before", "You may only specify one of these parameters: ending_before, starting_after.")
	}
	if v, ok := rq.params["created"]; ok {
		switch t := v.(type) {
		case string:
			n, err := strconv.ParseInt(t, 10, 64)
			if err != nil {
				return q, errInvalidInteger("created", t)
			}
			q.gte, q.lte = &n, int64p(n)
		case map[string]any:
			for op := range t {
				n, _, aerr := rq.int("created", op)
				if aerr != nil {
					return q, aerr
				}
				// gt and lt become inclusive bounds one second further
				// in; at the ends of int64 that second would wrap round
				// and the bound select every object, so it stays at the
				// end, which no object's created reaches.
				switch op {
				case "gte":
					q.gte = maxp(q.gte, n)
				case "gt":
					if n < math.MaxInt64 {
						n++
					}
					q.gte = maxp(q.gte, n)
				case "lte":
					q.lte = minp(q.lte, n)
				case "lt":
					if n > math.MinInt64 {
						n--
					}
					q.lte = minp(q.lte, n)
				}
			}
		}
	}
	return q, nil
}

func maxp(p *int64, n int64) *int64 {
	if p == nil || n > *p {
		return &n
	}
	return p
}

func minp(p *int64, n int64) *int64 {
	if p == nil || n < *p {
		return &n
	}
	return p
}

// listOf builds a list object.
func listOf[T any](items []*T, hasMore bool, url string, conv func(*T) any) *listObject {
	data := make([]any, len(items))
	for i, it := range items {
		data[i] = conv(it)
	}
	return &listObject{Object: "list", Data: data, HasMore: hasMore, URL: url}
}

// rawList is a list object's JSON around items already encoded, as
// encoding listObject would write it.
func rawList(items [][]byte, hasMore bool, url string) rawBody {
	n := 64 + len(url)
	for _, it := range items {
		n += len(it) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, `{"object":"list","data":[`...)
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, it...)
	}
	b = append(b, `],"has_more":`...)
	b = strconv.AppendBool(b, hasMore)
	b = append(b, `,"url":`...)
	b = strconv.AppendQuote(b, url)
	return rawBody(append(b, '}'))
}

// splitExpand reads a list's expansions: each names a field of the items
// as "data.x", and the items are expanded by "x". Any other path is refused
// as on Stripe, which names the "data." form the caller likely meant.
func splitExpand(exp []string) ([]string, *apiError) {
	var out []string
	for _, e := range exp {
		if e == "" {
			continue
		}
		field, ok := strings.CutPrefix(e, "data.")
		if !ok {
			if e == "data" {
				return nil, errNotExpandable(e)
			}
			return nil, invalidRequest("", "expand",
				"This property cannot be expanded (%s). You may want to try expanding 'data.%s' instead.", e, e)
		}
		out = append(out, field)
	}
	return out, nil
}
