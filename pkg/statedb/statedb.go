// Package statedb opens the bbolt files in which tweetpay keeps its local state
// (the emulator's objects, the simulation's progress). It adds what bbolt leaves
// to the caller: creating the directory with private permissions, waiting for
// another process's lock with a timeout that names the holder, and errors that
// callers can map to clear messages.
package statedb

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// ErrLocked is returned (wrapped) by Open when another process holds the
// database's lock for longer than Options.Timeout.
var ErrLocked = errors.New("state database is locked by another process")

// ErrUnwritable is returned (wrapped, together with the OS error) by Open when
// the database or its directory cannot be created or written.
var ErrUnwritable = errors.New("state database is not writable")

// newFilePageSize is the page size of a state file created by Open.
const newFilePageSize = 8 << 10

// DefaultTimeout is how long Open waits for another process's lock by default.
const DefaultTimeout = 10 * time.Second

// Options tune Open. The zero value is ready to use.
type Options struct {
	// Timeout is how long to wait for another process to release the file
	// lock; 0 means DefaultTimeout, a negative value means do not wait.
	Timeout time.Duration
	// InitialMmapSize is how much of the file to map up front (0: bbolt's
	// default). A mapping larger than the file lets it grow without a remap,
	// which would block readers and the next writer.
	InitialMmapSize int
	// RenewAfter is how many pages may be allocated before a Committer
	// reopens the file (0: RenewAfter; see there).
	RenewAfter int
	// Throwaway is for a file deleted once the command ends (a scenario's
	// fresh state): its commits are not synced to the disk. A crash of the
	// process still leaves the file whole (the data is in the page cache);
	// only a crash of the machine may lose it, and the file with it.
	Throwaway bool
}

// DB is an open state database holding the file lock until Close.
type DB struct {
	// gate is held for reading by every transaction and for writing while
	// the file is reopened (see maybeRenew); bolt changes only then.
	gate     sync.RWMutex
	bolt     *bolt.DB
	boltOpts bolt.Options
	path     string
	lockInfo string
	once     sync.Once
	closeErr error
	trim     trimState
	renewState
}

// Open opens (creating if needed) the bbolt file at path. The directory is
// created with mode 0700 and the file with mode 0600. If another process holds
// the file, Open waits up to opts.Timeout and then fails with an error wrapping
// ErrLocked that names the holder. Writes are fsynced, unless the file is a Throwaway.
func Open(path string, opts Options) (*DB, error) {
	if path == "" {
		return nil, fmt.Errorf("open state database: empty path")
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create state directory %s: %w: %w", dir, ErrUnwritable, err)
	}
	timeout := opts.Timeout
	switch {
	case timeout == 0:
		timeout = DefaultTimeout
	case timeout < 0:
		// bbolt treats 0 as "wait forever"; a tiny timeout means "try once".
		timeout = time.Millisecond
	}
	bopts := bolt.Options{
		Timeout: timeout,
		// The freelist is written at each commit (a page or two): rebuilding
		// it when the file is opened would read every page of the file, which
		// takes time and memory in proportion to the file.
		NoFreelistSync:  false,
		FreelistType:    bolt.FreelistMapType,
		InitialMmapSize: opts.InitialMmapSize,
		// A new file gets 8 KiB pages (a file keeps the size it was
		// created with). A commit writes each page it changed with its own
		// pwrite, and a stream's commits append to the right-most leaf of
		// several key ranges: pages twice the size halve the writes for
		// the same bytes. A stream of 100,000 tweets ran 4-6% faster in 6
		// of 7 interleaved pairs, at the same peak RSS; 16 KiB was no
		// better (docs/benchmarks.md).
		PageSize: newFilePageSize,
		NoSync:   opts.Throwaway,
	}
	bdb, err := bolt.Open(path, 0o600, &bopts)
	if err != nil {
		return nil, classify(path, err)
	}
	db := &DB{bolt: bdb, boltOpts: bopts, path: path, lockInfo: path + ".lock-info"}
	db.renewAfter = int64(opts.RenewAfter)
	if db.renewAfter <= 0 {
		db.renewAfter = RenewAfter
	}
	// A file written without a freelist had every page read to rebuild it.
	_ = db.TrimMapped()
	register(db)
	// The holder description is advisory: failing to write it must not stop
	// the process that did get the lock.
	_ = os.WriteFile(db.lockInfo, []byte(holderLine()), 0o600)
	return db, nil
}

