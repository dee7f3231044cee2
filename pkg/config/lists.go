package config

import (
	"fmt"
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
	}
	if n := mapValue(root, "buyers"); n != nil && n.Kind == yaml.SequenceNode {
		if err := n.Decode(&c.Buyers); err != nil {
			return fmt.Errorf("%w: %s: buyers: %s", ErrInvalid, c.Path, strings.TrimPrefix(err.Error(), "yaml: "))
		}
	}
	return nil
}

func validateMerchant(m *Merchant) error {
	if !tweet.IsValidUsername(m.Handle) {
		return fmt.Errorf("%w: merchant.handle %q is not a Twitter username (letters, digits and _, at most 20)", ErrInvalid, m.Handle)
	}
	if !money.IsSupported(m.Currency) {
		return fmt.Errorf("%w: merchant.currency %q is not a currency Stripe supports", ErrInvalid, m.Currency)
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
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalid, c.Path, err)
	}
	return rs, nil
}

// ValidateBuyers checks every buyer of the file.
func (c *Config) ValidateBuyers() error {
	if err := buyer.ValidateAll(c.Buyers, c.Merchant.Country); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrInvalid, c.Path, err)
	}
	return nil
}
