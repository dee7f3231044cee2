package root

import (
	"fmt"
	"strings"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/offer"
	"github.com/tweetpay/tweetpay/pkg/payment"
	"github.com/tweetpay/tweetpay/pkg/tweet"

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
	store, err := shop.OpenStore(cfg.StateDir, statedb.Options{Timeout: cfg.LockTimeout})
	if err != nil {
		return nil, err
	}
	f.closers = append(f.closers, store.Close)
	return shop.New(shop.Options{
		Gateway: gw, Store: store, Offers: offers, Buyers: accounts, Merchant: cfg.Merchant.Handle, MerchantUserID: cfg.Merchant.UserID,
	}), nil
}

func (f *factory) engineFor(spec cmdutil.EngineSpec) (*shop.Engine, func() error, error) {
	var cfg config.Config
	if spec.Standalone {
		cfg = config.Config{Merchant: spec.Merchant, Backend: config.BackendEmulator, Offers: spec.Offers, Buyers: spec.Buyers}
	} else {
		base, err := f.config()
		if err != nil {
			return nil, nil, err
		}
		cfg = *base
		cfg.Offers = mergeOffers(base.Offers, spec.Offers)
		cfg.Buyers = mergeBuyers(base.Buyers, spec.Buyers)
	}
	offers, err := cfg.ResolveOffers()
	if err != nil {
		return nil, nil, err
	}
	accounts, err := Accounts(&cfg)
	if err != nil {
		return nil, nil, err
	}
	var closers []func() error
	closeAll := func() error {
		var first error
		for i := len(closers) - 1; i >= 0; i-- {
			if err := closers[i](); err != nil && first == nil {
				first = err
			}
		}
		return first
	}
	var gw payment.Gateway
	if inProcess(&cfg) {
		g, c, err := openGateway(&cfg, spec.StateDir, spec.Throwaway)
		if err != nil {
			return nil, nil, err
		}
		gw = g
		closers = append(closers, c)
	} else if gw, err = f.gateway(); err != nil {
		return nil, nil, err
	}
	store, err := shop.OpenStore(spec.StateDir, statedb.Options{Timeout: cfg.LockTimeout, Throwaway: spec.Throwaway})
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	closers = append(closers, store.Close)
	return shop.New(shop.Options{
		Gateway: gw, Store: store, Offers: offers, Buyers: accounts,
		Merchant: cfg.Merchant.Handle, MerchantUserID: cfg.Merchant.UserID, Namespace: spec.Namespace,
	}), closeAll, nil
}

func mergeOffers(base, extra []offer.Offer) []offer.Offer {
	out := append([]offer.Offer(nil), base...)
	for _, e := range extra {
		replaced := false
		for i, b := range out {
			if offerKey(b) == offerKey(e) {
				out[i], replaced = e, true
			}
		}
		if !replaced {
			out = append(out, e)
		}
	}
	return out
}

func offerKey(o offer.Offer) string {
	if o.GiftHandle != "" {
		return "@" + buyer.Key(o.GiftHandle)
	}
	return "#" + tweet.NormalizeTag(strings.TrimLeft(o.Hashtag, "#＃"))
}

func mergeBuyers(base, extra []buyer.Buyer) []buyer.Buyer {
	out := append([]buyer.Buyer(nil), base...)
	for _, e := range extra {
		replaced := false
		for i, b := range out {
			if buyer.SameHandle(b.Handle, e.Handle) {
				out[i], replaced = e, true
			}
		}
		if !replaced {
			out = append(out, e)
		}
	}
	return out
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
		out = append(out, shop.Account{Handle: r.Handle, Name: r.Name, Country: r.Country, Card: r.Card, UserID: r.UserID})
	}
	return out, nil
}
