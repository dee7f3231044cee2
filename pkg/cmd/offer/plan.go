package offer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"github.com/tweetpay/tweetpay/pkg/offer"
	"github.com/tweetpay/tweetpay/pkg/payment"
)

// What `offer sync` does to an offer's Stripe objects.
const (
	ActionCreateProduct     = "create_product"
	ActionUpdateProduct     = "update_product"
	ActionDeactivateProduct = "deactivate_product"
	ActionReactivateProduct = "reactivate_product"
	ActionCreatePrice       = "create_price"
)

// Metadata keys `offer sync` writes on Products.
const (
	// MetaOffer holds the offer's label (#BuyBlueMug, @tweetacoffee).
	MetaOffer = "tweetpay_offer"
	// MetaRevision counts the updates sync made to the product, so that the
	// idempotency key of every update differs from the ones before it even
	// when a name goes back and forth.
	MetaRevision = "tweetpay_rev"
)

// SyncRow is one offer of the sync plan, as printed.
type SyncRow struct {
	Offer   string `json:"offer"`
	Product string `json:"product"`
	// Price is the ID of the offer's current Price: the one found, or the one
	// created; nil (null in JSON, as other absent IDs) when a dry run would
	// create it or the offer has none.
	Price     *string  `json:"price"`
	LookupKey string   `json:"lookup_key"`
	Amount    int64    `json:"amount"`
	Currency  string   `json:"currency"`
	Active    bool     `json:"active"`
	Actions   []string `json:"actions"`
	// Applied reports that the actions were carried out (false on a dry run
	// and when there was nothing to do).
	Applied bool `json:"applied"`

	display string
	missing bool // archived and never synced: nothing exists on Stripe
}

// syncStep is the plan for one offer and what was found on Stripe.
type syncStep struct {
	r          offer.Resolved
	want       payment.Product
	current    payment.Product
	prevPrice  string // the price holding the lookup key, "" for none
	row        SyncRow
	newProduct bool
	updProduct bool
	newPrice   bool
}

// planSync reads each offer's Product and Price from the gateway and works
// out what must change. It makes no write request.
func planSync(ctx context.Context, gw payment.Gateway, rs []offer.Resolved) ([]*syncStep, error) {
	steps := make([]*syncStep, 0, len(rs))
	for _, r := range rs {
		s, err := planOne(ctx, gw, r)
		if err != nil {
			return nil, fmt.Errorf("sync offer %s: %w", r.Label(), err)
		}
		steps = append(steps, s)
	}
	return steps, nil
}

func planOne(ctx context.Context, gw payment.Gateway, r offer.Resolved) (*syncStep, error) {
	pid := r.ProductID()
	s := &syncStep{
		r: r,
		want: payment.Product{ID: pid, Name: r.Name, Description: r.Description, Active: !r.Archived,
			Metadata: map[string]string{MetaOffer: r.Label()}},
		row: SyncRow{Offer: r.Label(), Product: pid, LookupKey: r.LookupKey(), Amount: r.Price.Minor,
			Currency: r.Price.Currency, Active: !r.Archived, Actions: []string{}, display: r.Price.String()},
	}
	cur, err := gw.GetProduct(ctx, pid)
	found := err == nil
	if err != nil && !errors.Is(err, payment.ErrNotFound) {
		return nil, fmt.Errorf("get product %s: %w", pid, err)
	}
	s.current = cur
	price, hasPrice, err := gw.PriceByLookupKey(ctx, r.LookupKey())
	if err != nil {
		return nil, fmt.Errorf("find price %s: %w", r.LookupKey(), err)
	}
	if hasPrice {
		s.prevPrice = price.ID
	}
	switch {
	case !found && r.Archived:
		s.row.missing = true
		return s, nil
	case !found:
		s.newProduct = true
		s.row.Actions = append(s.row.Actions, ActionCreateProduct)
	default:
		if cur.Name != s.want.Name || cur.Description != s.want.Description {
			s.updProduct = true
			s.row.Actions = append(s.row.Actions, ActionUpdateProduct)
		}
		if cur.Active != s.want.Active {
			s.updProduct = true
			if s.want.Active {
				s.row.Actions = append(s.row.Actions, ActionReactivateProduct)
			} else {
				s.row.Actions = append(s.row.Actions, ActionDeactivateProduct)
			}
		}
	}
	current := hasPrice && price.Active && price.Product == pid && price.Amount == r.Price.Minor && price.Currency == r.Price.Currency
	if current {
		s.row.Price = &price.ID
	} else if !r.Archived {
		s.newPrice = true
		s.row.Actions = append(s.row.Actions, ActionCreatePrice)
	}
	return s, nil
}

// applySync carries out the plan. Every write has an idempotency key derived
// from what it does, so a sync retried after a failure never creates a
// second Product or Price.
func applySync(ctx context.Context, gw payment.Gateway, steps []*syncStep) error {
	for _, s := range steps {
		if err := applyOne(ctx, gw, s); err != nil {
			return fmt.Errorf("sync offer %s: %w", s.r.Label(), err)
		}
	}
	return nil
}

func applyOne(ctx context.Context, gw payment.Gateway, s *syncStep) error {
	pid := s.want.ID
	if s.newProduct {
		if _, _, err := gw.EnsureProduct(ctx, s.want, "tweetpay:product:create:"+pid+":"+productHash(s.want)); err != nil {
			return fmt.Errorf("create product %s: %w", pid, err)
		}
	}
	if s.updProduct {
		rev, _ := strconv.Atoi(s.current.Metadata[MetaRevision])
		want := s.want
		want.Metadata = map[string]string{MetaOffer: s.r.Label(), MetaRevision: strconv.Itoa(rev + 1)}
		key := fmt.Sprintf("tweetpay:product:update:%s:%d:%s", pid, rev, productHash(want))
		if _, err := gw.UpdateProduct(ctx, want, key); err != nil {
			return fmt.Errorf("update product %s: %w", pid, err)
		}
	}
	if s.newPrice {
		prev := s.prevPrice
		if prev == "" {
			prev = "none"
		}
		// The key names the offer, the amount, the currency and the price it
		// replaces: a price that goes back to an earlier amount is a new
		// write, not a replay of the old one.
		key := fmt.Sprintf("tweetpay:price:%s:%d:%s:%s", pid, s.r.Price.Minor, s.r.Price.Currency, prev)
		p, err := gw.CreatePrice(ctx, payment.Price{Product: pid, Amount: s.r.Price.Minor,
			Currency: s.r.Price.Currency, LookupKey: s.r.LookupKey()}, key)
		if err != nil {
			return fmt.Errorf("create price for %s: %w", pid, err)
		}
		s.row.Price = &p.ID
	}
	s.row.Applied = len(s.row.Actions) > 0
	return nil
}

func productHash(p payment.Product) string {
	h := sha256.Sum256([]byte(p.Name + "\x00" + p.Description + "\x00" + strconv.FormatBool(p.Active)))
	return hex.EncodeToString(h[:6])
}
