package emulator

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	stripe "github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"
)

// raw sends one form request through the in-process transport.
func raw(t testing.TB, h http.Handler, method, path string, form url.Values, hdr map[string]string) (*http.Response, map[string]any) {
	t.Helper()
	var body io.Reader
	target := "http://emulator" + path
	if method == http.MethodPost {
		body = strings.NewReader(form.Encode())
	} else if form != nil {
		target += "?" + form.Encode()
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testKey)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range hdr {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	return send(t, h, req)
}

// send sends req to h as it is and returns the answer with its body, a
// JSON object, decoded: for requests that raw cannot make.
func send(t testing.TB, h http.Handler, req *http.Request) (*http.Response, map[string]any) {
	t.Helper()
	resp, err := NewTransport(h).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s %s: body %q: %v", req.Method, req.URL.Path, b, err)
	}
	return resp, m
}

func errField(m map[string]any, k string) any {
	e, _ := m["error"].(map[string]any)
	return e[k]
}

type declineRow struct {
	name, token, number, code, declineCode, message, param, outcomeType string
}

// The decline table of reference/stripe.md 1.2.
var declineTable = []declineRow{
	{"generic", "pm_card_visa_chargeDeclined", "4000000000000002", "card_declined", "generic_decline", "Your card was declined.", "", "issuer_declined"},
	{"generic-short", "pm_card_chargeDeclined", "", "card_declined", "generic_decline", "Your card was declined.", "", "issuer_declined"},
	{"insufficient", "pm_card_visa_chargeDeclinedInsufficientFunds", "4000000000009995", "card_declined", "insufficient_funds", "Your card has insufficient funds.", "", "issuer_declined"},
	{"lost", "pm_card_visa_chargeDeclinedLostCard", "4000000000009987", "card_declined", "lost_card", "Your card was declined.", "", "issuer_declined"},
	{"stolen", "pm_card_visa_chargeDeclinedStolenCard", "4000000000009979", "card_declined", "stolen_card", "Your card was declined.", "", "issuer_declined"},
	{"expired", "pm_card_chargeDeclinedExpiredCard", "4000000000000069", "expired_card", "", "Your card has expired.", "exp_month", "issuer_declined"},
	{"cvc", "pm_card_chargeDeclinedIncorrectCvc", "4000000000000127", "incorrect_cvc", "", "Your card's security code is incorrect.", "cvc", "issuer_declined"},
	{"processing", "pm_card_chargeDeclinedProcessingError", "4000000000000119", "processing_error", "", "An error occurred while processing your card. Try again in a little bit.", "", "issuer_declined"},
	{"velocity", "pm_card_visa_chargeDeclinedVelocityLimitExceeded", "4000000000006975", "card_declined", "card_velocity_exceeded", "Your card was declined for making repeated attempts too frequently or exceeding its amount limit.", "", "issuer_declined"},
	{"fraudulent", "pm_card_radarBlock", "4100000000000019", "card_declined", "fraudulent", "Your card was declined.", "", "blocked"},
	{"fraudulent-alias", "pm_card_chargeDeclinedFraudulent", "", "card_declined", "fraudulent", "Your card was declined.", "", "blocked"},
	{"customer-fail", "pm_card_chargeCustomerFail", "4000000000000341", "card_declined", "generic_decline", "Your card was declined.", "", "issuer_declined"},
}

func checkDecline(t *testing.T, sc *client.API, err error, row declineRow, wantPM string) {
	t.Helper()
	se := stripeErr(t, err)
	if se.HTTPStatusCode != 402 || se.Type != stripe.ErrorTypeCard || string(se.Code) != row.code ||
		string(se.DeclineCode) != row.declineCode || se.Msg != row.message || se.Param != row.param {
		t.Fatalf("error = %d %s %s %s %q param %q", se.HTTPStatusCode, se.Type, se.Code, se.DeclineCode, se.Msg, se.Param)
	}
	if _, ok := se.Err.(*stripe.CardError); !ok {
		t.Errorf("Err = %T, want *stripe.CardError", se.Err)
	}
	if se.DocURL == "" || se.RequestLogURL == "" || !strings.HasPrefix(se.RequestID, "req_") {
		t.Errorf("doc_url %q request_log_url %q request id %q", se.DocURL, se.RequestLogURL, se.RequestID)
	}
	if h := se.LastResponse.Header.Get("Stripe-Should-Retry"); h != "false" {
		t.Errorf("Stripe-Should-Retry = %q", h)
	}
	if !strings.HasPrefix(se.ChargeID, "ch_") {
		t.Fatalf("charge = %q", se.ChargeID)
	}
	pi := se.PaymentIntent
	if pi == nil || pi.Status != stripe.PaymentIntentStatusRequiresPaymentMethod || pi.PaymentMethod != nil ||
		pi.LatestCharge == nil || pi.LatestCharge.ID != se.ChargeID || pi.LastPaymentError == nil ||
		pi.LastPaymentError.Code != se.Code || pi.LastPaymentError.DeclineCode != se.DeclineCode {
		t.Fatalf("payment_intent in error = %+v", pi)
	}
	if se.PaymentMethod == nil || !strings.HasPrefix(se.PaymentMethod.ID, "pm_") || (wantPM != "" && se.PaymentMethod.ID != wantPM) {
		t.Fatalf("payment_method in error = %+v", se.PaymentMethod)
	}
	// The PaymentIntent as stored says the same.
	got := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.Get(pi.ID, nil))
	if got.Status != stripe.PaymentIntentStatusRequiresPaymentMethod || got.LastPaymentError == nil ||
		got.LastPaymentError.Code != se.Code || got.LatestCharge.ID != se.ChargeID || got.PaymentMethod != nil {
		t.Fatalf("stored pi = %+v", got)
	}
	ch := must[*stripe.Charge](t)(sc.Charges.Get(se.ChargeID, nil))
	if ch.Status != stripe.ChargeStatusFailed || ch.Paid || ch.Captured || ch.FailureCode != row.code ||
		ch.FailureMessage != row.message || ch.Outcome == nil || string(ch.Outcome.Type) != row.outcomeType {
		t.Fatalf("failed charge = %+v outcome %+v", ch, ch.Outcome)
	}
	wantReason := row.declineCode
	if wantReason == "" {
		wantReason = row.code
	}
	if row.outcomeType == "blocked" {
		wantReason = "highest_risk_level"
		if ch.Outcome.NetworkStatus != "not_sent_to_network" {
			t.Errorf("network_status = %s", ch.Outcome.NetworkStatus)
		}
	} else if ch.Outcome.NetworkStatus != "declined_by_network" {
		t.Errorf("network_status = %s", ch.Outcome.NetworkStatus)
	}
	if ch.Outcome.Reason != wantReason || ch.Outcome.SellerMessage == "" || ch.Outcome.RiskLevel == "" {
		t.Errorf("outcome = %+v", ch.Outcome)
	}
	if ch.PaymentIntent == nil || ch.PaymentIntent.ID != pi.ID {
		t.Errorf("charge.payment_intent = %+v", ch.PaymentIntent)
	}
}

func TestDeclineTableTokens(t *testing.T) {
	_, sc := newClient(t)
	for _, row := range declineTable {
		t.Run(row.name, func(t *testing.T) {
			_, err := sc.PaymentIntents.New(&stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(2000), Currency: stripe.String("usd"),
				PaymentMethod: stripe.String(row.token), Confirm: stripe.Bool(true)})
			checkDecline(t, sc, err, row, "")
		})
	}
}

func TestDeclineTableCardNumbers(t *testing.T) {
	_, sc := newClient(t)
	for _, row := range declineTable {
		if row.number == "" {
			continue
		}
		t.Run(row.name, func(t *testing.T) {
			pm := must[*stripe.PaymentMethod](t)(sc.PaymentMethods.New(&stripe.PaymentMethodParams{Type: stripe.String("card"),
				Card: &stripe.PaymentMethodCardParams{Number: stripe.String(row.number), ExpMonth: stripe.Int64(12),
					ExpYear: stripe.Int64(2040), CVC: stripe.String("123")}}))
			if pm.Card.Last4 != row.number[12:] {
				t.Fatalf("last4 = %s", pm.Card.Last4)
			}
			pi := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(&stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(2000),
				Currency: stripe.String("usd"), PaymentMethod: stripe.String(pm.ID)}))
			if pi.Status != stripe.PaymentIntentStatusRequiresConfirmation {
				t.Fatalf("status = %s", pi.Status)
			}
			_, err := sc.PaymentIntents.Confirm(pi.ID, &stripe.PaymentIntentConfirmParams{})
			checkDecline(t, sc, err, row, pm.ID)
		})
	}
}

