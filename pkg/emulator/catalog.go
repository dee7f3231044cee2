package emulator

import (
	"strconv"
)

// Products.

// productCreateSpec and productUpdateSpec are the parameters of Create and
// Update a product. A product's type is set when it is created: "Update a
// product" takes no type, and one sent was dropped with a 200.
var (
	productCreateSpec = spec{"id": nil, "name": nil, "active": nil, "description": nil, "metadata": specHash,
		"expand": specList, "images": specList, "url": nil, "statement_descriptor": nil, "unit_label": nil,
		"tax_code": nil, "shippable": nil, "features": specAny, "type": nil}
	productUpdateSpec = spec{"name": nil, "active": nil, "description": orEmpty{}, "metadata": orEmpty{specHash},
		"expand": specList, "images": orEmpty{specList}, "url": orEmpty{}, "statement_descriptor": nil,
		"unit_label": orEmpty{}, "tax_code": orEmpty{}, "shippable": nil, "default_price": nil, "features": orEmpty{specAny}}
	productListSpec = merge(listSpec, spec{"active": nil, "ids": specList, "shippable": nil, "url": nil, "type": nil})
)

func (e *Emulator) createProduct(w *wtx, rq *request) (any, *apiError) {
	name, ok := rq.str("name")
	if !ok || name == "" {
		return nil, errMissing("name")
	}
	p := &product{Object: "product", Active: true, Created: w.created(), Name: name, Images: []string{},
		Features: []any{}, Type: "service", Metadata: map[string]string{}}
	p.Updated = p.Created
	if aerr := e.applyProduct(rq, p); aerr != nil {
		return nil, aerr
	}
	// type was accepted and dropped: a product created as a good answered
	// service, and listing by type could not find it.
	if typ, ok := rq.str("type"); ok {
		if typ != "good" && typ != "service" {
			return nil, invalidRequest("", "type", "Invalid type: must be one of good or service")
		}
		p.Type = typ
	}
	seq, err := w.nextSeq()
	if err != nil {
		return nil, errAPI("%v", err)
	}
	if id, ok := rq.str("id"); ok && id != "" {
		if _, _, exists := e.products.getRaw(w.tx, id); exists {
			return nil, invalidRequest("resource_already_exists", "id", "Product already exists.")
		}
		p.ID = id
	} else {
		p.ID = newID("prod_", seq)
	}
	if err := e.products.insert(w, p, seq); err != nil {
		return nil, errAPI("%v", err)
	}
	return e.respond(w, rq, p)
}

func (e *Emulator) applyProduct(rq *request, p *product) *apiError {
	if v, ok := rq.str("name"); ok {
		if v == "" {
			return invalidRequest("", "name", "You must provide a non-empty name for the product.")
		}
		p.Name = v
	}
	if b, ok, aerr := rq.bool("active"); aerr != nil {
		return aerr
	} else if ok {
		p.Active = b
	}
	if v, ok := rq.optStr("description"); ok {
		p.Description = v
	}
	if v, ok := rq.optStr("url"); ok {
		p.URL = v
	}
	if b, ok, aerr := rq.bool("shippable"); aerr != nil {
		return aerr
	} else if ok {
		p.Shippable = b
	}
	if v, ok := rq.optStr("statement_descriptor"); ok {
		p.StatementDescriptor = v
	}
	if v, ok := rq.optStr("unit_label"); ok {
		p.UnitLabel = v
	}
	if rq.has("images") {
		p.Images = append([]string{}, rq.list("images")...)
	}
	md, aerr := applyMetadata(p.Metadata, rq)
	if aerr != nil {
		return aerr
	}
	p.Metadata = md
	return nil
}

func notFound(err error, kind, param, id string) *apiError {
	if err == errNotStored {
		return errNoSuch(kind, param, id)
	}
	return errAPI("%v", err)
}

