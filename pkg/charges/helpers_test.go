package charges

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/tweetpay/tweetpay/pkg/emulator"
	"github.com/tweetpay/tweetpay/pkg/payment"
	stripegw "github.com/tweetpay/tweetpay/pkg/payment/stripe"
	"github.com/tweetpay/tweetpay/pkg/shop"
)

// clock is a settable time source for the emulator's "created" times.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// shopWorld is an in-process emulator behind the real stripe-go gateway,
// with buyers' customers created the way the purchase engine does.
type shopWorld struct {
	t         *testing.T
	gw        payment.Gateway
	clock     *clock
	customers map[string]string
	n         int
}

func newWorld(t *testing.T) *shopWorld {
	t.Helper()
	c := &clock{t: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
	em, err := emulator.Open(t.TempDir(), emulator.Options{Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = em.Close() })
	gw := stripegw.New(stripegw.Options{
		Key: "sk_test_charges", URL: "http://emulator.invalid",
		HTTPClient: &http.Client{Transport: em.Transport()}, NoRetrySleep: true,
	})
	return &shopWorld{t: t, gw: gw, clock: c, customers: map[string]string{}}
}

func (w *shopWorld) customer(handle string) string {
	w.t.Helper()
	if id, ok := w.customers[handle]; ok {
		return id
	}
	c, err := w.gw.CreateCustomer(context.Background(), payment.Customer{Email: shop.CustomerEmail(handle)}, "test:cus:"+handle)
	if err != nil {
		w.t.Fatal(err)
	}
	w.customers[handle] = c.ID
	return c.ID
}

// buy makes a charge as the engine would, at time at; card is a pm_card_*
// token. It returns the charge ID (failed charges included).
func (w *shopWorld) buy(at time.Time, handle, offer string, amount int64, currency, card string) string {
	w.t.Helper()
	w.clock.set(at)
	w.n++
	id := strconv.Itoa(w.n)
	p, err := w.gw.CreatePayment(context.Background(), payment.PaymentRequest{
		Amount: amount, Currency: currency, Customer: w.customer(handle), PaymentMethod: card, OffSession: true,
		Metadata: map[string]string{
			shop.MetaTweetID: id, shop.MetaOffer: offer, shop.MetaHashtag: offer, shop.MetaBuyer: handle,
		},
		IdempotencyKey: "test:" + id,
	})
	if err != nil {
		var pe *payment.Error
		if errors.As(err, &pe) && errors.Is(err, payment.ErrDeclined) {
			return pe.ChargeID
		}
		w.t.Fatal(err)
	}
	return p.LatestCharge
}

// collect drains a charge sequence.
func collect(t *testing.T, seq func(func(payment.Charge, error) bool)) []payment.Charge {
	t.Helper()
	var out []payment.Charge
	for c, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

func ids(cs []payment.Charge) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}
