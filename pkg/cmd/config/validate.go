package config

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
)

// ValidateOptions are the inputs of `config validate`.
type ValidateOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Output output.Format
}

// NewCmdValidate returns `config validate`.
func NewCmdValidate(f *cmdutil.Factory, runF func(context.Context, *ValidateOptions) error) *cobra.Command {
	opts := &ValidateOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check tweetpay.yaml, its offers, buyers and credentials",
		Long: `Check the config file: its YAML, every key and type, the merchant, each offer
and buyer, and the credentials (a live key needs --live). Makes no network call.

Without a config file anywhere, the defaults are checked. A file named by
--config or $TWEETPAY_CONFIG must exist: there is nothing to call valid.

Exit status: 0 if valid; 4 if not, with the file, line and what to change.`,
		Example: `  tweetpay config validate
  tweetpay config validate --config ci/tweetpay.yaml -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return validateRun(cmd.Context(), opts)
		},
	}
	output.AddFlag(cmd, &opts.Output)
	return cmd
}

func validateRun(_ context.Context, opts *ValidateOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	if _, err := cfg.CheckCredentials(); err != nil {
		return err
	}
	if _, err := cfg.ResolveOffers(); err != nil {
		return err
	}
	if err := cfg.ValidateBuyers(); err != nil {
		return err
	}
	if opts.Output == output.JSON {
		return output.WriteJSON(opts.IO.Out, map[string]any{
			"path": cfg.Path, "exists": cfg.Exists, "valid": true,
			"offers": len(cfg.Offers), "buyers": len(cfg.Buyers),
		})
	}
	where := cfg.Path
	if !cfg.Exists {
		where = "defaults (no config file)"
	}
	output.Fprintf(opts.IO.ErrOut, "✓ %s is valid: %s, %s\n", where,
		output.Count(len(cfg.Offers), "offer", "offers"), output.Count(len(cfg.Buyers), "buyer", "buyers"))
	return nil
}
