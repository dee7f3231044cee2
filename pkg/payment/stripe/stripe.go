// Package stripe is tweetpay's one payment gateway: stripe-go v76 talking to
// Stripe, to stripe-mock, or to the embedded emulator. It is the only package
// that imports stripe-go; nothing of stripe-go leaves it.
package stripe

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"net"
	"net/http"
	"strings"
	"time"

	stripe "github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"
	"github.com/stripe/stripe-go/v76/form"

	"github.com/tweetpay/tweetpay/pkg/payment"
)

// Options configure a Gateway.
type Options struct {
	// Key is the secret key sent as a bearer token.
	Key string
	// URL is the API base; empty means Stripe's.
	URL string
	// HTTPClient carries the requests; the embedded emulator passes one whose
	// Transport serves them in-process.
	HTTPClient *http.Client
	// MaxNetworkRetries is stripe-go's retry budget for transport errors,
	// 409, 503 and answers with Stripe-Should-Retry: true (default 2).
	MaxNetworkRetries int
	// RateLimitRetries is how many times a 429 is retried with backoff, with
	// the same idempotency key (default 3).
	RateLimitRetries int
	// NoRetrySleep turns off the backoff sleeps; for tests.
	NoRetrySleep bool
}

// Gateway implements payment.Gateway with stripe-go.
type Gateway struct {
	sc      *client.API
	retries int
	sleep   func(context.Context, time.Duration) error
}

var _ payment.Gateway = (*Gateway)(nil)

// New returns a Gateway. It makes no network call.
func New(opts Options) *Gateway {
	retries := int64(2)
	if opts.MaxNetworkRetries > 0 {
		retries = int64(opts.MaxNetworkRetries)
	}
	hc := opts.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 80 * time.Second}
	}
	cfg := &stripe.BackendConfig{
		HTTPClient:        hc,
		MaxNetworkRetries: stripe.Int64(retries),
		LeveledLogger:     &stripe.LeveledLogger{Level: stripe.LevelNull},
		EnableTelemetry:   stripe.Bool(false),
	}
	if opts.URL != "" {
		cfg.URL = stripe.String(opts.URL)
	}
	b := stripe.GetBackendWithConfig(stripe.APIBackend, cfg)
	if opts.NoRetrySleep {
		if bi, ok := b.(*stripe.BackendImplementation); ok {
			bi.SetNetworkRetriesSleep(false)
		}
	}
	sc := client.New(opts.Key, &stripe.Backends{API: b, Uploads: b, Connect: b})
	g := &Gateway{sc: sc, retries: 3, sleep: sleepCtx}
	if opts.RateLimitRetries > 0 {
		g.retries = opts.RateLimitRetries
	}
	if opts.NoRetrySleep {
		g.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	}
	return g
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// call runs fn, retrying rate-limit answers (which stripe-go does not retry
// unless Stripe says so) with backoff. Every retry reuses the same params and
// so the same idempotency key.
func call[T any](ctx context.Context, g *Gateway, fn func() (T, error)) (T, error) {
	var zero T
	for attempt := 0; ; attempt++ {
		v, err := fn()
		if err == nil {
			return v, nil
		}
		var se *stripe.Error
		if attempt < g.retries && errors.As(err, &se) && se.HTTPStatusCode == http.StatusTooManyRequests {
			d := time.Duration(500+500*attempt*attempt) * time.Millisecond
			if serr := g.sleep(ctx, min(d, 5*time.Second)); serr != nil {
				return zero, serr
			}
			continue
		}
		if ctx.Err() != nil {
			return zero, ctx.Err()
		}
		return zero, translate(err)
	}
}

