package scenario

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tweetpay/tweetpay/pkg/buyer"
	"github.com/tweetpay/tweetpay/pkg/payment"
	"github.com/tweetpay/tweetpay/pkg/shop"
)

// Engine is what a scenario runs against: shop.Engine provides it.
type Engine interface {
	Process(ctx context.Context, tw shop.Tweet) (shop.Result, error)
	ExpireDue(ctx context.Context, at time.Time) ([]shop.Result, error)
	Gateway() payment.Gateway
	Namespace() string
}

// Report is what happened in one run of one scenario.
type Report struct {
	Name    string `json:"name"`
	File    string `json:"file"`
	Passed  int    `json:"passed"`
	Failed  int    `json:"failed"`
	Skipped int    `json:"skipped"`
	// Unavailable counts the failed steps that failed because the
	// payment provider was unavailable (StepReport.Unavailable).
	Unavailable int           `json:"provider_unavailable"`
	Steps       []StepReport  `json:"steps"`
	Started     time.Time     `json:"-"`
	Duration    time.Duration `json:"-"`

	// Invalid is set on the report of a file that could not run at all (see
	// InvalidFile): why, as printed, and the line it is about, 0 when none.
	Invalid     string `json:"-"`
	InvalidLine int    `json:"-"`
}

// OK reports whether every step passed, and the file could run.
func (r Report) OK() bool { return r.Failed == 0 && r.Invalid == "" }

// StepReport is the result of one step.
type StepReport struct {
	Index int    `json:"step"`
	Line  int    `json:"line"`
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	// Passed is false when an expectation failed or the step errored, and
	// when the step did not run.
	Passed bool `json:"passed"`
	// Skipped is set on a step that did not run, because the run was
	// interrupted or stopped before it; SkipReason says which.
	Skipped    bool      `json:"skipped"`
	SkipReason string    `json:"skip_reason,omitempty"`
	Failures   []Failure `json:"failures"`
	// Error is set when the step could not be carried out.
	Error string `json:"error,omitempty"`
	// Unavailable is set on a failed step whose error was the payment
	// provider's being unavailable (a network failure, 429 or 5xx after
	// the client's retries): a retry of the run may pass.
	Unavailable bool          `json:"provider_unavailable,omitempty"`
	Result      *shop.Result  `json:"result,omitempty"`
	Charges     *ChargeTotals `json:"charges,omitempty"`
	// Expired is set by an expire step, to an empty list when nothing
	// expired.
	Expired *[]shop.Result `json:"expired,omitempty"`

	Duration time.Duration `json:"-"`
}

// Messages returns the step's failures and error as sentences, or why it
// did not run.
func (s StepReport) Messages() []string {
	if s.Skipped {
		return []string{"not run: " + s.SkipReason}
	}
	if s.Unavailable {
		// Whatever the expectations said, the provider's failure is
		// the news: the step says nothing about the flow.
		return []string{UnavailablePrefix + s.Error}
	}
	var out []string
	for _, f := range s.Failures {
		out = append(out, f.String())
	}
	if s.Error != "" && len(out) == 0 {
		out = append(out, "error: "+s.Error)
	}
	return out
}

// ChargeTotals sums up the charges a charges step selected.
type ChargeTotals struct {
	Count      int64 `json:"count"`
	Succeeded  int64 `json:"succeeded"`
	Failed     int64 `json:"failed"`
	Pending    int64 `json:"pending"`
	Captured   int64 `json:"captured"`
	Uncaptured int64 `json:"uncaptured"`
	Refunded   int64 `json:"refunded"`
	// Gross is the money captured, Net that minus refunds, Authorized the
	// money held by authorisations not yet captured, in minor units.
	Gross      int64 `json:"gross"`
	Net        int64 `json:"net"`
	Authorized int64 `json:"authorized"`
}

func (t ChargeTotals) values() map[string]int64 {
	return map[string]int64{
		"count": t.Count, "succeeded": t.Succeeded, "failed": t.Failed, "pending": t.Pending,
		"captured": t.Captured, "uncaptured": t.Uncaptured, "refunded": t.Refunded,
		"gross": t.Gross, "net": t.Net, "authorized": t.Authorized,
	}
}

// UnavailablePrefix starts the message of a step that failed because the
// payment provider was unavailable.
const UnavailablePrefix = "payment provider unavailable (retry may help): "

