package emulator

import (
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"testing"

	stripe "github.com/stripe/stripe-go/v76"
)

// returnURLMessage is Stripe's answer to confirming a PaymentIntent whose
// automatic payment methods allow redirects without a return_url.
const returnURLMessage = "A `return_url` must be specified because this Payment Intent is configured to automatically accept the payment methods enabled in the Dashboard, some of which may require a full page redirect to succeed. If you do not want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents."

// with returns base with the pairs kv added.
func with(base url.Values, kv ...string) url.Values {
	v := maps.Clone(base)
	for i := 0; i < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// objectCounts is the number of stored objects of each type.
func objectCounts(t *testing.T, em *Emulator) map[string]int64 {
	t.Helper()
	return must[Stats](t)(em.Stats()).Objects
}

// A PaymentIntent created with neither payment_method_types nor
// automatic_payment_methods takes the Dashboard's payment methods, redirects
// allowed (API version 2023-08-16 on); automatic_payment_methods[enabled] and
// [allow_redirects] are kept as given. The emulator answered
// automatic_payment_methods: null whatever was sent.
func TestAutomaticPaymentMethodsOnCreate(t *testing.T) {
	always := map[string]any{"allow_redirects": "always", "enabled": true}
	never := map[string]any{"allow_redirects": "never", "enabled": true}
	base := url.Values{"amount": {"1000"}, "currency": {"usd"}}
	for _, c := range []struct {
		name    string
		form    url.Values
		status  int
		apm     any // automatic_payment_methods answered; for a 400, unused
		code    any
		param   any
		message string
	}{
		{name: "neither", form: base, status: 200, apm: always},
		{name: "payment_method_types", form: with(base, "payment_method_types[0]", "card"), status: 200, apm: nil},
		{name: "enabled", form: with(base, "automatic_payment_methods[enabled]", "true"), status: 200, apm: always},
		{name: "allow_redirects always", form: with(base, "automatic_payment_methods[enabled]", "true",
			"automatic_payment_methods[allow_redirects]", "always"), status: 200, apm: always},
		{name: "allow_redirects never", form: with(base, "automatic_payment_methods[enabled]", "true",
			"automatic_payment_methods[allow_redirects]", "never"), status: 200, apm: never},
		// Stripe's answer is not recorded: read as not given.
		{name: "disabled", form: with(base, "automatic_payment_methods[enabled]", "false"), status: 200, apm: always},
		{name: "disabled with payment_method_types", form: with(base, "automatic_payment_methods[enabled]", "false",
			"payment_method_types[0]", "card"), status: 200, apm: nil},
		{name: "allow_redirects without enabled", form: with(base, "automatic_payment_methods[allow_redirects]", "never"),
			status: 400, code: "parameter_missing", param: "automatic_payment_methods[enabled]",
			message: "Missing required param: automatic_payment_methods[enabled]."},
		{name: "allow_redirects unknown", form: with(base, "automatic_payment_methods[enabled]", "true",
			"automatic_payment_methods[allow_redirects]", "sometimes"), status: 400,
			param:   "automatic_payment_methods[allow_redirects]",
			message: "Invalid automatic_payment_methods[allow_redirects]: must be one of always or never"},
		{name: "enabled not a boolean", form: with(base, "automatic_payment_methods[enabled]", "yes"), status: 400,
			code: "parameter_invalid_boolean", param: "automatic_payment_methods[enabled]", message: "Invalid boolean: yes"},
		{name: "both", form: with(base, "automatic_payment_methods[enabled]", "true", "payment_method_types[0]", "card"),
			status: 400, message: `You may only specify one of these parameters: ["automatic_payment_methods", "payment_method_types"].`},
		{name: "enabled with confirmation_method", form: with(base, "automatic_payment_methods[enabled]", "true",
			"confirmation_method", "manual"), status: 400, param: "automatic_payment_methods",
			message: "You may only specify one of these parameters: automatic_payment_methods, confirmation_method."},
		// What Stripe answers when automatic payment methods are on by
		// default is not recorded: accepted, as before.
		{name: "confirmation_method", form: with(base, "confirmation_method", "manual"), status: 200, apm: always},
	} {
		t.Run(c.name, func(t *testing.T) {
			em := openTest(t, Options{})
			resp, m := raw(t, em, "POST", "/v1/payment_intents", c.form, nil)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %v", resp.StatusCode, c.status, m)
			}
			if c.status != 200 {
				if errField(m, "type") != "invalid_request_error" || errField(m, "message") != c.message ||
					errField(m, "code") != c.code || errField(m, "param") != c.param {
					t.Fatalf("error %v, want code %v param %v message %q", m["error"], c.code, c.param, c.message)
				}
				if n := objectCounts(t, em)["payment_intents"]; n != 0 {
					t.Fatalf("refused, yet %d PaymentIntents stored", n)
				}
				return
			}
			if !reflect.DeepEqual(m["automatic_payment_methods"], c.apm) {
				t.Errorf("automatic_payment_methods = %v, want %v", m["automatic_payment_methods"], c.apm)
			}
			// The emulator has no Dashboard: its methods are card only.
			if types, _ := m["payment_method_types"].([]any); len(types) != 1 || types[0] != "card" {
				t.Errorf("payment_method_types = %v", m["payment_method_types"])
			}
			_, got := raw(t, em, "GET", "/v1/payment_intents/"+m["id"].(string), nil, nil)
			if !reflect.DeepEqual(got["automatic_payment_methods"], c.apm) {
				t.Errorf("retrieved automatic_payment_methods = %v, want %v", got["automatic_payment_methods"], c.apm)
			}
		})
	}
}