func (e *Emulator) updateProduct(w *wtx, rq *request) (any, *apiError) {
	old, pos, err := e.products.get(w.tx, rq.segs[1])
	if err != nil {
		return nil, notFound(err, "product", "id", rq.segs[1])
	}
	p := *old
	p.Metadata = copyMD(old.Metadata)
	if aerr := e.applyProduct(rq, &p); aerr != nil {
		return nil, aerr
	}
	if v, ok := rq.str("default_price"); ok {
		if v == "" {
			p.DefaultPrice = ref{}
		} else {
			pr, _, err := e.prices.get(w.tx, v)
			if err != nil {
				return nil, notFound(err, "price", "default_price", v)
			}
			if pr.Product.ID != p.ID {
				return nil, invalidRequest("", "default_price", "The price %s does not belong to product %s.", v, p.ID)
			}
			p.DefaultPrice = refTo(v)
		}
	}
	p.Updated = w.now.Unix()
	if err := e.products.update(w, old, &p, pos); err != nil {
		return nil, errAPI("%v", err)
	}
	return e.respond(w, rq, &p)
}

func (e *Emulator) deleteProduct(w *wtx, rq *request) (any, *apiError) {
	p, pos, err := e.products.get(w.tx, rq.segs[1])
	if err != nil {
		return nil, notFound(err, "product", "id", rq.segs[1])
	}
	prices, _, aerr := e.prices.page(w.tx, listQuery{index: 1, value: p.ID, limit: 1}, nil)
	if aerr != nil {
		return nil, aerr
	}
	if len(prices) > 0 {
		return nil, invalidRequest("", "", "This product cannot be deleted because it has one or more user-created prices.")
	}
	if err := e.products.remove(w, p, pos); err != nil {
		return nil, errAPI("%v", err)
	}
	return &deleted{ID: p.ID, Object: "product", Deleted: true}, nil
}

func (e *Emulator) listProducts(w *wtx, rq *request) (any, *apiError) {
	q, aerr := rq.listQuery()
	if aerr != nil {
		return nil, aerr
	}
	active, hasActive, aerr := rq.bool("active")
	if aerr != nil {
		return nil, aerr
	}
	// shippable, url and type select as the API reference's "List all
	// products" describes them: "Only return products that can be shipped",
	// "with the given url", "of this type". A product whose shippable is
	// null is neither shippable=true nor shippable=false.
	shippable, hasShippable, aerr := rq.bool("shippable")
	if aerr != nil {
		return nil, aerr
	}
	url, hasURL := rq.str("url")
	typ, hasType := rq.str("type")
	if hasType && typ != "good" && typ != "service" {
		return nil, invalidRequest("", "type", "Invalid type: must be one of good or service")
	}
	ids := setOf(rq.list("ids")...)
	items, more, aerr := e.products.page(w.tx, q, func(p *product) bool {
		if hasShippable {
			if b, ok := p.Shippable.(bool); !ok || b != shippable {
				return false
			}
		}
		return (!hasActive || p.Active == active) && (len(ids) == 0 || ids[p.ID]) &&
			(!hasURL || p.URL != nil && *p.URL == url) && (!hasType || p.Type == typ)
	})
	if aerr != nil {
		return nil, aerr
	}
	return e.respondList(w, rq, listOf(items, more, "/v1/products", func(p *product) any { return p }))
}

// Prices.

// priceCreateSpec, priceUpdateSpec and priceListSpec are the parameters of
// Create, Update and List prices.
var priceCreateSpec = spec{"product": nil, "unit_amount": nil, "unit_amount_decimal": nil, "currency": nil,
	"lookup_key": nil, "transfer_lookup_key": nil, "active": nil, "metadata": specHash, "nickname": nil,
	"expand": specList, "tax_behavior": nil, "billing_scheme": nil,
	"recurring":    spec{"interval": nil, "interval_count": nil, "usage_type": nil, "aggregate_usage": nil, "trial_period_days": nil},
	"product_data": spec{"name": nil, "active": nil, "metadata": specHash, "statement_descriptor": nil, "unit_label": nil, "id": nil}}

var priceUpdateSpec = spec{"active": nil, "metadata": orEmpty{specHash}, "lookup_key": nil,
	"transfer_lookup_key": nil, "nickname": nil, "expand": specList, "tax_behavior": nil}

var priceListSpec = merge(listSpec, spec{"active": nil, "product": nil, "lookup_keys": specList,
	"currency": nil, "type": nil, "recurring": specAny})