// Skip reasons of steps that did not run.
const (
	SkipInterrupted        = "interrupted before this step"
	SkipInterruptedRunning = "interrupted while this step ran"
)

// Run runs every step of s against eng, in order, and reports each one. A
// failed step does not stop the run. The error is nil when every step
// passed, wraps ErrExpectation when a step failed (Report.Unavailable
// counts those that failed because the provider was unavailable, which
// the caller may report as such), and wraps the context's
// error when ctx was cancelled. The report always holds every step of s:
// those that did not run because ctx was cancelled are Skipped.
func Run(ctx context.Context, eng Engine, s *Scenario) (Report, error) {
	rep := Report{Name: s.Name, File: s.Path, Started: time.Now(), Steps: []StepReport{}}
	since := rep.Started.Add(-time.Minute)
	for i, st := range s.Steps {
		if err := ctx.Err(); err != nil {
			rep.skip(s.Steps[i:], SkipInterrupted)
			rep.Duration = time.Since(rep.Started)
			return rep, fmt.Errorf("scenario %s: stopped before step %d: %w", s.Name, st.Index, err)
		}
		t0 := time.Now()
		sr := runStep(ctx, eng, st, since)
		sr.Duration = time.Since(t0)
		if sr.Error != "" && ctx.Err() != nil {
			// The step's result is unknown, not wrong: the error is
			// the cancellation's, which CI would show as a failure.
			rep.skip(s.Steps[i:i+1], SkipInterruptedRunning)
			continue
		}
		for j := range sr.Failures {
			if sr.Failures[j].Line == 0 {
				// A failure no written key stands for (an unexpected
				// error, a charge list that failed) is the step's.
				sr.Failures[j].Line = st.Line
			}
		}
		sr.Passed = len(sr.Failures) == 0 && (sr.Error == "" || expectsError(st))
		sr.Unavailable = sr.Unavailable && !sr.Passed
		if sr.Failures == nil {
			sr.Failures = []Failure{}
		}
		switch {
		case sr.Passed:
			rep.Passed++
		case sr.Unavailable:
			rep.Failed++
			rep.Unavailable++
		default:
			rep.Failed++
		}
		rep.Steps = append(rep.Steps, sr)
	}
	rep.Duration = time.Since(rep.Started)
	if err := ctx.Err(); err != nil {
		return rep, fmt.Errorf("scenario %s: %w", s.Name, err)
	}
	if rep.Failed > 0 {
		return rep, fmt.Errorf("%w: scenario %s: %d of %d steps failed", ErrExpectation, s.Name, rep.Failed, len(rep.Steps))
	}
	return rep, nil
}

// NotRun is the report of a scenario that did not start: every step is
// skipped, for reason.
func NotRun(s *Scenario, reason string) Report {
	rep := Report{Name: s.Name, File: s.Path, Steps: []StepReport{}}
	rep.skip(s.Steps, reason)
	return rep
}

// InvalidFile is the report of a scenario file that could not run at all:
// one that does not load (s then holds only its path and name, see
// FileError), or whose offers or buyers clash with the config's. message
// is the error as printed, and line the line it is about, 0 when none. It
// has no steps; its JUnit testsuite holds one testcase, in error.
func InvalidFile(s *Scenario, line int, message string) Report {
	return Report{Name: s.Name, File: s.Path, Steps: []StepReport{}, Invalid: message, InvalidLine: line}
}

func (r *Report) skip(steps []Step, reason string) {
	for _, st := range steps {
		r.Steps = append(r.Steps, StepReport{Index: st.Index, Line: st.Line, Name: st.Name, Kind: st.Kind,
			Skipped: true, SkipReason: reason, Failures: []Failure{}})
		r.Skipped++
	}
}

func expectsError(st Step) bool {
	for _, e := range st.Expect {
		if e.Field == "error" && !e.Null {
			return true
		}
	}
	return false
}

