package emulator

import (
	"bytes"
	"hash/fnv"
	"net/http"
)

var piCreateSpec = spec{"amount": nil, "currency": nil, "customer": nil, "payment_method": nil, "confirm": nil,
	"off_session": nil, "capture_method": nil, "metadata": specHash, "description": nil, "expand": specList,
	"payment_method_types": specList, "receipt_email": nil, "statement_descriptor": nil,
	"statement_descriptor_suffix": nil, "setup_future_usage": nil, "return_url": nil, "error_on_requires_action": nil,
	"automatic_payment_methods": spec{"enabled": nil, "allow_redirects": nil}, "confirmation_method": nil,
	"use_stripe_sdk": nil, "shipping": shippingSpec, "transfer_group": nil, "payment_method_options": specAny,
	"mandate_data": orEmpty{specAny}}

var piConfirmSpec = spec{"payment_method": nil, "off_session": nil, "return_url": nil, "expand": specList,
	"receipt_email": orEmpty{}, "setup_future_usage": orEmpty{}, "error_on_requires_action": nil, "use_stripe_sdk": nil,
	"payment_method_options": specAny, "mandate_data": orEmpty{specAny}, "capture_method": nil,
	"shipping": orEmpty{shippingSpec}}

var (
	piRetrieveSpec = merge(expandSpec, spec{"client_secret": nil})
	piUpdateSpec   = spec{"metadata": orEmpty{specHash}, "description": nil, "expand": specList,
		"amount": nil, "currency": nil, "customer": nil, "payment_method": nil, "receipt_email": orEmpty{},
		"statement_descriptor": nil, "statement_descriptor_suffix": nil, "setup_future_usage": orEmpty{},
		"capture_method": nil, "shipping": orEmpty{shippingSpec}, "transfer_group": nil, "payment_method_types": specList}
	piCaptureSpec = spec{"amount_to_capture": nil, "final_capture": nil, "expand": specList,
		"metadata": orEmpty{specHash}, "statement_descriptor": nil, "statement_descriptor_suffix": nil,
		"application_fee_amount": nil}
	piCancelSpec = spec{"cancellation_reason": nil, "expand": specList}
	piListSpec   = merge(listSpec, spec{"customer": nil})
)

// The values every new PaymentIntent and Charge start with, shared by all of
// them and never changed in place: a handler that changes one assigns a new
// value (objects read back from the store have their own). Building them for
// each payment was seven allocations of its 500-odd.
var (
	newPIAmountDetails = map[string]any{"tip": map[string]any{}}
	newPIMethodOptions = map[string]any{"card": map[string]any{"installments": nil, "mandate_options": nil, "network": nil,
		"request_three_d_secure": "automatic"}}
	emptyHash            = map[string]any{}
	calculatedDescriptor = "TWEETPAY"
)

// applyPIFields sets the PaymentIntent fields that create, update and
// confirm take as given ("" unsets one); the caller's spec has refused the
// ones its endpoint does not take.
func applyPIFields(rq *request, pi *paymentIntent) *apiError {
	for _, f := range []struct {
		name string
		dst  **string
	}{
		{"description", &pi.Description}, {"receipt_email", &pi.ReceiptEmail},
		{"statement_descriptor", &pi.StatementDescriptor}, {"statement_descriptor_suffix", &pi.StatementDescriptorSuffix},
		{"setup_future_usage", &pi.SetupFutureUsage}, {"transfer_group", &pi.TransferGroup},
	} {
		if v, ok := rq.optStr(f.name); ok {
			*f.dst = v
		}
	}
	if rq.has("shipping") {
		sh, aerr := shippingOf(rq)
		if aerr != nil {
			return aerr
		}
		pi.Shipping = sh
	}
	return nil
}

