package stripe

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tweetpay/tweetpay/pkg/payment"
)

const timeoutTestKey = "sk_test_timeoutsecret1234567890"

// hungServer accepts every request and never answers it, as a hung server
// or a black-holed proxy does; with headers set, it sends them and then
// never sends the body. It counts the requests.
type hungServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests int
}

func newHungServer(t *testing.T, headersFirst bool) *hungServer {
	t.Helper()
	s := &hungServer{}
	done := make(chan struct{})
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests++
		s.mu.Unlock()
		if headersFirst {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"id":`))
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}))
	t.Cleanup(func() {
		close(done)
		s.Close()
	})
	return s
}

func (s *hungServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// TestTimeout: a provider that accepts the connection and never answers
// fails each request after Options.Timeout, each of stripe-go's attempts
// alike, whichever of the gateway's paths the request takes, with an error
// that says it timed out, where and after how long, that is ErrUnavailable
// and not to be retried again, and that never holds the key.
func TestTimeout(t *testing.T) {
	const timeout = 50 * time.Millisecond
	calls := []struct {
		name string
		fn   func(context.Context, *Gateway) error
	}{
		{"create payment (streamed answer)", func(ctx context.Context, g *Gateway) error {
			_, err := g.CreatePayment(ctx, payment.PaymentRequest{Amount: 1250, Currency: "usd", Customer: "cus_1",
				PaymentMethod: "pm_card_visa", IdempotencyKey: "tweetpay:offer:tweet-1"})
			return err
		}},
		{"get product (decoded answer)", func(ctx context.Context, g *Gateway) error {
			_, err := g.GetProduct(ctx, "prod_1")
			return err
		}},
		{"find customer (list)", func(ctx context.Context, g *Gateway) error {
			_, _, err := g.FindCustomer(ctx, "a@b.test")
			return err
		}},
		{"list charges (streamed pages)", func(ctx context.Context, g *Gateway) error {
			for _, err := range g.ListCharges(ctx, payment.ChargeFilter{}) {
				if err != nil {
					return err
				}
			}
			return nil
		}},
	}
	for _, tc := range calls {
		for _, headersFirst := range []bool{false, true} {
			name := tc.name
			if headersFirst {
				name += ", body never sent"
			}
			t.Run(name, func(t *testing.T) {
				srv := newHungServer(t, headersFirst)
				g := New(Options{Key: timeoutTestKey, URL: srv.URL, Timeout: timeout, NoRetrySleep: true})
				start := time.Now()
				err := tc.fn(context.Background(), g)
				elapsed := time.Since(start)
				if !errors.Is(err, payment.ErrUnavailable) {
					t.Fatalf("err = %v, want ErrUnavailable", err)
				}
				if payment.Retryable(err) {
					t.Errorf("a timeout is retryable after stripe-go's own retries: %v", err)
				}
				n := srv.count()
				attempts := "3 attempts"
				if n == 1 {
					attempts = "1 attempt"
				}
				want := "request to " + srv.URL + " timed out after 50ms (" + attempts + ")"
				if !strings.Contains(err.Error(), want) {
					t.Errorf("err = %q, want it to hold %q", err, want)
				}
				if strings.Contains(err.Error(), timeoutTestKey) {
					t.Errorf("err holds the key: %q", err)
				}
				// Headers and then nothing: stripe-go retries a body that
				// never comes when it reads it, the streamed path does not.
				if !headersFirst && n != 3 {
					t.Errorf("%d requests, want 3 (stripe-go's two retries)", n)
				}
				if elapsed > time.Duration(n)*timeout+2*time.Second {
					t.Errorf("took %v for %d attempts of %v", elapsed, n, timeout)
				}
			})
		}
	}
}

// TestTimeoutIsNotCancellation: a command cancelled (Ctrl-C) while its
// request hangs stops at once with the context's error, not a timeout, so
// that it exits 130 rather than 6.
func TestTimeoutIsNotCancellation(t *testing.T) {
	srv := newHungServer(t, false)
	g := New(Options{Key: timeoutTestKey, URL: srv.URL, Timeout: 10 * time.Second, NoRetrySleep: true})
	for name, fn := range map[string]func(context.Context) error{
		"create payment": func(ctx context.Context) error {
			_, err := g.CreatePayment(ctx, payment.PaymentRequest{Amount: 1250, Currency: "usd", Customer: "cus_1",
				PaymentMethod: "pm_card_visa", IdempotencyKey: "tweetpay:offer:tweet-2"})
			return err
		},
		"get product": func(ctx context.Context) error { _, err := g.GetProduct(ctx, "prod_1"); return err },
		"list charges": func(ctx context.Context) error {
			for _, err := range g.ListCharges(ctx, payment.ChargeFilter{}) {
				if err != nil {
					return err
				}
			}
			return nil
		},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		err := fn(ctx)
		if !errors.Is(err, context.Canceled) || errors.Is(err, payment.ErrUnavailable) {
			t.Errorf("%s: err = %v, want context.Canceled", name, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: took %v to stop", name, d)
		}
		cancel()
	}
}

// TestTimeoutOptions: the default is Stripe's 80 s; an HTTPClient given
// without a Timeout (the in-process emulator's) keeps none, and
// Options.Timeout overrides both.
func TestTimeoutOptions(t *testing.T) {
	inProcess := &http.Client{Transport: http.DefaultTransport}
	for _, tc := range []struct {
		opts Options
		want time.Duration
	}{
		{Options{}, DefaultTimeout},
		{Options{Timeout: 2 * time.Second}, 2 * time.Second},
		{Options{HTTPClient: inProcess}, 0},
		{Options{HTTPClient: inProcess, Timeout: time.Second}, time.Second},
	} {
		if got := New(tc.opts).timeout; got != tc.want {
			t.Errorf("New(%+v): timeout %v, want %v", tc.opts, got, tc.want)
		}
	}
	if inProcess.Timeout != 0 {
		t.Errorf("the caller's client was changed: %v", inProcess.Timeout)
	}
}

func TestAddress(t *testing.T) {
	for in, want := range map[string]string{
		"":                                    "https://api.stripe.com",
		"http://127.0.0.1:12111":              "http://127.0.0.1:12111",
		"http://127.0.0.1:12111/v1/":          "http://127.0.0.1:12111",
		"https://user:sk_test_abc@proxy.test": "https://proxy.test",
	} {
		if got := address(in); got != want {
			t.Errorf("address(%q) = %q, want %q", in, got, want)
		}
	}
}