// translate maps stripe-go's errors onto payment's sentinels, keeping
// Stripe's codes and message.
func translate(err error) error {
	var se *stripe.Error
	if !errors.As(err, &se) {
		var ne net.Error
		if errors.As(err, &ne) || isNetworkError(err) {
			return &payment.Error{Kind: payment.ErrUnavailable, Message: "network error: " + err.Error()}
		}
		return err
	}
	pe := &payment.Error{
		Type:        string(se.Type),
		Code:        string(se.Code),
		DeclineCode: string(se.DeclineCode),
		Param:       se.Param,
		Message:     se.Msg,
		ChargeID:    se.ChargeID,
		HTTPStatus:  se.HTTPStatusCode,
		RequestID:   se.RequestID,
	}
	if se.PaymentIntent != nil {
		pe.PaymentID = se.PaymentIntent.ID
	}
	switch {
	case se.Type == stripe.ErrorTypeCard:
		pe.Kind = payment.ErrDeclined
	case se.HTTPStatusCode == http.StatusUnauthorized || se.HTTPStatusCode == http.StatusForbidden:
		pe.Kind = payment.ErrAuth
	case se.HTTPStatusCode == http.StatusNotFound:
		pe.Kind = payment.ErrNotFound
	case se.HTTPStatusCode == http.StatusTooManyRequests || se.HTTPStatusCode >= 500 || se.HTTPStatusCode == http.StatusConflict:
		pe.Kind = payment.ErrUnavailable
	case se.HTTPStatusCode == http.StatusBadRequest:
		pe.Kind = payment.ErrInvalidRequest
	default:
		pe.Kind = errors.New("stripe error")
	}
	return pe
}

