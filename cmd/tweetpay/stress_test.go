//go:build unix

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// These tests start real tweetpay processes (the test binary, installed on
// PATH by testscript.Main) on one state directory, to prove the guarantees
// listed in docs/reliability.md: no double charge, no lost write, a state
// that always opens.

const stressConfig = `merchant:
  handle: "@bluemugco"
offers:
  - hashtag: BuyBlueMug
    name: Blue Mug
    price: "12.50"
  - hashtag: BuyTen
    name: Ten Mugs
    price: "3.00"
    stock: 10
buyers:
%s`

type env struct {
	t   *testing.T
	dir string
}

func newEnv(t *testing.T, buyers int) *env {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	for i := range buyers {
		fmt.Fprintf(&b, "  - handle: \"@b%03d\"\n    card: visa\n", i)
	}
	if err := os.WriteFile(filepath.Join(dir, "tweetpay.yaml"), []byte(fmt.Sprintf(stressConfig, b.String())), 0o600); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, dir: dir}
}

func (e *env) cmd(args ...string) *exec.Cmd {
	cmd := exec.Command("tweetpay", args...)
	cmd.Dir = e.dir
	cmd.Env = append(os.Environ(),
		"TWEETPAY_STATE_DIR="+filepath.Join(e.dir, ".tweetpay"),
		"TWEETPAY_BACKEND=emulator", "TWEETPAY_CONFIG=", "TWEETPAY_API_KEY=", "TWEETPAY_API_BASE=",
		"TWEETPAY_LOCK_TIMEOUT=5m", "NO_COLOR=1")
	return cmd
}

