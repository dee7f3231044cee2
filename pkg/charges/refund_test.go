package charges

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tweetpay/tweetpay/pkg/money"
	"github.com/tweetpay/tweetpay/pkg/payment"
)

func TestRefundKey(t *testing.T) {
	if got := RefundKey("ch_1", 0); got != "tweetpay:refund:ch_1:full" {
		t.Errorf("full: %q", got)
	}
	if got := RefundKey("ch_1", 500); got != "tweetpay:refund:ch_1:500" {
		t.Errorf("500: %q", got)
	}
}

func TestRefund(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	ch := w.buy(at, "@alice", "BuyTeaPot", 3000, "usd", "pm_card_visa")
	failed := w.buy(at, "@bob", "BuyBlueMug", 1250, "usd", "pm_card_visa_chargeDeclinedInsufficientFunds")

	// A partial refund, then the same command again: refunded once.
	r1, err := Refund(ctx, w.gw, RefundInput{Charge: ch, Amount: "5", Reason: "requested_by_customer"})
	if err != nil {
		t.Fatal(err)
	}
	if r1.Duplicate || r1.Amount != 500 || r1.Left != 2500 || r1.ChargeAmountRefunded != 500 || r1.Reason != "requested_by_customer" {
		t.Errorf("first refund: %+v", r1)
	}
	r2, err := Refund(ctx, w.gw, RefundInput{Charge: ch, Amount: "5.00", Reason: "requested_by_customer"})
	if err != nil {
		t.Fatal(err)
	}
	if !r2.Duplicate || r2.ID != r1.ID || r2.Left != 2500 {
		t.Errorf("repeated refund: %+v, want a duplicate of %s", r2, r1.ID)
	}
	// A different reason does not make it another refund.
	if r, err := Refund(ctx, w.gw, RefundInput{Charge: ch, Amount: "5"}); err != nil || !r.Duplicate {
		t.Errorf("same amount, no reason: %+v, %v", r, err)
	}

	// More than is left is refused before the provider is asked.
	_, err = Refund(ctx, w.gw, RefundInput{Charge: ch, Amount: "25.01"})
	if !errors.Is(err, ErrNotRefundable) || errors.Is(err, payment.ErrInvalidRequest) {
		t.Errorf("over-refund: %v", err)
	}

	// Bad amounts.
	for _, a := range []string{"abc", "5.001", "0", "-1", "0.00"} {
		if _, err := Refund(ctx, w.gw, RefundInput{Charge: ch, Amount: a}); !errors.Is(err, money.ErrInvalid) {
			t.Errorf("amount %q: %v", a, err)
		}
	}
	if _, err := Refund(ctx, w.gw, RefundInput{Charge: ch, Reason: "bored"}); !errors.Is(err, ErrBadFilter) {
		t.Errorf("bad reason: %v", err)
	}

	// The rest, then again: once.
	r3, err := Refund(ctx, w.gw, RefundInput{Charge: ch})
	if err != nil {
		t.Fatal(err)
	}
	if r3.Duplicate || r3.Amount != 2500 || r3.Left != 0 {
		t.Errorf("rest: %+v", r3)
	}
	if r, err := Refund(ctx, w.gw, RefundInput{Charge: ch}); err != nil || !r.Duplicate || r.ID != r3.ID {
		t.Errorf("rest again: %+v, %v", r, err)
	}
	// Another amount on a fully refunded charge.
	if _, err := Refund(ctx, w.gw, RefundInput{Charge: ch, Amount: "1"}); !errors.Is(err, ErrNotRefundable) {
		t.Errorf("fully refunded: %v", err)
	}
	d, err := Show(ctx, w.gw, ch)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Refunded || d.AmountRefunded != 3000 || len(d.Refunds) != 2 {
		t.Errorf("after refunds: %+v", d)
	}

	// A failed charge has nothing to refund.
	if _, err := Refund(ctx, w.gw, RefundInput{Charge: failed}); !errors.Is(err, ErrNotRefundable) {
		t.Errorf("failed charge: %v", err)
	}
	// An unknown charge.
	if _, err := Refund(ctx, w.gw, RefundInput{Charge: "ch_nope"}); !errors.Is(err, payment.ErrNotFound) {
		t.Errorf("unknown charge: %v", err)
	}
}

