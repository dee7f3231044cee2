// Package gctune tunes the Go runtime for tweetpay's throughput-bound
// commands: the collector's pace for the emulator server and scenario runs
// (Throughput) and for streams, which have a memory target (Stream), and
// the number of processors for all three (Procs).
//
// Their live heap is small, 1 to 5 MB, while a payment allocates tens of
// kilobytes that die at once. With Go's default (GOGC=100) the heap goal is
// then the runtime's minimum of 4 MB, and a process making ten thousand
// payments a second collects two hundred times a second: a fifth to a
// quarter of its CPU went to the collector (docs/benchmarks.md). Here the
// heap goal is max(floor, 3 x live heap) instead, kept up to date as the
// live heap changes by setting GOGC: a small heap is collected when it
// reaches the floor, a large one when it has tripled (GOGC=200). A memory
// limit would do the first more simply, but it bounds all the runtime's
// memory, goroutine stacks included: with 256 tweets in flight a stream
// passed it with a small heap and collected without pause, at half the
// throughput.
//
// A GOGC or GOMEMLIMIT in the environment is the user's choice and is left
// alone.
package gctune

import (
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
	// BatchFloor is for scenario runs: a heap goal of 16 MiB where the
	// default's is 4.
	BatchFloor = 16 << 20
)

// period is how often GOGC follows the live heap.
const period = 250 * time.Millisecond

// active is held while a Throughput or a Stream is in effect.
var active sync.Mutex

// take reports whether the collector's pace is tweetpay's to set (no GOGC
// or GOMEMLIMIT in the environment, the user's choice) and, if so, takes
// active, which the caller's restore gives back.
func take() bool {
	return os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" && active.TryLock()
}

// Throughput paces the collector as the package describes until stop is
// called, which restores the previous GOGC. It does nothing (and stop
// is a no-op) when GOGC or GOMEMLIMIT is set, or another Throughput is in
// effect.
func Throughput(floor int64) (stop func()) {
	if !take() {
		return func() {}
	}
	prevPercent := debug.SetGCPercent(Percent(floor, liveHeap()))
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				debug.SetGCPercent(Percent(floor, liveHeap()))
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(quit)
			<-done
			debug.SetGCPercent(prevPercent)
			active.Unlock()
		})
	}
}

// Percent is the GOGC that puts the heap goal at max(floor, 3 x live) for
// a live heap of live bytes: at least 200, at most maxPercent.
func Percent(floor, live int64) int {
	live = max(live, minLive)
	p := (floor - live) * 100 / live
	return int(min(max(p, 200), maxPercent))
}

const (
	// minLive is the smallest live heap Percent assumes (before the first
	// collection the runtime reports none).
	minLive = 1 << 20
	// maxPercent bounds Percent for a tiny heap.
	maxPercent = 10000
)

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