func TestSuccessfulCharge(t *testing.T) {
	_, sc := newClient(t)
	cus, pm := customerWithCard(t, sc, "pm_card_mastercard")
	params := &stripe.PaymentIntentParams{Amount: stripe.Int64(1250), Currency: stripe.String("usd"), Customer: stripe.String(cus.ID),
		PaymentMethod: stripe.String(pm.ID), Confirm: stripe.Bool(true), OffSession: stripe.Bool(true),
		Description: stripe.String("Blue Mug")}
	params.AddMetadata("offer", "BuyBlueMug")
	params.AddExpand("latest_charge")
	pi := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(params))
	if pi.Status != stripe.PaymentIntentStatusSucceeded || pi.AmountReceived != 1250 || !strings.HasPrefix(pi.ClientSecret, pi.ID+"_secret_") ||
		pi.Customer.ID != cus.ID || pi.PaymentMethod.ID != pm.ID || pi.Livemode || pi.Created == 0 {
		t.Fatalf("pi = %+v", pi)
	}
	ch := pi.LatestCharge
	if ch == nil || ch.Amount != 1250 || ch.Status != "succeeded" || !ch.Paid || !ch.Captured || ch.AmountCaptured != 1250 ||
		ch.Metadata["offer"] != "BuyBlueMug" || ch.Description != "Blue Mug" || ch.Customer.ID != cus.ID ||
		ch.PaymentMethodDetails.Card.Brand != "mastercard" || ch.PaymentMethodDetails.Card.Last4 != "4444" ||
		ch.Outcome.Type != "authorized" || ch.Outcome.NetworkStatus != "approved_by_network" || len(pi.ID) != len("pi_")+24 {
		t.Fatalf("charge = %+v", ch)
	}
}

func TestAttachTimeSplit(t *testing.T) {
	_, sc := newClient(t)
	cus := must[*stripe.Customer](t)(sc.Customers.New(&stripe.CustomerParams{Email: stripe.String("a@example.com")}))
	for _, row := range declineTable {
		attach := func(id string) (*stripe.PaymentMethod, error) {
			return sc.PaymentMethods.Attach(id, &stripe.PaymentMethodAttachParams{Customer: stripe.String(cus.ID)})
		}
		pm, err := attach(row.token)
		switch row.name {
		case "velocity", "fraudulent", "fraudulent-alias", "customer-fail":
			if err != nil {
				t.Fatalf("%s: attach failed: %v", row.name, err)
			}
			if pm.Customer == nil || pm.Customer.ID != cus.ID {
				t.Fatalf("%s: attached pm = %+v", row.name, pm)
			}
			if row.name != "customer-fail" {
				continue
			}
			// Declines at charge time, with the generic decline.
			_, err := sc.PaymentIntents.New(&stripe.PaymentIntentParams{Amount: stripe.Int64(500), Currency: stripe.String("usd"),
				Customer: stripe.String(cus.ID), PaymentMethod: stripe.String(pm.ID), Confirm: stripe.Bool(true), OffSession: stripe.Bool(true)})
			checkDecline(t, sc, err, row, pm.ID)
		default:
			se := stripeErr(t, err)
			if se.HTTPStatusCode != 402 || se.Type != stripe.ErrorTypeCard || string(se.Code) != row.code ||
				string(se.DeclineCode) != row.declineCode || se.Msg != row.message || se.Param != row.param {
				t.Fatalf("%s: attach error = %+v", row.name, se)
			}
		}
	}
	list := sc.PaymentMethods.List(&stripe.PaymentMethodListParams{Customer: stripe.String(cus.ID), Type: stripe.String("card")})
	n := 0
	for list.Next() {
		n++
	}
	if list.Err() != nil || n != 4 {
		t.Fatalf("attached PMs = %d (%v), want 4", n, list.Err())
	}
}

func TestManualCapture(t *testing.T) {
	_, sc := newClient(t)
	cus, pm := customerWithCard(t, sc, "pm_card_visa")
	newAuth := func() *stripe.PaymentIntent {
		pi := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(&stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(1000),
			Currency: stripe.String("eur"), Customer: stripe.String(cus.ID), PaymentMethod: stripe.String(pm.ID),
			CaptureMethod: stripe.String("manual")}))
		if pi.Status != stripe.PaymentIntentStatusRequiresConfirmation {
			t.Fatalf("status = %s", pi.Status)
		}
		pi = must[*stripe.PaymentIntent](t)(sc.PaymentIntents.Confirm(pi.ID, &stripe.PaymentIntentConfirmParams{}))
		if pi.Status != stripe.PaymentIntentStatusRequiresCapture || pi.AmountCapturable != 1000 {
			t.Fatalf("after confirm: %s capturable %d", pi.Status, pi.AmountCapturable)
		}
		ch := must[*stripe.Charge](t)(sc.Charges.Get(pi.LatestCharge.ID, nil))
		if ch.Status != "succeeded" || !ch.Paid || ch.Captured {
			t.Fatalf("authorised charge = %+v", ch)
		}
		return pi
	}
	// Full capture.
	pi := newAuth()
	pi = must[*stripe.PaymentIntent](t)(sc.PaymentIntents.Capture(pi.ID, &stripe.PaymentIntentCaptureParams{}))
	if pi.Status != stripe.PaymentIntentStatusSucceeded || pi.AmountReceived != 1000 || pi.AmountCapturable != 0 {
		t.Fatalf("captured pi = %+v", pi)
	}
	ch := must[*stripe.Charge](t)(sc.Charges.Get(pi.LatestCharge.ID, nil))
	if !ch.Captured || ch.AmountCaptured != 1000 || ch.AmountRefunded != 0 {
		t.Fatalf("captured charge = %+v", ch)
	}
	// Capturing twice is a state error, in Stripe's words for a succeeded
	// PaymentIntent.
	_, err := sc.PaymentIntents.Capture(pi.ID, &stripe.PaymentIntentCaptureParams{})
	if se := stripeErr(t, err); se.HTTPStatusCode != 400 || se.Code != "payment_intent_unexpected_state" ||
		se.Msg != "This PaymentIntent could not be captured because it has already been captured." {
		t.Fatalf("second capture: %+v", se)
	}
	// Partial capture refunds the rest.
	pi = newAuth()
	pi = must[*stripe.PaymentIntent](t)(sc.PaymentIntents.Capture(pi.ID, &stripe.PaymentIntentCaptureParams{AmountToCapture: stripe.Int64(600)}))
	if pi.Status != stripe.PaymentIntentStatusSucceeded || pi.AmountReceived != 600 {
		t.Fatalf("partial capture pi = %+v", pi)
	}
	ch = must[*stripe.Charge](t)(sc.Charges.Get(pi.LatestCharge.ID, nil))
	if ch.AmountCaptured != 600 || ch.AmountRefunded != 400 || ch.Refunded {
		t.Fatalf("partially captured charge = %+v", ch)
	}
	// Over-capture is refused.
	pi = newAuth()
	_, err = sc.PaymentIntents.Capture(pi.ID, &stripe.PaymentIntentCaptureParams{AmountToCapture: stripe.Int64(1001)})
	if se := stripeErr(t, err); se.HTTPStatusCode != 400 || se.Param != "amount_to_capture" {
		t.Fatalf("over-capture: %+v", se)
	}
	// Cancel of requires_capture refunds the charge fully.
	pi = must[*stripe.PaymentIntent](t)(sc.PaymentIntents.Cancel(pi.ID, &stripe.PaymentIntentCancelParams{CancellationReason: stripe.String("abandoned")}))
	if pi.Status != stripe.PaymentIntentStatusCanceled || pi.CancellationReason != "abandoned" || pi.CanceledAt == 0 {
		t.Fatalf("canceled pi = %+v", pi)
	}
	ch = must[*stripe.Charge](t)(sc.Charges.Get(pi.LatestCharge.ID, nil))
	if !ch.Refunded || ch.AmountRefunded != 1000 || ch.Captured {
		t.Fatalf("canceled charge = %+v", ch)
	}
	_, err = sc.PaymentIntents.Cancel(pi.ID, &stripe.PaymentIntentCancelParams{})
	if se := stripeErr(t, err); se.Code != "payment_intent_unexpected_state" {
		t.Fatalf("second cancel: %+v", se)
	}
	_, err = sc.PaymentIntents.Capture(pi.ID, &stripe.PaymentIntentCaptureParams{})
	if se := stripeErr(t, err); se.Code != "payment_intent_unexpected_state" || se.Msg != "This PaymentIntent could not be captured "+
		"because it has a status of canceled. Only a PaymentIntent with one of the following statuses may be captured: requires_capture." {
		t.Fatalf("capture of a canceled PaymentIntent: %+v", se)
	}
	_, err = sc.PaymentIntents.Cancel(newAuth().ID, &stripe.PaymentIntentCancelParams{CancellationReason: stripe.String("bored")})
	if se := stripeErr(t, err); se.Param != "cancellation_reason" {
		t.Fatalf("bad reason: %+v", se)
	}
}

