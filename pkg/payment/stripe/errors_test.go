package stripe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/tweetpay/tweetpay/pkg/payment"
)

// server answers with the given statuses and bodies in turn (the last one
// repeats) and records the idempotency key of every attempt.
type server struct {
	mu      sync.Mutex
	answers []answer
	keys    []string
}

type answer struct {
	status int
	header map[string]string
	body   string
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.keys = append(s.keys, r.Header.Get("Idempotency-Key"))
	a := s.answers[min(len(s.keys)-1, len(s.answers)-1)]
	s.mu.Unlock()
	for k, v := range a.header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(a.status)
	_, _ = w.Write([]byte(a.body))
}

const okPI = `{"id":"pi_1","object":"payment_intent","status":"succeeded","amount":1250,"currency":"usd","latest_charge":"ch_1"}`

func newGateway(t *testing.T, answers ...answer) (*Gateway, *server) {
	s := &server{answers: answers}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return New(Options{Key: "sk_test_x", URL: ts.URL, NoRetrySleep: true}), s
}

func pay(g *Gateway) (payment.Payment, error) {
	return g.CreatePayment(context.Background(), payment.PaymentRequest{
		Amount: 1250, Currency: "usd", Customer: "cus_1", PaymentMethod: "pm_card_visa", OffSession: true,
		IdempotencyKey: "tweetpay:offer:tweet-1",
	})
}

func TestErrorMapping(t *testing.T) {
	decline := `{"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds",
		"message":"Your card has insufficient funds.","charge":"ch_9","payment_intent":{"id":"pi_9","object":"payment_intent"}}}`
	for _, tc := range []struct {
		name     string
		answer   answer
		sentinel error
		check    func(*testing.T, *payment.Error)
	}{
		{"decline keeps Stripe's codes", answer{402, nil, decline}, payment.ErrDeclined, func(t *testing.T, e *payment.Error) {
			if e.Code != "card_declined" || e.DeclineCode != "insufficient_funds" || e.ChargeID != "ch_9" || e.PaymentID != "pi_9" {
				t.Errorf("lost fields: %+v", e)
			}
		}},
		{"401 is an auth error", answer{401, nil, `{"error":{"type":"invalid_request_error","message":"Invalid API Key provided: sk_test_****x"}}`}, payment.ErrAuth, nil},
		{"404 is not found", answer{404, nil, `{"error":{"type":"invalid_request_error","code":"resource_missing","param":"id","message":"No such payment_intent: 'pi_x'"}}`}, payment.ErrNotFound, nil},
		{"400 resource_missing is not found", answer{400, nil, `{"error":{"type":"invalid_request_error","code":"resource_missing","param":"customer","message":"No such customer: 'cus_x'"}}`}, payment.ErrNotFound, func(t *testing.T, e *payment.Error) {
			if e.Param != "customer" || e.HTTPStatus != 400 {
				t.Errorf("lost fields: %+v", e)
			}
		}},
		{"400 is an invalid request", answer{400, nil, `{"error":{"type":"invalid_request_error","code":"amount_too_small","param":"amount","message":"Amount must be at least $0.50 usd"}}`}, payment.ErrInvalidRequest, func(t *testing.T, e *payment.Error) {
			if e.Param != "amount" || e.Message != "Amount must be at least $0.50 usd" {
				t.Errorf("lost fields: %+v", e)
			}
		}},
		{"500 is unavailable", answer{500, nil, `{"error":{"type":"api_error","message":"boom"}}`}, payment.ErrUnavailable, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, _ := newGateway(t, tc.answer)
			_, err := pay(g)
			if !errors.Is(err, tc.sentinel) {
				t.Fatalf("err = %v, want %v", err, tc.sentinel)
			}
			var pe *payment.Error
			if !errors.As(err, &pe) {
				t.Fatalf("err %T is not a *payment.Error", err)
			}
			if tc.check != nil {
				tc.check(t, pe)
			}
		})
	}
}

// TestRetriesKeepTheKey: 429 (retried by the gateway) and 503 (retried by
// stripe-go) are retried with the same idempotency key, so a retry can never
// charge twice.
func TestRetriesKeepTheKey(t *testing.T) {
	rate := answer{429, nil, `{"error":{"type":"invalid_request_error","code":"rate_limit","message":"Too many requests"}}`}
	unavail := answer{503, map[string]string{"Stripe-Should-Retry": "true"}, `{"error":{"type":"api_error","message":"unavailable"}}`}
	g, s := newGateway(t, rate, unavail, rate, answer{200, nil, okPI})
	p, err := pay(g)
	if err != nil {
		t.Fatalf("CreatePayment: %v", err)
	}
	if p.ID != "pi_1" || p.LatestCharge != "ch_1" {
		t.Errorf("payment %+v", p)
	}
	if len(s.keys) != 4 {
		t.Fatalf("%d attempts, want 4", len(s.keys))
	}
	for _, k := range s.keys {
		if k != "tweetpay:offer:tweet-1" {
			t.Errorf("attempt with key %q", k)
		}
	}
	// Three requests were sent again; a call answered at once adds none.
	if n := g.RetriedRequests(); n != 3 {
		t.Errorf("RetriedRequests = %d, want 3", n)
	}
	if _, err := g.GetPayment(context.Background(), "pi_1"); err != nil || g.RetriedRequests() != 3 {
		t.Errorf("after a call answered at once: %v, RetriedRequests = %d, want 3", err, g.RetriedRequests())
	}
}