func isNetworkError(err error) bool {
	s := err.Error()
	for _, m := range []string{"connection reset", "connection refused", "EOF", "broken pipe", "no such host", "timeout"} {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

func params(ctx context.Context, key string) stripe.Params {
	p := stripe.Params{Context: ctx}
	if key != "" {
		p.IdempotencyKey = stripe.String(key)
	}
	return p
}

// EnsureProduct creates the product with its custom ID, or returns the
// existing one. The bool reports whether it was created.
func (g *Gateway) EnsureProduct(ctx context.Context, p payment.Product, key string) (payment.Product, bool, error) {
	existing, err := g.GetProduct(ctx, p.ID)
	if err == nil {
		return existing, false, nil
	}
	if !errors.Is(err, payment.ErrNotFound) {
		return payment.Product{}, false, err
	}
	pp := &stripe.ProductParams{
		Params:   params(ctx, key),
		ID:       stripe.String(p.ID),
		Name:     stripe.String(p.Name),
		Active:   stripe.Bool(p.Active),
		Metadata: p.Metadata,
	}
	if p.Description != "" {
		pp.Description = stripe.String(p.Description)
	}
	sp, err := call(ctx, g, func() (*stripe.Product, error) { return g.sc.Products.New(pp) })
	if err != nil {
		return payment.Product{}, false, err
	}
	return product(sp), true, nil
}

// GetProduct retrieves a product.
func (g *Gateway) GetProduct(ctx context.Context, id string) (payment.Product, error) {
	sp, err := call(ctx, g, func() (*stripe.Product, error) {
		return g.sc.Products.Get(id, &stripe.ProductParams{Params: stripe.Params{Context: ctx}})
	})
	if err != nil {
		return payment.Product{}, err
	}
	return product(sp), nil
}

// UpdateProduct sets a product's name, description, active flag and metadata.
func (g *Gateway) UpdateProduct(ctx context.Context, p payment.Product, key string) (payment.Product, error) {
	pp := &stripe.ProductParams{
		Params:      params(ctx, key),
		Name:        stripe.String(p.Name),
		Description: stripe.String(p.Description),
		Active:      stripe.Bool(p.Active),
		Metadata:    p.Metadata,
	}
	sp, err := call(ctx, g, func() (*stripe.Product, error) { return g.sc.Products.Update(p.ID, pp) })
	if err != nil {
		return payment.Product{}, err
	}
	return product(sp), nil
}

func product(sp *stripe.Product) payment.Product {
	return payment.Product{ID: sp.ID, Name: sp.Name, Description: sp.Description, Active: sp.Active, Metadata: sp.Metadata}
}

// PriceByLookupKey finds the active price holding a lookup key.
func (g *Gateway) PriceByLookupKey(ctx context.Context, lookupKey string) (payment.Price, bool, error) {
	lp := &stripe.PriceListParams{LookupKeys: []*string{stripe.String(lookupKey)}}
	lp.Context = ctx
	lp.Limit = stripe.Int64(1)
	lp.Single = true
	it := g.sc.Prices.List(lp)
	for it.Next() {
		return price(it.Price()), true, nil
	}
	if err := it.Err(); err != nil {
		return payment.Price{}, false, translate(err)
	}
	return payment.Price{}, false, nil
}

// CreatePrice creates a price; with a lookup key it takes the key over from
// any price that held it.
func (g *Gateway) CreatePrice(ctx context.Context, p payment.Price, key string) (payment.Price, error) {
	pp := &stripe.PriceParams{
		Params:     params(ctx, key),
		Product:    stripe.String(p.Product),
		UnitAmount: stripe.Int64(p.Amount),
		Currency:   stripe.String(p.Currency),
	}
	if p.LookupKey != "" {
		pp.LookupKey = stripe.String(p.LookupKey)
		pp.TransferLookupKey = stripe.Bool(true)
	}
	sp, err := call(ctx, g, func() (*stripe.Price, error) { return g.sc.Prices.New(pp) })
	if err != nil {
		return payment.Price{}, err
	}
	return price(sp), nil
}

func price(sp *stripe.Price) payment.Price {
	p := payment.Price{ID: sp.ID, Amount: sp.UnitAmount, Currency: string(sp.Currency), LookupKey: sp.LookupKey, Active: sp.Active}
	if sp.Product != nil {
		p.Product = sp.Product.ID
	}
	return p
}

// FindCustomer returns the oldest customer with this e-mail address.
func (g *Gateway) FindCustomer(ctx context.Context, email string) (payment.Customer, bool, error) {
	lp := &stripe.CustomerListParams{Email: stripe.String(email)}
	lp.Context = ctx
	lp.Limit = stripe.Int64(100)
	it := g.sc.Customers.List(lp)
	var found *stripe.Customer
	for it.Next() {
		found = it.Customer() // newest first: the last one is the oldest
	}
	if err := it.Err(); err != nil {
		return payment.Customer{}, false, translate(err)
	}
	if found == nil {
		return payment.Customer{}, false, nil
	}
	return customer(found), true, nil
}

// CreateCustomer creates a customer.
func (g *Gateway) CreateCustomer(ctx context.Context, c payment.Customer, key string) (payment.Customer, error) {
	cp := &stripe.CustomerParams{
		Params:   params(ctx, key),
		Email:    stripe.String(c.Email),
		Metadata: c.Metadata,
	}
	if c.Name != "" {
		cp.Name = stripe.String(c.Name)
	}
	sc, err := call(ctx, g, func() (*stripe.Customer, error) { return g.sc.Customers.New(cp) })
	if err != nil {
		return payment.Customer{}, err
	}
	return customer(sc), nil
}

// UpdateCustomer sets a customer's name, metadata and default payment method.
func (g *Gateway) UpdateCustomer(ctx context.Context, c payment.Customer, key string) (payment.Customer, error) {
	cp := &stripe.CustomerParams{Params: params(ctx, key), Metadata: c.Metadata}
	if c.Name != "" {
		cp.Name = stripe.String(c.Name)
	}
	if c.DefaultPaymentMethod != "" {
		cp.InvoiceSettings = &stripe.CustomerInvoiceSettingsParams{DefaultPaymentMethod: stripe.String(c.DefaultPaymentMethod)}
	}
	sc, err := call(ctx, g, func() (*stripe.Customer, error) { return g.sc.Customers.Update(c.ID, cp) })
	if err != nil {
		return payment.Customer{}, err
	}
	return customer(sc), nil
}

// DeleteCustomer deletes a customer.
func (g *Gateway) DeleteCustomer(ctx context.Context, id string) error {
	_, err := call(ctx, g, func() (*stripe.Customer, error) {
		return g.sc.Customers.Del(id, &stripe.CustomerParams{Params: stripe.Params{Context: ctx}})
	})
	return err
}

func customer(sc *stripe.Customer) payment.Customer {
	c := payment.Customer{ID: sc.ID, Email: sc.Email, Name: sc.Name, Metadata: sc.Metadata}
	if sc.InvoiceSettings != nil && sc.InvoiceSettings.DefaultPaymentMethod != nil {
		c.DefaultPaymentMethod = sc.InvoiceSettings.DefaultPaymentMethod.ID
	}
	return c
}

// AttachPaymentMethod attaches a card (a pm_card_* token or a payment
// method ID) to a customer.
func (g *Gateway) AttachPaymentMethod(ctx context.Context, token, cust, key string) (payment.PaymentMethod, error) {
	ap := &stripe.PaymentMethodAttachParams{Params: params(ctx, key), Customer: stripe.String(cust)}
	pm, err := call(ctx, g, func() (*stripe.PaymentMethod, error) { return g.sc.PaymentMethods.Attach(token, ap) })
	if err != nil {
		return payment.PaymentMethod{}, err
	}
	out := payment.PaymentMethod{ID: pm.ID}
	if pm.Customer != nil {
		out.Customer = pm.Customer.ID
	}
	if pm.Card != nil {
		out.Brand, out.Last4 = string(pm.Card.Brand), pm.Card.Last4
	}
	return out, nil
}

// CreatePayment creates and confirms a payment intent.
func (g *Gateway) CreatePayment(ctx context.Context, req payment.PaymentRequest) (payment.Payment, error) {
	if req.IdempotencyKey == "" {
		return payment.Payment{}, errors.New("create payment: an idempotency key is required")
	}
	pp := &stripe.PaymentIntentParams{
		Params:        params(ctx, req.IdempotencyKey),
		Amount:        stripe.Int64(req.Amount),
		Currency:      stripe.String(req.Currency),
		Customer:      stripe.String(req.Customer),
		PaymentMethod: stripe.String(req.PaymentMethod),
		Confirm:       stripe.Bool(true),
		Metadata:      req.Metadata,
	}
	pp.PaymentMethodTypes = []*string{stripe.String("card")}
	if req.OffSession {
		pp.OffSession = stripe.Bool(true)
	}
	if req.ManualCapture {
		pp.CaptureMethod = stripe.String(string(stripe.PaymentIntentCaptureMethodManual))
	}
	if req.Description != "" {
		pp.Description = stripe.String(req.Description)
	}
	pi, err := call(ctx, g, func() (*stripe.PaymentIntent, error) { return g.sc.PaymentIntents.New(pp) })
	if err != nil {
		return payment.Payment{}, err
	}
	return paymentOf(pi), nil
}

// CapturePayment captures an authorised payment; amount 0 captures it all.
func (g *Gateway) CapturePayment(ctx context.Context, id string, amount int64, key string) (payment.Payment, error) {
	cp := &stripe.PaymentIntentCaptureParams{Params: params(ctx, key)}
	if amount > 0 {
		cp.AmountToCapture = stripe.Int64(amount)
	}
	pi, err := call(ctx, g, func() (*stripe.PaymentIntent, error) { return g.sc.PaymentIntents.Capture(id, cp) })
	if err != nil {
		return payment.Payment{}, err
	}
	return paymentOf(pi), nil
}

// CancelPayment cancels a payment intent, releasing an authorisation.
func (g *Gateway) CancelPayment(ctx context.Context, id, reason, key string) (payment.Payment, error) {
	cp := &stripe.PaymentIntentCancelParams{Params: params(ctx, key)}
	if reason != "" {
		cp.CancellationReason = stripe.String(reason)
	}
	pi, err := call(ctx, g, func() (*stripe.PaymentIntent, error) { return g.sc.PaymentIntents.Cancel(id, cp) })
	if err != nil {
		return payment.Payment{}, err
	}
	return paymentOf(pi), nil
}

// GetPayment retrieves a payment intent.
func (g *Gateway) GetPayment(ctx context.Context, id string) (payment.Payment, error) {
	pi, err := call(ctx, g, func() (*stripe.PaymentIntent, error) {
		return g.sc.PaymentIntents.Get(id, &stripe.PaymentIntentParams{Params: stripe.Params{Context: ctx}})
	})
	if err != nil {
		return payment.Payment{}, err
	}
	return paymentOf(pi), nil
}

func paymentOf(pi *stripe.PaymentIntent) payment.Payment {
	p := payment.Payment{
		ID: pi.ID, Status: string(pi.Status), Amount: pi.Amount, AmountCapturable: pi.AmountCapturable,
		AmountReceived: pi.AmountReceived, Currency: string(pi.Currency), Metadata: pi.Metadata,
	}
	if pi.Customer != nil {
		p.Customer = pi.Customer.ID
	}
	if pi.LatestCharge != nil {
		p.LatestCharge = pi.LatestCharge.ID
	}
	return p
}

// GetCharge retrieves a charge.
func (g *Gateway) GetCharge(ctx context.Context, id string) (payment.Charge, error) {
	ch, err := call(ctx, g, func() (*stripe.Charge, error) {
		return g.sc.Charges.Get(id, &stripe.ChargeParams{Params: stripe.Params{Context: ctx}})
	})
	if err != nil {
		return payment.Charge{}, err
	}
	return chargeOf(ch), nil
}

// ListCharges yields charges newest first, following pages lazily so that a
// long list is never held in memory: the next page is fetched while the
// current one is consumed (at most two pages are held), and pages are
// decoded into only the fields a payment.Charge needs.
func (g *Gateway) ListCharges(ctx context.Context, f payment.ChargeFilter) iter.Seq2[payment.Charge, error] {
	return func(yield func(payment.Charge, error) bool) {
		page := int64(100)
		if f.PageSize > 0 && f.PageSize <= 100 {
			page = int64(f.PageSize)
		}
		if f.Limit > 0 && int64(f.Limit) < page {
			page = int64(f.Limit)
		}
		base := stripe.ChargeListParams{}
		base.Limit = stripe.Int64(page)
		if f.Customer != "" {
			base.Customer = stripe.String(f.Customer)
		}
		if f.PaymentIntent != "" {
			base.PaymentIntent = stripe.String(f.PaymentIntent)
		}
		if !f.CreatedGTE.IsZero() || !f.CreatedLTE.IsZero() {
			r := &stripe.RangeQueryParams{}
			if !f.CreatedGTE.IsZero() {
				r.GreaterThanOrEqual = f.CreatedGTE.Unix()
			}
			if !f.CreatedLTE.IsZero() {
				r.LesserThanOrEqual = f.CreatedLTE.Unix()
			}
			base.CreatedRange = r
		}
		ctx, cancel := context.WithCancel(ctx)
		pages := make(chan chargePage, 1)
		done := make(chan struct{})
		defer func() {
			cancel()
			<-done
		}()
		go func() {
			defer close(done)
			defer close(pages)
			after := ""
			for {
				lp := base
				lp.Context = ctx
				if after != "" {
					lp.StartingAfter = stripe.String(after)
				}
				var l chargeList
				fv := &form.Values{}
				form.AppendTo(fv, &lp)
				err := g.sc.Charges.B.CallRaw(http.MethodGet, "/v1/charges", g.sc.Charges.Key, fv, lp.ListParams.ToParams(), &l)
				p := chargePage{list: l, err: err}
				select {
				case pages <- p:
				case <-ctx.Done():
					return
				}
				if err != nil || !l.HasMore || len(l.Data) == 0 {
					return
				}
				after = l.Data[len(l.Data)-1].ID
			}
		}()
		n := 0
		for p := range pages {
			if p.err != nil {
				yield(payment.Charge{}, translate(p.err))
				return
			}
			for i := range p.list.Data {
				if !yield(p.list.Data[i].charge(), nil) {
					return
				}
				n++
				if f.Limit > 0 && n >= f.Limit {
					return
				}
			}
		}
	}
}

type chargePage struct {
	list chargeList
	err  error
}

// chargeList is a page of charges decoded into only what payment.Charge
// holds: decoding stripe-go's full Charge costs several times more.
type chargeList struct {
	stripe.APIResource
	Data    []chargeJSON `json:"data"`
	HasMore bool         `json:"has_more"`
}

type chargeJSON struct {
	ID             string            `json:"id"`
	Created        int64             `json:"created"`
	Amount         int64             `json:"amount"`
	AmountCaptured int64             `json:"amount_captured"`
	AmountRefunded int64             `json:"amount_refunded"`
	Currency       string            `json:"currency"`
	Status         string            `json:"status"`
	Paid           bool              `json:"paid"`
	Captured       bool              `json:"captured"`
	Refunded       bool              `json:"refunded"`
	Description    string            `json:"description"`
	FailureCode    string            `json:"failure_code"`
	FailureMessage string            `json:"failure_message"`
	Metadata       map[string]string `json:"metadata"`
	Customer       expandableID      `json:"customer"`
	PaymentIntent  expandableID      `json:"payment_intent"`
	PaymentMethod  string            `json:"payment_method"`
	Outcome        *struct {
		Type          string `json:"type"`
		Reason        string `json:"reason"`
		NetworkStatus string `json:"network_status"`
		RiskLevel     string `json:"risk_level"`
		SellerMessage string `json:"seller_message"`
	} `json:"outcome"`
	PaymentMethodDetails *struct {
		Card *struct {
			Brand string `json:"brand"`
			Last4 string `json:"last4"`
		} `json:"card"`
	} `json:"payment_method_details"`
}

// expandableID is the ID of an expandable field: a string, or an object
// with an "id" when expanded.
type expandableID string

func (e *expandableID) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*e = expandableID(s)
	case len(b) > 0 && b[0] == '{':
		var o struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		*e = expandableID(o.ID)
	default:
		*e = ""
	}
	return nil
}

