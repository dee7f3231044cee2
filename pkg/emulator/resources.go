package emulator

import (
	"net/http"
	"slices"
	"strings"
)

func (e *Emulator) initTables() {
	e.products = newTable(1, "products", "prod_", func(p *product) string { return p.ID }, func(p *product) int64 { return p.Created })
	e.prices = newTable(2, "prices", "price_", func(p *price) string { return p.ID }, func(p *price) int64 { return p.Created },
		indexSpec[price]{"lookup_key", func(p *price) []string {
			if p.LookupKey == nil {
				return nil
			}
			return []string{*p.LookupKey}
		}, false},
		indexSpec[price]{"product", func(p *price) []string { return []string{p.Product.ID} }, false})
	e.customers = newTable(3, "customers", "cus_", func(c *customer) string { return c.ID }, func(c *customer) int64 { return c.Created },
		indexSpec[customer]{"email", func(c *customer) []string {
			if c.Email == nil {
				return nil
			}
			return []string{*c.Email}
		}, false})
	e.pms = newTable(4, "payment_methods", "pm_", func(p *pmRecord) string { return p.ID }, func(p *pmRecord) int64 { return p.Created },
		indexSpec[pmRecord]{"customer", func(p *pmRecord) []string { return nonEmpty(p.Customer.ID) }, false}).withCache(clonePM)
	e.pis = newTable(5, "payment_intents", "pi_", func(p *piRecord) string { return p.ID }, func(p *piRecord) int64 { return p.Created },
		indexSpec[piRecord]{"customer", func(p *piRecord) []string { return nonEmpty(p.Customer.ID) }, true})
	e.charges = newTable(6, "charges", "ch_", func(c *charge) string { return c.ID }, func(c *charge) int64 { return c.Created },
		indexSpec[charge]{"customer", func(c *charge) []string { return nonEmpty(c.Customer.ID) }, true},
		indexSpec[charge]{"payment_intent", func(c *charge) []string { return nonEmpty(c.PaymentIntent.ID) }, false},
		indexSpec[charge]{"metadata", func(c *charge) []string { return metadataKeys(c.Metadata) }, true})
	e.refunds = newTable(7, "refunds", "re_", func(r *refund) string { return r.ID }, func(r *refund) int64 { return r.Created },
		indexSpec[refund]{"charge", func(r *refund) []string { return nonEmpty(r.Charge.ID) }, false},
		indexSpec[refund]{"payment_intent", func(r *refund) []string { return nonEmpty(r.PaymentIntent.ID) }, false})
	e.deferred = nil
	for _, t := range []deferredTable{e.products, e.prices, e.customers, e.pms, e.pis, e.charges, e.refunds} {
		if t.hasDeferred() {
			t.countLogChanges(&e.logChanges)
			e.deferred = append(e.deferred, t)
		}
	}
}

// clonePM copies a PaymentMethod deep enough for handlers to change its
// fields, card and metadata (pointers to strings are replaced, not written).
func clonePM(p *pmRecord) *pmRecord {
	c := *p
	if p.Card != nil {
		card := *p.Card
		card.Networks.Available = slices.Clone(p.Card.Networks.Available)
		c.Card = &card
	}
	if p.Metadata != nil {
		c.Metadata = copyMD(p.Metadata)
	}
	return &c
}

const mdSep = "\x1f"

