package emulator

import (
	"strconv"
	"strings"
)

// shippingSpec is the shipping hash that a charge update and a
// PaymentIntent create, update and confirm take.
var shippingSpec = spec{"name": nil, "carrier": nil, "phone": nil, "tracking_number": nil, "address": addressSpec}

// The parameters of the charge and refund endpoints.
var (
	chargeUpdateSpec = spec{"metadata": orEmpty{specHash}, "description": nil, "expand": specList,
		"receipt_email": nil, "fraud_details": spec{"user_report": orEmpty{}}, "shipping": shippingSpec,
		"transfer_group": nil, "customer": nil}
	chargeListSpec = merge(listSpec, spec{"customer": nil, "payment_intent": nil, "transfer_group": nil})
	// chargeCaptureSpec is what Stripe's capture of a charge takes; every
	// capture the emulator can be asked for is refused (captureCharge).
	chargeCaptureSpec = spec{"amount": nil, "application_fee": nil, "application_fee_amount": nil, "expand": specList,
		"receipt_email": nil, "statement_descriptor": nil, "statement_descriptor_suffix": nil,
		"transfer_data": spec{"amount": nil}, "transfer_group": nil}
	refundCreateSpec = spec{"charge": nil, "payment_intent": nil, "amount": nil, "reason": nil,
		"metadata": orEmpty{specHash}, "expand": specList, "instructions_email": nil, "refund_application_fee": nil,
		"reverse_transfer": nil}
	refundUpdateSpec = spec{"metadata": orEmpty{specHash}, "expand": specList}
	refundListSpec   = merge(listSpec, spec{"charge": nil, "payment_intent": nil})
)

// updateCharge answers POST /v1/charges/{id} with the parameters of Update a
// charge: every one is kept on the charge, none is only accepted.
func (e *Emulator) updateCharge(w *wtx, rq *request) (any, *apiError) {
	old, pos, err := e.charges.get(w.tx, rq.segs[1])
	if err != nil {
		return nil, notFound(err, "charge", "id", rq.segs[1])
	}
	ch := *old
	ch.Metadata = copyMD(old.Metadata)
	md, aerr := applyMetadata(ch.Metadata, rq)
	if aerr != nil {
		return nil, aerr
	}
	ch.Metadata = md
	if v, ok := rq.optStr("description"); ok {
		ch.Description = v
	}
	if v, ok := rq.optStr("receipt_email"); ok {
		ch.ReceiptEmail = v
	}
	if rq.has("fraud_details") {
		v, ok := rq.str("fraud_details", "user_report")
		switch {
		case !ok:
			return nil, errMissing("fraud_details[user_report]")
		case v != "" && v != "safe" && v != "fraudulent":
			return nil, invalidRequest("", "fraud_details[user_report]",
				"Invalid fraud_details[user_report]: must be one of safe or fraudulent")
		case v == "":
			ch.FraudDetails = map[string]any{}
		default:
			ch.FraudDetails = map[string]any{"user_report": v}
		}
	}
	if rq.has("shipping") {
		if ch.Shipping, aerr = shippingOf(rq); aerr != nil {
			return nil, aerr
		}
	}
	// Stripe: transfer_group "may only be provided if it has not been
	// set", and customer "may only be updated if there is no existing
	// associated customer"; the wording of the two refusals is the
	// emulator's.
	if v, ok := rq.str("transfer_group"); ok && v != "" {
		if old.TransferGroup != nil && *old.TransferGroup != v {
			return nil, invalidRequest("", "transfer_group",
				"The transfer_group of charge %s is already set to '%s' and cannot be changed.", old.ID, *old.TransferGroup)
		}
		ch.TransferGroup = &v
	}
	if v, ok := rq.str("customer"); ok && v != "" {
		if old.Customer.ID != "" && old.Customer.ID != v {
			return nil, invalidRequest("", "customer",
				"Charge %s already belongs to customer %s; its customer can only be set when it has none.", old.ID, old.Customer.ID)
		}
		if _, _, ok := e.customers.getRaw(w.tx, v); !ok {
			return nil, errNoSuch("customer", "customer", v)
		}
		ch.Customer = refTo(v)
	}
	if err := e.charges.update(w, old, &ch, pos); err != nil {
		return nil, errAPI("%v", err)
	}
	return e.respond(w, rq, &ch)
}