func (e *Emulator) createPaymentIntent(w *wtx, rq *request) (any, *apiError) {
	amount, ok, aerr := rq.int("amount")
	if aerr != nil {
		return nil, aerr
	}
	if !ok {
		return nil, errMissing("amount")
	}
	curIn, ok := rq.str("currency")
	if !ok || curIn == "" {
		return nil, errMissing("currency")
	}
	cur, aerr := checkCurrency(curIn, "currency")
	if aerr != nil {
		return nil, aerr
	}
	if aerr := checkChargeAmount(amount, cur); aerr != nil {
		return nil, aerr
	}
	pi := &piRecord{paymentIntent: paymentIntent{Object: "payment_intent", Amount: amount, Created: w.created(),
		Currency: cur, CaptureMethod: "automatic", ConfirmationMethod: "automatic", Metadata: map[string]string{},
		AmountDetails:        newPIAmountDetails,
		PaymentMethodOptions: newPIMethodOptions,
		PaymentMethodTypes:   []string{"card"}, Status: "requires_payment_method"}}
	if v, ok := rq.str("capture_method"); ok {
		switch v {
		case "automatic", "automatic_async", "manual":
			pi.CaptureMethod = v
		default:
			return nil, invalidRequest("", "capture_method", "Invalid capture_method: must be one of automatic, automatic_async, or manual")
		}
	}
	if v, ok := rq.str("confirmation_method"); ok {
		switch v {
		case "automatic", "manual":
			pi.ConfirmationMethod = v
		default:
			return nil, invalidRequest("", "confirmation_method", "Invalid confirmation_method: must be one of automatic or manual")
		}
	}
	if aerr := applyPIFields(rq, &pi.paymentIntent); aerr != nil {
		return nil, aerr
	}
	types := rq.list("payment_method_types")
	for _, t := range types {
		if t != "card" {
			return nil, invalidRequest("", "payment_method_types", "The payment method type %q is not supported by the emulator; use card.", t)
		}
	}
	if pi.AutomaticPaymentMethods, aerr = automaticPMsOf(rq, len(types) > 0); aerr != nil {
		return nil, aerr
	}
	md, aerr := applyMetadata(pi.Metadata, rq)
	if aerr != nil {
		return nil, aerr
	}
	pi.Metadata = md
	confirm, _, aerr := rq.bool("confirm")
	if aerr != nil {
		return nil, aerr
	}
	offSession, hasOff, aerr := rq.bool("off_session")
	if aerr != nil {
		return nil, aerr
	}
	if hasOff && !confirm {
		return nil, invalidRequest("", "off_session", "You may only specify `off_session` when `confirm` is true.")
	}
	pi.OffSession = offSession
	pmID, hasPM := rq.str("payment_method")
	var pm *pmRecord
	var pmErr *apiError
	if hasPM && pmID != "" {
		pm, pmErr = e.resolvePM(w, pmID, "payment_method", true)
	}
	if cus, ok := rq.str("customer"); ok && cus != "" {
		// A payment method attached to the customer says the customer
		// exists (deleting a customer detaches its payment methods), and
		// spares reading it: with many buyers, their customers' pages are
		// read at random. Otherwise an unknown customer is reported first,
		// as before the payment method.
		if pm == nil || pm.Customer.ID != cus {
			if _, _, ok := e.customers.getRaw(w.tx, cus); !ok {
				return nil, errNoSuch("customer", "customer", cus)
			}
		}
		pi.Customer = refTo(cus)
	}
	if pmErr != nil {
		return nil, pmErr
	}
	if pm != nil {
		if aerr := checkPMOwner(pm, pi); aerr != nil {
			return nil, aerr
		}
	}
	if confirm && (!hasPM || pmID == "") {
		return nil, errConfirmWithoutPM(pi.Customer.ID)
	}
	if confirm {
		if aerr := checkReturnURL(rq, pi, offSession); aerr != nil {
			return nil, aerr
		}
	}
	// Writes start here.
	seq, err := w.nextSeq()
	if err != nil {
		return nil, errAPI("%v", err)
	}
	pi.ID = newID("pi_", seq)
	pi.ClientSecret = pi.ID + "_secret_" + randomToken(25)
	if pm != nil {
		if pm, aerr = e.keepPM(w, pmID, pm); aerr != nil {
			return nil, aerr
		}
		pi.PaymentMethod = refTo(pm.ID)
		pi.Status = "requires_confirmation"
	}
	var declined *apiError
	if confirm {
		declined = e.attemptCharge(w, pi, pm, returnURL(rq))
		if declined != nil && declined.Status != http.StatusPaymentRequired {
			return nil, declined
		}
	}
	if err := e.pis.insert(w, pi, seq); err != nil {
		return nil, errAPI("%v", err)
	}
	if declined != nil {
		return nil, e.finishDecline(w, rq, declined, pi)
	}
	return e.respondPI(w, rq, pi)
}

