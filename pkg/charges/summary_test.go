package charges

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/tweetpay/tweetpay/pkg/payment"
)

func TestSummarizer(t *testing.T) {
	d1 := time.Date(2026, 11, 23, 23, 59, 0, 0, time.UTC)
	d2 := time.Date(2026, 11, 24, 0, 1, 0, 0, time.UTC)
	md := func(offer, buyer string) map[string]string { return map[string]string{"offer": offer, "buyer": buyer} }
	cs := []payment.Charge{
		{Created: d1, Status: "succeeded", Captured: true, Amount: 1250, AmountCaptured: 1250, Currency: "usd", Metadata: md("BuyBlueMug", "@alice")},
		{Created: d1, Status: "succeeded", Captured: true, Amount: 1250, AmountCaptured: 1250, AmountRefunded: 500, Currency: "usd", Metadata: md("BuyBlueMug", "@carol")},
		{Created: d2, Status: "failed", Amount: 1250, Currency: "usd", FailureCode: "card_declined", Outcome: payment.Outcome{Reason: "insufficient_funds"}, Metadata: md("BuyBlueMug", "@bob")},
		{Created: d2, Status: "failed", Amount: 1250, Currency: "usd", FailureCode: "card_declined", Outcome: payment.Outcome{Reason: "insufficient_funds"}, Metadata: md("BuyBlueMug", "@bob")},
		{Created: d2, Status: "failed", Amount: 1250, Currency: "usd", FailureCode: "expired_card", Metadata: md("BuyBlueMug", "@erin")},
		{Created: d2, Status: "succeeded", Captured: true, Amount: 500, AmountCaptured: 500, Currency: "eur", Metadata: md("tweetacoffee", "@alice")},
		{Created: d2, Status: "succeeded", Amount: 7900, Currency: "usd", AmountRefunded: 7900, Refunded: true, Metadata: md("BuyKindle", "@alice")},
		{Created: d2, Status: "succeeded", Amount: 7900, Currency: "usd", Metadata: md("BuyKindle", "@bob")},
		{Created: d2, Status: "pending", Amount: 300, Currency: "jpy", Customer: "cus_x", Metadata: map[string]string{}},
	}
	s, err := NewSummarizer(ByOffer)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		s.Add(c)
	}
	got := s.Summary()
	want := Summary{By: ByOffer, Groups: []Group{
		{Key: "BuyBlueMug", Totals: Totals{Count: 5, Succeeded: 2, Declined: 3,
			Amounts:      []CurrencyTotals{{Currency: "usd", Gross: 2500, Refunded: 500, Net: 2000}},
			DeclineCodes: []CodeCount{{"insufficient_funds", 2}, {"expired_card", 1}}}},
		{Key: "BuyKindle", Totals: Totals{Count: 2, Succeeded: 2, Uncaptured: 2, Released: 1,
			Amounts: []CurrencyTotals{{Currency: "usd"}}, DeclineCodes: []CodeCount{}}},
		{Key: "tweetacoffee", Totals: Totals{Count: 1, Succeeded: 1,
			Amounts: []CurrencyTotals{{Currency: "eur", Gross: 500, Net: 500}}, DeclineCodes: []CodeCount{}}},
		{Key: NoKey, Totals: Totals{Count: 1, Pending: 1,
			Amounts: []CurrencyTotals{{Currency: "jpy"}}, DeclineCodes: []CodeCount{}}},
	}, Total: Totals{Count: 9, Succeeded: 5, Declined: 3, Pending: 1, Uncaptured: 2, Released: 1,
		Amounts: []CurrencyTotals{
			{Currency: "eur", Gross: 500, Net: 500},
			{Currency: "jpy"},
			{Currency: "usd", Gross: 2500, Refunded: 500, Net: 2000},
		},
		DeclineCodes: []CodeCount{{"insufficient_funds", 2}, {"expired_card", 1}}}}
	if !reflect.DeepEqual(got, want) {
		gj, _ := json.MarshalIndent(got, "", " ")
		t.Errorf("summary by offer:\n%s", gj)
	}

	byKey := func(by string) map[string]int {
		s, err := NewSummarizer(by)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			s.Add(c)
		}
		out := map[string]int{}
		var keys []string
		for _, g := range s.Summary().Groups {
			out[g.Key] = g.Count
			keys = append(keys, g.Key)
		}
		out["order:"+joinKeys(keys)] = 1
		return out
	}
	if got := byKey(ByDay); !reflect.DeepEqual(got, map[string]int{"2026-11-23": 2, "2026-11-24": 7, "order:2026-11-23,2026-11-24": 1}) {
		t.Errorf("by day: %v", got)
	}
	if got := byKey(ByBuyer); !reflect.DeepEqual(got, map[string]int{"@alice": 3, "@bob": 3, "@carol": 1, "@erin": 1, "cus_x": 1,
		"order:@alice,@bob,@carol,@erin,cus_x": 1}) {
		t.Errorf("by buyer: %v", got)
	}
	if _, err := NewSummarizer("week"); !errors.Is(err, ErrBadFilter) {
		t.Errorf("--by week: %v", err)
	}
}

