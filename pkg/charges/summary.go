package charges

import (
	"cmp"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/tweetpay/tweetpay/pkg/payment"
	"github.com/tweetpay/tweetpay/pkg/shop"
)

// The ways a summary can group charges.
const (
	ByOffer = "offer"
	ByBuyer = "buyer"
	ByDay   = "day"
)

// GroupBys lists the accepted values of --by.
var GroupBys = []string{ByOffer, ByBuyer, ByDay}

// NoKey is the group of charges without the grouping metadata (charges not
// made by tweetpay).
const NoKey = "(none)"

// Summary is `charges summary -o json`: one entry per group, sorted by key
// (days in date order), and the totals of every charge counted.
type Summary struct {
	By     string  `json:"by"`
	Since  *string `json:"since"`
	Until  *string `json:"until"`
	Groups []Group `json:"groups"`
	Total  Totals  `json:"total"`
}

// Group is the totals of the charges sharing a key: an offer ("BuyBlueMug"),
// a buyer ("@alice") or a UTC day ("2026-11-24").
type Group struct {
	Key string `json:"key"`
	Totals
}

// Totals counts charges and sums their money, per currency.
type Totals struct {
	// Count is every charge; Succeeded, Declined and Pending split it by
	// Stripe's status (failed charges are declines).
	Count     int `json:"count"`
	Succeeded int `json:"succeeded"`
	Declined  int `json:"declined"`
	Pending   int `json:"pending"`
	// Uncaptured counts the succeeded charges that are authorisations not
	// captured: awaiting confirmation, or released (Released counts those).
	Uncaptured int `json:"uncaptured"`
	Released   int `json:"released"`
	// Amounts holds one entry per currency, sorted; amounts in different
	// currencies are never added together.
	Amounts []CurrencyTotals `json:"amounts"`
	// DeclineCodes counts the failed charges by decline code (or failure
	// code when the bank gave none), most frequent first.
	DeclineCodes []CodeCount `json:"decline_codes"`
}

// CurrencyTotals is the money of one currency, in minor units: Gross is what
// was captured, Refunded what was given back after capture, Net the
// difference.
type CurrencyTotals struct {
	Currency string `json:"currency"`
	Gross    int64  `json:"gross"`
	Refunded int64  `json:"refunded"`
	Net      int64  `json:"net"`
}

// CodeCount is how many declines had a code.
type CodeCount struct {
	Code  string `json:"code"`
	Count int    `json:"count"`
}

// Summarizer accumulates charges into a Summary; its memory grows with the
// number of groups and currencies, not of charges.
type Summarizer struct {
	by     string
	groups map[string]*acc
	total  acc
}

type acc struct {
	count, succeeded, declined, pending, uncaptured, released int
	money                                                     map[string]*CurrencyTotals
	codes                                                     map[string]int
}

func (a *acc) add(c payment.Charge) {
	a.count++
	switch c.Status {
	case StatusSucceeded:
		a.succeeded++
		if !c.Captured {
			a.uncaptured++
		}
		if Released(c) {
			a.released++
		}
	case StatusFailed:
		a.declined++
		code := Failure(c)
		if code == "" {
			code = "unknown"
		}
		if a.codes == nil {
			a.codes = map[string]int{}
		}
		a.codes[code]++
	case StatusPending:
		a.pending++
	}
	cur := strings.ToLower(c.Currency)
	if a.money == nil {
		a.money = map[string]*CurrencyTotals{}
	}
	m := a.money[cur]
	if m == nil {
		m = &CurrencyTotals{Currency: cur}
		a.money[cur] = m
	}
	g, r := Captured(c), Refunded(c)
	m.Gross += g
	m.Refunded += r
	m.Net += g - r
}

func (a *acc) totals() Totals {
	t := Totals{
		Count: a.count, Succeeded: a.succeeded, Declined: a.declined, Pending: a.pending, Uncaptured: a.uncaptured, Released: a.released,
		Amounts: make([]CurrencyTotals, 0, len(a.money)), DeclineCodes: make([]CodeCount, 0, len(a.codes)),
	}
	for _, m := range a.money {
		t.Amounts = append(t.Amounts, *m)
	}
	slices.SortFunc(t.Amounts, func(x, y CurrencyTotals) int { return strings.Compare(x.Currency, y.Currency) })
	for code, n := range a.codes {
		t.DeclineCodes = append(t.DeclineCodes, CodeCount{Code: code, Count: n})
	}
	slices.SortFunc(t.DeclineCodes, func(x, y CodeCount) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), strings.Compare(x.Code, y.Code))
	})
	return t
}

// NewSummarizer returns a Summarizer grouping by one of GroupBys.
func NewSummarizer(by string) (*Summarizer, error) {
	if !slices.Contains(GroupBys, by) {
		return nil, fmt.Errorf("%w: --by %q is not one of %s", ErrBadFilter, by, strings.Join(GroupBys, ", "))
	}
	return &Summarizer{by: by, groups: map[string]*acc{}}, nil
}

// Add counts one charge.
func (s *Summarizer) Add(c payment.Charge) {
	k := GroupKey(c, s.by)
	g := s.groups[k]
	if g == nil {
		g = &acc{}
		s.groups[k] = g
	}
	g.add(c)
	s.total.add(c)
}

// Summary returns the totals so far.
func (s *Summarizer) Summary() Summary {
	out := Summary{By: s.by, Groups: make([]Group, 0, len(s.groups)), Total: s.total.totals()}
	for k, g := range s.groups {
		out.Groups = append(out.Groups, Group{Key: k, Totals: g.totals()})
	}
	slices.SortFunc(out.Groups, func(x, y Group) int {
		// The charges without a key come last.
		return cmp.Or(cmp.Compare(boolInt(x.Key == NoKey), boolInt(y.Key == NoKey)), strings.Compare(x.Key, y.Key))
	})
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// GroupKey is the group of a charge: its offer, its buyer (else its
// Customer) or its UTC creation day; NoKey when the metadata is missing.
func GroupKey(c payment.Charge, by string) string {
	var k string
	switch by {
	case ByOffer:
		k = c.Metadata[shop.MetaOffer]
	case ByBuyer:
		k = cmp.Or(c.Metadata[shop.MetaBuyer], c.Customer)
	case ByDay:
		k = c.Created.UTC().Format(time.DateOnly)
	}
	return cmp.Or(k, NoKey)
}

// Summarize counts every charge of seq, grouped by one of GroupBys, and
// sets the Summary's Since and Until from q.
func Summarize(seq iter.Seq2[payment.Charge, error], by string, q Query) (Summary, error) {
	s, err := NewSummarizer(by)
	if err != nil {
		return Summary{}, err
	}
	for c, err := range seq {
		if err != nil {
			return Summary{}, err
		}
		s.Add(c)
	}
	out := s.Summary()
	if !q.Since.IsZero() {
		v := q.Since.UTC().Format(time.RFC3339)
		out.Since = &v
	}
	if !q.Until.IsZero() {
		v := q.Until.UTC().Format(time.RFC3339)
		out.Until = &v
	}
	return out, nil
}
