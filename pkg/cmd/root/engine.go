package root

import (
	"fmt"

	"github.com/tweetpay/tweetpay/pkg/buyer"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/shop"
	"github.com/tweetpay/tweetpay/pkg/statedb"
)

func (f *factory) engine() (*shop.Engine, error) {
	if f.eng != nil || f.engErr != nil {
		return f.eng, f.engErr
	}
	f.eng, f.engErr = f.newEngine()
	return f.eng, f.engErr
}

func (f *factory) newEngine() (*shop.Engine, error) {
	cfg, err := f.config()
	if err != nil {
		return nil, err
	}
	offers, err := cfg.ResolveOffers()
	if err != nil {
		return nil, err
	}
	accounts, err := Accounts(cfg)
	if err != nil {
		return nil, err
	}
	gw, err := f.gateway()
	if err != nil {
		return nil, err
	}
	store, err := shop.OpenStore(cfg.StateDir, statedb.Options{})
	if err != nil {
		return nil, err
	}
	f.closers = append(f.closers, store.Close)
	return shop.New(shop.Options{
		Gateway: gw, Store: store, Offers: offers, Buyers: accounts, Merchant: cfg.Merchant.Handle,
	}), nil
}

// Accounts resolves the buyers of the config into the engine's accounts.
func Accounts(cfg *config.Config) ([]shop.Account, error) {
	if err := cfg.ValidateBuyers(); err != nil {
		return nil, err
	}
	out := make([]shop.Account, 0, len(cfg.Buyers))
	for _, b := range cfg.Buyers {
		r, err := buyer.Resolve(b, cfg.Merchant.Country)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", config.ErrInvalid, cfg.Path, err)
		}
		out = append(out, shop.Account{Handle: r.Handle, Name: r.Name, Country: r.Country, Card: r.Card})
	}
	return out, nil
}
