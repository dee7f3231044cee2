package emulator

import (
	"net/http"
	"strconv"
	"strings"
)

var billingSpec = spec{"name": orEmpty{}, "email": orEmpty{}, "phone": orEmpty{}, "address": orEmpty{addressSpec}}

// The parameters of the PaymentMethod endpoints.
var (
	pmCreateSpec = spec{"type": nil, "card": spec{"number": nil, "exp_month": nil, "exp_year": nil, "cvc": nil, "token": nil},
		"billing_details": billingSpec, "metadata": specHash, "expand": specList, "allow_redisplay": nil}
	pmUpdateSpec = spec{"billing_details": billingSpec, "metadata": orEmpty{specHash}, "expand": specList,
		"card": spec{"exp_month": nil, "exp_year": nil}, "allow_redisplay": nil}
	pmAttachSpec = spec{"customer": nil, "expand": specList}
	pmListSpec   = merge(pageSpec, spec{"customer": nil, "type": nil})
)

// newCardPM builds (without storing) a card PaymentMethod for a number.
func (e *Emulator) newCardPM(w *wtx, number string, expMonth, expYear int64, cvc string) (*pmRecord, *apiError) {
	tc, aerr := cardFor(number)
	if aerr != nil {
		return nil, aerr
	}
	sc := scenarios[tc.scenario]
	checks := cardChecks{}
	if cvc != "" || sc.cvcCheck != "" {
		v := "pass"
		if sc.cvcCheck != "" {
			v = sc.cvcCheck
		}
		checks.CVCCheck = &v
	}
	card := &pmCard{Brand: tc.brand, Checks: checks, Country: tc.country, DisplayBrand: displayBrand(tc.brand),
		ExpMonth: expMonth, ExpYear: expYear, Fingerprint: stableToken("fp:"+number, 16), Funding: tc.funding,
		Last4: number[len(number)-4:], Networks: cardNetworks{Available: []string{tc.brand}}}
	card.ThreeDSecureUsage.Supported = true
	pm := &pmRecord{paymentMethod: paymentMethod{Object: "payment_method", Card: card, Created: w.created(),
		Metadata: map[string]string{}, Type: "card"}, Scenario: tc.scenario}
	return pm, nil
}

// tokenPM builds a PaymentMethod for a pm_card_* / tok_* test token.
func (e *Emulator) tokenPM(w *wtx, tok string) (*pmRecord, bool, *apiError) {
	num, ok := tokenNumber(tok)
	if !ok {
		return nil, false, nil
	}
	pm, aerr := e.newCardPM(w, num, 12, int64(w.now.Year()+1), "")
	return pm, true, aerr
}

func (e *Emulator) storeNewPM(w *wtx, pm *pmRecord) *apiError {
	seq, err := w.nextSeq()
	if err != nil {
		return errAPI("%v", err)
	}
	pm.ID = newID("pm_", seq)
	if err := e.pms.insert(w, pm, seq); err != nil {
		return errAPI("%v", err)
	}
	return nil
}

// resolvePM loads a PaymentMethod or materialises a test token. With dryRun
// a token's PaymentMethod is built but not stored.
func (e *Emulator) resolvePM(w *wtx, id, param string, dryRun bool) (*pmRecord, *apiError) {
	if pm, isTok, aerr := e.tokenPM(w, id); isTok {
		if aerr != nil {
			return nil, aerr
		}
		if !dryRun {
			if aerr := e.storeNewPM(w, pm); aerr != nil {
				return nil, aerr
			}
		}
		return pm, nil
	}
	pm, _, err := e.pms.get(w.tx, id)
	if err != nil {
		return nil, notFound(err, "PaymentMethod", param, id)
	}
	return pm, nil
}

// keepPM follows a dry-run resolvePM of id that returned pm: a test token's
// PaymentMethod is now stored; a stored one is returned as it was loaded (it
// cannot have changed in between), which spares decoding it twice.
func (e *Emulator) keepPM(w *wtx, id string, pm *pmRecord) (*pmRecord, *apiError) {
	if _, isTok := tokenNumber(id); isTok {
		return e.resolvePM(w, id, "payment_method", false)
	}
	return pm, nil
}

// attachError is what attaching pm to a customer fails with, if anything.
func attachError(pm *pmRecord, cusID string) *apiError {
	if pm.Customer.ID != "" && pm.Customer.ID != cusID {
		return invalidRequest("payment_method_unexpected_state", "",
			"The payment method you provided has already been attached to a customer.")
	}
	if sc := scenarios[pm.Scenario]; sc.attachFails {
		return cardError(sc.code, sc.declineCode, sc.message, sc.param)
	}
	return nil
}

