package simulate

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/buyer"
	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/gctune"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/offer"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/scenario"
	"github.com/tweetpay/tweetpay/pkg/shop"
	"github.com/tweetpay/tweetpay/pkg/statedb"
)

// RunOptions are the inputs of `simulate run`.
type RunOptions struct {
	IO        *iostreams.IOStreams
	Config    func() (*config.Config, error)
	EngineFor func(cmdutil.EngineSpec) (*shop.Engine, func() error, error)

	Files     []string
	JUnit     string
	KeepState bool
	Output    output.Format
}

// NewCmdRun returns `simulate run`.
func NewCmdRun(f *cmdutil.Factory, runF func(context.Context, *RunOptions) error) *cobra.Command {
	opts := &RunOptions{IO: f.IOStreams, Config: f.Config, EngineFor: f.EngineFor}
	cmd := &cobra.Command{
		Use:   "run SCENARIO.yaml... [--junit FILE]",
		Short: "Run scenario files: tweets in order, with expectations",
		Long: `Run scenario files. A scenario declares its own offers and buyers (added to
those of the config for this run) and ordered steps: tweets with
expectations on their results, checks on the charges made so far, and
expiries of pending purchases. See docs/scenarios.md for the format.

A file given as - is read from standard input: its payload files (file:)
are then found from the working directory, and messages and the JUnit
report name it "standard input" (its testsuite, as any, takes the
scenario's name: when it has one).

Each scenario runs on a fresh state (a fresh embedded emulator and a fresh
simulation state, removed afterwards unless --keep-state), so a run repeats
exactly; steps without a time start at the scenario's start (by default
2026-01-01T12:00:00Z) and follow each other by one second. On the stripe
backend, or an emulator at an address (--api-base), tweet IDs are prefixed
with a new run ID so that a re-run never collides with an earlier one.

Every step runs, whatever failed before it. The results table goes to
standard output (-o json: one object with every scenario and step), a
summary line and the failures to standard error, and --junit FILE writes a
JUnit XML report (one testsuite per scenario, one testcase per step) that CI
systems render. Scenarios that share a name (checkout.yaml in two
directories) are told apart everywhere by their file: "checkout
(a/checkout.yaml)". When files are invalid, the report is still written:
a testsuite for each invalid file, whose one testcase is in error with the
message printed, and the other files' steps skipped.

A step that fails because the payment provider is unavailable (a network
failure, or 429 or 5xx answers through the client's retries) is marked so:
"payment provider unavailable (retry may help)" in the table and on
standard error, "provider_unavailable": true on the step and a count in
the summary with -o json, and an <error type="provider_unavailable"> in
the JUnit report.

Exit status: 0 when every step passed; 6 when any step failed because the
payment provider was unavailable (retry may help: the other failures of
the run may follow from it); 7 when steps failed otherwise (an
expectation not met, or a step that could not run); 3 when a scenario file
is invalid (nothing runs then; an error for each invalid file names its
file and line); 4 for a bad configuration, or scenario offers or buyers
that clash with it (each such file is reported, and nothing runs), or a
temporary state directory that cannot be made ($TMPDIR); 1 when the
--junit report cannot be written (a path that cannot be written is found
before anything runs; invalid files keep their status, 3 or 4); 2 for bad
flags or arguments (no scenario file, - given twice, an empty --junit or
--junit -, or a --junit that names one of the scenario files); 130 when
interrupted.`,
		Example: `  tweetpay simulate run testdata/scenarios/amex_sync_confirmation.yaml
  tweetpay simulate run scenarios/*.yaml --junit junit.xml
  tweetpay simulate run - < testdata/scenarios/amex_sync_confirmation.yaml`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmdutil.FlagErrorf("at least one scenario file is required")
			}
			if i := slices.Index(args, "-"); i >= 0 && slices.Contains(args[i+1:], "-") {
				return cmdutil.FlagErrorf("- (standard input) can be given once: it holds one scenario")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			// An unset variable in `--junit "$REPORT"` would otherwise
			// leave CI without its report and the run without an error.
			if cmd.Flags().Changed("junit") && strings.TrimSpace(opts.JUnit) == "" {
				return cmdutil.FlagErrorf("--junit needs a file path")
			}
			// "-" would be a file named "-" in the working directory, not
			// the standard output a user means by it.
			if opts.JUnit == "-" {
				return cmdutil.FlagErrorf("--junit needs a file path, not -: the results go to standard output (name /dev/stdout to send the report there as well)")
			}
			if f := scenarioAt(opts.JUnit, opts.Files); f != "" {
				return cmdutil.FlagErrorf("--junit %s is the scenario file %s: the report would replace it", opts.JUnit, f)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.JUnit, "junit", "", "Write a JUnit XML report to `file`")
	cmd.Flags().BoolVar(&opts.KeepState, "keep-state", false, "Keep each scenario's state directory and print where it is")
	output.AddFlag(cmd, &opts.Output)
	return cmd
}

type runRow struct {
	scenario string
	step     scenario.StepReport
}

var runColumns = []output.Column[runRow]{
	{Header: "SCENARIO", Value: func(r runRow) string { return r.scenario }},
	{Header: "STEP", Value: func(r runRow) string { return fmt.Sprint(r.step.Index) }},
	{Header: "NAME", Value: func(r runRow) string { return r.step.Name }},
	{Header: "GOT", Value: func(r runRow) string { return gotSummary(r.step) }},
	{Header: "STATUS", Value: func(r runRow) string {
		switch {
		case r.step.Skipped:
			return "skip"
		case r.step.Passed:
			return "pass"
		}
		return "FAIL"
	}},
	{Header: "DETAIL", Value: func(r runRow) string { return strings.Join(r.step.Messages(), "; ") }},
}

func gotSummary(s scenario.StepReport) string {
	switch {
	case s.Result != nil:
		out := s.Result.Outcome
		if s.Result.Reason != nil {
			out += " (" + *s.Result.Reason + ")"
		}
		if s.Result.Duplicate {
			out += " duplicate"
		}
		return out
	case s.Charges != nil:
		return fmt.Sprintf("%s, gross %d", output.Count(int(s.Charges.Count), "charge", "charges"), s.Charges.Gross)
	case s.Expired != nil:
		return fmt.Sprintf("%d expired", len(*s.Expired))
	case s.Error != "":
		return "error"
	}
	return ""
}

type runJSON struct {
	Scenarios []scenario.Report `json:"scenarios"`
	Summary   scenario.Summary  `json:"summary"`
}

func runRun(ctx context.Context, opts *RunOptions) error {
	defer gctune.Throughput(gctune.BatchFloor)()
	defer gctune.Procs()()
	scs, err := loadScenarios(ctx, opts)
	if err != nil {
		return err
	}
	scenario.UniqueNames(scs)
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	if opts.JUnit != "" {
		if err := checkJUnitPath(opts.JUnit); err != nil {
			return err
		}
	}
	runID := ""
	if cfg.Backend != config.BackendEmulator || cfg.APIBase != "" {
		// A shared provider keeps every earlier run's objects: a fresh
		// prefix keeps this run's tweet IDs and idempotency keys apart.
		var b [4]byte
		_, _ = rand.Read(b[:])
		runID = "run-" + hex.EncodeToString(b[:])
	}
	var reports []scenario.Report
	var runErr error
	for i, s := range scs {
		rep, err := runScenario(ctx, opts, s, runID, i+1)
		if rep != nil {
			reports = append(reports, *rep)
		}
		if err != nil && !scenario.IsExpectation(err) {
			runErr = err
			// The reports list every step of every file, so that CI
			// shows as many tests as an uninterrupted run would.
			if rep == nil {
				reports = append(reports, scenario.NotRun(s, "the scenario could not start: "+err.Error()))
			}
			reason := "the run stopped at " + s.Path
			if ctx.Err() != nil {
				reason = "interrupted before this scenario started"
			}
			for _, later := range scs[i+1:] {
				reports = append(reports, scenario.NotRun(later, reason))
			}
			break
		}
	}
	sum := scenario.Summarize(reports)
	if opts.Output == output.JSON {
		if reports == nil {
			reports = []scenario.Report{}
		}
		if err := output.WriteJSON(opts.IO.Out, runJSON{Scenarios: reports, Summary: sum}); err != nil {
			return err
		}
	} else {
		var rows []runRow
		for _, r := range reports {
			for _, st := range r.Steps {
				rows = append(rows, runRow{scenario: r.Name, step: st})
			}
		}
		if err := output.Print(opts.IO, opts.Output, rows, runColumns); err != nil {
			return err
		}
		for _, r := range reports {
			for _, st := range r.Steps {
				if st.Passed || st.Skipped {
					continue
				}
				for _, m := range st.Messages() {
					output.Fprintf(opts.IO.ErrOut, "✗ %s:%d: %s: step %d (%s): %s\n", r.File, st.Line, r.Name, st.Index, st.Name, m)
				}
			}
		}
		switch {
		case runErr != nil:
			fmt.Fprintf(opts.IO.ErrOut, "✗ stopped after %d of %d steps: %d passed, %d failed, %d skipped\n",
				sum.Passed+sum.Failed, sum.Steps, sum.Passed, sum.Failed, sum.Skipped)
		case sum.Failed > 0:
			fmt.Fprintf(opts.IO.ErrOut, "✗ %d of %s failed in %d of %s%s\n", sum.Failed, output.Count(sum.Steps, "step", "steps"),
				failedScenarios(reports), output.Count(sum.Scenarios, "scenario", "scenarios"), unavailableNote(sum))
		default:
			fmt.Fprintf(opts.IO.ErrOut, "✓ %s passed in %s\n", output.Count(sum.Steps, "step", "steps"), output.Count(sum.Scenarios, "scenario", "scenarios"))
		}
	}
	if opts.JUnit != "" {
		if err := writeJUnit(opts.JUnit, reports); err != nil {
			return err
		}
	}
	if runErr != nil {
		return runErr
	}
	if sum.Failed > 0 {
		// A step the provider failed says nothing about the flow, and
		// the failures after it may follow from it (a purchase that was
		// not made is not counted by a charges step): CI should retry
		// the run (6), not report the flow as broken (7).
		code := 7
		if sum.Unavailable > 0 {
			code = 6
		}
		if opts.Output != output.JSON {
			// The failures and the summary are on stderr already.
			return &cmdutil.ExitError{Code: code}
		}
		if sum.Unavailable > 0 {
			return &cmdutil.ExitError{Code: code, Err: fmt.Errorf("%d of %d steps failed%s",
				sum.Failed, sum.Steps, unavailableNote(sum))}
		}
		return fmt.Errorf("%w: %d of %d steps failed", scenario.ErrExpectation, sum.Failed, sum.Steps)
	}
	return nil
}

// unavailableNote is what the summary adds when steps failed because the
// provider was unavailable.
func unavailableNote(sum scenario.Summary) string {
	if sum.Unavailable == 0 {
		return ""
	}
	return fmt.Sprintf("; %d because the payment provider was unavailable (retry may help)", sum.Unavailable)
}

// loadScenarios loads the files given and checks each one's offers and
// buyers against the config's, before anything runs. Every file that
// cannot run is reported, each on a line of its own as an error is, in the
// order given: a run that named only the first would take a CI round trip
// per file to fix them all. With --junit, the report says the same. The
// exit status is 3 when a file does not load, as it is for one such file
// alone, and 4 when files only clash with the config.
func loadScenarios(ctx context.Context, opts *RunOptions) ([]*scenario.Scenario, error) {
	scs := make([]*scenario.Scenario, len(opts.Files))
	errs := make([]error, len(opts.Files))
	unloadable := false
	// A charges step may name one of the config's offers: they are
	// checked once it loads. One that does not is reported below.
	cfg, cfgErr := opts.Config()
	for i, f := range opts.Files {
		if f == "-" {
			scs[i], errs[i] = scenario.LoadReader(ctx, scenario.StdinPath, opts.IO.In)
			var fe *scenario.FileError
			if errs[i] != nil && !errors.As(errs[i], &fe) {
				return nil, errs[i] // interrupted while standard input waited for its writer
			}
		} else {
			scs[i], errs[i] = scenario.LoadFile(f)
		}
		if errs[i] == nil && cfgErr == nil {
			errs[i] = scenario.CheckOffers(scs[i], cfg.Offers)
		}
		unloadable = unloadable || errs[i] != nil
	}
	if err := checkEngines(opts, scs, errs); err != nil && !unloadable {
		return nil, err
	}
	var bad []error
	for _, err := range errs {
		if err != nil {
			bad = append(bad, err)
		}
	}
	if len(bad) == 0 {
		return scs, nil
	}
	code := 4
	if unloadable {
		code = 3
	}
	if opts.JUnit != "" {
		if err := writeInvalidJUnit(opts, scs, errs); err != nil {
			printError(opts, err, code)
		}
	}
	for _, err := range bad[:len(bad)-1] {
		printError(opts, err, code)
	}
	return nil, &cmdutil.ExitError{Code: code, Err: bad[len(bad)-1]}
}

// writeInvalidJUnit writes the --junit report of a run that invalid files
// stopped before anything ran, so that CI shows their errors rather than
// no test results: a testsuite for each such file, named as its scenario
// would be, with one testcase in error whose message is the error as
// printed; the other files' steps are skipped, as those of a run that
// stopped are. A path that cannot be written is refused as before a run.
func writeInvalidJUnit(opts *RunOptions, scs []*scenario.Scenario, errs []error) error {
	lines := make([]int, len(errs))
	var invalid []string
	for i, err := range errs {
		if err == nil {
			continue
		}
		var fe *scenario.FileError
		if errors.As(err, &fe) {
			lines[i] = fe.Line
		}
		if scs[i] == nil {
			scs[i] = &scenario.Scenario{Path: opts.Files[i], Name: filepath.Base(opts.Files[i])}
			if fe != nil {
				scs[i].Path, scs[i].Name = fe.Path, fe.Name
			}
		}
		invalid = append(invalid, scs[i].Path)
	}
	reason := "nothing ran: invalid scenario file " + invalid[0]
	if len(invalid) > 1 {
		reason = "nothing ran: invalid scenario files " + strings.Join(invalid, ", ")
	}
	scenario.UniqueNames(scs)
	reports := make([]scenario.Report, len(scs))
	for i, s := range scs {
		if errs[i] != nil {
			reports[i] = scenario.InvalidFile(s, lines[i], errs[i].Error())
		} else {
			reports[i] = scenario.NotRun(s, reason)
		}
	}
	if err := checkJUnitPath(opts.JUnit); err != nil {
		return err
	}
	return writeJUnit(opts.JUnit, reports)
}

// checkEngines builds the engine of every loaded scenario (those of scs
// whose errs entry is nil) and sets errs for those that clash with the
// config. A scenario's offers and buyers meet the config's only when its
// engine is built: building each one now stops the run before the first
// payment, as an invalid file does, not after the scenarios before it
// have run. The error is the config's own: it cannot be read, or it is
// wrong without any scenario; errs is left as it was then.
func checkEngines(opts *RunOptions, scs []*scenario.Scenario, errs []error) error {
	if _, err := opts.Config(); err != nil {
		return err
	}
	clashes := make([]error, len(scs))
	clashed := false
	for i, s := range scs {
		if errs[i] != nil {
			continue
		}
		if err := checkEngine(opts, s.Offers, s.Buyers); err != nil {
			clashes[i] = fmt.Errorf("%s: %w", s.Path, err)
			clashed = true
		}
	}
	if !clashed {
		return nil
	}
	// A config that is wrong by itself fails every scenario's check: it
	// is reported once, as the config's fault, not as each file's.
	if err := checkEngine(opts, nil, nil); err != nil {
		return err
	}
	for i, err := range clashes {
		if err != nil {
			errs[i] = err
		}
	}
	return nil
}

// printError writes err to stderr as the command's returned error is
// written: "error: ..." or, with -o json, {"error": ..., "exit_code": code}.
func printError(opts *RunOptions, err error, code int) {
	if opts.Output == output.JSON {
		line, _ := json.Marshal(struct {
			Error    string `json:"error"`
			ExitCode int    `json:"exit_code"`
		}{err.Error(), code})
		fmt.Fprintln(opts.IO.ErrOut, string(line))
		return
	}
	fmt.Fprintf(opts.IO.ErrOut, "error: %s\n", output.EscapeText(err.Error()))
}

func failedScenarios(reports []scenario.Report) int {
	n := 0
	for _, r := range reports {
		if !r.OK() {
			n++
		}
	}
	return n
}

// checkEngine builds an engine with these offers and buyers added to the
// config's, on a throwaway state, and closes it.
func checkEngine(opts *RunOptions, offers []offer.Offer, buyers []buyer.Buyer) error {
	dir, err := tempStateDir()
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	_, closeEng, err := opts.EngineFor(cmdutil.EngineSpec{StateDir: filepath.Join(dir, "state"), Offers: offers, Buyers: buyers,
		Throwaway: true})
	if err != nil {
		return err
	}
	return closeEng()
}

// tempStateDir makes the directory of a scenario's fresh state. One that
// cannot be made is a state directory that cannot be written, exit 4,
// said with where it was to be: "stat /nonexistent" alone named no file
// of the user's.
func tempStateDir() (string, error) {
	dir, err := os.MkdirTemp("", "tweetpay-scenario-")
	if err != nil {
		return "", fmt.Errorf("create a scenario's temporary state directory in %s ($TMPDIR): %w: %w", os.TempDir(), statedb.ErrUnwritable, err)
	}
	return dir, nil
}

func runScenario(ctx context.Context, opts *RunOptions, s *scenario.Scenario, runID string, n int) (_ *scenario.Report, err error) {
	dir, err := tempStateDir()
	if err != nil {
		return nil, err
	}
	defer func() {
		if opts.KeepState {
			fmt.Fprintf(opts.IO.ErrOut, "state of %s kept in %s\n", s.Path, dir)
			return
		}
		if rmErr := os.RemoveAll(dir); rmErr != nil && err == nil {
			err = rmErr
		}
	}()
	// A state deleted at the end need not survive a crash of the machine:
	// its writes are not synced. One kept for later commands is synced.
	spec := cmdutil.EngineSpec{StateDir: filepath.Join(dir, "state"), Offers: s.Offers, Buyers: s.Buyers,
		Throwaway: !opts.KeepState}
	if runID != "" {
		spec.Namespace = fmt.Sprintf("%s-%d:", runID, n)
	}
	eng, closeEng, err := opts.EngineFor(spec)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Path, err)
	}
	rep, runErr := scenario.Run(ctx, eng, s)
	if cerr := closeEng(); cerr != nil && runErr == nil {
		runErr = cerr
	}
	return &rep, runErr
}

