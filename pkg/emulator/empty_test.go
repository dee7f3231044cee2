package emulator

import (
	"net/http"
	"net/url"
	"testing"

	stripe "github.com/stripe/stripe-go/v76"
)

// An empty string unsets a parameter that can be unset, on every endpoint
// and in nested hashes: the emulator used to keep the old value, or answer
// "No such X: ”", or ignore it.
func TestEmptyStringUnsets(t *testing.T) {
	em, sc := newClient(t)
	prod := must[*stripe.Product](t)(sc.Products.New(&stripe.ProductParams{Name: stripe.String("Mug"),
		Description: stripe.String("A mug"), URL: stripe.String("https://example.com"), UnitLabel: stripe.String("mug"),
		Images: []*string{stripe.String("https://example.com/mug.png")}, Metadata: map[string]string{"a": "1", "b": "2"}}))
	price := must[*stripe.Price](t)(sc.Prices.New(&stripe.PriceParams{Product: stripe.String(prod.ID),
		UnitAmount: stripe.Int64(500), Currency: stripe.String("usd"), Metadata: map[string]string{"a": "1"}}))
	addr := &stripe.AddressParams{Line1: stripe.String("1 Main St"), City: stripe.String("Springfield")}
	cus := must[*stripe.Customer](t)(sc.Customers.New(&stripe.CustomerParams{Email: stripe.String("jo@example.com"),
		Address: addr, Shipping: &stripe.CustomerShippingParams{Name: stripe.String("Jo"), Address: addr},
		TaxExempt: stripe.String("exempt"), Metadata: map[string]string{"a": "1", "b": "2"}}))
	pm := must[*stripe.PaymentMethod](t)(sc.PaymentMethods.New(&stripe.PaymentMethodParams{Type: stripe.String("card"),
		Card: &stripe.PaymentMethodCardParams{Token: stripe.String("tok_visa")},
		BillingDetails: &stripe.PaymentMethodBillingDetailsParams{Name: stripe.String("Jo"), Email: stripe.String("jo@example.com"),
			Address: addr}, Metadata: map[string]string{"a": "1"}}))
	pi := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(&stripe.PaymentIntentParams{Amount: stripe.Int64(500),
		Currency: stripe.String("usd"), ReceiptEmail: stripe.String("jo@example.com"), SetupFutureUsage: stripe.String("off_session"),
		Shipping: &stripe.ShippingDetailsParams{Name: stripe.String("Jo"), Address: addr}, Metadata: map[string]string{"a": "1"}}))
	paid := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(&stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(500),
		Currency: stripe.String("usd"), PaymentMethod: stripe.String("pm_card_visa"), Confirm: stripe.Bool(true),
		Metadata: map[string]string{"a": "1", "b": "2"}}))
	ch := paid.LatestCharge.ID
	must[*stripe.Charge](t)(sc.Charges.Update(ch, &stripe.ChargeParams{
		FraudDetails: &stripe.ChargeFraudDetailsParams{UserReport: stripe.String("safe")}}))
	re := must[*stripe.Refund](t)(sc.Refunds.New(&stripe.RefundParams{Charge: stripe.String(ch), Amount: stripe.Int64(100),
		Metadata: map[string]string{"a": "1"}}))

	field := func(m map[string]any, path ...string) any {
		var cur any = m
		for _, p := range path {
			mm, _ := cur.(map[string]any)
			cur = mm[p]
		}
		return cur
	}
	isNil := func(path ...string) func(map[string]any) bool {
		return func(m map[string]any) bool { return field(m, path...) == nil }
	}
	isEmpty := func(path ...string) func(map[string]any) bool {
		return func(m map[string]any) bool {
			switch v := field(m, path...).(type) {
			case map[string]any:
				return len(v) == 0
			case []any:
				return len(v) == 0
			}
			return false
		}
	}
	onlyKey := func(k string, path ...string) func(map[string]any) bool {
		return func(m map[string]any) bool {
			md, _ := field(m, path...).(map[string]any)
			_, ok := md[k]
			return len(md) == 1 && ok
		}
	}
	for _, c := range []struct {
		path  string
		form  url.Values
		check func(map[string]any) bool
	}{
		{"/v1/products/" + prod.ID, url.Values{"description": {""}}, isNil("description")},
		{"/v1/products/" + prod.ID, url.Values{"url": {""}, "unit_label": {""}}, func(m map[string]any) bool {
			return m["url"] == nil && m["unit_label"] == nil
		}},
		{"/v1/products/" + prod.ID, url.Values{"images": {""}}, isEmpty("images")},
		{"/v1/products/" + prod.ID, url.Values{"metadata[a]": {""}}, onlyKey("b", "metadata")},
		{"/v1/products/" + prod.ID, url.Values{"metadata": {""}}, isEmpty("metadata")},
		{"/v1/prices/" + price.ID, url.Values{"metadata": {""}}, isEmpty("metadata")},
		{"/v1/customers/" + cus.ID, url.Values{"address": {""}, "shipping": {""}}, func(m map[string]any) bool {
			return m["address"] == nil && m["shipping"] == nil
		}},
		{"/v1/customers/" + cus.ID, url.Values{"tax_exempt": {""}}, func(m map[string]any) bool { return m["tax_exempt"] == "none" }},
		{"/v1/customers/" + cus.ID, url.Values{"metadata[b]": {""}}, onlyKey("a", "metadata")},
		{"/v1/customers/" + cus.ID, url.Values{"invoice_settings[rendering_options]": {""}}, func(map[string]any) bool { return true }},
		{"/v1/payment_methods/" + pm.ID, url.Values{"billing_details[name]": {""}}, func(m map[string]any) bool {
			return field(m, "billing_details", "name") == nil && field(m, "billing_details", "email") == "jo@example.com"
		}},
		{"/v1/payment_methods/" + pm.ID, url.Values{"billing_details[address]": {""}}, func(m map[string]any) bool {
			a, _ := field(m, "billing_details", "address").(map[string]any)
			return len(a) == 6 && a["line1"] == nil && a["city"] == nil
		}},
		{"/v1/payment_methods/" + pm.ID, url.Values{"metadata": {""}}, isEmpty("metadata")},
		{"/v1/payment_intents/" + pi.ID, url.Values{"receipt_email": {""}, "setup_future_usage": {""}}, func(m map[string]any) bool {
			return m["receipt_email"] == nil && m["setup_future_usage"] == nil
		}},
		{"/v1/payment_intents/" + pi.ID, url.Values{"shipping": {""}}, isNil("shipping")},
		{"/v1/payment_intents/" + pi.ID, url.Values{"metadata": {""}}, isEmpty("metadata")},
		{"/v1/charges/" + ch, url.Values{"metadata[a]": {""}}, onlyKey("b", "metadata")},
		{"/v1/charges/" + ch, url.Values{"fraud_details[user_report]": {""}}, isEmpty("fraud_details")},
		{"/v1/refunds/" + re.ID, url.Values{"metadata": {""}}, isEmpty("metadata")},
	} {
		resp, m := raw(t, em, "POST", c.path, c.form, nil)
		if resp.StatusCode != http.StatusOK || !c.check(m) {
			t.Errorf("POST %s %s: %d %v", c.path, c.form.Encode(), resp.StatusCode, m)
			continue
		}
		// The answer is what is stored.
		if _, got := raw(t, em, "GET", c.path, nil, nil); !c.check(got) {
			t.Errorf("GET %s after %s: %v", c.path, c.form.Encode(), got)
		}
	}
}

