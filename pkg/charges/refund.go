package charges

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tweetpay/tweetpay/pkg/money"
	"github.com/tweetpay/tweetpay/pkg/payment"
)

// RefundReasons are the reasons Stripe accepts for a refund.
var RefundReasons = []string{"duplicate", "fraudulent", "requested_by_customer"}

// MetaRefundKey is the refund metadata key holding the refund's idempotency
// key, so that a repeated command finds the refund it already made even
// after the provider has forgotten the key (Stripe keeps keys for 24 hours).
const MetaRefundKey = "tweetpay_refund_key"

// RefundInput asks for a refund.
type RefundInput struct {
	// Charge is the charge ID.
	Charge string
	// Amount is in major units of the charge's currency ("5.00"); "" refunds
	// what is left.
	Amount string
	// Reason is one of RefundReasons, or "".
	Reason string
}

// RefundResult is what a refund did, as `charges refund -o json` prints it.
type RefundResult struct {
	ID       string `json:"id"`
	Charge   string `json:"charge"`
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
	Status   string `json:"status"`
	Reason   Code   `json:"reason"`
	Created  string `json:"created"`
	// Duplicate is true when the same refund had been made before: nothing
	// was refunded this time, and the fields describe the first refund.
	Duplicate bool `json:"duplicate"`
	// Released is true when the charge was an authorisation not captured:
	// the refund released it, and no money had been taken.
	Released bool `json:"released"`
	// ChargeAmount and ChargeAmountRefunded describe the charge after the
	// refund; Left is what can still be refunded.
	ChargeAmount         int64 `json:"charge_amount"`
	ChargeAmountRefunded int64 `json:"charge_amount_refunded"`
	Left                 int64 `json:"left"`
}

// RefundKey is the idempotency key of refunding amount (minor units; 0 for
// what is left) of a charge: the same command gives the same key.
func RefundKey(chargeID string, amount int64) string {
	a := "full"
	if amount > 0 {
		a = strconv.FormatInt(amount, 10)
	}
	return "tweetpay:refund:" + chargeID + ":" + a
}

// Refund refunds a charge in full or in part, once: a refund made before by
// the same input, found among the charge's refunds or answered by the
// provider from the idempotency key (another run at the same moment), is
// reported with Duplicate set and nothing is refunded.
// A failed charge, a released authorisation (see Released), a fully
// refunded charge and an amount above what is left wrap ErrNotRefundable
// (checked before asking the provider, and mapped from the provider's answer
// too); an unknown charge wraps payment.ErrNotFound; a bad amount wraps
// money.ErrInvalid. Refunding an authorisation not captured releases it,
// which the result's Released says.
func Refund(ctx context.Context, gw payment.Gateway, in RefundInput) (RefundResult, error) {
	if in.Reason != "" && !slices.Contains(RefundReasons, in.Reason) {
		return RefundResult{}, fmt.Errorf("%w: reason %q is not one of %s", ErrBadFilter, in.Reason, strings.Join(RefundReasons, ", "))
	}
	chID, err := chargeID(ctx, gw, in.Charge)
	if err != nil {
		return RefundResult{}, err
	}
	c, err := gw.GetCharge(ctx, chID)
	if err != nil {
		return RefundResult{}, fmt.Errorf("charge %s: %w", chID, err)
	}
	var amount int64
	if strings.TrimSpace(in.Amount) != "" {
		a, err := money.Parse(in.Amount, c.Currency)
		if err != nil {
			return RefundResult{}, fmt.Errorf("amount: %w", err)
		}
		if a.Minor <= 0 {
			return RefundResult{}, fmt.Errorf("amount: %w: %q: a refund must be more than 0", money.ErrInvalid, in.Amount)
		}
		amount = a.Minor
	}
	key := RefundKey(c.ID, amount)
	refunds, err := gw.ListRefunds(ctx, c.ID)
	if err != nil {
		return RefundResult{}, fmt.Errorf("refunds of charge %s: %w", c.ID, err)
	}
	for _, r := range refunds {
		if r.Metadata[MetaRefundKey] == key {
			return duplicateOf(ctx, gw, r, c), nil
		}
	}
	if err := checkRefundable(c, amount); err != nil {
		return RefundResult{}, err
	}
	r, err := gw.Refund(ctx, payment.RefundRequest{
		Charge: c.ID, Amount: amount, Reason: in.Reason,
		Metadata:       map[string]string{MetaRefundKey: key},
		IdempotencyKey: key,
	})
	if err != nil {
		var pe *payment.Error
		// Refunded meanwhile by someone else: Stripe says charge_already_refunded,
		// or refuses the amount (param "amount", without a code).
		if errors.As(err, &pe) && (pe.Code == "charge_already_refunded" || pe.Code == "amount_too_large" ||
			pe.Param == "amount" && pe.Code == "") {
			return RefundResult{}, fmt.Errorf("refund charge %s: %w: %w", c.ID, ErrNotRefundable, err)
		}
		return RefundResult{}, fmt.Errorf("refund charge %s: %w", c.ID, err)
	}
	if r.Replayed {
		// The same refund, made by another run between the look at the
		// charge's refunds above and this request (two runs at once), or
		// missing from those refunds (its metadata edited since).
		return duplicateOf(ctx, gw, r, c), nil
	}
	return resultOf(r, c, c.AmountRefunded+r.Amount, false), nil
}

