package charges

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/tweetpay/tweetpay/pkg/payment"
	"github.com/tweetpay/tweetpay/pkg/shop"
)

// Record is a charge as `charges list -o json` prints it. The field names
// are a public contract: add fields, never rename them.
type Record struct {
	ID             string `json:"id"`
	Created        string `json:"created"`
	Amount         int64  `json:"amount"`
	AmountRefunded int64  `json:"amount_refunded"`
	Currency       string `json:"currency"`
	Status         string `json:"status"`
	Paid           bool   `json:"paid"`
	Refunded       bool   `json:"refunded"`
	Released       bool   `json:"released"`
	Offer          string `json:"offer"`
	Hashtag        string `json:"hashtag"`
	Buyer          string `json:"buyer"`
	TweetID        string `json:"tweet_id"`
	Customer       string `json:"customer"`
	PaymentIntent  string `json:"payment_intent"`
	FailureCode    Code   `json:"failure_code"`
	DeclineCode    Code   `json:"decline_code"`
}

// Code is a code that may be absent: a failure or decline code, an
// outcome's reason, a refund's reason. In JSON an absent code is null, as
// in Stripe's objects and in `simulate tweet -o json`, never "". (CSV and
// tables, which have no null, leave the cell empty.)
type Code string

// MarshalJSON writes an absent code as null.
func (c Code) MarshalJSON() ([]byte, error) {
	if c == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(c))
}

// UnmarshalJSON reads null as an absent code.
func (c *Code) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*c = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*c = Code(s)
	return nil
}

// RecordOf returns the Record of a charge. AmountRefunded and Refunded are
// Stripe's own fields, as the provider reports them: for an authorisation
// released without being captured they say refunded in full, so Released
// tells that case apart (no money was taken, nothing was refunded).
func RecordOf(c payment.Charge) Record {
	return Record{
		ID:             c.ID,
		Created:        c.Created.UTC().Format(time.RFC3339),
		Amount:         c.Amount,
		AmountRefunded: c.AmountRefunded,
		Currency:       strings.ToLower(c.Currency),
		Status:         c.Status,
		Paid:           c.Paid,
		Refunded:       c.Refunded,
		Released:       Released(c),
		Offer:          c.Metadata[shop.MetaOffer],
		Hashtag:        c.Metadata[shop.MetaHashtag],
		Buyer:          c.Metadata[shop.MetaBuyer],
		TweetID:        c.Metadata[shop.MetaTweetID],
		Customer:       c.Customer,
		PaymentIntent:  c.PaymentIntent,
		FailureCode:    Code(c.FailureCode),
		DeclineCode:    Code(c.DeclineCode()),
	}
}

// Detail is everything a merchant needs about one charge, as `charges show
// -o json` prints it: the Record's fields plus the outcome, the tweet it
// came from and the refunds.
type Detail struct {
	Record
	AmountCaptured int64         `json:"amount_captured"`
	Captured       bool          `json:"captured"`
	Description    string        `json:"description"`
	FailureMessage string        `json:"failure_message"`
	Outcome        OutcomeDetail `json:"outcome"`
	GiftTo         string        `json:"gift_to"`
	GiftCode       string        `json:"gift_code"`
	PaymentMethod  string        `json:"payment_method"`
	Card           CardDetail    `json:"card"`
	Refunds        []RefundInfo  `json:"refunds"`
}

// OutcomeDetail is the provider's verdict on a charge.
type OutcomeDetail struct {
	Type          string `json:"type"`
	Reason        Code   `json:"reason"`
	NetworkStatus string `json:"network_status"`
	RiskLevel     string `json:"risk_level"`
	SellerMessage string `json:"seller_message"`
}

// CardDetail names the card charged.
type CardDetail struct {
	Brand string `json:"brand"`
	Last4 string `json:"last4"`
}

// RefundInfo is one refund of a charge.
type RefundInfo struct {
	ID       string `json:"id"`
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
	Status   string `json:"status"`
	Reason   Code   `json:"reason"`
	Created  string `json:"created"`
}

// Show returns the detail of a charge. id is a charge ID (ch_…) or a
// payment intent ID (pi_…), which stands for its latest charge. An unknown
// ID wraps payment.ErrNotFound.
func Show(ctx context.Context, gw payment.Gateway, id string) (Detail, error) {
	chID, err := chargeID(ctx, gw, id)
	if err != nil {
		return Detail{}, err
	}
	c, err := gw.GetCharge(ctx, chID)
	if err != nil {
		return Detail{}, fmt.Errorf("charge %s: %w", chID, err)
	}
	refunds, err := gw.ListRefunds(ctx, c.ID)
	if err != nil {
		return Detail{}, fmt.Errorf("refunds of charge %s: %w", c.ID, err)
	}
	return DetailOf(c, refunds), nil
}

// chargeID returns the charge id names: id itself, or for a payment intent
// ID (pi_…) its latest charge. A payment intent unknown or without a
// charge wraps payment.ErrNotFound.
func chargeID(ctx context.Context, gw payment.Gateway, id string) (string, error) {
	id = strings.TrimSpace(id)
	if !strings.HasPrefix(id, "pi_") {
		return id, nil
	}
	p, err := gw.GetPayment(ctx, id)
	if err != nil {
		return "", fmt.Errorf("payment %s: %w", id, err)
	}
	if p.LatestCharge == "" {
		return "", fmt.Errorf("payment %s has no charge yet: %w", id, payment.ErrNotFound)
	}
	return p.LatestCharge, nil
}

// DetailOf assembles the Detail of a charge and its refunds.
func DetailOf(c payment.Charge, refunds []payment.Refund) Detail {
	d := Detail{
		Record:         RecordOf(c),
		AmountCaptured: c.AmountCaptured,
		Captured:       c.Captured,
		Description:    c.Description,
		FailureMessage: c.FailureMessage,
		Outcome: OutcomeDetail{
			Type: c.Outcome.Type, Reason: Code(c.Outcome.Reason), NetworkStatus: c.Outcome.NetworkStatus,
			RiskLevel: c.Outcome.RiskLevel, SellerMessage: c.Outcome.SellerMessage,
		},
		GiftTo:        c.Metadata[shop.MetaGiftTo],
		GiftCode:      c.Metadata[shop.MetaGiftCode],
		PaymentMethod: c.PaymentMethod,
		Card:          CardDetail{Brand: c.CardBrand, Last4: c.CardLast4},
		Refunds:       make([]RefundInfo, 0, len(refunds)),
	}
	for _, r := range refunds {
		d.Refunds = append(d.Refunds, RefundInfo{
			ID: r.ID, Amount: r.Amount, Currency: strings.ToLower(r.Currency), Status: r.Status, Reason: Code(r.Reason),
			Created: r.Created.UTC().Format(time.RFC3339),
		})
	}
	return d
}
