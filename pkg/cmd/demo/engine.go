package demo

import (
	"net/http"

	"github.com/tweetpay/tweetpay/pkg/buyer"
	"github.com/tweetpay/tweetpay/pkg/emulator"
	"github.com/tweetpay/tweetpay/pkg/offer"
	stripegw "github.com/tweetpay/tweetpay/pkg/payment/stripe"
	"github.com/tweetpay/tweetpay/pkg/shop"
	"github.com/tweetpay/tweetpay/pkg/statedb"
)

// The demo's merchant, and the defaults its offers and buyers inherit.
const (
	demoMerchant = "@bluemugco"
	demoCountry  = "US"
	demoCurrency = "usd"
	// demoKey is a test key: the emulator accepts any sk_test_ key.
	demoKey = "sk_test_demo"
)

// newEngine builds the demo's purchase engine over a fresh in-process
// emulator whose state, like the simulation's, lives in dir. It reads no
// config file, flag or environment variable: the demo must run the same
// for everyone, whatever tweetpay.yaml holds (even a broken one), and its
// payments must never reach Stripe. The returned func closes what was
// opened.
func newEngine(dir string) (*shop.Engine, func() error, error) {
	offers, err := offer.ValidateAll(demoOffers, offer.Defaults{Country: demoCountry, Currency: demoCurrency})
	if err != nil {
		return nil, nil, err
	}
	accounts := make([]shop.Account, 0, len(demoBuyers))
	for _, b := range demoBuyers {
		r, err := buyer.Resolve(b, demoCountry)
		if err != nil {
			return nil, nil, err
		}
		accounts = append(accounts, shop.Account{Handle: r.Handle, Name: r.Name, Country: r.Country, Card: r.Card})
	}
	em, err := emulator.Open(dir, emulator.Options{})
	if err != nil {
		return nil, nil, err
	}
	store, err := shop.OpenStore(dir, statedb.Options{})
	if err != nil {
		em.Close()
		return nil, nil, err
	}
	gw := stripegw.New(stripegw.Options{
		Key: demoKey, URL: "http://emulator.invalid",
		HTTPClient: &http.Client{Transport: em.Transport()}, InProcess: true,
	})
	eng := shop.New(shop.Options{Gateway: gw, Store: store, Offers: offers, Buyers: accounts, Merchant: demoMerchant})
	closeFn := func() error {
		err := store.Close()
		if cerr := em.Close(); err == nil {
			err = cerr
		}
		return err
	}
	return eng, closeFn, nil
}
