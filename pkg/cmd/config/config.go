// Package config holds the `tweetpay config` commands.
package config

import (
	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
)

// NewCmdConfig returns the config noun with its verbs.
func NewCmdConfig(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.Group("config", "Create, show and check tweetpay.yaml",
		`Work with the config file, where the merchant, the offers, the test buyers
and the Stripe settings are declared. Every command uses the same file:
--config, else $TWEETPAY_CONFIG, else ./tweetpay.yaml, else
$XDG_CONFIG_HOME/tweetpay/config.yaml ('tweetpay config path' says which).
Settings come from flags, then TWEETPAY_* environment variables, then the
file, then defaults. None of these commands makes a network call, and an API
key is never printed in full.`,
		NewCmdInit(f, nil),
		NewCmdShow(f, nil),
		NewCmdValidate(f, nil),
		NewCmdPath(f, nil),
	)
}
