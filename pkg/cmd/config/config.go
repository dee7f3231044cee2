// Package config holds the `tweetpay config` commands.
package config

import (
	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
)

// NewCmdConfig returns the config noun with its verbs.
func NewCmdConfig(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.Group("config", "Create, show and check tweetpay.yaml",
		NewCmdInit(f, nil),
		NewCmdShow(f, nil),
		NewCmdValidate(f, nil),
		NewCmdPath(f, nil),
	)
}