// attach links a stored PaymentMethod to a customer.
func (e *Emulator) attach(w *wtx, pm *pmRecord, cusID string) *apiError {
	if aerr := attachError(pm, cusID); aerr != nil {
		return aerr
	}
	if pm.Customer.ID == cusID {
		return nil
	}
	_, pos, err := e.pms.get(w.tx, pm.ID)
	if err != nil {
		return errAPI("%v", err)
	}
	old := *pm
	pm.Customer = refTo(cusID)
	if err := e.pms.update(w, &old, pm, pos); err != nil {
		return errAPI("%v", err)
	}
	return nil
}

func (e *Emulator) createPaymentMethod(w *wtx, rq *request) (any, *apiError) {
	typ, ok := rq.str("type")
	if !ok || typ == "" {
		return nil, errMissing("type")
	}
	if typ != "card" {
		return nil, invalidRequest("", "type", "The emulator supports only PaymentMethods of type card, not %q.", typ)
	}
	var pm *pmRecord
	if tok, ok := rq.str("card", "token"); ok {
		p, isTok, aerr := e.tokenPM(w, tok)
		if aerr != nil {
			return nil, aerr
		}
		if !isTok {
			return nil, invalidRequest("resource_missing", "card[token]", "No such token: '%s'", tok)
		}
		pm = p
	} else {
		number, ok := rq.str("card", "number")
		if !ok || number == "" {
			return nil, errMissing("card[number]")
		}
		number = strings.ReplaceAll(strings.ReplaceAll(number, " ", ""), "-", "")
		mStr, ok := rq.str("card", "exp_month")
		if !ok {
			return nil, errMissing("card[exp_month]")
		}
		yStr, ok := rq.str("card", "exp_year")
		if !ok {
			return nil, errMissing("card[exp_year]")
		}
		month, err := strconv.ParseInt(mStr, 10, 64)
		if err != nil || month < 1 || month > 12 {
			return nil, cardError("invalid_expiry_month", "", "Your card's expiration month is invalid.", "exp_month")
		}
		year, err := strconv.ParseInt(yStr, 10, 64)
		if err == nil && year < 100 {
			year += 2000
		}
		now := w.now
		if err != nil || year < int64(now.Year()) || year > int64(now.Year())+50 {
			return nil, cardError("invalid_expiry_year", "", "Your card's expiration year is invalid.", "exp_year")
		}
		if year == int64(now.Year()) && month < int64(now.Month()) {
			return nil, cardError("invalid_expiry_month", "", "Your card's expiration month is invalid.", "exp_month")
		}
		cvc, _ := rq.str("card", "cvc")
		if cvc != "" && (len(cvc) < 3 || len(cvc) > 4 || strings.Trim(cvc, "0123456789") != "") {
			return nil, cardError("invalid_cvc", "", "Your card's security code is invalid.", "cvc")
		}
		p, aerr := e.newCardPM(w, number, month, year, cvc)
		if aerr != nil {
			return nil, aerr
		}
		pm = p
	}
	applyBilling(rq, &pm.BillingDetails)
	md, aerr := applyMetadata(pm.Metadata, rq)
	if aerr != nil {
		return nil, aerr
	}
	pm.Metadata = md
	if aerr := e.storeNewPM(w, pm); aerr != nil {
		return nil, aerr
	}
	return e.respond(w, rq, &pm.paymentMethod)
}

func applyBilling(rq *request, b *billingDetails) {
	set := func(dst **string, path ...string) {
		if v, ok := rq.optStr(path...); ok {
			*dst = v
		}
	}
	set(&b.Name, "billing_details", "name")
	set(&b.Email, "billing_details", "email")
	set(&b.Phone, "billing_details", "phone")
	set(&b.Address.City, "billing_details", "address", "city")
	set(&b.Address.Country, "billing_details", "address", "country")
	set(&b.Address.Line1, "billing_details", "address", "line1")
	set(&b.Address.Line2, "billing_details", "address", "line2")
	set(&b.Address.PostalCode, "billing_details", "address", "postal_code")
	set(&b.Address.State, "billing_details", "address", "state")
	if v, ok := rq.str("billing_details", "address"); ok && v == "" {
		b.Address = address{}
	}
}

func (e *Emulator) retrievePaymentMethod(w *wtx, rq *request) (any, *apiError) {
	pm, aerr := e.resolvePM(w, rq.segs[1], "id", true)
	if aerr != nil {
		return nil, aerr
	}
	return e.respond(w, rq, &pm.paymentMethod)
}

