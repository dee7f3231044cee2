// Package stripe is tweetpay's one payment gateway: stripe-go v76 talking to
// Stripe, to stripe-mock, or to the embedded emulator. It is the only package
// that imports stripe-go; nothing of stripe-go leaves it.
package stripe

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	stripe "github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/form"
	"github.com/valyala/fastjson"

	"github.com/tweetpay/tweetpay/pkg/payment"
)

// DefaultTimeout is how long one request to the provider may take when
// Options.Timeout is not set: the 80 s that Stripe's own SDKs allow.
const DefaultTimeout = 80 * time.Second

// Options configure a Gateway.
type Options struct {
	// Key is the secret key sent as a bearer token.
	Key string
	// URL is the API base; empty means Stripe's.
	URL string
	// HTTPClient carries the requests; the embedded emulator passes one whose
	// Transport serves them in-process.
	HTTPClient *http.Client
	// Timeout bounds each request, from connecting to reading the whole
	// answer; each retry of a request gets the same time again. Zero means
	// DefaultTimeout, or, with an HTTPClient, that client's own Timeout
	// (none for the in-process emulator, which needs none).
	Timeout time.Duration
	// MaxNetworkRetries is stripe-go's retry budget for transport errors,
	// 409, 503 and answers with Stripe-Should-Retry: true (default 2).
	MaxNetworkRetries int
	// RateLimitRetries is how many times a 429 is retried with backoff, with
	// the same idempotency key (default 3).
	RateLimitRetries int
	// NoRetrySleep turns off the backoff sleeps; for tests.
	NoRetrySleep bool
	// InProcess says the server lives in this process (the embedded
	// emulator): stripe-go is then kept from running `uname -a` to describe
	// the machine in its X-Stripe-Client-User-Agent header, a fork and exec
	// of several milliseconds for a command that lives a few dozen. See
	// New for the caveat.
	InProcess bool
}

// Gateway implements payment.Gateway with stripe-go.
type Gateway struct {
	b          stripe.Backend
	key        string
	netRetries int
	retries    int
	sleep      func(context.Context, time.Duration) error
	// timeout is the http.Client's Timeout (0: none), and addr the API's
	// scheme and host, for the error of a request that timed out.
	timeout time.Duration
	addr    string
	// lost holds the idempotency keys of calls that gave up after a
	// request got no answer (see send).
	lost lostKeys
	// retried counts the requests sent again after a failed attempt
	// (stripe-go's network retries and the rate-limit retries), over all
	// calls.
	retried atomic.Int64
}

// count adds the retries of a finished call, whose round trips trip
// counted, to RetriedRequests.
func (g *Gateway) count(trip *failedTrip) {
	if trip.trips > 1 {
		g.retried.Add(int64(trip.trips - 1))
	}
}

// RetriedRequests is how many requests the Gateway has sent again after a
// failed attempt (a lost connection, a 429, a 5xx, Stripe-Should-Retry):
// every call's round trips beyond its first. A caller's own retries of a
// failed call (a stream retrying a tweet) are calls of their own.
func (g *Gateway) RetriedRequests() int64 { return g.retried.Load() }

var _ payment.Gateway = (*Gateway)(nil)

// lostKeys are the idempotency keys of calls that failed after one of their
// requests got no answer (a dropped connection, a timeout): the provider
// may have done the work. A later call with the same key (a stream retrying
// the tweet) that is answered with a replay gets that work's answer, which
// is this process's, not an earlier command's. At most maxLostKeys are
// kept; a call that finds its key takes it out.
type lostKeys struct {
	n  atomic.Int32 // len(m), read without the lock on every answer
	mu sync.Mutex
	m  map[string]struct{}
}

const maxLostKeys = 4096

