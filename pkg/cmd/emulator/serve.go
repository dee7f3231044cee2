package emulator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/emulator"
	"github.com/tweetpay/tweetpay/pkg/gctune"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
)

// ServeOptions are the inputs of `emulator serve`.
type ServeOptions struct {
	IO          *iostreams.IOStreams
	Config      func() (*config.Config, error)
	Addr        string
	AllowRemote bool
	Faults      string
	Seed        int64
	Verbose     bool
	Output      output.Format
}

// NewCmdServe returns `emulator serve`.
func NewCmdServe(f *cmdutil.Factory, runF func(context.Context, *ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the emulator's Stripe API on a loopback port",
		Long: `Serve the embedded emulator's Stripe-compatible API over HTTP, for other
processes and other languages: point stripe-go (BackendConfig.URL), another
SDK, or 'tweetpay --api-base URL' at it (the emulator backend needs no key;
with --backend stripe, give any sk_test_ key). The state is the one in
--state-dir, held for as long as the server runs.

When the server listens, its base URL is printed on stdout (one line), so a
script can start it in the background and wait for that line; --addr
127.0.0.1:0 picks a free port. With -o json, that line is a JSON object:
{"url", "addr", "state_dir"}. Only loopback addresses are allowed unless
--allow-remote is given. SIGINT or SIGTERM stops it cleanly.

--faults injects failures before requests reach the emulator (so a failed
request changes nothing), to test clients' retries and idempotency:
  429=P      rate-limit answers (code rate_limit, no Stripe-Should-Retry)
  500=P      server errors (api_error, no Stripe-Should-Retry)
  503=P      unavailable answers (Stripe-Should-Retry: true)
  reset=P    connections closed without an answer
  latency=D  added delay, or latency=D1-D2 for a uniform range
for example --faults 429=0.1,503=0.05,reset=0.02,latency=20ms --seed 7.

Exit status: 0 after a clean stop; 2 for a bad flag or fault spec, such as
an --addr that is not HOST:PORT with a port from 0 to 65535; 1 when the
address cannot be listened on (already in use); 6 if the state is locked by
another process.`,
		Example: `  tweetpay emulator serve --addr 127.0.0.1:12111
  tweetpay emulator serve --addr 127.0.0.1:0 --faults 429=0.1,reset=0.05 --verbose`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := emulator.ParseFaults(opts.Faults); opts.Faults != "" && err != nil {
				return cmdutil.FlagErrorWrap(err)
			}
			if err := checkAddr(opts.Addr, opts.AllowRemote); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return serveRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", "127.0.0.1:12111", "Listen `address`")
	fl.BoolVar(&opts.AllowRemote, "allow-remote", false, "Allow a non-loopback listen address")
	fl.StringVar(&opts.Faults, "faults", "", "Inject failures: `spec` such as 429=0.1,503=0.05,reset=0.02,latency=20ms")
	fl.Int64Var(&opts.Seed, "seed", 1, "Seed of the fault injection")
	fl.BoolVar(&opts.Verbose, "verbose", false, "Log one line per request on stderr")
	output.AddFlag(cmd, &opts.Output)
	return cmd
}

// checkAddr refuses an address that cannot be listened on, before the
// state is opened: host:port with a numeric port from 0 to 65535 (0 picks
// a free one). It refuses a non-loopback address without --allow-remote:
// the emulator accepts any test key and must not be reachable from
// elsewhere by accident.
func checkAddr(addr string, allowRemote bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return cmdutil.FlagErrorf("invalid --addr %q: %v", addr, err)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return cmdutil.FlagErrorf("invalid --addr %q: the port must be a number from 0 to 65535, such as 127.0.0.1:12111", addr)
	}
	if allowRemote {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return cmdutil.FlagErrorf("--addr %s is not a loopback address; pass --allow-remote to serve on it", addr)
	}
	return nil
}

// listenError says why addr cannot be listened on, without the address
// twice (net.OpError repeats it).
func listenError(addr string, err error) error {
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("listen on %s: the address is already in use; choose another with --addr (127.0.0.1:0 picks a free port)", addr)
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		err = op.Err
	}
	return fmt.Errorf("listen on %s: %w", addr, err)
}

func serveRun(ctx context.Context, opts *ServeOptions) error {
	defer gctune.Throughput(gctune.ServerFloor)()
	defer gctune.Procs()()
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	eopts := emulator.Options{LockTimeout: cfg.LockTimeout}
	if opts.Verbose {
		eopts.Log = opts.IO.ErrOut
	}
	em, err := emulator.Open(cfg.StateDir, eopts)
	if err != nil {
		return err
	}
	defer em.Close()
	var h http.Handler = em
	if opts.Faults != "" {
		faults, _ := emulator.ParseFaults(opts.Faults)
		h = emulator.WithFaults(h, faults, opts.Seed)
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return listenError(opts.Addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	url := "http://" + ln.Addr().String()
	if opts.Output == output.JSON {
		// One line, as without -o json: scripts wait for it.
		if err := output.WriteJSONLine(opts.IO.Out, struct {
			URL      string `json:"url"`
			Addr     string `json:"addr"`
			StateDir string `json:"state_dir"`
		}{url, ln.Addr().String(), cfg.StateDir}); err != nil {
			ln.Close()
			return err
		}
	} else {
		fmt.Fprintln(opts.IO.Out, url)
	}
	output.Fprintf(opts.IO.ErrOut, "Emulator listening on %s (state %s)", url, em.Path())
	if opts.Faults != "" {
		output.Fprintf(opts.IO.ErrOut, ", faults %s, seed %d", opts.Faults, opts.Seed)
	}
	fmt.Fprintln(opts.IO.ErrOut, "; stop with Ctrl-C")

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(opts.IO.ErrOut, "Emulator stopped")
	return nil
}
