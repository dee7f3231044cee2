package statedb

import (
	"os"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// When MaybeTrim trims (see TrimMapped).
//
// Where the process's resident file-backed memory can be read (Linux), the
// trigger is that memory: once it has grown by TrimResident since the last
// trim, every state file the process has open is trimmed. bbolt's B+tree is
// copy-on-write, so every commit writes the pages it changed at new places
// in the file and the next transactions map them: a busy writer maps tens of
// megabytes a second, and a trigger by count of transactions either lets
// that pile up or trims far more often than needed. The files are trimmed
// together because the trigger is the process's: trimming only the file
// whose commit noticed the growth let the other's pages pile up (58 MiB of
// mapped files with a 16 MiB budget). Elsewhere the trigger is a file growing
// by TrimGrowth or TrimCalls calls, and that file is trimmed.
//
// 8 MiB: a smaller budget once cost a fifth of a stream's throughput (pages
// in use mapped again after every trim), when every payment also wrote
// entries on random leaves of indexes keyed by buyer; with those indexes
// deferred (pkg/emulator, deferred.go) the pages a stream uses are few. 16
// MiB kept a 30,000-tweet stream at 48 MiB instead of 64 at the same speed;
// 8 MiB saves another 4-5 MiB, which a stream spends on a larger heap goal
// (gctune.Stream), for a faster stream in less memory (docs/benchmarks.md).
const (
	TrimResident = 8 << 20
	TrimGrowth   = 16 << 20
	TrimCalls    = 64
	// trimCheck is how many calls pass between two looks at the file size
	// (where resident memory cannot be read).
	trimCheck = 4
	// residentCheck is the least time between two reads of the resident
	// memory: a stream calls MaybeTrim two or three times a tweet, and a
	// millisecond maps far less than TrimResident.
	residentCheck = time.Millisecond
)

// trims is the process-wide trigger: the open databases and the resident
// file-backed memory after the last trim.
var trims struct {
	mu       sync.Mutex
	dbs      map[*DB]struct{}
	resident atomic.Int64
	checked  atomic.Int64 // when resident memory was last read (UnixNano)
	busy     atomic.Bool
	done     atomic.Int64 // trims run, for tests
	wg       sync.WaitGroup
}

// register adds d to the databases trimmed together; the first one sets the
// baseline, so that a short command never trims.
func register(d *DB) {
	trims.mu.Lock()
	defer trims.mu.Unlock()
	if trims.dbs == nil {
		trims.dbs = map[*DB]struct{}{}
	}
	if len(trims.dbs) == 0 {
		if res, ok := residentFileBytes(); ok {
			trims.resident.Store(res)
		}
	}
	trims.dbs[d] = struct{}{}
}

func unregister(d *DB) {
	trims.mu.Lock()
	defer trims.mu.Unlock()
	delete(trims.dbs, d)
}

// trimAll trims every open database.
func trimAll() {
	trims.mu.Lock()
	dbs := make([]*DB, 0, len(trims.dbs))
	for d := range trims.dbs {
		dbs = append(dbs, d)
	}
	trims.mu.Unlock()
	for _, d := range dbs {
		_ = d.TrimMapped() // a database closed meanwhile reports an error
	}
}

// TrimMapped gives back to the kernel this process's mappings of the
// database file's pages. bbolt reads the file through a shared, read-only
// memory map, and every page read stays mapped, counted in the process's
// resident memory: over a long run or a scan of a large file that grows
// with the file. The pages stay in the page cache (nothing is lost or
// written); a page read again is mapped again. It runs inside a read
// transaction, so the map cannot be replaced meanwhile.
func (d *DB) TrimMapped() error {
	return d.with(func(b *bolt.DB) error {
		return b.View(func(tx *bolt.Tx) error {
			return dontNeed(b.Info().Data, uintptr(tx.Size()))
		})
	})
}

// MaybeTrim starts a trim in the background when the trigger above is
// reached (unless one is still running). It is cheap enough to call after
// every transaction.
func (d *DB) MaybeTrim() {
	n := d.trim.calls.Add(1)
	if residentReadable() {
		now := time.Now().UnixNano()
		if last := trims.checked.Load(); now-last < int64(residentCheck) || !trims.checked.CompareAndSwap(last, now) {
			return
		}
	}
	if res, ok := residentFileBytes(); ok {
		if res-trims.resident.Load() < TrimResident || !trims.busy.CompareAndSwap(false, true) {
			return
		}
		trims.wg.Add(1)
		go func() {
			defer trims.wg.Done()
			defer trims.busy.Store(false)
			trimAll()
			if res, ok := residentFileBytes(); ok {
				trims.resident.Store(res)
			}
			trims.done.Add(1)
		}()
		return
	}
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
	if !d.trim.busy.CompareAndSwap(false, true) {
		return
	}
	d.trim.last.Store(n)
	d.trim.wg.Add(1)
	go func() {
		defer d.trim.wg.Done()
		defer d.trim.busy.Store(false)
		_ = d.TrimMapped()
	}()
}

// residentReadable reports whether residentFileBytes works here.
var residentReadable = sync.OnceValue(func() bool {
	_, ok := residentFileBytes()
	return ok
})

// trimState counts MaybeTrim calls and tracks a trim of this file in
// progress (where the trigger is the file's own growth).
type trimState struct {
	calls atomic.Uint64
	last  atomic.Uint64 // calls at the last trim
	size  atomic.Int64  // file size at the last trim
	busy  atomic.Bool
	wg    sync.WaitGroup
}
