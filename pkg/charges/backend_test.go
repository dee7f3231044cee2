package charges

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tweetpay/tweetpay/internal/stripemock"

	"github.com/tweetpay/tweetpay/pkg/emulator"
	"github.com/tweetpay/tweetpay/pkg/payment"
	stripegw "github.com/tweetpay/tweetpay/pkg/payment/stripe"
	"github.com/tweetpay/tweetpay/pkg/shop"
)

// recorder keeps the method, path and status of every request.
type recorder struct {
	mu   sync.Mutex
	next http.RoundTripper
	log  []string
	bad  []string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	r.mu.Lock()
	defer r.mu.Unlock()
	line := req.Method + " " + req.URL.Path
	if err != nil {
		r.bad = append(r.bad, line+": "+err.Error())
		return resp, err
	}
	line += fmt.Sprintf(" %d", resp.StatusCode)
	r.log = append(r.log, line)
	if resp.StatusCode/100 != 2 {
		r.bad = append(r.bad, line)
	}
	return resp, nil
}

// TestStripeBackendOverHTTP runs list, show, refund and summary through
// stripe-go over a real socket to the emulator's http.Handler, the path of
// `--backend stripe --api-base URL`.
func TestStripeBackendOverHTTP(t *testing.T) {
	em, err := emulator.Open(t.TempDir(), emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = em.Close() })
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	rec := &recorder{next: http.DefaultTransport}
	gw := stripegw.New(stripegw.Options{Key: "sk_test_overhttp", URL: srv.URL,
		HTTPClient: &http.Client{Transport: rec, Timeout: 10 * time.Second}, NoRetrySleep: true})
	w := &shopWorld{t: t, gw: gw, clock: &clock{}, customers: map[string]string{}}
	ctx := context.Background()
	paid := w.buy(time.Time{}, "@alice", "BuyBlueMug", 1250, "usd", "pm_card_visa")
	w.buy(time.Time{}, "@bob", "BuyBlueMug", 1250, "usd", "pm_card_visa_chargeDeclinedInsufficientFunds")

	l := Lister{Gateway: gw, PageSize: 1}
	if got := collect(t, l.List(ctx, Query{Buyer: "@alice", Since: time.Now().Add(-time.Hour)})); len(got) != 1 || got[0].ID != paid {
		t.Errorf("list --buyer @alice: %v", ids(got))
	}
	if got := collect(t, l.List(ctx, Query{Status: StatusFailed})); len(got) != 1 || got[0].Metadata[shop.MetaBuyer] != "@bob" {
		t.Errorf("list --status failed: %v", ids(got))
	}
	r, err := Refund(ctx, gw, RefundInput{Charge: paid, Amount: "2.50"})
	if err != nil || r.Duplicate {
		t.Fatalf("refund: %+v, %v", r, err)
	}
	if r2, err := Refund(ctx, gw, RefundInput{Charge: paid, Amount: "2.50"}); err != nil || !r2.Duplicate || r2.ID != r.ID {
		t.Errorf("refund again: %+v, %v", r2, err)
	}
	d, err := Show(ctx, gw, paid)
	if err != nil || len(d.Refunds) != 1 || d.AmountRefunded != 250 {
		t.Errorf("show: %+v, %v", d, err)
	}
	s, err := Summarize(l.List(ctx, Query{}), ByOffer, Query{})
	if err != nil || s.Total.Count != 2 || s.Total.Amounts[0].Net != 1000 {
		t.Errorf("summary: %+v, %v", s.Total, err)
	}
	if _, err := Show(ctx, gw, "ch_doesnotexist"); !errors.Is(err, payment.ErrNotFound) {
		t.Errorf("unknown charge: %v", err)
	}
}

// TestStripeMockAcceptsRequests sends the requests of list, show and refund
// to stripe-mock, which rejects any request that Stripe's OpenAPI spec would
// reject, and checks that every answer was 2xx.
func TestStripeMockAcceptsRequests(t *testing.T) {
	if testing.Short() {
		t.Skip("starts stripe-mock")
	}
	addr := stripemock.Start(t)
	rec := &recorder{next: http.DefaultTransport}
	gw := stripegw.New(stripegw.Options{Key: "sk_test_123", URL: addr,
		HTTPClient: &http.Client{Transport: rec, Timeout: 10 * time.Second}, NoRetrySleep: true})
	ctx := context.Background()
	since := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

	n := 0
	for _, err := range (Lister{Gateway: gw}).List(ctx, Query{Buyer: "@alice", Since: since, Until: since.Add(24 * time.Hour), Limit: 5}) {
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		n++
	}
	for _, err := range (Lister{Gateway: gw, PageSize: 100}).List(ctx, Query{Offer: "BuyBlueMug", Limit: 1}) {
		if err != nil {
			t.Fatalf("list --offer: %v", err)
		}
	}
	d, err := Show(ctx, gw, "ch_123")
	if err != nil {
		t.Fatalf("show: %v", err)
	}
	// stripe-mock's payment intent fixture has no latest_charge: the request
	// is what is checked here.
	if _, err := Show(ctx, gw, "pi_123"); err != nil && !errors.Is(err, payment.ErrNotFound) {
		t.Fatalf("show pi: %v", err)
	}
	// stripe-mock answers with fixtures: refund a part of its charge when
	// the fixture is captured, else release it in full.
	amount := ""
	if d.Captured {
		amount = "0.01"
	}
	if d.Amount-d.AmountRefunded < 1 {
		t.Fatalf("fixture charge has nothing left: %+v", d)
	}
	if _, err := Refund(ctx, gw, RefundInput{Charge: "ch_123", Amount: amount, Reason: "requested_by_customer"}); err != nil {
		t.Fatalf("refund: %v", err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.bad) > 0 {
		t.Errorf("stripe-mock refused requests: %v", rec.bad)
	}
	want := []string{"GET /v1/customers", "GET /v1/charges", "GET /v1/charges/ch_123", "GET /v1/refunds",
		"GET /v1/payment_intents/pi_123", "POST /v1/refunds"}
	for _, w := range want {
		found := false
		for _, l := range rec.log {
			if strings.HasPrefix(l, w+" ") {
				found = true
			}
		}
		if !found {
			t.Errorf("no %s request in %v", w, rec.log)
		}
	}
}
