package config

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/yamldoc"
)

// InitOptions are the inputs of `config init`.
type InitOptions struct {
	IO         *iostreams.IOStreams
	ConfigPath func() (string, error)
	// Config, when set and loadable, gives the lock timeout; a file that
	// does not load (one that init --force replaces) leaves the default.
	Config func() (*config.Config, error)
	Force  bool
	Output output.Format
}

// NewCmdInit returns `config init`.
func NewCmdInit(f *cmdutil.Factory, runF func(context.Context, *InitOptions) error) *cobra.Command {
	opts := &InitOptions{IO: f.IOStreams, ConfigPath: f.StarterPath, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented starter tweetpay.yaml",
		Long: `Write a commented starter tweetpay.yaml (mode 0600) at --config, else
$TWEETPAY_CONFIG, else ./tweetpay.yaml. A $XDG_CONFIG_HOME/tweetpay/config.yaml
that other commands fall back on is never the target: to write that one, name
it with --config. An existing file is never overwritten without --force.
Missing directories on the way are created.

With -o json, {"path"}: the file written.

Exit status: 4 if the file exists and --force is not given, or if it cannot be
written for want of permission; 6 if another process keeps it locked for an
edit longer than lock_timeout (default 10s); 1 for another failure to write
it.`,
		Example: "  tweetpay config init\n  tweetpay config init --config ci/tweetpay.yaml --force",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return initRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "Overwrite an existing file")
	output.AddFlag(cmd, &opts.Output)
	return cmdutil.ConfigMayBeMissing(cmd)
}

func initRun(ctx context.Context, opts *InitOptions) error {
	path, err := opts.ConfigPath()
	if err != nil {
		return err
	}
	// Under the edit lock of offer and buyer edits: one that creates or
	// changes the file meanwhile is neither overwritten without --force
	// nor lost by saving its copy over the starter.
	timeout := config.FallbackLockTimeout(os.LookupEnv)
	if opts.Config != nil {
		if cfg, err := opts.Config(); err == nil {
			timeout = cfg.LockTimeout
		}
	}
	unlock, err := yamldoc.Lock(ctx, path, timeout)
	if errors.Is(err, yamldoc.ErrLocked) {
		return err
	}
	if err != nil {
		return fmt.Errorf("lock %s: %w", path, err)
	}
	defer unlock()
	if _, err := os.Stat(path); err == nil && !opts.Force {
		return fmt.Errorf("%w: %s already exists; pass --force to overwrite it", config.ErrInvalid, path)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := config.WriteStarter(path); err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return fmt.Errorf("%w: %w", config.ErrInvalid, err)
		}
		return err
	}
	if opts.Output == output.JSON {
		return output.WriteJSON(opts.IO.Out, struct {
			Path string `json:"path"`
		}{path})
	}
	output.Fprintf(opts.IO.ErrOut, "✓ Wrote %s\n", path)
	return nil
}
