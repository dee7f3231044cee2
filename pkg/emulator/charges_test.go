package emulator

import (
	"net/http"
	"net/url"
	"testing"

	stripe "github.com/stripe/stripe-go/v76"
)

// Update a charge keeps every parameter Stripe's API reference lists:
// shipping (name and address required), fraud_details[user_report] (safe or
// fraudulent), transfer_group and customer (each only while unset). The
// emulator accepted shipping, fraud_details and transfer_group and answered
// 200 with the charge unchanged, and refused customer as unknown.
func TestUpdateCharge(t *testing.T) {
	em, sc := newClient(t)
	cus := must[*stripe.Customer](t)(sc.Customers.New(&stripe.CustomerParams{Email: stripe.String("a@example.com")}))
	other := must[*stripe.Customer](t)(sc.Customers.New(&stripe.CustomerParams{Email: stripe.String("b@example.com")}))
	pi := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(&stripe.PaymentIntentParams{Amount: stripe.Int64(500),
		Currency: stripe.String("usd"), PaymentMethod: stripe.String("pm_card_visa"), Confirm: stripe.Bool(true)}))
	id := pi.LatestCharge.ID

	p := &stripe.ChargeParams{Customer: stripe.String(cus.ID), TransferGroup: stripe.String("order_1"),
		FraudDetails: &stripe.ChargeFraudDetailsParams{UserReport: stripe.String("safe")},
		Shipping: &stripe.ShippingDetailsParams{Name: stripe.String("Jo"), Carrier: stripe.String("UPS"),
			Address: &stripe.AddressParams{Line1: stripe.String("1 Main St"), PostalCode: stripe.String("94107")}}}
	ch := must[*stripe.Charge](t)(sc.Charges.Update(id, p))
	if ch.Customer == nil || ch.Customer.ID != cus.ID || ch.TransferGroup != "order_1" ||
		ch.FraudDetails == nil || ch.FraudDetails.UserReport != "safe" || ch.Shipping == nil ||
		ch.Shipping.Name != "Jo" || ch.Shipping.Carrier != "UPS" || ch.Shipping.Address == nil ||
		ch.Shipping.Address.Line1 != "1 Main St" || ch.Shipping.Address.PostalCode != "94107" {
		t.Fatalf("updated charge: customer %v transfer_group %q fraud_details %+v shipping %+v",
			ch.Customer, ch.TransferGroup, ch.FraudDetails, ch.Shipping)
	}
	// Kept, with every field of Stripe's shipping object.
	resp, m := raw(t, em, "GET", "/v1/charges/"+id, nil, nil)
	sh, _ := m["shipping"].(map[string]any)
	addr, _ := sh["address"].(map[string]any)
	if resp.StatusCode != http.StatusOK || len(sh) != 5 || sh["phone"] != nil || sh["tracking_number"] != nil ||
		len(addr) != 6 || addr["city"] != nil || addr["line1"] != "1 Main St" {
		t.Fatalf("retrieved: %d shipping %v", resp.StatusCode, m["shipping"])
	}
	// The same customer and transfer group again are no change.
	must[*stripe.Charge](t)(sc.Charges.Update(id, &stripe.ChargeParams{Customer: stripe.String(cus.ID), TransferGroup: stripe.String("order_1")}))

	for _, c := range []struct {
		form  url.Values
		param string
	}{
		{url.Values{"customer": {other.ID}}, "customer"},
		{url.Values{"transfer_group": {"order_2"}}, "transfer_group"},
		{url.Values{"fraud_details[user_report]": {"maybe"}}, "fraud_details[user_report]"},
		{url.Values{"shipping[address][line1]": {"2 Main St"}}, "shipping[name]"},
		{url.Values{"shipping[name]": {"Jo"}}, "shipping[address]"},
		{url.Values{"shipping[colour]": {"blue"}}, "shipping[colour]"},
	} {
		resp, m := raw(t, em, "POST", "/v1/charges/"+id, c.form, nil)
		if resp.StatusCode != http.StatusBadRequest || errField(m, "type") != "invalid_request_error" || errField(m, "param") != c.param {
			t.Errorf("update %v: %d %v, want a 400 on %s", c.form, resp.StatusCode, m, c.param)
		}
	}
	// An unknown customer on a charge without one.
	pi2 := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(&stripe.PaymentIntentParams{Amount: stripe.Int64(500),
		Currency: stripe.String("usd"), PaymentMethod: stripe.String("pm_card_visa"), Confirm: stripe.Bool(true)}))
	resp, m = raw(t, em, "POST", "/v1/charges/"+pi2.LatestCharge.ID, url.Values{"customer": {"cus_missing"}}, nil)
	if errField(m, "code") != "resource_missing" || errField(m, "param") != "customer" {
		t.Errorf("unknown customer: %d %v", resp.StatusCode, m)
	}

	// fraud_details[user_report]="" empties the hash; a charge's shipping
	// cannot be unset (Stripe's OpenAPI spec: no "" for it on this endpoint).
	resp, m = raw(t, em, "POST", "/v1/charges/"+id, url.Values{"fraud_details[user_report]": {""}}, nil)
	if fd, _ := m["fraud_details"].(map[string]any); resp.StatusCode != http.StatusOK || m["shipping"] == nil || fd == nil || len(fd) != 0 {
		t.Errorf("unset: %d shipping %v fraud_details %v", resp.StatusCode, m["shipping"], m["fraud_details"])
	}
	resp, m = raw(t, em, "POST", "/v1/charges/"+id, url.Values{"shipping": {""}}, nil)
	if resp.StatusCode != http.StatusBadRequest || errField(m, "code") != "parameter_invalid_empty" || errField(m, "param") != "shipping" {
		t.Errorf("shipping=: %d %v", resp.StatusCode, m)
	}
}

