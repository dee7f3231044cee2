// Package stripemock starts Stripe's official mock server (stripe-mock,
// pinned in go.mod as a tool) for tests that check requests against Stripe's
// OpenAPI specification.
package stripemock

import (
	"bufio"
	"context"
	"fmt"
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

// listening starts the line stripe-mock prints once it listens for HTTP,
// followed by the address it was given.
const listening = "Listening for HTTP at address: "

// Start runs stripe-mock on loopback ports of its own choosing until the
// test ends and returns its HTTP base URL. When it cannot run, the test
// fails if the CI environment variable is set, and is skipped otherwise.
//
// stripe-mock binds port 0 itself and the address is read from the line it
// prints: a port picked here and released for it to bind could be taken
// meanwhile by another test's server (packages run in parallel), and then
// stripe-mock failed to start while the test talked to that server.
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
	ctx, cancel := context.WithCancel(context.Background())
	// Both addresses are given: without -https-addr it would also listen
	// for HTTPS on its fixed default port.
	cmd := exec.CommandContext(ctx, bin, "-http-addr", "127.0.0.1:0", "-https-addr", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		return unavailable("%v", err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		cancel()
		return unavailable("%v", err)
	}
	addrs := make(chan string, 1)
	drained := make(chan struct{})
	var lastLine string
	go func() { // read its log to the end so that it never blocks
		defer close(drained)
		defer close(addrs)
		s := bufio.NewScanner(out)
		for s.Scan() {
			line := s.Text()
			if addr, ok := strings.CutPrefix(line, listening); ok {
				select {
				case addrs <- strings.TrimSpace(addr):
				default:
				}
				continue
			}
			lastLine = line
			if strings.Contains(line, "error") {
				t.Logf("stripe-mock: %s", line)
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		<-drained // no Logf once the test has ended
	})
	select {
	case addr, ok := <-addrs:
		if !ok {
			<-drained
			return unavailable("it exited before listening: %s", lastLine)
		}
		return "http://" + addr
	case <-time.After(30 * time.Second):
		return unavailable("it did not listen within 30s")
	}
}