// captureCharge answers POST /v1/charges/{id}/capture as Stripe does for
// the only charges the emulator makes, those of PaymentIntents: a captured
// charge is refused with charge_already_captured, and any other (awaiting
// capture, released or failed) is sent to its PaymentIntent. Stripe
// captures a charge only if it was made by the legacy create, which the
// emulator does not serve. The messages are Stripe's as recorded by users
// of its API (for instance stripe/stripe-mirakl-connector issue 46, of a
// PaymentIntent's charge awaiting capture).
func (e *Emulator) captureCharge(w *wtx, rq *request) (any, *apiError) {
	ch, _, err := e.charges.get(w.tx, rq.segs[1])
	if err != nil {
		return nil, notFound(err, "charge", "id", rq.segs[1])
	}
	if ch.Captured {
		return nil, invalidRequest("charge_already_captured", "", "Charge %s has already been captured.", ch.ID)
	}
	return nil, invalidRequest("", "", "This uncaptured Charge was created by a PaymentIntent (%s). You must capture the "+
		"PaymentIntent instead. For more information, see https://stripe.com/docs/payments/place-a-hold-on-a-payment-method",
		ch.PaymentIntent.ID)
}

// shippingOf reads the shipping hash of a request as Stripe answers it:
// every field present, null when not given; "" unsets it. name and address
// are required.
func shippingOf(rq *request) (any, *apiError) {
	if _, isHash := rq.params["shipping"].(map[string]any); !isHash {
		return nil, nil // shipping="" (unset), the one string checkParams lets through
	}
	name, _ := rq.str("shipping", "name")
	if name == "" {
		return nil, errMissing("shipping[name]")
	}
	if !rq.has("shipping", "address") {
		return nil, errMissing("shipping[address]")
	}
	str := func(path ...string) any {
		if v, ok := rq.str(path...); ok && v != "" {
			return v
		}
		return nil
	}
	addr := map[string]any{}
	for _, k := range []string{"city", "country", "line1", "line2", "postal_code", "state"} {
		addr[k] = str("shipping", "address", k)
	}
	return map[string]any{"address": addr, "carrier": str("shipping", "carrier"), "name": name,
		"phone": str("shipping", "phone"), "tracking_number": str("shipping", "tracking_number")}, nil
}

func (e *Emulator) listCharges(w *wtx, rq *request) (any, *apiError) {
	q, aerr := rq.listQuery()
	if aerr != nil {
		return nil, aerr
	}
	cus, hasCus := rq.str("customer")
	piID, hasPI := rq.str("payment_intent")
	var keep func(*charge) bool
	switch {
	case hasPI:
		q.index, q.value = 1, piID
		if hasCus {
			keep = func(c *charge) bool { return c.Customer.ID == cus }
		}
	case hasCus:
		q.index, q.value = 0, cus
	}
	exp, aerr := splitExpand(rq.expand())
	if aerr != nil {
		return nil, aerr
	}
	if keep == nil && len(exp) == 0 {
		// The stored JSON is the answer: no decoding and encoding again.
		raws, more, aerr := e.charges.pageRaw(w.tx, q)
		if aerr != nil {
			return nil, aerr
		}
		return rawList(raws, more, "/v1/charges"), nil
	}
	items, more, aerr := e.charges.page(w.tx, q, keep)
	if aerr != nil {
		return nil, aerr
	}
	return e.respondList(w, rq, listOf(items, more, "/v1/charges", func(c *charge) any { return c }))
}

// chargeSearchFields are the query fields of a charge search and their
// types (docs.stripe.com/search, "Query fields for charges": every field a
// token but amount and created; the card fields are listed for each of the
// sources card, card_present and interac_present). A field Stripe does not
// list there, such as payment_intent or failure_code, is refused as Stripe
// refuses it: a query that works here must work on Stripe.
var chargeSearchFields = func() map[string]fieldType {
	m := map[string]fieldType{"amount": numericField, "created": numericField, "currency": tokenField,
		"customer": tokenField, "disputed": tokenField, "metadata": tokenField, "refunded": tokenField,
		"status": tokenField, "billing_details.address.postal_code": tokenField}
	for _, src := range []string{"card", "card_present", "interac_present"} {
		for _, f := range []string{"brand", "exp_month", "exp_year", "fingerprint", "last4"} {
			m["payment_method_details."+src+"."+f] = tokenField
		}
	}
	return m
}()

