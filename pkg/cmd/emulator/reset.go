package emulator

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/emulator"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/shop"
	"github.com/tweetpay/tweetpay/pkg/statedb"
)

// ResetOptions are the inputs of `emulator reset`.
type ResetOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Yes    bool
	Output output.Format
}

// NewCmdReset returns `emulator reset`.
func NewCmdReset(f *cmdutil.Factory, runF func(context.Context, *ResetOptions) error) *cobra.Command {
	opts := &ResetOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "reset",
		Short: "Wipe the emulator's and the simulation's state",
		Long: `Delete every object of the emulator (products, customers, payments, charges,
refunds, idempotency keys) and the simulation's state (processed tweets,
pending purchases, units sold), each in one transaction. tweetpay.yaml is not
touched. Asks for confirmation on a terminal; elsewhere --yes is required.
The state is opened before the question is asked, so a state that another
process holds (such as a running 'emulator serve') is reported first, and is
not written to between the answer and the wipe. A state directory that holds
no state yet is left as it is, not created.

With -o json, {"state_dir", "reset"}: the state directory, and false when
the wipe was declined.

Exit status: 0 when wiped, declined or nothing to wipe; 2 without --yes when
not interactive; 4 when the config file is invalid; 6 if another process
holds the state.`,
		Example: `  tweetpay emulator reset --yes`,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := cmdutil.ConfirmFlag(opts.Yes, opts.IO.CanPrompt(), "emulator reset"); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return resetRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "Do not ask for confirmation")
	output.AddFlag(cmd, &opts.Output)
	return cmd
}

func resetRun(_ context.Context, opts *ResetOptions) (err error) {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	// Both files are opened, and so locked, before the question: a state
	// that another process holds is reported before anyone is asked, and
	// nothing is written to it between the answer and the wipe. A file that
	// is not there is not created.
	var em *emulator.Emulator
	if stateFileExists(filepath.Join(cfg.StateDir, emulator.FileName)) {
		if em, err = emulator.Open(cfg.StateDir, emulator.Options{LockTimeout: cfg.LockTimeout}); err != nil {
			return err
		}
		defer closeInto(&err, em.Close)
	}
	var store *shop.Store
	if stateFileExists(filepath.Join(cfg.StateDir, shop.StoreFile)) {
		if store, err = shop.OpenStore(cfg.StateDir, statedb.Options{Timeout: cfg.LockTimeout}); err != nil {
			return err
		}
		defer closeInto(&err, store.Close)
	}
	wiped := true
	switch {
	case em == nil && store == nil:
		if opts.Output != output.JSON {
			output.Fprintf(opts.IO.ErrOut, "✓ Nothing to wipe: %s holds no state\n", cfg.StateDir)
		}
	case !opts.Yes && !cmdutil.Confirm(opts.IO, fmt.Sprintf("Wipe all emulator and simulation state in %s?", output.Escape(cfg.StateDir))):
		wiped = false
		if opts.Output != output.JSON {
			fmt.Fprintln(opts.IO.ErrOut, "Nothing wiped.")
		}
	default:
		if em != nil {
			if err := em.Reset(); err != nil {
				return err
			}
		}
		if store != nil {
			if err := store.Reset(); err != nil {
				return err
			}
		}
		if opts.Output != output.JSON {
			output.Fprintf(opts.IO.ErrOut, "✓ Wiped the state in %s\n", cfg.StateDir)
		}
	}
	if opts.Output == output.JSON {
		return output.WriteJSON(opts.IO.Out, struct {
			StateDir string `json:"state_dir"`
			Reset    bool   `json:"reset"`
		}{cfg.StateDir, wiped})
	}
	return nil
}

// closeInto calls close and keeps its error in *err unless *err is set.
func closeInto(err *error, close func() error) {
	if cerr := close(); *err == nil {
		*err = cerr
	}
}