func (e *Emulator) createPrice(w *wtx, rq *request) (any, *apiError) {
	cur, ok := rq.str("currency")
	if !ok || cur == "" {
		return nil, errMissing("currency")
	}
	cur, aerr := checkCurrency(cur, "currency")
	if aerr != nil {
		return nil, aerr
	}
	prodID, hasProduct := rq.str("product")
	if !hasProduct && !rq.has("product_data") {
		return nil, errMissing("product")
	}
	p := &price{Object: "price", Active: true, BillingScheme: "per_unit", Created: w.created(), Currency: cur,
		Metadata: map[string]string{}, TaxBehavior: "unspecified", Type: "one_time"}
	amt, hasAmt, aerr := rq.int("unit_amount")
	if aerr != nil {
		return nil, aerr
	}
	if hasAmt {
		if amt < 0 {
			return nil, invalidRequest("", "unit_amount", "This value must be greater than or equal to 0.")
		}
		p.UnitAmount = int64p(amt)
		p.UnitAmountDecimal = strp(strconv.FormatInt(amt, 10))
	} else if d, ok := rq.str("unit_amount_decimal"); ok {
		f, err := strconv.ParseFloat(d, 64)
		if err != nil || f < 0 {
			return nil, invalidRequest("", "unit_amount_decimal", "Invalid decimal: %s", d)
		}
		p.UnitAmountDecimal = strp(d)
		if f == float64(int64(f)) {
			p.UnitAmount = int64p(int64(f))
		}
	} else {
		return nil, errMissing("unit_amount")
	}
	if rq.has("recurring") {
		iv, _ := rq.str("recurring", "interval")
		switch iv {
		case "day", "week", "month", "year":
		case "":
			return nil, errMissing("recurring[interval]")
		default:
			return nil, invalidRequest("", "recurring[interval]", "Invalid recurring[interval]: must be one of day, week, month, or year")
		}
		n, ok, aerr := rq.int("recurring", "interval_count")
		if aerr != nil {
			return nil, aerr
		}
		if !ok {
			n = 1
		}
		p.Recurring = &recurring{Interval: iv, IntervalCount: n, UsageType: "licensed"}
		p.Type = "recurring"
	}
	if v, ok := rq.str("tax_behavior"); ok {
		p.TaxBehavior = v
	}
	if v, ok := rq.optStr("nickname"); ok {
		p.Nickname = v
	}
	if b, ok, aerr := rq.bool("active"); aerr != nil {
		return nil, aerr
	} else if ok {
		p.Active = b
	}
	md, aerr := applyMetadata(p.Metadata, rq)
	if aerr != nil {
		return nil, aerr
	}
	p.Metadata = md
	transfer, _, aerr := rq.bool("transfer_lookup_key")
	if aerr != nil {
		return nil, aerr
	}
	lk, hasLK := rq.optStr("lookup_key")
	if hasLK && lk != nil {
		if aerr := e.checkLookupKey(w, *lk, "", transfer, true); aerr != nil {
			return nil, aerr
		}
	}
	if hasProduct {
		if _, _, ok := e.products.getRaw(w.tx, prodID); !ok {
			return nil, errNoSuch("product", "product", prodID)
		}
	}
	// Writes start here.
	if !hasProduct {
		name, _ := rq.str("product_data", "name")
		if name == "" {
			return nil, errMissing("product_data[name]")
		}
		seq, err := w.nextSeq()
		if err != nil {
			return nil, errAPI("%v", err)
		}
		prod := &product{ID: newID("prod_", seq), Object: "product", Active: true, Created: w.created(), Name: name,
			Images: []string{}, Features: []any{}, Type: "service", Metadata: map[string]string{}}
		prod.Updated = prod.Created
		if id, ok := rq.str("product_data", "id"); ok && id != "" {
			if _, _, exists := e.products.getRaw(w.tx, id); exists {
				return nil, invalidRequest("resource_already_exists", "product_data[id]", "Product already exists.")
			}
			prod.ID = id
		}
		if err := e.products.insert(w, prod, seq); err != nil {
			return nil, errAPI("%v", err)
		}
		prodID = prod.ID
	}
	if hasLK && lk != nil {
		if aerr := e.checkLookupKey(w, *lk, "", transfer, false); aerr != nil {
			return nil, aerr
		}
		p.LookupKey = lk
	}
	p.Product = refTo(prodID)
	seq, err := w.nextSeq()
	if err != nil {
		return nil, errAPI("%v", err)
	}
	p.ID = newID("price_", seq)
	if err := e.prices.insert(w, p, seq); err != nil {
		return nil, errAPI("%v", err)
	}
	return e.respond(w, rq, p)
}

