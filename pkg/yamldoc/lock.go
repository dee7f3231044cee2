package yamldoc

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Lock serialises the edits of the file at path between processes, so that
// two commands that change it at the same time (two `offer create` in a CI
// job, say) both land instead of the last save silently dropping the other's
// change. An edit takes the lock, then loads the file, changes it and saves
// it, and only then calls unlock.
//
// The lock is advisory and held on the file's directory, since Save replaces
// the file itself; no lock file is left next to it. The system releases it
// when the process ends. Lock waits while another process holds it, until ctx
// is done. Where the system has no such locks, and for a directory that does
// not exist (Save reports that), Lock does nothing.
func Lock(ctx context.Context, path string) (unlock func(), err error) {
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
		case <-time.After(wait):
		}
		wait = min(2*wait, 50*time.Millisecond)
	}
}

// Locked takes the edit lock of path (Lock) and then calls read, so that
// what read loads stays the file's content until unlock is called; when
// read fails, the lock is released.
func Locked[T any](ctx context.Context, path string, read func() (T, error)) (v T, unlock func(), err error) {
	unlock, err = Lock(ctx, path)
	if err != nil {
		return v, nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if v, err = read(); err != nil {
		unlock()
		return v, nil, err
	}
	return v, unlock, nil
}
