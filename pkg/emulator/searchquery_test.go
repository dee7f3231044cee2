package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	stripe "github.com/stripe/stripe-go/v76"
)

// searchRefused checks that a query is refused with a 400 on query.
func searchRefused(t *testing.T, em *Emulator, path, q string) {
	t.Helper()
	resp, m := raw(t, em, "GET", path, url.Values{"query": {q}}, nil)
	if resp.StatusCode != http.StatusBadRequest || errField(m, "type") != "invalid_request_error" || errField(m, "param") != "query" {
		t.Errorf("search %s %q: %d %v, want a 400 on query", path, q, resp.StatusCode, m)
	}
}

// The query language as docs.stripe.com/search documents it ("Search query
// language", "Search Syntax" and "Query fields for customers"): clauses
// joined by AND or OR but not both, at most 10 of them; "-" negates a
// clause; name, email and phone are string fields, where ":" matches "all
// of the words from the query in the same order" in any letter case and
// "~" a substring of at least 3 characters; metadata is a token field,
// matched whole in any letter case; null matches a field that is empty or
// a metadata key that is missing; and "using an unsupported operator, such
// as specifying greater than (>) on a string, returns an error". The
// emulator used to refuse OR, "-" and "~", compare null as the string
// "null", and compare every ":" whole and case-sensitively.
func TestSearchQueryLanguage(t *testing.T) {
	em, sc := newClient(t)
	var ids []string
	for i, c := range []struct{ name, email, phone, vip string }{
		{"Amy Rocket", "amy@rocketrides.io", "+15555550100", "yes"},
		{"amy pond", "pond@example.com", "", ""},
		{"Rocket Amy", "ramy@example.com", "+15555550102", "no"},
		{"Rory Williams", "rory@example.com", "", ""},
	} {
		p := &stripe.CustomerParams{Name: stripe.String(c.name), Email: stripe.String(c.email)}
		if c.phone != "" {
			p.Phone = stripe.String(c.phone)
		}
		if c.vip != "" {
			p.AddMetadata("vip", c.vip)
		}
		p.AddMetadata("n", fmt.Sprint(i))
		ids = append(ids, must[*stripe.Customer](t)(sc.Customers.New(p)).ID)
	}
	const path = "/v1/customers/search"
	for _, c := range []struct {
		q    string
		want []string
	}{
		// String fields: the query's words, in order, in any letter case.
		{"name:'amy'", []string{ids[2], ids[1], ids[0]}},
		{"name:'AMY ROCKET'", []string{ids[0]}},
		{"name:'rocket amy'", []string{ids[2]}},
		{"name:\"Amy Rocket Rides\"", nil},
		{"email:'amy@rocketrides.io'", []string{ids[0]}},
		// Substrings, in any letter case.
		{"name~'MY R'", []string{ids[0]}},
		{"email~'example'", []string{ids[3], ids[2], ids[1]}},
		{"email~\"amy\"", []string{ids[2], ids[0]}},
		// Tokens: the whole value, in any letter case.
		{"metadata['vip']:'YES'", []string{ids[0]}},
		{"metadata['vip']:'ye'", nil},
		// OR, and AND spelled in lower case or as a space.
		{"metadata['n']:'1' OR metadata['n']:'3'", []string{ids[3], ids[1]}},
		{"name:'amy' or email:'rory@example.com'", []string{ids[3], ids[2], ids[1], ids[0]}},
		{"name:'amy' and metadata['n']:'2'", []string{ids[2]}},
		{"name:'amy' metadata['n']:'2'", []string{ids[2]}},
		// Negation.
		{"-name:'amy'", []string{ids[3]}},
		{"-metadata['vip']:'yes'", []string{ids[3], ids[2], ids[1]}},
		{"name:'amy' AND -metadata['vip']:'no'", []string{ids[1], ids[0]}},
		{"-metadata['n']:'0' OR metadata['vip']:'yes'", []string{ids[3], ids[2], ids[1], ids[0]}},
		// null: a missing metadata key, an empty field.
		{"metadata['vip']:null", []string{ids[3], ids[1]}},
		{"-metadata['vip']:null", []string{ids[2], ids[0]}},
		{"metadata['vip']:NULL", []string{ids[3], ids[1]}},
		{"phone:null", []string{ids[3], ids[1]}},
		{"-phone:null AND name:'amy'", []string{ids[2], ids[0]}},
		{"metadata['vip']:'null'", nil},
		// Numeric fields take their value quoted or not.
		{"created>=\"0\" AND metadata['n']:'3'", []string{ids[3]}},
		{"created<0", nil},
	} {
		if got := searchIDs(t, em, path, c.q); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("search %q = %v, want %v", c.q, got, c.want)
		}
	}
	for _, q := range []string{
		"name:'amy' AND email:'x' OR phone:'1'", // AND and OR together
		"name~'am'",                             // a substring shorter than 3 characters
		"name>'a'",                              // a comparison on a string field
		"metadata['vip']~'yes'",                 // a substring on a token field
		"metadata['vip']>'a'",                   // a comparison on a token field
		"created~'123'",                         // a substring on a numeric field
		"created>'yesterday'",                   // a numeric field with a word
		"phone>null",                            // null with an operator other than :
		"name:'amy' AND",                        // a joiner with nothing after it
		strings.Repeat("name:'amy' AND ", 10) + "name:'amy'", // 11 clauses
	} {
		searchRefused(t, em, path, q)
	}
	// Ten clauses are allowed.
	q := strings.Repeat("name:'amy' AND ", 9) + "metadata['n']:'0'"
	if got := searchIDs(t, em, path, q); fmt.Sprint(got) != fmt.Sprint([]string{ids[0]}) {
		t.Errorf("ten clauses = %v", got)
	}
}