// checkLookupKey refuses a lookup key held by another price, or (with
// transfer and !dryRun) takes it from that price.
func (e *Emulator) checkLookupKey(w *wtx, key, self string, transfer, dryRun bool) *apiError {
	holders, _, aerr := e.prices.page(w.tx, listQuery{index: 0, value: key, limit: 100}, nil)
	if aerr != nil {
		return aerr
	}
	for _, h := range holders {
		if h.ID == self {
			continue
		}
		if !transfer {
			return invalidRequest("lookup_key_already_exists", "lookup_key",
				"A price (`%s`) already uses that lookup key.", h.ID)
		}
		if dryRun {
			continue
		}
		_, pos, err := e.prices.get(w.tx, h.ID)
		if err != nil {
			return errAPI("%v", err)
		}
		moved := *h
		moved.LookupKey = nil
		if err := e.prices.update(w, h, &moved, pos); err != nil {
			return errAPI("%v", err)
		}
	}
	return nil
}

func (e *Emulator) updatePrice(w *wtx, rq *request) (any, *apiError) {
	old, pos, err := e.prices.get(w.tx, rq.segs[1])
	if err != nil {
		return nil, notFound(err, "price", "id", rq.segs[1])
	}
	p := *old
	p.Metadata = copyMD(old.Metadata)
	if b, ok, aerr := rq.bool("active"); aerr != nil {
		return nil, aerr
	} else if ok {
		p.Active = b
	}
	if v, ok := rq.optStr("nickname"); ok {
		p.Nickname = v
	}
	md, aerr := applyMetadata(p.Metadata, rq)
	if aerr != nil {
		return nil, aerr
	}
	p.Metadata = md
	transfer, _, aerr := rq.bool("transfer_lookup_key")
	if aerr != nil {
		return nil, aerr
	}
	if lk, ok := rq.optStr("lookup_key"); ok {
		if lk != nil {
			if aerr := e.checkLookupKey(w, *lk, p.ID, transfer, true); aerr != nil {
				return nil, aerr
			}
			if aerr := e.checkLookupKey(w, *lk, p.ID, transfer, false); aerr != nil {
				return nil, aerr
			}
		}
		p.LookupKey = lk
	}
	if err := e.prices.update(w, old, &p, pos); err != nil {
		return nil, errAPI("%v", err)
	}
	return e.respond(w, rq, &p)
}

func (e *Emulator) listPrices(w *wtx, rq *request) (any, *apiError) {
	q, aerr := rq.listQuery()
	if aerr != nil {
		return nil, aerr
	}
	active, hasActive, aerr := rq.bool("active")
	if aerr != nil {
		return nil, aerr
	}
	cur, _ := rq.str("currency")
	typ, _ := rq.str("type")
	product, hasProduct := rq.str("product")
	keep := func(p *price) bool {
		return (!hasActive || p.Active == active) && (cur == "" || p.Currency == cur) && (typ == "" || p.Type == typ) &&
			(!hasProduct || p.Product.ID == product)
	}
	var items []*price
	var more bool
	if keys := rq.list("lookup_keys"); len(keys) > 0 {
		if len(keys) > 10 {
			return nil, invalidRequest("", "lookup_keys", "You may only specify up to 10 lookup keys.")
		}
		// Few prices hold any key: gather them all, newest first, each key's
		// on the side of the cursor the request names and in its created
		// range, then keep the page next to the cursor.
		for _, k := range keys {
			kq := q
			kq.index, kq.value, kq.limit = 0, k, 100
			got, _, aerr := e.prices.page(w.tx, kq, keep)
			if aerr != nil {
				return nil, aerr
			}
			items = append(items, got...)
		}
		sortNewestFirst(items, func(p *price) int64 { return p.Created }, func(p *price) string { return p.ID })
		if len(items) > q.limit {
			more = true
			if q.endingBefore != "" {
				items = items[len(items)-q.limit:]
			} else {
				items = items[:q.limit]
			}
		}
	} else {
		if hasProduct {
			q.index, q.value = 1, product
		}
		items, more, aerr = e.prices.page(w.tx, q, keep)
		if aerr != nil {
			return nil, aerr
		}
	}
	return e.respondList(w, rq, listOf(items, more, "/v1/prices", func(p *price) any { return p }))
}