func (l *lostKeys) add(key string) {
	if key == "" {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil || len(l.m) >= maxLostKeys {
		l.m = map[string]struct{}{}
	}
	l.m[key] = struct{}{}
	l.n.Store(int32(len(l.m)))
}

// take reports whether key was lost, and forgets it.
func (l *lostKeys) take(key string) bool {
	if key == "" || l.n.Load() == 0 {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_, ok := l.m[key]
	delete(l.m, key)
	l.n.Store(int32(len(l.m)))
	return ok
}

// New returns a Gateway. It makes no network call.
func New(opts Options) *Gateway {
	retries := int64(2)
	if opts.MaxNetworkRetries > 0 {
		retries = int64(opts.MaxNetworkRetries)
	}
	hc := &http.Client{Timeout: DefaultTimeout}
	if opts.HTTPClient != nil {
		c := *opts.HTTPClient
		hc = &c
	}
	if opts.Timeout > 0 {
		hc.Timeout = opts.Timeout
	}
	next := hc.Transport
	if next == nil {
		next = pooledTransport()
	}
	hc.Transport = tripRecorder{next}
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
	if opts.InProcess {
		describeWithoutUname(b)
	}
	g := &Gateway{b: b, key: opts.Key, retries: 3, netRetries: int(retries), sleep: sleepCtx,
		timeout: hc.Timeout, addr: address(opts.URL)}
	if opts.RateLimitRetries > 0 {
		g.retries = opts.RateLimitRetries
	}
	if opts.NoRetrySleep {
		g.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	}
	return g
}

// MaxIdleConnsPerHost is how many idle connections to the API a Gateway
// keeps for reuse: as many as `simulate stream` sends requests at once (its
// --concurrency is at most 256).
const MaxIdleConnsPerHost = 256

// pooledTransport is net/http's default transport keeping MaxIdleConnsPerHost
// idle connections to a host instead of 2. With the default, a stream's
// concurrent requests found no idle connection but for two, and each
// opened a new one (over TLS, with a new handshake) and closed it after one
// answer: 128 tweets at a time against a local server left tens of
// thousands of sockets in TIME_WAIT and spent most of the client's CPU in
// the kernel.
func pooledTransport() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = MaxIdleConnsPerHost
	t.MaxIdleConnsPerHost = MaxIdleConnsPerHost
	return t
}

// describeWithoutUname has stripe-go build its client user-agent header,
// which it does once per process, while PATH is empty, so that its `uname -a`
// is not found and the header says "unknown platform". Building a request
// is enough; nothing is sent. PATH is process-wide state: call this while the
// program is still single-threaded (tweetpay does, before any command work).
func describeWithoutUname(b stripe.Backend) {
	bi, ok := b.(*stripe.BackendImplementation)
	if !ok {
		return
	}
	path, had := os.LookupEnv("PATH")
	_ = os.Setenv("PATH", "")
	_, _ = bi.NewRequest(http.MethodGet, "/v1/charges", "sk_test_", "application/x-www-form-urlencoded", nil)
	if had {
		_ = os.Setenv("PATH", path)
	} else {
		_ = os.Unsetenv("PATH")
	}
}

// address returns the scheme and host of an API base (Stripe's when empty),
// to name it in errors: no path or query, and no user information, which
// could hold a secret.
func address(base string) string {
	if base == "" {
		base = stripe.APIURL
	}
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return "the payment provider"
	}
	return u.Scheme + "://" + u.Host
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
// so the same idempotency key. trip counts the round trips of fn's requests,
// whose context must carry it (withTrip).
func call[T any](ctx context.Context, g *Gateway, trip *failedTrip, fn func() (T, error)) (T, error) {
	var zero T
	for attempt := 0; ; attempt++ {
		v, err := fn()
		if err == nil {
			return v, nil
		}
		var se *stripe.Error
		if attempt < g.retries && errors.As(err, &se) && se.HTTPStatusCode == http.StatusTooManyRequests && !noRetry(se) {
			d := time.Duration(500+500*attempt*attempt) * time.Millisecond
			if serr := g.sleep(ctx, min(d, 5*time.Second)); serr != nil {
				return zero, serr
			}
			continue
		}
		if ctx.Err() != nil {
			return zero, ctx.Err()
		}
		return zero, g.fail(ctx, err, trip)
	}
}

// fail is translate, but for a request that ran out of the client's
// Timeout, whose error says so: the address, the time allowed and the
// attempts made. ctx, the caller's, is not done: a cancelled command is not
// a timeout.
func (g *Gateway) fail(ctx context.Context, err error, trip *failedTrip) error {
	if g.timeout > 0 && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
		return g.timeoutError(trip.trips)
	}
	return translate(err)
}

