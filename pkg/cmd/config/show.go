package config

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
)

// ShowOptions are the inputs of `config show`.
type ShowOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Output output.Format
}

// NewCmdShow returns `config show`.
func NewCmdShow(f *cmdutil.Factory, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Show the effective settings and where each comes from",
		Long: `Show every setting with its effective value and its source: a flag, an
environment variable, the config file, or the default. The API key is masked.

Exit status: 4 if the configuration is invalid.`,
		Example: `  tweetpay config show
  tweetpay config show --backend stripe -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return showRun(cmd.Context(), opts)
		},
	}
	output.AddFlag(cmd, &opts.Output)
	return cmdutil.ConfigMayBeMissing(cmd)
}

type shownSetting struct {
	Key    string        `json:"key"`
	Value  string        `json:"value"`
	Source config.Source `json:"source"`
	Origin string        `json:"origin,omitempty"`
}

type shown struct {
	Path     string         `json:"path"`
	Exists   bool           `json:"exists"`
	StateDir string         `json:"state_dir"`
	Offers   int            `json:"offers"`
	Buyers   int            `json:"buyers"`
	Settings []shownSetting `json:"settings"`
}

var showColumns = []output.Column[shownSetting]{
	{Header: "KEY", Value: func(s shownSetting) string { return s.Key }},
	{Header: "VALUE", Value: func(s shownSetting) string { return s.Value }},
	{Header: "SOURCE", Value: func(s shownSetting) string { return string(s.Source) }},
	{Header: "ORIGIN", Value: func(s shownSetting) string { return s.Origin }},
}

func showRun(_ context.Context, opts *ShowOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	out := shown{Path: cfg.Path, Exists: cfg.Exists, StateDir: cfg.StateDir, Offers: len(cfg.Offers), Buyers: len(cfg.Buyers)}
	for _, s := range cfg.Settings() {
		v := s.Value
		if s.Key == "stripe.api_key" {
			v = config.MaskKey(v)
		}
		out.Settings = append(out.Settings, shownSetting{Key: s.Key, Value: v, Source: s.Source, Origin: s.Origin})
	}
	if opts.Output == output.JSON {
		return output.WriteJSON(opts.IO.Out, out)
	}
	return output.Print(opts.IO, opts.Output, out.Settings, showColumns)
}
