package emulator

import (
	"errors"
	"net/http"
	"runtime"
	"testing"
	"time"

	stripe "github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"
)

const testKey = "sk_test_emulator1234"

// reopen closes em and opens the state in dir again, closed at cleanup.
func reopen(t testing.TB, em *Emulator, dir string) *Emulator {
	t.Helper()
	if err := em.Close(); err != nil {
		t.Fatal(err)
	}
	em, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = em.Close() })
	return em
}

func openTest(t testing.TB, opts Options) *Emulator {
	t.Helper()
	em, err := Open(t.TempDir(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = em.Close() })
	return em
}

func clientFor(rt http.RoundTripper, key string) *client.API {
	b := stripe.GetBackendWithConfig(stripe.APIBackend, &stripe.BackendConfig{
		URL:               stripe.String("http://emulator"),
		HTTPClient:        &http.Client{Transport: rt},
		MaxNetworkRetries: stripe.Int64(0),
		LeveledLogger:     &stripe.LeveledLogger{Level: stripe.LevelNull},
		EnableTelemetry:   stripe.Bool(false),
	})
	return client.New(key, &stripe.Backends{API: b, Uploads: b, Connect: b})
}

func newClient(t testing.TB) (*Emulator, *client.API) {
	em := openTest(t, Options{})
	return em, clientFor(em.Transport(), testKey)
}

func stripeErr(t testing.TB, err error) *stripe.Error {
	t.Helper()
	var se *stripe.Error
	if !errors.As(err, &se) {
		t.Fatalf("want a *stripe.Error, got %T %v", err, err)
	}
	return se
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// customerWithCard creates a customer with a card token attached.
func customerWithCard(t testing.TB, sc *client.API, token string) (*stripe.Customer, *stripe.PaymentMethod) {
	t.Helper()
	cus := must[*stripe.Customer](t)(sc.Customers.New(&stripe.CustomerParams{Email: stripe.String("buyer@example.com")}))
	pm := must[*stripe.PaymentMethod](t)(sc.PaymentMethods.Attach(token, &stripe.PaymentMethodAttachParams{Customer: stripe.String(cus.ID)}))
	return cus, pm
}

// cardOnly is payment_method_types=["card"], as tweetpay sends it: without
// it a PaymentIntent takes the Dashboard's payment methods, redirects
// allowed, and confirming it needs a return_url.
func cardOnly() []*string { return stripe.StringSlice([]string{"card"}) }

func gomaxprocs() int { return runtime.GOMAXPROCS(0) }

type timeT = time.Time

func stripeNow() *time.Time {
	t := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	return &t
}

func mustTime(t testing.TB, s string) int64 {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm.Unix()
}
