package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/tweetpay/tweetpay/pkg/cmd/root"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/yamldoc"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"tweetpay": guardedMain})
}

// guardedMain is main with a guard on its output: every script runs with
// TWEETPAY_TEST_KEY in its environment, and a command that prints that key
// in full, on stdout or stderr, fails with exit status 99 whatever it did.
func guardedMain() {
	ios := iostreams.System()
	leak := &leakGuard{key: []byte(testKey)}
	ios.Out = &guardWriter{w: ios.Out, g: leak}
	ios.ErrOut = &guardWriter{w: ios.ErrOut, g: leak}
	code := int(root.RunProcess(ios, os.Args[1:]))
	if leak.leaked {
		fmt.Fprintln(os.Stderr, "TEST FAILURE: the API key was printed in full")
		code = 99
	}
	os.Exit(code)
}

type leakGuard struct {
	key    []byte
	tail   []byte
	leaked bool
}

type guardWriter struct {
	w io.Writer
	g *leakGuard
}

func (gw *guardWriter) Write(p []byte) (int, error) {
	// Keep a tail across writes so a key split between two writes is found.
	buf := append(gw.g.tail, p...)
	if bytes.Contains(buf, gw.g.key) {
		gw.g.leaked = true
	}
	if n := len(gw.g.key); len(buf) > n {
		buf = buf[len(buf)-n:]
	}
	gw.g.tail = append(gw.g.tail[:0], buf...)
	return gw.w.Write(p)
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("..", "..", "testdata", "script"),
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       os.Getenv("UPDATE_GOLDEN") != "",
		Setup: func(env *testscript.Env) error {
			env.Setenv("TWEETPAY_STATE_DIR", filepath.Join(env.WorkDir, ".tweetpay"))
			env.Setenv("TWEETPAY_BACKEND", "emulator")
			env.Setenv("NO_COLOR", "1")
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(env.WorkDir, ".config"))
			env.Setenv("XDG_STATE_HOME", filepath.Join(env.WorkDir, ".state"))
			env.Setenv("TWEETPAY_TEST_KEY", testKey)
			return nil
		},
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"exitcode":  cmdExitCode,
			"emuserve":  cmdEmuServe,
			"stripeapi": cmdStripeAPI,
			"envjson":   cmdEnvJSON,
			"editlock":  cmdEditLock,
		},
	})
}

// testKey is a test-mode key used by scripts; no command may print it in full.
const testKey = "sk_test_51TweetpayScriptKey0000000000000000secret9f3a"

// cmdExitCode runs a command and checks its exact exit status, which `! exec`
// cannot do: `exitcode 4 tweetpay config validate`.
func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! exitcode")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exitcode N command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: bad status %q", args[0])
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exitcode: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
}

// cmdEmuServe starts `tweetpay emulator serve --addr 127.0.0.1:0 [args]` in
// the background, waits for the URL it prints when listening and stores it
// in the environment variable VAR: `emuserve URL --faults 429=0.1`. The
// server is stopped with SIGINT when the script ends, and must exit 0.
func cmdEmuServe(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: emuserve VAR [serve flags...] (sets VAR to the URL, VAR_ADDR to host:port)")
	}
	bin, err := exec.LookPath("tweetpay")
	if err != nil {
		// testscript puts the command on the script's PATH, not the test's.
		for _, dir := range filepath.SplitList(ts.Getenv("PATH")) {
			if p := filepath.Join(dir, "tweetpay"); fileExists(p) {
				bin = p
				break
			}
		}
	}
	cmd := exec.Command(bin, append([]string{"emulator", "serve", "--addr", "127.0.0.1:0"}, args[1:]...)...)
	cmd.Dir = ts.Getenv("WORK")
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "TWEETPAY_STATE_DIR", "TWEETPAY_CONFIG", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "NO_COLOR"} {
		cmd.Env = append(cmd.Env, k+"="+ts.Getenv(k))
	}
	stdout, err := cmd.StdoutPipe()
	ts.Check(err)
	logPath := filepath.Join(ts.Getenv("WORK"), "emuserve.log")
	logf, err := os.Create(logPath)
	ts.Check(err)
	cmd.Stderr = logf
	ts.Check(cmd.Start())
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- strings.TrimSpace(line)
	}()
	select {
	case url := <-lines:
		if !strings.HasPrefix(url, "http://127.0.0.1:") {
			ts.Fatalf("emuserve: unexpected first line %q", url)
		}
		ts.Setenv(args[0], url)
		ts.Setenv(args[0]+"_ADDR", strings.TrimPrefix(url, "http://"))
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		ts.Fatalf("emuserve: no URL within 30s")
	}
	ts.Defer(func() {
		_ = cmd.Process.Signal(syscall.SIGINT)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			logf.Close()
			if err != nil {
				ts.Logf("emuserve: server exited with %v", err)
			}
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			ts.Logf("emuserve: server did not stop on SIGINT")
		}
	})
}