// A PaymentIntent keeps the shipping it is created, updated or confirmed
// with, and passes it to its charge, as Stripe does; an update keeps its
// statement descriptors, setup_future_usage and transfer_group, and a
// confirmation its receipt_email and setup_future_usage. The emulator
// accepted all of these and dropped them.
func TestPaymentIntentKeepsFields(t *testing.T) {
	_, sc := newClient(t)
	ship := func(name string) *stripe.ShippingDetailsParams {
		return &stripe.ShippingDetailsParams{Name: stripe.String(name), Address: &stripe.AddressParams{Line1: stripe.String("1 Main St")}}
	}
	pi := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(&stripe.PaymentIntentParams{Amount: stripe.Int64(500),
		Currency: stripe.String("usd"), Shipping: ship("Created")}))
	if pi.Shipping == nil || pi.Shipping.Name != "Created" || pi.Shipping.Address == nil || pi.Shipping.Address.Line1 != "1 Main St" {
		t.Fatalf("created with shipping: %+v", pi.Shipping)
	}
	up := &stripe.PaymentIntentParams{Shipping: ship("Updated"), StatementDescriptor: stripe.String("TWEETPAY MUG"),
		StatementDescriptorSuffix: stripe.String("MUG"), SetupFutureUsage: stripe.String("off_session"),
		TransferGroup: stripe.String("order_1")}
	pi = must[*stripe.PaymentIntent](t)(sc.PaymentIntents.Update(pi.ID, up))
	if pi.Shipping == nil || pi.Shipping.Name != "Updated" || pi.StatementDescriptor != "TWEETPAY MUG" ||
		pi.StatementDescriptorSuffix != "MUG" || pi.SetupFutureUsage != "off_session" || pi.TransferGroup != "order_1" {
		t.Fatalf("updated: shipping %+v descriptor %q suffix %q setup_future_usage %q transfer_group %q",
			pi.Shipping, pi.StatementDescriptor, pi.StatementDescriptorSuffix, pi.SetupFutureUsage, pi.TransferGroup)
	}
	pi = must[*stripe.PaymentIntent](t)(sc.PaymentIntents.Confirm(pi.ID, &stripe.PaymentIntentConfirmParams{
		PaymentMethod: stripe.String("pm_card_visa"), Shipping: ship("Confirmed"), ReceiptEmail: stripe.String("jo@example.com")}))
	if pi.Status != "succeeded" || pi.Shipping == nil || pi.Shipping.Name != "Confirmed" || pi.ReceiptEmail != "jo@example.com" {
		t.Fatalf("confirmed: %s shipping %+v receipt_email %q", pi.Status, pi.Shipping, pi.ReceiptEmail)
	}
	ch := must[*stripe.Charge](t)(sc.Charges.Get(pi.LatestCharge.ID, nil))
	if ch.Shipping == nil || ch.Shipping.Name != "Confirmed" || ch.TransferGroup != "order_1" || ch.ReceiptEmail != "jo@example.com" {
		t.Fatalf("charge: shipping %+v transfer_group %q receipt_email %q", ch.Shipping, ch.TransferGroup, ch.ReceiptEmail)
	}
	_, err := sc.PaymentIntents.New(&stripe.PaymentIntentParams{Amount: stripe.Int64(500), Currency: stripe.String("usd"),
		Shipping: &stripe.ShippingDetailsParams{Name: stripe.String("No address")}})
	if se := stripeErr(t, err); se.HTTPStatusCode != 400 || se.Param != "shipping[address]" {
		t.Errorf("shipping without an address: %+v", se)
	}
}

