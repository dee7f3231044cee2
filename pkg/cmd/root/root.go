// Package root assembles the tweetpay command tree, runs it, prints errors
// and picks the exit code.
package root

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tweetpay/tweetpay/pkg/build"
	buyercmd "github.com/tweetpay/tweetpay/pkg/cmd/buyer"
	chargescmd "github.com/tweetpay/tweetpay/pkg/cmd/charges"
	configcmd "github.com/tweetpay/tweetpay/pkg/cmd/config"
	democmd "github.com/tweetpay/tweetpay/pkg/cmd/demo"
	emulatorcmd "github.com/tweetpay/tweetpay/pkg/cmd/emulator"
	offercmd "github.com/tweetpay/tweetpay/pkg/cmd/offer"
	simulatecmd "github.com/tweetpay/tweetpay/pkg/cmd/simulate"
	tweetcmd "github.com/tweetpay/tweetpay/pkg/cmd/tweet"
	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/payment"
	"github.com/tweetpay/tweetpay/pkg/shop"
)

// Main runs tweetpay with the process's arguments and streams and returns
// the exit code.
func Main() int {
	return int(RunProcess(iostreams.System(), os.Args[1:]))
}

// RunProcess runs one command line as the tweetpay process does: Ctrl-C and
// SIGTERM cancel the running command's context (long commands finish their
// in-flight work; the exit code is 130), and a write over a file-size limit
// fails with an error instead of killing the process half-way.
func RunProcess(ios *iostreams.IOStreams, args []string) ExitCode {
	ignoreFileSizeSignal()
	return run(context.Background(), ios, args, true)
}

// Run executes one command line with the given streams. Signals are left
// alone: ctx is the only way to interrupt it.
func Run(ctx context.Context, ios *iostreams.IOStreams, args []string) ExitCode {
	return run(ctx, ios, args, false)
}

func run(ctx context.Context, ios *iostreams.IOStreams, args []string, signals bool) ExitCode {
	f := newFactory(ios)
	cmd := NewCmdRoot(f)
	f.flags = cmd.PersistentFlags()
	// The signal handler is installed once a command is about to run, so
	// that --version, --help and usage errors skip the signal machinery's
	// start-up (a locked OS thread and a goroutine: about a millisecond). It
	// is stopped only after the exit code is chosen: stopping cancels the
	// context, which would read as an interruption.
	stop := context.CancelFunc(func() {})
	defer func() { stop() }()
	cmd.PersistentPreRun = func(c *cobra.Command, _ []string) {
		f.running = c
		if signals && !(c == cmd && f.version) {
			ctx, stop = interruptible(c.Context())
			c.SetContext(ctx)
		}
	}
	cmd.SetArgs(args)
	cmd.SetIn(ios.In)
	cmd.SetOut(ios.Out)
	cmd.SetErr(ios.ErrOut)
	// Made here, after SetOut: the completion scripts are written to the
	// writer the command had when it was made.
	initCompletionCmd(cmd)

	executed, err := cmd.ExecuteContextC(ctx)
	if cerr := f.close(); err == nil && cerr != nil {
		err = cerr
	}
	if err == nil {
		return ExitOK
	}
	code := exitCodeFor(ctx, err)
	if errors.Is(err, cmdutil.ErrSilent) {
		return code
	}
	var exitErr *cmdutil.ExitError
	if errors.As(err, &exitErr) && exitErr.Err == nil {
		return code
	}
	msg := f.redact(errorMessage(err))
	if diskFull(err) {
		msg = "the state directory is full or over a size limit: " + msg
	}
	if wantsJSON(executed, args) {
		line, _ := json.Marshal(struct {
			Error    string `json:"error"`
			ExitCode int    `json:"exit_code"`
		}{msg, int(code)})
		fmt.Fprintln(ios.ErrOut, string(line))
		return code
	}
	fmt.Fprintf(ios.ErrOut, "error: %s\n", output.EscapeText(msg))
	if code == ExitUsage && executed != nil {
		fmt.Fprintf(ios.ErrOut, "\n%s", executed.UsageString())
	}
	return code
}

func errorMessage(err error) string {
	msg := err.Error()
	// Sentinel prefixes such as "invalid configuration: " say nothing the
	// exit code does not; keep the part written for the user.
	for _, p := range []string{config.ErrInvalid.Error() + ": "} {
		msg = strings.TrimPrefix(msg, p)
	}
	return msg
}

// wantsJSON reports whether the failure of cmd is to be reported as JSON:
// -o json was parsed, or, when parsing stopped before it (an unknown flag or
// command earlier on the line), the command line holds it.
func wantsJSON(cmd *cobra.Command, args []string) bool {
	if cmd != nil {
		if f := cmd.Flags().Lookup("output"); f != nil && f.Changed {
			return f.Value.String() == string(output.JSON)
		}
	}
	return outputArg(args) == string(output.JSON)
}