// An empty string for a parameter that cannot be unset is refused with
// Stripe's parameter_invalid_empty, nested parameters named in bracket form,
// before anything is written: the emulator answered "No such X: ”",
// "Missing required param" or ignored the value, depending on the
// parameter.
func TestEmptyStringRefused(t *testing.T) {
	em, sc := newClient(t)
	prod := must[*stripe.Product](t)(sc.Products.New(&stripe.ProductParams{Name: stripe.String("Mug")}))
	price := must[*stripe.Price](t)(sc.Prices.New(&stripe.PriceParams{Product: stripe.String(prod.ID),
		UnitAmount: stripe.Int64(500), Currency: stripe.String("usd"), Nickname: stripe.String("Mug"), LookupKey: stripe.String("mug")}))
	cus, pm := customerWithCard(t, sc, "pm_card_visa")
	pi := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(&stripe.PaymentIntentParams{Amount: stripe.Int64(500),
		Currency: stripe.String("usd"), Description: stripe.String("kept")}))
	paid := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(&stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(500),
		Currency: stripe.String("usd"), PaymentMethod: stripe.String("pm_card_visa"), Confirm: stripe.Bool(true),
		CaptureMethod: stripe.String("manual")}))
	ch := paid.LatestCharge.ID

	for _, c := range []struct {
		method, path string
		form         url.Values
		param        string
	}{
		{"POST", "/v1/products", url.Values{"name": {"Cup"}, "description": {""}}, "description"},
		{"POST", "/v1/products", url.Values{"name": {""}}, "name"},
		{"POST", "/v1/products/" + prod.ID, url.Values{"name": {""}}, "name"},
		{"POST", "/v1/products/" + prod.ID, url.Values{"default_price": {""}}, "default_price"},
		{"POST", "/v1/products/" + prod.ID, url.Values{"statement_descriptor": {""}}, "statement_descriptor"},
		{"POST", "/v1/prices", url.Values{"product": {""}, "currency": {"usd"}, "unit_amount": {"500"}}, "product"},
		{"POST", "/v1/prices/" + price.ID, url.Values{"nickname": {""}}, "nickname"},
		{"POST", "/v1/prices/" + price.ID, url.Values{"lookup_key": {""}}, "lookup_key"},
		{"POST", "/v1/customers", url.Values{"email": {""}}, "email"},
		{"POST", "/v1/customers/" + cus.ID, url.Values{"description": {""}}, "description"},
		{"POST", "/v1/customers/" + cus.ID, url.Values{"invoice_settings[default_payment_method]": {""}}, "invoice_settings[default_payment_method]"},
		{"POST", "/v1/customers/" + cus.ID, url.Values{"address[line1]": {""}}, "address[line1]"},
		{"POST", "/v1/customers/" + cus.ID, url.Values{"shipping[name]": {""}, "shipping[address][line1]": {"1 Main St"}}, "shipping[name]"},
		{"POST", "/v1/payment_methods", url.Values{"type": {""}}, "type"},
		{"POST", "/v1/payment_methods", url.Values{"type": {"card"}, "card[number]": {""}}, "card[number]"},
		{"POST", "/v1/payment_methods", url.Values{"type": {"card"}, "card[token]": {"tok_visa"}, "metadata": {""}}, "metadata"},
		{"POST", "/v1/payment_methods/" + pm.ID, url.Values{"billing_details[address][line1]": {""}}, "billing_details[address][line1]"},
		{"POST", "/v1/payment_methods/" + pm.ID + "/attach", url.Values{"customer": {""}}, "customer"},
		{"POST", "/v1/payment_intents", url.Values{"amount": {"500"}, "currency": {""}}, "currency"},
		{"POST", "/v1/payment_intents", url.Values{"amount": {"500"}, "currency": {"usd"}, "customer": {""}}, "customer"},
		{"POST", "/v1/payment_intents", url.Values{"amount": {"500"}, "currency": {"usd"}, "metadata": {""}}, "metadata"},
		{"POST", "/v1/payment_intents/" + pi.ID, url.Values{"description": {""}}, "description"},
		{"POST", "/v1/payment_intents/" + pi.ID, url.Values{"payment_method": {""}}, "payment_method"},
		{"POST", "/v1/payment_intents/" + pi.ID, url.Values{"shipping[name]": {""}, "shipping[address][line1]": {"1 Main St"}}, "shipping[name]"},
		{"POST", "/v1/payment_intents/" + pi.ID + "/confirm", url.Values{"payment_method": {""}}, "payment_method"},
		{"POST", "/v1/payment_intents/" + paid.ID + "/capture", url.Values{"amount_to_capture": {""}}, "amount_to_capture"},
		{"POST", "/v1/payment_intents/" + paid.ID + "/cancel", url.Values{"cancellation_reason": {""}}, "cancellation_reason"},
		{"POST", "/v1/charges/" + ch, url.Values{"description": {""}}, "description"},
		{"POST", "/v1/charges/" + ch, url.Values{"customer": {""}}, "customer"},
		{"POST", "/v1/refunds", url.Values{"charge": {""}}, "charge"},
		{"GET", "/v1/charges", url.Values{"customer": {""}}, "customer"},
		{"GET", "/v1/customers", url.Values{"starting_after": {""}}, "starting_after"},
		{"GET", "/v1/payment_intents", url.Values{"created": {""}}, "created"},
		{"GET", "/v1/charges/search", url.Values{"query": {""}}, "query"},
		{"GET", "/v1/customers/" + cus.ID, url.Values{"expand": {""}}, "expand"},
	} {
		resp, m := raw(t, em, c.method, c.path, c.form, nil)
		if resp.StatusCode != http.StatusBadRequest || errField(m, "type") != "invalid_request_error" ||
			errField(m, "code") != "parameter_invalid_empty" || errField(m, "param") != c.param {
			t.Errorf("%s %s %s: %d %v, want parameter_invalid_empty on %s", c.method, c.path, c.form.Encode(), resp.StatusCode, m, c.param)
		}
	}

	// Stripe's words, and nothing changed.
	_, m := raw(t, em, "POST", "/v1/payment_intents/"+pi.ID, url.Values{"description": {""}, "metadata[a]": {"1"}}, nil)
	want := "You passed an empty string for 'description'. We assume empty values are an attempt to unset a parameter; " +
		"however 'description' cannot be unset. You should remove 'description' from your request or supply a non-empty value."
	if errField(m, "message") != want {
		t.Errorf("message %q\nwant    %q", errField(m, "message"), want)
	}
	got := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.Get(pi.ID, nil))
	if got.Description != "kept" || len(got.Metadata) != 0 {
		t.Errorf("after a refused update: description %q metadata %v", got.Description, got.Metadata)
	}
	// stripe-go sends "" for a *string set to "": the same answer.
	_, err := sc.Customers.Update(cus.ID, &stripe.CustomerParams{Email: stripe.String("")})
	if se := stripeErr(t, err); se.HTTPStatusCode != 400 || se.Code != "parameter_invalid_empty" || se.Param != "email" {
		t.Errorf("stripe-go email=\"\": %+v", se)
	}
}