// TestRefundFindsEarlierRefund checks that a refund made with the same key in
// its metadata counts as done, even when the provider no longer knows the
// idempotency key.
func TestRefundFindsEarlierRefund(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	ch := w.buy(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC), "@alice", "BuyTeaPot", 3000, "usd", "pm_card_visa")
	first, err := w.gw.Refund(ctx, payment.RefundRequest{Charge: ch, Amount: 700,
		Metadata: map[string]string{MetaRefundKey: RefundKey(ch, 700)}, IdempotencyKey: "another-key"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Refund(ctx, w.gw, RefundInput{Charge: ch, Amount: "7"})
	if err != nil || !r.Duplicate || r.ID != first.ID {
		t.Errorf("got %+v, %v; want a duplicate of %s", r, err, first.ID)
	}
}

// racingRefunds is a gateway on which another run makes the same refund
// right after this one read the charge: two `charges refund` at the same
// moment. With listed, the refunds this run then lists show the other's
// refund; without, they are listed just before it was made.
type racingRefunds struct {
	payment.Gateway
	listed bool
	other  payment.Refund
}

func (g *racingRefunds) ListRefunds(ctx context.Context, charge string) ([]payment.Refund, error) {
	before, err := g.Gateway.ListRefunds(ctx, charge)
	if err != nil {
		return nil, err
	}
	key := RefundKey(charge, 700)
	g.other, err = g.Gateway.Refund(ctx, payment.RefundRequest{Charge: charge, Amount: 700,
		Metadata: map[string]string{MetaRefundKey: key}, IdempotencyKey: key})
	if err != nil || !g.listed {
		return before, err
	}
	return g.Gateway.ListRefunds(ctx, charge)
}

// TestRefundRacingRun: when another run made the same refund after this run
// read the charge, this run reports that refund as a duplicate, with the
// other run's refund ID, and counts it once in what is refunded and left:
// found among the charge's refunds, or, made after this run looked at them,
// replayed by the provider from the idempotency key.
func TestRefundRacingRun(t *testing.T) {
	for _, listed := range []bool{true, false} {
		t.Run(fmt.Sprintf("listed=%v", listed), func(t *testing.T) {
			w := newWorld(t)
			ctx := context.Background()
			ch := w.buy(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC), "@alice", "BuyTeaPot", 3000, "usd", "pm_card_visa")
			g := &racingRefunds{Gateway: w.gw, listed: listed}
			r, err := Refund(ctx, g, RefundInput{Charge: ch, Amount: "7"})
			if err != nil {
				t.Fatal(err)
			}
			if g.other.ID == "" || g.other.Replayed {
				t.Fatalf("the other run's refund: %+v", g.other)
			}
			if !r.Duplicate || r.ID != g.other.ID || r.Amount != 700 || r.ChargeAmountRefunded != 700 || r.Left != 2300 {
				t.Errorf("got %+v; want a duplicate of %s with 700 refunded and 2300 left", r, g.other.ID)
			}
			refunds, err := w.gw.ListRefunds(ctx, ch)
			if err != nil || len(refunds) != 1 {
				t.Errorf("refunds of the charge: %+v, %v; want one", refunds, err)
			}
		})
	}
}