func (c *chargeJSON) charge() payment.Charge {
	out := payment.Charge{
		ID: c.ID, Created: time.Unix(c.Created, 0).UTC(), Amount: c.Amount, AmountCaptured: c.AmountCaptured,
		AmountRefunded: c.AmountRefunded, Currency: c.Currency, Status: c.Status,
		Paid: c.Paid, Captured: c.Captured, Refunded: c.Refunded, Description: c.Description,
		FailureCode: c.FailureCode, FailureMessage: c.FailureMessage, Metadata: c.Metadata,
		Customer: string(c.Customer), PaymentIntent: string(c.PaymentIntent), PaymentMethod: c.PaymentMethod,
	}
	if o := c.Outcome; o != nil {
		out.Outcome = payment.Outcome{Type: o.Type, Reason: o.Reason, NetworkStatus: o.NetworkStatus, RiskLevel: o.RiskLevel, SellerMessage: o.SellerMessage}
	}
	if d := c.PaymentMethodDetails; d != nil && d.Card != nil {
		out.CardBrand, out.CardLast4 = d.Card.Brand, d.Card.Last4
	}
	if out.Metadata == nil {
		out.Metadata = map[string]string{}
	}
	return out
}

func chargeOf(ch *stripe.Charge) payment.Charge {
	c := payment.Charge{
		ID: ch.ID, Created: time.Unix(ch.Created, 0).UTC(), Amount: ch.Amount, AmountCaptured: ch.AmountCaptured,
		AmountRefunded: ch.AmountRefunded, Currency: string(ch.Currency), Status: string(ch.Status),
		Paid: ch.Paid, Captured: ch.Captured, Refunded: ch.Refunded, Description: ch.Description,
		FailureCode: ch.FailureCode, FailureMessage: ch.FailureMessage, Metadata: ch.Metadata,
	}
	if ch.Customer != nil {
		c.Customer = ch.Customer.ID
	}
	if ch.PaymentIntent != nil {
		c.PaymentIntent = ch.PaymentIntent.ID
	}
	if ch.PaymentMethod != "" {
		c.PaymentMethod = ch.PaymentMethod
	}
	if o := ch.Outcome; o != nil {
		c.Outcome = payment.Outcome{Type: o.Type, Reason: o.Reason, NetworkStatus: o.NetworkStatus, RiskLevel: o.RiskLevel, SellerMessage: o.SellerMessage}
	}
	if d := ch.PaymentMethodDetails; d != nil && d.Card != nil {
		c.CardBrand, c.CardLast4 = string(d.Card.Brand), d.Card.Last4
	}
	if c.Metadata == nil {
		c.Metadata = map[string]string{}
	}
	return c
}