func metadataKeys(md map[string]string) []string {
	if len(md) == 0 {
		return nil
	}
	out := make([]string, 0, len(md))
	for k, v := range md {
		out = append(out, k+mdSep+v)
	}
	sortStrings(out)
	return out
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// endpoint is what a route leads to: the handler, the parameters it takes
// (checked, before the handler runs, by checkParams: unknown parameters and
// empty strings are refused there for every endpoint alike) and whether it
// writes.
type endpoint struct {
	handle handlerFunc
	params spec
	write  bool
}

// handler is the endpoint's handler behind its parameter check.
func (ep endpoint) handler() handlerFunc {
	return func(w *wtx, rq *request) (any, *apiError) {
		if aerr := checkParams(rq.params, ep.params); aerr != nil {
			return nil, aerr
		}
		return ep.handle(w, rq)
	}
}

func reads(h handlerFunc, params spec) endpoint { return endpoint{handle: h, params: params} }
func writes(h handlerFunc, params spec) endpoint {
	return endpoint{handle: h, params: params, write: true}
}

// route finds the endpoint of a request; its handle is nil when there is
// none. A POST to a search path ("/v1/charges/search") is an update of the
// object whose ID is "search", which no object has: Stripe's answer to it
// could not be confirmed, and this one is its answer to any unknown ID.
func (e *Emulator) route(method string, s []string) endpoint {
	get, post, del := method == http.MethodGet, method == http.MethodPost, method == http.MethodDelete
	n := len(s)
	if n == 0 || n > 3 {
		return endpoint{}
	}
	switch s[0] {
	case "products":
		switch {
		case n == 1 && post:
			return writes(e.createProduct, productCreateSpec)
		case n == 1 && get:
			return reads(e.listProducts, productListSpec)
		case n == 2 && get && s[1] == "search":
			return reads(e.searchProducts, searchSpec)
		case n == 2 && get:
			return reads(retrieveFrom(e, e.products, "product"), expandSpec)
		case n == 2 && post:
			return writes(e.updateProduct, productUpdateSpec)
		case n == 2 && del:
			return writes(e.deleteProduct, spec{})
		}
	case "prices":
		switch {
		case n == 1 && post:
			return writes(e.createPrice, priceCreateSpec)
		case n == 1 && get:
			return reads(e.listPrices, priceListSpec)
		case n == 2 && get && s[1] == "search":
			return reads(e.searchPrices, searchSpec)
		case n == 2 && get:
			return reads(retrieveFrom(e, e.prices, "price"), expandSpec)
		case n == 2 && post:
			return writes(e.updatePrice, priceUpdateSpec)
		}
	case "customers":
		switch {
		case n == 1 && post:
			return writes(e.createCustomer, customerCreateSpec)
		case n == 1 && get:
			return reads(e.listCustomers, customerListSpec)
		case n == 2 && get && s[1] == "search":
			return reads(e.searchCustomers, searchSpec)
		case n == 2 && get:
			return reads(e.retrieveCustomer, expandSpec)
		case n == 2 && post:
			return writes(e.updateCustomer, customerUpdateSpec)
		case n == 2 && del:
			return writes(e.deleteCustomer, spec{})
		case n == 3 && get && s[2] == "payment_methods":
			return reads(e.listCustomerPaymentMethods, customerPMListSpec)
		}
	case "payment_methods":
		switch {
		case n == 1 && post:
			return writes(e.createPaymentMethod, pmCreateSpec)
		case n == 1 && get:
			return reads(e.listPaymentMethods, pmListSpec)
		case n == 2 && get:
			return reads(e.retrievePaymentMethod, expandSpec)
		case n == 2 && post:
			return writes(e.updatePaymentMethod, pmUpdateSpec)
		case n == 3 && post && s[2] == "attach":
			return writes(e.attachPaymentMethod, pmAttachSpec)
		case n == 3 && post && s[2] == "detach":
			return writes(e.detachPaymentMethod, expandSpec)
		}
	case "payment_intents":
		switch {
		case n == 1 && post:
			return writes(e.createPaymentIntent, piCreateSpec)
		case n == 1 && get:
			return reads(e.listPaymentIntents, piListSpec)
		case n == 2 && get && s[1] == "search":
			return reads(e.searchPaymentIntents, searchSpec)
		case n == 2 && get:
			return reads(e.retrievePaymentIntent, piRetrieveSpec)
		case n == 2 && post:
			return writes(e.updatePaymentIntent, piUpdateSpec)
		case n == 3 && post && s[2] == "confirm":
			return writes(e.confirmPaymentIntent, piConfirmSpec)
		case n == 3 && post && s[2] == "capture":
			return writes(e.capturePaymentIntent, piCaptureSpec)
		case n == 3 && post && s[2] == "cancel":
			return writes(e.cancelPaymentIntent, piCancelSpec)
		}
	case "charges":
		switch {
		case n == 1 && get:
			return reads(e.listCharges, chargeListSpec)
		case n == 2 && get && s[1] == "search":
			return reads(e.searchCharges, searchSpec)
		case n == 2 && get:
			return reads(retrieveFrom(e, e.charges, "charge"), expandSpec)
		case n == 2 && post:
			return writes(e.updateCharge, chargeUpdateSpec)
		case n == 3 && post && s[2] == "capture":
			return writes(e.captureCharge, chargeCaptureSpec)
		}
	case "refunds":
		switch {
		case n == 1 && post:
			return writes(e.createRefund, refundCreateSpec)
		case n == 1 && get:
			return reads(e.listRefunds, refundListSpec)
		case n == 2 && get:
			return reads(retrieveFrom(e, e.refunds, "refund"), expandSpec)
		case n == 2 && post:
			return writes(e.updateRefund, refundUpdateSpec)
		}
	}
	return endpoint{}
}

// expand replaces expandable IDs by objects for paths like "customer",
// "latest_charge.customer" or "invoice_settings.default_payment_method".
func (e *Emulator) expand(w *wtx, obj any, paths []string) *apiError {
	for _, p := range paths {
		if p == "" {
			continue
		}
		if len(strings.Split(p, ".")) > 4 {
			return invalidRequest("", "expand", "You cannot expand more than 4 levels of a property. Property: %s", p)
		}
		head, rest, _ := strings.Cut(p, ".")
		if c, ok := obj.(*customer); ok && head == "invoice_settings" {
			head, rest, _ = strings.Cut(rest, ".")
			if head != "default_payment_method" {
				return errNotExpandable(p)
			}
			child, aerr := e.loadPM(w, &c.InvoiceSettings.DefaultPaymentMethod)
			if aerr != nil {
				return aerr
			}
			if rest != "" && child != nil {
				if aerr := e.expand(w, child, []string{rest}); aerr != nil {
					return aerr
				}
			}
			continue
		}
		child, aerr := e.expandOne(w, obj, head)
		if aerr != nil {
			return aerr
		}
		if rest != "" && child != nil {
			if aerr := e.expand(w, child, []string{rest}); aerr != nil {
				return aerr
			}
		}
	}
	return nil
}

func errNotExpandable(p string) *apiError {
	return invalidRequest("", "expand", "This property cannot be expanded (%s).", p)
}

func (e *Emulator) expandOne(w *wtx, obj any, field string) (any, *apiError) {
	switch o := obj.(type) {
	case *paymentIntent:
		switch field {
		case "latest_charge":
			return e.loadCharge(w, &o.LatestCharge)
		case "customer":
			return e.loadCustomer(w, &o.Customer)
		case "payment_method":
			return e.loadPM(w, &o.PaymentMethod)
		}
	case *charge:
		switch field {
		case "customer":
			return e.loadCustomer(w, &o.Customer)
		case "payment_intent":
			return e.loadPI(w, &o.PaymentIntent)
		case "refunds":
			items, more, aerr := e.refunds.page(w.tx, listQuery{index: 0, value: o.ID, limit: 100}, nil)
			if aerr != nil {
				return nil, aerr
			}
			o.Refunds = listOf(items, more, "/v1/charges/"+o.ID+"/refunds", func(r *refund) any { return r })
			return nil, nil
		}
	case *price:
		if field == "product" {
			return e.loadProduct(w, &o.Product)
		}
	case *product:
		if field == "default_price" {
			return e.loadPrice(w, &o.DefaultPrice)
		}
	case *paymentMethod:
		if field == "customer" {
			return e.loadCustomer(w, &o.Customer)
		}
	case *refund:
		switch field {
		case "charge":
			return e.loadCharge(w, &o.Charge)
		case "payment_intent":
			return e.loadPI(w, &o.PaymentIntent)
		}
	case *apiError:
		return nil, nil
	}
	return nil, errNotExpandable(field)
}

func loadInto[T any](w *wtx, t *table[T], r *ref, conv func(*T) any) (any, *apiError) {
	if r.ID == "" {
		return nil, nil
	}
	obj, _, err := t.get(w.tx, r.ID)
	if err != nil {
		if err == errNotStored {
			return nil, nil
		}
		return nil, errAPI("%v", err)
	}
	r.Obj = conv(obj)
	return r.Obj, nil
}

func (e *Emulator) loadCharge(w *wtx, r *ref) (any, *apiError) {
	return loadInto(w, e.charges, r, func(c *charge) any { return c })
}

// loadCustomer expands a Customer; one deleted since expands to the deleted
// stub (charge.customer and payment_intent.customer are "customer or
// deleted_customer" in Stripe's OpenAPI spec).
func (e *Emulator) loadCustomer(w *wtx, r *ref) (any, *apiError) {
	obj, aerr := loadInto(w, e.customers, r, func(c *customer) any { return c })
	if aerr == nil && obj == nil && r.ID != "" && e.customers.buried(w.tx, r.ID) {
		r.Obj = deletedCustomer(r.ID)
		return nil, nil // nothing to expand further inside the stub
	}
	return obj, aerr
}

func (e *Emulator) loadPM(w *wtx, r *ref) (any, *apiError) {
	return loadInto(w, e.pms, r, func(p *pmRecord) any { return &p.paymentMethod })
}

func (e *Emulator) loadPI(w *wtx, r *ref) (any, *apiError) {
	return loadInto(w, e.pis, r, func(p *piRecord) any { return &p.paymentIntent })
}

func (e *Emulator) loadProduct(w *wtx, r *ref) (any, *apiError) {
	return loadInto(w, e.products, r, func(p *product) any { return p })
}

func (e *Emulator) loadPrice(w *wtx, r *ref) (any, *apiError) {
	return loadInto(w, e.prices, r, func(p *price) any { return p })
}

// respond expands obj as the request asks.
func (e *Emulator) respond(w *wtx, rq *request, obj any) (any, *apiError) {
	if exp := rq.expand(); len(exp) > 0 {
		if aerr := e.expand(w, obj, exp); aerr != nil {
			return nil, aerr
		}
	}
	return obj, nil
}

// respondList expands "data.x" paths on every item.
func (e *Emulator) respondList(w *wtx, rq *request, l *listObject) (any, *apiError) {
	if aerr := e.expandData(w, l.Data, rq.expand()); aerr != nil {
		return nil, aerr
	}
	return l, nil
}

// expandData expands the "data.x" paths among paths on every item of a
// list's or a search's data.
func (e *Emulator) expandData(w *wtx, data []any, paths []string) *apiError {
	exp, aerr := splitExpand(paths)
	if aerr != nil || len(exp) == 0 {
		return aerr
	}
	for _, it := range data {
		if aerr := e.expand(w, it, exp); aerr != nil {
			return aerr
		}
	}
	return nil
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// created is the "created" time of objects made by this request.
func (w *wtx) created() int64 { return w.now.Unix() }

// retrieveFrom is the handler that retrieves one object of t by the ID in
// the path, with Stripe's 404 naming the kind.
func retrieveFrom[T any](e *Emulator, t *table[T], kind string) handlerFunc {
	return func(w *wtx, rq *request) (any, *apiError) {
		obj, _, err := t.get(w.tx, rq.segs[1])
		if err != nil {
			return nil, notFound(err, kind, "id", rq.segs[1])
		}
		return e.respond(w, rq, obj)
	}
}
