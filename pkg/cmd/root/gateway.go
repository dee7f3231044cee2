package root

import (
	"net/http"
	"time"

	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/emulator"
	"github.com/tweetpay/tweetpay/pkg/payment"
	stripegw "github.com/tweetpay/tweetpay/pkg/payment/stripe"
)

// gateway builds the one payment gateway: stripe-go, with its requests going
// to the embedded emulator in-process, or over HTTP to --api-base or Stripe.
func (f *factory) gateway() (payment.Gateway, error) {
	if f.gw != nil || f.gwErr != nil {
		return f.gw, f.gwErr
	}
	f.gw, f.gwErr = f.newGateway()
	return f.gw, f.gwErr
}

func (f *factory) newGateway() (payment.Gateway, error) {
	cfg, err := f.config()
	if err != nil {
		return nil, err
	}
	key, err := cfg.CheckCredentials()
	if err != nil {
		return nil, err
	}
	opts := stripegw.Options{Key: key, URL: cfg.APIBase}
	if cfg.Backend == config.BackendEmulator && cfg.APIBase == "" {
		em, err := emulator.Open(cfg.StateDir, emulator.Options{})
		if err != nil {
			return nil, err
		}
		f.closers = append(f.closers, em.Close)
		opts.HTTPClient = &http.Client{Transport: em.Transport()}
		opts.URL = "http://emulator.invalid"
	} else {
		opts.HTTPClient = &http.Client{Timeout: 80 * time.Second}
	}
	return stripegw.New(opts), nil
}
