package shop

import (
	"context"
	"errors"
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
	// UserID is the buyer's Twitter user ID, "" when not known: a tweet
	// that names its author only by ID is attributed to the buyer with it.
	UserID string
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
	// Attached reports that a card was attached by this call, and CardSet
	// that the card was put on the Customer (attached, or its token kept).
	Attached, CardSet bool
	// Renamed reports that this call changed the Customer's name (which a
	// created Customer gets with its card).
	Renamed bool
	// Changed reports that anything at all was written.
	Changed bool
}

// Link finds or creates the buyer's Customer and puts the card on file. A
// second call with the same card changes nothing. Cards that Stripe refuses
// at attach time (reference: stripe.md 1.3a) are kept as a token in the
// Customer's metadata and used as a one-off payment method at purchase time,
// so the buyer sees the card's own decline when they buy, on the emulator and
// on Stripe alike.
//
// The handle and the card are checked before any request. A Customer this
// call created is deleted again when the card cannot be put on it (an
// unknown token, a refused card), so that a failed link leaves nothing
// behind; the error is the one that stopped the link. When the outcome is
// unknown (the provider was unavailable, the context ended) the Customer is
// kept instead: a retry finds it by its e-mail address and completes it.
func Link(ctx context.Context, gw payment.Gateway, a Account) (Linked, error) {
	if err := a.check(); err != nil {
		return Linked{}, err
	}
	email := CustomerEmail(a.Handle)
	c, found, err := gw.FindCustomer(ctx, email)
	if err != nil {
		return Linked{}, fmt.Errorf("find customer of @%s: %w", a.Handle, err)
	}
	if found {
		return putCard(ctx, gw, a, c, Linked{Customer: c.ID})
	}
	// The creation only sets the e-mail address (the name and metadata come
	// with the card), so that its key, which names the handle and the card,
	// always goes with the same parameters.
	key := "tweetpay:customer:" + a.key() + ":" + a.Card.Token
	for {
		c, err := gw.CreateCustomer(ctx, payment.Customer{Email: email}, key)
		if err != nil {
			return Linked{}, fmt.Errorf("create customer of @%s: %w", a.Handle, err)
		}
		var out Linked
		if c.Replayed {
			// The key was used before: by a link in another process since
			// FindCustomer, whose Customer is listed now, or by an earlier
			// link whose Customer was deleted since (by hand, say). The
			// attach and the update that completed that link would be
			// replayed too, and the buyer linked to a deleted Customer.
			found, ok, ferr := gw.FindCustomer(ctx, email)
			if ferr != nil {
				return Linked{}, fmt.Errorf("find customer of @%s: %w", a.Handle, ferr)
			}
			if ok {
				return putCard(ctx, gw, a, found, Linked{Customer: found.ID})
			}
			err = customerGoneError{fmt.Errorf("customer %s of @%s: %w: it was deleted", c.ID, a.Handle, payment.ErrNotFound)}
		} else {
			out, err = putCard(ctx, gw, a, c, Linked{Customer: c.ID, Created: true, Changed: true})
		}
		if err == nil {
			return out, nil
		}
		if !customerGone(err) {
			return Linked{}, undoCreate(ctx, gw, c.ID, err)
		}
		// For 24 hours a creation key replays the Customer it first
		// created, even one deleted since (by an earlier link with this
		// card that failed, or by hand). Create another, under a key
		// derived from the deleted one, so that a retry replays that one
		// in turn and follows the chain to the Customer at its end. The
		// chain ends where the key would be longer than Stripe takes: a
		// buyer whose card never links is linked again on each of their
		// tweets, each time adding a deleted Customer to the chain.
		next := key + ":after:" + c.ID
		if len(next) > maxIdempotencyKey {
			return Linked{}, fmt.Errorf("link @%s: the customers created for card %s before were deleted (by links that failed, or by hand); "+
				"link another card, or this one again in 24 hours: %w", a.Handle, a.Card.Input, err)
		}
		key = next
	}
}

// maxIdempotencyKey is the longest idempotency key Stripe takes.
const maxIdempotencyKey = 255