// Charges: every query field but amount and created is a token, "exact
// match (case insensitive)", so status:'SUCCEEDED' finds succeeded charges
// (the emulator compared status case-sensitively). refunded:"true" is a
// fully refunded charge, refunded:"false" a partially refunded one and
// refunded:null one with nothing refunded (docs.stripe.com/search, "Query
// fields for charges"); the emulator compared refunded with the charge's
// boolean, so refunded:'false' found unrefunded charges and refunded:null
// nothing. payment_method_details.card.last4 is the field Stripe's own
// example searches, which the emulator refused as unsupported.
func TestSearchChargeTokens(t *testing.T) {
	em, sc := newClient(t)
	var chs []string
	for i := 0; i < 3; i++ {
		p := &stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(1000), Currency: stripe.String("usd"),
			PaymentMethod: stripe.String("pm_card_visa"), Confirm: stripe.Bool(true)}
		p.AddMetadata("hashtag", "TweetACoffee")
		chs = append(chs, must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(p)).LatestCharge.ID)
	}
	must[*stripe.Refund](t)(sc.Refunds.New(&stripe.RefundParams{Charge: stripe.String(chs[1]), Amount: stripe.Int64(400)}))
	must[*stripe.Refund](t)(sc.Refunds.New(&stripe.RefundParams{Charge: stripe.String(chs[2])}))
	const path = "/v1/charges/search"
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"status:'SUCCEEDED'", []string{chs[2], chs[1], chs[0]}},
		{"status:'succeeded' AND currency:'USD'", []string{chs[2], chs[1], chs[0]}},
		{"metadata['hashtag']:'tweetacoffee'", []string{chs[2], chs[1], chs[0]}},
		{"refunded:'true'", []string{chs[2]}},
		{"refunded:'false'", []string{chs[1]}},
		{"refunded:null", []string{chs[0]}},
		{"-refunded:null", []string{chs[2], chs[1]}},
		{"payment_method_details.card.last4:4242", []string{chs[2], chs[1], chs[0]}},
		{"payment_method_details.card.brand:'VISA' AND refunded:null", []string{chs[0]}},
		{"-status:'succeeded'", nil},
		{"status:'failed' OR refunded:'true'", []string{chs[2]}},
	} {
		if got := searchIDs(t, em, path, c.q); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("search %q = %v, want %v", c.q, got, c.want)
		}
	}
	searchRefused(t, em, path, "status>'a'")
	searchRefused(t, em, path, "status~'succ'")
}

