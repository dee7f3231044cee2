package yamldoc

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ErrLocked is wrapped by the error of Lock (a *LockedError) when another
// process held the edit lock for the whole time allowed.
var ErrLocked = errors.New("the file is being edited by another process")

// LockedError is the error of a Lock that gave up waiting for another
// process's edit.
type LockedError struct {
	// Path is the file whose edit lock was waited for.
	Path string
	// Holder describes the process holding the lock ("pid 4242: tweetpay
	// buyer link @alice"), or is empty when the system does not tell.
	Holder string
	// Waited is how long Lock waited.
	Waited time.Duration
}

func (e *LockedError) Error() string {
	holder := "another process"
	if e.Holder != "" {
		holder = "another process (" + e.Holder + ")"
	}
	return fmt.Sprintf("%s is being edited by %s; gave up waiting for its edit lock after %s: try again once it is done, or set lock_timeout (TWEETPAY_LOCK_TIMEOUT) to wait longer",
		e.Path, holder, e.Waited)
}

// Unwrap lets errors.Is match ErrLocked.
func (e *LockedError) Unwrap() error { return ErrLocked }

// Lock serialises the edits of the file at path between processes, so that
// two commands that change it at the same time (two `offer create` in a CI
// job, say) both land instead of the last save silently dropping the other's
// change. An edit takes the lock, then loads the file, changes it and saves
// it, and only then calls unlock.
//
// The lock is advisory and held on the file's directory, since Save replaces
// the file itself; no lock file is left next to it. The system releases it
// when the process ends. Lock waits while another process holds it, up to
// timeout, and then fails with a *LockedError naming that process where the
// system tells (Linux); a timeout of 0 or less waits until ctx is done, which
// ends the wait early in any case. Where the system has no such locks, and
// for a directory that does not exist (Save reports that), Lock does nothing.
func Lock(ctx context.Context, path string, timeout time.Duration) (unlock func(), err error) {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	dir, err := os.Open(filepath.Dir(path))
	if errors.Is(err, fs.ErrNotExist) {
		return func() {}, nil
	}
	if err != nil {
		return nil, err
	}
	start := time.Now()
	var expired <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		expired = t.C
	}
	wait := time.Millisecond
	for {
		busy, err := tryLock(dir)
		if err != nil {
			dir.Close()
			return nil, err
		}
		if !busy {
			return func() { dir.Close() }, nil // closing the descriptor releases the lock
		}
		select {
		case <-ctx.Done():
			dir.Close()
			return nil, ctx.Err()
		case <-expired:
			// One last try: the holder may have let go as the time ran out.
			if busy, err := tryLock(dir); err == nil && !busy {
				return func() { dir.Close() }, nil
			}
			holder := lockHolder(dir)
			dir.Close()
			return nil, &LockedError{Path: path, Holder: holder, Waited: time.Since(start).Round(time.Millisecond)}
		case <-time.After(wait):
		}
		wait = min(2*wait, 50*time.Millisecond)
	}
}

// Locked takes the edit lock of path (Lock, waiting up to timeout) and then
// calls read, so that what read loads stays the file's content until unlock
// is called; when read fails, the lock is released.
func Locked[T any](ctx context.Context, path string, timeout time.Duration, read func() (T, error)) (v T, unlock func(), err error) {
	unlock, err = Lock(ctx, path, timeout)
	if err != nil {
		var le *LockedError
		if errors.As(err, &le) {
			return v, nil, err // it names the file
		}
		return v, nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if v, err = read(); err != nil {
		unlock()
		return v, nil, err
	}
	return v, unlock, nil
}

// describeProcess describes a process from its command line (the arguments
// of /proc/PID/cmdline): its program's name and the words after it up to the
// first flag, at most six of them, leaving out any that looks like an API key
// (a flag's value could be one, and so could a word given by mistake).
func describeProcess(pid int, args []string) string {
	if len(args) == 0 {
		return fmt.Sprintf("pid %d", pid)
	}
	words := []string{filepath.Base(args[0])}
	for _, a := range args[1:] {
		if strings.HasPrefix(a, "-") || len(words) == 6 {
			break
		}
		if looksLikeKey(a) {
			words = append(words, "…")
			continue
		}
		words = append(words, a)
	}
	s := strings.Join(words, " ")
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return fmt.Sprintf("pid %d: %s", pid, strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s))
}

func looksLikeKey(s string) bool {
	for _, p := range []string{"sk_", "rk_", "pk_", "whsec_"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
