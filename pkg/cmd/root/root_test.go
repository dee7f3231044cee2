package root

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tweetpay/tweetpay/pkg/iostreams"
)

// leavesWithoutResult are the runnable commands that print no result of
// their own, so -o there is the root's: help, and the completion scripts.
var leavesWithoutResult = map[string]bool{
	"tweetpay help":                  true,
	"tweetpay completion bash":       true,
	"tweetpay completion zsh":        true,
	"tweetpay completion fish":       true,
	"tweetpay completion powershell": true,
}

// commandTree returns the root command, with the completion command added,
// and every command of the tree, the root included, children before their
// parents. It fails the test if the tree looks
// incomplete.
func commandTree(t *testing.T) (*cobra.Command, []*cobra.Command) {
	t.Helper()
	ios, _, _, _ := iostreams.Test()
	root := NewCmdRoot(newFactory(ios))
	initCompletionCmd(root)
	var cmds []*cobra.Command
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			walk(sub)
		}
		cmds = append(cmds, c)
	}
	walk(root)
	if len(cmds) < 40 {
		t.Fatalf("walked %d commands; the tree looks incomplete", len(cmds))
	}
	return root, cmds
}

func TestEveryCommandAcceptsOutput(t *testing.T) {
	cmd, cmds := commandTree(t)
	for _, c := range cmds {
		if c.Hidden {
			continue
		}
		path := c.CommandPath()
		if err := c.ParseFlags([]string{"-o", "json"}); err != nil {
			t.Errorf("%s -o json: %v", path, err)
		}
		if c.Flags().Lookup("output").Value.String() != "json" {
			t.Errorf("%s -o json: not set", path)
		}
		// A verb with a result declares its own -o, so that it prints the
		// result as JSON rather than only its errors.
		own := c.LocalNonPersistentFlags().Lookup("output") != nil
		if c.Runnable() && !c.HasSubCommands() && c.Parent() != cmd && !leavesWithoutResult[path] && !own {
			t.Errorf("%s has no -o of its own", path)
		}
	}
}

// TestShortFlags holds every command to the short flags of the house style:
// -o, -L and -y, besides -h for --help and the root's -v for --version, which
// every cobra CLI has. A short flag is a name taken from every verb below it,
// so each new one is a decision, not a habit.
func TestShortFlags(t *testing.T) {
	cmd, cmds := commandTree(t)
	allowed := map[string]string{"o": "output", "L": "limit", "y": "yes", "h": "help"}
	n := 0
	for _, c := range cmds {
		c.InitDefaultHelpFlag()
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			n++
			if f.Shorthand == "" {
				return
			}
			if c == cmd && f.Shorthand == "v" && f.Name == "version" {
				return
			}
			if allowed[f.Shorthand] != f.Name {
				t.Errorf("%s: -%s, --%s: short flags are only -o, -L and -y", c.CommandPath(), f.Shorthand, f.Name)
			}
		})
	}
	if n < 100 {
		t.Errorf("checked %d flags; the tree looks incomplete", n)
	}
}

func TestOutputArg(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"offer", "list"}, ""},
		{[]string{"offer", "list", "-o", "json"}, "json"},
		{[]string{"-ojson", "offer"}, "json"},
		{[]string{"-o=json"}, "json"},
		{[]string{"--output", "json"}, "json"},
		{[]string{"--output=json"}, "json"},
		{[]string{"-o", "json", "--output", "table"}, "table"},
		{[]string{"tweet", "parse", "--", "-o", "json"}, ""},
		{[]string{"-o"}, ""},
		{[]string{"--outputs", "json"}, ""},
	} {
		if got := outputArg(tc.args); got != tc.want {
			t.Errorf("outputArg(%q) = %q, want %q", tc.args, got, tc.want)
		}
	}
}

func TestRunJSONErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code ExitCode
		msg  string
	}{
		{[]string{"offer", "create", "--bogus", "-o", "json"}, ExitUsage, "unknown flag: --bogus"},
		{[]string{"frobnicate", "-o", "json"}, ExitUsage, `unknown command "frobnicate" for "tweetpay"`},
		{[]string{"emulator", "reset", "-o", "json"}, ExitUsage, "emulator reset needs --yes when not run interactively"},
		{[]string{"completion", "bogus", "-o", "json"}, ExitUsage, `unknown command "bogus" for "tweetpay completion"`},
	} {
		ios, _, stdout, stderr := iostreams.Test()
		code := Run(context.Background(), ios, tc.args)
		var got struct {
			Error    string `json:"error"`
			ExitCode int    `json:"exit_code"`
		}
		if err := json.Unmarshal(stderr.Bytes(), &got); err != nil || strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("%q: stderr %q is not one JSON line: %v", tc.args, stderr, err)
			continue
		}
		if code != tc.code || got.ExitCode != int(tc.code) || got.Error != tc.msg || stdout.Len() != 0 {
			t.Errorf("%q: exit %d, %+v, stdout %q; want %d, %q", tc.args, code, got, stdout, tc.code, tc.msg)
		}
	}
}