// Refund refunds a charge in full (Amount 0) or in part.
func (g *Gateway) Refund(ctx context.Context, req payment.RefundRequest) (payment.Refund, error) {
	rp := &stripe.RefundParams{Params: params(ctx, req.IdempotencyKey), Charge: stripe.String(req.Charge), Metadata: req.Metadata}
	if req.Amount > 0 {
		rp.Amount = stripe.Int64(req.Amount)
	}
	if req.Reason != "" {
		rp.Reason = stripe.String(req.Reason)
	}
	r, err := call(ctx, g, func() (*stripe.Refund, error) { return g.sc.Refunds.New(rp) })
	if err != nil {
		return payment.Refund{}, err
	}
	return refundOf(r), nil
}

// ListRefunds lists the refunds of a charge, newest first.
func (g *Gateway) ListRefunds(ctx context.Context, chargeID string) ([]payment.Refund, error) {
	lp := &stripe.RefundListParams{Charge: stripe.String(chargeID)}
	lp.Context = ctx
	lp.Limit = stripe.Int64(100)
	it := g.sc.Refunds.List(lp)
	out := []payment.Refund{}
	for it.Next() {
		out = append(out, refundOf(it.Refund()))
	}
	if err := it.Err(); err != nil {
		return nil, translate(err)
	}
	return out, nil
}

func refundOf(r *stripe.Refund) payment.Refund {
	out := payment.Refund{ID: r.ID, Amount: r.Amount, Currency: string(r.Currency), Status: string(r.Status), Reason: string(r.Reason), Created: time.Unix(r.Created, 0).UTC(), Metadata: r.Metadata}
	if r.Charge != nil {
		out.Charge = r.Charge.ID
	}
	return out
}