// POST /v1/charges/{id}/capture captures the charge of a PaymentIntent
// awaiting capture, as the PaymentIntent's own capture does: the
// PaymentIntent succeeds with amount_received, the charge is captured for
// amount (all of it by default) and the rest released as a refund. It was
// not emulated (404).
func TestCaptureCharge(t *testing.T) {
	em, sc := newClient(t)
	authorize := func(token string) *stripe.PaymentIntent {
		t.Helper()
		pi, err := sc.PaymentIntents.New(&stripe.PaymentIntentParams{Amount: stripe.Int64(1000), Currency: stripe.String("usd"),
			PaymentMethod: stripe.String(token), Confirm: stripe.Bool(true), CaptureMethod: stripe.String("manual")})
		if err != nil && token == "pm_card_visa" {
			t.Fatal(err)
		}
		if err != nil { // declined: the failed charge
			pi = &stripe.PaymentIntent{LatestCharge: &stripe.Charge{ID: stripeErr(t, err).ChargeID}}
		}
		return pi
	}

	pi := authorize("pm_card_visa")
	path := "/v1/charges/" + pi.LatestCharge.ID + "/capture"
	key := map[string]string{"Idempotency-Key": "capture-1"}
	resp, m := raw(t, em, "POST", path, url.Values{"amount": {"600"}, "receipt_email": {"jo@example.com"}}, key)
	if resp.StatusCode != http.StatusOK || m["object"] != "charge" || m["captured"] != true || m["amount_captured"] != 600.0 ||
		m["amount_refunded"] != 400.0 || m["refunded"] != false || m["receipt_email"] != "jo@example.com" {
		t.Fatalf("capture: %d %v", resp.StatusCode, m)
	}
	got := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.Get(pi.ID, nil))
	if got.Status != "succeeded" || got.AmountReceived != 600 || got.AmountCapturable != 0 {
		t.Errorf("PaymentIntent after the charge's capture: %s received %d capturable %d", got.Status, got.AmountReceived, got.AmountCapturable)
	}
	resp, l := raw(t, em, "GET", "/v1/refunds", url.Values{"charge": {pi.LatestCharge.ID}}, nil)
	if data, _ := l["data"].([]any); resp.StatusCode != http.StatusOK || len(data) != 1 || data[0].(map[string]any)["amount"] != 400.0 {
		t.Errorf("refunds of the charge: %v", l)
	}
	// Replayed with its key; captured again under another, refused.
	resp2, m2 := raw(t, em, "POST", path, url.Values{"amount": {"600"}, "receipt_email": {"jo@example.com"}}, key)
	if resp2.StatusCode != http.StatusOK || resp2.Header.Get("Idempotent-Replayed") != "true" || m2["id"] != m["id"] {
		t.Errorf("replay: %d %v %v", resp2.StatusCode, resp2.Header, m2)
	}
	resp, m = raw(t, em, "POST", path, nil, nil)
	if resp.StatusCode != http.StatusBadRequest || errField(m, "code") != "charge_already_captured" {
		t.Errorf("capture again: %d %v", resp.StatusCode, m)
	}

	// By default all of it, through stripe-go.
	pi = authorize("pm_card_visa")
	ch := must[*stripe.Charge](t)(sc.Charges.Capture(pi.LatestCharge.ID, &stripe.ChargeCaptureParams{}))
	if !ch.Captured || ch.AmountCaptured != 1000 || ch.AmountRefunded != 0 {
		t.Errorf("capture all: captured %v amount_captured %d amount_refunded %d", ch.Captured, ch.AmountCaptured, ch.AmountRefunded)
	}

	// More than the charge, a released authorization, a failed charge, an
	// unknown one; none changes anything.
	over := authorize("pm_card_visa")
	canceled := authorize("pm_card_visa")
	must[*stripe.PaymentIntent](t)(sc.PaymentIntents.Cancel(canceled.ID, &stripe.PaymentIntentCancelParams{}))
	failed := authorize("pm_card_visa_chargeDeclined")
	for _, c := range []struct {
		name, id, amount  string
		status            int
		code, param, text string
	}{
		{"over", over.LatestCharge.ID, "1001", 400, "amount_too_large", "amount", ""},
		{"released", canceled.LatestCharge.ID, "", 400, "charge_already_refunded", "", ""},
		{"failed", failed.LatestCharge.ID, "", 400, "capture_unauthorized_payment", "", ""},
		{"unknown", "ch_missing", "", 404, "resource_missing", "id", "No such charge: 'ch_missing'"},
		// Stripe's answer to a POST to the search path was not found: it
		// is the answer to any unknown charge.
		{"search", "search", "", 404, "resource_missing", "id", "No such charge: 'search'"},
	} {
		form := url.Values{}
		if c.amount != "" {
			form.Set("amount", c.amount)
		}
		resp, m := raw(t, em, "POST", "/v1/charges/"+c.id+"/capture", form, nil)
		param, _ := errField(m, "param").(string)
		if resp.StatusCode != c.status || errField(m, "code") != c.code || param != c.param ||
			c.text != "" && errField(m, "message") != c.text {
			t.Errorf("%s: %d %v", c.name, resp.StatusCode, m)
		}
	}
	if got := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.Get(over.ID, nil)); got.Status != "requires_capture" || got.AmountCapturable != 1000 {
		t.Errorf("after a refused capture: %s capturable %d", got.Status, got.AmountCapturable)
	}
	resp, m = raw(t, em, "POST", "/v1/charges/search", url.Values{"metadata[a]": {"1"}}, nil)
	if resp.StatusCode != http.StatusNotFound || errField(m, "message") != "No such charge: 'search'" {
		t.Errorf("POST /v1/charges/search: %d %v", resp.StatusCode, m)
	}
}
