package stripe

import (
	"context"
	"testing"

	"github.com/tweetpay/tweetpay/pkg/payment"
)

const okRefund = `{"id":"re_1","object":"refund","amount":500,"currency":"usd","status":"succeeded","charge":"ch_1","created":1764000000,"metadata":{"tweetpay_refund_key":"tweetpay:refund:ch_1:500"}}`

func refund(g *Gateway) (payment.Refund, error) {
	return g.Refund(context.Background(), payment.RefundRequest{
		Charge: "ch_1", Amount: 500, Metadata: map[string]string{"tweetpay_refund_key": "tweetpay:refund:ch_1:500"},
		IdempotencyKey: "tweetpay:refund:ch_1:500",
	})
}

// TestRefundReplayed: a refund Stripe answered from the idempotency key
// (Idempotent-Replayed: true) was made before, by another command or
// process, and says so; a first answer does not. The key is sent with
// every attempt.
func TestRefundReplayed(t *testing.T) {
	replayed := map[string]string{"Idempotent-Replayed": "true"}
	g, s := newGateway(t, answer{200, replayed, okRefund})
	r, err := refund(g)
	if err != nil || !r.Replayed || r.ID != "re_1" || r.Amount != 500 || r.Charge != "ch_1" {
		t.Errorf("replayed answer: %+v, %v; want re_1 Replayed", r, err)
	}
	if len(s.keys) != 1 || s.keys[0] != "tweetpay:refund:ch_1:500" {
		t.Errorf("keys sent: %q", s.keys)
	}
	g, _ = newGateway(t, answer{200, nil, okRefund})
	if r, err := refund(g); err != nil || r.Replayed {
		t.Errorf("first answer: %+v, %v; want not Replayed", r, err)
	}
	g, _ = newGateway(t, answer{200, map[string]string{"Idempotent-Replayed": "false"}, okRefund})
	if r, err := refund(g); err != nil || r.Replayed {
		t.Errorf("Idempotent-Replayed: false: %+v, %v; want not Replayed", r, err)
	}
}

// TestRefundReplayedAfterKeyInUse: two processes refunding at once send the
// same key; the second one's request, met with 409 idempotency_key_in_use
// while the first still runs, is retried by stripe-go and answered with the
// first one's refund, replayed. That refund is not the second process's.
func TestRefundReplayedAfterKeyInUse(t *testing.T) {
	inUse := `{"error":{"type":"invalid_request_error","code":"idempotency_key_in_use","message":"There is currently another in-progress request using this Idempotent Key."}}`
	g, s := newGateway(t, answer{409, nil, inUse}, answer{200, map[string]string{"Idempotent-Replayed": "true"}, okRefund})
	r, err := refund(g)
	if err != nil || !r.Replayed {
		t.Errorf("replay after 409: %+v, %v; want Replayed", r, err)
	}
	if len(s.keys) != 2 || s.keys[0] != s.keys[1] {
		t.Errorf("keys sent: %q; want the same key twice", s.keys)
	}
}

// TestRefundReplayedAfterLostAnswer: a replay after a request of the same
// call, or of an earlier call of the same Gateway, got no answer may be of
// that request's own refund, and is not reported; once answered, the key is
// forgotten, and another Gateway (another process) sees a replay.
func TestRefundReplayedAfterLostAnswer(t *testing.T) {
	srv, count := replayingServer(t, 1, okRefund)
	g := New(Options{Key: "sk_test_x", URL: srv.URL, NoRetrySleep: true})
	if r, err := refund(g); err != nil || r.Replayed || count() != 2 {
		t.Errorf("replay after a lost answer: %+v, %v after %d requests; want not Replayed after 2", r, err, count())
	}

	srv, count = replayingServer(t, 3, okRefund)
	g = New(Options{Key: "sk_test_x", URL: srv.URL, NoRetrySleep: true})
	if _, err := refund(g); !payment.Retryable(err) {
		t.Fatalf("every answer lost: %v after %d requests; want a retryable error", err, count())
	}
	if r, err := refund(g); err != nil || r.Replayed {
		t.Errorf("retried call: %+v, %v; want not Replayed", r, err)
	}
	if r, err := refund(g); err != nil || !r.Replayed {
		t.Errorf("third call: %+v, %v; want Replayed", r, err)
	}
	other := New(Options{Key: "sk_test_x", URL: srv.URL, NoRetrySleep: true})
	if r, err := refund(other); err != nil || !r.Replayed {
		t.Errorf("another gateway: %+v, %v; want Replayed", r, err)
	}
}
