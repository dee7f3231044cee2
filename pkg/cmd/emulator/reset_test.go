package emulator

import (
	"context"
	"errors"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/emulator"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/statedb"
)

// stateConfig loads the defaults with the state directory dir and a short
// lock timeout.
func stateConfig(dir string) func() (*config.Config, error) {
	env := map[string]string{"TWEETPAY_STATE_DIR": dir, "XDG_CONFIG_HOME": filepath.Join(dir, "xdg"),
		"TWEETPAY_LOCK_TIMEOUT": "50ms"}
	return func() (*config.Config, error) {
		return config.Load(config.Options{Dir: filepath.Dir(dir), LookupEnv: func(k string) (string, bool) {
			v, ok := env[k]
			return v, ok
		}})
	}
}

// customers counts the customers of the emulator's state in dir.
func customers(t *testing.T, dir string) int64 {
	t.Helper()
	em, err := emulator.Open(dir, emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer em.Close()
	st, err := em.Stats()
	if err != nil {
		t.Fatal(err)
	}
	return st.Objects["customers"]
}

// seed puts one customer in the emulator's state in dir.
func seed(t *testing.T, dir string) {
	t.Helper()
	em, err := emulator.Open(dir, emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer em.Close()
	req := httptest.NewRequest("POST", "http://emulator.invalid/v1/customers", strings.NewReader("email=a%40b.test"))
	req.Header.Set("Authorization", "Bearer sk_test_reset")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := em.Transport().RoundTrip(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("create customer: %v %v", res, err)
	}
	res.Body.Close()
}

func TestResetRunPrompt(t *testing.T) {
	for _, tc := range []struct {
		answer string
		json   bool
		wiped  bool
		stdout string
		stderr string
	}{
		{answer: "n\n", stderr: "Nothing wiped.\n"},
		{answer: "", stderr: "Nothing wiped.\n"},
		{answer: "n\n", json: true, stdout: `"reset": false`},
		{answer: "yes\n", wiped: true, stderr: "✓ Wiped the state in "},
		{answer: "y\n", json: true, wiped: true, stdout: `"reset": true`},
	} {
		dir := filepath.Join(t.TempDir(), "state")
		seed(t, dir)
		ios, in, stdout, stderr := iostreams.Test()
		ios.SetTTY(true)
		in.WriteString(tc.answer)
		opts := &ResetOptions{IO: ios, Config: stateConfig(dir)}
		if tc.json {
			opts.Output = output.JSON
		}
		if err := resetRun(context.Background(), opts); err != nil {
			t.Fatalf("answer %q: %v, want no error", tc.answer, err)
		}
		if want := "Wipe all emulator and simulation state in " + dir + "? [y/N] "; !strings.HasPrefix(stderr.String(), want) {
			t.Errorf("answer %q: stderr %q, want the question %q", tc.answer, stderr, want)
		}
		if !strings.Contains(stderr.String(), tc.stderr) || !strings.Contains(stdout.String(), tc.stdout) {
			t.Errorf("answer %q: stdout %q, stderr %q; want %q and %q", tc.answer, stdout, stderr, tc.stdout, tc.stderr)
		}
		if n, want := customers(t, dir), map[bool]int64{false: 1, true: 0}[tc.wiped]; n != want {
			t.Errorf("answer %q: %d customers, want %d", tc.answer, n, want)
		}
	}
}

// TestResetRunHeld: a state that another process holds is reported before
// the question is asked.
func TestResetRunHeld(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	seed(t, dir)
	em, err := emulator.Open(dir, emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer em.Close()
	ios, in, _, stderr := iostreams.Test()
	ios.SetTTY(true)
	in.WriteString("y\n")
	start := time.Now()
	err = resetRun(context.Background(), &ResetOptions{IO: ios, Config: stateConfig(dir)})
	if !errors.Is(err, statedb.ErrLocked) {
		t.Fatalf("reset of a held state: %v, want locked", err)
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr %q: the question was asked", stderr)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v with a lock timeout of 50ms", d)
	}
}

// TestResetRunNoState: a state directory that holds no state is not created.
func TestResetRunNoState(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	ios, _, _, stderr := iostreams.Test()
	ios.SetTTY(true)
	if err := resetRun(context.Background(), &ResetOptions{IO: ios, Config: stateConfig(dir)}); err != nil {
		t.Fatal(err)
	}
	if want := "✓ Nothing to wipe: " + dir + " holds no state\n"; stderr.String() != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("state directory: %v, want it not created", err)
	}
}
