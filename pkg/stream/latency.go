package stream

import (
	"encoding/json"
	"math"
	"math/bits"
	"time"
)

// Latency is how long the stream's lines took, each from the moment a
// worker took it up to its result (recorded, for the engine): what the
// engine and the payment backend took, retries included, without the time
// the line waited for a worker. Quantiles are read from a histogram whose
// buckets are a sixteenth of a power of two wide, so each is within 6.25%
// above the true value (and never above Max).
type Latency struct {
	P50, P90, P99, Max time.Duration
}

// MarshalJSON writes the figures in milliseconds, to the microsecond:
// {"p50_ms", "p90_ms", "p99_ms", "max_ms"}.
func (l Latency) MarshalJSON() ([]byte, error) {
	ms := func(d time.Duration) float64 { return math.Round(float64(d)/float64(time.Microsecond)) / 1000 }
	return json.Marshal(struct {
		P50 float64 `json:"p50_ms"`
		P90 float64 `json:"p90_ms"`
		P99 float64 `json:"p99_ms"`
		Max float64 `json:"max_ms"`
	}{ms(l.P50), ms(l.P90), ms(l.P99), ms(l.Max)})
}

// histogram counts durations in microseconds: exactly below 16 µs, then in
// 16 buckets per power of two, up to the longest time.Duration (2^53 µs,
// bucket 49*16+31). Its memory is fixed, however long the stream.
type histogram struct {
	counts [51 * 16]int64
	n      int64
	max    time.Duration
}

func bucketOf(d time.Duration) int {
	us := uint64(max(d, 0) / time.Microsecond)
	if us < 16 {
		return int(us)
	}
	e := bits.Len64(us) - 5
	return e*16 + int(us>>e)
}

// upper is the largest duration that falls in bucket i: from 16 on, bucket
// e*16+m holds the microseconds whose top five bits are m (16-31) followed
// by e more bits.
func upper(i int) time.Duration {
	if i < 16 {
		return time.Duration(i+1)*time.Microsecond - 1
	}
	e, m := i/16-1, uint64(16+i%16)
	next := (m + 1) << e // the first microsecond of the next bucket
	if next > math.MaxInt64/uint64(time.Microsecond) {
		return math.MaxInt64
	}
	return time.Duration(next)*time.Microsecond - 1
}

func (h *histogram) add(d time.Duration) {
	h.counts[bucketOf(d)]++
	h.n++
	h.max = max(h.max, d)
}

// quantile is the upper bound of the bucket holding the q-th quantile,
// capped by the largest duration seen.
func (h *histogram) quantile(q float64) time.Duration {
	rank := int64(math.Ceil(q * float64(h.n)))
	var seen int64
	for i, c := range h.counts {
		seen += c
		if seen >= rank && c > 0 {
			return min(upper(i), h.max)
		}
	}
	return h.max
}

// latency is the summary's Latency, nil when no line was timed.
func (h *histogram) latency() *Latency {
	if h.n == 0 {
		return nil
	}
	return &Latency{P50: h.quantile(0.50), P90: h.quantile(0.90), P99: h.quantile(0.99), Max: h.max}
}