// timeoutError is ErrUnavailable, marked NoRetry: stripe-go has retried
// the request already, each attempt with the whole timeout, and a caller
// that retried it again (a stream) would multiply the wait --timeout set.
func (g *Gateway) timeoutError(attempts int) error {
	msg := fmt.Sprintf("request to %s timed out after %s", g.addr, g.timeout)
	switch {
	case attempts == 1:
		msg += " (1 attempt)"
	case attempts > 1:
		msg += fmt.Sprintf(" (%d attempts)", attempts)
	}
	return &payment.Error{Kind: payment.ErrUnavailable, Message: msg, NoRetry: true}
}

// withTrip returns ctx carrying trip, for tripRecorder.
func withTrip(ctx context.Context, trip *failedTrip) context.Context {
	return context.WithValue(ctx, failedTripKey{}, trip)
}

// do sends one request through stripe-go's backend (authentication,
// idempotency key, network retries, Stripe's errors) and decodes the answer
// into v, one of the lean types of lean.go.
func (g *Gateway) do(ctx context.Context, method, path string, p stripe.ParamsContainer, v stripe.LastResponseSetter) error {
	_, err := g.doTrip(ctx, method, path, p, v)
	return err
}

// doTrip is do, giving back what the call's round trips recorded.
func (g *Gateway) doTrip(ctx context.Context, method, path string, p stripe.ParamsContainer, v stripe.LastResponseSetter) (*failedTrip, error) {
	trip := &failedTrip{}
	defer g.count(trip)
	p.GetParams().Context = withTrip(ctx, trip)
	_, err := call(ctx, g, trip, func() (struct{}, error) { return struct{}{}, g.b.Call(method, path, g.key, p, v) })
	return trip, err
}

// create is do for a POST that creates an object under the idempotency key
// key. replayed reports that Stripe answered from the key
// (Idempotent-Replayed: true) and every request of the call was answered:
// the object was made before, by another command or process with the same
// key, and none was made now. An answer refusing a request (409
// idempotency_key_in_use while the key's first request still ran
// elsewhere, a 429, a 503) did nothing, so the replay that follows is of
// that other request's work. After a request that got no answer, of this
// call or of an earlier call of this Gateway with the same key, the replay
// may be of that request's own work, and is not reported.
func (g *Gateway) create(ctx context.Context, path string, p stripe.ParamsContainer, v stripe.LastResponseSetter, key string) (replayed bool, _ error) {
	trip, err := g.doTrip(ctx, http.MethodPost, path, p, v)
	if err != nil {
		if trip.err != nil {
			g.lost.add(key)
		}
		return false, err
	}
	earlier := g.lost.take(key)
	return trip.err == nil && !earlier && trip.replayed, nil
}

// list is do for list endpoints, whose params stripe-go sends as a query.
func (g *Gateway) list(ctx context.Context, path string, lp stripe.ListParamsContainer, v stripe.LastResponseSetter) error {
	fv := &form.Values{}
	form.AppendTo(fv, lp)
	trip := &failedTrip{}
	defer g.count(trip)
	lp.GetListParams().Context = withTrip(ctx, trip)
	_, err := call(ctx, g, trip, func() (struct{}, error) {
		return struct{}{}, g.b.CallRaw(http.MethodGet, path, g.key, fv, lp.GetListParams().ToParams(), v)
	})
	return err
}

// send sends one request through stripe-go's CallStreaming, for the answers
// tweetpay decodes itself with fastjson (decodeChargePage,
// decodePaymentIntent): stripe-go builds and sends the request
// (authentication, idempotency key, retries, Stripe's errors), and the body is
// read unparsed into buf, whose capacity is reused. *ctxp, the Context field
// of pc's params, is replaced by one derived from ctx.
//
// replayed reports an answer that Stripe replayed from the request's
// idempotency key (Idempotent-Replayed: true) to the only request this call
// sent: the key had been used before the call, by an earlier command or run.
// After a request that got no answer, of this call or of an earlier call of
// this Gateway with the same key, a replay may be of that request's own
// work, and is not reported.
func (g *Gateway) send(ctx context.Context, method, path string, pc stripe.ParamsContainer, ctxp *context.Context, buf []byte) (_ []byte, replayed bool, _ error) {
	trip := &failedTrip{}
	defer g.count(trip)
	var key string
	if k := pc.GetParams().IdempotencyKey; k != nil {
		key = *k
	}
	lost := false
	for attempt := 0; ; attempt++ {
		trip.err, trip.timedOut = nil, false
		*ctxp = withTrip(ctx, trip)
		var body streamedBody
		_, err := call(ctx, g, trip, func() (struct{}, error) { return struct{}{}, g.callStreaming(method, path, pc, &body, trip) })
		if err == nil {
			page := bytes.NewBuffer(buf[:0])
			_, err = page.ReadFrom(body)
			body.Close()
			buf = page.Bytes()
			if err == nil {
				earlier := g.lost.take(key)
				return buf, trip.replayed && trip.trips == 1 && !earlier, nil
			}
			err = g.fail(ctx, err, trip)
		}
		lost = lost || trip.err != nil
		if trip.err == nil || attempt >= g.netRetries || ctx.Err() != nil {
			if lost {
				g.lost.add(key)
			}
			return buf, false, err
		}
		if serr := g.sleep(ctx, time.Duration(500<<attempt)*time.Millisecond); serr != nil {
			return buf, false, serr
		}
	}
}

