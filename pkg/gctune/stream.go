package gctune

import (
	"runtime/debug"
	"sync"
)

// StreamPercent is the GOGC of a stream of tweets: a heap goal two and a
// half times its live heap (5-7 MB) instead of twice. A stream has a memory
// target (64 MiB at most, flat from 100,000 to 1,000,000 tweets), so its
// goal follows the live heap instead of a floor as Throughput's does; the
// 4-5 MiB it adds are taken from the state files' mappings, trimmed twice
// as often (statedb.TrimResident). Measured on 30,000 tweets, interleaved:
// 6,025-6,245 tweets/s in 51-53 MiB against 5,212-5,869 in 54-57 MiB with
// GOGC=100 and the former 16 MiB trim budget (docs/benchmarks.md).
const StreamPercent = 150

// Stream sets GOGC to StreamPercent until restore is called, which puts
// back the previous value. Like Throughput it leaves a GOGC or GOMEMLIMIT in
// the environment alone, and does nothing while a Throughput or another
// Stream is in effect.
func Stream() (restore func()) {
	if !take() {
		return func() {}
	}
	prev := debug.SetGCPercent(StreamPercent)
	var once sync.Once
	return func() {
		once.Do(func() {
			debug.SetGCPercent(prev)
			active.Unlock()
		})
	}
}