func (e *Emulator) updatePaymentMethod(w *wtx, rq *request) (any, *apiError) {
	old, pos, err := e.pms.get(w.tx, rq.segs[1])
	if err != nil {
		return nil, notFound(err, "PaymentMethod", "id", rq.segs[1])
	}
	pm := *old
	pm.Metadata = copyMD(old.Metadata)
	if pm.Card != nil {
		c := *pm.Card
		pm.Card = &c
		if m, ok, aerr := rq.int("card", "exp_month"); aerr != nil {
			return nil, aerr
		} else if ok {
			if m < 1 || m > 12 {
				return nil, cardError("invalid_expiry_month", "", "Your card's expiration month is invalid.", "exp_month")
			}
			c.ExpMonth = m
		}
		if y, ok, aerr := rq.int("card", "exp_year"); aerr != nil {
			return nil, aerr
		} else if ok {
			c.ExpYear = y
		}
	}
	applyBilling(rq, &pm.BillingDetails)
	md, aerr := applyMetadata(pm.Metadata, rq)
	if aerr != nil {
		return nil, aerr
	}
	pm.Metadata = md
	if err := e.pms.update(w, old, &pm, pos); err != nil {
		return nil, errAPI("%v", err)
	}
	return e.respond(w, rq, &pm.paymentMethod)
}

func (e *Emulator) attachPaymentMethod(w *wtx, rq *request) (any, *apiError) {
	cusID, ok := rq.str("customer")
	if !ok || cusID == "" {
		return nil, errMissing("customer")
	}
	if _, _, ok := e.customers.getRaw(w.tx, cusID); !ok {
		return nil, errNoSuch("customer", "customer", cusID)
	}
	pm, aerr := e.resolvePM(w, rq.segs[1], "payment_method", true)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := attachError(pm, cusID); aerr != nil {
		return nil, aerr
	}
	if pm.ID == "" {
		if aerr := e.storeNewPM(w, pm); aerr != nil {
			return nil, aerr
		}
	}
	if aerr := e.attach(w, pm, cusID); aerr != nil {
		return nil, aerr
	}
	return e.respond(w, rq, &pm.paymentMethod)
}

func (e *Emulator) detachPaymentMethod(w *wtx, rq *request) (any, *apiError) {
	old, pos, err := e.pms.get(w.tx, rq.segs[1])
	if err != nil {
		return nil, notFound(err, "PaymentMethod", "payment_method", rq.segs[1])
	}
	if old.Customer.ID == "" {
		return nil, invalidRequest("payment_method_unexpected_state", "",
			"The payment method you provided is not attached to a customer so detachment is impossible.")
	}
	pm := *old
	pm.Customer = ref{}
	if err := e.pms.update(w, old, &pm, pos); err != nil {
		return nil, errAPI("%v", err)
	}
	// A detached card can no longer be the customer's default.
	if c, cpos, err := e.customers.get(w.tx, old.Customer.ID); err == nil && c.InvoiceSettings.DefaultPaymentMethod.ID == pm.ID {
		nc := *c
		nc.InvoiceSettings.DefaultPaymentMethod = ref{}
		if err := e.customers.update(w, c, &nc, cpos); err != nil {
			return nil, errAPI("%v", err)
		}
	}
	return e.respond(w, rq, &pm.paymentMethod)
}

func (e *Emulator) listPaymentMethods(w *wtx, rq *request) (any, *apiError) {
	cus, _ := rq.str("customer")
	return e.listPMs(w, rq, cus, "/v1/payment_methods")
}

func (e *Emulator) listCustomerPaymentMethods(w *wtx, rq *request) (any, *apiError) {
	cus := rq.segs[1]
	if _, _, ok := e.customers.getRaw(w.tx, cus); !ok {
		return nil, errNoSuch("customer", "customer", cus)
	}
	return e.listPMs(w, rq, cus, "/v1/customers/"+cus+"/payment_methods")
}

func (e *Emulator) listPMs(w *wtx, rq *request, cus, url string) (any, *apiError) {
	q, aerr := rq.listQuery()
	if aerr != nil {
		return nil, aerr
	}
	typ, _ := rq.str("type")
	if typ != "" && typ != "card" {
		return listOf([]*pmRecord{}, false, url, func(p *pmRecord) any { return &p.paymentMethod }), nil
	}
	if cus != "" {
		q.index, q.value = 0, cus
	}
	items, more, aerr := e.pms.page(w.tx, q, nil)
	if aerr != nil {
		return nil, aerr
	}
	return e.respondList(w, rq, listOf(items, more, url, func(p *pmRecord) any { return &p.paymentMethod }))
}

var _ = http.StatusOK