func TestRefunds(t *testing.T) {
	_, sc := newClient(t)
	cus, pm := customerWithCard(t, sc, "pm_card_visa")
	pay := func() *stripe.PaymentIntent {
		return must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(&stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(1000),
			Currency: stripe.String("usd"), Customer: stripe.String(cus.ID), PaymentMethod: stripe.String(pm.ID), Confirm: stripe.Bool(true)}))
	}
	pi := pay()
	chID := pi.LatestCharge.ID
	r := must[*stripe.Refund](t)(sc.Refunds.New(&stripe.RefundParams{Charge: stripe.String(chID), Amount: stripe.Int64(300),
		Reason: stripe.String("requested_by_customer")}))
	if r.Amount != 300 || r.Status != "succeeded" || r.Charge.ID != chID || r.PaymentIntent.ID != pi.ID || r.Reason != "requested_by_customer" {
		t.Fatalf("refund = %+v", r)
	}
	_, err := sc.Refunds.New(&stripe.RefundParams{Charge: stripe.String(chID), Amount: stripe.Int64(800)})
	se := stripeErr(t, err)
	if se.HTTPStatusCode != 400 || se.Type != stripe.ErrorTypeInvalidRequest || se.Param != "amount" ||
		se.Msg != "Refund amount ($8.00) is greater than unrefunded amount on charge ($7.00)" {
		t.Fatalf("over-refund: %+v", se)
	}
	r2 := must[*stripe.Refund](t)(sc.Refunds.New(&stripe.RefundParams{PaymentIntent: stripe.String(pi.ID)}))
	if r2.Amount != 700 {
		t.Fatalf("rest refund = %d", r2.Amount)
	}
	ch := must[*stripe.Charge](t)(sc.Charges.Get(chID, nil))
	if !ch.Refunded || ch.AmountRefunded != 1000 {
		t.Fatalf("charge after refunds = %+v", ch)
	}
	_, err = sc.Refunds.New(&stripe.RefundParams{Charge: stripe.String(chID)})
	if se := stripeErr(t, err); se.HTTPStatusCode != 400 || se.Code != "charge_already_refunded" {
		t.Fatalf("already refunded: %+v", se)
	}
	it := sc.Refunds.List(&stripe.RefundListParams{Charge: stripe.String(chID)})
	var ids []string
	for it.Next() {
		ids = append(ids, it.Refund().ID)
	}
	if len(ids) != 2 || ids[0] != r2.ID || ids[1] != r.ID {
		t.Fatalf("refund list = %v", ids)
	}
	// A failed charge cannot be refunded.
	_, err = sc.PaymentIntents.New(&stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(1000), Currency: stripe.String("usd"),
		PaymentMethod: stripe.String("pm_card_chargeDeclined"), Confirm: stripe.Bool(true)})
	failed := stripeErr(t, err).ChargeID
	_, err = sc.Refunds.New(&stripe.RefundParams{Charge: stripe.String(failed)})
	if se := stripeErr(t, err); se.HTTPStatusCode != 400 {
		t.Fatalf("refund of failed charge: %+v", se)
	}
	// Expanding refunds on the charge.
	p := &stripe.ChargeParams{}
	p.AddExpand("refunds")
	ch = must[*stripe.Charge](t)(sc.Charges.Get(chID, p))
	if ch.Refunds == nil || len(ch.Refunds.Data) != 2 {
		t.Fatalf("expanded refunds = %+v", ch.Refunds)
	}
}

func TestIdempotency(t *testing.T) {
	em, sc := newClient(t)
	cus, pm := customerWithCard(t, sc, "pm_card_visa")
	params := func(amount int64, key string) *stripe.PaymentIntentParams {
		p := &stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(amount), Currency: stripe.String("usd"), Customer: stripe.String(cus.ID),
			PaymentMethod: stripe.String(pm.ID), Confirm: stripe.Bool(true)}
		p.SetIdempotencyKey(key)
		return p
	}
	first := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(params(1000, "tweet-1")))
	if first.LastResponse.Header.Get("Idempotent-Replayed") != "" || first.LastResponse.Header.Get("Idempotency-Key") != "tweet-1" {
		t.Fatalf("first headers = %v", first.LastResponse.Header)
	}
	again := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(params(1000, "tweet-1")))
	if again.ID != first.ID || again.LastResponse.Header.Get("Idempotent-Replayed") != "true" ||
		again.LastResponse.Header.Get("Original-Request") != first.LastResponse.RequestID ||
		string(again.LastResponse.RawJSON) != string(first.LastResponse.RawJSON) {
		t.Fatalf("replay: id %s headers %v", again.ID, again.LastResponse.Header)
	}
	st := must[Stats](t)(em.Stats())
	if st.Objects["charges"] != 1 || st.Objects["payment_intents"] != 1 {
		t.Fatalf("replay charged again: %+v", st.Objects)
	}
	_, err := sc.PaymentIntents.New(params(2000, "tweet-1"))
	se := stripeErr(t, err)
	if se.HTTPStatusCode != 400 || se.Type != stripe.ErrorTypeIdempotency ||
		se.Msg != "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than 'tweet-1' if you meant to execute a different request." {
		t.Fatalf("mismatch: %+v", se)
	}
	if _, ok := se.Err.(*stripe.IdempotencyError); !ok {
		t.Fatalf("Err = %T", se.Err)
	}
	// A decline is stored and replayed too.
	dp := &stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(1000), Currency: stripe.String("usd"),
		PaymentMethod: stripe.String("pm_card_visa_chargeDeclinedInsufficientFunds"), Confirm: stripe.Bool(true)}
	dp.SetIdempotencyKey("tweet-2")
	_, err1 := sc.PaymentIntents.New(dp)
	_, err2 := sc.PaymentIntents.New(dp)
	se1, se2 := stripeErr(t, err1), stripeErr(t, err2)
	if se1.ChargeID != se2.ChargeID || se2.LastResponse.Header.Get("Idempotent-Replayed") != "true" || se2.HTTPStatusCode != 402 {
		t.Fatalf("decline replay: %+v / %+v", se1, se2)
	}
	// A validation failure is not stored: the same key works once fixed.
	bad := params(10, "tweet-3")
	_, err = sc.PaymentIntents.New(bad)
	if se := stripeErr(t, err); se.Code != "amount_too_small" {
		t.Fatalf("validation: %+v", se)
	}
	must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(params(1000, "tweet-3")))
	// A key is bound to the endpoint it was first used for.
	cp := &stripe.CustomerParams{}
	cp.SetIdempotencyKey("tweet-1")
	_, err = sc.Customers.New(cp)
	if se := stripeErr(t, err); se.HTTPStatusCode != 400 || se.Type != stripe.ErrorTypeIdempotency ||
		se.Msg != "Keys for idempotent requests can only be used for the same endpoint they were first used for ('/v1/customers' vs '/v1/payment_intents'). Try using a key other than 'tweet-1' if you meant to execute a different request." {
		t.Fatalf("other endpoint: %+v", se)
	}
	capture := &stripe.PaymentIntentCaptureParams{}
	capture.SetIdempotencyKey("tweet-1")
	_, err = sc.PaymentIntents.Capture(first.ID, capture)
	if se := stripeErr(t, err); se.Type != stripe.ErrorTypeIdempotency ||
		!strings.Contains(se.Msg, "('/v1/payment_intents/"+first.ID+"/capture' vs '/v1/payment_intents')") {
		t.Fatalf("capture with the create's key: %+v", se)
	}
	if st := must[Stats](t)(em.Stats()); st.Objects["customers"] != 1 {
		t.Fatalf("a key of another endpoint created a customer: %+v", st.Objects)
	}
	// Keys are scoped per API key.
	other := clientFor(em.Transport(), "sk_test_another5678")
	p2 := params(2000, "tweet-1")
	if _, err := other.PaymentIntents.New(p2); err != nil {
		t.Fatalf("other API key: %v", err)
	}
	// In flight: a second request with the key gets 409.
	// In flight on another endpoint counts too.
	scope := string(idemIndexKey([]byte(em.idemScope(testKey, "POST", "/v1/customers", "tweet-9"))))
	em.inflight[scope] = struct{}{}
	_, err = sc.PaymentIntents.New(params(1000, "tweet-9"))
	if se := stripeErr(t, err); se.HTTPStatusCode != 409 || se.Code != stripe.ErrorCodeIdempotencyKeyInUse {
		t.Fatalf("in flight: %+v", se)
	}
	delete(em.inflight, scope)
	must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(params(1000, "tweet-9")))
}

func TestIdempotencyExpiry(t *testing.T) {
	now := stripeNow()
	em := openTest(t, Options{Now: func() (r timeT) { return *now }})
	sc := clientFor(em.Transport(), testKey)
	p := &stripe.CustomerParams{Email: stripe.String("x@example.com")}
	p.SetIdempotencyKey("k")
	c1 := must[*stripe.Customer](t)(sc.Customers.New(p))
	*now = now.Add(25 * 3600e9)
	c2 := must[*stripe.Customer](t)(sc.Customers.New(p))
	if c1.ID == c2.ID {
		t.Fatal("a key older than 24h still replayed")
	}
}

