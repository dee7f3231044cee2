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
	pi := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(&stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(500),
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
	pi2 := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(&stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(500),
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
	pi := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(&stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(500),
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

// POST /v1/charges/{id}/capture is answered as Stripe answers it for a
// PaymentIntent's charge (the only kind the emulator makes): a captured
// charge is already captured, any other is sent to its PaymentIntent, and
// nothing changes. It was not emulated (404 Unrecognized request URL).
func TestCaptureChargeRefused(t *testing.T) {
	em, sc := newClient(t)
	pay := func(token, capture string) (pi, ch string) {
		t.Helper()
		p, err := sc.PaymentIntents.New(&stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(1000), Currency: stripe.String("usd"),
			PaymentMethod: stripe.String(token), Confirm: stripe.Bool(true), CaptureMethod: stripe.String(capture)})
		if err != nil {
			se := stripeErr(t, err)
			return se.PaymentIntent.ID, se.ChargeID
		}
		return p.ID, p.LatestCharge.ID
	}
	sentToPI := func(pi string) string {
		return "This uncaptured Charge was created by a PaymentIntent (" + pi + "). You must capture the PaymentIntent instead. " +
			"For more information, see https://stripe.com/docs/payments/place-a-hold-on-a-payment-method"
	}
	heldPI, held := pay("pm_card_visa", "manual")
	releasedPI, released := pay("pm_card_visa", "manual")
	must[*stripe.PaymentIntent](t)(sc.PaymentIntents.Cancel(releasedPI, &stripe.PaymentIntentCancelParams{}))
	failedPI, failed := pay("pm_card_visa_chargeDeclined", "automatic")
	_, captured := pay("pm_card_visa", "automatic")
	for _, c := range []struct {
		name, id string
		form     url.Values
		status   int
		code     string
		message  string
	}{
		{"awaiting capture", held, url.Values{"amount": {"600"}}, 400, "", sentToPI(heldPI)},
		{"released", released, nil, 400, "", sentToPI(releasedPI)},
		{"failed", failed, nil, 400, "", sentToPI(failedPI)},
		{"captured", captured, nil, 400, "charge_already_captured", "Charge " + captured + " has already been captured."},
		{"unknown", "ch_missing", nil, 404, "resource_missing", "No such charge: 'ch_missing'"},
		{"unknown parameter", held, url.Values{"amount_to_capture": {"600"}}, 400, "parameter_unknown", "Received unknown parameter: amount_to_capture"},
	} {
		resp, m := raw(t, em, "POST", "/v1/charges/"+c.id+"/capture", c.form, nil)
		code, _ := errField(m, "code").(string)
		if resp.StatusCode != c.status || code != c.code || errField(m, "message") != c.message || errField(m, "type") != "invalid_request_error" {
			t.Errorf("%s: %d %v", c.name, resp.StatusCode, m)
		}
	}
	if got := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.Get(heldPI, nil)); got.Status != "requires_capture" || got.AmountCapturable != 1000 {
		t.Errorf("after the refused capture: %s capturable %d", got.Status, got.AmountCapturable)
	}
	// stripe-go's own call gets the same answer.
	_, err := sc.Charges.Capture(held, &stripe.ChargeCaptureParams{})
	if se := stripeErr(t, err); se.HTTPStatusCode != 400 || se.Msg != sentToPI(heldPI) {
		t.Errorf("stripe-go capture: %+v", se)
	}
}
