package statedb

import (
	"fmt"
	"os"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"
)

// RenewAfter is how many pages a process may allocate in a file before the
// file is reopened (see maybeRenew); Options.RenewAfter overrides it.
//
// bbolt's in-memory freelist remembers, for every page allocated since the
// file was opened and not freed since, the transaction that allocated it
// (freelist.allocs, consulted only to undo a transaction that fails to
// commit). Pages that a workload writes once and keeps (new objects
// appended at the end of the key space) are never freed, so in a long run
// that map grows by an entry per page written: about 40 bytes, tens of
// megabytes over a million tweets, and every rolled-back transaction walks
// it all. Reopening the file starts it empty. At 64 Ki pages (256 MiB of
// pages written) the map stays under about 3 MB, and a reopen, which costs a
// few milliseconds, comes every 15,000-20,000 payments of a stream.
const RenewAfter = 1 << 16

// Renewals returns how many times the file was reopened.
func (d *DB) Renewals() int64 { return d.renewals.Load() }

// maybeRenew reopens the file once it has allocated renewAfter pages since
// it was opened. A Committer calls it between its transactions; it waits for
// the transactions in progress to end, and new ones wait for it (a
// millisecond or so). As with bbolt itself, a goroutine must therefore not
// open a transaction while it holds one, nor wait for a Committer inside
// one.
func (d *DB) maybeRenew() {
	var allocated int64
	_ = d.with(func(b *bolt.DB) error {
		st := b.Stats()
		allocated = st.TxStats.GetPageCount()
		return nil
	})
	if allocated < d.renewAfter {
		return
	}
	d.gate.Lock()
	defer d.gate.Unlock()
	d.renewLocked()
}

// renewLocked closes and reopens bbolt's handle on the file; d.gate is held
// for writing. The file lock is released for the few microseconds between
// the two: another process waiting for it polls every 50 ms, so this
// process takes it back almost always; if not, it waits up to the lock
// timeout like any opener, and fails the transactions that follow with that
// error.
func (d *DB) renewLocked() {
	if d.bolt == nil {
		return
	}
	st := d.bolt.Stats().TxStats
	if err := d.bolt.Close(); err != nil {
		d.bolt, d.renewErr = nil, fmt.Errorf("reopen %s: %w", d.path, err)
		return
	}
	opts := d.boltOpts
	bdb, err := bolt.Open(d.path, 0o600, &opts)
	if err != nil {
		d.bolt, d.renewErr = nil, classify(d.path, err)
		return
	}
	d.bolt = bdb
	addTxStats(&d.before, &st)
	d.renewals.Add(1)
	_ = os.WriteFile(d.lockInfo, []byte(holderLine()), 0o600)
}

// addTxStats adds src's counters to dst: Stats counts across reopenings.
func addTxStats(dst, src *bolt.TxStats) {
	dst.IncPageCount(src.GetPageCount())
	dst.IncPageAlloc(src.GetPageAlloc())
	dst.IncCursorCount(src.GetCursorCount())
	dst.IncNodeCount(src.GetNodeCount())
	dst.IncNodeDeref(src.GetNodeDeref())
	dst.IncRebalance(src.GetRebalance())
	dst.IncRebalanceTime(src.GetRebalanceTime())
	dst.IncSplit(src.GetSplit())
	dst.IncSpill(src.GetSpill())
	dst.IncSpillTime(src.GetSpillTime())
	dst.IncWrite(src.GetWrite())
	dst.IncWriteTime(src.GetWriteTime())
}

// renewState is what DB keeps for renewals.
type renewState struct {
	renewAfter int64
	renewals   atomic.Int64
	renewErr   error
	// before holds the transaction counters of handles already closed.
	before bolt.TxStats
}
