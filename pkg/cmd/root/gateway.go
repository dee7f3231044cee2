package root

import (
	"net/http"

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
	gw, closeFn, err := openGateway(cfg, cfg.StateDir, false)
	if err != nil {
		return nil, err
	}
	f.gwClose = closeFn
	return gw, nil
}

// closeGateway closes the gateway, unless the engine uses it, so that a
// later gateway call opens it again.
func (f *factory) closeGateway() error {
	if f.eng != nil {
		return nil
	}
	return f.dropGateway()
}

// dropGateway closes the gateway and forgets it.
func (f *factory) dropGateway() error {
	closeFn := f.gwClose
	f.gw, f.gwErr, f.gwClose = nil, nil, nil
	if closeFn == nil {
		return nil
	}
	return closeFn()
}

// inProcess reports whether payments go to the embedded emulator without a
// socket.
func inProcess(cfg *config.Config) bool {
	return cfg.Backend == config.BackendEmulator && cfg.APIBase == ""
}

// openGateway builds the stripe-go gateway for cfg; with the in-process
// emulator, over the emulator state in stateDir. The returned func closes
// what was opened. A throwaway state's writes are not synced
// (statedb.Options.Throwaway).
func openGateway(cfg *config.Config, stateDir string, throwaway bool) (payment.Gateway, func() error, error) {
	key, err := cfg.CheckCredentials()
	if err != nil {
		return nil, nil, err
	}
	opts := stripegw.Options{Key: key, URL: cfg.APIBase}
	if !inProcess(cfg) {
		opts.Timeout = cfg.Timeout
		return stripegw.New(opts), nil, nil
	}
	em, err := emulator.Open(stateDir, emulator.Options{LockTimeout: cfg.LockTimeout, Throwaway: throwaway})
	if err != nil {
		return nil, nil, err
	}
	opts.HTTPClient = &http.Client{Transport: em.Transport()}
	opts.URL = "http://emulator.invalid"
	opts.InProcess = true
	return stripegw.New(opts), em.Close, nil
}