// TestRateLimitGivesUp: a 429 that never clears ends as ErrUnavailable.
func TestRateLimitGivesUp(t *testing.T) {
	g, s := newGateway(t, answer{429, nil, `{"error":{"type":"invalid_request_error","code":"rate_limit","message":"Too many requests"}}`})
	_, err := pay(g)
	if !errors.Is(err, payment.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if len(s.keys) < 2 {
		t.Errorf("%d attempts; a 429 should be retried", len(s.keys))
	}
}

// TestNetworkError: an unreachable server is ErrUnavailable, which
// stripe-go has retried already and no one else retries: nothing listens
// there, and a stream that went on retrying took half a minute to say so.
func TestNetworkError(t *testing.T) {
	g := New(Options{Key: "sk_test_x", URL: "http://127.0.0.1:9", NoRetrySleep: true})
	for name, call := range map[string]func() error{
		"create payment": func() error { _, err := pay(g); return err },
		"find customer":  func() error { _, _, err := g.FindCustomer(context.Background(), "a@b.test"); return err },
	} {
		err := call()
		if !errors.Is(err, payment.ErrUnavailable) {
			t.Fatalf("%s: err = %v, want ErrUnavailable", name, err)
		}
		if payment.Retryable(err) {
			t.Errorf("%s: a refused connection is retryable: %v", name, err)
		}
	}
}

// TestPaymentConnectionDrops: a connection that drops before the answer is
// retried with the same idempotency key, and a payment whose connection
// drops for good is ErrUnavailable (stripe-go's streaming path, which the
// gateway takes for PaymentIntents, panics on such a drop unless caught).
func TestPaymentConnectionDrops(t *testing.T) {
	for _, drops := range []int{1, 100} {
		var mu sync.Mutex
		var keys []string
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			keys = append(keys, r.Header.Get("Idempotency-Key"))
			n := len(keys)
			mu.Unlock()
			if n <= drops {
				if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
					conn.Close()
				}
				return
			}
			fmt.Fprint(w, okPI)
		}))
		g := New(Options{Key: "sk_test_x", URL: srv.URL, NoRetrySleep: true})
		p, err := pay(g)
		srv.Close()
		for _, k := range keys {
			if k != "tweetpay:offer:tweet-1" {
				t.Errorf("attempt with key %q", k)
			}
		}
		switch drops {
		case 1:
			if err != nil || p.ID != "pi_1" || len(keys) != 2 {
				t.Errorf("one drop: %+v, %v after %d attempts; want pi_1 after 2", p, err, len(keys))
			}
		default:
			if !errors.Is(err, payment.ErrUnavailable) || !payment.Retryable(err) || len(keys) < 2 {
				t.Errorf("dropping for good: %v after %d attempts; want ErrUnavailable after retries", err, len(keys))
			}
		}
	}
}

// TestShouldRetryFalseIsObeyed: an answer with Stripe-Should-Retry: false is
// not retried, by stripe-go or by the gateway's own 429 retries, and is
// marked so that the stream does not retry it either; likewise an error that
// Stripe replayed from the idempotency key, which the key would replay
// again. Without either header, a 429 and a 500 stay retryable.
func TestShouldRetryFalseIsObeyed(t *testing.T) {
	body := `{"error":{"type":"api_error","message":"no"}}`
	rate := `{"error":{"type":"invalid_request_error","code":"rate_limit","message":"Too many requests"}}`
	for _, tc := range []struct {
		name      string
		answer    answer
		attempts  int
		retryable bool
	}{
		{"429 with Stripe-Should-Retry: false", answer{429, map[string]string{"Stripe-Should-Retry": "false"}, rate}, 1, false},
		{"503 with Stripe-Should-Retry: false", answer{503, map[string]string{"Stripe-Should-Retry": "false"}, body}, 1, false},
		{"500 replayed from the idempotency key", answer{500, map[string]string{"Idempotent-Replayed": "true"}, body}, 1, false},
		{"500 without a header", answer{500, nil, body}, 1, true},
		{"429 without a header", answer{429, nil, rate}, 4, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, s := newGateway(t, tc.answer)
			_, err := pay(g)
			if !errors.Is(err, payment.ErrUnavailable) {
				t.Fatalf("err = %v, want ErrUnavailable", err)
			}
			if len(s.keys) != tc.attempts {
				t.Errorf("%d attempts, want %d", len(s.keys), tc.attempts)
			}
			if got := payment.Retryable(err); got != tc.retryable {
				t.Errorf("Retryable = %v, want %v", got, tc.retryable)
			}
		})
	}
}

