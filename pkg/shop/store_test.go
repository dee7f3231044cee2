package shop

import (
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
