package stream_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tweetpay/tweetpay/pkg/buyer"
	"github.com/tweetpay/tweetpay/pkg/emulator"
	"github.com/tweetpay/tweetpay/pkg/offer"
	stripegw "github.com/tweetpay/tweetpay/pkg/payment/stripe"
	"github.com/tweetpay/tweetpay/pkg/shop"
	"github.com/tweetpay/tweetpay/pkg/statedb"
	"github.com/tweetpay/tweetpay/pkg/stream"
)

// command opens the emulator and the simulation state in dir, as one
// tweetpay command does, and returns its engine and what closes them.
func command(t *testing.T, dir string) (*shop.Engine, func()) {
	t.Helper()
	em, err := emulator.Open(dir, emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	gw := stripegw.New(stripegw.Options{Key: "sk_test_stream", URL: "http://emulator.invalid",
		HTTPClient: &http.Client{Transport: em.Transport()}, NoRetrySleep: true})
	store, err := shop.OpenStore(dir, statedb.Options{})
	if err != nil {
		em.Close()
		t.Fatal(err)
	}
	rs, err := offer.ValidateAll([]offer.Offer{{Hashtag: "BuyKindle", Name: "Kindle", Price: "149.99",
		Confirm: &offer.Confirm{Hashtag: "ConfirmKindle", Window: "15m"}}}, offer.Defaults{Country: "US", Currency: "usd"})
	if err != nil {
		t.Fatal(err)
	}
	var accounts []shop.Account
	for _, h := range []string{"alice", "bob", "carol", "dave", "erin", "frank", "gina"} {
		r, err := buyer.Resolve(buyer.Buyer{Handle: "@" + h, Card: "visa"}, "US")
		if err != nil {
			t.Fatal(err)
		}
		accounts = append(accounts, shop.Account{Handle: r.Handle, Country: r.Country, Card: r.Card})
	}
	eng := shop.New(shop.Options{Gateway: gw, Store: store, Offers: rs, Buyers: accounts, Merchant: "@shop"})
	return eng, func() {
		store.Close()
		em.Close()
	}
}

var start = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// tweets is a stream of plain tweets, each "id from text minutes".
func tweets(specs ...string) string {
	var b strings.Builder
	for _, s := range specs {
		var id, from, text string
		var min int
		if _, err := fmt.Sscanf(s, "%s %s %s %d", &id, &from, &text, &min); err != nil {
			panic(s)
		}
		fmt.Fprintf(&b, `{"id":%q,"from":%q,"text":%q,"created_at":%q}`+"\n", id, from, text,
			start.Add(time.Duration(min)*time.Minute).Format(time.RFC3339))
	}
	return b.String()
}

// runStream runs input as one `simulate stream` command over the state in
// dir.
func runStream(t *testing.T, dir, input string) stream.Summary {
	t.Helper()
	eng, done := command(t, dir)
	defer done()
	sum, err := stream.Run(context.Background(), strings.NewReader(input), eng, stream.Options{Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func usd(n int64) map[string]int64 {
	if n == 0 {
		return map[string]int64{}
	}
	return map[string]int64{"usd": n * 14999}
}

// Streams that share their state each count, as authorised, only the
// authorisations they made and have not closed. A stream that confirms
// another command's authorisation (an earlier stream's, simulate tweet's)
// counts it as charged, and takes nothing from its own authorised sum; one
// it made and confirmed, or cancelled (a late confirmation, a purchase
// again after the window closed), leaves its authorised sum once.
func TestSummaryAcrossCommandsSharingState(t *testing.T) {
	dir := t.TempDir()

	first := runStream(t, dir, tweets("a1 @alice #BuyKindle 0", "b1 @bob #BuyKindle 0"))
	if !maps.Equal(first.Authorized, usd(2)) || !maps.Equal(first.Charged, usd(0)) {
		t.Fatalf("first stream: charged %v, authorised %v", first.Charged, first.Authorized)
	}

	// simulate tweet, outside any stream.
	eng, done := command(t, dir)
	if r, err := eng.Process(context.Background(), shop.Tweet{ID: "c1", From: "@carol", Text: "#BuyKindle", At: start}); err != nil || r.Outcome != shop.AwaitingConfirmation {
		t.Fatalf("simulate tweet: %+v %v", r, err)
	}
	done()

	second := runStream(t, dir, tweets(
		"a2 @alice #ConfirmKindle 5", // the first stream's
		"c2 @carol #ConfirmKindle 5", // simulate tweet's
		"d1 @dave #BuyKindle 0",      // made and confirmed here
		"d2 @dave #ConfirmKindle 5",
		"e1 @erin #BuyKindle 0", // made here, cancelled by a late confirmation
		"e2 @erin #ConfirmKindle 60",
		"e3 @erin #ConfirmKindle 61", // finds it cancelled already
		"f1 @frank #BuyKindle 0",     // made here, cancelled by a purchase again
		"f2 @frank #BuyKindle 60",
		"g1 @gina #BuyKindle 0",  // made here and left waiting
		"g2 @gina #BuyKindle 1",  // already_pending
		"a1 @alice #BuyKindle 0", // a duplicate of the first stream's
	))
	if second.Duplicates != 1 || second.Outcomes[shop.Expired] != 2 || second.Outcomes[shop.Confirmed] != 3 {
		t.Fatalf("second stream: %+v", second)
	}
	if !maps.Equal(second.Charged, usd(3)) {
		t.Errorf("second stream charged %v, want alice's, carol's and dave's", second.Charged)
	}
	if !maps.Equal(second.Authorized, usd(2)) {
		t.Errorf("second stream authorised %v, want frank's second and gina's", second.Authorized)
	}

	third := runStream(t, dir, tweets("b2 @bob #ConfirmKindle 5", "f3 @frank #ConfirmKindle 65", "g3 @gina #ConfirmKindle 5"))
	if !maps.Equal(third.Charged, usd(3)) || !maps.Equal(third.Authorized, usd(0)) {
		t.Errorf("third stream: charged %v, authorised %v; want three charged, none authorised", third.Charged, third.Authorized)
	}

	// The same stream again is all duplicates: nothing counted.
	again := runStream(t, dir, tweets("d1 @dave #BuyKindle 0", "d2 @dave #ConfirmKindle 5"))
	if again.Duplicates != 2 || !maps.Equal(again.Charged, usd(0)) || !maps.Equal(again.Authorized, usd(0)) {
		t.Errorf("stream run again: %+v", again)
	}
}
