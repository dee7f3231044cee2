//go:build unix

package main

import (
	"errors"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A first Ctrl-C asks a command to finish what it is doing; one blocked
// where no context reaches (opening a FIFO that nobody writes to) must
// still stop on the second, as any command-line tool does.
func TestSecondInterruptStops(t *testing.T) {
	e := newEnv(t, 1)
	fifo := filepath.Join(e.dir, "payload.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := e.cmd("simulate", "tweet", "--file", fifo)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	time.Sleep(time.Second) // until it blocks opening the FIFO
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		// Nothing to check the second signal with: the first stopped it
		// (it was not blocked yet, or it was caught before the handler).
		t.Fatalf("exited after the first interrupt (%v): the command did not block on the FIFO", err)
	case <-time.After(300 * time.Millisecond):
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("after the second interrupt: %v", err)
		}
		if ws, ok := ee.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGINT {
			t.Fatalf("after the second interrupt: %v, want killed by SIGINT", err)
		}
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatal("still running 10 s after a second interrupt")
	}
}
