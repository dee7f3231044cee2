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
		`The embedded emulator is a Stripe-compatible API that every command runs
in-process with the emulator backend (the default). Its objects (products,
customers, payments, charges, refunds, idempotency keys) are kept with the
simulation's state in the state directory: --state-dir, $TWEETPAY_STATE_DIR
or state_dir in the config file, else .tweetpay/ beside the config file,
else $XDG_STATE_HOME/tweetpay.

serve puts the emulator on a loopback port for other processes, status shows
what the state holds, and reset wipes it. One process holds the state at a
time: another waits for it up to $TWEETPAY_LOCK_TIMEOUT (10s), then exits 6.`,
		NewCmdServe(f, nil),
		NewCmdStatus(f, nil),
		NewCmdReset(f, nil),
	)
}