// The automatic_payment_methods a PaymentIntent gets: since API version
// 2023-08-16, one created with neither payment_method_types nor
// automatic_payment_methods takes the payment methods enabled in the
// Dashboard, redirects allowed (docs.stripe.com/changelog/2023-08-16/
// automatic-payment-methods); allow_redirects defaults to always. Shared
// and never changed in place, as newPIAmountDetails.
var (
	apmRedirects   = &automaticPMs{AllowRedirects: "always", Enabled: true}
	apmNoRedirects = &automaticPMs{AllowRedirects: "never", Enabled: true}
)

// automaticPMsOf reads a create request's automatic_payment_methods; types
// tells whether it gives payment_method_types.
//
// Without payment_method_types, Stripe's payment_method_types is the list
// of methods enabled in the account's Dashboard that fit the PaymentIntent
// (card and often link, and more by currency); the emulator, which has no
// Dashboard, keeps ["card"] (docs/parity.md).
//
// What Stripe does with automatic_payment_methods[enabled]=false is not
// recorded: the emulator reads it as not given, so that, alone, it still
// turns automatic payment methods on. That is the stricter reading (the
// confirmation then needs a return_url), so a request that works here does
// not fail on Stripe for want of one.
func automaticPMsOf(rq *request, types bool) (*automaticPMs, *apiError) {
	if rq.has("automatic_payment_methods") {
		enabled, ok, aerr := rq.bool("automatic_payment_methods", "enabled")
		if aerr != nil {
			return nil, aerr
		}
		if !ok {
			// stripe/stripe-node issue 1881 quotes this answer (for a
			// SetupIntent); Stripe's OpenAPI spec requires enabled.
			return nil, errMissing("automatic_payment_methods[enabled]")
		}
		apm := apmRedirects
		if v, ok := rq.str("automatic_payment_methods", "allow_redirects"); ok {
			switch v {
			case "always":
			case "never":
				apm = apmNoRedirects
			default:
				return nil, invalidRequest("", "automatic_payment_methods[allow_redirects]",
					"Invalid automatic_payment_methods[allow_redirects]: must be one of always or never")
			}
		}
		if enabled {
			if types {
				// The words of the one answer on record, an
				// InvalidRequestException of stripe-java quoted in a test
				// suite; that the two cannot be combined, also
				// woocommerce-gateway-stripe pull request 2973.
				return nil, invalidRequest("", "",
					`You may only specify one of these parameters: ["automatic_payment_methods", "payment_method_types"].`)
			}
			if rq.has("confirmation_method") {
				// Stripe's words as its users quote them, to requests
				// that gave automatic_payment_methods[enabled]=true; the
				// param as a payment gateway's source notes the error
				// ("invalid_request_error - automatic_payment_methods").
				// Whether the default automatic payment methods also
				// refuse confirmation_method is not recorded: they do not
				// here.
				return nil, invalidRequest("", "automatic_payment_methods",
					"You may only specify one of these parameters: automatic_payment_methods, confirmation_method.")
			}
			return apm, nil
		}
	}
	if types {
		return nil, nil
	}
	return apmRedirects, nil
}

// checkReturnURL refuses to confirm a PaymentIntent whose automatic payment
// methods allow redirects unless the confirming request gives a return_url
// or is off-session (offSession: off_session=true in this request). The
// message is Stripe's as its users quote it (woocommerce-gateway-stripe
// issue 2982, aschmelyun/laravel-vue-stripe-cashier issue 4), with no code
// or param recorded. A return_url given when creating the PaymentIntent
// without confirming it does not count: whether Stripe keeps one is not
// recorded (its reference says return_url can only be used with confirm).
// The return_url is taken and not kept: a PaymentIntent has no such field.
func checkReturnURL(rq *request, pi *piRecord, offSession bool) *apiError {
	apm := pi.AutomaticPaymentMethods
	if apm == nil || !apm.Enabled || apm.AllowRedirects == "never" || offSession || rq.has("return_url") {
		return nil
	}
	return invalidRequest("", "", "A `return_url` must be specified because this Payment Intent is configured to automatically accept the payment methods enabled in the Dashboard, some of which may require a full page redirect to succeed. If you do not want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.")
}

