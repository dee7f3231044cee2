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
		p := &stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(500), Currency: stripe.String("usd"),
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

// searchIDs follows a search through every page with limit 1, as a
// merchant's auto-pagination does, and returns the IDs in the order the
// pages gave them (newest first).
func searchIDs(t *testing.T, em *Emulator, path, q string) []string {
	t.Helper()
	var out []string
	form := url.Values{"query": {q}, "limit": {"1"}}
	for {
		resp, m := raw(t, em, "GET", path, form, nil)
		if resp.StatusCode != http.StatusOK || m["object"] != "search_result" || m["url"] != path {
			t.Fatalf("search %s %q: %d %v", path, q, resp.StatusCode, m)
		}
		for _, o := range m["data"].([]any) {
			out = append(out, o.(map[string]any)["id"].(string))
		}
		if m["has_more"] != true {
			if m["next_page"] != nil {
				t.Fatalf("search %s %q: next_page %v on the last page", path, q, m["next_page"])
			}
			return out
		}
		form.Set("page", m["next_page"].(string))
	}
}

// checkSearchErrors checks what every search answers for a field its
// resource does not support, a query that does not parse, a missing query
// and a page token that names nothing: a 400 naming the parameter.
func checkSearchErrors(t *testing.T, em *Emulator, path, unsupported string) {
	t.Helper()
	for _, c := range []struct {
		form  url.Values
		param string
	}{
		{url.Values{"query": {unsupported + ":'x'"}}, "query"},
		{url.Values{"query": {"metadata['k':'v'"}}, "query"},
		{url.Values{"query": {"metadata['k']:'v"}}, "query"},
		{url.Values{}, "query"},
		{url.Values{"query": {"metadata['k']:'v'"}, "page": {"bm9uZQ"}}, "page"},
		{url.Values{"query": {"metadata['k']:'v'"}, "starting_after": {"x"}}, "starting_after"},
	} {
		resp, m := raw(t, em, "GET", path, c.form, nil)
		if resp.StatusCode != http.StatusBadRequest || errField(m, "type") != "invalid_request_error" || errField(m, "param") != c.param {
			t.Errorf("%s %v: %d %v, want a 400 on %s", path, c.form, resp.StatusCode, m, c.param)
		}
	}
}

// PaymentIntents are searchable on the fields docs.stripe.com/search lists
// under "Query fields for payment intents" (amount and created numeric;
// currency, customer, metadata and status tokens); GET
// /v1/payment_intents/search is in Stripe's OpenAPI spec with query, limit,
// page and expand. The path used to reach the retrieve handler, which
// refused the query as an unknown parameter.
func TestSearchPaymentIntents(t *testing.T) {
	em, sc := newClient(t)
	cus, pm := customerWithCard(t, sc, "pm_card_visa")
	var ids []string
	for i := 0; i < 5; i++ {
		p := &stripe.PaymentIntentParams{Amount: stripe.Int64(int64(1000 + 500*i)), Currency: stripe.String([]string{"usd", "eur"}[i%2])}
		p.AddMetadata("hashtag", []string{"tweetacoffee", "BuyBlueMug"}[i%2])
		if i < 3 {
			p.Customer, p.PaymentMethod, p.Confirm, p.OffSession = stripe.String(cus.ID), stripe.String(pm.ID), stripe.Bool(true), stripe.Bool(true)
		}
		ids = append(ids, must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(p)).ID)
	}
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"metadata['hashtag']:'tweetacoffee'", []string{ids[4], ids[2], ids[0]}},
		{"customer:'" + cus.ID + "'", []string{ids[2], ids[1], ids[0]}},
		{"customer:'" + cus.ID + "' AND currency:'eur'", []string{ids[1]}},
		{"status:'succeeded'", []string{ids[2], ids[1], ids[0]}},
		{"status:'requires_payment_method'", []string{ids[4], ids[3]}},
		{"currency:'USD'", []string{ids[4], ids[2], ids[0]}},
		{"amount>2000", []string{ids[4], ids[3]}},
		{"amount>=2000 AND amount<3000", []string{ids[3], ids[2]}},
		{"amount:1500", []string{ids[1]}},
		{"created>0 AND metadata['hashtag']:'BuyBlueMug'", []string{ids[3], ids[1]}},
		{"metadata['hashtag']:'none'", nil},
	} {
		if got := searchIDs(t, em, "/v1/payment_intents/search", c.q); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("search %q = %v, want %v", c.q, got, c.want)
		}
	}
	// Through stripe-go's iterator, which follows next_page.
	it := sc.PaymentIntents.Search(&stripe.PaymentIntentSearchParams{SearchParams: stripe.SearchParams{
		Query: "customer:'" + cus.ID + "'", Limit: stripe.Int64(2)}})
	var got []string
	for it.Next() {
		got = append(got, it.PaymentIntent().ID)
	}
	if err := it.Err(); err != nil || fmt.Sprint(got) != fmt.Sprint([]string{ids[2], ids[1], ids[0]}) {
		t.Errorf("stripe-go search: %v %v", got, err)
	}
	// The emulator's private state of an off-session PaymentIntent stays private.
	resp, m := raw(t, em, "GET", "/v1/payment_intents/search", url.Values{"query": {"customer:'" + cus.ID + "'"}}, nil)
	for _, o := range m["data"].([]any) {
		if _, ok := o.(map[string]any)["x_off_session"]; resp.StatusCode != http.StatusOK || ok {
			t.Errorf("search result carries the emulator's private field: %d %v", resp.StatusCode, o)
		}
	}
	resp, m = raw(t, em, "GET", "/v1/payment_intents/search", url.Values{"query": {"customer:'" + cus.ID + "'"}, "limit": {"1"},
		"expand[]": {"total_count", "data.latest_charge"}}, nil)
	if resp.StatusCode != http.StatusOK || m["total_count"] != float64(3) || m["has_more"] != true {
		t.Fatalf("search with total_count: %d %v", resp.StatusCode, m)
	}
	pi := m["data"].([]any)[0].(map[string]any)
	if ch, _ := pi["latest_charge"].(map[string]any); pi["object"] != "payment_intent" || ch["object"] != "charge" {
		t.Errorf("data.latest_charge not expanded: %v", pi)
	}
	checkSearchErrors(t, em, "/v1/payment_intents/search", "email")
}