// check validates what Link can know without asking the provider.
func (a Account) check() error {
	if _, err := buyer.NormalizeHandle(a.Handle); err != nil {
		return err
	}
	c, err := buyer.ResolveCard(a.Card.Token)
	if err != nil {
		return buyer.Of("@"+a.Handle, err)
	}
	if c.Token != a.Card.Token {
		return fmt.Errorf("%w: buyer @%s: card %q is not a pm_card_* token", buyer.ErrInvalid, a.Handle, a.Card.Token)
	}
	return nil
}

// putCard puts a.Card on the Customer c, out saying what was done so far.
// The Customer's name follows the buyer's: a link that finds the card on
// file already sets the name alone when it changed.
func putCard(ctx context.Context, gw payment.Gateway, a Account, c payment.Customer, out Linked) (Linked, error) {
	name := a.CustomerName()
	update := payment.Customer{ID: c.ID, Name: name}
	if c.Metadata[MetaCard] == a.Card.Token && (a.Card.AttachFails || c.DefaultPaymentMethod != "") {
		out.PaymentMethod = c.DefaultPaymentMethod
		if a.Card.AttachFails {
			out.PaymentMethod = a.Card.Token
		}
		if c.Name == name {
			return out, nil
		}
	} else {
		update.Metadata = map[string]string{MetaHandle: a.Handle, MetaCard: a.Card.Token}
		out.CardSet = true
		if a.Card.AttachFails {
			out.PaymentMethod = a.Card.Token
		} else {
			// The key names the Customer's card and payment method as
			// found and the card put on: a link retried after it attached
			// and before the update finds the same and attaches nothing
			// twice, while a later change back to a card the Customer had
			// before (visa, then mastercard, visa, mastercard again) finds
			// another payment method on it, so that its attach is not the
			// first one's replayed.
			key := "tweetpay:attach:" + c.ID + ":" + c.Metadata[MetaCard] + "|" + c.DefaultPaymentMethod + ">" + a.Card.Token
			pm, err := gw.AttachPaymentMethod(ctx, a.Card.Token, c.ID, key)
			if err != nil {
				var pe *payment.Error
				if errors.As(err, &pe) && errors.Is(err, payment.ErrNotFound) && pe.Param == "customer" {
					err = customerGoneError{err}
				}
				return Linked{}, fmt.Errorf("attach card %s to @%s: %w", a.Card.Input, a.Handle, err)
			}
			out.PaymentMethod, out.Attached = pm.ID, true
			update.DefaultPaymentMethod = pm.ID
		}
	}
	// The update sets values, the same however often it is sent, so it
	// carries no key of tweetpay's (stripe-go's covers its retries): one
	// derived from the cards was replayed when a buyer went back to a card,
	// and left the Customer on the card before; one derived from the name
	// would not rename a Customer renamed since.
	if _, err := gw.UpdateCustomer(ctx, update, ""); err != nil {
		if errors.Is(err, payment.ErrNotFound) { // the Customer is the one object named
			err = customerGoneError{err}
		}
		return Linked{}, fmt.Errorf("update customer of @%s: %w", a.Handle, err)
	}
	out.Changed = true
	out.Renamed = !out.Created && c.Name != name
	return out, nil
}

// customerGoneError marks a provider error saying that the Customer itself
// does not exist (rather than the card).
type customerGoneError struct{ err error }

func (e customerGoneError) Error() string { return e.err.Error() }
func (e customerGoneError) Unwrap() error { return e.err }

func customerGone(err error) bool {
	var g customerGoneError
	return errors.As(err, &g)
}

// undoCreate deletes the Customer id that Link created before err stopped
// it, unless err leaves the outcome unknown, and returns err.
func undoCreate(ctx context.Context, gw payment.Gateway, id string, err error) error {
	if errors.Is(err, payment.ErrUnavailable) || ctx.Err() != nil {
		return err
	}
	if derr := gw.DeleteCustomer(ctx, id); derr != nil && !errors.Is(derr, payment.ErrNotFound) {
		return fmt.Errorf("%w (the customer %s created for the link is left behind: %v)", err, id, derr)
	}
	return err
}

// CustomerName is the name of the buyer's Customer: the buyer's name, or its
// @handle when it has none.
func (a Account) CustomerName() string {
	if a.Name != "" {
		return a.Name
	}
	return "@" + a.Handle
}