// callStreaming is stripe-go's CallStreaming, but for one flaw: on a failed
// round trip (no response at all: connection refused or reset, timeout,
// cancellation) stripe-go v76's DoStreaming reads the body of the nil
// response and panics. The panic is turned back into the round trip's error,
// which tripRecorder kept, for call to translate; send then retries it as
// stripe-go would have (with the same idempotency key: it is in the params).
func (g *Gateway) callStreaming(method, path string, pc stripe.ParamsContainer, body *streamedBody, trip *failedTrip) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if trip.err == nil {
				panic(r)
			}
			err = &tripError{err: trip.err, timedOut: trip.timedOut}
		}
	}()
	return g.b.CallStreaming(method, path, g.key, pc, body)
}

// tripError is the error of a round trip that got no response, recovered
// from stripe-go's panic: a network error, whatever its type, and a
// context.DeadlineExceeded when the client's Timeout ended it.
type tripError struct {
	err      error
	timedOut bool
}

func (e *tripError) Error() string        { return e.err.Error() }
func (e *tripError) Unwrap() error        { return e.err }
func (e *tripError) Is(target error) bool { return e.timedOut && target == context.DeadlineExceeded }

// answerBufs and answerParsers are reused across requests whose answers are
// decoded with fastjson.
var (
	answerBufs    = sync.Pool{New: func() any { return new([]byte) }}
	answerParsers fastjson.ParserPool
)

// maxPooledAnswer bounds the buffers kept in answerBufs.
const maxPooledAnswer = 64 << 10

// paymentIntent sends a request answered with a PaymentIntent and decodes the
// answer with decodePaymentIntent. p is pc's params.
func (g *Gateway) paymentIntent(ctx context.Context, method, path string, pc stripe.ParamsContainer, p *stripe.Params) (payment.Payment, error) {
	bp := answerBufs.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= maxPooledAnswer {
			answerBufs.Put(bp)
		}
	}()
	buf, replayed, err := g.send(ctx, method, path, pc, &p.Context, (*bp)[:0])
	*bp = buf
	if err != nil {
		return payment.Payment{}, err
	}
	parser := answerParsers.Get()
	defer answerParsers.Put(parser)
	pay, err := decodePaymentIntent(parser, buf)
	pay.Replayed = replayed
	return pay, err
}

// failedTrip receives the error of a round trip that got no response, and
// counts the round trips of a call.
type failedTrip struct {
	err   error
	trips int
	// timedOut says that err came when the request's deadline had passed:
	// the client's Timeout cancelled it. The transport's error then says
	// only "request canceled", or the deadline, as the race between the
	// client's timer and the context's goes.
	timedOut bool
	// replayed says that the last answer was replayed from the request's
	// idempotency key (Idempotent-Replayed: true).
	replayed bool
}

type failedTripKey struct{}

// tripRecorder hands the error of a failed round trip to the failedTrip in
// the request's context, if there is one.
type tripRecorder struct{ next http.RoundTripper }

func (t tripRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := t.next.RoundTrip(r)
	if f, ok := r.Context().Value(failedTripKey{}).(*failedTrip); ok {
		f.trips++
		f.replayed = err == nil && res.Header.Get("Idempotent-Replayed") == "true"
		if err != nil {
			f.err = err
			d, ok := r.Context().Deadline()
			f.timedOut = ok && !time.Now().Before(d)
		}
	}
	return res, err
}

