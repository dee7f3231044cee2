package config

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
)

// PathOptions are the inputs of `config path`.
type PathOptions struct {
	IO         *iostreams.IOStreams
	ConfigPath func() (string, error)
	Output     output.Format
}

// NewCmdPath returns `config path`.
func NewCmdPath(f *cmdutil.Factory, runF func(context.Context, *PathOptions) error) *cobra.Command {
	opts := &PathOptions{IO: f.IOStreams, ConfigPath: f.ConfigPath}
	cmd := &cobra.Command{
		Use:   "path",
		Short: "Print the path of the config file in use",
		Long: `Print the config file tweetpay uses: --config, else $TWEETPAY_CONFIG, else
./tweetpay.yaml, else $XDG_CONFIG_HOME/tweetpay/config.yaml. When none exists,
print where 'tweetpay config init' would write one.

With -o json, {"path", "exists"}.

Exit status: 0, also when the file does not exist; 4 when the path named
by --config or $TWEETPAY_CONFIG is a directory.`,
		Example: `  tweetpay config path
  tweetpay config path --config ci/tweetpay.yaml -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return pathRun(cmd.Context(), opts)
		},
	}
	output.AddFlag(cmd, &opts.Output)
	return cmdutil.ConfigMayBeMissing(cmd)
}

func pathRun(_ context.Context, opts *PathOptions) error {
	p, err := opts.ConfigPath()
	if err != nil {
		return err
	}
	if opts.Output == output.JSON {
		_, err := os.Stat(p)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return output.WriteJSON(opts.IO.Out, struct {
			Path   string `json:"path"`
			Exists bool   `json:"exists"`
		}{p, err == nil})
	}
	_, err = fmt.Fprintln(opts.IO.Out, p)
	return err
}