func TestVersion(t *testing.T) {
	ios, _, stdout, stderr := iostreams.Test()
	if code := Run(context.Background(), ios, []string{"--version", "-o", "json"}); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var v map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &v); err != nil {
		t.Fatalf("%q: %v", stdout, err)
	}
	for _, k := range []string{"version", "commit", "date"} {
		if _, ok := v[k]; !ok {
			t.Errorf("--version -o json lacks %q: %s", k, stdout)
		}
	}
	ios, _, stdout, _ = iostreams.Test()
	if code := Run(context.Background(), ios, []string{"-v"}); code != ExitOK || !strings.HasPrefix(stdout.String(), "tweetpay ") || strings.Count(stdout.String(), "\n") != 1 {
		t.Errorf("-v: exit %d, %q", code, stdout)
	}
}

func TestExitCodesText(t *testing.T) {
	// The text is built from the table that -o json prints; it reads as it
	// did when it was written by hand.
	const want = `tweetpay exits with one of these codes; scripts may rely on them.

  0    ok, including "nothing found"
  1    unexpected failure (a bug, an I/O error)
  2    usage: a bad flag, argument or subcommand
  3    input rejected: a bad tweet, a bad offer, an unknown ID
  4    configuration or credentials: a bad tweetpay.yaml, a refused key,
       a live key without --live, a config file or state directory that
       cannot be written (permissions, a read-only file, a full disk)
  5    payment declined
  6    provider unavailable: rate limited, a server error, the network (a
       request over --timeout), the state directory locked by another
       process, or the config file being edited by another process past
       lock_timeout; also simulate run when a step failed for one of these
       reasons; a retry may help
  7    an expectation was not met (simulate tweet --expect, a scenario step)
  130  interrupted (SIGINT, SIGTERM); a second signal stops at once

With -o json, a failure is reported as one JSON line on stderr:
  {"error": "...", "exit_code": N}
`
	if exitCodesHelp != want {
		t.Errorf("exit codes text:\n%s\nwant:\n%s", exitCodesHelp, want)
	}
}

func TestCompletionUnknownShell(t *testing.T) {
	ios, _, stdout, stderr := iostreams.Test()
	if code := Run(context.Background(), ios, []string{"completion", "bogus"}); code != ExitUsage {
		t.Errorf("completion bogus: exit %d, want %d", code, ExitUsage)
	}
	if stdout.Len() != 0 || !strings.HasPrefix(stderr.String(), `error: unknown command "bogus" for "tweetpay completion"`) {
		t.Errorf("stdout %q, stderr %q", stdout, stderr)
	}
	// The scripts still go to the command's stdout.
	ios, _, stdout, _ = iostreams.Test()
	if code := Run(context.Background(), ios, []string{"completion", "bash"}); code != ExitOK || !strings.Contains(stdout.String(), "bash completion V2 for tweetpay") {
		t.Errorf("completion bash: exit %d, %d bytes", code, stdout.Len())
	}
}

