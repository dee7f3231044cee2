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

// A query of more clauses than a query may join is refused once the
// clause too many is read, without the parser building a list of every
// clause of the query first: a 1 MiB query of short clauses took 100 MB
// and half a second to be refused.
func TestSearchQueryTooManyClausesStopsEarly(t *testing.T) {
	long := strings.Repeat("name:'amy' ", 1<<14)
	allocs := testing.AllocsPerRun(5, func() {
		if _, aerr := parseSearch(long); aerr == nil || aerr.Param != "query" {
			t.Fatalf("a query of %d clauses: %v, want a 400 on query", 1<<14, aerr)
		}
	})
	// Each quoted value is a string of its own: a parser that reads the
	// whole query allocates at least once a clause.
	if allocs > 4*maxSearchClauses {
		t.Errorf("refusing a query of %d clauses took %v allocations", 1<<14, allocs)
	}
}