func sortNewestFirst[T any](items []*T, created func(*T) int64, id func(*T) string) {
	less := func(a, b *T) bool {
		if created(a) != created(b) {
			return created(a) > created(b)
		}
		return id(a) > id(b)
	}
	for i := 1; i < len(items); i++ {
		for j := i; j > 0 && less(items[j], items[j-1]); j-- {
			items[j], items[j-1] = items[j-1], items[j]
		}
	}
}

func copyMD(md map[string]string) map[string]string {
	out := make(map[string]string, len(md))
	for k, v := range md {
		out[k] = v
	}
	return out
}

// Customers.

// customerCreateSpec and customerUpdateSpec are the parameters of Create
// and Update a customer (which takes no payment_method).
var (
	customerCreateSpec = spec{"email": nil, "name": nil, "description": nil, "metadata": orEmpty{specHash}, "phone": nil,
		"payment_method": nil, "expand": specList, "address": orEmpty{addressSpec},
		"shipping": orEmpty{spec{"name": nil, "phone": nil, "address": addressSpec}}, "preferred_locales": specList,
		"invoice_settings": spec{"default_payment_method": nil, "custom_fields": orEmpty{specAny}, "footer": nil,
			"rendering_options": orEmpty{spec{"amount_tax_display": orEmpty{}}}},
		"invoice_prefix": nil, "tax_exempt": orEmpty{}, "balance": nil}
	customerUpdateSpec = func() spec {
		s := merge(customerCreateSpec)
		delete(s, "payment_method")
		return s
	}()
	customerListSpec   = merge(listSpec, spec{"email": nil, "test_clock": nil})
	customerPMListSpec = merge(pageSpec, spec{"type": nil, "allow_redisplay": nil})
)

// addressSpec is an address hash (a customer's, a shipping or a billing
// address).
var addressSpec = spec{"city": nil, "country": nil, "line1": nil, "line2": nil, "postal_code": nil, "state": nil}

func (e *Emulator) createCustomer(w *wtx, rq *request) (any, *apiError) {
	c := &customer{Object: "customer", Created: w.created(), Metadata: map[string]string{},
		NextInvoiceSequence: 1, PreferredLocales: []string{}, TaxExempt: "none"}
	if aerr := applyCustomer(rq, c); aerr != nil {
		return nil, aerr
	}
	pmID, hasPM := rq.str("payment_method")
	if hasPM && pmID != "" {
		if _, aerr := e.resolvePM(w, pmID, "payment_method", true); aerr != nil {
			return nil, aerr
		}
	}
	seq, err := w.nextSeq()
	if err != nil {
		return nil, errAPI("%v", err)
	}
	c.ID = newID("cus_", seq)
	c.InvoicePrefix = invoicePrefix(c.ID)
	if hasPM && pmID != "" {
		pm, aerr := e.resolvePM(w, pmID, "payment_method", false)
		if aerr != nil {
			return nil, aerr
		}
		if aerr := e.attach(w, pm, c.ID); aerr != nil {
			return nil, aerr
		}
	}
	if d, ok := rq.str("invoice_settings", "default_payment_method"); ok && d != "" {
		if aerr := e.checkDefaultPM(w, c.ID, d); aerr != nil {
			return nil, aerr
		}
		c.InvoiceSettings.DefaultPaymentMethod = refTo(d)
	}
	if err := e.customers.insert(w, c, seq); err != nil {
		return nil, errAPI("%v", err)
	}
	return e.respond(w, rq, c)
}