// chargeValue reads a charge's value in c's field. refunded follows
// docs.stripe.com/search: refunded:"true" is a fully refunded charge,
// refunded:"false" a partially refunded one, refunded:null one with
// nothing refunded. The emulator's charges are all online card payments,
// so a card_present or interac_present field is always null.
func chargeValue(c *charge, s *searchClause) searchValue {
	switch s.field {
	case "metadata":
		return metadataValue(c.Metadata, s.key)
	case "amount":
		return numValue(c.Amount)
	case "created":
		return numValue(c.Created)
	case "currency":
		return strValue(c.Currency)
	case "customer":
		return strValue(c.Customer.ID)
	case "disputed":
		return boolValue(c.Disputed)
	case "refunded":
		return searchValue{s: strconv.FormatBool(c.Refunded), present: c.AmountRefunded > 0}
	case "status":
		return strValue(c.Status)
	case "billing_details.address.postal_code":
		return ptrValue(c.BillingDetails.Address.PostalCode)
	}
	f, ok := strings.CutPrefix(s.field, "payment_method_details.card.")
	if !ok || c.PaymentMethodDetails == nil || c.PaymentMethodDetails.Card == nil {
		return searchValue{}
	}
	d := c.PaymentMethodDetails.Card
	switch f {
	case "last4":
		return strValue(d.Last4)
	case "brand":
		return strValue(d.Brand)
	case "exp_month":
		return strValue(strconv.FormatInt(d.ExpMonth, 10))
	case "exp_year":
		return strValue(strconv.FormatInt(d.ExpYear, 10))
	case "fingerprint":
		return strValue(d.Fingerprint)
	}
	return searchValue{}
}

func (e *Emulator) searchCharges(w *wtx, rq *request) (any, *apiError) {
	return searchIn(e, w, rq, e.charges, chargeSearchFields, func(lq *listQuery, q searchQuery) {
		// Use an index for the most selective clause we have one for. An
		// index holds IDs as written: a query giving one in another letter
		// case, which Stripe's case-insensitive token match would find,
		// finds nothing here. A metadata value is looked up in the index
		// only when letter case cannot change what it matches.
		for _, c := range q.indexable() {
			switch c.field {
			case "customer":
				lq.index, lq.value = 0, c.value
			case "metadata":
				if lq.index < 0 && caseless(c.value) {
					lq.index, lq.value = 2, c.key+mdSep+c.value
				}
			}
		}
	}, chargeValue, nil)
}

// Refunds.

var refundReasons = setOf("duplicate", "fraudulent", "requested_by_customer")

// newRefund stores a succeeded refund of amount on ch (the caller updates ch).
func (e *Emulator) newRefund(w *wtx, ch *charge, amount int64, reason *string, md map[string]string) *apiError {
	seq, err := w.nextSeq()
	if err != nil {
		return errAPI("%v", err)
	}
	if md == nil {
		md = map[string]string{}
	}
	r := &refund{ID: newID("re_", seq), Object: "refund", Amount: amount, Charge: refTo(ch.ID), Created: w.created(),
		Currency: ch.Currency, Metadata: md, PaymentIntent: ch.PaymentIntent, Reason: reason, Status: "succeeded"}
	if ch.Captured {
		r.BalanceTransaction = strp("txn_" + r.ID[3:])
	}
	if err := e.refunds.insert(w, r, seq); err != nil {
		return errAPI("%v", err)
	}
	w.lastRefund = r
	return nil
}

