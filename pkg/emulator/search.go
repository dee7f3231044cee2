package emulator

import (
	"encoding/base64"
	"strconv"
	"strings"
	"unicode"
)

// Stripe's search query language (docs.stripe.com/search, "Search query
// language" and "Search Syntax"):
//
//   - a clause is field, operator, value; clauses are joined by spaces or by
//     AND or OR (case insensitive), "AND and OR operators are mutually
//     exclusive", there are no parentheses, and a query has "up to 10 query
//     clauses";
//   - "-" before a clause "returns records that don't match the clause";
//   - each field has a type: a token is an "exact match (case
//     insensitive)"; a string has "exact match, substring (case
//     insensitive)", where an exact match "returns any record where that
//     record contains all of the words from the query in the same order"
//     (name:"one two three" matches "one two three four") and "~" is a
//     substring of "a minimum of 3 characters"; a numeric field has exact
//     match and > < >= <=; "using an unsupported operator, such as
//     specifying greater than (>) on a string, returns an error";
//   - metadata["key"]:"value" is a token clause on one key;
//   - null (case insensitive, unquoted) is "a special token used for field
//     presence": url:null matches records whose url is empty, and
//     -metadata["key"]:null every record that has the key;
//   - string values are quoted with ' or ", a quote inside escaped with \;
//     numeric values may go unquoted.

// fieldType is the type docs.stripe.com/search gives a query field, which
// decides the operators it takes and how a value compares.
type fieldType int

const (
	tokenField fieldType = iota
	stringField
	numericField
)

// maxSearchClauses is how many clauses a query may join.
const maxSearchClauses = 10

// searchClause is one clause of a query: [-]field[['key']] op value.
type searchClause struct {
	field, key, op, value string
	neg                   bool // "-" before the clause
	null                  bool // the value is the null token
	num                   int64
}

// searchQuery is a parsed query: its clauses, joined by OR when or is set
// and by AND otherwise.
type searchQuery struct {
	clauses []searchClause
	or      bool
}

// searchValue is what an object holds in a query field: the text of a
// token or string field, the number of a numeric one. present is false
// when the field is null or empty, or the metadata key is missing, which is
// what a null clause matches.
type searchValue struct {
	s       string
	n       int64
	present bool
}

func strValue(s string) searchValue { return searchValue{s: s, present: s != ""} }
func numValue(n int64) searchValue  { return searchValue{n: n, present: true} }
func boolValue(b bool) searchValue  { return searchValue{s: strconv.FormatBool(b), present: true} }
func ptrValue(p *string) searchValue {
	if p == nil {
		return searchValue{}
	}
	return strValue(*p)
}

// errSearchSyntax is Stripe's answer to a query that does not parse; the
// sentence is the one stripe-ruby-mock's specs expect from Stripe for the
// query "asdf". What follows it is the emulator's own.
func errSearchSyntax(detail string) *apiError {
	return invalidRequest("", "query", "We were unable to parse your search query. %s", detail)
}

// parseSearch parses a query into clauses; it does not know the fields.
func parseSearch(q string) (searchQuery, *apiError) {
	var out searchQuery
	rest := strings.TrimSpace(q)
	if rest == "" {
		return out, errMissing("query")
	}
	sawAnd := false
	for {
		var c searchClause
		if strings.HasPrefix(rest, "-") {
			c.neg, rest = true, rest[1:]
		}
		i := 0
		for i < len(rest) && (rest[i] == '_' || rest[i] == '.' || rest[i] >= 'a' && rest[i] <= 'z' ||
			rest[i] >= 'A' && rest[i] <= 'Z' || rest[i] >= '0' && rest[i] <= '9') {
			i++
		}
		if i == 0 {
			return out, errSearchSyntax("Expected a clause such as metadata['key']:'value'.")
		}
		c.field, rest = rest[:i], rest[i:]
		if c.field == "metadata" && strings.HasPrefix(rest, "[") {
			end := strings.Index(rest, "]")
			if end < 0 {
				return out, errSearchSyntax("Unclosed [ after metadata.")
			}
			c.key = unquote(rest[1:end])
			rest = rest[end+1:]
		}
		switch {
		case strings.HasPrefix(rest, ">="), strings.HasPrefix(rest, "<="):
			c.op, rest = rest[:2], rest[2:]
		case strings.HasPrefix(rest, ":"), strings.HasPrefix(rest, "~"), strings.HasPrefix(rest, ">"), strings.HasPrefix(rest, "<"):
			c.op, rest = rest[:1], rest[1:]
		default:
			return out, errSearchSyntax("Expected an operator (: ~ > < >= <=) after " + c.field + ".")
		}
		if strings.HasPrefix(rest, "'") || strings.HasPrefix(rest, "\"") {
			qc := rest[0]
			var b strings.Builder
			end := 1
			for ; end < len(rest) && rest[end] != qc; end++ {
				if rest[end] == '\\' && end+1 < len(rest) {
					end++
				}
				b.WriteByte(rest[end])
			}
			if end >= len(rest) {
				return out, errSearchSyntax("Unterminated string.")
			}
			c.value, rest = b.String(), rest[end+1:]
		} else {
			end := strings.IndexFunc(rest, unicode.IsSpace)
			if end < 0 {
				end = len(rest)
			}
			c.value, rest = rest[:end], rest[end:]
			if c.value == "" {
				return out, errSearchSyntax("Expected a value after " + c.field + c.op + ".")
			}
			c.null = strings.EqualFold(c.value, "null")
		}
		out.clauses = append(out.clauses, c)
		// Refused at the first clause too many, not once the whole query
		// is read: a long query of short clauses made a list of them a
		// hundred times its size before being refused.
		if len(out.clauses) > maxSearchClauses {
			return out, invalidRequest("", "query", "A search query can combine up to %d clauses; this one has more.", maxSearchClauses)
		}
		rest = strings.TrimSpace(rest)
		if rest == "" {
			break
		}
		// Blanks join two clauses as AND does; AND and OR are words, ended
		// by a tab or a line break as by a space.
		w, r := rest, ""
		if i := strings.IndexFunc(rest, unicode.IsSpace); i >= 0 {
			w, r = rest[:i], rest[i:]
		}
		if strings.EqualFold(w, "AND") || strings.EqualFold(w, "OR") {
			if strings.EqualFold(w, "OR") {
				out.or = true
			} else {
				sawAnd = true
			}
			rest = strings.TrimSpace(r)
		} else {
			sawAnd = true
		}
		if rest == "" {
			return out, errSearchSyntax("Expected a clause after AND or OR.")
		}
	}
	// Stripe's wording for this and for too many clauses is not confirmed;
	// they keep the 400 on query every other refused query answers.
	if out.or && sawAnd {
		return out, invalidRequest("", "query", "A search query cannot combine AND and OR: %s", q)
	}
	return out, nil
}

func unquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && (s[0] == '\'' || s[0] == '"') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// checkSearch refuses a clause on a field the resource does not search
// (Stripe's message), and an operator or value the field's type does not
// take ("returns an error"; that wording is not confirmed).
func checkSearch(q searchQuery, fields map[string]fieldType, kind string) *apiError {
	for i := range q.clauses {
		c := &q.clauses[i]
		typ, ok := fields[c.field]
		if !ok {
			return invalidRequest("", "query", "Field `%s` is an unsupported search field for resource `%s`. See http://stripe.com/docs/search#query-fields-for-%s for a list of supported fields.",
				c.field, kind, strings.ReplaceAll(kind, "_", "-"))
		}
		if c.field == "metadata" && c.key == "" {
			return errSearchSyntax("Expected metadata['key'].")
		}
		if c.null {
			if c.op != ":" {
				return invalidRequest("", "query", "The operator `%s` cannot be used with null; use `%s:null`.", c.op, c.field)
			}
			continue
		}
		switch typ {
		case tokenField:
			if c.op != ":" {
				return invalidRequest("", "query", "The operator `%s` is not supported on the token field `%s`; it takes only `:`.", c.op, c.field)
			}
		case stringField:
			if c.op != ":" && c.op != "~" {
				return invalidRequest("", "query", "The operator `%s` is not supported on the string field `%s`; it takes `:` and `~`.", c.op, c.field)
			}
			if c.op == "~" && len([]rune(c.value)) < 3 {
				return invalidRequest("", "query", "A substring search (`~`) needs at least 3 characters: `%s~\"%s\"`.", c.field, c.value)
			}
		case numericField:
			if c.op == "~" {
				return invalidRequest("", "query", "The operator `~` is not supported on the numeric field `%s`.", c.field)
			}
			n, err := strconv.ParseInt(c.value, 10, 64)
			if err != nil {
				return invalidRequest("", "query", "The field `%s` is numeric, but `%s` is not a number.", c.field, c.value)
			}
			c.num = n
		}
	}
	return nil
}

// words splits s into the lower-cased words an exact match on a string
// field compares: runs of letters, digits and underscores. Stripe does not
// document how it splits words; this is the emulator's reading.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_'
	})
}

// containsWords reports whether have holds the words of want, in order and
// next to each other. A value without words compares whole.
func containsWords(have, want string) bool {
	ww := words(want)
	if len(ww) == 0 {
		return strings.EqualFold(strings.TrimSpace(have), strings.TrimSpace(want))
	}
	hw := words(have)
	for i := 0; i+len(ww) <= len(hw); i++ {
		j := 0
		for j < len(ww) && hw[i+j] == ww[j] {
			j++
		}
		if j == len(ww) {
			return true
		}
	}
	return false
}

// clauseHit reports whether v, an object's value in c's field of type typ,
// matches c.
func clauseHit(typ fieldType, c *searchClause, v searchValue) bool {
	var hit bool
	switch {
	case c.null:
		hit = !v.present
	case !v.present:
		hit = false
	case typ == numericField:
		switch c.op {
		case ":":
			hit = v.n == c.num
		case ">":
			hit = v.n > c.num
		case "<":
			hit = v.n < c.num
		case ">=":
			hit = v.n >= c.num
		case "<=":
			hit = v.n <= c.num
		}
	case typ == stringField && c.op == "~":
		hit = strings.Contains(strings.ToLower(v.s), strings.ToLower(c.value))
	case typ == stringField:
		hit = containsWords(v.s, c.value)
	default:
		hit = strings.EqualFold(v.s, c.value)
	}
	return hit != c.neg
}