// TestDemoStandalone runs the whole demo where the user's configuration is
// broken and its environment points elsewhere: the demo's standalone engine
// reads none of it, every step has its expected outcome (exit 0), the
// expired purchase's charge is released, not refunded, and the temporary
// state is removed.
func TestDemoStandalone(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("tweetpay.yaml", []byte("merchant: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", tmp)
	t.Setenv("TWEETPAY_MERCHANT_COUNTRY", "CA")
	t.Setenv("TWEETPAY_BACKEND", "stripe")
	t.Setenv("TWEETPAY_API_BASE", "http://127.0.0.1:1")
	t.Setenv("TWEETPAY_STATE_DIR", filepath.Join(dir, "state"))
	ios, _, stdout, stderr := iostreams.Test()
	if code := Run(context.Background(), ios, []string{"demo", "-o", "json"}); code != ExitOK {
		t.Fatalf("demo: exit %d\n%s", code, stderr)
	}
	var got struct {
		Results []struct {
			Outcome string `json:"outcome"`
		} `json:"results"`
		Charges []struct {
			Buyer    string `json:"buyer"`
			Status   string `json:"status"`
			Refunded int64  `json:"amount_refunded"`
			Released bool   `json:"released"`
		} `json:"charges"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("%v:\n%s", err, stdout)
	}
	if len(got.Results) == 0 || len(got.Charges) == 0 {
		t.Fatalf("no results or charges:\n%s", stdout)
	}
	released := 0
	for _, c := range got.Charges {
		if c.Released {
			released++
			if c.Buyer != "@dave" || c.Status != "succeeded" || c.Refunded != 14999 {
				t.Errorf("released charge: %+v", c)
			}
		}
	}
	if released != 1 {
		t.Errorf("%d released charges, want 1: %+v", released, got.Charges)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("left behind in TMPDIR: %v", left)
	}
	for _, p := range []string{"state", ".tweetpay"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
			t.Errorf("%s was created", p)
		}
	}
	if b, _ := os.ReadFile("tweetpay.yaml"); string(b) != "merchant: [\n" {
		t.Errorf("tweetpay.yaml changed: %q", b)
	}
}

// TestHelpText holds every command's help to the house style: a Short in
// sentence case without a period and a Long for every command, noun or verb;
// for our own nouns and verbs, a Long that gives the exit status; for each
// verb, examples whose lines start with "  tweetpay ".
func TestHelpText(t *testing.T) {
	cmd, cmds := commandTree(t)
	for _, c := range cmds {
		if c.Hidden {
			continue
		}
		path := c.CommandPath()
		if strings.TrimSpace(c.Long) == "" {
			t.Errorf("%s: no Long", path)
		}
		if strings.HasPrefix(path, "tweetpay completion") || path == "tweetpay help" {
			continue
		}
		if c.Short == "" || strings.ToUpper(c.Short[:1]) != c.Short[:1] || strings.HasSuffix(c.Short, ".") {
			t.Errorf("%s: Short %q is not a sentence-case line without a period", path, c.Short)
		}
		if c == cmd || path == "tweetpay exit-codes" {
			continue
		}
		if !strings.Contains(c.Long, "Exit status") {
			t.Errorf("%s: Long does not give the exit status", path)
		}
		if c.HasSubCommands() || !c.Runnable() {
			continue
		}
		if c.Example == "" {
			t.Errorf("%s: no Example", path)
			continue
		}
		for _, line := range strings.Split(c.Example, "\n") {
			if !strings.HasPrefix(line, "  tweetpay ") {
				t.Errorf("%s: example line %q does not start with \"  tweetpay \"", path, line)
			}
		}
	}
}

// TestInterruptWhileRequestHangs: a command interrupted (Ctrl-C) while its
// request to a provider that never answers is waiting stops at once with
// exit 130, not 6: a cancelled request is not a timed-out one.
func TestInterruptWhileRequestHangs(t *testing.T) {
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}))
	t.Cleanup(func() {
		close(done)
		srv.Close()
	})
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("TWEETPAY_STATE_DIR", filepath.Join(dir, "state"))
	t.Setenv("TWEETPAY_BACKEND", "stripe")
	t.Setenv("TWEETPAY_API_BASE", srv.URL)
	t.Setenv("TWEETPAY_API_KEY", "sk_test_interrupted0000000000")
	for _, args := range [][]string{
		{"charges", "show", "ch_1"},
		{"charges", "list"},
	} {
		ios, _, stdout, stderr := iostreams.Test()
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		start := time.Now()
		code := Run(ctx, ios, append(args, "--timeout", "30s", "-o", "json"))
		elapsed := time.Since(start)
		cancel()
		var got struct {
			Error    string `json:"error"`
			ExitCode int    `json:"exit_code"`
		}
		if err := json.Unmarshal(stderr.Bytes(), &got); err != nil {
			t.Errorf("%q: stderr %q is not one JSON line: %v", args, stderr, err)
		}
		if code != ExitInterrupted || got.ExitCode != int(ExitInterrupted) || strings.Contains(got.Error, "timed out") {
			t.Errorf("%q: exit %d, %+v, stdout %q; want %d", args, code, got, stdout, ExitInterrupted)
		}
		if elapsed > 5*time.Second {
			t.Errorf("%q: took %v to stop", args, elapsed)
		}
	}
}
