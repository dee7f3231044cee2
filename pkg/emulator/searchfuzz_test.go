package emulator

import (
	"fmt"
	"strings"
	"testing"

	stripe "github.com/stripe/stripe-go/v76"
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

// A tab or a line break around AND and OR separates them from the clauses
// as a space does, as it already did around a clause joined by blanks
// alone: a query written over several lines, or with tabs, was refused
// with "Expected an operator (: ~ > < >= <=) after AND".
func TestSearchQueryBlanks(t *testing.T) {
	em, sc := newClient(t)
	amy := must[*stripe.Customer](t)(sc.Customers.New(&stripe.CustomerParams{Name: stripe.String("Amy Rocket")})).ID
	rory := must[*stripe.Customer](t)(sc.Customers.New(&stripe.CustomerParams{Name: stripe.String("Rory Williams")})).ID
	const path = "/v1/customers/search"
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"name:'amy'\tAND\tname:'rocket'", []string{amy}},
		{"name:'amy' AND\nname:'rocket'", []string{amy}},
		{"name:'amy'\r\nAND\r\nname:'williams'", nil},
		{"name:'rory'\nOR\tname:'amy'", []string{rory, amy}},
		{"created>=0\tOR name:'amy'", []string{rory, amy}},
	} {
		if got := searchIDs(t, em, path, c.q); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("search %q = %v, want %v", c.q, got, c.want)
		}
	}
	searchRefused(t, em, path, "name:'amy'\tAND")
	searchRefused(t, em, path, "name:'amy'\tAND\tname:'x'\nOR name:'y'")
}
