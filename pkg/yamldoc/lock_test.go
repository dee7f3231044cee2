package yamldoc

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

func TestLock(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no flock here: Lock does nothing")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "tweetpay.yaml")
	unlock, err := Lock(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}

	// A second holder (another open file, as another process has) waits
	// until its context ends.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := Lock(ctx, path); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second Lock while held: err = %v, want the context's deadline", err)
	}

	// Once released, it gets the lock; a waiter is let in.
	got := make(chan error, 1)
	go func() {
		u, err := Lock(context.Background(), path)
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
	unlock, err := Lock(context.Background(), filepath.Join(t.TempDir(), "nope", "tweetpay.yaml"))
	if err != nil {
		t.Fatalf("Lock in a missing directory: %v; Save is the one to report it", err)
	}
	unlock()
}