func (e *Emulator) createRefund(w *wtx, rq *request) (any, *apiError) {
	chID, hasCh := rq.str("charge")
	piID, hasPI := rq.str("payment_intent")
	switch {
	case hasCh && hasPI:
		return nil, invalidRequest("", "payment_intent", "You cannot specify both charge and payment_intent.")
	case !hasCh && !hasPI:
		return nil, invalidRequest("parameter_missing", "", "One of the following params should be provided for this request: charge or payment_intent.")
	}
	if hasPI {
		pi, _, aerr := e.getPI(w, piID)
		if aerr != nil {
			aerr.Param = "payment_intent"
			return nil, aerr
		}
		if pi.LatestCharge.ID == "" || pi.Status == "requires_payment_method" && pi.LatestCharge.ID != "" {
			return nil, invalidRequest("", "payment_intent",
				"This PaymentIntent (%s) does not have a successful charge to refund.", piID)
		}
		chID = pi.LatestCharge.ID
	}
	old, pos, err := e.charges.get(w.tx, chID)
	if err != nil {
		return nil, notFound(err, "charge", "charge", chID)
	}
	if old.Status == "failed" {
		return nil, invalidRequest("", "charge", "Charge %s has failed and cannot be refunded.", chID)
	}
	unrefunded := old.Amount - old.AmountRefunded
	if old.Refunded || unrefunded <= 0 {
		return nil, invalidRequest("charge_already_refunded", "charge", "Charge %s has already been refunded.", chID)
	}
	amount, hasAmt, aerr := rq.int("amount")
	if aerr != nil {
		return nil, aerr
	}
	if !hasAmt {
		amount = unrefunded
	}
	if amount < 1 {
		return nil, invalidRequest("parameter_invalid_integer", "amount", "Invalid positive integer")
	}
	// Stripe gives these two no code; the first names the charge's amount
	// until something has been refunded.
	if amount > unrefunded {
		if old.AmountRefunded == 0 {
			return nil, invalidRequest("", "amount", "Refund amount (%s) is greater than charge amount (%s)",
				formatMoney(amount, old.Currency), formatMoney(old.Amount, old.Currency))
		}
		return nil, invalidRequest("", "amount", "Refund amount (%s) is greater than unrefunded amount on charge (%s)",
			formatMoney(amount, old.Currency), formatMoney(unrefunded, old.Currency))
	}
	if !old.Captured && hasAmt && amount != old.Amount {
		return nil, invalidRequest("", "amount",
			"You cannot partially refund an uncaptured charge. Instead, capture the charge for an amount less than the original amount")
	}
	var reason *string
	if v, ok := rq.str("reason"); ok && v != "" {
		if !refundReasons[v] {
			return nil, invalidRequest("", "reason", "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer")
		}
		reason = &v
	}
	md, aerr := applyMetadata(nil, rq)
	if aerr != nil {
		return nil, aerr
	}
	ch := *old
	if aerr := e.newRefund(w, &ch, amount, reason, md); aerr != nil {
		return nil, aerr
	}
	r := w.lastRefund
	ch.AmountRefunded += amount
	ch.Refunded = ch.AmountRefunded >= ch.Amount
	if err := e.charges.update(w, old, &ch, pos); err != nil {
		return nil, errAPI("%v", err)
	}
	if !old.Captured && ch.PaymentIntent.ID != "" {
		if opi, ppos, err := e.pis.get(w.tx, ch.PaymentIntent.ID); err == nil && opi.Status == "requires_capture" {
			pi := *opi
			pi.Status, pi.AmountCapturable, pi.CanceledAt = "canceled", 0, int64p(w.now.Unix())
			if err := e.pis.update(w, opi, &pi, ppos); err != nil {
				return nil, errAPI("%v", err)
			}
		}
	}
	return e.respond(w, rq, r)
}

func (e *Emulator) updateRefund(w *wtx, rq *request) (any, *apiError) {
	old, pos, err := e.refunds.get(w.tx, rq.segs[1])
	if err != nil {
		return nil, notFound(err, "refund", "id", rq.segs[1])
	}
	r := *old
	md, aerr := applyMetadata(copyMD(old.Metadata), rq)
	if aerr != nil {
		return nil, aerr
	}
	r.Metadata = md
	if err := e.refunds.update(w, old, &r, pos); err != nil {
		return nil, errAPI("%v", err)
	}
	return e.respond(w, rq, &r)
}

func (e *Emulator) listRefunds(w *wtx, rq *request) (any, *apiError) {
	q, aerr := rq.listQuery()
	if aerr != nil {
		return nil, aerr
	}
	if v, ok := rq.str("charge"); ok {
		q.index, q.value = 0, v
	} else if v, ok := rq.str("payment_intent"); ok {
		q.index, q.value = 1, v
	}
	items, more, aerr := e.refunds.page(w.tx, q, nil)
	if aerr != nil {
		return nil, aerr
	}
	return e.respondList(w, rq, listOf(items, more, "/v1/refunds", func(r *refund) any { return r }))
}
