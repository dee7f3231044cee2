//go:build unix

package root

import (
	"os"
	"os/signal"
	"syscall"
	"time"
)

// stopNow ends the process on a second signal s. Where s's default action
// was in force at start, the process dies of s, as a shell expects of a
// child it interrupted (a script's loop stops on a child killed by
// SIGINT); where s was ignored at start, restoring that would ignore it, so
// the process exits with 130.
func stopNow(s os.Signal, ignoredAtStart bool) {
	if sig, ok := s.(syscall.Signal); ok && !ignoredAtStart {
		signal.Reset(s)
		_ = syscall.Kill(os.Getpid(), sig)
		// The signal is delivered as the call returns; this is a fallback.
		time.Sleep(time.Second)
	}
	os.Exit(int(ExitInterrupted))
}

// ignoreFileSizeSignal makes a write over a file-size limit (ulimit -f)
// fail with EFBIG instead of killing the process with SIGXFSZ half-way.
func ignoreFileSizeSignal() { signal.Ignore(syscall.SIGXFSZ) }
