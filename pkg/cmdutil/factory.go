package cmdutil

import (
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/payment"
	"github.com/tweetpay/tweetpay/pkg/shop"
)

// Factory gives commands lazy access to what they may need, so that --help
// and commands that need no config or client build none.
type Factory struct {
	IOStreams *iostreams.IOStreams
	// Config loads the configuration once; later calls return the same value.
	Config func() (*config.Config, error)
	// ConfigPath returns the config file in use, or where one would be
	// written, without reading it.
	ConfigPath func() (string, error)
	// Gateway builds the payment gateway for the configured backend once.
	Gateway func() (payment.Gateway, error)
	// Engine builds the purchase engine over the configured offers, buyers,
	// gateway and simulation state once.
	Engine func() (*shop.Engine, error)
}
