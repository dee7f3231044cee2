// Package gctune sets the garbage collector's pace for tweetpay's
// throughput-bound commands (an emulator server, streams and scenario runs).
//
// Their live heap is small, 1 to 5 MB, while a payment allocates tens of
// kilobytes that die at once. With Go's default (GOGC=100) the heap goal is
// then the runtime's minimum of 4 MB, and a process making ten thousand
// payments a second collects two hundred times a second: a fifth to a
// quarter of its CPU went to the collector (docs/benchmarks.md). Here the
// collector is driven by a memory limit instead, of max(floor, 3 x live
// heap), kept up to date as the live heap changes: a small heap is collected
// when it reaches the floor, a large one when it has tripled (as GOGC=200
// would), so a growing heap never makes the collector run back to back.
//
// A GOGC or GOMEMLIMIT in the environment is the user's choice and is left
// alone.
package gctune

import (
	"context"
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// Floors for the commands that use Throughput.
const (
	// ServerFloor is for `emulator serve`, a server with no memory target.
	ServerFloor = 64 << 20
	// BatchFloor is for streams and scenario runs, whose resident memory is
	// mostly the state files' mapped pages: a heap goal of 24 MiB keeps it
	// where the default's 4 to 10 MiB did (docs/benchmarks.md).
	BatchFloor = 24 << 20
)

// period is how often the limit follows the live heap.
const period = 250 * time.Millisecond

// active is held while a Throughput is in effect.
var active sync.Mutex

// Throughput paces the collector as the package describes until stop is
// called, which restores the previous settings. It does nothing (and stop
// is a no-op) when GOGC or GOMEMLIMIT is set, or another Throughput is in
// effect.
func Throughput(floor int64) (stop func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" || !active.TryLock() {
		return func() {}
	}
	prevPercent := debug.SetGCPercent(-1)
	prevLimit := debug.SetMemoryLimit(Limit(floor, liveHeap()))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				debug.SetMemoryLimit(Limit(floor, liveHeap()))
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			<-done
			debug.SetMemoryLimit(prevLimit)
			debug.SetGCPercent(prevPercent)
			active.Unlock()
		})
	}
}

// Limit is the memory limit for a live heap of live bytes.
func Limit(floor, live int64) int64 {
	if live > math.MaxInt64/3 {
		return math.MaxInt64
	}
	return max(floor, 3*live)
}

var liveSample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}

// liveHeap is the heap marked live by the last collection.
func liveHeap() int64 {
	s := make([]metrics.Sample, 1)
	copy(s, liveSample)
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	v := s[0].Value.Uint64()
	if v > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(v)
}
