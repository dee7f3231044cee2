package shop

import (
	"context"
	"fmt"
	"strings"

	"github.com/tweetpay/tweetpay/pkg/buyer"
	"github.com/tweetpay/tweetpay/pkg/payment"
)

// Account is a test buyer: a Twitter handle with a test card.
type Account struct {
	// Handle is the username without '@', as declared.
	Handle  string
	Name    string
	Country string
	Card    buyer.Card
}

// key is the case-insensitive identity of the handle.
func (a Account) key() string { return strings.ToLower(a.Handle) }

// Metadata keys tweetpay writes on Stripe objects.
const (
	MetaHandle   = "tweetpay_handle"
	MetaCard     = "tweetpay_card"
	MetaTweetID  = "tweet_id"
	MetaOffer    = "offer"
	MetaHashtag  = "hashtag"
	MetaBuyer    = "buyer"
	MetaGiftCode = "gift_code"
	MetaGiftTo   = "gift_to"
)

// CustomerEmail is the e-mail address that identifies a buyer's Stripe
// Customer, so that linking finds it again instead of creating another.
func CustomerEmail(handle string) string {
	return strings.ToLower(strings.TrimPrefix(handle, "@")) + "@buyers.tweetpay.test"
}

// Linked is a buyer's Stripe side: the Customer and the card to charge.
type Linked struct {
	Customer string
	// PaymentMethod is the attached card, or the pm_card_* token for a card
	// that Stripe refuses to attach (it declines when charged, as on Stripe).
	PaymentMethod string
	// Created reports that the Customer was created by this call.
	Created bool
	// Attached reports that a card was attached by this call.
	Attached bool
	// Changed reports that anything at all was written.
	Changed bool
}

// Link finds or creates the buyer's Customer and puts the card on file. A
// second call with the same card changes nothing. Cards that Stripe refuses
// at attach time (reference: stripe.md 1.3a) are kept as a token in the
// Customer's metadata and used as a one-off payment method at purchase time,
// so the buyer sees the card's own decline when they buy, on the emulator and
// on Stripe alike.
func Link(ctx context.Context, gw payment.Gateway, a Account) (Linked, error) {
	email := CustomerEmail(a.Handle)
	c, found, err := gw.FindCustomer(ctx, email)
	if err != nil {
		return Linked{}, fmt.Errorf("find customer of @%s: %w", a.Handle, err)
	}
	var out Linked
	if !found {
		c, err = gw.CreateCustomer(ctx, payment.Customer{
			Email:    email,
			Name:     displayName(a),
			Metadata: map[string]string{MetaHandle: a.Handle},
		}, "tweetpay:customer:"+a.key())
		if err != nil {
			return Linked{}, fmt.Errorf("create customer of @%s: %w", a.Handle, err)
		}
		out.Created, out.Changed = true, true
	}
	out.Customer = c.ID
	if c.Metadata[MetaCard] == a.Card.Token && (a.Card.AttachFails || c.DefaultPaymentMethod != "") {
		out.PaymentMethod = c.DefaultPaymentMethod
		if a.Card.AttachFails {
			out.PaymentMethod = a.Card.Token
		}
		return out, nil
	}
	update := payment.Customer{ID: c.ID, Name: displayName(a), Metadata: map[string]string{MetaHandle: a.Handle, MetaCard: a.Card.Token}}
	if a.Card.AttachFails {
		out.PaymentMethod = a.Card.Token
	} else {
		pm, err := gw.AttachPaymentMethod(ctx, a.Card.Token, c.ID, "tweetpay:attach:"+c.ID+":"+c.Metadata[MetaCard]+">"+a.Card.Token)
		if err != nil {
			return Linked{}, fmt.Errorf("attach card %s to @%s: %w", a.Card.Input, a.Handle, err)
		}
		out.PaymentMethod, out.Attached = pm.ID, true
		update.DefaultPaymentMethod = pm.ID
	}
	if _, err := gw.UpdateCustomer(ctx, update, "tweetpay:customer-card:"+c.ID+":"+c.Metadata[MetaCard]+">"+a.Card.Token); err != nil {
		return Linked{}, fmt.Errorf("update customer of @%s: %w", a.Handle, err)
	}
	out.Changed = true
	return out, nil
}

func displayName(a Account) string {
	if a.Name != "" {
		return a.Name
	}
	return "@" + a.Handle
}
