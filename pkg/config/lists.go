package config

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/tweetpay/tweetpay/pkg/buyer"
	"github.com/tweetpay/tweetpay/pkg/money"
	"github.com/tweetpay/tweetpay/pkg/offer"
	"github.com/tweetpay/tweetpay/pkg/tweet"
)

// OfferEntry is one entry of the offers list, as written in the file.
type OfferEntry = offer.Offer

// BuyerEntry is one entry of the buyers list, as written in the file.
type BuyerEntry = buyer.Buyer

func (c *Config) decodeLists(root *yaml.Node) error {
	if n := mapValue(root, "offers"); n != nil && n.Kind == yaml.SequenceNode {
		if err := n.Decode(&c.Offers); err != nil {
			return fmt.Errorf("%w: %s: offers: %s", ErrInvalid, c.Path, strings.TrimPrefix(err.Error(), "yaml: "))
		}
		c.fileOffers, c.offerLines = slices.Clone(c.Offers), lines(n)
	}
	if n := mapValue(root, "buyers"); n != nil && n.Kind == yaml.SequenceNode {
		if err := n.Decode(&c.Buyers); err != nil {
			return fmt.Errorf("%w: %s: buyers: %s", ErrInvalid, c.Path, strings.TrimPrefix(err.Error(), "yaml: "))
		}
		c.fileBuyers, c.buyerLines = slices.Clone(c.Buyers), lines(n)
	}
	return nil
}

// lines returns the line where each entry of a sequence starts.
func lines(seq *yaml.Node) []int {
	out := make([]int, len(seq.Content))
	for i, n := range seq.Content {
		out[i] = n.Line
	}
	return out
}

// listErr prefixes each of the joined problems of a list's ValidateAll with
// the file and, for a problem about one entry, the line that entry starts
// on ("tweetpay.yaml:12: invalid offer: ..."). line(i) is the line of entry
// i, or 0 when it is not the file's (a scenario's offer, say).
func (c *Config) listErr(err error, line func(i int) int) error {
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	out := make([]error, len(errs))
	for i, e := range errs {
		var entry interface{ Entry() int }
		if errors.As(e, &entry) && line(entry.Entry()) > 0 {
			out[i] = fmt.Errorf("%s:%d: %w", c.Path, line(entry.Entry()), e)
		} else {
			out[i] = fmt.Errorf("%s: %w", c.Path, e)
		}
	}
	return fmt.Errorf("%w: %w", ErrInvalid, errors.Join(out...))
}

// fileLine returns the line of entries[i] in the file, or 0 when that entry
// is not as the file has it at i.
func fileLine[T any](entries, file []T, lines []int, i int) int {
	if i < len(entries) && i < len(file) && reflect.DeepEqual(entries[i], file[i]) {
		return lines[i]
	}
	return 0
}

// validateMerchant checks the merchant section; bad makes the error about a
// setting.
func (c *Config) validateMerchant(bad func(key, format string, args ...any) error) error {
	m := &c.Merchant
	if !tweet.IsValidUsername(m.Handle) {
		return bad("merchant.handle", "merchant.handle %q is not a Twitter username (letters, digits and _, at most 20)", m.Handle)
	}
	if !money.IsSupported(m.Currency) {
		return bad("merchant.currency", "merchant.currency %q is not a currency Stripe supports", m.Currency)
	}
	if m.UserID != "" {
		id, err := buyer.NormalizeUserID(m.UserID)
		if err != nil {
			return bad("merchant.user_id", "merchant.user_id %q is not a Twitter user ID: write its digits without leading zeros, such as 2244994945", m.UserID)
		}
		m.UserID = id
	}
	return nil
}

// OfferDefaults returns what offers inherit from the merchant.
func (c *Config) OfferDefaults() offer.Defaults {
	return offer.Defaults{Country: c.Merchant.Country, Currency: c.Merchant.Currency}
}

// ResolveOffers validates every offer of the file and returns their typed
// form. Errors wrap both ErrInvalid and offer.ErrInvalid.
func (c *Config) ResolveOffers() ([]offer.Resolved, error) {
	rs, err := offer.ValidateAll(c.Offers, c.OfferDefaults())
	if err != nil {
		return nil, c.listErr(err, func(i int) int { return fileLine(c.Offers, c.fileOffers, c.offerLines, i) })
	}
	return rs, nil
}

// ValidateBuyers checks every buyer of the file.
func (c *Config) ValidateBuyers() error {
	line := func(i int) int { return fileLine(c.Buyers, c.fileBuyers, c.buyerLines, i) }
	if err := buyer.ValidateAll(c.Buyers, c.Merchant.Country); err != nil {
		return c.listErr(err, line)
	}
	for i, b := range c.Buyers {
		if err := c.NotMerchant(b); err != nil {
			return c.listErr(&buyer.EntryError{Index: i, Err: err}, line)
		}
	}
	return nil
}

// NotMerchant refuses a buyer with the merchant's handle or Twitter user ID:
// the engine never treats the merchant's own tweets as purchases, so that
// buyer could never buy. The error wraps buyer.ErrInvalid.
func (c *Config) NotMerchant(b buyer.Buyer) error {
	if buyer.Key(b.Handle) == buyer.Key(c.Merchant.Handle) {
		return fmt.Errorf("%w: buyer %s is the merchant (merchant.handle): the merchant's own tweets are never purchases, so it could never buy; use another handle",
			buyer.ErrInvalid, "@"+buyer.Key(b.Handle))
	}
	if id := strings.TrimSpace(b.UserID); id != "" && id == c.Merchant.UserID {
		return fmt.Errorf("%w: buyer %s has user_id %s, the merchant's (merchant.user_id): a Twitter account has one ID",
			buyer.ErrInvalid, "@"+buyer.Key(b.Handle), id)
	}
	return nil
}