func (e *env) run(args ...string) string {
	e.t.Helper()
	var out, errb bytes.Buffer
	cmd := e.cmd(args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		e.t.Fatalf("tweetpay %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.String()
}

// status returns the emulator's object counts and the simulation's.
func (e *env) status() (charges, tweets int) {
	e.t.Helper()
	var st struct {
		Objects map[string]int `json:"objects"`
		Tweets  int            `json:"tweets"`
	}
	if err := json.Unmarshal([]byte(e.run("emulator", "status", "-o", "json")), &st); err != nil {
		e.t.Fatal(err)
	}
	return st.Objects["charges"], st.Tweets
}

// writeStream writes n purchase tweets of distinct IDs (prefix-i) from the
// buyers in turn.
func (e *env) writeStream(name, prefix string, n, buyers int, tag string) string {
	e.t.Helper()
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"id":"%s-%d","from":"@b%03d","text":"#%s","created_at":"2026-11-24T10:00:00Z"}`+"\n", prefix, i, i%buyers, tag)
	}
	p := filepath.Join(e.dir, name)
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		e.t.Fatal(err)
	}
	return p
}

func TestReplay(t *testing.T) {
	e := newEnv(t, 1)
	// The same tweet 100 times in one stream, then 5 more times as separate
	// processes: one charge.
	var b strings.Builder
	for range 100 {
		b.WriteString(`{"id":"same","from":"@b000","text":"#BuyBlueMug","created_at":"2026-11-24T10:00:00Z"}` + "\n")
	}
	if err := os.WriteFile(filepath.Join(e.dir, "same.jsonl"), []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	out := e.run("simulate", "stream", "--concurrency", "16", "-o", "json", "same.jsonl")
	if n := strings.Count(out, `"duplicate":true`); n != 99 {
		t.Errorf("%d duplicates in the stream, want 99", n)
	}
	for range 5 {
		e.run("simulate", "tweet", "--from", "@b000", "--id", "same", "--at", "2026-11-24T10:00:00Z", "#BuyBlueMug")
	}
	if c, tw := e.status(); c != 1 || tw != 1 {
		t.Fatalf("%d charges and %d tweets, want 1 and 1", c, tw)
	}

	// A whole stream run twice: one charge per purchase tweet.
	e.writeStream("s.jsonl", "s", 60, 1, "BuyBlueMug")
	e.run("simulate", "stream", "s.jsonl")
	e.run("simulate", "stream", "s.jsonl")
	if c, _ := e.status(); c != 61 {
		t.Fatalf("%d charges after two runs of 60 tweets, want 61", c)
	}
}

func TestProcessesShareOneState(t *testing.T) {
	const procs, per = 8, 50
	e := newEnv(t, 50)
	var wg sync.WaitGroup
	errs := make([]error, procs)
	for p := range procs {
		f := e.writeStream(fmt.Sprintf("p%d.jsonl", p), fmt.Sprintf("p%d", p), per, 50, "BuyBlueMug")
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := e.cmd("simulate", "stream", "--concurrency", "8", f)
			if out, err := cmd.CombinedOutput(); err != nil {
				errs[p] = fmt.Errorf("process %d: %v\n%s", p, err, out)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if c, tw := e.status(); c != procs*per || tw != procs*per {
		t.Fatalf("%d charges and %d tweets, want %d of each", c, tw, procs*per)
	}
}

func TestLastUnitsAcrossProcesses(t *testing.T) {
	const buyers = 50
	e := newEnv(t, buyers)
	// 50 buyers, 10 units: five processes of ten concurrent buyers each.
	var wg sync.WaitGroup
	outs := make([]string, 5)
	for p := range 5 {
		var b strings.Builder
		for i := range 10 {
			fmt.Fprintf(&b, `{"id":"ten-%d-%d","from":"@b%03d","text":"#BuyTen","created_at":"2026-11-24T10:00:00Z"}`+"\n", p, i, p*10+i)
		}
		name := fmt.Sprintf("ten%d.jsonl", p)
		if err := os.WriteFile(filepath.Join(e.dir, name), []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := e.cmd("simulate", "stream", "--concurrency", "10", "-o", "json", name).Output()
			if err != nil {
				t.Errorf("process %d: %v", p, err)
			}
			outs[p] = string(out)
		}()
	}
	wg.Wait()
	all := strings.Join(outs, "")
	if n := strings.Count(all, `"outcome":"purchased"`); n != 10 {
		t.Errorf("%d purchased, want 10", n)
	}
	if n := strings.Count(all, `"reason":"sold_out"`); n != 40 {
		t.Errorf("%d sold out, want 40", n)
	}
	if c, _ := e.status(); c != 10 {
		t.Fatalf("%d charges, want 10", c)
	}
}

func TestKilledStreamsRecover(t *testing.T) {
	const n = 1500
	e := newEnv(t, 30)
	f := e.writeStream("crash.jsonl", "c", n, 30, "BuyBlueMug")
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 5 {
		cmd := e.cmd("simulate", "stream", "--concurrency", "8", f)
		var errb bytes.Buffer
		cmd.Stderr = &errb
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(20+rng.IntN(400)) * time.Millisecond)
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		// The state opens after every kill.
		c, tw := e.status()
		t.Logf("kill %d: %d charges, %d tweets recorded", i+1, c, tw)
		if c < tw {
			t.Fatalf("kill %d: %d tweets recorded but only %d charges", i+1, tw, c)
		}
	}
	e.run("simulate", "stream", f)
	if c, tw := e.status(); c != n || tw != n {
		t.Fatalf("after the re-run: %d charges and %d tweets, want %d of each", c, tw, n)
	}
}

// startServe runs `emulator serve` with faults and returns its URL.
func (e *env) startServe(stateDir string, faults string) (string, func()) {
	e.t.Helper()
	args := []string{"--state-dir", stateDir, "emulator", "serve", "--addr", "127.0.0.1:0", "--seed", "3"}
	if faults != "" {
		args = append(args, "--faults", faults)
	}
	cmd := e.cmd(args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		e.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		e.t.Fatalf("emulator serve: %v", err)
	}
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGINT)
		_ = cmd.Wait()
	}
	e.t.Cleanup(stop)
	return strings.TrimSpace(line), stop
}

func TestStreamUnderInjectedFaults(t *testing.T) {
	const n = 120
	e := newEnv(t, 10)
	f := e.writeStream("faults.jsonl", "f", n, 10, "BuyBlueMug")
	served := filepath.Join(e.dir, "served")
	url, stop := e.startServe(served, "429=0.1,503=0.05,reset=0.05")
	client := func(args ...string) *exec.Cmd {
		cmd := e.cmd(append([]string{"--backend", "stripe", "--api-base", url}, args...)...)
		cmd.Env = append(cmd.Env, "TWEETPAY_API_KEY=sk_test_stress")
		return cmd
	}
	out, err := client("simulate", "stream", "--concurrency", "8", f).CombinedOutput()
	if err != nil {
		t.Fatalf("stream under faults: %v\n%s", err, out)
	}
	// The summary tells how many requests the faults made it send again.
	if !regexp.MustCompile(`; [1-9][0-9]* requests? sent again\n`).Match(out) {
		t.Errorf("the summary does not count the requests sent again:\n%s", out)
	}
	stop()
	e2 := &env{t: t, dir: e.dir}
	cmd := e2.cmd("--state-dir", served, "emulator", "status", "-o", "json")
	out, err = cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Objects map[string]int `json:"objects"`
	}
	if err := json.Unmarshal(out, &st); err != nil {
		t.Fatal(err)
	}
	if st.Objects["charges"] != n || st.Objects["payment_intents"] != n {
		t.Fatalf("served emulator holds %v, want %d charges and payment intents", st.Objects, n)
	}
}

func TestStreamGivesUpThenResumes(t *testing.T) {
	const n = 20
	e := newEnv(t, 5)
	f := e.writeStream("down.jsonl", "d", n, 5, "BuyBlueMug")
	served := filepath.Join(e.dir, "served")
	url, stop := e.startServe(served, "503=1")
	cmd := e.cmd("--backend", "stripe", "--api-base", url, "simulate", "stream", "--retries", "1", f)
	cmd.Env = append(cmd.Env, "TWEETPAY_API_KEY=sk_test_stress")
	out, err := cmd.CombinedOutput()
	if exitCode(err) != 6 {
		t.Fatalf("stream against a provider that never answers: %v, want exit 6\n%s", err, out)
	}
	if !strings.Contains(string(out), "re-run to continue") {
		t.Errorf("no word on how far it got:\n%s", out)
	}
	stop()
	url, _ = e.startServe(served, "")
	cmd = e.cmd("--backend", "stripe", "--api-base", url, "simulate", "stream", f)
	cmd.Env = append(cmd.Env, "TWEETPAY_API_KEY=sk_test_stress")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("re-run: %v\n%s", err, out)
	}
}

// exitCode is a finished process's exit status: 0 without an error, -1 when
// it did not exit (it could not start, or a signal killed it).
func exitCode(err error) int {
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	return -1
}

// TestFullStateDir: a state that cannot grow (a file-size limit stands in
// for a full disk) fails with exit 4 and a clear message, and leaves a
// state that opens once there is room again.
func TestFullStateDir(t *testing.T) {
	e := newEnv(t, 1)
	e.run("simulate", "tweet", "--from", "@b000", "--id", "first", "--at", "2026-11-24T10:00:00Z", "#BuyBlueMug")
	var b strings.Builder
	for i := range 400 {
		fmt.Fprintf(&b, `{"id":"full-%d","from":"@b000","text":"#BuyBlueMug","created_at":"2026-11-24T10:00:00Z"}`+"\n", i)
	}
	if err := os.WriteFile(filepath.Join(e.dir, "many.jsonl"), []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := e.cmd()
	cmd.Path, cmd.Args = "/bin/sh", []string{"sh", "-c", "ulimit -f 600; exec tweetpay simulate stream --retries 0 many.jsonl"}
	out, err := cmd.CombinedOutput()
	if exitCode(err) != 4 {
		t.Fatalf("stream into a full state: %v, want exit 4\n%s", err, out)
	}
	if !strings.Contains(string(out), "the state directory is full") {
		t.Errorf("no clear message:\n%s", out)
	}
	// With room again, the state opens and a re-run completes every tweet once.
	e.run("simulate", "stream", "many.jsonl")
	if c, tw := e.status(); c != 401 || tw != 401 {
		t.Fatalf("%d charges and %d tweets, want 401 of each", c, tw)
	}
}