func joinKeys(keys []string) string {
	out := ""
	for i, k := range keys {
		if i > 0 {
			out += ","
		}
		out += k
	}
	return out
}

func TestSummarizeEmpty(t *testing.T) {
	since := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	s, err := Summarize(func(func(payment.Charge, error) bool) {}, ByDay, Query{Since: since})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(s)
	want := `{"by":"day","since":"2026-11-24T00:00:00Z","until":null,"groups":[],"total":{"count":0,"succeeded":0,"declined":0,"pending":0,"uncaptured":0,"released":0,"amounts":[],"decline_codes":[]}}`
	if string(b) != want {
		t.Errorf("empty summary:\n got %s\nwant %s", b, want)
	}
	boom := errors.New("boom")
	_, err = Summarize(func(yield func(payment.Charge, error) bool) { yield(payment.Charge{}, boom) }, ByDay, Query{})
	if !errors.Is(err, boom) {
		t.Errorf("error in the sequence: got %v", err)
	}
}

// TestSummaryMatchesList checks that the totals agree with the charges
// listed, on the emulator.
func TestSummaryMatchesList(t *testing.T) {
	w := newWorld(t)
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	w.buy(at, "@alice", "BuyBlueMug", 1250, "usd", "pm_card_visa")
	w.buy(at, "@bob", "BuyBlueMug", 1250, "usd", "pm_card_visa_chargeDeclinedInsufficientFunds")
	ch := w.buy(at.Add(time.Hour), "@carol", "BuyTeaPot", 3000, "usd", "pm_card_visa")
	w.buy(at.Add(25*time.Hour), "@alice", "BuyTeaPot", 500, "jpy", "pm_card_visa")
	if _, err := Refund(context.Background(), w.gw, RefundInput{Charge: ch, Amount: "10"}); err != nil {
		t.Fatal(err)
	}
	l := Lister{Gateway: w.gw, PageSize: 2}
	s, err := Summarize(l.List(context.Background(), Query{}), ByDay, Query{})
	if err != nil {
		t.Fatal(err)
	}
	listed := collect(t, l.List(context.Background(), Query{}))
	var gross, refunded = map[string]int64{}, map[string]int64{}
	failed := 0
	for _, c := range listed {
		if c.Status == "succeeded" {
			gross[c.Currency] += c.Amount
		}
		refunded[c.Currency] += c.AmountRefunded
		if c.Status == "failed" {
			failed++
		}
	}
	if s.Total.Count != len(listed) || s.Total.Declined != failed || failed != 1 {
		t.Errorf("counts: summary %+v, listed %d, failed %d", s.Total, len(listed), failed)
	}
	for _, a := range s.Total.Amounts {
		if a.Gross != gross[a.Currency] || a.Refunded != refunded[a.Currency] || a.Net != a.Gross-a.Refunded {
			t.Errorf("%s: summary %+v, listed gross %d refunded %d", a.Currency, a, gross[a.Currency], refunded[a.Currency])
		}
	}
	if len(s.Total.Amounts) != 2 || s.Total.Amounts[1].Gross != 4250 || s.Total.Amounts[1].Refunded != 1000 {
		t.Errorf("usd totals: %+v", s.Total.Amounts)
	}
	if len(s.Groups) != 2 || s.Groups[0].Key != "2026-11-20" || s.Groups[0].Count != 3 || s.Groups[1].Count != 1 {
		t.Errorf("days: %+v", s.Groups)
	}
}