// duplicateOf is the result of a refund r made before, by another run, of
// charge c as read at the start. That run may have made it after c was read
// (two runs at once), so the charge is read again for what is refunded and
// left; if that fails, c is used, counting r at least.
func duplicateOf(ctx context.Context, gw payment.Gateway, r payment.Refund, c payment.Charge) RefundResult {
	if now, err := gw.GetCharge(ctx, c.ID); err == nil {
		return resultOf(r, now, now.AmountRefunded, true)
	}
	return resultOf(r, c, max(c.AmountRefunded, r.Amount), true)
}

// checkRefundable says why amount (0: what is left) cannot be refunded from
// c, before the provider is asked.
func checkRefundable(c payment.Charge, amount int64) error {
	left := c.Amount - c.AmountRefunded
	cur := money.Amount{Currency: c.Currency}
	fmtAmt := func(m int64) string { cur.Minor = m; return cur.String() }
	switch {
	case c.Status == StatusFailed:
		why := Failure(c)
		if why == "" {
			why = "failed"
		}
		return fmt.Errorf("%w: charge %s failed (%s): no money was taken", ErrNotRefundable, c.ID, why)
	case Released(c):
		return fmt.Errorf("%w: charge %s was never captured: its authorisation of %s was released, so no money was taken and there is nothing to refund",
			ErrNotRefundable, c.ID, fmtAmt(c.Amount))
	case c.Refunded || left <= 0:
		return fmt.Errorf("%w: charge %s is already fully refunded (%s)", ErrNotRefundable, c.ID, fmtAmt(Refunded(c)))
	case amount > left:
		// What a partial capture released is in amount_refunded but was
		// never taken: say what was captured and what was refunded.
		took := fmtAmt(c.Amount)
		if u := Uncaptured(c); u > 0 {
			took = fmtAmt(c.Amount-u) + " captured of " + took
		}
		return fmt.Errorf("%w: %s is more than the %s left to refund on charge %s (%s, %s refunded)",
			ErrNotRefundable, fmtAmt(amount), fmtAmt(left), c.ID, took, fmtAmt(Refunded(c)))
	case !c.Captured && amount > 0 && amount != left:
		return fmt.Errorf("%w: charge %s is an uncaptured authorisation: it can only be released in full (omit --amount)",
			ErrNotRefundable, c.ID)
	}
	return nil
}

func resultOf(r payment.Refund, c payment.Charge, refundedAfter int64, dup bool) RefundResult {
	if refundedAfter > c.Amount {
		refundedAfter = c.Amount
	}
	cur := r.Currency
	if cur == "" {
		cur = c.Currency
	}
	return RefundResult{
		ID: r.ID, Charge: c.ID, Amount: r.Amount, Currency: strings.ToLower(cur), Status: r.Status, Reason: Code(r.Reason),
		Created: r.Created.UTC().Format(time.RFC3339), Duplicate: dup,
		Released:     c.Status == StatusSucceeded && !c.Captured,
		ChargeAmount: c.Amount, ChargeAmountRefunded: refundedAfter, Left: c.Amount - refundedAfter,
	}
}