// outputArg returns the last value given to -o/--output in args, up to "--",
// in any of the forms pflag accepts: -o json, -ojson, -o=json, --output json,
// --output=json.
func outputArg(args []string) string {
	val := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		next := func() string {
			if i+1 < len(args) {
				i++
				return args[i]
			}
			return ""
		}
		switch {
		case a == "--":
			return val
		case a == "-o" || a == "--output":
			val = next()
		case strings.HasPrefix(a, "--output="):
			val = strings.TrimPrefix(a, "--output=")
		case strings.HasPrefix(a, "-o") && !strings.HasPrefix(a, "--"):
			val = strings.TrimPrefix(strings.TrimPrefix(a, "-o"), "=")
		}
	}
	return val
}

// NewCmdRoot builds the command tree.
func NewCmdRoot(f *factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tweetpay <command> <subcommand> [flags]",
		Short: "Tweetable offers, simulated tweet purchases and their Stripe charges",
		Long: `tweetpay lets a merchant declare tweetable offers (a purchase hashtag such as
#BuyBlueMug, or a gift handle such as @tweetacoffee) in tweetpay.yaml, lets a
tester simulate buyers' tweets end to end, and inspects the resulting Stripe
charges. Payments go through stripe-go to the embedded emulator (the default,
offline and persisted), to Stripe in test mode, or to any address.

Each request to Stripe or to --api-base may take up to --timeout
($TWEETPAY_TIMEOUT, stripe.timeout; default 80s, as in Stripe's own SDKs), and
each retry as long again: a request is tried three times, so a provider that
accepts connections but never answers fails the command with exit status 6
after three timeouts and a few seconds of backoff. The in-process emulator
has no timeout.

Exit status: see 'tweetpay help exit-codes'.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          cmdutil.NoSubcommand,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.version {
				return printVersion(cmd.OutOrStdout(), f.format)
			}
			return cmd.Help()
		},
	}
	// --version is the root's own flag rather than cobra's, which prints a
	// template and knows nothing of -o json.
	cmd.Flags().BoolVarP(&f.version, "version", "v", false, "version for tweetpay")
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return cmdutil.FlagErrorWrap(err)
	})
	pf := cmd.PersistentFlags()
	pf.String("config", "", "Config `file` (default ./tweetpay.yaml, then $XDG_CONFIG_HOME/tweetpay/config.yaml)")
	pf.String("backend", "", "Where payments go: emulator or stripe (default emulator)")
	pf.String("api-key", "", "Stripe secret `key` (prefer TWEETPAY_API_KEY)")
	pf.String("api-base", "", "API base `URL` (default: Stripe's for stripe, in-process for emulator)")
	pf.Var(&timeoutFlag{}, "timeout", "Time allowed for each request to the provider, each retry alike: a `duration` such as 30s (default 80s)")
	pf.String("state-dir", "", "State `dir` of the emulator and the simulation")
	pf.Bool("live", false, "Allow a live key (sk_live_, rk_live_)")
	// Every command accepts -o, if only to report its errors as JSON;
	// commands with a result of their own declare their own -o, which
	// replaces this one.
	output.AddGlobalFlag(cmd, &f.format)

	fac := &f.Factory
	cmd.AddGroup(&cobra.Group{ID: "core", Title: "Commands:"}, &cobra.Group{ID: "help", Title: "Help topics:"})
	for _, c := range []*cobra.Command{
		configcmd.NewCmdConfig(fac),
		democmd.NewCmdDemo(fac, nil),
		emulatorcmd.NewCmdEmulator(fac),
		simulatecmd.NewCmdSimulate(fac),
		offercmd.NewCmdOffer(fac),
		buyercmd.NewCmdBuyer(fac),
		chargescmd.NewCmdCharges(fac),
		tweetcmd.NewCmdTweet(fac),
	} {
		c.GroupID = "core"
		cmd.AddCommand(c)
	}
	topic := newCmdExitCodes(&f.format)
	topic.GroupID = "help"
	cmd.AddCommand(topic)
	cmd.SetHelpCommand(newCmdHelp(cmd))
	cmd.SetHelpCommandGroupID("help")
	cmd.SetCompletionCommandGroupID("help")
	return cmd
}

// factory is the root's implementation of cmdutil.Factory.
type factory struct {
	cmdutil.Factory
	flags   *pflag.FlagSet
	running *cobra.Command // the command being run, once it runs
	format  output.Format  // the root's -o, for commands without their own
	version bool           // --version

	cfg     *config.Config
	cfgErr  error
	loaded  bool
	gw      payment.Gateway
	gwErr   error
	gwClose func() error // closes gw; nil when there is nothing to close
	eng     *shop.Engine
	engErr  error
	closers []func() error
}

func newFactory(ios *iostreams.IOStreams) *factory {
	f := &factory{}
	f.IOStreams = ios
	f.Factory.Config = f.config
	f.Factory.CheckConfig = f.checkConfig
	f.Factory.Gateway = f.gateway
	f.Factory.CloseGateway = f.closeGateway
	f.Factory.ConfigPath = f.configPath
	f.Factory.StarterPath = f.starterPath
	f.Factory.Engine = f.engine
	f.Factory.EngineFor = f.engineFor
	return f
}

func (f *factory) config() (*config.Config, error) {
	if f.loaded {
		return f.cfg, f.cfgErr
	}
	f.loaded = true
	f.cfg, f.cfgErr = config.Load(config.Options{Flags: f.flags})
	if f.cfgErr == nil {
		if f.cfgErr = f.missingFile(f.cfg); f.cfgErr != nil {
			return nil, f.cfgErr
		}
		f.warn(f.cfg)
	}
	return f.cfg, f.cfgErr
}

// checkConfig is config.Check with config's rules: a file named by --config
// or TWEETPAY_CONFIG must exist, and warnings are printed. It is not kept:
// a command that checks the configuration uses nothing else.
func (f *factory) checkConfig() (*config.Config, error) {
	c, err := config.Check(config.Options{Flags: f.flags})
	if c == nil {
		return nil, err
	}
	if merr := f.missingFile(c); merr != nil {
		return nil, merr
	}
	f.cfg = c // for redact
	f.warn(c)
	return c, err
}

// missingFile is the error of a config file named by --config or
// TWEETPAY_CONFIG that does not exist, for a command that needs one.
func (f *factory) missingFile(c *config.Config) error {
	if c.Exists || cmdutil.AllowsMissingConfig(f.running) ||
		(c.PathSource != config.SourceFlag && c.PathSource != config.SourceEnv) {
		return nil
	}
	origin := "--config"
	if c.PathSource == config.SourceEnv {
		origin = "TWEETPAY_CONFIG"
	}
	return fmt.Errorf("%w: config file %s (from %s) does not exist: check the path, or create it with `tweetpay config init --config %s`",
		config.ErrInvalid, c.Path, origin, c.Path)
}

func (f *factory) warn(c *config.Config) {
	for _, w := range c.Warnings {
		fmt.Fprintf(f.IOStreams.ErrOut, "warning: %s\n", output.EscapeText(w))
	}
}

func (f *factory) close() error {
	var first error
	for i := len(f.closers) - 1; i >= 0; i-- {
		if err := f.closers[i](); err != nil && first == nil {
			first = err
		}
	}
	f.closers = nil
	// The gateway was built before anything that uses it (the engine's
	// store): it is closed last.
	if err := f.dropGateway(); err != nil && first == nil {
		first = err
	}
	return first
}

// redact masks the configured key wherever it appears in s.
func (f *factory) redact(s string) string {
	if f.cfg != nil {
		s = config.Redact(s, f.cfg.APIKey)
	}
	if f.flags != nil {
		if fl := f.flags.Lookup("api-key"); fl != nil {
			s = config.Redact(s, fl.Value.String())
		}
	}
	for _, name := range []string{"TWEETPAY_API_KEY", "STRIPE_API_KEY"} {
		s = config.Redact(s, os.Getenv(name))
	}
	return s
}

func (f *factory) configPath() (string, error) {
	return config.FindPath(config.Options{Flags: f.flags})
}

func (f *factory) starterPath() (string, error) {
	return config.StarterPath(config.Options{Flags: f.flags})
}

// printVersion writes "tweetpay VERSION", or with -o json the version, the
// commit and the build date.
func printVersion(w io.Writer, format output.Format) error {
	if format == output.JSON {
		return output.WriteJSON(w, build.Get())
	}
	_, err := fmt.Fprintf(w, "tweetpay %s\n", build.String())
	return err
}

// timeoutFlag is --timeout. A value that is not a positive duration is
// refused while flags are parsed, a usage error (exit 2); config.Load reads
// the value back as typed, as it does every flag.
type timeoutFlag struct{ s string }

func (f *timeoutFlag) String() string { return f.s }
func (f *timeoutFlag) Type() string   { return "duration" }

func (f *timeoutFlag) Set(s string) error {
	if _, err := config.ParseTimeout(s); err != nil {
		return err
	}
	f.s = strings.TrimSpace(s)
	return nil
}

// initCompletionCmd adds cobra's completion command now rather than when it
// runs, to give it what cmdutil.Group gives a noun: a mistyped shell is a
// usage error (exit 2), not help with exit 0.
func initCompletionCmd(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.Args = cmdutil.NoSubcommand
			c.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
		}
	}
}
