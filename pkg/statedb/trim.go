package statedb

import (
	"os"
	"sync"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"
)

// When MaybeTrim trims (see TrimMapped).
//
// Where the process's resident file-backed memory can be read (Linux), the
// trigger is that memory: a trim runs once it has grown by TrimResident since
// the last trim. bbolt's B+tree is copy-on-write, so every commit writes the
// pages it changed at new places in the file and the next transactions map
// them: a busy writer maps tens of megabytes a second, and a trigger by count
// of transactions either lets that pile up or trims far more often than
// needed. Elsewhere the trigger is the file growing by TrimGrowth or
// TrimCalls calls.
const (
	TrimResident = 32 << 20
	TrimGrowth   = 16 << 20
	TrimCalls    = 64
	// trimCheck is how many calls pass between two looks at the file size
	// (where resident memory cannot be read).
	trimCheck = 4
)

// TrimMapped gives back to the kernel this process's mappings of the
// database file's pages. bbolt reads the file through a shared, read-only
// memory map, and every page read stays mapped, counted in the process's
// resident memory: over a long run or a scan of a large file that grows
// with the file. The pages stay in the page cache (nothing is lost or
// written); a page read again is mapped again. It runs inside a read
// transaction, so the map cannot be replaced meanwhile.
func (d *DB) TrimMapped() error {
	return d.bolt.View(func(tx *bolt.Tx) error {
		return dontNeed(d.bolt.Info().Data, uintptr(tx.Size()))
	})
}

// MaybeTrim starts TrimMapped in the background when the trigger above is
// reached (unless a trim is still running). It is cheap enough to call after
// every transaction; Close waits for a trim in progress.
func (d *DB) MaybeTrim() {
	n := d.trim.calls.Add(1)
	if res, ok := residentFileBytes(); ok {
		if res-d.trim.resident.Load() < TrimResident {
			return
		}
	} else {
		if n%trimCheck != 0 {
			return
		}
		fi, err := os.Stat(d.path)
		if err != nil {
			return
		}
		if fi.Size()-d.trim.size.Load() < TrimGrowth && n-d.trim.last.Load() < TrimCalls {
			return
		}
		d.trim.size.Store(fi.Size())
	}
	if !d.trim.busy.CompareAndSwap(false, true) {
		return
	}
	d.trim.last.Store(n)
	d.trim.wg.Add(1)
	go func() {
		defer d.trim.wg.Done()
		defer d.trim.busy.Store(false)
		_ = d.TrimMapped()
		if res, ok := residentFileBytes(); ok {
			d.trim.resident.Store(res)
		}
	}()
}

// trimState counts MaybeTrim calls and tracks the trim in progress.
type trimState struct {
	calls    atomic.Uint64
	last     atomic.Uint64 // calls at the last trim
	size     atomic.Int64  // file size at the last trim
	resident atomic.Int64  // residentFileBytes after the last trim
	busy     atomic.Bool
	wg       sync.WaitGroup
}
