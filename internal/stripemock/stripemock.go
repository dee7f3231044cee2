// Package stripemock starts Stripe's official mock server (stripe-mock,
// pinned in go.mod as a tool) for tests that check requests against Stripe's
// OpenAPI specification.
package stripemock

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Key is a key stripe-mock accepts (it wants exactly three '_' parts).
const Key = "sk_test_123"

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// moduleRoot finds the directory holding go.mod above the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// build compiles stripe-mock once per test binary with `go build` of the
// tool pinned in go.mod.
func build() (string, error) {
	buildOnce.Do(func() {
		root, err := moduleRoot()
		if err != nil {
			buildErr = err
			return
		}
		dir, err := os.MkdirTemp("", "stripe-mock-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "stripe-mock")
		cmd := exec.Command("go", "build", "-o", binPath, "github.com/stripe/stripe-mock")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("build stripe-mock: %v\n%s", err, out)
		}
	})
	return binPath, buildErr
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Start runs stripe-mock on free loopback ports until the test ends and
// returns its HTTP base URL. When it cannot run, the test fails if the CI
// environment variable is set, and is skipped otherwise.
func Start(t testing.TB) string {
	t.Helper()
	unavailable := func(format string, args ...any) string {
		t.Helper()
		if os.Getenv("CI") != "" {
			t.Fatalf("stripe-mock unavailable: "+format, args...)
		}
		t.Skipf("stripe-mock unavailable: "+format, args...)
		return ""
	}
	bin, err := build()
	if err != nil {
		return unavailable("%v", err)
	}
	httpPort, err := freePort()
	if err != nil {
		return unavailable("%v", err)
	}
	httpsPort, err := freePort()
	if err != nil {
		return unavailable("%v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin,
		"-http-addr", fmt.Sprintf("127.0.0.1:%d", httpPort),
		"-https-addr", fmt.Sprintf("127.0.0.1:%d", httpsPort))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		cancel()
		return unavailable("%v", err)
	}
	cmd.Stdout = cmd.Stderr
	if err := cmd.Start(); err != nil {
		cancel()
		return unavailable("%v", err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})
	go func() { // drain its log so it never blocks
		s := bufio.NewScanner(stderr)
		for s.Scan() {
			if strings.Contains(s.Text(), "error") {
				t.Logf("stripe-mock: %s", s.Text())
			}
		}
	}()
	addr := fmt.Sprintf("127.0.0.1:%d", httpPort)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return "http://" + addr
		}
		time.Sleep(50 * time.Millisecond)
	}
	return unavailable("it did not listen on %s within 30s", addr)
}
