package stream

import (
	"encoding/json"
	"math"
	"testing"
	"time"
)

// Every duration falls in a bucket whose upper bound is at or above it and
// within 6.25% of it (or 1 µs below 16 µs), and bucket bounds increase.
func TestHistogramBuckets(t *testing.T) {
	prev := time.Duration(-1)
	for i := range len(histogram{}.counts) {
		u := upper(i)
		if u <= prev && u != math.MaxInt64 {
			t.Fatalf("upper(%d) = %v, not above upper(%d) = %v", i, u, i-1, prev)
		}
		prev = u
	}
	if i := bucketOf(math.MaxInt64); i >= len(histogram{}.counts) || upper(i) != math.MaxInt64 {
		t.Errorf("the longest duration: bucket %d of %d", i, len(histogram{}.counts))
	}
	for _, d := range []time.Duration{0, 1, 999, time.Microsecond, 15 * time.Microsecond, 16 * time.Microsecond,
		17*time.Microsecond + 500, 1234567, 3 * time.Millisecond, 987654321, time.Hour, 100 * 24 * time.Hour} {
		i := bucketOf(d)
		u := upper(i)
		if u < d || (d >= 16*time.Microsecond && float64(u-d) > 0.0625*float64(d)) || (d < 16*time.Microsecond && u-d >= time.Microsecond) {
			t.Errorf("%v: bucket %d, upper %v", d, i, u)
		}
		if i > 0 && upper(i-1) >= d {
			t.Errorf("%v: bucket %d, but the bucket below reaches %v", d, i, upper(i-1))
		}
	}
}

func TestHistogramQuantiles(t *testing.T) {
	var h histogram
	if h.latency() != nil {
		t.Fatal("an empty histogram has a latency")
	}
	// 1 ms to 1000 ms, once each.
	for ms := 1; ms <= 1000; ms++ {
		h.add(time.Duration(ms) * time.Millisecond)
	}
	l := h.latency()
	for _, c := range []struct {
		name      string
		got, want time.Duration
	}{{"p50", l.P50, 500 * time.Millisecond}, {"p90", l.P90, 900 * time.Millisecond}, {"p99", l.P99, 990 * time.Millisecond}} {
		if c.got < c.want || float64(c.got-c.want) > 0.0625*float64(c.want) {
			t.Errorf("%s = %v, want %v to 6.25%% above", c.name, c.got, c.want)
		}
	}
	if l.Max != time.Second {
		t.Errorf("max %v", l.Max)
	}
	b, err := json.Marshal(Latency{P50: 1500 * time.Microsecond, P90: 17 * time.Millisecond, P99: 20*time.Millisecond + 1234, Max: time.Second})
	if want := `{"p50_ms":1.5,"p90_ms":17,"p99_ms":20.001,"max_ms":1000}`; err != nil || string(b) != want {
		t.Errorf("JSON %s, %v; want %s", b, err, want)
	}
	// One slow line among fast ones: the quantiles stay low, the maximum
	// is the slow one, and no quantile exceeds it.
	var g histogram
	for range 99 {
		g.add(2 * time.Millisecond)
	}
	g.add(3 * time.Second)
	l = g.latency()
	if l.P50 < 2*time.Millisecond || l.P99 > 3*time.Millisecond || l.Max != 3*time.Second {
		t.Errorf("one slow line: %+v", l)
	}
	var one histogram
	one.add(1500 * time.Microsecond)
	if l := one.latency(); l.P50 != 1500*time.Microsecond || l.Max != l.P99 {
		t.Errorf("one line: %+v", l)
	}
}