func TestPagination(t *testing.T) {
	_, sc := newClient(t)
	cus, pm := customerWithCard(t, sc, "pm_card_visa")
	var ids []string // newest first
	for i := 0; i < 25; i++ {
		pi := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(&stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(int64(100 + i)),
			Currency: stripe.String("usd"), Customer: stripe.String(cus.ID), PaymentMethod: stripe.String(pm.ID), Confirm: stripe.Bool(true)}))
		ids = append([]string{pi.LatestCharge.ID}, ids...)
	}
	page := func(p *stripe.ChargeListParams) ([]string, bool) {
		p.Single = true
		it := sc.Charges.List(p)
		var out []string
		for it.Next() {
			out = append(out, it.Charge().ID)
		}
		if it.Err() != nil {
			t.Fatal(it.Err())
		}
		return out, it.Meta().HasMore
	}
	got, more := page(&stripe.ChargeListParams{})
	if len(got) != 10 || !more || got[0] != ids[0] || got[9] != ids[9] {
		t.Fatalf("default page = %v more=%v", got, more)
	}
	got, more = page(&stripe.ChargeListParams{ListParams: stripe.ListParams{Limit: stripe.Int64(10), StartingAfter: stripe.String(ids[19])}})
	if len(got) != 5 || more || got[0] != ids[20] {
		t.Fatalf("starting_after page = %v more=%v", got, more)
	}
	got, more = page(&stripe.ChargeListParams{ListParams: stripe.ListParams{Limit: stripe.Int64(3), EndingBefore: stripe.String(ids[10])}})
	// stripe-go reverses ending_before pages; the closest older items come first.
	if len(got) != 3 || !more || got[0] != ids[9] || got[2] != ids[7] {
		t.Fatalf("ending_before page = %v more=%v", got, more)
	}
	// Auto-pagination walks all 25, newest first, by customer index.
	it := sc.Charges.List(&stripe.ChargeListParams{Customer: stripe.String(cus.ID), ListParams: stripe.ListParams{Limit: stripe.Int64(7)}})
	var all []string
	for it.Next() {
		all = append(all, it.Charge().ID)
	}
	if strings.Join(all, ",") != strings.Join(ids, ",") {
		t.Fatalf("auto-pagination = %v", all)
	}
	// Limits out of range, in Stripe's words, on lists and on search.
	for _, c := range []struct {
		limit int64
		msg   string
	}{
		{0, "This value must be greater than or equal to 1."},
		{-5, "This value must be greater than or equal to 1."},
		{101, "This value must be less than or equal to 100."},
	} {
		it := sc.Charges.List(&stripe.ChargeListParams{ListParams: stripe.ListParams{Limit: stripe.Int64(c.limit), Single: true}})
		it.Next()
		sit := sc.Charges.Search(&stripe.ChargeSearchParams{SearchParams: stripe.SearchParams{Query: "status:'succeeded'", Limit: stripe.Int64(c.limit), Single: true}})
		sit.Next()
		for _, err := range []error{it.Err(), sit.Err()} {
			se := stripeErr(t, err)
			if se.HTTPStatusCode != 400 || se.Param != "limit" || se.Code != stripe.ErrorCodeParameterInvalidInteger || se.Msg != c.msg {
				t.Fatalf("limit %d: %+v", c.limit, se)
			}
		}
	}
	// Unknown cursor.
	it = sc.Charges.List(&stripe.ChargeListParams{ListParams: stripe.ListParams{StartingAfter: stripe.String("ch_nope")}})
	it.Next()
	if se := stripeErr(t, it.Err()); se.HTTPStatusCode != 400 || se.Param != "starting_after" {
		t.Fatalf("bad cursor: %+v", se)
	}
	// Expand on lists.
	lp := &stripe.PaymentIntentListParams{Customer: stripe.String(cus.ID)}
	lp.AddExpand("data.latest_charge")
	lp.Limit = stripe.Int64(2)
	lp.Single = true
	pit := sc.PaymentIntents.List(lp)
	for pit.Next() {
		if pit.PaymentIntent().LatestCharge == nil || pit.PaymentIntent().LatestCharge.Amount == 0 {
			t.Fatalf("data.latest_charge not expanded: %+v", pit.PaymentIntent().LatestCharge)
		}
	}
	if pit.Err() != nil {
		t.Fatal(pit.Err())
	}
}

// created[gt] and created[lt] at the ends of int64 select nothing: the
// bound one second further in wrapped round, so created[gt] of the largest
// int64 listed every charge, as did created[lt] of the smallest.
func TestCreatedFilterAtInt64Ends(t *testing.T) {
	em, sc := newClient(t)
	must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(&stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(500),
		Currency: stripe.String("usd"), PaymentMethod: stripe.String("pm_card_visa"), Confirm: stripe.Bool(true)}))
	for _, q := range []url.Values{
		{"created[gt]": {"9223372036854775807"}},
		{"created[lt]": {"-9223372036854775808"}},
		{"created[gte]": {"9223372036854775807"}},
		{"created[lte]": {"-9223372036854775808"}},
	} {
		for _, path := range []string{"/v1/charges", "/v1/payment_intents", "/v1/refunds"} {
			if got, more := pageIDs(t, em, path, q); len(got) != 0 || more {
				t.Errorf("%s %v = %v (has_more %v), want nothing", path, q, got, more)
			}
		}
	}
	if got, _ := pageIDs(t, em, "/v1/charges", url.Values{"created[lt]": {"9223372036854775807"}, "created[gt]": {"-9223372036854775808"}}); len(got) != 1 {
		t.Errorf("the whole range = %v, want the charge", got)
	}
}

func TestCreatedFilterAndClockHeader(t *testing.T) {
	em, _ := newClient(t)
	cus := map[string]any{}
	_, cus = raw(t, em, "POST", "/v1/customers", url.Values{"email": {"c@example.com"}}, nil)
	cusID := cus["id"].(string)
	for i, ts := range []string{"2026-11-24T10:00:00Z", "2026-11-24T09:00:00Z", "2026-11-24T11:00:00Z"} {
		resp, pi := raw(t, em, "POST", "/v1/payment_intents", url.Values{"amount": {fmt.Sprint(1000 + i)}, "currency": {"usd"},
			"customer": {cusID}, "payment_method": {"pm_card_visa"}, "payment_method_types[0]": {"card"}, "confirm": {"true"}},
			map[string]string{NowHeader: ts})
		if resp.StatusCode != 200 {
			t.Fatalf("create: %v", pi)
		}
	}
	// Newest first by created, not by insertion.
	_, l := raw(t, em, "GET", "/v1/charges", url.Values{"customer": {cusID}}, nil)
	var amounts []float64
	for _, d := range l["data"].([]any) {
		amounts = append(amounts, d.(map[string]any)["amount"].(float64))
	}
	if fmt.Sprint(amounts) != "[1002 1000 1001]" {
		t.Fatalf("order = %v", amounts)
	}
	gte := fmt.Sprint(mustTime(t, "2026-11-24T09:30:00Z"))
	lt := fmt.Sprint(mustTime(t, "2026-11-24T11:00:00Z"))
	_, l = raw(t, em, "GET", "/v1/charges", url.Values{"created[gte]": {gte}, "created[lt]": {lt}}, nil)
	if d := l["data"].([]any); len(d) != 1 || d[0].(map[string]any)["amount"].(float64) != 1000 {
		t.Fatalf("created filter = %v", l["data"])
	}
	// created may also be one timestamp: the objects created in that second.
	exact := fmt.Sprint(mustTime(t, "2026-11-24T11:00:00Z"))
	resp, l := raw(t, em, "GET", "/v1/charges", url.Values{"created": {exact}}, nil)
	if d, _ := l["data"].([]any); resp.StatusCode != 200 || len(d) != 1 || d[0].(map[string]any)["amount"].(float64) != 1002 {
		t.Fatalf("created=%s: %d %v", exact, resp.StatusCode, l)
	}
	resp, l = raw(t, em, "GET", "/v1/customers", url.Values{"created": {"soon"}}, nil)
	if resp.StatusCode != 400 || errField(l, "code") != "parameter_invalid_integer" || errField(l, "param") != "created" {
		t.Fatalf("created=soon: %d %v", resp.StatusCode, l)
	}
}

// TestEndingBeforeOlderThanCreatedRange: a list with a created range and
// an ending_before cursor older than the range answers the objects of the
// range newer than the cursor (the oldest first page of them), not an empty
// page because objects outside the range lie between the two.
func TestEndingBeforeOlderThanCreatedRange(t *testing.T) {
	em, _ := newClient(t)
	var ids []string
	for _, ts := range []string{"2026-11-21T10:00:00Z", "2026-11-22T10:00:00Z", "2026-11-23T10:00:00Z", "2026-11-24T10:00:00Z", "2026-11-25T10:00:00Z"} {
		resp, pi := raw(t, em, "POST", "/v1/payment_intents", url.Values{"amount": {"1000"}, "currency": {"usd"},
			"payment_method": {"pm_card_visa"}, "payment_method_types[0]": {"card"}, "confirm": {"true"}}, map[string]string{NowHeader: ts})
		if resp.StatusCode != 200 {
			t.Fatalf("create: %v", pi)
		}
		ids = append(ids, pi["latest_charge"].(string))
	}
	list := func(q url.Values) ([]string, bool) {
		t.Helper()
		return pageIDs(t, em, "/v1/charges", q)
	}
	gte := fmt.Sprint(mustTime(t, "2026-11-23T00:00:00Z"))
	got, more := list(url.Values{"created[gte]": {gte}, "ending_before": {ids[0]}, "limit": {"2"}})
	if fmt.Sprint(got) != fmt.Sprint([]string{ids[3], ids[2]}) || !more {
		t.Fatalf("ending_before the oldest, created >= 11-23, limit 2: %v has_more %v, want %v true", got, more, []string{ids[3], ids[2]})
	}
	got, more = list(url.Values{"created[gte]": {gte}, "ending_before": {ids[1]}})
	if fmt.Sprint(got) != fmt.Sprint([]string{ids[4], ids[3], ids[2]}) || more {
		t.Fatalf("ending_before the second, created >= 11-23: %v has_more %v", got, more)
	}
	// A cursor inside the range is unchanged.
	got, more = list(url.Values{"created[gte]": {gte}, "ending_before": {ids[2]}})
	if fmt.Sprint(got) != fmt.Sprint([]string{ids[4], ids[3]}) || more {
		t.Fatalf("ending_before inside the range: %v has_more %v", got, more)
	}
}

