package gctune

import (
	"os"
	"runtime"
	"sync"
)

// ExtraProcs is how many processors Procs adds to the runtime's default:
// one for each state file's writer (the emulator's and the simulation's).
const ExtraProcs = 2

// Procs gives the Go scheduler ExtraProcs more processors (Ps) than the
// default, one per CPU, until restore is called.
//
// tweetpay's streams and servers are paced by the state files' writers,
// single goroutines that commit group after group and spend part of each
// commit in fdatasync. A goroutine returning from a system call needs a P to
// go on; with one P per CPU and a hundred tweets' goroutines runnable, the
// writer waited for one, and every tweet in flight waited for the writer: a
// stream kept 1.45 of 2 cores busy. With two more Ps than cores, a writer
// coming back from its sync finds an idle P and the kernel shares the
// cores between threads. Measured on 2 cores, 30,000 tweets
// (docs/benchmarks.md): 4,818-5,383 tweets/s with 2 Ps, 6,073-7,272 with 4,
// 6,471-7,079 with 3, and less again with 6 or 8.
//
// A GOMAXPROCS in the environment is the user's choice and is left alone,
// as is a GOMAXPROCS set by another Procs in effect.
func Procs() (restore func()) {
	if os.Getenv("GOMAXPROCS") != "" || !procsActive.TryLock() {
		return func() {}
	}
	runtime.GOMAXPROCS(runtime.GOMAXPROCS(0) + ExtraProcs)
	var once sync.Once
	return func() {
		once.Do(func() {
			// Back to the runtime's own default, which follows the CPU
			// limit of the process as it changes.
			runtime.SetDefaultGOMAXPROCS()
			procsActive.Unlock()
		})
	}
}

var procsActive sync.Mutex
