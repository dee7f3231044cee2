package emulator

import (
	"net/http"
	"net/url"
	"path/filepath"
	"reflect"
	"testing"

	stripe "github.com/stripe/stripe-go/v76"
)

// A deleted Customer is retrieved as Stripe's deleted stub, with 200: "When
// requesting the ID of a customer that has been deleted, a subset of the
// customer's information will be returned, including a deleted property,
// which will be true" (API reference, Retrieve a customer; stripe-go's
// Customer.Deleted). It survives a restart. Everything else that names it
// still finds no such customer: updating or deleting it again, attaching a
// card to it, paying with it (a deleted object cannot be used, and a second
// delete fails with "No such customer", pinax/pinax-stripe-light#7). An
// expanded reference to it is the stub too (charge.customer is "customer or
// deleted_customer" in Stripe's OpenAPI spec). An ID never created is still
// a 404.
func TestDeletedCustomer(t *testing.T) {
	em, sc := newClient(t)
	cus, pm := customerWithCard(t, sc, "pm_card_visa")
	pi := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(&stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(500),
		Currency: stripe.String("usd"), Customer: stripe.String(cus.ID), PaymentMethod: stripe.String(pm.ID),
		Confirm: stripe.Bool(true)}))
	del := must[*stripe.Customer](t)(sc.Customers.Del(cus.ID, nil))
	if !del.Deleted || del.ID != cus.ID {
		t.Fatalf("delete = %+v", del)
	}
	stub := map[string]any{"id": cus.ID, "object": "customer", "deleted": true}
	check := func(em *Emulator) {
		t.Helper()
		resp, m := raw(t, em, "GET", "/v1/customers/"+cus.ID, nil, nil)
		if resp.StatusCode != http.StatusOK || !reflect.DeepEqual(m, stub) {
			t.Fatalf("GET deleted customer: %d %v", resp.StatusCode, m)
		}
	}
	check(em)
	if c := must[*stripe.Customer](t)(sc.Customers.Get(cus.ID, nil)); !c.Deleted || c.ID != cus.ID {
		t.Fatalf("stripe-go Get = %+v", c)
	}
	em = reopen(t, em, filepath.Dir(em.Path()))
	sc = clientFor(em.Transport(), testKey)
	check(em)

	resp, m := raw(t, em, "GET", "/v1/customers/cus_never", nil, nil)
	if resp.StatusCode != http.StatusNotFound || errField(m, "code") != "resource_missing" || errField(m, "param") != "id" {
		t.Fatalf("GET unknown customer: %d %v", resp.StatusCode, m)
	}
	noSuch := "No such customer: '" + cus.ID + "'"
	for _, c := range []struct {
		name, method, path string
		form               url.Values
		param              string
	}{
		{"update", "POST", "/v1/customers/" + cus.ID, url.Values{"name": {"x"}}, "id"},
		{"delete again", "DELETE", "/v1/customers/" + cus.ID, nil, "id"},
		{"attach", "POST", "/v1/payment_methods/pm_card_visa/attach", url.Values{"customer": {cus.ID}}, "customer"},
		{"pay", "POST", "/v1/payment_intents", url.Values{"amount": {"500"}, "currency": {"usd"},
			"customer": {cus.ID}, "payment_method": {"pm_card_visa"}}, "customer"},
		// Its card, detached by the delete, and a card that never was: the
		// customer is what is reported, checked before the card as ever.
		{"pay with its card", "POST", "/v1/payment_intents", url.Values{"amount": {"500"}, "currency": {"usd"},
			"customer": {cus.ID}, "payment_method": {pm.ID}, "confirm": {"true"}}, "customer"},
		{"pay with no such card", "POST", "/v1/payment_intents", url.Values{"amount": {"500"}, "currency": {"usd"},
			"customer": {cus.ID}, "payment_method": {"pm_never"}}, "customer"},
	} {
		resp, m := raw(t, em, c.method, c.path, c.form, nil)
		if resp.StatusCode != http.StatusNotFound || errField(m, "code") != "resource_missing" ||
			errField(m, "param") != c.param || errField(m, "message") != noSuch {
			t.Errorf("%s: %d %v", c.name, resp.StatusCode, m)
		}
	}
	// Lists leave it out, and by email too.
	resp, m = raw(t, em, "GET", "/v1/customers", url.Values{"email": {"buyer@example.com"}}, nil)
	if data, _ := m["data"].([]any); resp.StatusCode != http.StatusOK || len(data) != 0 {
		t.Fatalf("list by email: %d %v", resp.StatusCode, m)
	}
	// Expanded, it is the stub.
	ch := must[*stripe.Charge](t)(sc.Charges.Get(pi.LatestCharge.ID, &stripe.ChargeParams{Expand: []*string{stripe.String("customer")}}))
	if ch.Customer == nil || ch.Customer.ID != cus.ID || !ch.Customer.Deleted {
		t.Fatalf("charge's customer expanded: %+v", ch.Customer)
	}
	resp, m = raw(t, em, "GET", "/v1/payment_intents/"+pi.ID, url.Values{"expand[]": {"customer"}}, nil)
	if resp.StatusCode != http.StatusOK || !reflect.DeepEqual(m["customer"], stub) {
		t.Fatalf("payment intent's customer expanded: %d %v", resp.StatusCode, m["customer"])
	}
}

