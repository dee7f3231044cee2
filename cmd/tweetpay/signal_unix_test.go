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
	ws := interruptTwice(t, false)
	if !ws.Signaled() || ws.Signal() != syscall.SIGINT {
		t.Fatalf("after the second interrupt: %v, want killed by SIGINT", ws)
	}
}

// A process started with SIGINT ignored (`tweetpay ... &` in a script)
// still stops on a second one: restoring the disposition it started with
// would ignore it. It exits with 130 instead of dying of the signal.
func TestSecondInterruptStopsWhenIgnoredAtStart(t *testing.T) {
	ws := interruptTwice(t, true)
	if ws.Signaled() || ws.ExitStatus() != 130 {
		t.Fatalf("after the second interrupt: %v, want exit status 130", ws)
	}
}

// interruptTwice starts simulate tweet blocked opening a FIFO (with SIGINT
// ignored from the start if ignored), sends SIGINT twice and returns how it
// ended.
func interruptTwice(t *testing.T, ignored bool) syscall.WaitStatus {
	e := newEnv(t, 1)
	fifo := filepath.Join(e.dir, "payload.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := e.cmd("simulate", "tweet", "--file", fifo)
	if ignored {
		// Ignored signals stay ignored across exec.
		cmd.Args = []string{"sh", "-c", `trap "" INT; exec tweetpay simulate tweet --file "$0"`, fifo}
		cmd.Path = "/bin/sh"
	}
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
		return ee.Sys().(syscall.WaitStatus)
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatal("still running 10 s after a second interrupt")
	}
	panic("unreachable")
}
