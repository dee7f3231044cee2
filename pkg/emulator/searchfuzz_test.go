package emulator

import (
	"strings"
	"testing"
)

// FuzzParseSearch feeds the query parser, the field check and the matcher
// arbitrary queries: none may panic, and a query that is accepted has
// between 1 and maxSearchClauses clauses, each on a known field.
func FuzzParseSearch(f *testing.F) {
	for _, q := range []string{
		"name:'amy'",
		"name:'AMY ROCKET' AND metadata['n']:'2'",
		"-metadata['vip']:null OR email~\"example\"",
		"created>=\"0\" AND created<1700000000",
		"name:'a\\'b' and phone:null",
		"metadata[\"k\"]:'v' metadata['x]:'y'",
		"name:'amy' AND",
		"-",
		"metadata[",
		"name:'unterminated\\",
		"amount>-5 OR amount<=\"9223372036854775808\"",
		strings.Repeat("name:'amy' AND ", 10) + "name:'amy'",
	} {
		f.Add(q)
	}
	c := &customer{ID: "cus_1", Name: strp("Amy Rocket"), Email: strp("amy@rocketrides.io"),
		Metadata: map[string]string{"vip": "yes", "": "empty"}}
	f.Fuzz(func(t *testing.T, query string) {
		q, aerr := parseSearch(query)
		if aerr != nil {
			return
		}
		if aerr := checkSearch(q, customerSearchFields, "customers"); aerr != nil {
			return
		}
		if n := len(q.clauses); n < 1 || n > maxSearchClauses {
			t.Fatalf("%q: accepted with %d clauses", query, n)
		}
		for _, cl := range q.clauses {
			if _, ok := customerSearchFields[cl.field]; !ok {
				t.Fatalf("%q: accepted a clause on %q", query, cl.field)
			}
		}
		matcher(q, customerSearchFields, customerValue)(c)
		q.indexable()
	})
}
