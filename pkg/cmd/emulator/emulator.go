// Package emulator holds `tweetpay emulator`: the embedded Stripe emulator
// served on a loopback port, its status, and a reset.
package emulator

import (
	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
)

// NewCmdEmulator returns the emulator noun.
func NewCmdEmulator(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.Group("emulator", "Serve, inspect and reset the embedded Stripe emulator",
		NewCmdServe(f, nil),
		NewCmdStatus(f, nil),
		NewCmdReset(f, nil),
	)
}
