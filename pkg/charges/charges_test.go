package charges

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tweetpay/tweetpay/pkg/payment"
)

func TestParseTime(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		err  bool
	}{
		{in: "2026-11-24T10:00:00Z", want: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)},
		{in: "2026-11-24T11:00:00+01:00", want: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)},
		{in: "2026-11-24T10:00:00.5Z", want: time.Date(2026, 11, 24, 10, 0, 0, 5e8, time.UTC)},
		{in: "2026-11-20", want: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)},
		{in: "24h", want: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)},
		{in: " 90m ", want: time.Date(2026, 11, 24, 10, 30, 0, 0, time.UTC)},
		{in: "1h30m", want: time.Date(2026, 11, 24, 10, 30, 0, 0, time.UTC)},
		{in: "7d", want: time.Date(2026, 11, 17, 12, 0, 0, 0, time.UTC)},
		{in: "2w", want: time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC)},
		{in: "0s", want: now},
		{in: "", err: true},
		{in: "yesterday", err: true},
		{in: "-24h", err: true},
		{in: "+1h", err: true},
		{in: "-3d", err: true},
		{in: "1.5d", err: true},
		{in: "d", err: true},
		{in: "99999999d", err: true},
		{in: "2026-13-01", err: true},
		{in: "2026-11-24 10:00", err: true},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in, now)
		if tt.err {
			if !errors.Is(err, ErrBadTime) {
				t.Errorf("ParseTime(%q) = %v, %v; want an ErrBadTime", tt.in, got, err)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) = %v, %v; want %v in UTC", tt.in, got, err, tt.want)
		}
	}
}

func TestParseUntil(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	endOfDay := time.Date(2026, 11, 24, 23, 59, 59, 999999999, time.UTC)
	tests := []struct {
		in   string
		want time.Time
	}{
		// A date alone is the whole day, in UTC as it is read.
		{"2026-11-24", endOfDay},
		{" 2026-11-24 ", endOfDay},
		{"2026-02-28", time.Date(2026, 2, 28, 23, 59, 59, 999999999, time.UTC)},
		{"2026-12-31", time.Date(2026, 12, 31, 23, 59, 59, 999999999, time.UTC)},
		// A time or a duration is that instant.
		{"2026-11-24T00:00:00Z", time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)},
		{"2026-11-24T10:00:00+01:00", time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)},
		{"24h", time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		got, err := ParseUntil(tt.in, now)
		if err != nil || !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("ParseUntil(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "tomorrow", "2026-11-31", "-1h"} {
		if _, err := ParseUntil(in, now); !errors.Is(err, ErrBadTime) {
			t.Errorf("ParseUntil(%q): %v, want an ErrBadTime", in, err)
		}
	}
	// The same date as both ends is a valid range: that day.
	since, _ := ParseTime("2026-11-24", now)
	until, _ := ParseUntil("2026-11-24", now)
	if err := (Query{Since: since, Until: until}).Validate(); err != nil {
		t.Errorf("one day: %v", err)
	}
}

