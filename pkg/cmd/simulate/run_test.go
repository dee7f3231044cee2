package simulate_test

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tweetpay/tweetpay/pkg/cmd/root"
	"github.com/tweetpay/tweetpay/pkg/cmd/simulate"
	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/scenario/junittest"
)

// moduleRoot walks up from the test's directory to the one holding go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

// run runs tweetpay in a fresh directory with a fresh state.
func run(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	return runCtx(t, context.Background(), dir, args...)
}

func runCtx(t *testing.T, ctx context.Context, dir string, args ...string) (int, string, string) {
	t.Helper()
	t.Chdir(dir)
	t.Setenv("TWEETPAY_STATE_DIR", filepath.Join(dir, ".tweetpay"))
	t.Setenv("TWEETPAY_BACKEND", "emulator")
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, ".config"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(dir, ".state"))
	t.Setenv("NO_COLOR", "1")
	ios, _, out, errOut := iostreams.Test()
	code := root.Run(ctx, ios, args)
	return int(code), out.String(), errOut.String()
}

func TestRunExampleScenarios(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(moduleRoot(t), "testdata", "scenarios", "*.yaml"))
	if err != nil || len(files) < 3 {
		t.Fatalf("example scenarios: %v %v", files, err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			code, out, errOut := run(t, t.TempDir(), "simulate", "run", f, "-o", "json")
			if code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
			}
			var res struct {
				Summary struct{ Steps, Passed, Failed int }
			}
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatal(err)
			}
			if res.Summary.Failed != 0 || res.Summary.Steps < 5 || res.Summary.Passed != res.Summary.Steps {
				t.Errorf("summary %+v", res.Summary)
			}
		})
	}
}