// chargeQuery is a ChargeListParams that stripe-go's CallStreaming takes: it
// looks for Metadata and Expand fields on the params it is given, which list
// params do not all have.
type chargeQuery struct {
	stripe.ChargeListParams `form:"*"`
	Metadata                map[string]string `form:"-"`
	Expand                  []*string         `form:"-"`
}

type streamedBody struct{ io.ReadCloser }

func (b *streamedBody) SetLastResponse(r *stripe.StreamingAPIResponse) { b.ReadCloser = r.Body }

// translate maps stripe-go's errors onto payment's sentinels, keeping
// Stripe's codes and message.
func translate(err error) error {
	if pe := (*payment.Error)(nil); errors.As(err, &pe) {
		return err // already translated (streamed answers)
	}
	if te := (*tripError)(nil); errors.As(err, &te) {
		return networkError(te.err)
	}
	var se *stripe.Error
	if !errors.As(err, &se) {
		var ne net.Error
		if errors.As(err, &ne) || isNetworkError(err) {
			return networkError(err)
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
	case se.HTTPStatusCode == http.StatusNotFound || se.Code == stripe.ErrorCodeResourceMissing:
		// An object named by a parameter (the customer of a card being
		// attached, a list's cursor) that does not exist is a 400 with the
		// code resource_missing; the one the URL names is a 404. Both are
		// the same fact to tweetpay: no such object.
		pe.Kind = payment.ErrNotFound
	case se.HTTPStatusCode == http.StatusTooManyRequests || se.HTTPStatusCode >= 500 || se.HTTPStatusCode == http.StatusConflict:
		pe.Kind = payment.ErrUnavailable
		pe.NoRetry = noRetry(se)
	case se.HTTPStatusCode == http.StatusBadRequest:
		pe.Kind = payment.ErrInvalidRequest
	default:
		pe.Kind = errors.New("stripe error")
	}
	return pe
}

// networkError is the error of a request that got no answer. A refused
// connection (nothing listens at the address: a wrong --api-base, a server
// not started) is marked NoRetry: stripe-go has retried it already, and a
// stream that retried it too took half a minute to say so.
func networkError(err error) error {
	return &payment.Error{Kind: payment.ErrUnavailable, Message: "network error: " + err.Error(),
		NoRetry: errors.Is(err, syscall.ECONNREFUSED)}
}

// noRetry reports whether Stripe said that sending the request again would
// not help: with Stripe-Should-Retry: false (stripe-go obeys it too), or by
// replaying an error stored under the idempotency key (Idempotent-Replayed:
// true), which the same key would replay again.
func noRetry(se *stripe.Error) bool {
	if se.LastResponse == nil {
		return false
	}
	h := se.LastResponse.Header
	return h.Get("Stripe-Should-Retry") == "false" || h.Get("Idempotent-Replayed") == "true"
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
	var sp productJSON
	if err := g.do(ctx, http.MethodPost, "/v1/products", pp, &sp); err != nil {
		return payment.Product{}, false, err
	}
	return sp.product(), true, nil
}

// GetProduct retrieves a product.
func (g *Gateway) GetProduct(ctx context.Context, id string) (payment.Product, error) {
	var sp productJSON
	if err := g.do(ctx, http.MethodGet, stripe.FormatURLPath("/v1/products/%s", id), &stripe.ProductParams{Params: stripe.Params{Context: ctx}}, &sp); err != nil {
		return payment.Product{}, err
	}
	return sp.product(), nil
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
	var sp productJSON
	if err := g.do(ctx, http.MethodPost, stripe.FormatURLPath("/v1/products/%s", p.ID), pp, &sp); err != nil {
		return payment.Product{}, err
	}
	return sp.product(), nil
}

// PriceByLookupKey finds the active price holding a lookup key.
func (g *Gateway) PriceByLookupKey(ctx context.Context, lookupKey string) (payment.Price, bool, error) {
	lp := &stripe.PriceListParams{LookupKeys: []*string{stripe.String(lookupKey)}}
	lp.Context = ctx
	lp.Limit = stripe.Int64(1)
	var l listPage[priceJSON]
	if err := g.list(ctx, "/v1/prices", lp, &l); err != nil {
		return payment.Price{}, false, err
	}
	if len(l.Data) == 0 {
		return payment.Price{}, false, nil
	}
	return l.Data[0].price(), true, nil
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
	var sp priceJSON
	if err := g.do(ctx, http.MethodPost, "/v1/prices", pp, &sp); err != nil {
		return payment.Price{}, err
	}
	return sp.price(), nil
}

// FindCustomer returns the oldest customer with this e-mail address.
func (g *Gateway) FindCustomer(ctx context.Context, email string) (payment.Customer, bool, error) {
	lp := &stripe.CustomerListParams{Email: stripe.String(email)}
	lp.Context = ctx
	lp.Limit = stripe.Int64(100)
	var found *customerJSON
	for {
		var l listPage[customerJSON]
		if err := g.list(ctx, "/v1/customers", lp, &l); err != nil {
			return payment.Customer{}, false, err
		}
		if len(l.Data) == 0 {
			break
		}
		found = &l.Data[len(l.Data)-1] // newest first: the last one is the oldest
		if !l.HasMore {
			break
		}
		lp.StartingAfter = stripe.String(found.ID)
	}
	if found == nil {
		return payment.Customer{}, false, nil
	}
	return found.customer(), true, nil
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
	var sc customerJSON
	replayed, err := g.create(ctx, "/v1/customers", cp, &sc, key)
	if err != nil {
		return payment.Customer{}, err
	}
	c = sc.customer()
	c.Replayed = replayed
	return c, nil
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
	var sc customerJSON
	if err := g.do(ctx, http.MethodPost, stripe.FormatURLPath("/v1/customers/%s", c.ID), cp, &sc); err != nil {
		return payment.Customer{}, err
	}
	return sc.customer(), nil
}

// DeleteCustomer deletes a customer.
func (g *Gateway) DeleteCustomer(ctx context.Context, id string) error {
	var sc customerJSON
	return g.do(ctx, http.MethodDelete, stripe.FormatURLPath("/v1/customers/%s", id), &stripe.CustomerParams{Params: stripe.Params{Context: ctx}}, &sc)
}

// AttachPaymentMethod attaches a card (a pm_card_* token or a payment
// method ID) to a customer.
func (g *Gateway) AttachPaymentMethod(ctx context.Context, token, cust, key string) (payment.PaymentMethod, error) {
	ap := &stripe.PaymentMethodAttachParams{Params: params(ctx, key), Customer: stripe.String(cust)}
	var pm paymentMethodJSON
	if err := g.do(ctx, http.MethodPost, stripe.FormatURLPath("/v1/payment_methods/%s/attach", token), ap, &pm); err != nil {
		return payment.PaymentMethod{}, err
	}
	return pm.paymentMethod(), nil
}

// CreatePayment creates and confirms a payment intent.
func (g *Gateway) CreatePayment(ctx context.Context, req payment.PaymentRequest) (payment.Payment, error) {
	if req.IdempotencyKey == "" {
		return payment.Payment{}, errors.New("create payment: an idempotency key is required")
	}
	pp := &paymentIntentCreate{
		Params:   params(ctx, req.IdempotencyKey),
		Amount:   stripe.Int64(req.Amount),
		Currency: stripe.String(req.Currency),
		Confirm:  stripe.Bool(true),
		Metadata: req.Metadata,
	}
	// An empty value would be sent as customer= (payment_method=), which
	// Stripe refuses as an attempt to unset a parameter that cannot be.
	if req.Customer != "" {
		pp.Customer = stripe.String(req.Customer)
	}
	if req.PaymentMethod != "" {
		pp.PaymentMethod = stripe.String(req.PaymentMethod)
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
	return g.paymentIntent(ctx, http.MethodPost, "/v1/payment_intents", pp, &pp.Params)
}

// CapturePayment captures an authorised payment; amount 0 captures it all.
func (g *Gateway) CapturePayment(ctx context.Context, id string, amount int64, key string) (payment.Payment, error) {
	cp := &stripe.PaymentIntentCaptureParams{Params: params(ctx, key)}
	if amount > 0 {
		cp.AmountToCapture = stripe.Int64(amount)
	}
	return g.paymentIntent(ctx, http.MethodPost, stripe.FormatURLPath("/v1/payment_intents/%s/capture", id), cp, &cp.Params)
}

// CancelPayment cancels a payment intent, releasing an authorisation.
func (g *Gateway) CancelPayment(ctx context.Context, id, reason, key string) (payment.Payment, error) {
	cp := &stripe.PaymentIntentCancelParams{Params: params(ctx, key)}
	if reason != "" {
		cp.CancellationReason = stripe.String(reason)
	}
	return g.paymentIntent(ctx, http.MethodPost, stripe.FormatURLPath("/v1/payment_intents/%s/cancel", id), cp, &cp.Params)
}

// GetPayment retrieves a payment intent.
func (g *Gateway) GetPayment(ctx context.Context, id string) (payment.Payment, error) {
	pp := &stripe.PaymentIntentParams{}
	return g.paymentIntent(ctx, http.MethodGet, stripe.FormatURLPath("/v1/payment_intents/%s", id), pp, &pp.Params)
}

// GetCharge retrieves a charge.
func (g *Gateway) GetCharge(ctx context.Context, id string) (payment.Charge, error) {
	var ch chargeJSON
	if err := g.do(ctx, http.MethodGet, stripe.FormatURLPath("/v1/charges/%s", id), &stripe.ChargeParams{Params: stripe.Params{Context: ctx}}, &ch); err != nil {
		return payment.Charge{}, err
	}
	return ch.charge(), nil
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
			var parser fastjson.Parser
			var buf []byte
			after := ""
			for {
				lp := base
				lp.Context = ctx
				if after != "" {
					lp.StartingAfter = stripe.String(after)
				}
				var p chargePage
				q := &chargeQuery{ChargeListParams: lp}
				buf, _, p.err = g.send(ctx, http.MethodGet, "/v1/charges", q, &q.Context, buf[:0])
				if p.err == nil {
					p.charges, p.hasMore, p.err = decodeChargePage(&parser, buf)
				}
				select {
				case pages <- p:
				case <-ctx.Done():
					return
				}
				if p.err != nil || !p.hasMore || len(p.charges) == 0 {
					return
				}
				after = p.charges[len(p.charges)-1].ID
			}
		}()
		n := 0
		for p := range pages {
			if p.err != nil {
				yield(payment.Charge{}, p.err)
				return
			}
			for i := range p.charges {
				if !yield(p.charges[i], nil) {
					return
				}
				n++
				if f.Limit > 0 && n >= f.Limit {
					return
				}
			}
		}
		// The fetcher drops its page, error included, once ctx is done:
		// without this, a listing interrupted by Ctrl-C would end as if
		// it were complete.
		if err := ctx.Err(); err != nil {
			yield(payment.Charge{}, err)
		}
	}
}