// matcher returns whether an object matches q, reading each clause's field
// with value.
func matcher[T any](q searchQuery, fields map[string]fieldType, value func(*T, *searchClause) searchValue) func(*T) bool {
	return func(o *T) bool {
		for i := range q.clauses {
			c := &q.clauses[i]
			if clauseHit(fields[c.field], c, value(o, c)) == q.or {
				return q.or
			}
		}
		return !q.or
	}
}

// indexable lists the clauses an index may narrow a search to: none of an
// OR query, and of an AND query those that are a plain `:` match on a
// value. An index holds values as they were written, so a caller narrows
// only where that comparison is the one Stripe makes.
func (q searchQuery) indexable() []*searchClause {
	if q.or {
		return nil
	}
	var out []*searchClause
	for i := range q.clauses {
		if c := &q.clauses[i]; !c.neg && !c.null && c.op == ":" {
			out = append(out, c)
		}
	}
	return out
}

// caseless reports whether s reads the same in any letter case, so that an
// index of exact values finds every case-insensitive match of it.
func caseless(s string) bool {
	return strings.ToLower(s) == strings.ToUpper(s)
}

// metadataValue is the search value of metadata[key]: present or not,
// which null tells apart.
func metadataValue(md map[string]string, key string) searchValue {
	v, ok := md[key]
	return searchValue{s: v, present: ok}
}

type searchResult struct {
	Object     string  `json:"object"`
	Data       []any   `json:"data"`
	HasMore    bool    `json:"has_more"`
	NextPage   *string `json:"next_page"`
	URL        string  `json:"url"`
	TotalCount *int64  `json:"total_count,omitempty"`
}

// maxTotalCount is where a search's total_count stops counting: Stripe's
// is "only accurate up to 10,000".
const maxTotalCount = 10000

// searchIn answers GET /v1/<kind>/search over t: the query's clauses, each
// on a field in fields, select objects by the value value reads, newest
// first, a page at a time (a page token names the last object of the page
// before). narrow may point the query at an index. view, when not nil, is
// what a stored object answers as (a PaymentIntent without the emulator's
// private state). Expanding total_count, which the search API documents as
// "not included by default" (docs.stripe.com/api/pagination/search), adds
// the number of all the objects that match, not only this page's.
// searchSpec is the parameters of every search endpoint.
var searchSpec = spec{"query": nil, "limit": nil, "page": nil, "expand": specList}

func searchIn[T any](e *Emulator, w *wtx, rq *request, t *table[T], fields map[string]fieldType,
	narrow func(*listQuery, searchQuery), value func(*T, *searchClause) searchValue, view func(*T) any) (any, *apiError) {
	query, _ := rq.str("query")
	q, aerr := parseSearch(query)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := checkSearch(q, fields, t.kind); aerr != nil {
		return nil, aerr
	}
	lq := listQuery{index: -1, limit: 10}
	if n, ok, aerr := rq.limit(); aerr != nil {
		return nil, aerr
	} else if ok {
		lq.limit = n
	}
	if narrow != nil {
		narrow(&lq, q)
	}
	all := lq
	if page, ok := rq.str("page"); ok && page != "" {
		raw, err := base64.RawURLEncoding.DecodeString(page)
		// A token that names no object is as invalid as one that does not
		// decode: the request has no starting_after for an error to name.
		if _, _, ok := t.getRaw(w.tx, string(raw)); err != nil || !ok {
			return nil, invalidRequest("", "page", "Invalid page token: %s", page)
		}
		lq.startingAfter = string(raw)
	}
	keep := matcher(q, fields, value)
	items, more, aerr := t.page(w.tx, lq, keep)
	if aerr != nil {
		return nil, aerr
	}
	res := &searchResult{Object: "search_result", Data: make([]any, len(items)), HasMore: more, URL: "/v1/" + t.kind + "/search"}
	for i, it := range items {
		if view != nil {
			res.Data[i] = view(it)
		} else {
			res.Data[i] = it
		}
	}
	if more && len(items) > 0 {
		res.NextPage = strp(base64.RawURLEncoding.EncodeToString([]byte(t.id(items[len(items)-1]))))
	}
	var paths []string
	for _, p := range rq.expand() {
		if p == "total_count" {
			all.limit = maxTotalCount
			matched, _, aerr := t.page(w.tx, all, keep)
			if aerr != nil {
				return nil, aerr
			}
			n := int64(len(matched))
			res.TotalCount = &n
			continue
		}
		paths = append(paths, p)
	}
	if aerr := e.expandData(w, res.Data, paths); aerr != nil {
		return nil, aerr
	}
	return res, nil
}