func TestRefundUncaptured(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	p, err := w.gw.CreatePayment(ctx, payment.PaymentRequest{Amount: 7900, Currency: "usd", Customer: w.customer("@alice"),
		PaymentMethod: "pm_card_visa", ManualCapture: true, IdempotencyKey: "test:manual"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Refund(ctx, w.gw, RefundInput{Charge: p.LatestCharge, Amount: "10"}); !errors.Is(err, ErrNotRefundable) {
		t.Errorf("partial refund of an authorisation: %v", err)
	}
	r, err := Refund(ctx, w.gw, RefundInput{Charge: p.LatestCharge})
	if err != nil || r.Amount != 7900 || r.Left != 0 || !r.Released || r.Duplicate {
		t.Errorf("release: %+v, %v", r, err)
	}
	// The same command again finds the release.
	if r, err := Refund(ctx, w.gw, RefundInput{Charge: p.LatestCharge}); err != nil || !r.Duplicate || !r.Released {
		t.Errorf("release again: %+v, %v", r, err)
	}
	d, err := Show(ctx, w.gw, p.ID) // a payment intent ID stands for its charge
	if err != nil || d.ID != p.LatestCharge || d.Captured || !d.Refunded || !d.Released {
		t.Errorf("show %s: %+v, %v", p.ID, d, err)
	}
	if Refunded(payment.Charge{Status: d.Status, Captured: d.Captured, Amount: d.Amount, AmountRefunded: d.AmountRefunded}) != 0 {
		t.Errorf("a released authorisation counts as refunded money")
	}
}

// A payment captured for less than it authorised: Stripe counts the part
// released in amount_refunded, but the refusals say what was captured and
// what was refunded, not the release as a refund ("($20.00, $5.00
// refunded)" for a charge with nothing refunded).
func TestRefundPartlyCaptured(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	p, err := w.gw.CreatePayment(ctx, payment.PaymentRequest{Amount: 2000, Currency: "usd", Customer: w.customer("@alice"),
		PaymentMethod: "pm_card_visa", ManualCapture: true, IdempotencyKey: "test:manual"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.gw.CapturePayment(ctx, p.ID, 1500, "test:capture"); err != nil {
		t.Fatal(err)
	}
	_, err = Refund(ctx, w.gw, RefundInput{Charge: p.LatestCharge, Amount: "16"})
	want := "$16.00 is more than the $15.00 left to refund on charge " + p.LatestCharge + " ($15.00 captured of $20.00, $0.00 refunded)"
	if !errors.Is(err, ErrNotRefundable) || !strings.Contains(err.Error(), want) {
		t.Errorf("over-refund: %v, want %q", err, want)
	}
	if r, err := Refund(ctx, w.gw, RefundInput{Charge: p.LatestCharge, Amount: "1"}); err != nil || r.Left != 1400 {
		t.Fatalf("partial refund: %+v, %v", r, err)
	}
	_, err = Refund(ctx, w.gw, RefundInput{Charge: p.LatestCharge, Amount: "14.50"})
	if want := "($15.00 captured of $20.00, $1.00 refunded)"; !strings.Contains(fmt.Sprint(err), want) {
		t.Errorf("over-refund after a refund: %v, want %q", err, want)
	}
	if r, err := Refund(ctx, w.gw, RefundInput{Charge: p.LatestCharge}); err != nil || r.Amount != 1400 || r.Left != 0 {
		t.Fatalf("the rest: %+v, %v", r, err)
	}
	_, err = Refund(ctx, w.gw, RefundInput{Charge: p.LatestCharge, Amount: "2"})
	if want := "is already fully refunded ($15.00)"; !strings.Contains(fmt.Sprint(err), want) {
		t.Errorf("fully refunded: %v, want %q", err, want)
	}
	c, err := w.gw.GetCharge(ctx, p.LatestCharge)
	if err != nil || Refunded(c) != 1500 || Uncaptured(c) != 500 || c.AmountRefunded != 2000 {
		t.Errorf("charge %+v: Refunded %d, Uncaptured %d (%v)", c, Refunded(c), Uncaptured(c), err)
	}
}

// An authorisation cancelled without being captured, as the engine does when
// a confirmation window closes, is not a refund and cannot be refunded.
func TestRefundReleased(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	p, err := w.gw.CreatePayment(ctx, payment.PaymentRequest{Amount: 14999, Currency: "usd", Customer: w.customer("@dave"),
		PaymentMethod: "pm_card_amex", ManualCapture: true, IdempotencyKey: "test:manual"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.gw.CancelPayment(ctx, p.ID, "abandoned", "test:cancel"); err != nil {
		t.Fatal(err)
	}
	d, err := Show(ctx, w.gw, p.LatestCharge)
	if err != nil {
		t.Fatal(err)
	}
	// Stripe's fields say refunded in full; Released says what happened.
	if !d.Refunded || d.AmountRefunded != 14999 || d.Captured || !d.Released {
		t.Errorf("show: %+v", d)
	}
	if r := Refunded(payment.Charge{Status: d.Status, Captured: d.Captured, Amount: d.Amount, AmountRefunded: d.AmountRefunded, Refunded: d.Refunded}); r != 0 {
		t.Errorf("Refunded = %d, want 0", r)
	}
	for _, amount := range []string{"", "1"} {
		_, err := Refund(ctx, w.gw, RefundInput{Charge: p.LatestCharge, Amount: amount})
		if !errors.Is(err, ErrNotRefundable) || !strings.Contains(err.Error(), "never captured") ||
			!strings.Contains(err.Error(), "nothing to refund") || strings.Contains(err.Error(), "already fully refunded") {
			t.Errorf("refund %q of a released authorisation: %v", amount, err)
		}
	}
}

// fakeRefunds is a gateway whose charge always looks refundable but whose
// provider refuses the refund, as when another process refunded it between
// the check and the request. (The emulator cannot be made to race.)
type fakeRefunds struct {
	payment.Gateway
	charge payment.Charge
	err    error
	got    payment.RefundRequest
}

func (f *fakeRefunds) GetCharge(context.Context, string) (payment.Charge, error) {
	return f.charge, nil
}
func (f *fakeRefunds) ListRefunds(context.Context, string) ([]payment.Refund, error) {
	return []payment.Refund{}, nil
}
func (f *fakeRefunds) Refund(_ context.Context, req payment.RefundRequest) (payment.Refund, error) {
	f.got = req
	if f.err != nil {
		return payment.Refund{}, f.err
	}
	return payment.Refund{ID: "re_1", Charge: req.Charge, Amount: req.Amount, Currency: "usd", Status: "succeeded"}, nil
}

func TestRefundMapsProviderErrors(t *testing.T) {
	ch := payment.Charge{ID: "ch_1", Status: "succeeded", Captured: true, Amount: 1000, AmountCaptured: 1000, Currency: "usd"}
	tests := []struct {
		code, param string
		refundable  bool // true: the error is not ErrNotRefundable
	}{
		{"charge_already_refunded", "", false},
		{"amount_too_large", "amount", false},
		// Stripe's answer to an amount above what is left has no code.
		{"", "amount", false},
		{"parameter_invalid_integer", "amount", true},
		{"", "reason", true},
	}
	for _, tt := range tests {
		f := &fakeRefunds{charge: ch, err: &payment.Error{Kind: payment.ErrInvalidRequest, Code: tt.code, Param: tt.param, HTTPStatus: 400, Message: "refused"}}
		_, err := Refund(context.Background(), f, RefundInput{Charge: "ch_1", Amount: "2.50", Reason: "duplicate"})
		if !errors.Is(err, payment.ErrInvalidRequest) || errors.Is(err, ErrNotRefundable) == tt.refundable {
			t.Errorf("%s: %v", tt.code, err)
		}
	}
	f := &fakeRefunds{charge: ch}
	if _, err := Refund(context.Background(), f, RefundInput{Charge: "ch_1", Amount: "2.50", Reason: "duplicate"}); err != nil {
		t.Fatal(err)
	}
	want := payment.RefundRequest{Charge: "ch_1", Amount: 250, Reason: "duplicate",
		Metadata: map[string]string{MetaRefundKey: "tweetpay:refund:ch_1:250"}, IdempotencyKey: "tweetpay:refund:ch_1:250"}
	if f.got.Charge != want.Charge || f.got.Amount != want.Amount || f.got.Reason != want.Reason ||
		f.got.IdempotencyKey != want.IdempotencyKey || f.got.Metadata[MetaRefundKey] != want.Metadata[MetaRefundKey] {
		t.Errorf("request: %+v, want %+v", f.got, want)
	}
}
