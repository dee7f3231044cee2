package emulator

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/emulator"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/shop"
	"github.com/tweetpay/tweetpay/pkg/statedb"
)

// StatusOptions are the inputs of `emulator status`.
type StatusOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Output output.Format
}

// NewCmdStatus returns `emulator status`.
func NewCmdStatus(f *cmdutil.Factory, runF func(context.Context, *StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show what the emulator's and the simulation's state hold",
		Long: `Show the state directory, the emulator's object counts per type, its file
size, and the simulation's processed tweets and pending purchases. A state
directory that holds no state yet is shown empty ("exists": false with
-o json) and is not created.

Exit status: 0; 4 when the config file is invalid; 6 if another process
holds the state (such as a running 'emulator serve').`,
		Example: `  tweetpay emulator status
  tweetpay emulator status -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return statusRun(cmd.Context(), opts)
		},
	}
	output.AddFlag(cmd, &opts.Output)
	return cmd
}

type status struct {
	StateDir string `json:"state_dir"`
	// Exists is false for a state directory that holds no state yet.
	Exists          bool             `json:"exists"`
	Path            string           `json:"path"`
	SizeBytes       int64            `json:"size_bytes"`
	Objects         map[string]int64 `json:"objects"`
	IdempotencyKeys int64            `json:"idempotency_keys"`
	Tweets          int              `json:"tweets"`
	Pending         int              `json:"pending"`
}

type countRow struct {
	what  string
	count int64
}

func statusRun(_ context.Context, opts *StatusOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	// A state that is not there is reported empty, and not created: a
	// mistyped --state-dir must not leave a new state behind.
	st := emulator.EmptyStats(cfg.StateDir)
	emExists := stateFileExists(st.Path)
	if emExists {
		em, err := emulator.Open(cfg.StateDir, emulator.Options{LockTimeout: cfg.LockTimeout})
		if err != nil {
			return err
		}
		st, err = em.Stats()
		em.Close()
		if err != nil {
			return err
		}
	}
	var tweets, pending int
	storeExists := stateFileExists(filepath.Join(cfg.StateDir, shop.StoreFile))
	if storeExists {
		store, err := shop.OpenStore(cfg.StateDir, statedb.Options{Timeout: cfg.LockTimeout})
		if err != nil {
			return err
		}
		tweets, pending, err = store.Stats()
		store.Close()
		if err != nil {
			return err
		}
	}
	out := status{StateDir: cfg.StateDir, Exists: emExists || storeExists, Path: st.Path, SizeBytes: st.SizeBytes,
		Objects: st.Objects, IdempotencyKeys: st.IdempotencyKeys, Tweets: tweets, Pending: pending}
	if opts.Output == output.JSON {
		return output.WriteJSON(opts.IO.Out, out)
	}
	rows := make([]countRow, 0, len(st.Objects)+3)
	kinds := make([]string, 0, len(st.Objects))
	for k := range st.Objects {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		rows = append(rows, countRow{k, st.Objects[k]})
	}
	rows = append(rows, countRow{"idempotency_keys", st.IdempotencyKeys},
		countRow{"tweets", int64(tweets)}, countRow{"pending", int64(pending)})
	if out.Exists {
		output.Fprintf(opts.IO.ErrOut, "State %s (emulator file %d bytes)\n", cfg.StateDir, st.SizeBytes)
	} else {
		output.Fprintf(opts.IO.ErrOut, "State %s (none yet: nothing has run with it)\n", cfg.StateDir)
	}
	return output.Print(opts.IO, output.Table, rows, []output.Column[countRow]{
		{Header: "WHAT", Value: func(r countRow) string { return r.what }},
		{Header: "COUNT", Value: func(r countRow) string { return strconv.FormatInt(r.count, 10) }},
	})
}

// stateFileExists reports whether the state file at path may be there: any
// answer but its absence is left to opening it, which explains it.
func stateFileExists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}