// A list cursor (starting_after or ending_before) naming no object of the
// listed kind is refused as Stripe refuses an ID passed as a parameter: 400,
// invalid_request_error, resource_missing, the cursor as param, "No such
// <kind>: '<id>'". A deleted customer is no cursor either
// (stripe/stripe-php#1264), though retrieving it answers its stub.
func TestListUnknownCursor(t *testing.T) {
	em, sc := newClient(t)
	gone := must[*stripe.Customer](t)(sc.Customers.New(&stripe.CustomerParams{}))
	must[*stripe.Customer](t)(sc.Customers.Del(gone.ID, nil))
	for _, c := range []struct {
		path, kind, id string
	}{
		{"/v1/customers", "customer", "cus_missing"},
		{"/v1/customers", "customer", gone.ID},
		{"/v1/charges", "charge", "ch_missing"},
		{"/v1/payment_intents", "payment_intent", "pi_missing"},
		{"/v1/products", "product", "prod_missing"},
		{"/v1/prices", "price", "price_missing"},
		{"/v1/refunds", "refund", "re_missing"},
	} {
		for _, cursor := range []string{"starting_after", "ending_before"} {
			resp, m := raw(t, em, "GET", c.path, url.Values{cursor: {c.id}}, nil)
			want := map[string]any{"type": "invalid_request_error", "code": "resource_missing", "param": cursor,
				"message": "No such " + c.kind + ": '" + c.id + "'",
				"doc_url": "https://stripe.com/docs/error-codes/resource-missing"}
			e, _ := m["error"].(map[string]any)
			delete(e, "request_log_url")
			if resp.StatusCode != http.StatusBadRequest || !reflect.DeepEqual(e, want) {
				t.Errorf("%s?%s=%s: %d %v", c.path, cursor, c.id, resp.StatusCode, m)
			}
		}
	}
}

// A path with an empty ID routes nowhere, as on Stripe, instead of to the
// list (GET /v1/customers/) or to a retrieve with the segments shifted; a
// GET with a trailing slash gets Stripe's hint (onetimesecret/onetimesecret#569).
func TestEmptyPathSegment(t *testing.T) {
	em, _ := newClient(t)
	base := "Please see https://stripe.com/docs or we can help at https://support.stripe.com/."
	for _, c := range []struct{ method, path, msg string }{
		{"GET", "/v1/customers/", "Unrecognized request URL (GET: /v1/customers/). If you are trying to list objects, remove the trailing slash. " +
			"If you are trying to retrieve an object, make sure you passed a valid (non-empty) identifier in your code. " + base},
		{"POST", "/v1/customers/", "Unrecognized request URL (POST: /v1/customers/). " + base},
		{"GET", "/v1/customers//payment_methods", "Unrecognized request URL (GET: /v1/customers//payment_methods). " + base},
		{"POST", "/v1/payment_intents//confirm", "Unrecognized request URL (POST: /v1/payment_intents//confirm). " + base},
	} {
		resp, m := raw(t, em, c.method, c.path, nil, nil)
		if resp.StatusCode != http.StatusNotFound || errField(m, "type") != "invalid_request_error" || errField(m, "message") != c.msg {
			t.Errorf("%s %s: %d %v", c.method, c.path, resp.StatusCode, m)
		}
	}
	if resp, _ := raw(t, em, "GET", "/v1/customers", nil, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /v1/customers: %d", resp.StatusCode)
	}
}
