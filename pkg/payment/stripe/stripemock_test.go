package stripe

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tweetpay/tweetpay/internal/stripemock"
	"github.com/tweetpay/tweetpay/pkg/payment"
)

// TestRequestsAcceptedByStripeMock sends every kind of request the gateway
// makes to stripe-mock, which answers 400 to any request Stripe's OpenAPI
// specification would refuse: each call must succeed.
func TestRequestsAcceptedByStripeMock(t *testing.T) {
	url := stripemock.Start(t)
	g := New(Options{Key: stripemock.Key, URL: url, HTTPClient: &http.Client{Timeout: 10 * time.Second}, NoRetrySleep: true})
	ctx := context.Background()
	must := func(name string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: stripe-mock refused the request: %v", name, err)
		}
	}
	_, _, err := g.EnsureProduct(ctx, payment.Product{ID: "tweetpay_buybluemug", Name: "Blue Mug", Description: "A mug", Active: true,
		Metadata: map[string]string{"offer": "BuyBlueMug"}}, "k-product")
	must("EnsureProduct", err)
	_, err = g.UpdateProduct(ctx, payment.Product{ID: "tweetpay_buybluemug", Name: "Blue Mug", Active: false}, "k-product-update")
	must("UpdateProduct", err)
	_, _, err = g.PriceByLookupKey(ctx, "tweetpay_buybluemug")
	must("PriceByLookupKey", err)
	_, err = g.CreatePrice(ctx, payment.Price{Product: "tweetpay_buybluemug", Amount: 1250, Currency: "usd", LookupKey: "tweetpay_buybluemug"}, "k-price")
	must("CreatePrice", err)
	_, _, err = g.FindCustomer(ctx, "alice@buyers.tweetpay.test")
	must("FindCustomer", err)
	c, err := g.CreateCustomer(ctx, payment.Customer{Email: "alice@buyers.tweetpay.test", Name: "@alice",
		Metadata: map[string]string{"tweetpay_handle": "alice"}}, "k-customer")
	must("CreateCustomer", err)
	_, err = g.AttachPaymentMethod(ctx, "pm_card_visa", c.ID, "k-attach")
	must("AttachPaymentMethod", err)
	_, err = g.UpdateCustomer(ctx, payment.Customer{ID: c.ID, Name: "@alice", DefaultPaymentMethod: "pm_123",
		Metadata: map[string]string{"tweetpay_card": "pm_card_visa"}}, "k-customer-update")
	must("UpdateCustomer", err)
	p, err := g.CreatePayment(ctx, payment.PaymentRequest{Amount: 1250, Currency: "usd", Customer: c.ID, PaymentMethod: "pm_card_visa",
		Description: "Blue Mug via tweet 1", ManualCapture: true, OffSession: true,
		Metadata: map[string]string{"tweet_id": "1", "offer": "BuyBlueMug"}, IdempotencyKey: "tweetpay:tweetpay_buybluemug:1"})
	must("CreatePayment", err)
	_, err = g.CapturePayment(ctx, p.ID, 1000, "k-capture")
	must("CapturePayment", err)
	_, err = g.CancelPayment(ctx, p.ID, "abandoned", "k-cancel")
	must("CancelPayment", err)
	_, err = g.GetPayment(ctx, p.ID)
	must("GetPayment", err)
	ch, err := g.GetCharge(ctx, "ch_123")
	must("GetCharge", err)
	n := 0
	for _, err := range g.ListCharges(ctx, payment.ChargeFilter{Customer: c.ID, PaymentIntent: p.ID,
		CreatedGTE: time.Unix(1700000000, 0), CreatedLTE: time.Unix(1800000000, 0), Limit: 5}) {
		must("ListCharges", err)
		n++
	}
	_, err = g.Refund(ctx, payment.RefundRequest{Charge: ch.ID, Amount: 500, Reason: "requested_by_customer", IdempotencyKey: "k-refund"})
	must("Refund", err)
	_, err = g.ListRefunds(ctx, ch.ID)
	must("ListRefunds", err)
	err = g.DeleteCustomer(ctx, c.ID)
	must("DeleteCustomer", err)
	if n == 0 {
		t.Error("ListCharges yielded nothing from stripe-mock")
	}
}

// TestCreatePaymentNeedsKey: a payment without an idempotency key is never
// sent, so a retried run can never charge twice.
func TestCreatePaymentNeedsKey(t *testing.T) {
	g := New(Options{Key: "sk_test_x", URL: "http://127.0.0.1:9"})
	_, err := g.CreatePayment(context.Background(), payment.PaymentRequest{Amount: 100, Currency: "usd"})
	if err == nil || errors.Is(err, payment.ErrUnavailable) {
		t.Fatalf("err = %v, want a refusal before any request", err)
	}
}

// TestStripeMockValidates shows the check above can fail: stripe-mock
// refuses a request that breaks the specification.
func TestStripeMockValidates(t *testing.T) {
	url := stripemock.Start(t)
	req, _ := http.NewRequest("POST", url+"/v1/payment_intents", strings.NewReader("amount=lots&currency=usd"))
	req.Header.Set("Authorization", "Bearer "+stripemock.Key)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d for amount=lots, want 400", resp.StatusCode)
	}
}