func TestRunFailingScenarioJUnit(t *testing.T) {
	dir := t.TempDir()
	scn := filepath.Join(dir, "fail.yaml")
	if err := os.WriteFile(scn, []byte(`name: failing flow
offers: [{hashtag: BuyMug, name: Mug, price: "3.00"}]
buyers: [{handle: "@alice", card: visa}]
steps:
  - name: alice buys
    tweet: "#BuyMug"
    from: "@alice"
    expect: {outcome: declined}
  - charges: {offer: BuyMug}
    expect: {count: 1, gross: 300}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	junit := filepath.Join(dir, "junit.xml")
	code, out, errOut := run(t, dir, "simulate", "run", scn, "--junit", junit)
	if code != 7 {
		t.Fatalf("exit %d, want 7\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, `fail.yaml:5: failing flow: step 1 (alice buys): outcome: expected declined, got "purchased"`) {
		t.Errorf("stderr %q", errOut)
	}
	doc := readJUnit(t, junit)
	if len(doc.Suites) != 1 || doc.Suites[0].Name != "failing flow" || doc.Suites[0].Failures != 1 || len(doc.Suites[0].Cases) != 2 {
		t.Fatalf("junit %+v", doc)
	}
	c := doc.Suites[0].Cases[0]
	if c.Name != "step 1: alice buys" || c.Failure == nil || c.Failure.Message != `outcome: expected declined, got "purchased"` {
		t.Errorf("testcase %+v", c)
	}
	if doc.Suites[0].Cases[1].Failure != nil {
		t.Errorf("the charges step should pass: %+v", doc.Suites[0].Cases[1])
	}
}

func TestRunInterruptedSaysSo(t *testing.T) {
	dir := t.TempDir()
	scn := filepath.Join(dir, "two.yaml")
	if err := os.WriteFile(scn, []byte("steps:\n  - {tweet: hi, from: \"@alice\"}\n  - {tweet: hi again, from: \"@alice\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code, out, errOut := runCtx(t, ctx, dir, "simulate", "run", scn)
	if code != 130 {
		t.Fatalf("exit %d, want 130\n%s\n%s", code, out, errOut)
	}
	if strings.Contains(errOut, "✓") || !strings.Contains(errOut, "✗ stopped after 0 of 2 steps: 0 passed, 0 failed, 2 skipped\n") {
		t.Errorf("stderr %q", errOut)
	}
	if !strings.Contains(out, "two\t2\t@alice: \"hi again\"\t\tskip\tnot run: interrupted before this step\n") {
		t.Errorf("stdout %q", out)
	}
}

// An interrupted run's reports hold every step of every file given, the
// steps that did not run marked skipped: JUnit has one testcase per step,
// and -o json agrees with it.
func TestRunInterruptedReportsEveryStep(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for _, name := range []string{"one", "two"} {
		f := filepath.Join(dir, name+".yaml")
		if err := os.WriteFile(f, []byte("steps:\n  - {tweet: hi, from: \"@alice\"}\n  - {tweet: hi again, from: \"@alice\"}\n  - expire: \"+1h\"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	junit := filepath.Join(dir, "junit.xml")
	args := append([]string{"simulate", "run", "--junit", junit, "-o", "json"}, files...)
	code, out, errOut := runCtx(t, ctx, dir, args...)
	if code != 130 {
		t.Fatalf("exit %d, want 130\n%s\n%s", code, out, errOut)
	}
	var res struct {
		Scenarios []struct {
			Name    string
			Skipped int
			Steps   []struct {
				Step       int
				Passed     bool
				Skipped    bool
				SkipReason string `json:"skip_reason"`
			}
		}
		Summary struct{ Scenarios, Steps, Passed, Failed, Skipped int }
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if res.Summary.Scenarios != 2 || res.Summary.Steps != 6 || res.Summary.Skipped != 6 || len(res.Scenarios) != 2 {
		t.Fatalf("json %+v", res)
	}
	for _, sc := range res.Scenarios {
		if sc.Skipped != 3 || len(sc.Steps) != 3 || !sc.Steps[2].Skipped || sc.Steps[2].Passed || sc.Steps[2].SkipReason == "" {
			t.Errorf("scenario %+v", sc)
		}
	}
	doc := readJUnit(t, junit)
	if doc.Tests != 6 || len(doc.Suites) != 2 || doc.Suites[1].Name != "two" {
		t.Fatalf("junit %+v", doc)
	}
	for _, s := range doc.Suites {
		if s.Tests != 3 || s.Skipped != 3 || len(s.Cases) != 3 {
			t.Errorf("suite %+v", s)
		}
		for _, c := range s.Cases {
			if c.Skipped == nil || c.Skipped.Message == "" {
				t.Errorf("suite %s: a testcase not marked skipped: %+v", s.Name, c)
			}
		}
	}
}

// The help's examples name scenario files of this repository that exist.
func TestRunExampleFilesExist(t *testing.T) {
	cmd := simulate.NewCmdRun(&cmdutil.Factory{}, nil)
	n := 0
	for _, f := range strings.Fields(cmd.Example) {
		if strings.HasPrefix(f, "testdata/") {
			n++
			if _, err := os.Stat(filepath.Join(moduleRoot(t), f)); err != nil {
				t.Errorf("example: %v", err)
			}
		}
	}
	if n == 0 {
		t.Error("no example names a file under testdata/")
	}
}

// A scenario's offers that clash with the config's are found before the
// first scenario runs, as an invalid file is: nothing is charged, the
// error names the scenario file, and the JUnit report says so.
func TestRunConfigClashStopsBeforeAnythingRuns(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"tweetpay.yaml": "merchant: {handle: \"@shop\", country: US, currency: usd}\noffers:\n  - {hashtag: BuyHat, name: Hat, price: \"5.00\", confirm: {hashtag: ConfirmMug, window: 15m}}\n",
		"first.yaml":    "buyers: [{handle: \"@alice\", card: visa}]\nsteps:\n  - {tweet: \"#BuyHat\", from: \"@alice\", expect: {outcome: awaiting_confirmation}}\n",
		"clash.yaml":    "name: Mug offer\noffers: [{hashtag: ConfirmMug, name: Mug, price: \"3.00\"}]\nsteps:\n  - {tweet: \"#ConfirmMug\", from: \"@alice\"}\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := run(t, dir, "simulate", "run", "first.yaml", "clash.yaml", "--junit", "junit.xml")
	if code != 4 {
		t.Fatalf("exit %d, want 4\n%s\n%s", code, out, errOut)
	}
	if out != "" || !strings.Contains(errOut, `clash.yaml: invalid configuration: `) || !strings.Contains(errOut, `"ConfirmMug" is already used as the hashtag of offer #ConfirmMug`) {
		t.Errorf("stdout %q\nstderr %q", out, errOut)
	}
	doc := readJUnit(t, filepath.Join(dir, "junit.xml"))
	if doc.Tests != 2 || doc.Errors != 1 || doc.Skipped != 1 || len(doc.Suites) != 2 {
		t.Fatalf("junit %+v", doc)
	}
	if s := doc.Suites[0]; s.Name != "first" || s.Skipped != 1 || len(s.Cases) != 1 || s.Cases[0].Skipped == nil ||
		s.Cases[0].Skipped.Message != "nothing ran: invalid scenario file clash.yaml" {
		t.Errorf("the scenario that did not run: %+v", s)
	}
	wantInvalidSuite(t, doc.Suites[1], "Mug offer", "clash.yaml", 0, stderrErrors(errOut)[0])
}

// Every scenario file whose offers or buyers clash with the config is
// reported, not only the first, and beside the files that do not load;
// nothing runs. A config that is wrong by itself is reported once, about
// the config, not as a fault of each scenario file.
func TestRunReportsEveryClash(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"tweetpay.yaml":   "merchant: {handle: \"@shop\", country: US, currency: usd}\noffers:\n  - {hashtag: BuyHat, name: Hat, price: \"5.00\", confirm: {hashtag: ConfirmMug, window: 15m}}\n",
		"broken.yaml":     "merchant: {handle: \"@shop\", country: US, currency: usd}\noffers:\n  - {hashtag: BuyHat, name: Hat, price: \"5.00\", confirm: {hashtag: BuyHat, window: 15m}}\n",
		"ok.yaml":         "buyers: [{handle: \"@alice\", card: visa}]\nsteps:\n  - {tweet: \"#BuyHat\", from: \"@alice\", expect: {outcome: awaiting_confirmation}}\n",
		"offer.yaml":      "offers: [{hashtag: ConfirmMug, name: Mug, price: \"3.00\"}]\nsteps:\n  - {tweet: \"#ConfirmMug\", from: \"@alice\"}\n",
		"merchant.yaml":   "buyers: [{handle: \"@shop\", card: visa}]\nsteps:\n  - {tweet: \"#BuyHat\", from: \"@shop\"}\n",
		"unloadable.yaml": "stepz: []\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	offerErr := `offer.yaml: invalid configuration: ` + filepath.Join(dir, "tweetpay.yaml") + `:3: invalid offer: offer #BuyHat: confirm.hashtag "ConfirmMug" is already used as the hashtag of offer #ConfirmMug: pick another`
	merchantErr := `merchant.yaml: invalid configuration: ` + filepath.Join(dir, "tweetpay.yaml") + `: invalid buyer: buyer @shop is the merchant (merchant.handle)`
	loadErr := `invalid scenario: unloadable.yaml:1: unknown key "stepz" (did you mean "steps"?)`
	lines := func(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") }

	code, out, errOut := run(t, dir, "simulate", "run", "ok.yaml", "offer.yaml", "merchant.yaml")
	if code != 4 || out != "" {
		t.Fatalf("exit %d, want 4\nstdout %q\nstderr %s", code, out, errOut)
	}
	if got := lines(errOut); len(got) != 2 || got[0] != "error: "+offerErr || !strings.HasPrefix(got[1], "error: "+merchantErr) {
		t.Errorf("stderr, want one error for offer.yaml then one for merchant.yaml:\n%s", errOut)
	}
	code, out, errOut = run(t, dir, "simulate", "run", "ok.yaml", "offer.yaml", "merchant.yaml", "-o", "json")
	if code != 4 || out != "" {
		t.Fatalf("-o json: exit %d, want 4\nstdout %q\nstderr %s", code, out, errOut)
	}
	if got := lines(errOut); len(got) != 2 {
		t.Errorf("-o json: want two error lines on stderr:\n%s", errOut)
	}
	for i, l := range lines(errOut) {
		var e struct {
			Error    string
			ExitCode int `json:"exit_code"`
		}
		if err := json.Unmarshal([]byte(l), &e); err != nil || e.ExitCode != 4 || i > 1 || !strings.HasPrefix(e.Error, []string{offerErr, merchantErr}[i]) {
			t.Errorf("-o json: stderr line %d: %q (%v)", i+1, l, err)
		}
	}

	// A file that does not load and one that clashes are both reported;
	// the file that does not load makes the exit status 3, as it did alone.
	code, out, errOut = run(t, dir, "simulate", "run", "offer.yaml", "ok.yaml", "unloadable.yaml", "merchant.yaml", "--junit", "junit.xml")
	if code != 3 || out != "" {
		t.Fatalf("exit %d, want 3\nstdout %q\nstderr %s", code, out, errOut)
	}
	got := lines(errOut)
	if len(got) != 3 || got[0] != "error: "+offerErr || got[1] != "error: "+loadErr || !strings.HasPrefix(got[2], "error: "+merchantErr) {
		t.Fatalf("stderr, want one error for offer.yaml, unloadable.yaml then merchant.yaml:\n%s", errOut)
	}
	doc := readJUnit(t, filepath.Join(dir, "junit.xml"))
	if doc.Tests != 4 || doc.Errors != 3 || doc.Skipped != 1 || len(doc.Suites) != 4 {
		t.Fatalf("junit %+v", doc)
	}
	wantInvalidSuite(t, doc.Suites[0], "offer", "offer.yaml", 0, offerErr)
	if s := doc.Suites[1]; s.Name != "ok" || s.Skipped != 1 {
		t.Errorf("the scenario that did not run: %+v", s)
	}
	wantInvalidSuite(t, doc.Suites[2], "unloadable", "unloadable.yaml", 1, loadErr)
	wantInvalidSuite(t, doc.Suites[3], "merchant", "merchant.yaml", 0, strings.TrimPrefix(got[2], "error: "))

	// The config's own offers are wrong: one error, naming the config only.
	code, out, errOut = run(t, dir, "--config", "broken.yaml", "simulate", "run", "ok.yaml", "offer.yaml")
	if code != 4 || out != "" {
		t.Fatalf("broken config: exit %d, want 4\nstdout %q\nstderr %s", code, out, errOut)
	}
	if got := lines(errOut); len(got) != 1 || !strings.HasPrefix(got[0], "error: "+filepath.Join(dir, "broken.yaml")+":3: invalid offer: ") {
		t.Errorf("broken config: stderr %q", errOut)
	}
}

// Every file that does not load is reported, on stderr and, with --junit,
// in the report (written whole, as for a run): CI shows the errors, not
// "no test results". Nothing runs, and -o json prints nothing on stdout,
// as for any error.
func TestRunReportsEveryInvalidFile(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"ok.yaml":   "steps:\n  - {tweet: hi, from: \"@alice\"}\n",
		"bad1.yaml": "steps:\n  - {tweet: hi, from: \"@alice\", at: 16m}\n",
		"bad2.yaml": "name: second <&> file\nstepz: []\n",
	}
	for name, doc := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, format := range []string{"table", "json"} {
		t.Run(format, func(t *testing.T) {
			junit := filepath.Join(dir, format+".xml")
			code, out, errOut := run(t, dir, "simulate", "run", "bad1.yaml", "ok.yaml", "bad2.yaml", "--junit", junit, "-o", format)
			if code != 3 {
				t.Fatalf("exit %d, want 3\n%s", code, errOut)
			}
			if out != "" {
				t.Errorf("something ran: %s", out)
			}
			msgs := stderrErrors(errOut)
			if len(msgs) != 2 || !strings.HasPrefix(msgs[0], "invalid scenario: bad1.yaml:2: ") || !strings.HasPrefix(msgs[1], "invalid scenario: bad2.yaml:2: ") {
				t.Fatalf("stderr does not report each invalid file once:\n%s", errOut)
			}
			doc := readJUnit(t, junit)
			if doc.Tests != 3 || doc.Errors != 2 || doc.Failures != 0 || doc.Skipped != 1 || len(doc.Suites) != 3 {
				t.Fatalf("junit %+v", doc)
			}
			wantInvalidSuite(t, doc.Suites[0], "bad1", "bad1.yaml", 2, msgs[0])
			if s := doc.Suites[1]; s.Name != "ok" || s.Tests != 1 || s.Skipped != 1 || s.Cases[0].Skipped == nil ||
				s.Cases[0].Skipped.Message != "nothing ran: invalid scenario files bad1.yaml, bad2.yaml" {
				t.Errorf("the scenario that did not run: %+v", s)
			}
			wantInvalidSuite(t, doc.Suites[2], "second <&> file", "bad2.yaml", 2, msgs[1])
		})
	}
}

// stderrErrors returns the errors of stderr's lines, "error: MSG" or
// {"error": MSG, ...}, in order.
func stderrErrors(errOut string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSuffix(errOut, "\n"), "\n") {
		var e struct{ Error string }
		if json.Unmarshal([]byte(l), &e) == nil {
			out = append(out, e.Error)
		} else if m, ok := strings.CutPrefix(l, "error: "); ok {
			out = append(out, m)
		}
	}
	return out
}