func TestQueryValidate(t *testing.T) {
	t0 := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		q    Query
		ok   bool
	}{
		{"empty", Query{}, true},
		{"every status", Query{Status: StatusRefunded}, true},
		{"bad status", Query{Status: "paid"}, false},
		{"range", Query{Since: t0, Until: t0.Add(time.Hour)}, true},
		{"same instant", Query{Since: t0, Until: t0}, true},
		{"reversed range", Query{Since: t0.Add(time.Hour), Until: t0}, false},
		{"negative limit", Query{Limit: -1}, false},
		{"buyer", Query{Buyer: "@alice"}, true},
		{"bad buyer", Query{Buyer: "@bad handle"}, false},
		{"blank buyer", Query{Buyer: "  "}, false},
		{"offer", Query{Offer: "#BuyBlueMug"}, true},
		{"gift offer", Query{Offer: "@tweetacoffee"}, true},
		{"bad offer", Query{Offer: "Buy Blue Mug"}, false},
	}
	for _, tt := range tests {
		err := tt.q.Validate()
		if tt.ok != (err == nil) || (err != nil && !errors.Is(err, ErrBadFilter)) {
			t.Errorf("%s: Validate() = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

func TestCheckBuyer(t *testing.T) {
	tests := []struct {
		in   string
		want string // a part of the problem; "" when valid
	}{
		{"@alice", ""},
		{"alice", ""},
		{" @Alice_42 ", ""},
		{"＠alice", ""},
		{"@abcdefghijklmnopqrst", ""}, // 20 characters: any name a tweet can mention
		{"@abcdefghijklmnopqrstu", "not a Twitter username"},
		{"@bad handle", "not a Twitter username"},
		{"@@alice", "not a Twitter username"},
		{"@al-ice", "not a Twitter username"},
		{"#alice", "not a Twitter username"},
		{"@ålice", "not a Twitter username"},
		{"@", "is empty"},
		{"", "is empty"},
	}
	for _, tt := range tests {
		got := CheckBuyer(tt.in)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("CheckBuyer(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCheckOffer(t *testing.T) {
	tests := []struct {
		in   string
		want string // a part of the problem; "" when valid
	}{
		{"BuyBlueMug", ""},
		{"#BuyBlueMug", ""},
		{"＃buybluemug", ""},
		{"#ашок", ""},
		{"@tweetacoffee", ""},
		{"tweetacoffee", ""},
		{"12345", ""}, // not a hashtag, but a gift handle can be all digits
		{"#12345", "not a hashtag"},
		{"#Buy-Now", "not a hashtag"},
		{"#Buy Blue Mug", "not a hashtag"},
		{"##BuyBlueMug", "not a hashtag"},
		{"@tweet a coffee", "not a gift handle"},
		{"@@tweetacoffee", "not a gift handle"},
		{"Buy Blue Mug", "neither a hashtag nor a gift handle"},
		{"Buy-Now", "neither a hashtag nor a gift handle"},
		{"#", "is empty"},
		{" ", "is empty"},
	}
	for _, tt := range tests {
		got := CheckOffer(tt.in)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("CheckOffer(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestQueryMatch(t *testing.T) {
	mk := func(offer, status string, captured bool, amount, capturedAmt, refunded int64) payment.Charge {
		return payment.Charge{Status: status, Captured: captured, Amount: amount, AmountCaptured: capturedAmt,
			AmountRefunded: refunded, Metadata: map[string]string{"offer": offer}}
	}
	paid := mk("BuyBlueMug", "succeeded", true, 1250, 1250, 0)
	partly := mk("BuyBlueMug", "succeeded", true, 1250, 1250, 500)
	released := mk("BuyKindle", "succeeded", false, 7900, 0, 7900)
	failed := mk("tweetacoffee", "failed", false, 500, 0, 0)
	authorised := mk("BuyKindle", "succeeded", false, 7900, 0, 0)
	cancelled := mk("BuyKindle", "succeeded", false, 7900, 0, 7900)
	cancelled.Refunded = true
	tests := []struct {
		q    Query
		c    payment.Charge
		want bool
	}{
		{Query{}, failed, true},
		{Query{Offer: "BuyBlueMug"}, paid, true},
		{Query{Offer: "#buybluemug"}, paid, true},
		{Query{Offer: "＃BUYBLUEMUG"}, paid, true},
		{Query{Offer: "BuyBlue"}, paid, false},
		{Query{Offer: "@tweetacoffee"}, failed, true},
		{Query{Status: StatusSucceeded}, paid, true},
		{Query{Status: StatusSucceeded}, failed, false},
		{Query{Status: StatusFailed}, failed, true},
		{Query{Status: StatusPending}, paid, false},
		{Query{Status: StatusRefunded}, paid, false},
		{Query{Status: StatusRefunded}, partly, true},
		// A released authorisation gave no money back: it is not a refund.
		{Query{Status: StatusRefunded}, released, false},
		{Query{Offer: "BuyBlueMug", Status: StatusFailed}, paid, false},
		// authorized and released are what the STATUS column shows for
		// succeeded charges not captured; succeeded keeps Stripe's meaning.
		{Query{Status: StatusAuthorized}, authorised, true},
		{Query{Status: StatusAuthorized}, cancelled, false},
		{Query{Status: StatusAuthorized}, paid, false},
		{Query{Status: StatusReleased}, cancelled, true},
		{Query{Status: StatusReleased}, authorised, false},
		{Query{Status: StatusReleased}, paid, false},
		{Query{Status: StatusReleased}, failed, false},
		{Query{Status: StatusSucceeded}, authorised, true},
		{Query{Status: StatusSucceeded}, cancelled, true},
	}
	for i, tt := range tests {
		if err := tt.q.Validate(); err != nil {
			t.Errorf("%d: %+v: %v", i, tt.q, err)
		}
		if got := tt.q.Match(tt.c); got != tt.want {
			t.Errorf("%d: %+v.Match(%+v) = %v, want %v", i, tt.q, tt.c, got, tt.want)
		}
	}
}

func TestRefundedAndCaptured(t *testing.T) {
	tests := []struct {
		name               string
		c                  payment.Charge
		captured, refunded int64
		failure            string
	}{
		{"paid", payment.Charge{Status: "succeeded", Captured: true, Amount: 1000, AmountCaptured: 1000}, 1000, 0, ""},
		{"partly refunded", payment.Charge{Status: "succeeded", Captured: true, Amount: 1000, AmountCaptured: 1000, AmountRefunded: 300}, 1000, 300, ""},
		{"partial capture", payment.Charge{Status: "succeeded", Captured: true, Amount: 1000, AmountCaptured: 600, AmountRefunded: 400}, 600, 0, ""},
		{"partial capture then refund", payment.Charge{Status: "succeeded", Captured: true, Amount: 1000, AmountCaptured: 600, AmountRefunded: 500}, 600, 100, ""},
		// A provider without amount_captured captured the whole amount
		// (as Captured reads it): nothing of the refund was a release.
		{"no amount_captured, refunded", payment.Charge{Status: "succeeded", Captured: true, Amount: 1000, AmountRefunded: 300}, 1000, 300, ""},
		{"authorised", payment.Charge{Status: "succeeded", Amount: 1000}, 0, 0, ""},
		{"released", payment.Charge{Status: "succeeded", Amount: 1000, AmountRefunded: 1000, Refunded: true}, 0, 0, ""},
		{"declined", payment.Charge{Status: "failed", Amount: 1000, FailureCode: "card_declined", Outcome: payment.Outcome{Reason: "insufficient_funds"}}, 0, 0, "insufficient_funds"},
		{"expired card", payment.Charge{Status: "failed", Amount: 1000, FailureCode: "expired_card"}, 0, 0, "expired_card"},
	}
	for _, tt := range tests {
		if got := Captured(tt.c); got != tt.captured {
			t.Errorf("%s: Captured = %d, want %d", tt.name, got, tt.captured)
		}
		if got := Refunded(tt.c); got != tt.refunded {
			t.Errorf("%s: Refunded = %d, want %d", tt.name, got, tt.refunded)
		}
		if got := Failure(tt.c); got != tt.failure {
			t.Errorf("%s: Failure = %q, want %q", tt.name, got, tt.failure)
		}
	}
}

func TestReleasedAndDisplayStatus(t *testing.T) {
	tests := []struct {
		name     string
		c        payment.Charge
		released bool
		status   string
	}{
		{"paid", payment.Charge{Status: "succeeded", Captured: true, Amount: 1000, AmountCaptured: 1000}, false, "succeeded"},
		{"fully refunded after capture", payment.Charge{Status: "succeeded", Captured: true, Amount: 1000, AmountCaptured: 1000,
			AmountRefunded: 1000, Refunded: true}, false, "succeeded"},
		{"partial capture", payment.Charge{Status: "succeeded", Captured: true, Amount: 1000, AmountCaptured: 600, AmountRefunded: 400}, false, "succeeded"},
		{"authorised", payment.Charge{Status: "succeeded", Amount: 1000}, false, "authorized"},
		// What Stripe reports once an uncaptured payment is cancelled.
		{"released", payment.Charge{Status: "succeeded", Amount: 1000, AmountRefunded: 1000, Refunded: true}, true, "released"},
		{"declined", payment.Charge{Status: "failed", Amount: 1000, FailureCode: "card_declined"}, false, "failed"},
		{"pending", payment.Charge{Status: "pending", Amount: 1000}, false, "pending"},
	}
	for _, tt := range tests {
		if got := Released(tt.c); got != tt.released {
			t.Errorf("%s: Released = %v, want %v", tt.name, got, tt.released)
		}
		if got := DisplayStatus(tt.c); got != tt.status {
			t.Errorf("%s: DisplayStatus = %q, want %q", tt.name, got, tt.status)
		}
		if got := RecordOf(tt.c).Released; got != tt.released {
			t.Errorf("%s: RecordOf(...).Released = %v, want %v", tt.name, got, tt.released)
		}
	}
}

func TestListFilters(t *testing.T) {
	w := newWorld(t)
	day := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	a1 := w.buy(day, "@alice", "BuyBlueMug", 1250, "usd", "pm_card_visa")
	b1 := w.buy(day.Add(time.Hour), "@bob", "BuyBlueMug", 1250, "usd", "pm_card_visa_chargeDeclinedInsufficientFunds")
	a2 := w.buy(day.Add(24*time.Hour), "@alice", "BuyTeaPot", 3000, "usd", "pm_card_visa")
	c1 := w.buy(day.Add(48*time.Hour), "@carol", "BuyBlueMug", 1000, "eur", "pm_card_mastercard")
	w.customer("@dave") // a buyer without charges

	l := Lister{Gateway: w.gw}
	ctx := context.Background()
	tests := []struct {
		name string
		q    Query
		want []string
	}{
		{"all, newest first", Query{}, []string{c1, a2, b1, a1}},
		{"limit", Query{Limit: 2}, []string{c1, a2}},
		{"offer", Query{Offer: "#buybluemug"}, []string{c1, b1, a1}},
		{"offer and limit counts matches", Query{Offer: "BuyBlueMug", Limit: 2}, []string{c1, b1}},
		{"buyer", Query{Buyer: "@alice"}, []string{a2, a1}},
		{"buyer without @", Query{Buyer: "ALICE"}, []string{a2, a1}},
		{"buyer without charges", Query{Buyer: "@dave"}, nil},
		{"unknown buyer", Query{Buyer: "@nobody"}, nil},
		{"failed", Query{Status: StatusFailed}, []string{b1}},
		{"succeeded", Query{Status: StatusSucceeded}, []string{c1, a2, a1}},
		{"since", Query{Since: day.Add(time.Hour)}, []string{c1, a2, b1}},
		{"until", Query{Until: day.Add(time.Hour)}, []string{b1, a1}},
		{"range", Query{Since: day.Add(time.Minute), Until: day.Add(47 * time.Hour)}, []string{a2, b1}},
		{"buyer and offer", Query{Buyer: "@alice", Offer: "BuyTeaPot"}, []string{a2}},
	}
	for _, tt := range tests {
		got := ids(collect(t, l.List(ctx, tt.q)))
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}

	// Pages are followed: a page size of 1 still yields every charge.
	got := ids(collect(t, Lister{Gateway: w.gw, PageSize: 1}.List(ctx, Query{Offer: "BuyBlueMug"})))
	if !slices.Equal(got, []string{c1, b1, a1}) {
		t.Errorf("page size 1: got %v", got)
	}

	// A bad query fails before any request.
	for _, err := range l.List(ctx, Query{Status: "paid"}) {
		if !errors.Is(err, ErrBadFilter) {
			t.Errorf("bad status: got %v, want ErrBadFilter", err)
		}
	}
}

// countingGateway counts the charges the provider returned.
type countingGateway struct {
	payment.Gateway
	fetched int
	filter  payment.ChargeFilter
}

func (g *countingGateway) ListCharges(ctx context.Context, f payment.ChargeFilter) iter.Seq2[payment.Charge, error] {
	g.filter = f
	return func(yield func(payment.Charge, error) bool) {
		for c, err := range g.Gateway.ListCharges(ctx, f) {
			g.fetched++
			if !yield(c, err) {
				return
			}
		}
	}
}

// A date given to --until includes that whole day: --since D --until D
// lists the charges of day D, up to its last second.
func TestListOneDay(t *testing.T) {
	w := newWorld(t)
	day := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	before := w.buy(day.Add(-time.Second), "@alice", "BuyBlueMug", 1250, "usd", "pm_card_visa")
	first := w.buy(day, "@alice", "BuyBlueMug", 1250, "usd", "pm_card_visa")
	noon := w.buy(day.Add(12*time.Hour), "@alice", "BuyBlueMug", 1250, "usd", "pm_card_visa")
	last := w.buy(day.Add(24*time.Hour-time.Second), "@alice", "BuyBlueMug", 1250, "usd", "pm_card_visa")
	after := w.buy(day.Add(24*time.Hour), "@alice", "BuyBlueMug", 1250, "usd", "pm_card_visa")
	now := day.Add(72 * time.Hour)
	since, err := ParseTime("2026-11-24", now)
	if err != nil {
		t.Fatal(err)
	}
	until, err := ParseUntil("2026-11-24", now)
	if err != nil {
		t.Fatal(err)
	}
	got := ids(collect(t, Lister{Gateway: w.gw}.List(context.Background(), Query{Since: since, Until: until})))
	if want := []string{last, noon, first}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v (not %s or %s)", got, want, before, after)
	}
	s, err := Summarize(Lister{Gateway: w.gw}.List(context.Background(), Query{Until: until}), ByDay, Query{Until: until})
	if err != nil {
		t.Fatal(err)
	}
	if s.Total.Count != 4 || s.Until == nil || *s.Until != "2026-11-24T23:59:59Z" {
		t.Errorf("summary until the day: count %d, until %v", s.Total.Count, s.Until)
	}
}

func TestListAsksProviderForLimit(t *testing.T) {
	w := newWorld(t)
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for i := range 5 {
		w.buy(at.Add(time.Duration(i)*time.Minute), "@alice", "BuyBlueMug", 1250, "usd", "pm_card_visa")
	}
	g := &countingGateway{Gateway: w.gw}
	got := collect(t, Lister{Gateway: g}.List(context.Background(), Query{Limit: 2}))
	if len(got) != 2 || g.filter.Limit != 2 || g.fetched != 2 {
		t.Errorf("limit 2: got %d charges, provider limit %d, fetched %d", len(got), g.filter.Limit, g.fetched)
	}
	// With a local filter the provider cannot stop at the limit.
	g = &countingGateway{Gateway: w.gw}
	got = collect(t, Lister{Gateway: g}.List(context.Background(), Query{Limit: 2, Status: StatusSucceeded}))
	if len(got) != 2 || g.filter.Limit != 0 || g.filter.PageSize != 100 {
		t.Errorf("limit 2 + status: got %d charges, provider filter %+v", len(got), g.filter)
	}
	// Stopping early fetches no more than was consumed.
	g = &countingGateway{Gateway: w.gw}
	for range (Lister{Gateway: g}).List(context.Background(), Query{}) {
		break
	}
	if g.fetched != 1 {
		t.Errorf("break after one: fetched %d", g.fetched)
	}
}

var emptyCode = regexp.MustCompile(`"(failure_code|decline_code|reason)":""`)

// Absent codes are null in JSON, as in `simulate tweet -o json`; present
// ones are strings.
func TestCodeJSON(t *testing.T) {
	paid := payment.Charge{ID: "ch_1", Status: "succeeded", Captured: true, Amount: 1250, AmountCaptured: 1250, Currency: "usd"}
	declined := payment.Charge{ID: "ch_2", Status: "failed", Amount: 1250, Currency: "usd", FailureCode: "card_declined",
		Outcome: payment.Outcome{Type: "issuer_declined", Reason: "insufficient_funds"}}
	refund := payment.Refund{ID: "re_1", Charge: "ch_1", Amount: 500, Currency: "usd", Status: "succeeded"}
	tests := []struct {
		name string
		v    any
		want []string
	}{
		{"paid record", RecordOf(paid), []string{`"failure_code":null`, `"decline_code":null`}},
		{"declined record", RecordOf(declined), []string{`"failure_code":"card_declined"`, `"decline_code":"insufficient_funds"`}},
		{"paid detail", DetailOf(paid, []payment.Refund{refund}),
			[]string{`"failure_code":null`, `"decline_code":null`, `"outcome":{"type":"","reason":null,`, `"refunds":[{"id":"re_1","amount":500,"currency":"usd","status":"succeeded","reason":null,`}},
		{"declined detail", DetailOf(declined, nil), []string{`"reason":"insufficient_funds"`, `"refunds":[]`}},
		{"refund without reason", resultOf(refund, paid, 500, false), []string{`"reason":null`}},
		{"refund with reason", resultOf(payment.Refund{ID: "re_2", Reason: "duplicate"}, paid, 500, false), []string{`"reason":"duplicate"`}},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.v)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s: %s\nlacks %s", tt.name, b, w)
			}
		}
		if m := emptyCode.Find(b); m != nil {
			t.Errorf("%s: %s in %s", tt.name, m, b)
		}
	}

	// Read back: null is an absent code.
	var r Record
	if err := json.Unmarshal([]byte(`{"failure_code":null,"decline_code":"do_not_honor"}`), &r); err != nil ||
		r.FailureCode != "" || r.DeclineCode != "do_not_honor" {
		t.Errorf("unmarshal: %+v, %v", r, err)
	}
	if err := json.Unmarshal([]byte(`{"failure_code":7}`), &r); err == nil {
		t.Errorf("a number read as a code")
	}
}
