package yamldoc

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestLock(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no flock here: Lock does nothing")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "tweetpay.yaml")
	unlock, err := Lock(context.Background(), path, 0)
	if err != nil {
		t.Fatal(err)
	}

	// A second holder (another open file, as another process has) waits
	// until its context ends.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := Lock(ctx, path, 0); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second Lock while held: err = %v, want the context's deadline", err)
	}

	// Once released, it gets the lock; a waiter is let in.
	got := make(chan error, 1)
	go func() {
		u, err := Lock(context.Background(), path, time.Minute)
		if err == nil {
			u()
		}
		got <- err
	}()
	time.Sleep(20 * time.Millisecond)
	unlock()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("waiter not let in after unlock")
	}

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("Lock left files behind: %v", entries)
	}
}

func TestLockMissingDir(t *testing.T) {
	unlock, err := Lock(context.Background(), filepath.Join(t.TempDir(), "nope", "tweetpay.yaml"), time.Second)
	if err != nil {
		t.Fatalf("Lock in a missing directory: %v; Save is the one to report it", err)
	}
	unlock()
}

// TestLockTimeout: a Lock that waits longer than its timeout for another
// holder gives up with a LockedError (ErrLocked) that names the file, the
// time waited and, where the system tells, the holder: here this process,
// whose other open file holds it. A context that ends first still wins.
func TestLockTimeout(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no flock here: Lock does nothing")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "tweetpay.yaml")
	unlock, err := Lock(context.Background(), path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()

	start := time.Now()
	_, err = Lock(context.Background(), path, 100*time.Millisecond)
	took := time.Since(start)
	var le *LockedError
	if !errors.Is(err, ErrLocked) || !errors.As(err, &le) {
		t.Fatalf("Lock while held past its timeout: err = %v, want a LockedError", err)
	}
	if took < 100*time.Millisecond || took > 5*time.Second {
		t.Errorf("gave up after %s, want about 100ms", took)
	}
	if le.Path != path || le.Waited < 100*time.Millisecond {
		t.Errorf("LockedError = %+v, want the path and the wait", le)
	}
	msg := err.Error()
	for _, want := range []string{path + " is being edited by another process", "after 1", "lock_timeout"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if runtime.GOOS == "linux" {
		if _, err := os.Stat("/proc/locks"); err == nil {
			want := fmt.Sprintf("pid %d: %s", os.Getpid(), filepath.Base(os.Args[0]))
			if le.Holder != want {
				t.Errorf("Holder = %q, want %q", le.Holder, want)
			}
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := Lock(ctx, path, time.Minute); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Lock with a context ending first: %v, want the context's error", err)
	}

	// Locked says the same, without another "lock PATH:" before it.
	_, _, err = Locked(context.Background(), path, 10*time.Millisecond, func() (int, error) { return 1, nil })
	if !errors.Is(err, ErrLocked) || strings.HasPrefix(err.Error(), "lock ") {
		t.Errorf("Locked while held: %v", err)
	}
}

func TestDescribeProcess(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"/usr/local/bin/tweetpay", "buyer", "link", "@alice", "--card", "visa"}, "pid 7: tweetpay buyer link @alice"},
		{[]string{"tweetpay", "--api-key", "sk_test_123", "offer", "create"}, "pid 7: tweetpay"},
		{[]string{"tweetpay", "charges", "list", "sk_live_oops"}, "pid 7: tweetpay charges list …"},
		{[]string{"sh", "a\x1b[2Jb"}, "pid 7: sh a?[2Jb"},
		{nil, "pid 7"},
	} {
		if got := describeProcess(7, tc.args); got != tc.want {
			t.Errorf("describeProcess(%q) = %q, want %q", tc.args, got, tc.want)
		}
	}
}