func invoicePrefix(id string) string {
	s := stableToken(id, 8)
	out := make([]byte, 8)
	for i := range out {
		c := s[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		out[i] = c
	}
	return string(out)
}

func (e *Emulator) checkDefaultPM(w *wtx, cusID, pmID string) *apiError {
	pm, _, err := e.pms.get(w.tx, pmID)
	if err != nil {
		return notFound(err, "PaymentMethod", "invoice_settings[default_payment_method]", pmID)
	}
	if pm.Customer.ID != cusID {
		return invalidRequest("", "invoice_settings[default_payment_method]",
			"The customer does not have a payment method with the ID %s. The payment method must be attached to the customer.", pmID)
	}
	return nil
}

func applyCustomer(rq *request, c *customer) *apiError {
	if v, ok := rq.optStr("email"); ok {
		c.Email = v
	}
	if v, ok := rq.optStr("name"); ok {
		c.Name = v
	}
	if v, ok := rq.optStr("description"); ok {
		c.Description = v
	}
	if v, ok := rq.optStr("phone"); ok {
		c.Phone = v
	}
	if rq.has("preferred_locales") {
		c.PreferredLocales = append([]string{}, rq.list("preferred_locales")...)
	}
	if v, ok := rq.str("tax_exempt"); ok {
		if v == "" { // unset: the default
			v = "none"
		}
		c.TaxExempt = v
	}
	if v, ok, aerr := rq.int("balance"); aerr != nil {
		return aerr
	} else if ok {
		c.Balance = v
	}
	// address= and shipping= unset them.
	if a, ok := rq.params["address"]; ok {
		c.Address = hashOrNil(a)
	}
	if a, ok := rq.params["shipping"]; ok {
		c.Shipping = hashOrNil(a)
	}
	md, aerr := applyMetadata(c.Metadata, rq)
	if aerr != nil {
		return aerr
	}
	c.Metadata = md
	return nil
}

func (e *Emulator) updateCustomer(w *wtx, rq *request) (any, *apiError) {
	old, pos, err := e.customers.get(w.tx, rq.segs[1])
	if err != nil {
		return nil, notFound(err, "customer", "id", rq.segs[1])
	}
	c := *old
	c.Metadata = copyMD(old.Metadata)
	if aerr := applyCustomer(rq, &c); aerr != nil {
		return nil, aerr
	}
	if d, ok := rq.str("invoice_settings", "default_payment_method"); ok {
		if d == "" {
			c.InvoiceSettings.DefaultPaymentMethod = ref{}
		} else {
			if aerr := e.checkDefaultPM(w, c.ID, d); aerr != nil {
				return nil, aerr
			}
			c.InvoiceSettings.DefaultPaymentMethod = refTo(d)
		}
	}
	if err := e.customers.update(w, old, &c, pos); err != nil {
		return nil, errAPI("%v", err)
	}
	return e.respond(w, rq, &c)
}

func (e *Emulator) deleteCustomer(w *wtx, rq *request) (any, *apiError) {
	c, pos, err := e.customers.get(w.tx, rq.segs[1])
	if err != nil {
		return nil, notFound(err, "customer", "id", rq.segs[1])
	}
	for {
		pms, _, aerr := e.pms.page(w.tx, listQuery{index: 0, value: c.ID, limit: 100}, nil)
		if aerr != nil {
			return nil, aerr
		}
		if len(pms) == 0 {
			break
		}
		for _, pm := range pms {
			_, ppos, err := e.pms.get(w.tx, pm.ID)
			if err != nil {
				return nil, errAPI("%v", err)
			}
			det := *pm
			det.Customer = ref{}
			if err := e.pms.update(w, pm, &det, ppos); err != nil {
				return nil, errAPI("%v", err)
			}
		}
	}
	if err := e.customers.remove(w, c, pos); err != nil {
		return nil, errAPI("%v", err)
	}
	if err := e.customers.bury(w, c.ID); err != nil {
		return nil, errAPI("%v", err)
	}
	return deletedCustomer(c.ID), nil
}

// deletedCustomer is what Stripe answers for a deleted Customer: on
// retrieve, and wherever one is expanded (the API reference's "a subset of
// the customer's information will be returned, including a deleted
// property, which will be true"; the OpenAPI spec's deleted_customer).
func deletedCustomer(id string) *deleted {
	return &deleted{ID: id, Object: "customer", Deleted: true}
}

// retrieveCustomer answers GET /v1/customers/{id}: a deleted Customer is
// the deleted stub with 200, not a 404. Everything else that names one
// (update, delete again, attach, a PaymentIntent, a cursor) still finds no
// such customer, as on Stripe.
func (e *Emulator) retrieveCustomer(w *wtx, rq *request) (any, *apiError) {
	id := rq.segs[1]
	c, _, err := e.customers.get(w.tx, id)
	if err == errNotStored && e.customers.buried(w.tx, id) {
		return deletedCustomer(id), nil
	}
	if err != nil {
		return nil, notFound(err, "customer", "id", id)
	}
	return e.respond(w, rq, c)
}

func (e *Emulator) listCustomers(w *wtx, rq *request) (any, *apiError) {
	q, aerr := rq.listQuery()
	if aerr != nil {
		return nil, aerr
	}
	if email, ok := rq.str("email"); ok {
		q.index, q.value = 0, email
	}
	items, more, aerr := e.customers.page(w.tx, q, nil)
	if aerr != nil {
		return nil, aerr
	}
	return e.respondList(w, rq, listOf(items, more, "/v1/customers", func(c *customer) any { return c }))
}

// customerSearchFields are the query fields of a customer search and their
// types (docs.stripe.com/search, "Query fields for customers").
var customerSearchFields = map[string]fieldType{"created": numericField, "email": stringField,
	"metadata": tokenField, "name": stringField, "phone": stringField}

// searchCustomers answers GET /v1/customers/search, as searchCharges does
// for charges. email is a string field, matched by its words, which the
// email index cannot look up.
func (e *Emulator) searchCustomers(w *wtx, rq *request) (any, *apiError) {
	return searchIn(e, w, rq, e.customers, customerSearchFields, nil, customerValue, nil)
}

func customerValue(c *customer, s *searchClause) searchValue {
	switch s.field {
	case "metadata":
		return metadataValue(c.Metadata, s.key)
	case "email":
		return ptrValue(c.Email)
	case "name":
		return ptrValue(c.Name)
	case "phone":
		return ptrValue(c.Phone)
	case "created":
		return numValue(c.Created)
	}
	return searchValue{}
}

// priceSearchFields and productSearchFields are the query fields of a price
// and a product search and their types (docs.stripe.com/search, "Query
// fields for prices" and "Query fields for products").
var (
	priceSearchFields = map[string]fieldType{"active": tokenField, "currency": tokenField,
		"lookup_key": stringField, "metadata": tokenField, "product": stringField, "type": tokenField}
	productSearchFields = map[string]fieldType{"active": tokenField, "description": stringField,
		"metadata": tokenField, "name": stringField, "shippable": tokenField, "url": stringField}
)

// searchPrices answers GET /v1/prices/search, as searchCharges does for
// charges. lookup_key and product are string fields, matched by their
// words, which their indexes cannot look up.
func (e *Emulator) searchPrices(w *wtx, rq *request) (any, *apiError) {
	return searchIn(e, w, rq, e.prices, priceSearchFields, nil, priceValue, nil)
}

func priceValue(p *price, s *searchClause) searchValue {
	switch s.field {
	case "metadata":
		return metadataValue(p.Metadata, s.key)
	case "active":
		return boolValue(p.Active)
	case "currency":
		return strValue(p.Currency)
	case "lookup_key":
		return ptrValue(p.LookupKey)
	case "product":
		return strValue(p.Product.ID)
	case "type":
		return strValue(p.Type)
	}
	return searchValue{}
}

// searchProducts answers GET /v1/products/search, as searchCharges does
// for charges. Products have no index a clause could read.
func (e *Emulator) searchProducts(w *wtx, rq *request) (any, *apiError) {
	return searchIn(e, w, rq, e.products, productSearchFields, nil, productValue, nil)
}

func productValue(p *product, s *searchClause) searchValue {
	switch s.field {
	case "metadata":
		return metadataValue(p.Metadata, s.key)
	case "active":
		return boolValue(p.Active)
	case "description":
		return ptrValue(p.Description)
	case "name":
		return strValue(p.Name)
	case "shippable":
		if b, ok := p.Shippable.(bool); ok {
			return boolValue(b)
		}
	case "url":
		return ptrValue(p.URL)
	}
	return searchValue{}
}

// hashOrNil is a hash parameter's value, or nil for "" (unset).
func hashOrNil(v any) any {
	if m, ok := v.(map[string]any); ok {
		return m
	}
	return nil
}