// stripe-go reads the automatic_payment_methods the emulator answers.
func TestAutomaticPaymentMethodsDecode(t *testing.T) {
	_, sc := newClient(t)
	pi := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(&stripe.PaymentIntentParams{Amount: stripe.Int64(1000),
		Currency: stripe.String("usd")}))
	if apm := pi.AutomaticPaymentMethods; apm == nil || !apm.Enabled ||
		apm.AllowRedirects != stripe.PaymentIntentAutomaticPaymentMethodsAllowRedirectsAlways {
		t.Fatalf("automatic_payment_methods = %+v", apm)
	}
}

// Confirming a PaymentIntent whose automatic payment methods allow
// redirects needs a return_url in the confirming request, unless it is
// off-session: else 400 with Stripe's words, and nothing is written (no
// charge, no PaymentMethod of a test token, no change to the
// PaymentIntent). The emulator confirmed without one: a suite that passed
// offline failed on Stripe.
func TestConfirmNeedsReturnURL(t *testing.T) {
	const returnURL = "https://shop.example.com/paid"
	base := url.Values{"amount": {"1000"}, "currency": {"usd"}, "payment_method": {"pm_card_visa"}}
	confirm := with(base, "confirm", "true")
	apmOn := with(base, "automatic_payment_methods[enabled]", "true")
	apmNever := with(apmOn, "automatic_payment_methods[allow_redirects]", "never")
	for _, c := range []struct {
		name    string
		create  url.Values // with confirm=true: the create confirms
		confirm url.Values // else the confirm endpoint's form
		status  int
		piState string // the status after a 200
	}{
		// Create with confirm=true.
		{name: "create: neither", create: confirm, status: 400},
		{name: "create: return_url", create: with(confirm, "return_url", returnURL), status: 200, piState: "succeeded"},
		{name: "create: off_session", create: with(confirm, "off_session", "true"), status: 200, piState: "succeeded"},
		{name: "create: off_session=false", create: with(confirm, "off_session", "false"), status: 400},
		{name: "create: payment_method_types", create: with(confirm, "payment_method_types[0]", "card"), status: 200,
			piState: "succeeded"},
		{name: "create: enabled", create: with(confirm, "automatic_payment_methods[enabled]", "true"), status: 400},
		{name: "create: allow_redirects always", create: with(confirm, "automatic_payment_methods[enabled]", "true",
			"automatic_payment_methods[allow_redirects]", "always"), status: 400},
		{name: "create: allow_redirects never", create: with(confirm, "automatic_payment_methods[enabled]", "true",
			"automatic_payment_methods[allow_redirects]", "never"), status: 200, piState: "succeeded"},
		{name: "create: disabled", create: with(confirm, "automatic_payment_methods[enabled]", "false"), status: 400},
		{name: "create: declining card", create: with(confirm, "payment_method", "pm_card_chargeDeclined"), status: 400},
		{name: "create: 3DS card", create: with(confirm, "payment_method", "pm_card_authenticationRequired"), status: 400},
		{name: "create: 3DS card with return_url", create: with(confirm, "payment_method", "pm_card_authenticationRequired",
			"return_url", returnURL), status: 200, piState: "requires_action"},

		// POST /v1/payment_intents/{id}/confirm.
		{name: "confirm: neither", create: base, confirm: url.Values{}, status: 400},
		{name: "confirm: return_url", create: base, confirm: url.Values{"return_url": {returnURL}}, status: 200,
			piState: "succeeded"},
		{name: "confirm: off_session", create: base, confirm: url.Values{"off_session": {"true"}}, status: 200,
			piState: "succeeded"},
		{name: "confirm: enabled", create: apmOn, confirm: url.Values{}, status: 400},
		{name: "confirm: allow_redirects never", create: apmNever, confirm: url.Values{}, status: 200, piState: "succeeded"},
		{name: "confirm: payment_method_types", create: with(base, "payment_method_types[0]", "card"), confirm: url.Values{},
			status: 200, piState: "succeeded"},
		// A return_url at creation (without confirm) does not count.
		{name: "confirm: return_url given at creation", create: with(base, "return_url", returnURL), confirm: url.Values{},
			status: 400},
		{name: "confirm: payment method on the confirm", create: url.Values{"amount": {"1000"}, "currency": {"usd"}},
			confirm: url.Values{"payment_method": {"pm_card_visa"}}, status: 400},
		{name: "confirm: payment method and return_url on the confirm", create: url.Values{"amount": {"1000"}, "currency": {"usd"}},
			confirm: url.Values{"payment_method": {"pm_card_visa"}, "return_url": {returnURL}}, status: 200, piState: "succeeded"},
	} {
		t.Run(c.name, func(t *testing.T) {
			em := openTest(t, Options{})
			path := "/v1/payment_intents"
			form := c.create
			var before map[string]any
			if c.confirm != nil {
				resp, pi := raw(t, em, "POST", path, c.create, nil)
				if resp.StatusCode != 200 {
					t.Fatalf("create: %d %v", resp.StatusCode, pi)
				}
				path += "/" + pi["id"].(string) + "/confirm"
				form = c.confirm
				_, before = raw(t, em, "GET", "/v1/payment_intents/"+pi["id"].(string), nil, nil)
			}
			counts := objectCounts(t, em)
			resp, m := raw(t, em, "POST", path, form, nil)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %v", resp.StatusCode, c.status, m)
			}
			if c.status == 200 {
				if m["status"] != c.piState {
					t.Errorf("PaymentIntent status %v, want %s", m["status"], c.piState)
				}
				return
			}
			if errField(m, "type") != "invalid_request_error" || errField(m, "message") != returnURLMessage ||
				errField(m, "code") != nil || errField(m, "param") != nil || errField(m, "payment_intent") != nil {
				t.Fatalf("error %v", m["error"])
			}
			if got := objectCounts(t, em); !reflect.DeepEqual(got, counts) {
				t.Errorf("refused, yet objects went from %v to %v", counts, got)
			}
			if before != nil {
				_, after := raw(t, em, "GET", "/v1/payment_intents/"+before["id"].(string), nil, nil)
				if !reflect.DeepEqual(after, before) {
					t.Errorf("refused, yet the PaymentIntent changed:\n%v\nto\n%v", before, after)
				}
			}
		})
	}
}

// The refusal is not kept for its idempotency key, as no other 400 of a
// request's parameters is: the same key sent again is refused again (not
// replayed), and works once the return_url is given.
func TestReturnURLRefusalIsNotReplayed(t *testing.T) {
	em := openTest(t, Options{})
	form := url.Values{"amount": {"1000"}, "currency": {"usd"}, "payment_method": {"pm_card_visa"}, "confirm": {"true"}}
	key := map[string]string{"Idempotency-Key": "tweet-1"}
	for range 2 {
		resp, m := raw(t, em, "POST", "/v1/payment_intents", form, key)
		if resp.StatusCode != http.StatusBadRequest || errField(m, "message") != returnURLMessage ||
			resp.Header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("%d %v, headers %v", resp.StatusCode, m, resp.Header)
		}
	}
	if n := must[Stats](t)(em.Stats()).IdempotencyKeys; n != 0 {
		t.Fatalf("%d idempotency records stored for a refusal", n)
	}
	resp, m := raw(t, em, "POST", "/v1/payment_intents", with(form, "return_url", "https://shop.example.com/paid"), key)
	if resp.StatusCode != http.StatusOK || m["status"] != "succeeded" {
		t.Fatalf("with return_url: %d %v", resp.StatusCode, m)
	}
}
