package cputime

import (
	"testing"
	"time"
)

// Per starts measuring a benchmark's CPU time; the function it returns
// reports CPU microseconds per operation ("cpu-µs/op") and operations per
// second of wall time ("ops/s"). Call it after b.StopTimer.
func Per(b *testing.B) func() {
	cpu0 := Process()
	return func() {
		if b.N == 0 {
			return
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
		b.ReportMetric(float64(Process()-cpu0)/float64(time.Microsecond)/float64(b.N), "cpu-µs/op")
	}
}
