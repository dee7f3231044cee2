package config

import "gopkg.in/yaml.v3"

// OfferEntry is one entry of the offers list (temporary until pkg/offer lands).
type OfferEntry = yaml.Node

// BuyerEntry is one entry of the buyers list.
type BuyerEntry = yaml.Node

func (c *Config) decodeLists(root *yaml.Node) error {
	if n := mapValue(root, "offers"); n != nil {
		for _, e := range n.Content {
			c.Offers = append(c.Offers, *e)
		}
	}
	if n := mapValue(root, "buyers"); n != nil {
		for _, e := range n.Content {
			c.Buyers = append(c.Buyers, *e)
		}
	}
	return nil
}

func validateMerchant(*Merchant) error { return nil }

// ResolveOffers is temporary.
func (c *Config) ResolveOffers() ([]any, error) { return nil, nil }

// ValidateBuyers is temporary.
func (c *Config) ValidateBuyers() error { return nil }