// checkJUnitPath refuses, before anything runs, a report path that cannot
// be written: the scenarios would otherwise make their payments first.
func checkJUnitPath(path string) error {
	fi, err := os.Stat(path)
	if err == nil && fi.IsDir() {
		return fmt.Errorf("junit report %s: is a directory", path)
	}
	if junitInPlace(path, fi) {
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return fmt.Errorf("junit report %s: %w", path, err)
		}
		return nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("junit report %s: %w", path, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// scenarioAt returns the one of files that is the file at path, if any:
// a report written there (a slip of the shell, such as --junit s.yaml)
// would replace the scenario.
func scenarioAt(path string, files []string) string {
	if path == "" {
		return ""
	}
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return ""
	}
	for _, f := range files {
		if f == "-" {
			continue // standard input, not a file named -
		}
		if sf, err := os.Stat(f); err == nil && os.SameFile(fi, sf) {
			return f
		}
	}
	return ""
}

// junitInPlace reports whether the --junit path is written where it is
// rather than replaced by a new file: a descriptor (/dev/stdout, or
// --junit >(junit2html) which is /dev/fd/63) or what is not a regular
// file (a named pipe, a terminal, /dev/null), reached through a link or
// not. Replacing one would put a regular file in its place, and the
// report would never reach the reader; in /dev, as root, /dev/stdout
// itself would be replaced. fi is the path's os.Stat, nil when it failed.
func junitInPlace(path string, fi fs.FileInfo) bool {
	if scenario.NamesDescriptor(path) {
		return true
	}
	return fi != nil && !fi.Mode().IsRegular() && !fi.IsDir()
}

// writeJUnit writes the report whole (config.WriteFileAtomic), so that the
// path never holds half a report; a pipe, a device or a descriptor
// (junitInPlace) is written as it is, at its end, after what the run
// printed there.
func writeJUnit(path string, reports []scenario.Report) error {
	var b bytes.Buffer
	if err := scenario.WriteJUnit(&b, reports); err != nil {
		return fmt.Errorf("junit report %s: %w", path, err)
	}
	fi, _ := os.Stat(path)
	if !junitInPlace(path, fi) {
		return config.WriteFileAtomic(path, b.Bytes(), 0o644)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("junit report %s: %w", path, err)
	}
	_, err = f.Write(b.Bytes())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("junit report %s: %w", path, err)
	}
	return nil
}