// errConfirmWithoutPM refuses to confirm a PaymentIntent that has no
// payment method; only a PaymentIntent with a customer is told to use one
// of that customer's.
func errConfirmWithoutPM(customer string) *apiError {
	if customer == "" {
		return invalidRequest("payment_intent_unexpected_state", "",
			"You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.")
	}
	return invalidRequest("payment_intent_unexpected_state", "",
		"You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with %s, specify a payment method attached to this customer along with the customer ID.", customer)
}

// offSessionSuffix ends a stored PaymentIntent's JSON when x_off_session is
// set: the private field is the last one piRecord adds.
var offSessionSuffix = []byte(`,"x_off_session":true}`)

// respondPI answers with the PaymentIntent pi that this request wrote last,
// reusing the JSON stored for it (without the private field) unless the
// request expands fields.
func (e *Emulator) respondPI(w *wtx, rq *request, pi *piRecord) (any, *apiError) {
	if w.lastObj == any(pi) && !rq.has("expand") {
		raw := w.lastRaw
		if !pi.OffSession {
			return rawBody(raw), nil
		}
		if bytes.HasSuffix(raw, offSessionSuffix) {
			// raw is this request's own (the stored value is packed).
			n := len(raw) - len(offSessionSuffix)
			return rawBody(append(raw[:n], '}')), nil
		}
	}
	return e.respond(w, rq, &pi.paymentIntent)
}

func checkPMOwner(pm *pmRecord, pi *piRecord) *apiError {
	if pm.Customer.ID != "" && pm.Customer.ID != pi.Customer.ID {
		if pi.Customer.ID == "" {
			return invalidRequest("", "payment_method",
				"The provided PaymentMethod was previously attached to a Customer. To use a PaymentMethod attached to a Customer, you must also provide the Customer ID.")
		}
		return invalidRequest("", "payment_method",
			"The provided PaymentMethod belongs to a different Customer (%s) than the one on this PaymentIntent (%s).", pm.Customer.ID, pi.Customer.ID)
	}
	return nil
}

// finishDecline fills the 402 error's payment_intent and payment_method.
func (e *Emulator) finishDecline(w *wtx, rq *request, declined *apiError, pi *piRecord) *apiError {
	piCopy := pi.paymentIntent
	declined.PaymentIntent = &piCopy
	if exp := rq.expand(); len(exp) > 0 {
		_ = e.expand(w, declined.PaymentIntent, exp)
	}
	return declined
}

func riskScoreFor(id string) int64 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return int64(h.Sum32()%54) + 5
}

// returnURL is the request's return_url, "" when it has none.
func returnURL(rq *request) string {
	u, _ := rq.str("return_url")
	return u
}

