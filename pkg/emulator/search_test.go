package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	stripe "github.com/stripe/stripe-go/v76"
)

// A search answers total_count only when it is expanded, and then counts
// every object the query matches, not only the page: "This field isn't
// included by default. To include it in the response, expand the
// total_count field" (docs.stripe.com/api/pagination/search). Stripe's
// Node SDK types it the same way (ApiSearchResult.total_count, "only
// present when expand contains total_count"); merchants use it to test
// whether anything matched at all.
func TestSearchTotalCount(t *testing.T) {
	em, sc := newClient(t)
	for i := 0; i < 5; i++ {
		p := &stripe.PaymentIntentParams{Amount: stripe.Int64(500), Currency: stripe.String("usd"),
			PaymentMethod: stripe.String("pm_card_visa"), Confirm: stripe.Bool(true)}
		p.AddMetadata("hashtag", map[bool]string{true: "tweetacoffee", false: "BuyBlueMug"}[i < 3])
		must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(p))
	}
	q := "metadata['hashtag']:'tweetacoffee'"
	resp, m := raw(t, em, "GET", "/v1/charges/search", url.Values{"query": {q}, "limit": {"1"}, "expand[]": {"total_count"}}, nil)
	if resp.StatusCode != http.StatusOK || m["total_count"] != float64(3) || len(m["data"].([]any)) != 1 || m["has_more"] != true {
		t.Fatalf("search with total_count: %d %v", resp.StatusCode, m)
	}
	// The second page still counts all three.
	resp, m = raw(t, em, "GET", "/v1/charges/search", url.Values{"query": {q}, "limit": {"1"}, "page": {m["next_page"].(string)},
		"expand[]": {"total_count"}}, nil)
	if resp.StatusCode != http.StatusOK || m["total_count"] != float64(3) {
		t.Fatalf("second page with total_count: %d %v", resp.StatusCode, m)
	}
	resp, m = raw(t, em, "GET", "/v1/charges/search", url.Values{"query": {"metadata['hashtag']:'none'"}, "expand[]": {"total_count"}}, nil)
	if resp.StatusCode != http.StatusOK || m["total_count"] != float64(0) {
		t.Fatalf("no match with total_count: %d %v", resp.StatusCode, m)
	}
	resp, m = raw(t, em, "GET", "/v1/charges/search", url.Values{"query": {q}}, nil)
	if _, ok := m["total_count"]; resp.StatusCode != http.StatusOK || ok {
		t.Fatalf("search without expand: %d %v", resp.StatusCode, m)
	}
	// Expanding it alongside a field of the results.
	resp, m = raw(t, em, "GET", "/v1/charges/search", url.Values{"query": {q}, "expand[]": {"total_count", "data.payment_intent"}}, nil)
	if resp.StatusCode != http.StatusOK || m["total_count"] != float64(3) {
		t.Fatalf("total_count with data.payment_intent: %d %v", resp.StatusCode, m)
	}
	if pi, _ := m["data"].([]any)[0].(map[string]any)["payment_intent"].(map[string]any); pi["object"] != "payment_intent" {
		t.Fatalf("data.payment_intent not expanded: %v", fmt.Sprint(m["data"]))
	}
}

// Customers are searchable as charges are (docs.stripe.com/search lists
// "Query fields for Customers": created, email, metadata, name, phone;
// GET /v1/customers/search is in Stripe's OpenAPI spec and in every SDK).
// The path used to reach the retrieve handler, which refused the query as
// an unknown parameter.
func TestSearchCustomers(t *testing.T) {
	em, sc := newClient(t)
	var ids []string
	for i := 0; i < 4; i++ {
		p := &stripe.CustomerParams{Email: stripe.String(fmt.Sprintf("b%d@example.com", i%2)), Name: stripe.String(fmt.Sprintf("Buyer %d", i))}
		p.AddMetadata("handle", fmt.Sprintf("@b%d", i))
		ids = append(ids, must[*stripe.Customer](t)(sc.Customers.New(p)).ID)
	}
	search := func(q string, limit int64) []string {
		t.Helper()
		p := &stripe.CustomerSearchParams{SearchParams: stripe.SearchParams{Query: q, Limit: stripe.Int64(limit)}}
		it := sc.Customers.Search(p)
		var out []string
		for it.Next() {
			out = append(out, it.Customer().ID)
		}
		if err := it.Err(); err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		return out
	}
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"email:'b1@example.com'", []string{ids[3], ids[1]}},
		{"name:'Buyer 2'", []string{ids[2]}},
		{"metadata['handle']:'@b0'", []string{ids[0]}},
		{"email:'b0@example.com' AND metadata['handle']:'@b2'", []string{ids[2]}},
		{"email:'nobody@example.com'", nil},
	} {
		if got := search(c.q, 1); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("search %q = %v, want %v", c.q, got, c.want)
		}
	}
	resp, m := raw(t, em, "GET", "/v1/customers/search", url.Values{"query": {"email:'b1@example.com'"}, "expand[]": {"total_count"}}, nil)
	if resp.StatusCode != http.StatusOK || m["object"] != "search_result" || m["url"] != "/v1/customers/search" || m["total_count"] != float64(2) {
		t.Errorf("search result: %d %v", resp.StatusCode, m)
	}
	resp, m = raw(t, em, "GET", "/v1/customers/search", url.Values{"query": {"status:'active'"}}, nil)
	if resp.StatusCode != http.StatusBadRequest || errField(m, "param") != "query" {
		t.Errorf("unsupported field: %d %v", resp.StatusCode, m)
	}
}

// A product keeps the shippable it is created or updated with (the
// Product object's "shippable: nullable boolean"); it used to be accepted
// and dropped, so the product answered null.
func TestProductShippable(t *testing.T) {
	em, sc := newClient(t)
	p := must[*stripe.Product](t)(sc.Products.New(&stripe.ProductParams{Name: stripe.String("Blue Mug"), Shippable: stripe.Bool(true)}))
	if !p.Shippable {
		t.Fatalf("created with shippable=true: %+v", p)
	}
	resp, m := raw(t, em, "POST", "/v1/products/"+p.ID, url.Values{"shippable": {"false"}}, nil)
	if resp.StatusCode != http.StatusOK || m["shippable"] != false {
		t.Fatalf("updated with shippable=false: %d %v", resp.StatusCode, m)
	}
	resp, m = raw(t, em, "GET", "/v1/products/"+p.ID, nil, nil)
	if resp.StatusCode != http.StatusOK || m["shippable"] != false {
		t.Fatalf("retrieved after shippable=false: %d %v", resp.StatusCode, m)
	}
	resp, m = raw(t, em, "POST", "/v1/products", url.Values{"name": {"Gift Card"}}, nil)
	if resp.StatusCode != http.StatusOK || m["shippable"] != nil {
		t.Fatalf("created without shippable: %d %v", resp.StatusCode, m)
	}
	_, err := sc.Products.New(&stripe.ProductParams{Name: stripe.String("Mug"), Params: stripe.Params{Extra: &stripe.ExtraValues{
		Values: url.Values{"shippable": {"yes"}}}}})
	if se := stripeErr(t, err); se.Param != "shippable" {
		t.Fatalf("shippable=yes: %v", err)
	}
}