type chargePage struct {
	charges []payment.Charge
	hasMore bool
	err     error
}

// Refund refunds a charge in full (Amount 0) or in part. The result is
// Replayed when the refund had been made before, by another command or
// process with the same key, and none was made now (see create).
func (g *Gateway) Refund(ctx context.Context, req payment.RefundRequest) (payment.Refund, error) {
	rp := &stripe.RefundParams{Params: params(ctx, req.IdempotencyKey), Charge: stripe.String(req.Charge), Metadata: req.Metadata}
	if req.Amount > 0 {
		rp.Amount = stripe.Int64(req.Amount)
	}
	if req.Reason != "" {
		rp.Reason = stripe.String(req.Reason)
	}
	var r refundJSON
	replayed, err := g.create(ctx, "/v1/refunds", rp, &r, req.IdempotencyKey)
	if err != nil {
		return payment.Refund{}, err
	}
	out := r.refund()
	out.Replayed = replayed
	return out, nil
}

// ListRefunds lists the refunds of a charge, newest first.
func (g *Gateway) ListRefunds(ctx context.Context, chargeID string) ([]payment.Refund, error) {
	lp := &stripe.RefundListParams{Charge: stripe.String(chargeID)}
	lp.Context = ctx
	lp.Limit = stripe.Int64(100)
	out := []payment.Refund{}
	for {
		var l listPage[refundJSON]
		if err := g.list(ctx, "/v1/refunds", lp, &l); err != nil {
			return nil, err
		}
		for i := range l.Data {
			out = append(out, l.Data[i].refund())
		}
		if !l.HasMore || len(l.Data) == 0 {
			return out, nil
		}
		lp.StartingAfter = stripe.String(l.Data[len(l.Data)-1].ID)
	}
}