func TestCurrencies(t *testing.T) {
	_, sc := newClient(t)
	try := func(amount int64, cur string) *stripe.Error {
		_, err := sc.PaymentIntents.New(&stripe.PaymentIntentParams{Amount: stripe.Int64(amount), Currency: stripe.String(cur)})
		if err == nil {
			return nil
		}
		return stripeErr(t, err)
	}
	cases := []struct {
		amount         int64
		cur            string
		code, param, m string
	}{
		{49, "usd", "amount_too_small", "amount", "Amount must be at least $0.50 usd"},
		{50, "usd", "", "", ""},
		{29, "gbp", "amount_too_small", "amount", "Amount must be at least £0.30 gbp"},
		{49, "jpy", "amount_too_small", "amount", "Amount must be at least ¥50 jpy"},
		{50, "jpy", "", "", ""},
		{199, "aed", "amount_too_small", "amount", "Amount must be at least AED 2.00 aed"},
		{1005, "kwd", "invalid_amount", "amount", ""},
		{1000, "kwd", "", "", ""},
		{1000, "xyz", "", "currency", ""},
		{1000, "EUR", "", "", ""},
	}
	for _, c := range cases {
		se := try(c.amount, c.cur)
		if c.param == "" {
			if se != nil {
				t.Errorf("%d %s: %v", c.amount, c.cur, se)
			}
			continue
		}
		if se == nil || se.HTTPStatusCode != 400 || se.Type != stripe.ErrorTypeInvalidRequest || string(se.Code) != c.code ||
			se.Param != c.param || (c.m != "" && se.Msg != c.m) {
			t.Errorf("%d %s: %+v", c.amount, c.cur, se)
		}
	}
}

func TestValidationAndAuth(t *testing.T) {
	em, sc := newClient(t)
	resp, m := raw(t, em, "POST", "/v1/payment_intents", url.Values{"currency": {"usd"}}, nil)
	if resp.StatusCode != 400 || errField(m, "code") != "parameter_missing" || errField(m, "param") != "amount" {
		t.Fatalf("missing: %v", m)
	}
	resp, m = raw(t, em, "POST", "/v1/customers", url.Values{"emial": {"x"}}, nil)
	if resp.StatusCode != 400 || errField(m, "code") != "parameter_unknown" || errField(m, "message") != "Received unknown parameter: emial" {
		t.Fatalf("unknown: %v", m)
	}
	resp, m = raw(t, em, "POST", "/v1/payment_methods", url.Values{"type": {"card"}, "card[numbr]": {"4242"}}, nil)
	if errField(m, "message") != "Received unknown parameter: card[numbr]" {
		t.Fatalf("unknown nested: %v", m)
	}
	resp, m = raw(t, em, "GET", "/v1/payment_intents/pi_missing", nil, nil)
	if resp.StatusCode != 404 || errField(m, "code") != "resource_missing" || errField(m, "message") != "No such payment_intent: 'pi_missing'" {
		t.Fatalf("404: %v", m)
	}
	if !strings.HasPrefix(resp.Header.Get("Request-Id"), "req_") {
		t.Fatalf("no Request-Id")
	}
	_, err := sc.Customers.Get("cus_nope", nil)
	if se := stripeErr(t, err); se.HTTPStatusCode != 404 || se.Code != stripe.ErrorCodeResourceMissing {
		t.Fatalf("stripe-go 404: %+v", se)
	}
	for _, c := range []struct{ key, want string }{
		{"sk_test_wrongkeyabcd", ""},
		{"", "You did not provide an API key"},
		{"sk_live_0123456789abcdef", "test mode only"},
		{"rk_live_0123456789abcdef", "test mode only"},
		{"garbage_key_12345678abcd", "Invalid API Key provided: ****abcd"},
	} {
		if c.key == "sk_test_wrongkeyabcd" {
			continue // any sk_test_ key is accepted
		}
		hdr := map[string]string{"Authorization": "Bearer " + c.key}
		if c.key == "" {
			hdr["Authorization"] = ""
		}
		resp, m := raw(t, em, "GET", "/v1/customers", nil, hdr)
		msg, _ := errField(m, "message").(string)
		if resp.StatusCode != 401 || errField(m, "type") != "invalid_request_error" || !strings.Contains(msg, c.want) {
			t.Fatalf("key %q: %d %v", c.key, resp.StatusCode, m)
		}
		if c.key != "" && strings.Contains(msg, c.key) {
			t.Fatalf("key echoed in full: %s", msg)
		}
	}
	// Basic auth with the key as user works.
	req, _ := http.NewRequest("GET", "http://emulator/v1/customers", nil)
	req.SetBasicAuth(testKey, "")
	if r, err := em.Transport().RoundTrip(req); err != nil || r.StatusCode != 200 {
		t.Fatalf("basic auth: %v %v", r, err)
	}
	_, err = clientFor(em.Transport(), "sk_live_0123456789abcd").Customers.New(&stripe.CustomerParams{})
	if se := stripeErr(t, err); se.HTTPStatusCode != 401 {
		t.Fatalf("live key via stripe-go: %+v", se)
	}
}

// TestConfirmWithoutPaymentMethod: creating a PaymentIntent with
// confirm=true and no payment method is refused; only a PaymentIntent for a
// customer is told to use that customer's payment method, named.
func TestConfirmWithoutPaymentMethod(t *testing.T) {
	em, sc := newClient(t)
	resp, m := raw(t, em, "POST", "/v1/payment_intents", url.Values{"amount": {"1000"}, "currency": {"usd"}, "confirm": {"true"}}, nil)
	want := "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method."
	if resp.StatusCode != 400 || errField(m, "code") != "payment_intent_unexpected_state" || errField(m, "message") != want {
		t.Fatalf("no customer: %d %v", resp.StatusCode, m)
	}
	cus := must[*stripe.Customer](t)(sc.Customers.New(&stripe.CustomerParams{}))
	resp, m = raw(t, em, "POST", "/v1/payment_intents", url.Values{"amount": {"1000"}, "currency": {"usd"}, "confirm": {"true"},
		"customer": {cus.ID}}, nil)
	want = "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with " + cus.ID +
		", specify a payment method attached to this customer along with the customer ID."
	if resp.StatusCode != 400 || errField(m, "code") != "payment_intent_unexpected_state" || errField(m, "message") != want {
		t.Fatalf("with a customer: %d %v", resp.StatusCode, m)
	}
}

func TestMetadataSetUnset(t *testing.T) {
	_, sc := newClient(t)
	p := &stripe.CustomerParams{}
	p.AddMetadata("a", "1")
	p.AddMetadata("b", "2")
	c := must[*stripe.Customer](t)(sc.Customers.New(p))
	u := &stripe.CustomerParams{}
	u.AddMetadata("a", "")
	u.AddMetadata("c", "3")
	c = must[*stripe.Customer](t)(sc.Customers.Update(c.ID, u))
	if len(c.Metadata) != 2 || c.Metadata["b"] != "2" || c.Metadata["c"] != "3" {
		t.Fatalf("metadata = %v", c.Metadata)
	}
	c = must[*stripe.Customer](t)(sc.Customers.Get(c.ID, nil))
	if _, ok := c.Metadata["a"]; ok {
		t.Fatalf("unset key kept: %v", c.Metadata)
	}
}

// TestMetadataLimitsInCharacters: Stripe's metadata limits (keys up to 40
// characters, values up to 500) count characters, not bytes, and the value
// quoted in the error is cut between characters.
func TestMetadataLimitsInCharacters(t *testing.T) {
	em, _ := newClient(t)
	key, value := strings.Repeat("ü", 40), strings.Repeat("é", 500)
	resp, m := raw(t, em, "POST", "/v1/customers", url.Values{"metadata[" + key + "]": {value}}, nil)
	if md, _ := m["metadata"].(map[string]any); resp.StatusCode != 200 || md[key] != value {
		t.Fatalf("40-character key, 500-character value: %d %v", resp.StatusCode, errField(m, "message"))
	}
	resp, m = raw(t, em, "POST", "/v1/customers", url.Values{"metadata[k]": {value + "é"}}, nil)
	want := "Metadata values can have up to 500 characters, but you passed in a value that is 501 characters. Invalid value: " +
		strings.Repeat("é", 40) + "..."
	if resp.StatusCode != 400 || errField(m, "message") != want || errField(m, "param") != "metadata[k]" {
		t.Fatalf("501-character value: %d %v", resp.StatusCode, m)
	}
	resp, m = raw(t, em, "POST", "/v1/customers", url.Values{"metadata[" + key + "ü]": {"v"}}, nil)
	if msg, _ := errField(m, "message").(string); resp.StatusCode != 400 || !strings.HasSuffix(msg, " has 41 characters.") {
		t.Fatalf("41-character key: %d %v", resp.StatusCode, m)
	}
}

