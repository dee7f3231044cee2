package emulator

import (
	"bufio"
	"context"
	"fmt"
	"strings"

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

With -o json, {"state_dir", "reset"}: the state directory wiped.

Exit status: 0 when wiped; 2 without --yes when not interactive; 4 when the
config file is invalid; 6 if another process holds the state.`,
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

func resetRun(_ context.Context, opts *ResetOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	if !opts.Yes {
		fmt.Fprintf(opts.IO.ErrOut, "Wipe all emulator and simulation state in %s? [y/N] ", cfg.StateDir)
		line, _ := bufio.NewReader(opts.IO.In).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
			return fmt.Errorf("%w: not confirmed", cmdutil.ErrCancelled)
		}
	}
	em, err := emulator.Open(cfg.StateDir, emulator.Options{LockTimeout: cfg.LockTimeout})
	if err != nil {
		return err
	}
	err = em.Reset()
	if cerr := em.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	store, err := shop.OpenStore(cfg.StateDir, statedb.Options{Timeout: cfg.LockTimeout})
	if err != nil {
		return err
	}
	err = store.Reset()
	if cerr := store.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if opts.Output == output.JSON {
		return output.WriteJSON(opts.IO.Out, struct {
			StateDir string `json:"state_dir"`
			Reset    bool   `json:"reset"`
		}{cfg.StateDir, true})
	}
	fmt.Fprintf(opts.IO.ErrOut, "✓ Wiped the state in %s\n", cfg.StateDir)
	return nil
}
