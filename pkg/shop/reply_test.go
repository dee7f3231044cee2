package shop

import (
	"testing"
	"time"

	"github.com/tweetpay/tweetpay/pkg/buyer"
	"github.com/tweetpay/tweetpay/pkg/offer"
)

// The time left that a reply gives is never more than the buyer has.
func TestHumanDuration(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{15 * time.Minute, "15 minutes"},
		{14*time.Minute + 30*time.Second, "14 minutes"},
		{14*time.Minute + 59*time.Second, "14 minutes"},
		{90 * time.Second, "1 minute"},
		{time.Minute, "1 minute"},
		{59 * time.Second, "59 seconds"},
		{time.Second, "1 second"},
		{0, "0 minutes"},
		{time.Hour, "1 hour"},
		{48 * time.Hour, "48 hours"},
		{90 * time.Minute, "90 minutes"},
		{time.Hour + 30*time.Second, "60 minutes"},
	} {
		if got := humanDuration(tc.d); got != tc.want {
			t.Errorf("humanDuration(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

// A purchase tweeted again half a minute into its window is told the whole
// minutes it has left, not the window rounded up.
func TestAlreadyPendingReplyTimeLeft(t *testing.T) {
	f := newFixture(t, []offer.Offer{{Hashtag: "BuyKindle", Name: "Kindle", Price: "149.99",
		Confirm: &offer.Confirm{Hashtag: "ConfirmKindle", Window: "15m"}}}, []buyer.Buyer{{Handle: "@alice", Card: "visa"}})
	f.tweet(t, "1", "@alice", "#BuyKindle", t0)
	r := f.tweet(t, "2", "@alice", "#BuyKindle again", t0.Add(30*time.Second))
	want := "@alice Confirm Kindle for $149.99: tweet #ConfirmKindle within 14 minutes."
	if Str(r.Reason) != ReasonAlreadyPending || r.Reply != want {
		t.Errorf("reason %q, reply %q; want %s, %q", Str(r.Reason), r.Reply, ReasonAlreadyPending, want)
	}
}