func TestCatalog(t *testing.T) {
	_, sc := newClient(t)
	prod := must[*stripe.Product](t)(sc.Products.New(&stripe.ProductParams{ID: stripe.String("prod_BuyBlueMug"), Name: stripe.String("Blue Mug")}))
	if prod.ID != "prod_BuyBlueMug" || !prod.Active {
		t.Fatalf("product = %+v", prod)
	}
	_, err := sc.Products.New(&stripe.ProductParams{ID: stripe.String("prod_BuyBlueMug"), Name: stripe.String("again")})
	if se := stripeErr(t, err); se.HTTPStatusCode != 400 {
		t.Fatalf("duplicate product: %+v", se)
	}
	p1 := must[*stripe.Price](t)(sc.Prices.New(&stripe.PriceParams{Product: stripe.String(prod.ID), UnitAmount: stripe.Int64(1250),
		Currency: stripe.String("usd"), LookupKey: stripe.String("bluemug")}))
	_, err = sc.Prices.New(&stripe.PriceParams{Product: stripe.String(prod.ID), UnitAmount: stripe.Int64(1300),
		Currency: stripe.String("usd"), LookupKey: stripe.String("bluemug")})
	if se := stripeErr(t, err); se.HTTPStatusCode != 400 || se.Param != "lookup_key" {
		t.Fatalf("lookup key taken: %+v", se)
	}
	p2 := must[*stripe.Price](t)(sc.Prices.New(&stripe.PriceParams{Product: stripe.String(prod.ID), UnitAmount: stripe.Int64(1300),
		Currency: stripe.String("usd"), LookupKey: stripe.String("bluemug"), TransferLookupKey: stripe.Bool(true)}))
	it := sc.Prices.List(&stripe.PriceListParams{LookupKeys: []*string{stripe.String("bluemug")}})
	var got []string
	for it.Next() {
		got = append(got, it.Price().ID)
	}
	if len(got) != 1 || got[0] != p2.ID {
		t.Fatalf("lookup_keys list = %v (err %v)", got, it.Err())
	}
	old := must[*stripe.Price](t)(sc.Prices.Get(p1.ID, nil))
	if old.LookupKey != "" {
		t.Fatalf("old price kept the key: %q", old.LookupKey)
	}
	must[*stripe.Price](t)(sc.Prices.Update(p1.ID, &stripe.PriceParams{Active: stripe.Bool(false)}))
	it = sc.Prices.List(&stripe.PriceListParams{Product: stripe.String(prod.ID), Active: stripe.Bool(true)})
	got = nil
	for it.Next() {
		got = append(got, it.Price().ID)
	}
	if len(got) != 1 || got[0] != p2.ID {
		t.Fatalf("active prices = %v", got)
	}
	prod = must[*stripe.Product](t)(sc.Products.Update(prod.ID, &stripe.ProductParams{Active: stripe.Bool(false)}))
	if prod.Active {
		t.Fatal("product still active")
	}
	pp := &stripe.PriceParams{}
	pp.AddExpand("product")
	got2 := must[*stripe.Price](t)(sc.Prices.Get(p2.ID, pp))
	if got2.Product == nil || got2.Product.Name != "Blue Mug" {
		t.Fatalf("expanded product = %+v", got2.Product)
	}
	// Customers by email, default payment method.
	cus, pm := customerWithCard(t, sc, "pm_card_visa")
	cus = must[*stripe.Customer](t)(sc.Customers.Update(cus.ID, &stripe.CustomerParams{InvoiceSettings: &stripe.CustomerInvoiceSettingsParams{
		DefaultPaymentMethod: stripe.String(pm.ID)}}))
	if cus.InvoiceSettings.DefaultPaymentMethod.ID != pm.ID {
		t.Fatalf("default pm = %+v", cus.InvoiceSettings)
	}
	cit := sc.Customers.List(&stripe.CustomerListParams{Email: stripe.String("buyer@example.com")})
	n := 0
	for cit.Next() {
		n++
	}
	if n != 1 {
		t.Fatalf("customers by email = %d", n)
	}
	must[*stripe.PaymentMethod](t)(sc.PaymentMethods.Detach(pm.ID, &stripe.PaymentMethodDetachParams{}))
	cus = must[*stripe.Customer](t)(sc.Customers.Get(cus.ID, nil))
	if cus.InvoiceSettings.DefaultPaymentMethod != nil {
		t.Fatalf("detached pm still default")
	}
}

// TestPricesByLookupKeysPaginate: a price list by lookup_keys pages as
// every list does: starting_after and ending_before move through the
// prices, the created range applies, and a cursor that names no price is
// refused. Before, both cursors were ignored, so a client walking the pages
// got the first one again and again.
func TestPricesByLookupKeysPaginate(t *testing.T) {
	em, sc := newClient(t)
	prod := must[*stripe.Product](t)(sc.Products.New(&stripe.ProductParams{Name: stripe.String("Blue Mug")}))
	keys := []string{"k1", "k2", "k3"}
	var ids []string // oldest first
	for i, k := range keys {
		resp, p := raw(t, em, "POST", "/v1/prices", url.Values{"product": {prod.ID}, "unit_amount": {"1250"}, "currency": {"usd"},
			"lookup_key": {k}}, map[string]string{NowHeader: fmt.Sprintf("2026-11-2%dT10:00:00Z", i+1)})
		if resp.StatusCode != 200 {
			t.Fatalf("price: %v", p)
		}
		ids = append(ids, p["id"].(string))
	}
	it := sc.Prices.List(&stripe.PriceListParams{LookupKeys: stripe.StringSlice(keys), ListParams: stripe.ListParams{Limit: stripe.Int64(1)}})
	var got []string
	for it.Next() && len(got) < 10 {
		got = append(got, it.Price().ID)
	}
	if want := []string{ids[2], ids[1], ids[0]}; fmt.Sprint(got) != fmt.Sprint(want) || it.Err() != nil {
		t.Fatalf("pages of 1 = %v (err %v), want %v", got, it.Err(), want)
	}
	list := func(q url.Values) ([]string, bool) {
		t.Helper()
		q["lookup_keys[]"] = keys
		return pageIDs(t, em, "/v1/prices", q)
	}
	if got, more := list(url.Values{"ending_before": {ids[0]}, "limit": {"1"}}); fmt.Sprint(got) != fmt.Sprint([]string{ids[1]}) || !more {
		t.Fatalf("ending_before the oldest, limit 1: %v has_more %v", got, more)
	}
	if got, more := list(url.Values{"starting_after": {ids[2]}}); fmt.Sprint(got) != fmt.Sprint([]string{ids[1], ids[0]}) || more {
		t.Fatalf("starting_after the newest: %v has_more %v", got, more)
	}
	gte := fmt.Sprint(mustTime(t, "2026-11-22T00:00:00Z"))
	if got, more := list(url.Values{"created[gte]": {gte}}); fmt.Sprint(got) != fmt.Sprint([]string{ids[2], ids[1]}) || more {
		t.Fatalf("created >= 11-22: %v has_more %v", got, more)
	}
	resp, m := raw(t, em, "GET", "/v1/prices", url.Values{"lookup_keys[]": keys, "starting_after": {"price_missing"}}, nil)
	if resp.StatusCode != 400 || errField(m, "code") != "resource_missing" || errField(m, "param") != "starting_after" {
		t.Fatalf("unknown cursor: %d %v", resp.StatusCode, m)
	}
}

func TestSearchCharges(t *testing.T) {
	_, sc := newClient(t)
	for i := 0; i < 5; i++ {
		p := &stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(500), Currency: stripe.String("usd"),
			PaymentMethod: stripe.String("pm_card_visa"), Confirm: stripe.Bool(true)}
		p.AddMetadata("hashtag", map[bool]string{true: "tweetacoffee", false: "BuyBlueMug"}[i%2 == 0])
		p.AddMetadata("buyer", fmt.Sprintf("@b%d", i))
		must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(p))
	}
	search := func(q string, limit int64) ([]*stripe.Charge, error) {
		it := sc.Charges.Search(&stripe.ChargeSearchParams{SearchParams: stripe.SearchParams{Query: q, Limit: stripe.Int64(limit)}})
		var out []*stripe.Charge
		for it.Next() {
			out = append(out, it.Charge())
		}
		return out, it.Err()
	}
	got, err := search("metadata['hashtag']:'tweetacoffee'", 2)
	if err != nil || len(got) != 3 {
		t.Fatalf("search = %d %v", len(got), err)
	}
	got, err = search("metadata['hashtag']:'tweetacoffee' AND metadata['buyer']:'@b2'", 10)
	if err != nil || len(got) != 1 || got[0].Metadata["buyer"] != "@b2" {
		t.Fatalf("AND search = %v %v", got, err)
	}
	got, err = search("status:'succeeded' AND amount>=500", 10)
	if err != nil || len(got) != 5 {
		t.Fatalf("status search = %d %v", len(got), err)
	}
	_, err = search("bogus", 10)
	if se := stripeErr(t, err); se.HTTPStatusCode != 400 || se.Param != "query" {
		t.Fatalf("bad query: %+v", se)
	}
}

// TestSearchChargesBadPage: a page token that is not one the search gave is
// refused as such, whether it does not decode or names no charge (here a
// PaymentIntent's ID, and a charge that does not exist); the error names
// "page", the parameter sent, not starting_after.
func TestSearchChargesBadPage(t *testing.T) {
	em, sc := newClient(t)
	pi := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(&stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(500),
		Currency: stripe.String("usd"), PaymentMethod: stripe.String("pm_card_visa"), Confirm: stripe.Bool(true)}))
	for _, page := range []string{"not a token!", base64.RawURLEncoding.EncodeToString([]byte(pi.ID)),
		base64.RawURLEncoding.EncodeToString([]byte("ch_missing"))} {
		resp, m := raw(t, em, "GET", "/v1/charges/search", url.Values{"query": {"status:'succeeded'"}, "page": {page}}, nil)
		if resp.StatusCode != 400 || errField(m, "type") != "invalid_request_error" || errField(m, "param") != "page" ||
			errField(m, "message") != "Invalid page token: "+page {
			t.Errorf("page %q: %d %v", page, resp.StatusCode, m)
		}
	}
	// The token a search gives still reads the next page.
	resp, m := raw(t, em, "GET", "/v1/charges/search", url.Values{"query": {"status:'succeeded'"}, "page": {
		base64.RawURLEncoding.EncodeToString([]byte(pi.LatestCharge.ID))}}, nil)
	if data, _ := m["data"].([]any); resp.StatusCode != 200 || len(data) != 0 {
		t.Fatalf("a charge's token: %d %v", resp.StatusCode, m)
	}
}