// attemptCharge confirms pi with pm: it creates the charge (succeeded or
// failed) and moves pi to its next status. It returns the 402 error of a
// decline, which the caller returns after storing pi. returnURL is the
// confirming request's return_url ("" for none): a card that must be
// authenticated on-session then sends the buyer to a page that returns
// there (next_action redirect_to_url), and otherwise leaves it to Stripe.js
// (use_stripe_sdk), as reference/stripe.md's table of test cards has it.
func (e *Emulator) attemptCharge(w *wtx, pi *piRecord, pm *pmRecord, returnURL string) *apiError {
	sc := scenarios[pm.Scenario]
	pi.LastPaymentError = nil
	pi.NextAction = nil
	if sc.threeDS != "" {
		if !pi.OffSession {
			const authURL = "https://hooks.stripe.com/redirect/authenticate/src_emulated"
			pi.Status = "requires_action"
			if returnURL != "" {
				pi.NextAction = &nextAction{Type: "redirect_to_url", RedirectToURL: &redirectToURL{ReturnURL: returnURL, URL: authURL}}
				return nil
			}
			pi.NextAction = &nextAction{Type: "use_stripe_sdk", UseStripeSDK: map[string]any{
				"type": "three_d_secure_redirect", "stripe_js": authURL}}
			return nil
		}
		sc = scenario{code: "authentication_required", declineCode: "authentication_required",
			message: "Your card was declined. This transaction requires authentication."}
	}
	declined := sc.code != ""
	seq, err := w.nextSeq()
	if err != nil {
		return errAPI("%v", err)
	}
	ch := &charge{ID: newID("ch_", seq), Object: "charge", Amount: pi.Amount, BillingDetails: pm.BillingDetails,
		Created: w.created(), Currency: pi.Currency, Customer: pi.Customer, Description: pi.Description,
		FraudDetails: emptyHash, Metadata: copyMD(pi.Metadata), PaymentIntent: refTo(pi.ID),
		PaymentMethod: strp(pm.ID), ReceiptEmail: pi.ReceiptEmail, StatementDescriptor: pi.StatementDescriptor,
		StatementDescriptorSuffix: pi.StatementDescriptorSuffix, TransferGroup: pi.TransferGroup, Shipping: pi.Shipping,
		CalculatedStatementDescriptor: &calculatedDescriptor, RadarOptions: emptyHash}
	ch.Outcome = outcomeFor(sc, declined, riskScoreFor(ch.ID))
	card := pm.Card
	if card != nil {
		ch.PaymentMethodDetails = &chargePMDetails{Type: "card", Card: &chargeCard{
			Brand: card.Brand, Checks: card.Checks, Country: card.Country, ExpMonth: card.ExpMonth, ExpYear: card.ExpYear,
			Fingerprint: card.Fingerprint, Funding: card.Funding, Last4: card.Last4, Network: card.Brand}}
	}
	if declined {
		ch.Status = "failed"
		ch.FailureCode = strp(sc.code)
		ch.FailureMessage = strp(sc.message)
		if err := e.charges.insert(w, ch, seq); err != nil {
			return errAPI("%v", err)
		}
		aerr := cardError(sc.code, sc.declineCode, sc.message, sc.param)
		aerr.Charge = ch.ID
		aerr.RequestLogURL = requestLogURL(w.reqID, w.now)
		pmCopy := pm.paymentMethod
		aerr.PaymentMethod = &pmCopy
		last := *aerr
		pi.LastPaymentError = &last
		pi.Status = "requires_payment_method"
		pi.PaymentMethod = ref{}
		pi.LatestCharge = refTo(ch.ID)
		return aerr
	}
	ch.Status = "succeeded"
	ch.Paid = true
	ch.BalanceTransaction = strp("txn_" + ch.ID[3:])
	ch.ReceiptURL = strp("https://pay.stripe.com/receipts/emulated/" + ch.ID)
	ch.PaymentMethodDetails.Card.AmountAuthorized = int64p(pi.Amount)
	pi.LatestCharge = refTo(ch.ID)
	pi.PaymentMethod = refTo(pm.ID)
	if pi.CaptureMethod == "manual" {
		capBefore := w.now.Unix() + 7*24*3600
		ch.PaymentMethodDetails.Card.CaptureBefore = &capBefore
		ch.BalanceTransaction = nil
		pi.Status = "requires_capture"
		pi.AmountCapturable = pi.Amount
	} else {
		ch.Captured = true
		ch.AmountCaptured = pi.Amount
		pi.Status = "succeeded"
		pi.AmountReceived = pi.Amount
	}
	if err := e.charges.insert(w, ch, seq); err != nil {
		return errAPI("%v", err)
	}
	return nil
}