// readJUnit parses the report at path, refusing a document that is not
// well-formed XML.
func readJUnit(t *testing.T, path string) junittest.Doc {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no junit report: %v", err)
	}
	doc, err := junittest.Parse(data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	return doc
}

// wantInvalidSuite checks the testsuite of a file that could not run: one
// testcase, in error, whose message is msg, the error printed on stderr.
func wantInvalidSuite(t *testing.T, s junittest.Suite, name, file string, line int, msg string) {
	t.Helper()
	if s.Name != name || s.File != file || s.Tests != 1 || s.Errors != 1 || s.Failures != 0 || s.Skipped != 0 || len(s.Cases) != 1 {
		t.Errorf("testsuite %+v, want %q for %s with one testcase in error", s, name, file)
		return
	}
	c := s.Cases[0]
	if c.Classname != name || c.File != file || c.Line != line || c.Error == nil || c.Failure != nil || c.Skipped != nil {
		t.Errorf("testsuite %q: testcase %+v, want an error at %s:%d", name, c, file, line)
		return
	}
	if c.Error.Message != msg || strings.TrimSpace(c.Error.Text) != msg {
		t.Errorf("testsuite %q: error message\n%q\nwant the error printed on stderr\n%q", name, c.Error.Message, msg)
	}
}

func TestRunTableCountsCharges(t *testing.T) {
	dir := t.TempDir()
	doc := "name: mug\noffers:\n  - {hashtag: BuyMug, name: Mug, price: \"3.00\"}\nbuyers:\n  - {handle: \"@alice\", card: visa}\n" +
		"steps:\n  - {tweet: \"#BuyMug\", from: \"@alice\"}\n  - charges: {offer: BuyMug}\n    expect: {count: 1}\n"
	if err := os.WriteFile(filepath.Join(dir, "mug.yaml"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, dir, "simulate", "run", "mug.yaml")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if !strings.Contains(out, "\t1 charge, gross 300\t") {
		t.Errorf("want \"1 charge, gross 300\" in the table:\n%s", out)
	}
}

// simulate run - stops when interrupted while standard input waits for its
// writer, rather than when the writer closes it.
func TestRunStdinInterrupted(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("TWEETPAY_STATE_DIR", filepath.Join(dir, ".tweetpay"))
	t.Setenv("TWEETPAY_BACKEND", "emulator")
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, ".config"))
	t.Setenv("NO_COLOR", "1")
	pr, pw := io.Pipe()
	defer pw.Close()
	ios, _, out, errOut := iostreams.Test()
	ios.In = pr
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	done := make(chan int, 1)
	go func() { done <- int(root.Run(ctx, ios, []string{"simulate", "run", "-"})) }()
	select {
	case code := <-done:
		if code != 130 {
			t.Errorf("exit %d, want 130\n%s\n%s", code, out, errOut)
		}
		if !strings.Contains(errOut.String(), "reading the scenario from standard input") {
			t.Errorf("stderr %q", errOut)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still waiting for standard input 10s after the interrupt")
	}
}