func TestThreeDSecure(t *testing.T) {
	_, sc := newClient(t)
	pi := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(&stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(500), Currency: stripe.String("usd"),
		PaymentMethod: stripe.String("pm_card_authenticationRequired"), Confirm: stripe.Bool(true)}))
	if pi.Status != stripe.PaymentIntentStatusRequiresAction || pi.NextAction == nil || pi.NextAction.Type != "use_stripe_sdk" || pi.LatestCharge != nil {
		t.Fatalf("3DS on-session = %+v", pi)
	}
	// With a return_url the buyer is sent to a page that returns there, on
	// create and on confirm alike, and the stored PaymentIntent says so.
	redirected := func(pi *stripe.PaymentIntent, how string) {
		t.Helper()
		na := pi.NextAction
		if pi.Status != stripe.PaymentIntentStatusRequiresAction || na == nil || na.Type != "redirect_to_url" || na.RedirectToURL == nil ||
			na.RedirectToURL.ReturnURL != "https://shop.example/back" || !strings.HasPrefix(na.RedirectToURL.URL, "https://") {
			t.Errorf("3DS with a return_url, %s: %+v, next action %+v", how, pi, na)
		}
	}
	pi = must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(&stripe.PaymentIntentParams{Amount: stripe.Int64(500), Currency: stripe.String("usd"),
		PaymentMethod: stripe.String("pm_card_authenticationRequired"), Confirm: stripe.Bool(true), ReturnURL: stripe.String("https://shop.example/back")}))
	redirected(pi, "create")
	redirected(must[*stripe.PaymentIntent](t)(sc.PaymentIntents.Get(pi.ID, nil)), "retrieved")
	pi = must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(&stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(500),
		Currency: stripe.String("usd"), PaymentMethod: stripe.String("pm_card_authenticationRequired")}))
	redirected(must[*stripe.PaymentIntent](t)(sc.PaymentIntents.Confirm(pi.ID, &stripe.PaymentIntentConfirmParams{
		ReturnURL: stripe.String("https://shop.example/back")})), "confirm")
	cus, pm := customerWithCard(t, sc, "pm_card_authenticationRequiredOnSetup")
	_, err := sc.PaymentIntents.New(&stripe.PaymentIntentParams{Amount: stripe.Int64(500), Currency: stripe.String("usd"),
		Customer: stripe.String(cus.ID), PaymentMethod: stripe.String(pm.ID), Confirm: stripe.Bool(true), OffSession: stripe.Bool(true)})
	se := stripeErr(t, err)
	if se.HTTPStatusCode != 402 || se.Code != stripe.ErrorCodeAuthenticationRequired || se.DeclineCode != stripe.DeclineCodeAuthenticationRequired {
		t.Fatalf("3DS off-session = %+v", se)
	}
	// Luhn failure at PaymentMethod creation.
	_, err = sc.PaymentMethods.New(&stripe.PaymentMethodParams{Type: stripe.String("card"), Card: &stripe.PaymentMethodCardParams{
		Number: stripe.String("4242424242424241"), ExpMonth: stripe.Int64(1), ExpYear: stripe.Int64(2040)}})
	if se := stripeErr(t, err); se.Code != stripe.ErrorCodeIncorrectNumber || se.Param != "number" || se.Type != stripe.ErrorTypeCard {
		t.Fatalf("incorrect number = %+v", se)
	}
}

// Refusals of POST /v1/refunds as Stripe words them: over-refunds carry no
// code and name the charge's amount until part of it has been refunded; an
// uncaptured charge is refunded whole or not at all.
func TestRefundRefusals(t *testing.T) {
	_, sc := newClient(t)
	cus, pm := customerWithCard(t, sc, "pm_card_visa")
	pay := func(cur, capture string) *stripe.PaymentIntent {
		return must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(&stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(1000),
			Currency: stripe.String(cur), Customer: stripe.String(cus.ID), PaymentMethod: stripe.String(pm.ID),
			Confirm: stripe.Bool(true), CaptureMethod: stripe.String(capture)}))
	}
	refund := func(ch string, amount int64) *stripe.Error {
		_, err := sc.Refunds.New(&stripe.RefundParams{Charge: stripe.String(ch), Amount: stripe.Int64(amount)})
		if err == nil {
			return nil
		}
		return stripeErr(t, err)
	}
	usd := pay("usd", "automatic").LatestCharge.ID
	eur := pay("eur", "automatic").LatestCharge.ID
	held := pay("usd", "manual").LatestCharge.ID
	for _, c := range []struct {
		name, charge string
		amount       int64
		code, msg    string
	}{
		{"over, nothing refunded", usd, 1500, "", "Refund amount ($15.00) is greater than charge amount ($10.00)"},
		{"over, in euros", eur, 1001, "", "Refund amount (€10.01) is greater than charge amount (€10.00)"},
		{"part", usd, 300, "", ""},
		{"over, after a part", usd, 800, "", "Refund amount ($8.00) is greater than unrefunded amount on charge ($7.00)"},
		{"zero", usd, 0, "parameter_invalid_integer", "Invalid positive integer"},
		{"part of an uncaptured charge", held, 400, "",
			"You cannot partially refund an uncaptured charge. Instead, capture the charge for an amount less than the original amount"},
		{"all of an uncaptured charge", held, 1000, "", ""},
	} {
		se := refund(c.charge, c.amount)
		if c.msg == "" {
			if se != nil {
				t.Errorf("%s: %+v", c.name, se)
			}
			continue
		}
		if se == nil || se.HTTPStatusCode != 400 || se.Type != stripe.ErrorTypeInvalidRequest || string(se.Code) != c.code ||
			se.Param != "amount" || se.Msg != c.msg {
			t.Errorf("%s: %+v", c.name, se)
		}
	}
	if ch := must[*stripe.Charge](t)(sc.Charges.Get(held, nil)); !ch.Refunded || ch.AmountRefunded != 1000 {
		t.Errorf("uncaptured charge after its refund: %+v", ch)
	}
}

// Refunding the charge of a PaymentIntent still awaiting capture releases
// the authorisation, by charge or by payment_intent alike: the refund is the
// whole amount and succeeds without moving money (no balance transaction),
// the charge is refunded in full and stays uncaptured, and the PaymentIntent
// is canceled with nothing left to capture, as a cancel would leave it
// (API reference, Cancel a PaymentIntent: "the remaining amount_capturable
// is automatically refunded"). Part of it is refused (TestRefundRefusals).
func TestRefundUncapturedReleasesAuthorisation(t *testing.T) {
	_, sc := newClient(t)
	cus, pm := customerWithCard(t, sc, "pm_card_visa")
	for _, by := range []string{"charge", "payment_intent"} {
		pi := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(&stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(1000),
			Currency: stripe.String("usd"), Customer: stripe.String(cus.ID), PaymentMethod: stripe.String(pm.ID),
			Confirm: stripe.Bool(true), CaptureMethod: stripe.String("manual")}))
		p := &stripe.RefundParams{}
		if by == "charge" {
			p.Charge = stripe.String(pi.LatestCharge.ID)
		} else {
			p.PaymentIntent = stripe.String(pi.ID)
		}
		r := must[*stripe.Refund](t)(sc.Refunds.New(p))
		if r.Amount != 1000 || r.Status != stripe.RefundStatusSucceeded || r.BalanceTransaction != nil ||
			r.Charge.ID != pi.LatestCharge.ID || r.PaymentIntent.ID != pi.ID {
			t.Errorf("by %s: refund %+v", by, r)
		}
		ch := must[*stripe.Charge](t)(sc.Charges.Get(pi.LatestCharge.ID, nil))
		if !ch.Refunded || ch.AmountRefunded != 1000 || ch.Captured || ch.AmountCaptured != 0 {
			t.Errorf("by %s: charge refunded %v amount_refunded %d captured %v amount_captured %d",
				by, ch.Refunded, ch.AmountRefunded, ch.Captured, ch.AmountCaptured)
		}
		got := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.Get(pi.ID, nil))
		if got.Status != stripe.PaymentIntentStatusCanceled || got.AmountCapturable != 0 || got.AmountReceived != 0 || got.CanceledAt == 0 {
			t.Errorf("by %s: payment intent %s capturable %d received %d canceled_at %d",
				by, got.Status, got.AmountCapturable, got.AmountReceived, got.CanceledAt)
		}
		if _, err := sc.PaymentIntents.Capture(pi.ID, &stripe.PaymentIntentCaptureParams{}); err == nil {
			t.Errorf("by %s: a released authorisation was captured", by)
		}
	}
}

