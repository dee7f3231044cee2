package gctune

import (
	"runtime/debug"
	"testing"
)

// gcPercent reads GOGC without changing it.
func gcPercent() int {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p
}

// Stream sets StreamPercent and its restore puts back what was there; it
// does nothing while a Throughput is in effect or when GOGC is set.
func TestStream(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	defer debug.SetGCPercent(debug.SetGCPercent(80))

	restore := Stream()
	if p := gcPercent(); p != StreamPercent {
		t.Errorf("GOGC %d while in effect, want %d", p, StreamPercent)
	}
	Stream()() // a second one does nothing, nor does its restore
	if p := gcPercent(); p != StreamPercent {
		t.Errorf("GOGC %d after a second Stream's restore, want %d", p, StreamPercent)
	}
	restore()
	restore()
	if p := gcPercent(); p != 80 {
		t.Errorf("GOGC %d after restore, want 80", p)
	}

	stop := Throughput(BatchFloor)
	during := gcPercent()
	Stream()()
	if p := gcPercent(); p != during {
		t.Errorf("Stream changed GOGC from %d to %d while a Throughput was in effect", during, p)
	}
	stop()

	t.Setenv("GOGC", "100")
	Stream()
	if p := gcPercent(); p != 80 {
		t.Errorf("GOGC %d with GOGC set in the environment, want it left at 80", p)
	}
}
