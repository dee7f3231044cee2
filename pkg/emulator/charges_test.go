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

	// shipping="" unsets it; fraud_details[user_report]="" empties the hash.
	resp, m = raw(t, em, "POST", "/v1/charges/"+id, url.Values{"shipping": {""}, "fraud_details[user_report]": {""}}, nil)
	if fd, _ := m["fraud_details"].(map[string]any); resp.StatusCode != http.StatusOK || m["shipping"] != nil || fd == nil || len(fd) != 0 {
		t.Errorf("unset: %d shipping %v fraud_details %v", resp.StatusCode, m["shipping"], m["fraud_details"])
	}
}