func runStep(ctx context.Context, eng Engine, st Step, since time.Time) StepReport {
	sr := StepReport{Index: st.Index, Line: st.Line, Name: st.Name, Kind: st.Kind}
	switch st.Kind {
	case KindTweet:
		r, err := eng.Process(ctx, st.Tweet)
		if err != nil {
			sr.Error = err.Error()
			sr.Unavailable = errors.Is(err, payment.ErrUnavailable)
		} else {
			sr.Result = &r
		}
		sr.Failures = checkTweet(st.Expect, r, err)
	case KindCharges:
		t, err := Totals(ctx, eng.Gateway(), eng.Namespace(), st.Filter, since)
		if err != nil {
			sr.Error = err.Error()
			sr.Unavailable = errors.Is(err, payment.ErrUnavailable)
			sr.Failures = []Failure{{Field: "charges", Expected: "a list of charges", Got: "error: " + err.Error()}}
			return sr
		}
		sr.Charges = &t
		sr.Failures = checkNumbers(st.Expect, t.values())
	case KindExpire:
		rs, err := eng.ExpireDue(ctx, st.At)
		if err != nil {
			sr.Error = err.Error()
			sr.Unavailable = errors.Is(err, payment.ErrUnavailable)
			sr.Failures = []Failure{{Field: "expire", Expected: "expired purchases", Got: "error: " + err.Error()}}
			return sr
		}
		if rs == nil {
			rs = []shop.Result{}
		}
		sr.Expired = &rs
		sr.Failures = checkNumbers(st.Expect, map[string]int64{"count": int64(len(rs))})
	}
	return sr
}

// Totals lists the charges made through gw by tweets of the namespace (all
// tweetpay charges when it is empty) that match f, and sums them up. With a
// namespace, only charges created after since are listed, so that a shared
// Stripe account's history is not walked.
func Totals(ctx context.Context, gw payment.Gateway, namespace string, f ChargeFilter, since time.Time) (ChargeTotals, error) {
	var t ChargeTotals
	lf := payment.ChargeFilter{}
	if namespace != "" {
		lf.CreatedGTE = since
	}
	for c, err := range gw.ListCharges(ctx, lf) {
		if err != nil {
			return t, fmt.Errorf("list charges: %w", err)
		}
		id, ok := c.Metadata[shop.MetaTweetID]
		if !ok || !strings.HasPrefix(id, namespace) {
			continue
		}
		if !f.matches(c) {
			continue
		}
		t.Count++
		switch c.Status {
		case "succeeded":
			t.Succeeded++
			switch {
			case c.Captured:
				t.Captured++
			case !c.Refunded:
				t.Uncaptured++
				t.Authorized += c.Amount - c.AmountRefunded
			}
		case "failed":
			t.Failed++
		case "pending":
			t.Pending++
		}
		if c.AmountRefunded > 0 && c.Captured {
			t.Refunded++
		}
		if c.Captured {
			t.Gross += c.AmountCaptured
			t.Net += c.AmountCaptured - c.AmountRefunded
		}
	}
	return t, nil
}

func (f ChargeFilter) matches(c payment.Charge) bool {
	if f.Offer != "" && !strings.EqualFold(offerTag(f.Offer), offerTag(c.Metadata[shop.MetaOffer])) {
		return false
	}
	if f.Buyer != "" && !buyer.SameHandle(f.Buyer, c.Metadata[shop.MetaBuyer]) {
		return false
	}
	if f.Status != "" && c.Status != f.Status {
		return false
	}
	if f.Currency != "" && !strings.EqualFold(f.Currency, c.Currency) {
		return false
	}
	return true
}

// Summary counts steps over several reports: Steps is Passed + Failed +
// Skipped.
type Summary struct {
	Scenarios int `json:"scenarios"`
	Steps     int `json:"steps"`
	Passed    int `json:"passed"`
	Failed    int `json:"failed"`
	Skipped   int `json:"skipped"`
	// Unavailable counts the failed steps that failed because the
	// payment provider was unavailable; they are among Failed.
	Unavailable int `json:"provider_unavailable"`
}

// Summarize adds up reports.
func Summarize(reports []Report) Summary {
	s := Summary{Scenarios: len(reports)}
	for _, r := range reports {
		s.Steps += len(r.Steps)
		s.Passed += r.Passed
		s.Failed += r.Failed
		s.Skipped += r.Skipped
		s.Unavailable += r.Unavailable
	}
	return s
}

// IsExpectation reports whether err is a failed expectation rather than a
// failure to run.
func IsExpectation(err error) bool { return errors.Is(err, ErrExpectation) }