// TestPaymentReplayed: an answer Stripe replayed from the idempotency key
// (Idempotent-Replayed: true) to the call's only request is a payment made
// before, and says so; a replay after a request of the same call got no
// answer may be of that request's own work, and is not reported.
func TestPaymentReplayed(t *testing.T) {
	replayed := map[string]string{"Idempotent-Replayed": "true"}
	g, _ := newGateway(t, answer{200, replayed, okPI})
	if p, err := pay(g); err != nil || !p.Replayed || p.ID != "pi_1" {
		t.Errorf("replayed answer: %+v, %v; want Replayed", p, err)
	}
	g, _ = newGateway(t, answer{200, nil, okPI})
	if p, err := pay(g); err != nil || p.Replayed {
		t.Errorf("first answer: %+v, %v; want not Replayed", p, err)
	}

	srv, count := replayingServer(t, 1, okPI)
	g = New(Options{Key: "sk_test_x", URL: srv.URL, NoRetrySleep: true})
	if p, err := pay(g); err != nil || p.Replayed || count() != 2 {
		t.Errorf("replay after a lost answer: %+v, %v after %d requests; want not Replayed after 2", p, err, count())
	}
}

// replayingServer drops the connection of its first lost requests (the
// object made, its answer lost) and answers the others with body, replayed
// from the idempotency key. count tells how many requests came.
func replayingServer(t *testing.T, lost int, body string) (srv *httptest.Server, count func() int) {
	var mu sync.Mutex
	n := 0
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		drop := n <= lost
		mu.Unlock()
		if drop {
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		w.Header().Set("Idempotent-Replayed", "true")
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, func() int {
		mu.Lock()
		defer mu.Unlock()
		return n
	}
}

// TestPaymentReplayedAfterEarlierCallLost: a call that gave up after its
// requests got no answer (the payment made, every answer lost) and a later
// call with the same key (a stream retrying the tweet) that is answered
// with the replay: the payment is this process's own, not one made before.
// Another Gateway (another process) sees the same replay as a payment made
// before.
func TestPaymentReplayedAfterEarlierCallLost(t *testing.T) {
	srv, count := replayingServer(t, 3, okPI)
	g := New(Options{Key: "sk_test_x", URL: srv.URL, NoRetrySleep: true})
	if _, err := pay(g); !payment.Retryable(err) {
		t.Fatalf("every answer lost: %v after %d requests; want a retryable error", err, count())
	}
	sent := count()
	if p, err := pay(g); err != nil || p.Replayed || count() != sent+1 {
		t.Errorf("retried call: %+v, %v after %d requests; want not Replayed after %d", p, err, count(), sent+1)
	}
	// The key is forgotten once answered: the same call again is a replay
	// of a payment made before it.
	if p, err := pay(g); err != nil || !p.Replayed {
		t.Errorf("third call: %+v, %v; want Replayed", p, err)
	}
	other := New(Options{Key: "sk_test_x", URL: srv.URL, NoRetrySleep: true})
	if p, err := pay(other); err != nil || !p.Replayed {
		t.Errorf("another gateway: %+v, %v; want Replayed", p, err)
	}
}

// TestCreatePaymentOmitsEmptyFields: a payment without a customer sends no
// customer= (Stripe answers an empty string with parameter_invalid_empty).
func TestCreatePaymentOmitsEmptyFields(t *testing.T) {
	var form url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Error(err)
		}
		form = r.PostForm
		fmt.Fprint(w, okPI)
	}))
	t.Cleanup(srv.Close)
	g := New(Options{Key: "sk_test_x", URL: srv.URL, NoRetrySleep: true})
	_, err := g.CreatePayment(context.Background(), payment.PaymentRequest{Amount: 1250, Currency: "usd",
		PaymentMethod: "pm_card_visa", IdempotencyKey: "tweetpay:offer:tweet-1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := form["customer"]; ok || form.Get("payment_method") != "pm_card_visa" || form.Get("amount") != "1250" {
		t.Errorf("form sent: %v; want payment_method and amount, no customer", form)
	}
}

// TestCustomerReplayed: a customer creation answered from its key is
// Replayed, unless an earlier request with the key got no answer (then the
// replay may be of this process's own creation).
func TestCustomerReplayed(t *testing.T) {
	create := func(g *Gateway) (payment.Customer, error) {
		return g.CreateCustomer(context.Background(), payment.Customer{Email: "a@example.com"}, "tweetpay:customer:a")
	}
	srv, _ := replayingServer(t, 0, okPI)
	if c, err := create(New(Options{Key: "sk_test_x", URL: srv.URL, NoRetrySleep: true})); err != nil || !c.Replayed {
		t.Errorf("replayed answer: %+v, %v; want Replayed", c, err)
	}
	srv, count := replayingServer(t, 1, okPI)
	if c, err := create(New(Options{Key: "sk_test_x", URL: srv.URL, NoRetrySleep: true})); err != nil || c.Replayed || count() != 2 {
		t.Errorf("replay after a lost answer: %+v, %v after %d requests; want not Replayed after 2", c, err, count())
	}
}