func itoa(n int64) string {
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

func (e *Emulator) getPI(w *wtx, id string) (*piRecord, stored, *apiError) {
	pi, pos, err := e.pis.get(w.tx, id)
	if err != nil {
		return nil, pos, notFound(err, "payment_intent", "intent", id)
	}
	return pi, pos, nil
}

func (e *Emulator) retrievePaymentIntent(w *wtx, rq *request) (any, *apiError) {
	pi, _, aerr := e.getPI(w, rq.segs[1])
	if aerr != nil {
		return nil, aerr
	}
	return e.respond(w, rq, &pi.paymentIntent)
}

func (e *Emulator) updatePaymentIntent(w *wtx, rq *request) (any, *apiError) {
	old, pos, aerr := e.getPI(w, rq.segs[1])
	if aerr != nil {
		return nil, aerr
	}
	pi := *old
	pi.Metadata = copyMD(old.Metadata)
	md, aerr := applyMetadata(pi.Metadata, rq)
	if aerr != nil {
		return nil, aerr
	}
	pi.Metadata = md
	if aerr := applyPIFields(rq, &pi.paymentIntent); aerr != nil {
		return nil, aerr
	}
	editable := pi.Status == "requires_payment_method" || pi.Status == "requires_confirmation" || pi.Status == "requires_action"
	changesPayment := rq.has("amount") || rq.has("currency") || rq.has("customer") || rq.has("payment_method") || rq.has("capture_method")
	if changesPayment && !editable {
		return nil, errUnexpectedState("You cannot update this PaymentIntent because it has a status of %s. Only amount, currency, customer and payment_method can be updated while the status is requires_payment_method, requires_confirmation or requires_action.", pi.Status)
	}
	if v, ok := rq.str("currency"); ok {
		c, aerr := checkCurrency(v, "currency")
		if aerr != nil {
			return nil, aerr
		}
		pi.Currency = c
	}
	if n, ok, aerr := rq.int("amount"); aerr != nil {
		return nil, aerr
	} else if ok {
		pi.Amount = n
	}
	if rq.has("amount") || rq.has("currency") {
		if aerr := checkChargeAmount(pi.Amount, pi.Currency); aerr != nil {
			return nil, aerr
		}
	}
	if v, ok := rq.str("capture_method"); ok {
		if v != "automatic" && v != "automatic_async" && v != "manual" {
			return nil, invalidRequest("", "capture_method", "Invalid capture_method: must be one of automatic, automatic_async, or manual")
		}
		pi.CaptureMethod = v
	}
	if v, ok := rq.str("customer"); ok {
		if v != "" {
			if _, _, ok := e.customers.getRaw(w.tx, v); !ok {
				return nil, errNoSuch("customer", "customer", v)
			}
		}
		pi.Customer = refTo(v)
	}
	if v, ok := rq.str("payment_method"); ok {
		if v == "" {
			pi.PaymentMethod = ref{}
			pi.Status = "requires_payment_method"
		} else {
			pm, aerr := e.resolvePM(w, v, "payment_method", true)
			if aerr != nil {
				return nil, aerr
			}
			rec := &pi
			if aerr := checkPMOwner(pm, rec); aerr != nil {
				return nil, aerr
			}
			if pm, aerr = e.keepPM(w, v, pm); aerr != nil {
				return nil, aerr
			}
			pi.PaymentMethod = refTo(pm.ID)
			pi.Status = "requires_confirmation"
		}
	}
	if err := e.pis.update(w, old, &pi, pos); err != nil {
		return nil, errAPI("%v", err)
	}
	return e.respond(w, rq, &pi.paymentIntent)
}

func (e *Emulator) confirmPaymentIntent(w *wtx, rq *request) (any, *apiError) {
	old, pos, aerr := e.getPI(w, rq.segs[1])
	if aerr != nil {
		return nil, aerr
	}
	switch old.Status {
	case "requires_payment_method", "requires_confirmation", "requires_action":
	case "succeeded":
		return nil, errUnexpectedState("You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed.")
	case "canceled":
		return nil, errUnexpectedState("You cannot confirm this PaymentIntent because it has a status of canceled. Only a PaymentIntent with one of the following statuses may be confirmed: requires_confirmation, requires_payment_method, requires_action.")
	default:
		return nil, errUnexpectedState("You cannot confirm this PaymentIntent because it has a status of %s. Only a PaymentIntent with one of the following statuses may be confirmed: requires_confirmation, requires_payment_method, requires_action.", old.Status)
	}
	pi := *old
	offSession, hasOff, aerr := rq.bool("off_session")
	if aerr != nil {
		return nil, aerr
	}
	if hasOff {
		pi.OffSession = offSession
	}
	if aerr := applyPIFields(rq, &pi.paymentIntent); aerr != nil {
		return nil, aerr
	}
	if v, ok := rq.str("capture_method"); ok {
		if v != "automatic" && v != "automatic_async" && v != "manual" {
			return nil, invalidRequest("", "capture_method", "Invalid capture_method: must be one of automatic, automatic_async, or manual")
		}
		pi.CaptureMethod = v
	}
	pmID, hasPM := rq.str("payment_method")
	if !hasPM || pmID == "" {
		pmID = pi.PaymentMethod.ID
	}
	if pmID == "" {
		return nil, errConfirmWithoutPM("")
	}
	pm, aerr := e.resolvePM(w, pmID, "payment_method", true)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := checkPMOwner(pm, &pi); aerr != nil {
		return nil, aerr
	}
	if aerr := checkReturnURL(rq, &pi, hasOff && offSession); aerr != nil {
		return nil, aerr
	}
	if pm, aerr = e.keepPM(w, pmID, pm); aerr != nil {
		return nil, aerr
	}
	pi.PaymentMethod = refTo(pm.ID)
	declined := e.attemptCharge(w, &pi, pm, returnURL(rq))
	if declined != nil && declined.Status != http.StatusPaymentRequired {
		return nil, declined
	}
	if err := e.pis.update(w, old, &pi, pos); err != nil {
		return nil, errAPI("%v", err)
	}
	if declined != nil {
		return nil, e.finishDecline(w, rq, declined, &pi)
	}
	return e.respondPI(w, rq, &pi)
}

func (e *Emulator) capturePaymentIntent(w *wtx, rq *request) (any, *apiError) {
	old, pos, aerr := e.getPI(w, rq.segs[1])
	if aerr != nil {
		return nil, aerr
	}
	// Stripe's words for a succeeded PaymentIntent differ from the other
	// statuses' (stripe/stripe-php issue 818, whose answer from Stripe gives
	// the code; cartalyst/stripe issue 211).
	if old.Status == "succeeded" {
		return nil, errUnexpectedState("This PaymentIntent could not be captured because it has already been captured.")
	}
	if old.Status != "requires_capture" {
		return nil, errUnexpectedState("This PaymentIntent could not be captured because it has a status of %s. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.", old.Status)
	}
	n, ok, aerr := rq.int("amount_to_capture")
	if aerr != nil {
		return nil, aerr
	}
	if !ok {
		n = old.AmountCapturable
	}
	if n > old.AmountCapturable {
		return nil, invalidRequest("amount_too_large", "amount_to_capture",
			"The amount to capture (%d) must be less than or equal to the amount capturable (%d).", n, old.AmountCapturable)
	}
	if n < 1 {
		return nil, invalidRequest("", "amount_to_capture", "This value must be greater than or equal to 1.")
	}
	pi := *old
	pi.Metadata = copyMD(old.Metadata)
	md, aerr := applyMetadata(pi.Metadata, rq)
	if aerr != nil {
		return nil, aerr
	}
	pi.Metadata = md
	oldCh, cpos, err := e.charges.get(w.tx, pi.LatestCharge.ID)
	if err != nil {
		return nil, errAPI("the PaymentIntent's charge is missing: %v", err)
	}
	ch := *oldCh
	ch.Captured = true
	ch.AmountCaptured = n
	ch.BalanceTransaction = strp("txn_" + ch.ID[3:])
	if ch.PaymentMethodDetails != nil && ch.PaymentMethodDetails.Card != nil {
		card := *ch.PaymentMethodDetails.Card
		card.CaptureBefore = nil
		ch.PaymentMethodDetails = &chargePMDetails{Type: "card", Card: &card}
	}
	if rest := ch.Amount - n; rest > 0 {
		// The uncaptured remainder is released as a refund.
		ch.AmountRefunded += rest
		if aerr := e.newRefund(w, &ch, rest, nil, nil); aerr != nil {
			return nil, aerr
		}
	}
	ch.Refunded = ch.AmountRefunded >= ch.Amount
	if err := e.charges.update(w, oldCh, &ch, cpos); err != nil {
		return nil, errAPI("%v", err)
	}
	pi.Status = "succeeded"
	pi.AmountReceived = n
	pi.AmountCapturable = 0
	if err := e.pis.update(w, old, &pi, pos); err != nil {
		return nil, errAPI("%v", err)
	}
	return e.respond(w, rq, &pi.paymentIntent)
}

var cancellationReasons = setOf("abandoned", "duplicate", "fraudulent", "requested_by_customer")

func (e *Emulator) cancelPaymentIntent(w *wtx, rq *request) (any, *apiError) {
	old, pos, aerr := e.getPI(w, rq.segs[1])
	if aerr != nil {
		return nil, aerr
	}
	reason, hasReason := rq.str("cancellation_reason")
	if hasReason && !cancellationReasons[reason] {
		return nil, invalidRequest("", "cancellation_reason",
			"Invalid cancellation_reason: must be one of abandoned, duplicate, fraudulent, or requested_by_customer")
	}
	switch old.Status {
	case "requires_payment_method", "requires_capture", "requires_confirmation", "requires_action", "processing":
	default:
		return nil, errUnexpectedState("You cannot cancel this PaymentIntent because it has a status of %s. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action, processing.", old.Status)
	}
	pi := *old
	if old.Status == "requires_capture" {
		oldCh, cpos, err := e.charges.get(w.tx, pi.LatestCharge.ID)
		if err != nil {
			return nil, errAPI("the PaymentIntent's charge is missing: %v", err)
		}
		ch := *oldCh
		rest := ch.Amount - ch.AmountRefunded
		if rest > 0 {
			if aerr := e.newRefund(w, &ch, rest, nil, nil); aerr != nil {
				return nil, aerr
			}
		}
		ch.AmountRefunded = ch.Amount
		ch.Refunded = true
		if err := e.charges.update(w, oldCh, &ch, cpos); err != nil {
			return nil, errAPI("%v", err)
		}
	}
	pi.Status = "canceled"
	pi.AmountCapturable = 0
	pi.CanceledAt = int64p(w.now.Unix())
	if hasReason {
		pi.CancellationReason = strp(reason)
	}
	pi.NextAction = nil
	if err := e.pis.update(w, old, &pi, pos); err != nil {
		return nil, errAPI("%v", err)
	}
	return e.respond(w, rq, &pi.paymentIntent)
}

func (e *Emulator) listPaymentIntents(w *wtx, rq *request) (any, *apiError) {
	q, aerr := rq.listQuery()
	if aerr != nil {
		return nil, aerr
	}
	if cus, ok := rq.str("customer"); ok {
		q.index, q.value = 0, cus
	}
	items, more, aerr := e.pis.page(w.tx, q, nil)
	if aerr != nil {
		return nil, aerr
	}
	return e.respondList(w, rq, listOf(items, more, "/v1/payment_intents", func(p *piRecord) any { return &p.paymentIntent }))
}

// paymentIntentSearchFields are the query fields of a PaymentIntent search
// and their types (docs.stripe.com/search, "Query fields for payment
// intents").
var paymentIntentSearchFields = map[string]fieldType{"amount": numericField, "created": numericField,
	"currency": tokenField, "customer": tokenField, "metadata": tokenField, "status": tokenField}

// searchPaymentIntents answers GET /v1/payment_intents/search, as
// searchCharges does for charges; a customer clause reads the customer
// index (an ID given in another letter case finds nothing, as there). The
// results are PaymentIntents without the emulator's private state, as a
// retrieve answers them.
func (e *Emulator) searchPaymentIntents(w *wtx, rq *request) (any, *apiError) {
	return searchIn(e, w, rq, e.pis, paymentIntentSearchFields, func(lq *listQuery, q searchQuery) {
		for _, c := range q.indexable() {
			if c.field == "customer" {
				lq.index, lq.value = 0, c.value
				return
			}
		}
	}, paymentIntentValue, func(p *piRecord) any { return &p.paymentIntent })
}

func paymentIntentValue(p *piRecord, s *searchClause) searchValue {
	switch s.field {
	case "metadata":
		return metadataValue(p.Metadata, s.key)
	case "amount":
		return numValue(p.Amount)
	case "created":
		return numValue(p.Created)
	case "currency":
		return strValue(p.Currency)
	case "customer":
		return strValue(p.Customer.ID)
	case "status":
		return strValue(p.Status)
	}
	return searchValue{}
}