// Prices are searchable on "Query fields for prices" (docs.stripe.com/search):
// active, currency, lookup_key, metadata, product and type.
func TestSearchPrices(t *testing.T) {
	em, sc := newClient(t)
	mug := must[*stripe.Product](t)(sc.Products.New(&stripe.ProductParams{Name: stripe.String("Blue Mug")}))
	club := must[*stripe.Product](t)(sc.Products.New(&stripe.ProductParams{Name: stripe.String("Coffee Club")}))
	var ids []string
	for i, p := range []*stripe.PriceParams{
		{Product: stripe.String(mug.ID), UnitAmount: stripe.Int64(1250), Currency: stripe.String("usd"), LookupKey: stripe.String("mug_usd")},
		{Product: stripe.String(mug.ID), UnitAmount: stripe.Int64(1150), Currency: stripe.String("eur"), LookupKey: stripe.String("mug_eur")},
		{Product: stripe.String(club.ID), UnitAmount: stripe.Int64(900), Currency: stripe.String("usd"),
			Recurring: &stripe.PriceRecurringParams{Interval: stripe.String("month")}},
		{Product: stripe.String(club.ID), UnitAmount: stripe.Int64(9000), Currency: stripe.String("usd"),
			Recurring: &stripe.PriceRecurringParams{Interval: stripe.String("year")}},
	} {
		p.AddMetadata("tier", []string{"basic", "basic", "club", "club"}[i])
		ids = append(ids, must[*stripe.Price](t)(sc.Prices.New(p)).ID)
	}
	must[*stripe.Price](t)(sc.Prices.Update(ids[1], &stripe.PriceParams{Active: stripe.Bool(false)}))
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"product:'" + mug.ID + "'", []string{ids[1], ids[0]}},
		{"product:'" + club.ID + "' AND type:'recurring'", []string{ids[3], ids[2]}},
		{"type:'one_time'", []string{ids[1], ids[0]}},
		{"lookup_key:'mug_eur'", []string{ids[1]}},
		{"lookup_key:'mug_eur' AND active:'true'", nil},
		{"active:'false'", []string{ids[1]}},
		{"active:'true' AND currency:'usd'", []string{ids[3], ids[2], ids[0]}},
		{"metadata['tier']:'club'", []string{ids[3], ids[2]}},
		{"product:'prod_none'", nil},
	} {
		if got := searchIDs(t, em, "/v1/prices/search", c.q); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("search %q = %v, want %v", c.q, got, c.want)
		}
	}
	it := sc.Prices.Search(&stripe.PriceSearchParams{SearchParams: stripe.SearchParams{Query: "metadata['tier']:'basic'", Limit: stripe.Int64(1)}})
	var got []string
	for it.Next() {
		got = append(got, it.Price().ID)
	}
	if err := it.Err(); err != nil || fmt.Sprint(got) != fmt.Sprint([]string{ids[1], ids[0]}) {
		t.Errorf("stripe-go search: %v %v", got, err)
	}
	resp, m := raw(t, em, "GET", "/v1/prices/search", url.Values{"query": {"product:'" + club.ID + "'"},
		"expand[]": {"total_count", "data.product"}}, nil)
	if resp.StatusCode != http.StatusOK || m["total_count"] != float64(2) {
		t.Fatalf("search with total_count: %d %v", resp.StatusCode, m)
	}
	if prod, _ := m["data"].([]any)[0].(map[string]any)["product"].(map[string]any); prod["id"] != club.ID {
		t.Errorf("data.product not expanded: %v", m["data"])
	}
	checkSearchErrors(t, em, "/v1/prices/search", "nickname")
}