// cmdStripeAPI sends one request to a Stripe-compatible API with the test key,
// as a merchant would from the dashboard or curl, and writes the answer's body
// to stdout: `stripeapi DELETE $URL/v1/customers/$CUS`. Arguments after the
// URL are form fields, name=value. A status of 400 or more fails the command.
func cmdStripeAPI(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: stripeapi METHOD URL [name=value...]")
	}
	form := url.Values{}
	for _, kv := range args[2:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			ts.Fatalf("stripeapi: %q is not name=value", kv)
		}
		form.Add(k, v)
	}
	req, err := http.NewRequest(args[0], args[1], strings.NewReader(form.Encode()))
	ts.Check(err)
	req.Header.Set("Authorization", "Bearer "+ts.Getenv("TWEETPAY_TEST_KEY"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	ts.Check(err)
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	ts.Check(err)
	fmt.Fprintf(ts.Stdout(), "%s\n", body)
	if failed := res.StatusCode >= 400; failed != neg {
		ts.Fatalf("stripeapi: %s %s: status %d", args[0], args[1], res.StatusCode)
	}
}

// cmdEnvJSON sets VAR to a string field of the JSON object in FILE:
// `envjson CUS link.json customer`.
func cmdEnvJSON(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: envjson VAR FILE FIELD")
	}
	var obj map[string]any
	if err := json.Unmarshal([]byte(ts.ReadFile(args[1])), &obj); err != nil {
		ts.Fatalf("envjson: %s: %v", args[1], err)
	}
	v, ok := obj[args[2]].(string)
	if !ok {
		ts.Fatalf("envjson: %s has no string field %q", args[1], args[2])
	}
	ts.Setenv(args[0], v)
}

// editLocks are the edit locks held by editlock, by script and file.
var editLocks = struct {
	sync.Mutex
	m map[*testscript.TestScript]map[string]func()
}{m: map[*testscript.TestScript]map[string]func(){}}

// cmdEditLock holds the edit lock of a config file, as an offer or buyer
// edit does from its read to its save, from this (test) process, until
// `editlock release FILE` or the end of the script: `editlock hold
// tweetpay.yaml`.
func cmdEditLock(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 || (args[0] != "hold" && args[0] != "release") {
		ts.Fatalf("usage: editlock hold|release FILE")
	}
	path := ts.MkAbs(args[1])
	editLocks.Lock()
	defer editLocks.Unlock()
	held := editLocks.m[ts]
	if args[0] == "release" {
		unlock, ok := held[path]
		if !ok {
			ts.Fatalf("editlock: %s is not held", args[1])
		}
		unlock()
		delete(held, path)
		return
	}
	if _, ok := held[path]; ok {
		ts.Fatalf("editlock: %s is held already", args[1])
	}
	unlock, err := yamldoc.Lock(context.Background(), path, 10*time.Second)
	ts.Check(err)
	if held == nil {
		held = map[string]func(){}
		editLocks.m[ts] = held
		ts.Defer(func() {
			editLocks.Lock()
			defer editLocks.Unlock()
			for _, u := range editLocks.m[ts] {
				u()
			}
			delete(editLocks.m, ts)
		})
	}
	held[path] = unlock
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

func TestLeakGuard(t *testing.T) {
	for _, tc := range []struct {
		name   string
		writes []string
		leaked bool
	}{
		{"masked", []string{"key sk_test_…9f3a\n"}, false},
		{"whole", []string{"key " + testKey + "\n"}, true},
		{"split across writes", []string{"key " + testKey[:20], testKey[20:] + "\n"}, true},
		{"split across streams", []string{testKey[:10], testKey[10:]}, true},
		{"prefix only", []string{testKey[:len(testKey)-1], "\n"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := &leakGuard{key: []byte(testKey)}
			var out bytes.Buffer
			w := &guardWriter{w: &out, g: g}
			for _, s := range tc.writes {
				if _, err := io.WriteString(w, s); err != nil {
					t.Fatal(err)
				}
			}
			if g.leaked != tc.leaked {
				t.Errorf("leaked = %v, want %v", g.leaked, tc.leaked)
			}
			if out.String() != strings.Join(tc.writes, "") {
				t.Errorf("output changed: %q", out.String())
			}
		})
	}
}
