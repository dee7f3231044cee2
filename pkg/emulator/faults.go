package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrFaultSpec is wrapped by ParseFaults' errors.
var ErrFaultSpec = errors.New("invalid fault specification")

// Faults are the failures WithFaults injects. Rates are probabilities per
// request, drawn in the order reset, 429, 500, 503.
type Faults struct {
	// RateLimit is the probability of a 429 with code rate_limit.
	RateLimit float64
	// ServerError is the probability of a 500 api_error.
	ServerError float64
	// Unavailable is the probability of a 503 api_error (Stripe-Should-Retry: true).
	Unavailable float64
	// Reset is the probability of the connection being closed without a response.
	Reset float64
	// Latency is added before every request; with LatencyMax > Latency the
	// delay is uniform in [Latency, LatencyMax].
	Latency    time.Duration
	LatencyMax time.Duration
}

// Zero reports whether f injects nothing.
func (f Faults) Zero() bool { return f == Faults{} }

// String renders f in ParseFaults' syntax.
func (f Faults) String() string {
	var parts []string
	add := func(name string, v float64) {
		if v > 0 {
			parts = append(parts, name+"="+strconv.FormatFloat(v, 'g', -1, 64))
		}
	}
	add("429", f.RateLimit)
	add("500", f.ServerError)
	add("503", f.Unavailable)
	add("reset", f.Reset)
	if f.Latency > 0 || f.LatencyMax > 0 {
		s := "latency=" + f.Latency.String()
		if f.LatencyMax > f.Latency {
			s += "-" + f.LatencyMax.String()
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ",")
}

// ParseFaults parses a comma-separated spec such as
// "429=0.1,503=0.05,reset=0.02,latency=20ms" (also "500=p" and
// "latency=5ms-50ms"). Probabilities are in [0, 1] and their sum at most 1.
func ParseFaults(spec string) (Faults, error) {
	var f Faults
	spec = strings.TrimSpace(spec)
	if spec == "" || spec == "none" {
		return f, nil
	}
	seen := map[string]bool{}
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		name, val, ok := strings.Cut(item, "=")
		name, val = strings.TrimSpace(name), strings.TrimSpace(val)
		if !ok || name == "" || val == "" {
			return Faults{}, fmt.Errorf("%w: %q is not name=value", ErrFaultSpec, item)
		}
		if seen[name] {
			return Faults{}, fmt.Errorf("%w: %q given twice", ErrFaultSpec, name)
		}
		seen[name] = true
		if name == "latency" {
			lo, hi, ranged := strings.Cut(val, "-")
			d, err := time.ParseDuration(lo)
			if err != nil || d < 0 {
				return Faults{}, fmt.Errorf("%w: latency %q is not a duration such as 20ms", ErrFaultSpec, val)
			}
			f.Latency = d
			if ranged {
				d2, err := time.ParseDuration(hi)
				if err != nil || d2 < d {
					return Faults{}, fmt.Errorf("%w: latency range %q must be low-high, such as 5ms-50ms", ErrFaultSpec, val)
				}
				f.LatencyMax = d2
			}
			continue
		}
		p, err := strconv.ParseFloat(strings.TrimSuffix(val, "%"), 64)
		// NaN parses, and then passes every comparison below by failing
		// it: 429=NaN would be accepted and inject nothing.
		if err != nil || math.IsNaN(p) {
			return Faults{}, fmt.Errorf("%w: %s=%s: the probability must be a number between 0 and 1", ErrFaultSpec, name, val)
		}
		if strings.HasSuffix(val, "%") {
			p /= 100
		}
		if p < 0 || p > 1 {
			return Faults{}, fmt.Errorf("%w: %s=%s: the probability must be between 0 and 1", ErrFaultSpec, name, val)
		}
		switch name {
		case "429":
			f.RateLimit = p
		case "500":
			f.ServerError = p
		case "503":
			f.Unavailable = p
		case "reset":
			f.Reset = p
		default:
			return Faults{}, fmt.Errorf("%w: unknown fault %q (want 429, 500, 503, reset or latency)", ErrFaultSpec, name)
		}
	}
	if sum := f.RateLimit + f.ServerError + f.Unavailable + f.Reset; sum > 1 {
		return Faults{}, fmt.Errorf("%w: the probabilities add up to %g, more than 1", ErrFaultSpec, sum)
	}
	return f, nil
}

// WithFaults wraps h so that requests fail as f says before reaching h (an
// injected failure has no effect on state). The draws come from a generator
// seeded with seed, so a run can be repeated. A reset closes the connection
// (in-process, NewTransport turns it into a connection-reset error).
func WithFaults(h http.Handler, f Faults, seed int64) http.Handler {
	if f.Zero() {
		return h
	}
	return &faulty{h: h, f: f, rng: rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15))}
}

type faulty struct {
	h   http.Handler
	f   Faults
	mu  sync.Mutex
	rng *rand.Rand
}

func (fh *faulty) draw() (float64, time.Duration) {
	fh.mu.Lock()
	defer fh.mu.Unlock()
	d := fh.f.Latency
	if fh.f.LatencyMax > fh.f.Latency {
		d += time.Duration(fh.rng.Int64N(int64(fh.f.LatencyMax - fh.f.Latency + 1)))
	}
	return fh.rng.Float64(), d
}

func (fh *faulty) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p, delay := fh.draw()
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		}
	}
	f := fh.f
	switch {
	case p < f.Reset:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	case p < f.Reset+f.RateLimit:
		writeFault(w, http.StatusTooManyRequests, "", &apiError{Type: "invalid_request_error", Code: "rate_limit",
			Message: "Request rate limit exceeded. You can learn more about rate limits here https://stripe.com/docs/rate-limits.",
			DocURL:  docURL("rate_limit")})
	case p < f.Reset+f.RateLimit+f.ServerError:
		writeFault(w, http.StatusInternalServerError, "", &apiError{Type: "api_error",
			Message: "An unknown error occurred (injected by the emulator's fault settings)."})
	case p < f.Reset+f.RateLimit+f.ServerError+f.Unavailable:
		writeFault(w, http.StatusServiceUnavailable, "true", &apiError{Type: "api_error",
			Message: "The service is temporarily unavailable (injected by the emulator's fault settings). Please retry."})
	default:
		fh.h.ServeHTTP(w, r)
	}
}

func writeFault(w http.ResponseWriter, status int, retry string, aerr *apiError) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Request-Id", newRequestID())
	h.Set("Stripe-Version", APIVersion)
	if retry != "" {
		h.Set("Stripe-Should-Retry", retry)
	}
	body, _ := json.Marshal(errorEnvelope{Error: aerr})
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