// Every error but a 401 carries request_log_url, the Dashboard's page of the
// request named by the answer's own Request-Id (declines included).
func TestErrorsLinkTheirRequestLog(t *testing.T) {
	em, sc := newClient(t)
	cus := must[*stripe.Customer](t)(sc.Customers.New(&stripe.CustomerParams{}))
	for _, c := range []struct {
		name, method, path string
		form               url.Values
		hdr                map[string]string
		status             int
	}{
		{"unknown parameter", "POST", "/v1/customers", url.Values{"emial": {"x"}}, nil, 400},
		{"missing", "GET", "/v1/charges/ch_nope", nil, nil, 404},
		{"unknown URL", "GET", "/v1/nope", nil, nil, 404},
		{"amount too small", "POST", "/v1/payment_intents", url.Values{"amount": {"10"}, "currency": {"usd"}}, nil, 400},
		{"decline", "POST", "/v1/payment_intents", url.Values{"amount": {"1000"}, "currency": {"usd"},
			"payment_method": {"pm_card_chargeDeclined"}, "payment_method_types[0]": {"card"}, "confirm": {"true"}}, nil, 402},
		{"decline when attached", "POST", "/v1/payment_methods/pm_card_chargeDeclined/attach",
			url.Values{"customer": {cus.ID}}, map[string]string{"Idempotency-Key": "attach-1"}, 402},
		{"no key", "GET", "/v1/customers", nil, map[string]string{"Authorization": ""}, 401},
	} {
		resp, m := raw(t, em, c.method, c.path, c.form, c.hdr)
		got, _ := errField(m, "request_log_url").(string)
		want := "https://dashboard.stripe.com/test/logs/" + resp.Header.Get("Request-Id") + "?t="
		if resp.StatusCode != c.status || !strings.HasPrefix(resp.Header.Get("Request-Id"), "req_") {
			t.Errorf("%s: %d %v", c.name, resp.StatusCode, m)
		} else if c.status == 401 && got != "" {
			t.Errorf("%s: request_log_url %q on an authentication error", c.name, got)
		} else if c.status != 401 && (!strings.HasPrefix(got, want) || len(got) == len(want)) {
			t.Errorf("%s: request_log_url %q, want %s<time>", c.name, got, want)
		}
	}
}

// An array given with explicit indexes must number them 0, 1, 2...: Stripe
// refuses gaps with a 400 naming the parameter (its API reference's example
// of a 400 answer).
func TestFormIndexesSequential(t *testing.T) {
	em, _ := newClient(t)
	for _, c := range []struct {
		query, param, keys, want string
	}{
		{"expand[1]=customer", "expand", "1", "0"},
		{"expand[0]=customer&expand[2]=payment_method", "expand", "0, 2", "1"},
	} {
		req, _ := http.NewRequest("GET", "http://emulator/v1/payment_intents?"+c.query, nil)
		req.Header.Set("Authorization", "Bearer "+testKey)
		resp, m := send(t, em, req)
		want := "If passing an array with explicit keys (e.g. foo[0]=a&foo[1]=b) instead of as an array (e.g. foo[]=a&foo[]=b), " +
			"the keys must be numeric and sequential starting from 0. You passed the keys `" + c.keys + "`, we expected to have a key with the value `" + c.want + "`."
		if resp.StatusCode != 400 || errField(m, "type") != "invalid_request_error" || errField(m, "param") != c.param ||
			errField(m, "message") != want || errField(m, "code") != nil {
			t.Errorf("%s: %d %v", c.query, resp.StatusCode, m)
		}
	}
	resp, m := raw(t, em, "POST", "/v1/customers", url.Values{"preferred_locales[0]": {"en"}, "preferred_locales[1]": {"fr"}}, nil)
	if resp.StatusCode != 200 || fmt.Sprint(m["preferred_locales"]) != "[en fr]" {
		t.Errorf("sequential indexes: %d %v", resp.StatusCode, m)
	}
}

// A list expands its items' fields as "data.x"; "x" alone is refused with
// Stripe's hint, on every list and on search, whatever the page holds.
func TestListExpandNeedsDataPrefix(t *testing.T) {
	em, sc := newClient(t)
	cus, pm := customerWithCard(t, sc, "pm_card_visa")
	must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(&stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(1000), Currency: stripe.String("usd"),
		Customer: stripe.String(cus.ID), PaymentMethod: stripe.String(pm.ID), Confirm: stripe.Bool(true)}))
	for _, path := range []string{"/v1/charges", "/v1/charges/search", "/v1/payment_intents", "/v1/customers", "/v1/refunds"} {
		q := url.Values{"expand[]": {"customer"}}
		if strings.HasSuffix(path, "/search") {
			q.Set("query", "status:'succeeded'")
		}
		resp, m := raw(t, em, "GET", path, q, nil)
		if resp.StatusCode != 400 || errField(m, "param") != "expand" ||
			errField(m, "message") != "This property cannot be expanded (customer). You may want to try expanding 'data.customer' instead." {
			t.Errorf("%s expand[]=customer: %d %v", path, resp.StatusCode, m)
		}
	}
	resp, m := raw(t, em, "GET", "/v1/charges", url.Values{"expand[]": {"data"}}, nil)
	if resp.StatusCode != 400 || errField(m, "message") != "This property cannot be expanded (data)." {
		t.Errorf("expand[]=data: %d %v", resp.StatusCode, m)
	}
	resp, m = raw(t, em, "GET", "/v1/charges", url.Values{"expand[]": {"data.customer"}}, nil)
	data, _ := m["data"].([]any)
	if resp.StatusCode != 200 || len(data) != 1 {
		t.Fatalf("expand[]=data.customer: %d %v", resp.StatusCode, m)
	}
	if c, _ := data[0].(map[string]any)["customer"].(map[string]any); c["id"] != cus.ID {
		t.Errorf("data.customer not expanded: %v", data[0])
	}
}

// The v1 API reads form bodies only: a JSON body (or any other type) is
// refused with Stripe's message, and a charset on the form type is fine.
func TestPostBodyContentType(t *testing.T) {
	em := openTest(t, Options{})
	for _, c := range []struct {
		ct, body string
		ok       bool
	}{
		{"application/json", `{"email":"a@example.com"}`, false},
		{"text/plain", "email=a@example.com", false},
		{"multipart/form-data; boundary=x", "email=a@example.com", false},
		{"application/x-www-form-urlencoded; charset=utf-8", "email=a@example.com", true},
		{"Application/X-WWW-Form-Urlencoded", "email=a@example.com", true},
		{"", "email=a@example.com", true},
	} {
		req, _ := http.NewRequest("POST", "http://emulator/v1/customers", strings.NewReader(c.body))
		req.Header.Set("Authorization", "Bearer "+testKey)
		if c.ct != "" {
			req.Header.Set("Content-Type", c.ct)
		}
		resp, m := send(t, em, req)
		if c.ok {
			if resp.StatusCode != 200 || m["email"] != "a@example.com" {
				t.Errorf("%q: %d %v", c.ct, resp.StatusCode, m)
			}
			continue
		}
		want := "Invalid request: unsupported Content-Type " + c.ct + ". If error persists and you need assistance, please contact support@stripe.com."
		if resp.StatusCode != 400 || errField(m, "type") != "invalid_request_error" || errField(m, "message") != want || errField(m, "param") != nil {
			t.Errorf("%q: %d %v", c.ct, resp.StatusCode, m)
		}
	}
}

// A Stripe-Version header Stripe would refuse is refused; a well-formed one
// is answered.
func TestStripeVersionHeader(t *testing.T) {
	em := openTest(t, Options{})
	for _, c := range []struct {
		v  string
		ok bool
	}{
		{APIVersion, true},
		{"2024-06-20", true},
		{"2024-09-30.acacia", true},
		{"latest", false},
		{"2023-13-01", false},
		{"1999-01-01", false},
		{"2023-10-16.", false},
		{"2024-09-30.Acacia", false},
	} {
		resp, m := raw(t, em, "GET", "/v1/customers", nil, map[string]string{"Stripe-Version": c.v})
		if c.ok {
			if resp.StatusCode != 200 {
				t.Errorf("%q: %d %v", c.v, resp.StatusCode, m)
			}
			continue
		}
		if resp.StatusCode != 400 || errField(m, "type") != "invalid_request_error" || errField(m, "message") != "Invalid Stripe API version: "+c.v {
			t.Errorf("%q: %d %v", c.v, resp.StatusCode, m)
		}
	}
}

// A list parameter given as one value (expand=customer, not expand[]=customer)
// is Stripe's "Invalid array".
func TestListParamGivenAsScalar(t *testing.T) {
	em := openTest(t, Options{})
	for _, c := range []struct{ method, path, param string }{
		{"GET", "/v1/customers", "expand"},
		{"POST", "/v1/customers", "expand"},
		{"POST", "/v1/payment_intents", "payment_method_types"},
	} {
		q := url.Values{c.param: {"card"}}
		if c.path == "/v1/payment_intents" {
			q.Set("amount", "1000")
			q.Set("currency", "usd")
		}
		resp, m := raw(t, em, c.method, c.path, q, nil)
		if resp.StatusCode != 400 || errField(m, "message") != "Invalid array" || errField(m, "param") != c.param {
			t.Errorf("%s %s %s=card: %d %v", c.method, c.path, c.param, resp.StatusCode, m)
		}
	}
	resp, m := raw(t, em, "GET", "/v1/customers", url.Values{"expand[]": {"data.default_source"}, "limit": {"1"}}, nil)
	if resp.StatusCode == 400 && errField(m, "message") == "Invalid array" {
		t.Errorf("expand[] refused: %v", m)
	}
}

// pageIDs lists path with the query q and returns the IDs of the page, in
// order, and its has_more.
func pageIDs(t *testing.T, em *Emulator, path string, q url.Values) ([]string, bool) {
	t.Helper()
	resp, l := raw(t, em, "GET", path, q, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("%s %v: %d %v", path, q, resp.StatusCode, l)
	}
	var ids []string
	for _, d := range l["data"].([]any) {
		ids = append(ids, d.(map[string]any)["id"].(string))
	}
	return ids, l["has_more"] == true
}
