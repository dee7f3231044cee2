package config

import (
	"context"
	"errors"
	"os"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
)

// ValidateOptions are the inputs of `config validate`.
type ValidateOptions struct {
	IO *iostreams.IOStreams
	// Check loads the configuration and reports every problem (see
	// config.Check).
	Check func() (*config.Config, error)
	// ConfigPath names the file when it could not be read at all.
	ConfigPath func() (string, error)
	Output     output.Format
}

// NewCmdValidate returns `config validate`.
func NewCmdValidate(f *cmdutil.Factory, runF func(context.Context, *ValidateOptions) error) *cobra.Command {
	opts := &ValidateOptions{IO: f.IOStreams, Check: f.CheckConfig, ConfigPath: f.ConfigPath}
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check tweetpay.yaml, its offers, buyers and credentials",
		Long: `Check the config file: its YAML, every key and type, the merchant, each offer
and buyer, and the credentials (a live key needs --live). Makes no network call.

Every problem found is reported, one per line, each with the file and line
where the value is (or the environment variable or flag it came from): those
in the file by line, then the others. Only a file that is not YAML at all
stops the check at its first error. Other commands stop at the first problem
they meet.

Without a config file anywhere, the defaults are checked. A file named by
--config or $TWEETPAY_CONFIG must exist: there is nothing to call valid.

With -o json, one object on stdout, valid or not: path, exists, valid,
offers and buyers (how many entries could be read), and problems, a list
([] when valid) of {file, line, message}, where file and line are null when
the problem is not at a line of the file. An invalid file also gets the
usual one-line JSON error on stderr.

Exit status: 0 if valid; 4 if not.`,
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

// validation is the JSON of `config validate -o json`.
type validation struct {
	Path     string    `json:"path"`
	Exists   bool      `json:"exists"`
	Valid    bool      `json:"valid"`
	Offers   int       `json:"offers"`
	Buyers   int       `json:"buyers"`
	Problems []problem `json:"problems"`
}

type problem struct {
	File    *string `json:"file"`
	Line    *int    `json:"line"`
	Message string  `json:"message"`
}

func validateRun(_ context.Context, opts *ValidateOptions) error {
	cfg, err := opts.Check()
	var probs config.Problems
	if err != nil && !errors.As(err, &probs) {
		return err
	}
	if opts.Output == output.JSON {
		v := validation{Valid: err == nil, Problems: []problem{}}
		if cfg != nil {
			v.Path, v.Exists, v.Offers, v.Buyers = cfg.Path, cfg.Exists, len(cfg.Offers), len(cfg.Buyers)
		} else if path, perr := opts.ConfigPath(); perr == nil {
			v.Path = path
			_, serr := os.Stat(path)
			v.Exists = serr == nil
		}
		for _, p := range probs {
			jp := problem{Message: p.Message}
			if p.File != "" {
				jp.File = &p.File
			}
			if p.Line > 0 {
				jp.Line = &p.Line
			}
			v.Problems = append(v.Problems, jp)
		}
		if werr := output.WriteJSON(opts.IO.Out, v); werr != nil {
			return werr
		}
		return err
	}
	if err != nil {
		return err
	}
	where := cfg.Path
	if !cfg.Exists {
		where = "defaults (no config file)"
	}
	output.Fprintf(opts.IO.ErrOut, "✓ %s is valid: %s, %s\n", where,
		output.Count(len(cfg.Offers), "offer", "offers"), output.Count(len(cfg.Buyers), "buyer", "buyers"))
	return nil
}