// Products are searchable on "Query fields for products"
// (docs.stripe.com/search): active, description, metadata, name, shippable
// and url.
func TestSearchProducts(t *testing.T) {
	em, sc := newClient(t)
	var ids []string
	for i, p := range []*stripe.ProductParams{
		{Name: stripe.String("Blue Mug"), Shippable: stripe.Bool(true), URL: stripe.String("https://shop.example/mug")},
		{Name: stripe.String("Coffee Club"), Description: stripe.String("A bag a month"), Shippable: stripe.Bool(false)},
		{Name: stripe.String("Gift Card")},
	} {
		p.AddMetadata("shop", []string{"mugs", "coffee", "coffee"}[i])
		ids = append(ids, must[*stripe.Product](t)(sc.Products.New(p)).ID)
	}
	must[*stripe.Product](t)(sc.Products.Update(ids[2], &stripe.ProductParams{Active: stripe.Bool(false)}))
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"name:'Blue Mug'", []string{ids[0]}},
		{"active:'true'", []string{ids[1], ids[0]}},
		{"active:'false'", []string{ids[2]}},
		{"description:'A bag a month'", []string{ids[1]}},
		{"url:'https://shop.example/mug'", []string{ids[0]}},
		{"shippable:'true'", []string{ids[0]}},
		{"shippable:'false'", []string{ids[1]}},
		{"metadata['shop']:'coffee'", []string{ids[2], ids[1]}},
		{"metadata['shop']:'coffee' AND active:'true'", []string{ids[1]}},
		{"name:'Red Mug'", nil},
	} {
		if got := searchIDs(t, em, "/v1/products/search", c.q); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("search %q = %v, want %v", c.q, got, c.want)
		}
	}
	it := sc.Products.Search(&stripe.ProductSearchParams{SearchParams: stripe.SearchParams{Query: "metadata['shop']:'coffee'", Limit: stripe.Int64(1)}})
	var got []string
	for it.Next() {
		got = append(got, it.Product().ID)
	}
	if err := it.Err(); err != nil || fmt.Sprint(got) != fmt.Sprint([]string{ids[2], ids[1]}) {
		t.Errorf("stripe-go search: %v %v", got, err)
	}
	resp, m := raw(t, em, "GET", "/v1/products/search", url.Values{"query": {"metadata['shop']:'coffee'"}, "expand[]": {"total_count"}}, nil)
	if resp.StatusCode != http.StatusOK || m["total_count"] != float64(2) || m["has_more"] != false || m["next_page"] != nil {
		t.Fatalf("search with total_count: %d %v", resp.StatusCode, m)
	}
	checkSearchErrors(t, em, "/v1/products/search", "type")
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

// A product's type is set when it is created: the API reference's "Update
// a product" has no type parameter, so Stripe refuses it as unknown. The
// emulator answered 200 and kept the type it had, so a product "changed"
// to a good stayed a service.
func TestProductUpdateRefusesType(t *testing.T) {
	em, sc := newClient(t)
	p := must[*stripe.Product](t)(sc.Products.New(&stripe.ProductParams{Name: stripe.String("Blue Mug")}))
	resp, m := raw(t, em, "POST", "/v1/products/"+p.ID, url.Values{"type": {"good"}}, nil)
	if resp.StatusCode != http.StatusBadRequest || errField(m, "code") != "parameter_unknown" || errField(m, "param") != "type" {
		t.Fatalf("update with type=good: %d %v, want a 400 parameter_unknown on type", resp.StatusCode, m)
	}
	if got := must[*stripe.Product](t)(sc.Products.Get(p.ID, nil)); got.Type != "service" {
		t.Fatalf("type after a refused update = %q", got.Type)
	}
}
