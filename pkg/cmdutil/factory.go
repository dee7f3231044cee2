package cmdutil

import (
	"github.com/tweetpay/tweetpay/pkg/buyer"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/offer"
	"github.com/tweetpay/tweetpay/pkg/payment"
	"github.com/tweetpay/tweetpay/pkg/shop"
)

// Factory gives commands lazy access to what they may need, so that --help
// and commands that need no config or client build none.
type Factory struct {
	IOStreams *iostreams.IOStreams
	// Config loads the configuration once; later calls return the same value.
	Config func() (*config.Config, error)
	// CheckConfig loads the configuration as Config does, but reports every
	// problem it finds rather than the first (see config.Check).
	CheckConfig func() (*config.Config, error)
	// ConfigPath returns the config file in use, or where one would be
	// written, without reading it.
	ConfigPath func() (string, error)
	// StarterPath returns where `config init` writes: the config path, but
	// ./tweetpay.yaml rather than the user's XDG config file.
	StarterPath func() (string, error)
	// Gateway builds the payment gateway for the configured backend once.
	Gateway func() (payment.Gateway, error)
	// CloseGateway closes the gateway that Gateway built, if any: with the
	// in-process emulator, it lets go of the emulator's state, so that a
	// command that waits for something else next (the config file's edit
	// lock) does not keep other processes from the state meanwhile. A later
	// Gateway call builds a new one. It does nothing once Engine has been
	// built, whose gateway it is.
	CloseGateway func() error
	// Engine builds the purchase engine over the configured offers, buyers,
	// gateway and simulation state once.
	Engine func() (*shop.Engine, error)
	// EngineFor builds a separate engine, as a scenario run needs one: its
	// own offers and buyers on top of the config's, and its own state. The
	// returned func releases it.
	EngineFor func(spec EngineSpec) (*shop.Engine, func() error, error)
}

// EngineSpec describes an engine built by Factory.EngineFor.
type EngineSpec struct {
	// StateDir holds the engine's simulation state and, with the in-process
	// emulator, the emulator's state: a fresh directory gives a fresh run.
	StateDir string
	// Offers and Buyers are added to those of the config file; an entry with
	// the same hashtag, gift handle or buyer handle replaces the file's.
	Offers []offer.Offer
	Buyers []buyer.Buyer
	// Namespace is prefixed to tweet IDs (see shop.Options.Namespace).
	Namespace string
	// Throwaway says that StateDir is deleted once the engine is closed (a
	// scenario's fresh state, the demo's): its writes need not reach the
	// disk, which makes each tweet several times faster on a slow disk.
	Throwaway bool
	// Standalone leaves the user's configuration out altogether: no config
	// file is read, and neither flags nor environment apply. The engine has
	// only Offers and Buyers, Merchant's settings, and an in-process
	// emulator, never Stripe (`demo`).
	Standalone bool
	Merchant   config.Merchant
}
