package gctune

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestLimit(t *testing.T) {
	for _, tc := range []struct{ floor, live, want int64 }{
		{BatchFloor, 0, BatchFloor},
		{BatchFloor, 1 << 20, BatchFloor},
		{BatchFloor, 10 << 20, 30 << 20},
		{ServerFloor, 100 << 20, 300 << 20},
		{BatchFloor, math.MaxInt64 / 2, math.MaxInt64},
	} {
		if got := Limit(tc.floor, tc.live); got != tc.want {
			t.Errorf("Limit(%d, %d) = %d, want %d", tc.floor, tc.live, got, tc.want)
		}
	}
}

var sink []byte

// The collector is driven by the limit while Throughput is in effect, the
// limit follows the live heap, and stop restores Go's settings.
func TestThroughput(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	percent0 := debug.SetGCPercent(100)
	defer debug.SetGCPercent(percent0)
	limit0 := debug.SetMemoryLimit(-1)

	stop := Throughput(BatchFloor)
	if p := debug.SetGCPercent(-1); p != -1 {
		t.Errorf("GC percent %d while in effect, want off (-1)", p)
	}
	if l := debug.SetMemoryLimit(-1); l < BatchFloor {
		t.Errorf("memory limit %d, want at least the floor %d", l, BatchFloor)
	}
	if again := Throughput(ServerFloor); debug.SetMemoryLimit(-1) >= ServerFloor {
		t.Errorf("a second Throughput took effect")
	} else {
		again()
	}
	sink = make([]byte, 64<<20) // live: the limit must rise to three times it
	for i := range sink {
		sink[i] = 1
	}
	deadline := time.Now().Add(5 * time.Second)
	for debug.SetMemoryLimit(-1) < 3*(64<<20) {
		if time.Now().After(deadline) {
			t.Fatalf("memory limit %d did not follow a live heap of 64 MiB", debug.SetMemoryLimit(-1))
		}
		runtime.GC()
		time.Sleep(period / 4)
	}
	sink = nil
	stop()
	stop()
	if p := debug.SetGCPercent(-1); p != 100 {
		t.Errorf("GC percent %d after stop, want 100", p)
	}
	debug.SetGCPercent(100)
	if l := debug.SetMemoryLimit(-1); l != limit0 {
		t.Errorf("memory limit %d after stop, want %d", l, limit0)
	}
}

// A GOGC or GOMEMLIMIT set by the user wins.
func TestThroughputLeavesUserSettings(t *testing.T) {
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv("GOGC", "")
			t.Setenv("GOMEMLIMIT", "")
			t.Setenv(env, map[string]string{"GOGC": "150", "GOMEMLIMIT": "1GiB"}[env])
			percent0 := debug.SetGCPercent(100)
			defer debug.SetGCPercent(percent0)
			limit0 := debug.SetMemoryLimit(-1)
			stop := Throughput(BatchFloor)
			defer stop()
			if p := debug.SetGCPercent(-1); p != 100 {
				t.Errorf("GC percent changed to %d", p)
			}
			debug.SetGCPercent(100)
			if l := debug.SetMemoryLimit(-1); l != limit0 {
				t.Errorf("memory limit changed to %d", l)
			}
		})
	}
}