func classify(path string, err error) error {
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		holder := "unknown process"
		if b, rerr := os.ReadFile(path + ".lock-info"); rerr == nil && len(strings.TrimSpace(string(b))) > 0 {
			holder = describeHolder(strings.TrimSpace(string(b)))
		}
		return fmt.Errorf("open %s: %w (held by %s)", path, ErrLocked, holder)
	case errors.Is(err, os.ErrPermission), errors.Is(err, errReadOnlyFS()), isNoSpace(err):
		return fmt.Errorf("open %s: %w: %w", path, ErrUnwritable, err)
	}
	return fmt.Errorf("open %s: %w", path, err)
}

func describeHolder(line string) string {
	f := strings.SplitN(line, " ", 4)
	if len(f) < 4 {
		return line
	}
	return fmt.Sprintf("pid %s on %s, %s, since %s", f[0], f[1], f[3], f[2])
}

func holderLine() string {
	host, _ := os.Hostname()
	if host == "" {
		host = "unknown-host"
	}
	cmd := strings.Join(os.Args, " ")
	if len(cmd) > 200 {
		cmd = cmd[:200]
	}
	// Format: pid host started-at command (the command last: it may hold spaces).
	return fmt.Sprintf("%d %s %s %s\n", os.Getpid(), strings.ReplaceAll(host, " ", "_"),
		time.Now().UTC().Format(time.RFC3339), cmd)
}

// with runs fn on the current bbolt handle, holding d.gate for reading so
// that a reopen (maybeRenew) waits for it; a DB without a handle (closed,
// or failed to reopen) reports why instead.
func (d *DB) with(fn func(*bolt.DB) error) error {
	d.gate.RLock()
	defer d.gate.RUnlock()
	switch {
	case d.bolt != nil:
		return fn(d.bolt)
	case d.renewErr != nil:
		return d.renewErr
	}
	return ErrClosed
}

// View runs fn in a read-only transaction.
func (d *DB) View(fn func(*bolt.Tx) error) error {
	return d.with(func(b *bolt.DB) error { return b.View(fn) })
}

// Update runs fn in a read-write transaction, committed and synced when fn
// returns nil. Prefer a Committer where writers are concurrent.
func (d *DB) Update(fn func(*bolt.Tx) error) error {
	return d.with(func(b *bolt.DB) error { return b.Update(fn) })
}

// Stats returns bbolt's statistics; the transaction counters count from
// the first opening of the file by this DB.
func (d *DB) Stats() bolt.Stats {
	var st bolt.Stats
	_ = d.with(func(b *bolt.DB) error {
		st = b.Stats()
		return nil
	})
	total := d.before // d.before changes only under d.gate held for writing
	addTxStats(&total, &st.TxStats)
	st.TxStats = total
	return st
}

// Path returns the database file's path.
func (d *DB) Path() string { return d.path }

// Close releases the lock and closes the file. It is safe to call twice.
func (d *DB) Close() error {
	d.once.Do(func() {
		// Remove the holder note before releasing the lock, so that a
		// waiting process never reads a stale one after it got the lock.
		_ = os.Remove(d.lockInfo)
		unregister(d)
		d.trim.wg.Wait()
		d.gate.Lock()
		defer d.gate.Unlock()
		if d.bolt != nil {
			d.closeErr = d.bolt.Close()
			d.bolt = nil
		}
	})
	return d.closeErr
}