// A charge search on a field docs.stripe.com/search does not list for
// charges ("Query fields for charges") is refused as Stripe refuses it,
// with the 400 any other unsupported field gets. The emulator answered
// payment_intent, failure_code and last4 as if they were fields, so a
// query that passed offline failed on Stripe.
func TestSearchChargesRefusesNonStripeFields(t *testing.T) {
	em, sc := newClient(t)
	pi := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(&stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(500),
		Currency: stripe.String("usd"), PaymentMethod: stripe.String("pm_card_visa"), Confirm: stripe.Bool(true)}))
	for _, c := range []struct{ field, q string }{
		{"payment_intent", "payment_intent:'" + pi.ID + "'"},
		{"failure_code", "failure_code:'card_declined'"},
		{"failure_code", "-failure_code:null"},
		{"last4", "last4:'4242'"},
		{"last4", "status:'succeeded' AND last4:4242"},
		{"description", "description:'mug'"}, // refused before, the shape the others must match
	} {
		resp, m := raw(t, em, "GET", "/v1/charges/search", url.Values{"query": {c.q}}, nil)
		want := "Field `" + c.field + "` is an unsupported search field for resource `charges`. " +
			"See http://stripe.com/docs/search#query-fields-for-charges for a list of supported fields."
		if resp.StatusCode != http.StatusBadRequest || errField(m, "type") != "invalid_request_error" ||
			errField(m, "param") != "query" || errField(m, "message") != want || errField(m, "code") != nil {
			t.Errorf("search %q: %d %v, want 400 %q", c.q, resp.StatusCode, m, want)
		}
	}
	// The fields Stripe does list still answer.
	if got := searchIDs(t, em, "/v1/charges/search", "payment_method_details.card.last4:4242 AND customer:null"); fmt.Sprint(got) != fmt.Sprint([]string{pi.LatestCharge.ID}) {
		t.Errorf("last4 through payment_method_details = %v", got)
	}
}

// A charge search takes every field docs.stripe.com/search lists for
// charges: billing_details.address.postal_code, and the card fields of the
// card_present and interac_present sources, which no charge of the
// emulator's has (they are all online card payments), so they match only
// null. The emulator refused the three as unsupported fields, where Stripe
// answers them.
func TestSearchChargesDocumentedFields(t *testing.T) {
	em, sc := newClient(t)
	pay := func(pm string) string {
		t.Helper()
		return must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(&stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(500),
			Currency: stripe.String("usd"), PaymentMethod: stripe.String(pm), Confirm: stripe.Bool(true)})).LatestCharge.ID
	}
	pm := must[*stripe.PaymentMethod](t)(sc.PaymentMethods.New(&stripe.PaymentMethodParams{Type: stripe.String("card"),
		Card:           &stripe.PaymentMethodCardParams{Token: stripe.String("tok_visa")},
		BillingDetails: &stripe.PaymentMethodBillingDetailsParams{Address: &stripe.AddressParams{PostalCode: stripe.String("94107")}}}))
	withZip, without := pay(pm.ID), pay("pm_card_visa")
	const path = "/v1/charges/search"
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"billing_details.address.postal_code:94107", []string{withZip}},
		{"billing_details.address.postal_code:null", []string{without}},
		{"payment_method_details.card.exp_month:12 AND payment_method_details.card.fingerprint:null", nil},
		{"payment_method_details.card_present.last4:4242", nil},
		{"payment_method_details.interac_present.brand:null", []string{without, withZip}},
		{"-payment_method_details.card_present.exp_year:null", nil},
	} {
		if got := searchIDs(t, em, path, c.q); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("search %q = %v, want %v", c.q, got, c.want)
		}
	}
	searchRefused(t, em, path, "payment_method_details.us_bank_account.last4:6789")
	searchRefused(t, em, path, "billing_details.address.city:'Paris'")
}

