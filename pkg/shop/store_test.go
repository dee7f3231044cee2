package shop

import (
	"encoding/json"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/tweetpay/tweetpay/pkg/statedb"
)

func statsOf(t *testing.T, s *Store) (int, int) {
	t.Helper()
	tweets, pending, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	return tweets, pending
}

// TestTweetCount keeps the count of recorded tweets that a status shows
// without reading the whole file: a tweet recorded again is not counted
// twice, a reset empties it, and a file written before the count existed
// gets it counted when opened.
func TestTweetCount(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenStore(dir, statedb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rec := func(ids ...string) {
		t.Helper()
		var c change
		for _, id := range ids {
			c.results = append(c.results, Result{TweetID: id})
		}
		c.putPending = []Pending{{TweetID: ids[0], Buyer: "ann", Offer: "BuyKindle"}}
		if err := s.apply(c); err != nil {
			t.Fatal(err)
		}
	}
	rec("1", "2")
	rec("2", "3") // 2 again
	if tw, p := statsOf(t, s); tw != 3 || p != 1 {
		t.Fatalf("stats %d tweets, %d pending; want 3 and 1", tw, p)
	}
	// As an older file: no meta bucket.
	if err := s.db.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket(bucketMeta) }); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = OpenStore(dir, statedb.Options{}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if tw, _ := statsOf(t, s); tw != 3 {
		t.Fatalf("older file: %d tweets counted, want 3", tw)
	}
	rec("4")
	if tw, _ := statsOf(t, s); tw != 4 {
		t.Fatalf("%d tweets, want 4", tw)
	}
	if err := s.Reset(); err != nil {
		t.Fatal(err)
	}
	if tw, p := statsOf(t, s); tw != 0 || p != 0 {
		t.Fatalf("after reset: %d tweets, %d pending", tw, p)
	}
	rec("5")
	if tw, _ := statsOf(t, s); tw != 1 {
		t.Fatalf("after reset and a tweet: %d tweets, want 1", tw)
	}
}

// TestExpiredRecord keeps the last cancelled purchase of a buyer and offer
// for a confirmation that comes later: written with the cancellation in one
// transaction, kept across a reopen, replaced by the next pending purchase,
// wiped by a reset; a file written before it existed opens and has none.
func TestExpiredRecord(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenStore(dir, statedb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	apply := func(c change) {
		t.Helper()
		if err := s.apply(c); err != nil {
			t.Fatal(err)
		}
	}
	expired := func() (Pending, bool) {
		t.Helper()
		p, ok, err := s.ExpiredFor("ann", "kindle")
		if err != nil {
			t.Fatal(err)
		}
		return p, ok
	}
	reopen := func() {
		t.Helper()
		s.Close()
		if s, err = OpenStore(dir, statedb.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	p1 := Pending{TweetID: "1", Buyer: "ann", Offer: "kindle", PaymentIntent: "pi_1"}
	apply(change{putPending: []Pending{p1}})
	if _, ok := expired(); ok {
		t.Fatal("an expired record before any expiry")
	}
	apply(change{delPending: []Pending{p1}, putExpired: []Pending{p1}})
	reopen()
	if p, ok := expired(); !ok || p.PaymentIntent != "pi_1" {
		t.Fatalf("expired record %+v, %v; want pi_1", p, ok)
	}
	if _, pending := statsOf(t, s); pending != 0 {
		t.Fatalf("%d pending after the expiry", pending)
	}
	// Another buyer's or offer's record is not this one.
	if _, ok, err := s.ExpiredFor("ann", "other"); ok || err != nil {
		t.Fatalf("record for another offer: %v %v", ok, err)
	}
	// Expiring a purchase and starting the next one in one change, as a
	// purchase tweet after the window does, leaves only the new one.
	p2 := Pending{TweetID: "2", Buyer: "ann", Offer: "kindle", PaymentIntent: "pi_2"}
	apply(change{putPending: []Pending{p2}})
	if _, ok := expired(); ok {
		t.Fatal("the next pending purchase did not replace the expired record")
	}
	p3 := Pending{TweetID: "3", Buyer: "ann", Offer: "kindle", PaymentIntent: "pi_3"}
	apply(change{delPending: []Pending{p2}, putExpired: []Pending{p2}}.and(change{putPending: []Pending{p3}}))
	if _, ok := expired(); ok {
		t.Fatal("expired record kept beside a new pending purchase")
	}
	apply(change{delPending: []Pending{p3}, putExpired: []Pending{p3}})
	if err := s.Reset(); err != nil {
		t.Fatal(err)
	}
	if _, ok := expired(); ok {
		t.Fatal("expired record survived a reset")
	}

	// As an older file: no expired bucket.
	apply(change{putPending: []Pending{p1}})
	if err := s.db.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket(bucketExpired) }); err != nil {
		t.Fatal(err)
	}
	reopen()
	if _, ok := expired(); ok {
		t.Fatal("older file: an expired record")
	}
	if _, pending := statsOf(t, s); pending != 1 {
		t.Fatalf("older file: %d pending, want 1", pending)
	}
	apply(change{delPending: []Pending{p1}, putExpired: []Pending{p1}})
	if p, ok := expired(); !ok || p.PaymentIntent != "pi_1" {
		t.Fatalf("older file: expired record %+v, %v", p, ok)
	}
}

// A pending purchase's run is an additive field: a record written before
// it was kept reads with none, and one made outside a run is written as
// before, without it.
func TestPendingRunCompatible(t *testing.T) {
	var p Pending
	old := `{"tweet_id":"1","buyer":"ann","offer":"prod_1","offer_tag":"BuyKindle","confirm_hashtag":"ConfirmKindle",` +
		`"amount":14999,"currency":"usd","payment_intent":"pi_1","charge":"ch_1","at":"2026-11-24T10:00:00Z","confirm_by":"2026-11-24T10:15:00Z"}`
	if err := json.Unmarshal([]byte(old), &p); err != nil || p.Run != "" || p.Amount != 14999 {
		t.Fatalf("older record: %+v %v", p, err)
	}
	v, err := json.Marshal(p)
	if err != nil || string(v) != old {
		t.Fatalf("written as %s (%v), want %s", v, err, old)
	}
	p.Run = "r1"
	if v, _ := json.Marshal(p); !strings.Contains(string(v), `"run":"r1"`) {
		t.Fatalf("written as %s, without its run", v)
	}
}
