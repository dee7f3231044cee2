package config

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
)

// PathOptions are the inputs of `config path`.
type PathOptions struct {
	IO         *iostreams.IOStreams
	ConfigPath func() (string, error)
}

// NewCmdPath returns `config path`.
func NewCmdPath(f *cmdutil.Factory, runF func(context.Context, *PathOptions) error) *cobra.Command {
	opts := &PathOptions{IO: f.IOStreams, ConfigPath: f.ConfigPath}
	cmd := &cobra.Command{
		Use:   "path",
		Short: "Print the path of the config file in use",
		Long: `Print the config file tweetpay uses: --config, else $TWEETPAY_CONFIG, else
./tweetpay.yaml, else $XDG_CONFIG_HOME/tweetpay/config.yaml. When none exists,
print where 'tweetpay config init' would write one.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			p, err := opts.ConfigPath()
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(opts.IO.Out, p)
			return err
		},
	}
	return cmdutil.ConfigMayBeMissing(cmd)
}
