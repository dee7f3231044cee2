package gctune

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestPercent(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		floor, live int64
		want        int
	}{
		{BatchFloor, 0, 1500},       // before the first collection: 1 MiB assumed
		{BatchFloor, 1 * mib, 1500}, // goal 16 MiB
		{BatchFloor, 4 * mib, 300},  // (16-4)/4
		{BatchFloor, 6 * mib, 200},  // goal 3x live, never less
		{BatchFloor, 500 * mib, 200},
		{ServerFloor, 1 << 10, 6300},
		{1 << 40, 1, maxPercent},
	} {
		if got := Percent(tc.floor, tc.live); got != tc.want {
			t.Errorf("Percent(%d, %d) = %d, want %d", tc.floor, tc.live, got, tc.want)
		}
	}
}

var sink []byte

// GOGC follows the live heap while Throughput is in effect, and stop
// restores it.
func TestThroughput(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	percent0 := debug.SetGCPercent(100)
	defer debug.SetGCPercent(percent0)
	limit0 := debug.SetMemoryLimit(-1)

	stop := Throughput(BatchFloor)
	if p := debug.SetGCPercent(-1); p < 200 {
		t.Errorf("GOGC %d while in effect, want at least 200", p)
	} else {
		debug.SetGCPercent(p)
	}
	again := Throughput(ServerFloor) // a second one does nothing
	again()
	if p := debug.SetGCPercent(-1); p == 100 {
		t.Errorf("the second Throughput's stop restored GOGC")
	} else {
		debug.SetGCPercent(p)
	}
	sink = make([]byte, 64<<20) // live: the goal must come down to 3x it
	for i := range sink {
		sink[i] = 1
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC()
		time.Sleep(period + period/2)
		p := debug.SetGCPercent(-1)
		debug.SetGCPercent(p)
		if p == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("GOGC %d did not follow a live heap of 64 MiB down to 200", p)
		}
	}
	sink = nil
	stop()
	stop()
	if p := debug.SetGCPercent(100); p != 100 {
		t.Errorf("GOGC %d after stop, want 100", p)
	}
	if l := debug.SetMemoryLimit(-1); l != limit0 {
		t.Errorf("memory limit %d, want it untouched (%d)", l, limit0)
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
			stop := Throughput(BatchFloor)
			defer stop()
			if p := debug.SetGCPercent(100); p != 100 {
				t.Errorf("GOGC changed to %d", p)
			}
		})
	}
}
