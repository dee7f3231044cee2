package simulate

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/shop"
)

// ExpireOptions are the inputs of `simulate expire`.
type ExpireOptions struct {
	IO     *iostreams.IOStreams
	Engine func() (*shop.Engine, error)
	At     string
	Output output.Format
}

// NewCmdExpire returns `simulate expire`.
func NewCmdExpire(f *cmdutil.Factory, runF func(context.Context, *ExpireOptions) error) *cobra.Command {
	opts := &ExpireOptions{IO: f.IOStreams, Engine: f.Engine}
	cmd := &cobra.Command{
		Use:   "expire --at TIME",
		Short: "Cancel pending purchases whose confirmation window closed",
		Long: `Cancel every authorised purchase whose confirmation window closed before TIME:
the authorisation is released (the payment intent is cancelled) and the unit
goes back to stock. Prints one result per expired purchase (with -o json, an
array of result objects as 'simulate tweet -o json' prints them, [] when
nothing expired). TIME is an RFC 3339 time, or now.

Exit status: 0 (also when nothing expired); 2 without --at or with a bad
TIME; 4 when the config file is invalid; 6 when the provider is unavailable.`,
		Example: "  tweetpay simulate expire --at 2026-11-24T10:30:00Z",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.At == "" {
				return cmdutil.FlagErrorf("--at is required")
			}
			if _, err := parseTime(opts.At); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return expireRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.At, "at", "", "Expire what closed before this `time` (RFC3339, or now)")
	output.AddFlag(cmd, &opts.Output)
	return cmd
}

func expireRun(ctx context.Context, opts *ExpireOptions) error {
	at, _ := parseTime(opts.At)
	eng, err := opts.Engine()
	if err != nil {
		return err
	}
	results, err := eng.ExpireDue(ctx, at)
	if err != nil {
		return err
	}
	if opts.Output == output.JSON {
		return output.WriteJSON(opts.IO.Out, results)
	}
	for _, r := range results {
		printResult(opts.IO.Out, r)
	}
	fmt.Fprintf(opts.IO.ErrOut, "%s expired\n", output.Count(len(results), "pending purchase", "pending purchases"))
	return nil
}