// Products: url and description are string fields, so url:null finds the
// products without one (docs.stripe.com/search's own example, "url:null
// returns records where a URL field is empty") and url~"/mug" a part of
// one.
func TestSearchProductNullAndSubstring(t *testing.T) {
	em, sc := newClient(t)
	mug := must[*stripe.Product](t)(sc.Products.New(&stripe.ProductParams{Name: stripe.String("Blue Mug"),
		URL: stripe.String("https://shop.example/blue_mug"), Shippable: stripe.Bool(true)}))
	club := must[*stripe.Product](t)(sc.Products.New(&stripe.ProductParams{Name: stripe.String("Coffee Club"),
		Description: stripe.String("A bag of beans a month")}))
	const path = "/v1/products/search"
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"url:null", []string{club.ID}},
		{"description:null", []string{mug.ID}},
		{"shippable:null", []string{club.ID}},
		{"url~'/BLUE'", []string{mug.ID}},
		{"description:'beans a month'", []string{club.ID}},
		{"description:'a month beans'", nil},
		{"name:'mug' OR description~'bean'", []string{club.ID, mug.ID}},
	} {
		if got := searchIDs(t, em, path, c.q); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("search %q = %v, want %v", c.q, got, c.want)
		}
	}
	searchRefused(t, em, path, "url~'/b'")
	searchRefused(t, em, path, "active~'true'")
}

// GET /v1/products filters by shippable, url and type as the API reference
// lists them ("Only return products that can be shipped", "with the given
// url", "of this type"); the emulator accepted the three and ignored them.
// A product created with type good keeps it (it answered service).
func TestListProductFilters(t *testing.T) {
	em, sc := newClient(t)
	mug := must[*stripe.Product](t)(sc.Products.New(&stripe.ProductParams{Name: stripe.String("Blue Mug"),
		URL: stripe.String("https://shop.example/mug"), Shippable: stripe.Bool(true), Type: stripe.String("good")}))
	club := must[*stripe.Product](t)(sc.Products.New(&stripe.ProductParams{Name: stripe.String("Coffee Club"), Shippable: stripe.Bool(false)}))
	gift := must[*stripe.Product](t)(sc.Products.New(&stripe.ProductParams{Name: stripe.String("Gift Card")}))
	if mug.Type != "good" || club.Type != "service" {
		t.Fatalf("types: %q %q", mug.Type, club.Type)
	}
	list := func(form url.Values) []string {
		t.Helper()
		resp, m := raw(t, em, "GET", "/v1/products", form, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("list %v: %d %v", form, resp.StatusCode, m)
		}
		var out []string
		for _, o := range m["data"].([]any) {
			out = append(out, o.(map[string]any)["id"].(string))
		}
		return out
	}
	for _, c := range []struct {
		form url.Values
		want []string
	}{
		{url.Values{}, []string{gift.ID, club.ID, mug.ID}},
		{url.Values{"shippable": {"true"}}, []string{mug.ID}},
		{url.Values{"shippable": {"false"}}, []string{club.ID}},
		{url.Values{"url": {"https://shop.example/mug"}}, []string{mug.ID}},
		{url.Values{"url": {"https://shop.example/"}}, nil},
		{url.Values{"type": {"good"}}, []string{mug.ID}},
		{url.Values{"type": {"service"}}, []string{gift.ID, club.ID}},
		{url.Values{"type": {"service"}, "shippable": {"false"}}, []string{club.ID}},
	} {
		if got := list(c.form); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("list %v = %v, want %v", c.form, got, c.want)
		}
	}
	for _, form := range []url.Values{{"shippable": {"yes"}}, {"type": {"digital"}}} {
		resp, m := raw(t, em, "GET", "/v1/products", form, nil)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("list %v: %d %v, want 400", form, resp.StatusCode, m)
		}
	}
}
