package shop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/tweetpay/tweetpay/pkg/buyer"
	"github.com/tweetpay/tweetpay/pkg/emulator"
	"github.com/tweetpay/tweetpay/pkg/offer"
	"github.com/tweetpay/tweetpay/pkg/payment"
	stripegw "github.com/tweetpay/tweetpay/pkg/payment/stripe"
	"github.com/tweetpay/tweetpay/pkg/statedb"
	"github.com/tweetpay/tweetpay/pkg/tweet"
)

type fixture struct {
	eng   *Engine
	gw    payment.Gateway
	store *Store
	em    *emulator.Emulator
}

func intp(n int) *int { return &n }

// newFixture builds an engine over a fresh in-process emulator.
func newFixture(t *testing.T, offers []offer.Offer, buyers []buyer.Buyer) *fixture {
	t.Helper()
	dir := t.TempDir()
	em, err := emulator.Open(dir, emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { em.Close() })
	gw := stripegw.New(stripegw.Options{Key: "sk_test_shop", URL: "http://emulator.invalid",
		HTTPClient: &http.Client{Transport: em.Transport()}, NoRetrySleep: true})
	store, err := OpenStore(dir, statedb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	rs, err := offer.ValidateAll(offers, offer.Defaults{Country: "US", Currency: "usd"})
	if err != nil {
		t.Fatal(err)
	}
	var accounts []Account
	for _, b := range buyers {
		r, err := buyer.Resolve(b, "US")
		if err != nil {
			t.Fatal(err)
		}
		accounts = append(accounts, Account{Handle: r.Handle, Name: r.Name, Country: r.Country, Card: r.Card, UserID: r.UserID})
	}
	eng := New(Options{Gateway: gw, Store: store, Offers: rs, Buyers: accounts, Merchant: "@shop"})
	return &fixture{eng: eng, gw: gw, store: store, em: em}
}

// customers counts the emulator's Customers.
func (f *fixture) customers(t *testing.T) int64 {
	t.Helper()
	st, err := f.em.Stats()
	if err != nil {
		t.Fatal(err)
	}
	return st.Objects["customers"]
}

var t0 = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

func (f *fixture) tweet(t *testing.T, id, from, text string, at time.Time) Result {
	t.Helper()
	return f.process(t, t.Fatalf, id, from, text, at)
}

// tweetAsync is tweet for goroutines other than the test's, which must not
// call t.Fatal: an error fails the test and gives a zero Result.
func (f *fixture) tweetAsync(t *testing.T, id, from, text string, at time.Time) Result {
	t.Helper()
	return f.process(t, t.Errorf, id, from, text, at)
}

// process runs a tweet through the engine and reports an error with fail.
func (f *fixture) process(t *testing.T, fail func(string, ...any), id, from, text string, at time.Time) Result {
	t.Helper()
	r, err := f.eng.Process(context.Background(), Tweet{ID: id, From: from, Text: text, At: at})
	if err != nil {
		fail("tweet %s: %v", id, err)
	}
	return r
}

func (f *fixture) charges(t *testing.T) []payment.Charge {
	t.Helper()
	var out []payment.Charge
	for c, err := range f.gw.ListCharges(context.Background(), payment.ChargeFilter{}) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// A sale that the store has committed but whose reservation is not released
// yet is counted once: the next buyer waits for it to settle instead of
// being refused the last unit as sold out.
func TestSaleBeingCommittedCountedOnce(t *testing.T) {
	f := newFixture(t, []offer.Offer{{Hashtag: "BuyTwo", Name: "Two", Price: "1.00", Stock: intp(2)}}, nil)
	o := f.eng.offers[0]
	if reason, err := f.eng.reserve(o, "alice", 0); err != nil || reason != "" {
		t.Fatalf("alice: %q %v", reason, err)
	}
	// Alice's sale as ProcessThen makes it: counted as committing, then
	// durable in the store while her reservation is still held.
	units := []unit{{offer: f.eng.pid(o), buyer: "alice", n: 1, stocked: true}}
	if !f.eng.commit(units) {
		t.Fatal("commit counted nothing")
	}
	if err := f.store.apply(change{units: units}); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() {
		reason, err := f.eng.reserve(o, "bob", 0)
		if err != nil {
			reason = err.Error()
		}
		got <- reason
	}()
	select {
	case r := <-got:
		t.Fatalf("bob answered %q while alice's sale was being committed; want a wait", r)
	case <-time.After(50 * time.Millisecond):
	}
	f.eng.release(o, "alice")
	f.eng.settle(units)
	select {
	case r := <-got:
		if r != "" {
			t.Fatalf("bob: %q, want the last unit", r)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("bob still waiting after alice's sale settled")
	}
	// Both units are now sold or held: a third buyer is refused at once.
	if reason, err := f.eng.reserve(o, "carol", 0); err != nil || reason != ReasonSoldOut {
		t.Fatalf("carol: %q %v, want sold_out", reason, err)
	}
}

func TestLastUnitsUnderConcurrency(t *testing.T) {
	var buyers []buyer.Buyer
	for i := range 50 {
		buyers = append(buyers, buyer.Buyer{Handle: fmt.Sprintf("@b%02d", i), Card: "visa"})
	}
	f := newFixture(t, []offer.Offer{{Hashtag: "BuyTen", Name: "Ten", Price: "1.00", Stock: intp(10)}}, buyers)
	var wg sync.WaitGroup
	results := make([]Result, 50)
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = f.tweetAsync(t, fmt.Sprintf("t%d", i), fmt.Sprintf("@b%02d", i), "#BuyTen", t0)
		}()
	}
	wg.Wait()
	counts := map[string]int{}
	for _, r := range results {
		counts[r.Outcome+"/"+Str(r.Reason)]++
	}
	if counts["purchased/"] != 10 || counts["rejected/sold_out"] != 40 {
		t.Fatalf("outcomes %v, want 10 purchased and 40 sold out", counts)
	}
	if n := len(f.charges(t)); n != 10 {
		t.Fatalf("%d charges, want 10", n)
	}
	sold, err := f.store.Sold()
	if err != nil || sold["tweetpay_buyten"] != 10 {
		t.Fatalf("sold %v (%v), want 10", sold, err)
	}
}

func TestSameTweetConcurrently(t *testing.T) {
	f := newFixture(t, []offer.Offer{{Hashtag: "BuyMug", Name: "Mug", Price: "9.00"}}, []buyer.Buyer{{Handle: "@alice", Card: "visa"}})
	var wg sync.WaitGroup
	var mu sync.Mutex
	dups := 0
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := f.tweetAsync(t, "same", "@alice", "#BuyMug", t0)
			mu.Lock()
			if r.Duplicate {
				dups++
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if dups != 19 {
		t.Errorf("%d duplicates, want 19", dups)
	}
	if n := len(f.charges(t)); n != 1 {
		t.Fatalf("%d charges, want 1", n)
	}
}

// ProcessThen returns once the payment is made and calls then once the
// result is recorded; until then the buyer's next tweet waits, so it sees
// the first one's record.
func TestProcessThen(t *testing.T) {
	f := newFixture(t, []offer.Offer{{Hashtag: "BuyMug", Name: "Mug", Price: "9.00"}}, []buyer.Buyer{{Handle: "@alice", Card: "visa"}})
	ctx := context.Background()
	// Hold the state file's writer, so that records wait.
	held, release := make(chan struct{}), make(chan struct{})
	go func() {
		_ = f.store.writer.Do(func(*bolt.Tx) error {
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	type call struct {
		r   Result
		err error
	}
	first := make(chan call, 2)
	err := f.eng.ProcessThen(ctx, Tweet{ID: "1", From: "@alice", Text: "#BuyMug", At: t0}, func(r Result, err error) {
		if _, ok, _ := f.store.Result("1"); !ok {
			t.Error("then called before the result was recorded")
		}
		first <- call{r, err}
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.charges(t)); n != 1 {
		t.Fatalf("%d charges once ProcessThen returned, want 1", n)
	}
	second := make(chan call, 1)
	go func() {
		r, err := f.eng.Process(ctx, Tweet{ID: "2", From: "@alice", Text: "#BuyMug", At: t0.Add(time.Minute)})
		second <- call{r, err}
	}()
	select {
	case <-first:
		t.Fatal("then called while the writer was held")
	case <-second:
		t.Fatal("the buyer's next tweet went ahead of the first one's record")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if c := <-first; c.err != nil || c.r.Outcome != Purchased || c.r.Duplicate {
		t.Fatalf("first tweet: %+v, %v", c.r, c.err)
	}
	if c := <-second; c.err != nil || c.r.Outcome != Purchased {
		t.Fatalf("second tweet: %+v, %v", c.r, c.err)
	}

	// A duplicate is answered before ProcessThen returns.
	var dup *Result
	if err := f.eng.ProcessThen(ctx, Tweet{ID: "1", From: "@alice", Text: "#BuyMug", At: t0}, func(r Result, err error) {
		if err != nil {
			t.Error(err)
		}
		dup = &r
	}); err != nil || dup == nil || !dup.Duplicate {
		t.Fatalf("duplicate: %v, %+v", err, dup)
	}
	// A tweet that cannot be processed fails before any record, and then
	// is not called.
	err = f.eng.ProcessThen(ctx, Tweet{ID: "3", From: "not a handle!", Text: "#BuyMug", At: t0}, func(Result, error) {
		t.Error("then called for a bad tweet")
	})
	if !errors.Is(err, ErrBadTweet) {
		t.Fatalf("bad tweet: %v", err)
	}
	if n := len(f.charges(t)); n != 2 {
		t.Fatalf("%d charges, want 2", n)
	}
}

func TestChargeMetadataAndKey(t *testing.T) {
	f := newFixture(t, []offer.Offer{{Hashtag: "BuyBlueMug", Name: "Blue Mug", Price: "12.50"}}, []buyer.Buyer{{Handle: "@Alice", Card: "visa"}})
	r := f.tweet(t, "1001", "@alice", "#buybluemug", t0)
	if r.Outcome != Purchased || r.Amount != 1250 || Str(r.Currency) != "usd" {
		t.Fatalf("result %+v", r)
	}
	cs := f.charges(t)
	if len(cs) != 1 {
		t.Fatalf("%d charges", len(cs))
	}
	md := cs[0].Metadata
	want := map[string]string{MetaTweetID: "1001", MetaOffer: "BuyBlueMug", MetaHashtag: "buybluemug", MetaBuyer: "@Alice"}
	for k, v := range want {
		if md[k] != v {
			t.Errorf("metadata %s = %q, want %q", k, md[k], v)
		}
	}
	if cs[0].Customer == "" || cs[0].PaymentIntent != Str(r.PaymentIntent) {
		t.Errorf("charge %+v does not match result %+v", cs[0], r)
	}
}

func TestRelinkAfterCardChange(t *testing.T) {
	offers := []offer.Offer{{Hashtag: "BuyMug", Name: "Mug", Price: "9.00"}}
	f := newFixture(t, offers, []buyer.Buyer{{Handle: "@alice", Card: "insufficient_funds"}})
	if r := f.tweet(t, "1", "@alice", "#BuyMug", t0); r.Outcome != Declined || Str(r.DeclineCode) != "insufficient_funds" {
		t.Fatalf("result %+v", r)
	}
	l1, err := Link(context.Background(), f.gw, Account{Handle: "alice", Card: mustCard(t, "insufficient_funds")})
	if err != nil || l1.Changed {
		t.Fatalf("second link changed something: %+v %v", l1, err)
	}
	l2, err := Link(context.Background(), f.gw, Account{Handle: "alice", Card: mustCard(t, "visa")})
	if err != nil || !l2.Attached || l2.Created || l2.Customer != l1.Customer {
		t.Fatalf("relink with a new card: %+v %v", l2, err)
	}
}

func mustCard(t *testing.T, s string) buyer.Card {
	c, err := buyer.ResolveCard(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRepliesFitLongNames(t *testing.T) {
	long := strings.Repeat("長い名前", 40)
	o := offer.Resolved{Kind: offer.Hashtag, Tag: "BuyLong", Name: long, ConfirmTag: "ConfirmLong", Window: 15 * time.Minute,
		Countries: []string{"US"}, PerBuyerLimit: 1}
	for name, text := range map[string]string{
		"purchased": replyPurchased("alice", o),
		"awaiting":  replyAwaiting("alice", o, 15*time.Minute),
		"confirmed": replyConfirmed("alice", o),
		"expired":   replyExpired("alice", o),
		"declined":  replyDeclined("alice", o, "card_declined", "insufficient_funds"),
		"gifted":    replyGifted("alice", o, []string{"bob", "carol"}),
		"rejected":  replyRejected("alice", o, ReasonSoldOut),
	} {
		p := tweet.Parse(text)
		if !p.Valid {
			t.Errorf("%s reply is not a valid tweet (%d): %s", name, p.WeightedLength, text)
		}
		if !strings.Contains(text, "…") {
			t.Errorf("%s reply did not shorten the name: %s", name, text)
		}
		if !strings.HasPrefix(text, "@") {
			t.Errorf("%s reply does not mention anyone: %s", name, text)
		}
	}
}

func TestBadTweets(t *testing.T) {
	f := newFixture(t, []offer.Offer{{Hashtag: "BuyMug", Name: "Mug", Price: "9.00"}}, nil)
	for _, tw := range []Tweet{
		{ID: "", From: "alice", Text: "#BuyMug", At: t0},
		{ID: "1", From: "not a user", Text: "#BuyMug", At: t0},
		{ID: "2", From: "alice", Text: "#BuyMug"},
		{ID: strings.Repeat("3", MaxTweetIDLength+1), From: "alice", Text: "#BuyMug", At: t0},
		{ID: "4", From: "@@alice", Text: "#BuyMug", At: t0},
		{ID: "5", From: "＠@alice", Text: "#BuyMug", At: t0},
		{ID: "6\t7", From: "alice", Text: "#BuyMug", At: t0},
		{ID: "8\x1b[31m", From: "alice", Text: "#BuyMug", At: t0},
		{ID: "9\u0085", From: "alice", Text: "#BuyMug", At: t0},
		{ID: "10\xff", From: "alice", Text: "#BuyMug", At: t0},
	} {
		if _, err := f.eng.Process(context.Background(), tw); err == nil {
			t.Errorf("tweet %+v accepted", tw)
		}
	}
}

// A tweet ID with a control character or bytes that are not UTF-8 is a bad
// tweet, and the error quotes it escaped.
func TestTweetIDControlCharacters(t *testing.T) {
	f := newFixture(t, []offer.Offer{{Hashtag: "BuyMug", Name: "Mug", Price: "9.00"}},
		[]buyer.Buyer{{Handle: "@alice", Card: "visa"}})
	for id, want := range map[string]string{
		"a\tb\x1b[31m": `bad tweet: tweet id "a\tb\x1b[31m" holds U+0009, a control character, which a tweet ID may not contain`,
		"c\u009b":      `bad tweet: tweet id "c\u009b" holds U+009B, a control character, which a tweet ID may not contain`,
		"d\xff":        `bad tweet: tweet id "d\xff" is not valid UTF-8`,
	} {
		_, err := f.eng.Process(context.Background(), Tweet{ID: id, From: "alice", Text: "#BuyMug", At: t0})
		if !errors.Is(err, ErrBadTweet) || err.Error() != want {
			t.Errorf("tweet id %q: %v, want %s", id, err, want)
		}
	}
	// Unicode that is not a control character is an ID like any other.
	if _, err := f.eng.Process(context.Background(), Tweet{ID: "ツイート-١٢٣-☕", From: "alice", Text: "#BuyMug", At: t0}); err != nil {
		t.Errorf("unicode tweet id: %v", err)
	}
}

// A tweet that names its author only by the merchant's user ID is the
// merchant's own: ignored, not a bad tweet from an unknown author.
func TestMerchantUserID(t *testing.T) {
	f := newFixture(t, []offer.Offer{{Hashtag: "BuyMug", Name: "Mug", Price: "9.00"}}, nil)
	eng := New(Options{Gateway: f.gw, Store: f.store, Offers: f.eng.offers, Merchant: "@shop", MerchantUserID: "42"})
	r, err := eng.Process(context.Background(), Tweet{ID: "m1", AuthorID: "42", Text: "#BuyMug now on sale", At: t0})
	if err != nil || r.Outcome != Ignored || Str(r.Reason) != ReasonOwnTweet {
		t.Errorf("merchant's tweet by ID: %+v, %v; want ignored own_tweet", r, err)
	}
	if _, err := eng.Process(context.Background(), Tweet{ID: "m2", AuthorID: "43", Text: "#BuyMug", At: t0}); !errors.Is(err, ErrBadTweet) {
		t.Errorf("unknown author ID: %v, want a bad tweet", err)
	}
}

// A tweet dated before 1970 or after 9999 is a bad tweet, refused before any
// payment: Stripe's times start in 1970 and a result's time could not be
// written after 9999.
func TestTweetTimeBounds(t *testing.T) {
	f := newFixture(t, []offer.Offer{{Hashtag: "BuyMug", Name: "Mug", Price: "9.00"}},
		[]buyer.Buyer{{Handle: "@alice", Card: "visa"}})
	ctx := context.Background()
	for _, at := range []time.Time{
		time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		_, err := f.eng.Process(ctx, Tweet{ID: "t" + at.Format("2006"), From: "alice", Text: "#BuyMug", At: at})
		if !errors.Is(err, ErrBadTweet) || !strings.Contains(err.Error(), "outside the times a payment can carry (1970 to 9999)") {
			t.Errorf("tweet at %s: %v, want a bad tweet", at, err)
		}
	}
	if n := len(f.charges(t)); n != 0 {
		t.Fatalf("%d charges made for tweets refused", n)
	}
	for _, at := range []time.Time{time.Unix(0, 0).UTC(), time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)} {
		r, err := f.eng.Process(ctx, Tweet{ID: "ok" + at.Format("2006"), From: "alice", Text: "#BuyMug", At: at})
		if err != nil || r.Outcome != Purchased {
			t.Errorf("tweet at %s: %+v, %v; want purchased", at, r, err)
		}
	}
}

// A tweet that names its author only by user ID is the buyer's with that
// user ID; a username, when the tweet has one, wins; an ID no buyer has is a
// bad tweet that says what to do.
func TestAuthorID(t *testing.T) {
	f := newFixture(t, []offer.Offer{{Hashtag: "BuyMug", Name: "Mug", Price: "9.00"}},
		[]buyer.Buyer{{Handle: "@Alice", Card: "visa", UserID: "5"}, {Handle: "@bob", Card: "visa"}})
	if h, ok := f.eng.HandleOf("5"); !ok || h != "Alice" {
		t.Errorf("HandleOf(5) = %q, %v; want Alice", h, ok)
	}
	if h, ok := f.eng.HandleOf("6"); ok {
		t.Errorf("HandleOf(6) = %q, want none", h)
	}
	ctx := context.Background()
	r, err := f.eng.Process(ctx, Tweet{ID: "v2", AuthorID: "5", Text: "#BuyMug", At: t0})
	if err != nil || r.From != "@Alice" || r.Outcome != Purchased {
		t.Errorf("author_id 5 only: %+v, %v; want purchased by @Alice", r, err)
	}
	r, err = f.eng.Process(ctx, Tweet{ID: "v2b", From: "bob", AuthorID: "5", Text: "#BuyMug", At: t0})
	if err != nil || r.From != "@bob" || r.Outcome != Purchased {
		t.Errorf("username and author_id: %+v, %v; want purchased by @bob, the username", r, err)
	}
	r, err = f.eng.Process(ctx, Tweet{ID: "v2own", AuthorID: "5", Text: "#BuyMug", At: t0, Own: true})
	if err != nil || r.Outcome != Ignored || Str(r.Reason) != ReasonOwnTweet {
		t.Errorf("own tweet by author_id: %+v, %v; want ignored, own_tweet", r, err)
	}
	_, err = f.eng.Process(ctx, Tweet{ID: "v2y", AuthorID: "6", Text: "#BuyMug", At: t0})
	want := "bad tweet: tweet v2y names its author only by ID (author_id 6), and no buyer has user_id 6: " +
		"add it to the buyer (buyer link @H --card C --user-id 6) or give the payload includes.users"
	if !errors.Is(err, ErrBadTweet) || err.Error() != want {
		t.Errorf("unknown author_id: %v; want %q", err, want)
	}
	if _, err := f.eng.Process(ctx, Tweet{ID: "none", Text: "#BuyMug", At: t0}); !errors.Is(err, ErrBadTweet) {
		t.Errorf("no author at all: %v; want ErrBadTweet", err)
	}
	if n := len(f.charges(t)); n != 2 {
		t.Errorf("%d charges, want 2", n)
	}
}

// TestTextThatCannotBeATweet: a text no one could have posted is refused
// with ErrBadTweet and a reason, before any payment or record.
func TestTextThatCannotBeATweet(t *testing.T) {
	f := newFixture(t, []offer.Offer{{Hashtag: "BuyMug", Name: "Mug", Price: "9.00"}}, []buyer.Buyer{{Handle: "@alice", Card: "visa"}})
	for i, c := range []struct{ text, why string }{
		{"#BuyMug " + strings.Repeat("a", 300), "tweet t0 is 308 weighted characters, over 280"},
		{"#BuyMug " + strings.Repeat("長", 137), "tweet t1 is 282 weighted characters, over 280"},
		{"#BuyMug \xff\xfe", "tweet t2 holds invalid UTF-8"},
		{"", "tweet t3 is empty"},
		{" \t\n\u3000 ", "tweet t4 is empty (only whitespace)"},
		{"#BuyMug \ufeff", "tweet t5 holds U+FEFF, which a tweet may not contain"},
		{"#BuyMug \uffff", "tweet t6 holds U+FFFF, which a tweet may not contain"},
	} {
		id := fmt.Sprintf("t%d", i)
		err := f.eng.ProcessThen(context.Background(), Tweet{ID: id, From: "alice", Text: c.text, At: t0}, func(Result, error) {
			t.Errorf("%s: then called for a bad tweet", id)
		})
		if !errors.Is(err, ErrBadTweet) || err.Error() != "bad tweet: "+c.why {
			t.Errorf("%s: error %v, want %q", id, err, "bad tweet: "+c.why)
		}
		if _, ok, err := f.store.Result(id); ok || err != nil {
			t.Errorf("%s: recorded (%v)", id, err)
		}
	}
	if n := len(f.charges(t)); n != 0 {
		t.Fatalf("%d charges for bad tweets", n)
	}
	// The limit itself is a tweet; a retweet over it (the API prefixes the
	// retweeted text with "RT @author: ") is ignored, not refused.
	if r := f.tweet(t, "ok", "alice", "#BuyMug "+strings.Repeat("a", 272), t0); r.Outcome != Purchased {
		t.Fatalf("280 weighted characters: %+v", r)
	}
	if r := f.tweet(t, "rt", "alice", "RT @bob: #BuyMug "+strings.Repeat("a", 272), t0); r.Outcome != Ignored || Str(r.Reason) != ReasonRetweet {
		t.Fatalf("long retweet: %+v", r)
	}
	// A reply's leading @names do not count; the rest must still fit, and a
	// mention further on counts.
	mentions := strings.Repeat("@bluemugco ", 10)
	if r := f.tweet(t, "re", "alice", mentions+"#BuyMug "+strings.Repeat("a", 272), t0.Add(time.Minute)); r.Outcome != Purchased {
		t.Fatalf("long reply: %+v", r)
	}
	for id, text := range map[string]string{
		"re2": mentions + "#BuyMug " + strings.Repeat("a", 273),
		"re3": "#BuyMug " + mentions + strings.Repeat("a", 200),
		"re4": strings.Repeat("@bluemugco ", 30),
	} {
		err := f.eng.ProcessThen(context.Background(), Tweet{ID: id, From: "alice", Text: text, At: t0}, func(Result, error) {})
		if !errors.Is(err, ErrBadTweet) {
			t.Errorf("%s: %v, want a bad tweet", id, err)
		}
		if only := strings.Contains(fmt.Sprint(err), "holds nothing but the @names it replies to"); only != (id == "re4") {
			t.Errorf("%s: %v", id, err)
		}
	}
}

// TestConfirmationAfterExpiry: a confirmation for a purchase already
// cancelled answers expired, as one that finds it pending and late does.
func TestConfirmationAfterExpiry(t *testing.T) {
	offers := []offer.Offer{{Hashtag: "BuyKindle", Name: "Kindle", Price: "149.99",
		Confirm: &offer.Confirm{Hashtag: "ConfirmKindle", Window: "15m"}}}
	f := newFixture(t, offers, []buyer.Buyer{{Handle: "@alice", Card: "visa"}, {Handle: "@bob", Card: "visa"}, {Handle: "@carol", Card: "visa"}})
	ctx := context.Background()

	// bob's confirmation finds his purchase pending and late.
	bobBuy := f.tweet(t, "b1", "bob", "#BuyKindle", t0)
	late := f.tweet(t, "b2", "bob", "#ConfirmKindle", t0.Add(16*time.Minute))
	if late.Outcome != Expired || Str(late.PaymentIntent) != Str(bobBuy.PaymentIntent) {
		t.Fatalf("late confirmation: %+v", late)
	}

	// alice's purchase is swept first, then she confirms.
	aliceBuy := f.tweet(t, "a1", "alice", "#BuyKindle", t0)
	if rs, err := f.eng.ExpireDue(ctx, t0.Add(16*time.Minute)); err != nil || len(rs) != 1 || rs[0].TweetID != "a1" {
		t.Fatalf("expire: %+v %v", rs, err)
	}
	after := f.tweet(t, "a2", "Alice", "#ConfirmKindle", t0.Add(17*time.Minute))
	want := Result{TweetID: "a2", From: "@Alice", At: t0.Add(17 * time.Minute), Outcome: Expired,
		Reason: strp(ReasonWindowClosed), Offer: strp("BuyKindle"), Amount: 0, Currency: strp("usd"),
		PaymentIntent: aliceBuy.PaymentIntent, Charge: aliceBuy.Charge, ConfirmBy: strp("2026-11-24T10:15:00Z"),
		Reply: "@Alice Your request for Kindle expired before it was confirmed. Tweet #BuyKindle to start again."}
	if !reflect.DeepEqual(after, want) {
		t.Fatalf("confirmation after expiry:\n got %+v\nwant %+v", after, want)
	}
	// Both paths answer alike but for the tweet and the purchase, and but
	// that the late confirmation cancelled the authorisation (Closes),
	// which the one after the sweep found cancelled.
	norm := func(r Result) Result {
		r.TweetID, r.From, r.At, r.PaymentIntent, r.Charge, r.Reply = "", "", time.Time{}, nil, nil, ""
		r.Closes = nil
		return r
	}
	if !reflect.DeepEqual(norm(after), norm(late)) {
		t.Fatalf("the two paths differ:\n%+v\n%+v", after, late)
	}
	// So does a second late confirmation, on either path; nothing is charged.
	for _, who := range []string{"alice", "bob"} {
		if r := f.tweet(t, who+"3", who, "#ConfirmKindle", t0.Add(time.Hour)); r.Outcome != Expired {
			t.Fatalf("second late confirmation of %s: %+v", who, r)
		}
	}
	for _, c := range f.charges(t) {
		if c.AmountCaptured != 0 {
			t.Fatalf("captured %+v", c)
		}
	}

	// A new purchase replaces the memory of the expired one: confirmed in
	// time, then nothing is pending or expired.
	f.tweet(t, "a4", "alice", "#BuyKindle", t0.Add(2*time.Hour))
	if r := f.tweet(t, "a5", "alice", "#ConfirmKindle", t0.Add(2*time.Hour+time.Minute)); r.Outcome != Confirmed {
		t.Fatalf("confirmation of the new purchase: %+v", r)
	}
	if r := f.tweet(t, "a6", "alice", "#ConfirmKindle", t0.Add(3*time.Hour)); r.Outcome != Rejected || Str(r.Reason) != ReasonNoPending {
		t.Fatalf("confirmation after a confirmed purchase: %+v", r)
	}
	// A buyer who never bought is still rejected.
	if r := f.tweet(t, "c1", "carol", "#ConfirmKindle", t0); r.Outcome != Rejected || Str(r.Reason) != ReasonNoPending {
		t.Fatalf("confirmation with no purchase: %+v", r)
	}
}

// A buyer whose purchase was never confirmed buys again after its window
// closed: the lapsed purchase gives back the unit it held, so neither the
// last unit in stock nor the buyer's limit refuses the new one.
func TestPurchaseAgainAfterLapsedPurchase(t *testing.T) {
	for _, tc := range []struct {
		name  string
		offer offer.Offer
	}{
		{"last unit", offer.Offer{Stock: intp(1)}},
		{"per-buyer limit", offer.Offer{PerBuyerLimit: intp(1)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.offer
			o.Hashtag, o.Name, o.Price = "BuyKindle", "Kindle", "149.99"
			o.Confirm = &offer.Confirm{Hashtag: "ConfirmKindle", Window: "15m"}
			f := newFixture(t, []offer.Offer{o}, []buyer.Buyer{{Handle: "@alice", Card: "visa"}})
			first := f.tweet(t, "1", "alice", "#BuyKindle", t0)
			again := f.tweet(t, "2", "alice", "#BuyKindle", t0.Add(time.Hour))
			if again.Outcome != AwaitingConfirmation || Str(again.PaymentIntent) == Str(first.PaymentIntent) {
				t.Fatalf("purchase after the first lapsed: %+v", again)
			}
			if r := f.tweet(t, "3", "alice", "#ConfirmKindle", t0.Add(time.Hour+time.Minute)); r.Outcome != Confirmed {
				t.Fatalf("confirmation: %+v", r)
			}
			if sold, bought, err := f.store.Counts(f.eng.pid(f.eng.offers[0]), "alice"); err != nil || sold != 1 || bought != 1 {
				t.Fatalf("counts %d %d %v, want 1 1", sold, bought, err)
			}
		})
	}
}

// Every reply is a valid tweet however much it would name: the longest
// handles, the most recipients a tweet can hold, hashtags as long as an
// offer allows, and more countries than fit.
func TestRepliesFitEverything(t *testing.T) {
	handle := strings.Repeat("h", 20)
	var recipients []string
	for i := range 12 { // 12 mentions of 21 characters fill a tweet
		recipients = append(recipients, fmt.Sprintf("%s%02d", strings.Repeat("r", 18), i))
	}
	countries := []string{"CA", "MX", "GB", "FR", "DE", "ES", "IT", "NL", "BE", "AT", "CH", "SE", "NO", "DK", "FI", "IE",
		"PT", "PL", "CZ", "SK", "HU", "RO", "BG", "GR", "HR", "SI", "EE", "LV", "LT", "LU", "MT", "CY", "IS", "AU", "NZ",
		"JP", "KR", "SG", "HK", "TW", "IN", "BR", "AR", "CL", "CO", "PE", "ZA", "NG", "KE", "EG", "MA", "AE", "SA", "IL",
		"TR", "TH", "MY", "ID", "PH", "VN", "UA", "GE", "AM", "AZ", "KZ", "UZ"}
	// The longest hashtags an offer accepts: 100 characters, or as many
	// CJK characters (weighing 2 each) as still let the offer's tweet fit.
	longest := func(tag, confirm string, grow func(tag, confirm string) (string, string)) offer.Resolved {
		var last offer.Resolved
		for {
			tag, confirm = grow(tag, confirm)
			r, err := offer.Resolve(offer.Offer{Hashtag: tag, Name: "Kindle Fire HD", Price: "149.99",
				PerBuyerLimit: intp(1), Countries: countries, Confirm: &offer.Confirm{Hashtag: confirm}}, offer.Defaults{})
			if err != nil {
				if last.Tag == "" {
					t.Fatal(err)
				}
				return last
			}
			last = r
		}
	}
	offers := map[string]offer.Resolved{
		"ascii": longest("B", "C", func(tag, confirm string) (string, string) {
			if len(tag) < 100 {
				tag += "b"
			}
			return tag, confirm + "c"
		}),
		"cjk tag":     longest("買", "C", func(tag, confirm string) (string, string) { return tag + "買", confirm }),
		"cjk confirm": longest("B", "確", func(tag, confirm string) (string, string) { return tag, confirm + "確" }),
	}
	for kind, o := range offers {
		for name, text := range map[string]string{
			"purchased":             replyPurchased(handle, o),
			"awaiting":              replyAwaiting(handle, o, 15*time.Minute),
			"confirmed":             replyConfirmed(handle, o),
			"expired":               replyExpired(handle, o),
			"declined":              replyDeclined(handle, o, "card_declined", "card_velocity_exceeded"),
			"gifted":                replyGifted(handle, o, recipients),
			ReasonNotLinked:         replyRejected(handle, o, ReasonNotLinked),
			ReasonCountryNotAllowed: replyRejected(handle, o, ReasonCountryNotAllowed),
			ReasonSoldOut:           replyRejected(handle, o, ReasonSoldOut),
			ReasonLimitReached:      replyRejected(handle, o, ReasonLimitReached),
			ReasonOfferInactive:     replyRejected(handle, o, ReasonOfferInactive),
			ReasonNoPending:         replyRejected(handle, o, ReasonNoPending),
			ReasonNoRecipient:       replyRejected(handle, o, ReasonNoRecipient),
		} {
			if p := tweet.Parse(text); !p.Valid || !strings.HasPrefix(text, "@") {
				t.Errorf("%s offer: %s reply is not a valid tweet to someone (%d): %s", kind, name, p.WeightedLength, text)
			}
		}
	}
}

// A confirmation tweeted before the purchase it would confirm (tweets given
// out of order) finds nothing pending, and leaves the purchase pending.
func TestConfirmationBeforePurchase(t *testing.T) {
	offers := []offer.Offer{{Hashtag: "BuyKindle", Name: "Kindle", Price: "149.99",
		Confirm: &offer.Confirm{Hashtag: "ConfirmKindle", Window: "15m"}}}
	f := newFixture(t, offers, []buyer.Buyer{{Handle: "@alice", Card: "visa"}})
	f.tweet(t, "1", "alice", "#BuyKindle", t0)
	if r := f.tweet(t, "2", "alice", "#ConfirmKindle", t0.Add(-time.Minute)); r.Outcome != Rejected || Str(r.Reason) != ReasonNoPending {
		t.Fatalf("confirmation before the purchase: %+v", r)
	}
	if r := f.tweet(t, "3", "alice", "#ConfirmKindle", t0.Add(time.Minute)); r.Outcome != Confirmed {
		t.Fatalf("confirmation after the purchase: %+v", r)
	}

	// Nor does one tweeted before a purchase that has lapsed since.
	f.tweet(t, "4", "alice", "#BuyKindle", t0.Add(time.Hour))
	if rs, err := f.eng.ExpireDue(context.Background(), t0.Add(2*time.Hour)); err != nil || len(rs) != 1 {
		t.Fatalf("expire: %+v %v", rs, err)
	}
	if r := f.tweet(t, "5", "alice", "#ConfirmKindle", t0.Add(30*time.Minute)); r.Outcome != Rejected || Str(r.Reason) != ReasonNoPending {
		t.Fatalf("confirmation before the lapsed purchase: %+v", r)
	}
}

// A handle is written as buyers are declared: with '@', '＠' or no sign.
func TestAuthorSpellings(t *testing.T) {
	f := newFixture(t, []offer.Offer{{Hashtag: "BuyMug", Name: "Mug", Price: "9.00"}}, []buyer.Buyer{{Handle: "@alice", Card: "visa"}})
	for i, from := range []string{"alice", "@alice", "＠Alice", " @ALICE "} {
		if r := f.tweet(t, fmt.Sprint(i), from, "#BuyMug", t0); r.Outcome != Purchased {
			t.Errorf("tweet from %q: %+v", from, r)
		}
	}
}

// Replies about a pending purchase quote the price it was authorised for,
// not the offer's price changed since.
func TestRepliesQuoteAuthorisedPrice(t *testing.T) {
	o := offer.Offer{Hashtag: "BuyKindle", Name: "Kindle", Price: "149.99", Confirm: &offer.Confirm{Hashtag: "ConfirmKindle"}}
	f := newFixture(t, []offer.Offer{o}, []buyer.Buyer{{Handle: "@alice", Card: "visa"}})
	f.tweet(t, "1", "alice", "#BuyKindle", t0)
	o.Price = "99.00"
	rs, err := offer.ValidateAll([]offer.Offer{o}, offer.Defaults{Country: "US", Currency: "usd"})
	if err != nil {
		t.Fatal(err)
	}
	f.eng.offers = rs
	again := f.tweet(t, "2", "alice", "#BuyKindle", t0.Add(time.Minute))
	confirmed := f.tweet(t, "3", "alice", "#ConfirmKindle", t0.Add(2*time.Minute))
	for _, r := range []Result{again, confirmed} {
		if r.Amount != 14999 || !strings.Contains(r.Reply, "$149.99") {
			t.Errorf("%s: amount %d, reply %q: want 14999 and $149.99", r.Outcome, r.Amount, r.Reply)
		}
	}
}

// A pending purchase whose authorisation was released outside the engine
// (charges refund, the Dashboard, Stripe after 7 days) neither fails its
// confirmation nor blocks simulate expire and the buyer's next purchase.
func TestAuthorisationReleasedElsewhere(t *testing.T) {
	offers := []offer.Offer{{Hashtag: "BuyKindle", Name: "Kindle", Price: "149.99", Stock: intp(2),
		Confirm: &offer.Confirm{Hashtag: "ConfirmKindle", Window: "15m"}}}
	f := newFixture(t, offers, []buyer.Buyer{{Handle: "@alice", Card: "visa"}, {Handle: "@bob", Card: "visa"}})
	ctx := context.Background()
	release := func(r Result) {
		t.Helper()
		if _, err := f.gw.CancelPayment(ctx, Str(r.PaymentIntent), "requested_by_customer", "test:"+Str(r.PaymentIntent)); err != nil {
			t.Fatal(err)
		}
	}

	// A confirmation in time finds nothing left to capture.
	release(f.tweet(t, "a1", "alice", "#BuyKindle", t0))
	r := f.tweet(t, "a2", "alice", "#ConfirmKindle", t0.Add(time.Minute))
	if r.Outcome != Expired || Str(r.Reason) != ReasonPaymentCanceled || r.Amount != 0 || !tweet.Valid(r.Reply) {
		t.Fatalf("confirmation of a released purchase: %+v", r)
	}

	// A sweep past the window, and a purchase after it.
	release(f.tweet(t, "b1", "bob", "#BuyKindle", t0))
	release(f.tweet(t, "a3", "alice", "#BuyKindle", t0.Add(time.Hour)))
	if rs, err := f.eng.ExpireDue(ctx, t0.Add(30*time.Minute)); err != nil || len(rs) != 1 || rs[0].TweetID != "b1" {
		t.Fatalf("expire: %+v %v", rs, err)
	}
	if r := f.tweet(t, "a4", "alice", "#BuyKindle", t0.Add(2*time.Hour)); r.Outcome != AwaitingConfirmation || Str(r.Reason) != "" {
		t.Fatalf("purchase after a released one lapsed: %+v", r)
	}
	if sold, _, err := f.store.Counts(f.eng.pid(f.eng.offers[0]), "alice"); err != nil || sold != 1 {
		t.Fatalf("sold %d %v, want 1", sold, err)
	}
}

// Every gift tweet has "gifts" in its JSON, [] when it was refused before any
// recipient was reached, also when it comes back as a duplicate from the
// state; no other tweet has the key.
func TestGiftsKey(t *testing.T) {
	f := newFixture(t, []offer.Offer{
		{GiftHandle: "tweetacoffee", Name: "Coffee", Price: "5.00"},
		{GiftHandle: "tweetacake", Name: "Cake", Price: "7.00", Countries: []string{"CA"}},
		{Hashtag: "BuyMug", Name: "Mug", Price: "9.00"},
	}, []buyer.Buyer{{Handle: "@alice", Card: "visa"}, {Handle: "@bob", Card: "visa"}})
	for _, tc := range []struct {
		id, from, text string
		outcome        string
		gifts          string // the "gifts" value as JSON; "" for no key
	}{
		{"1", "@alice", "@tweetacoffee to @bob", Gifted, `[{"to":"@bob",`},
		{"2", "@alice", "@tweetacoffee to me", Rejected, `[]`},
		{"3", "@zed", "@tweetacoffee to @bob", Rejected, `[]`},
		{"4", "@alice", "@tweetacake to @bob", Rejected, `[]`},
		{"2", "@alice", "@tweetacoffee to me", Rejected, `[]`}, // a duplicate, read from the state
		{"5", "@alice", "#BuyMug", Purchased, ""},
		{"6", "@zed", "#BuyMug", Rejected, ""},
		{"7", "@alice", "hello @bob", Ignored, ""},
		{"8", "@alice", "RT @tweetacoffee to @bob", Ignored, ""},
	} {
		r := f.tweet(t, tc.id, tc.from, tc.text, t0)
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		gifts, ok := m["gifts"]
		switch {
		case r.Outcome != tc.outcome:
			t.Errorf("%s %q: outcome %s, want %s", tc.from, tc.text, r.Outcome, tc.outcome)
		case tc.gifts == "" && ok:
			t.Errorf("%s %q: has gifts %s, want no key", tc.from, tc.text, gifts)
		case tc.gifts != "" && !strings.HasPrefix(string(gifts), tc.gifts):
			t.Errorf("%s %q: gifts %s, want %s…", tc.from, tc.text, gifts, tc.gifts)
		}
	}
}

// The first offer named that is on sale decides a tweet naming several;
// one that has ended, not started or been archived does not stand in its
// way. Only a tweet whose every offer is off sale is refused, for the first.
func TestFirstOfferOnSaleDecides(t *testing.T) {
	offers := []offer.Offer{
		{Hashtag: "BuyMug", Name: "Mug", Price: "9.00"},
		{Hashtag: "BuyOld", Name: "Old", Price: "3.00", Ends: "2020-01-01T00:00:00Z"},
		{Hashtag: "BuySoon", Name: "Soon", Price: "3.00", Starts: "2030-01-01T00:00:00Z"},
		{Hashtag: "BuyGone", Name: "Gone", Price: "3.00", Archived: true},
		{Hashtag: "BuyKindle", Name: "Kindle", Price: "149.99", Confirm: &offer.Confirm{Hashtag: "ConfirmKindle", Window: "15m"}},
		{GiftHandle: "oldcoffee", Name: "Old Coffee", Price: "5.00", Ends: "2020-01-01T00:00:00Z"},
	}
	f := newFixture(t, offers, []buyer.Buyer{{Handle: "@alice", Card: "visa"}, {Handle: "@bob", Card: "visa"}})
	for i, tc := range []struct {
		from, text             string
		outcome, reason, offer string
	}{
		{"alice", "#BuyOld #BuyMug", Purchased, "", "BuyMug"},
		{"alice", "#BuySoon #BuyGone #buymug", Purchased, "", "BuyMug"},
		{"alice", "#BuyMug #BuyOld", Purchased, "", "BuyMug"},
		{"alice", "#BuyOld #BuyKindle", AwaitingConfirmation, "", "BuyKindle"},
		{"alice", "#BuyOld #BuySoon", Rejected, ReasonOfferInactive, "BuyOld"},
		{"alice", "#BuySoon #BuyOld #BuyGone", Rejected, ReasonOfferInactive, "BuySoon"},
		{"alice", "#BuyGone", Rejected, ReasonOfferInactive, "BuyGone"},
		// A confirmation hashtag decides where it stands.
		{"bob", "#BuyOld #ConfirmKindle", Rejected, ReasonNoPending, "BuyKindle"},
		// A gift offer off sale gives way as a hashtag does, and is named
		// when nothing else is on sale: it comes first.
		{"alice", "@oldcoffee to @bob #BuyMug", Purchased, "", "BuyMug"},
		{"alice", "@oldcoffee to @bob #BuyOld", Rejected, ReasonOfferInactive, "oldcoffee"},
		// Who may buy is checked for the offer that decides.
		{"stranger", "#BuyOld", Rejected, ReasonOfferInactive, "BuyOld"},
		{"stranger", "#BuyOld #BuyMug", Rejected, ReasonNotLinked, "BuyMug"},
	} {
		r := f.tweet(t, fmt.Sprint("off", i), tc.from, tc.text, t0)
		if r.Outcome != tc.outcome || Str(r.Reason) != tc.reason || Str(r.Offer) != tc.offer {
			t.Errorf("@%s %q: %s %q for %q, want %s %q for %q (reply %q)", tc.from, tc.text,
				r.Outcome, Str(r.Reason), Str(r.Offer), tc.outcome, tc.reason, tc.offer, r.Reply)
		}
		if r.Outcome == Rejected && !strings.Contains(r.Reply, "@"+tc.from+" ") {
			t.Errorf("%q: reply %q", tc.text, r.Reply)
		}
	}
}

// Confirmation hashtags among others: the first hashtag that can act
// decides, so a confirmation finds the purchase waiting for it wherever it
// stands, and one with nothing to confirm gives way to a hashtag that can
// act. A tweet confirms one purchase.
func TestConfirmationAmongHashtags(t *testing.T) {
	confirm := func(tag string) *offer.Confirm { return &offer.Confirm{Hashtag: tag, Window: "15m"} }
	offers := []offer.Offer{
		{Hashtag: "BuyMug", Name: "Mug", Price: "9.00"},
		{Hashtag: "BuyOld", Name: "Old", Price: "3.00", Ends: "2020-01-01T00:00:00Z"},
		{Hashtag: "BuyKindle", Name: "Kindle", Price: "149.99", Confirm: confirm("ConfirmKindle")},
		{Hashtag: "BuyTab", Name: "Tab", Price: "99.00", Confirm: confirm("ConfirmTab")},
	}
	var buyers []buyer.Buyer
	for _, h := range []string{"alice", "bob", "carol", "dave", "erin", "frank"} {
		buyers = append(buyers, buyer.Buyer{Handle: "@" + h, Card: "visa"})
	}
	f := newFixture(t, offers, buyers)
	pi := map[string]string{} // buyer/offer -> payment intent awaiting confirmation
	for i, tc := range []struct {
		from, text             string
		after                  time.Duration
		outcome, reason, offer string
	}{
		// Both hashtags of a purchase waiting: it is confirmed, where the
		// purchase hashtag alone would only remind the buyer of it.
		{"alice", "#BuyKindle", 0, AwaitingConfirmation, "", "BuyKindle"},
		{"alice", "#BuyKindle #ConfirmKindle", time.Minute, Confirmed, "", "BuyKindle"},
		{"alice", "#BuyKindle", 2 * time.Minute, AwaitingConfirmation, "", "BuyKindle"},
		{"alice", "#BuyKindle", 3 * time.Minute, AwaitingConfirmation, ReasonAlreadyPending, "BuyKindle"},
		// Nothing waiting yet: the purchase hashtag starts the purchase.
		{"bob", "#BuyKindle #ConfirmKindle", 0, AwaitingConfirmation, "", "BuyKindle"},
		// A confirmation with nothing waiting gives way to the next one.
		{"bob", "#ConfirmTab #ConfirmKindle", time.Minute, Confirmed, "", "BuyKindle"},
		// Two purchases waiting: the first confirmation hashtag confirms
		// its own; the other keeps waiting.
		{"carol", "#BuyTab", 0, AwaitingConfirmation, "", "BuyTab"},
		{"carol", "#BuyKindle", 0, AwaitingConfirmation, "", "BuyKindle"},
		{"carol", "#ConfirmKindle #ConfirmTab", time.Minute, Confirmed, "", "BuyKindle"},
		{"carol", "#ConfirmTab", 2 * time.Minute, Confirmed, "", "BuyTab"},
		// A confirmation with nothing to confirm gives way to a purchase,
		// and is answered when nothing else can act.
		{"dave", "#ConfirmKindle #BuyMug", 0, Purchased, "", "BuyMug"},
		{"dave", "#ConfirmKindle #ConfirmTab", 0, Rejected, ReasonNoPending, "BuyKindle"},
		{"dave", "#BuyOld #ConfirmTab", 0, Rejected, ReasonNoPending, "BuyTab"},
		// A purchase waiting gives way to a hashtag that can act, and is
		// recalled when none can; an offer off sale is named last.
		{"erin", "#BuyKindle", 0, AwaitingConfirmation, "", "BuyKindle"},
		{"erin", "#BuyKindle #BuyOld", time.Minute, AwaitingConfirmation, ReasonAlreadyPending, "BuyKindle"},
		{"erin", "#BuyOld #BuyKindle #ConfirmTab", time.Minute, AwaitingConfirmation, ReasonAlreadyPending, "BuyKindle"},
		{"erin", "#BuyKindle #BuyMug", 2 * time.Minute, Purchased, "", "BuyMug"},
		{"erin", "#ConfirmKindle", 3 * time.Minute, Confirmed, "", "BuyKindle"},
		// Past its window, a purchase cannot be confirmed: the purchase
		// hashtag after the confirmation starts again.
		{"frank", "#BuyKindle", 0, AwaitingConfirmation, "", "BuyKindle"},
		{"frank", "#ConfirmKindle #BuyKindle", 20 * time.Minute, AwaitingConfirmation, "", "BuyKindle"},
		{"frank", "#ConfirmKindle", 21 * time.Minute, Confirmed, "", "BuyKindle"},
	} {
		r := f.tweet(t, fmt.Sprint("c", i), tc.from, tc.text, t0.Add(tc.after))
		if r.Outcome != tc.outcome || Str(r.Reason) != tc.reason || Str(r.Offer) != tc.offer {
			t.Fatalf("@%s %q: %s %q for %q, want %s %q for %q (reply %q)", tc.from, tc.text,
				r.Outcome, Str(r.Reason), Str(r.Offer), tc.outcome, tc.reason, tc.offer, r.Reply)
		}
		k := tc.from + "/" + tc.offer
		switch {
		case r.Outcome == AwaitingConfirmation && r.Reason == nil:
			pi[k] = Str(r.PaymentIntent)
		case r.Outcome == AwaitingConfirmation || r.Outcome == Confirmed:
			if Str(r.PaymentIntent) != pi[k] {
				t.Fatalf("@%s %q: payment %s, want the one waiting, %s", tc.from, tc.text, Str(r.PaymentIntent), pi[k])
			}
		}
	}
	// Each purchase confirmed or paid was captured once, and only alice's
	// last purchase waits.
	captured := 0
	for _, c := range f.charges(t) {
		if c.AmountCaptured > 0 {
			captured++
		}
	}
	if captured != 8 {
		t.Fatalf("%d charges captured, want 8", captured)
	}
	if ps, err := f.eng.Pending(); err != nil || len(ps) != 1 || ps[0].PaymentIntent != pi["alice/BuyKindle"] {
		t.Fatalf("pending %+v %v, want alice's last purchase", ps, err)
	}
}

// The merchant is never a gift's recipient, however it is spelt: a sender
// who thanks it in a gift tweet pays for the friends' gifts only.
func TestGiftLeavesOutMerchant(t *testing.T) {
	f := newFixture(t, []offer.Offer{{GiftHandle: "tweetacoffee", Name: "Coffee", Price: "5.00"}},
		[]buyer.Buyer{{Handle: "@alice", Card: "visa"}})
	r := f.tweet(t, "1", "alice", "@tweetacoffee to @bob and @carol, thanks @Shop!", t0)
	var to []string
	for _, g := range r.Gifts {
		to = append(to, g.To)
	}
	if r.Outcome != Gifted || r.Amount != 1000 || !reflect.DeepEqual(to, []string{"@bob", "@carol"}) {
		t.Fatalf("gift: %s %d to %v, want gifted 1000 to @bob and @carol", r.Outcome, r.Amount, to)
	}
	if r := f.tweet(t, "2", "alice", "@tweetacoffee to @SHOP", t0); r.Outcome != Rejected || Str(r.Reason) != ReasonNoRecipient {
		t.Fatalf("gift to the merchant alone: %+v", r)
	}
	if n := len(f.charges(t)); n != 2 {
		t.Fatalf("%d charges, want 2", n)
	}
}

// TestCheck: Check refuses what Process would refuse as a bad tweet, with
// the same error, and records and charges nothing; a good tweet passes.
func TestCheck(t *testing.T) {
	f := newFixture(t, []offer.Offer{{Hashtag: "BuyMug", Name: "Mug", Price: "9.00"}},
		[]buyer.Buyer{{Handle: "@alice", Card: "visa", UserID: "5"}})
	ctx := context.Background()
	for _, tw := range []Tweet{
		{ID: "unknown", AuthorID: "6", Text: "#BuyMug", At: t0},
		{ID: "", From: "alice", Text: "#BuyMug", At: t0},
		{ID: "notime", From: "alice", Text: "#BuyMug"},
		{ID: "long", From: "alice", Text: "#BuyMug " + strings.Repeat("a", 300), At: t0},
		{ID: "name", From: "not a name", Text: "#BuyMug", At: t0},
	} {
		err := f.eng.Check(tw)
		if !errors.Is(err, ErrBadTweet) {
			t.Errorf("%s: Check = %v, want ErrBadTweet", tw.ID, err)
			continue
		}
		if _, perr := f.eng.Process(ctx, tw); perr == nil || perr.Error() != err.Error() {
			t.Errorf("%s: Check says %q, Process %v", tw.ID, err, perr)
		}
	}
	if err := f.eng.Check(Tweet{ID: "good", AuthorID: "5", Text: "#BuyMug", At: t0}); err != nil {
		t.Errorf("good tweet: Check = %v", err)
	}
	if _, ok, err := f.store.Result("good"); ok || err != nil {
		t.Errorf("Check recorded a result (%v)", err)
	}
	if n := len(f.charges(t)); n != 0 {
		t.Errorf("%d charges after checks", n)
	}
}

// A namespace keeps a run's tweet IDs apart in keys, metadata and the
// state; the results, the duplicate's included, give the ID the tweet came
// with.
func TestNamespacedDuplicateKeepsTweetID(t *testing.T) {
	f := newFixture(t, []offer.Offer{{Hashtag: "BuyMug", Name: "Mug", Price: "9.00"}}, []buyer.Buyer{{Handle: "@alice", Card: "visa"}})
	f.eng.namespace = "run-0a1b2c3d-1:"
	first := f.tweet(t, "1001", "@alice", "#BuyMug", t0)
	again := f.tweet(t, "1001", "@alice", "#BuyMug", t0)
	if first.TweetID != "1001" || first.Duplicate {
		t.Fatalf("first: tweet_id %q, duplicate %v", first.TweetID, first.Duplicate)
	}
	if again.TweetID != "1001" || !again.Duplicate {
		t.Errorf("again: tweet_id %q, duplicate %v; want \"1001\", true", again.TweetID, again.Duplicate)
	}
	if cs := f.charges(t); len(cs) != 1 || cs[0].Metadata[MetaTweetID] != "run-0a1b2c3d-1:1001" {
		t.Errorf("charges %+v: want one, with the namespaced tweet_id", cs)
	}
}

// failingGetGateway fails GetPayment as a provider out of reach does, and
// counts the calls.
type failingGetGateway struct {
	payment.Gateway
	calls *int
}

func (g failingGetGateway) GetPayment(context.Context, string) (payment.Payment, error) {
	*g.calls++
	return payment.Payment{}, &payment.Error{Kind: payment.ErrUnavailable, Message: "network error: connection refused"}
}

// A purchase whose authorisation was released outside the engine (charges
// refund) stays pending in the state until a confirmation or an expiry
// meets it: PendingStatus says what became of it.
func TestPendingStatus(t *testing.T) {
	offers := []offer.Offer{{Hashtag: "BuyKindle", Name: "Kindle", Price: "149.99",
		Confirm: &offer.Confirm{Hashtag: "ConfirmKindle", Window: "15m"}}}
	f := newFixture(t, offers, []buyer.Buyer{{Handle: "@alice", Card: "visa"}, {Handle: "@bob", Card: "visa"}, {Handle: "@carol", Card: "visa"}})
	ctx := context.Background()
	ra := f.tweet(t, "a1", "alice", "#BuyKindle", t0)
	f.tweet(t, "b1", "bob", "#BuyKindle", t0.Add(time.Second))
	rc := f.tweet(t, "c1", "carol", "#BuyKindle", t0.Add(2*time.Second))
	if _, err := f.gw.CancelPayment(ctx, Str(ra.PaymentIntent), "requested_by_customer", "test:a1"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.gw.CapturePayment(ctx, Str(rc.PaymentIntent), 0, "test:c1"); err != nil {
		t.Fatal(err)
	}
	ps, err := f.eng.Pending()
	if err != nil || len(ps) != 3 {
		t.Fatalf("pending %+v %v", ps, err)
	}
	got, err := f.eng.PendingStatus(ctx, ps)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a1": PendingReleased, "b1": PendingAwaiting, "c1": PendingCaptured}
	for i, p := range ps {
		if got[i] != want[p.TweetID] {
			t.Errorf("tweet %s: status %q, want %q", p.TweetID, got[i], want[p.TweetID])
		}
	}

	// A provider out of reach is asked once, not once per purchase.
	calls := 0
	f.eng.gw = failingGetGateway{f.gw, &calls}
	got, err = f.eng.PendingStatus(ctx, ps)
	if !errors.Is(err, payment.ErrUnavailable) || !slices.Equal(got, []string{PendingUnknown, PendingUnknown, PendingUnknown}) || calls != 1 {
		t.Errorf("provider down: %v %v after %d calls", got, err, calls)
	}
}

// The run a purchase tweet belongs to is kept with its authorisation, and
// the result of the tweet that captures or cancels it names it, with the
// amount authorised, whichever run that tweet belongs to: a confirmation,
// a late confirmation, a new purchase after the first's window closed, and
// simulate expire. A tweet that finds the authorisation closed already, a
// duplicate, and a purchase that closes nothing name none.
func TestResultClosesAuthorisation(t *testing.T) {
	offers := []offer.Offer{{Hashtag: "BuyKindle", Name: "Kindle", Price: "149.99",
		Confirm: &offer.Confirm{Hashtag: "ConfirmKindle", Window: "15m"}}}
	var buyers []buyer.Buyer
	for _, h := range []string{"@alice", "@bob", "@carol", "@dave", "@erin"} {
		buyers = append(buyers, buyer.Buyer{Handle: h, Card: "visa"})
	}
	f := newFixture(t, offers, buyers)
	ctx := context.Background()
	tweet := func(run, id, from, text string, at time.Time) Result {
		t.Helper()
		r, err := f.eng.Process(ctx, Tweet{ID: id, From: from, Text: text, At: at, Run: run})
		if err != nil {
			t.Fatalf("tweet %s: %v", id, err)
		}
		return r
	}
	closes := func(r Result, run string, buy Result) {
		t.Helper()
		want := &Authorisation{Run: run, PaymentIntent: Str(buy.PaymentIntent), Amount: 14999, Currency: "usd"}
		if !reflect.DeepEqual(r.Closes, want) {
			t.Fatalf("tweet %s (%s) closes %+v, want %+v", r.TweetID, r.Outcome, r.Closes, want)
		}
	}
	none := func(r Result) {
		t.Helper()
		if r.Closes != nil {
			t.Fatalf("tweet %s (%s) closes %+v, want none", r.TweetID, r.Outcome, r.Closes)
		}
	}

	aliceBuy := tweet("run1", "a1", "alice", "#BuyKindle", t0)
	none(aliceBuy)
	if p, ok, err := f.store.PendingFor("alice", f.eng.pid(f.eng.offers[0])); err != nil || !ok || p.Run != "run1" {
		t.Fatalf("pending %+v %v %v, want run1's", p, ok, err)
	}
	// Confirmed in another run: the authorisation is still run1's.
	c := tweet("run2", "a2", "alice", "#ConfirmKindle", t0.Add(time.Minute))
	if c.Outcome != Confirmed {
		t.Fatalf("confirmation: %+v", c)
	}
	closes(c, "run1", aliceBuy)
	none(tweet("run2", "a3", "alice", "#ConfirmKindle", t0.Add(2*time.Minute)))
	if r := tweet("run2", "a2", "alice", "#ConfirmKindle", t0.Add(time.Minute)); !r.Duplicate {
		t.Fatalf("replayed confirmation: %+v", r)
	} else {
		none(r)
	}

	// Made outside a run (simulate tweet).
	bobBuy := tweet("", "b1", "bob", "#BuyKindle", t0)
	closes(tweet("run2", "b2", "bob", "#ConfirmKindle", t0.Add(time.Minute)), "", bobBuy)

	// Cancelled by a late confirmation; the next one finds it cancelled.
	carolBuy := tweet("run1", "c1", "carol", "#BuyKindle", t0)
	late := tweet("run1", "c2", "carol", "#ConfirmKindle", t0.Add(time.Hour))
	if late.Outcome != Expired || late.Amount != 0 {
		t.Fatalf("late confirmation: %+v", late)
	}
	closes(late, "run1", carolBuy)
	none(tweet("run1", "c3", "carol", "#ConfirmKindle", t0.Add(2*time.Hour)))

	// Cancelled by the buyer's new purchase, whose own authorisation is
	// the new run's; already_pending closes nothing.
	daveBuy := tweet("run1", "d1", "dave", "#BuyKindle", t0)
	again := tweet("run2", "d2", "dave", "#BuyKindle", t0.Add(time.Hour))
	if again.Outcome != AwaitingConfirmation || Str(again.PaymentIntent) == Str(daveBuy.PaymentIntent) {
		t.Fatalf("purchase after a lapsed one: %+v", again)
	}
	closes(again, "run1", daveBuy)
	none(tweet("run2", "d3", "dave", "#BuyKindle", t0.Add(time.Hour+time.Minute)))
	closes(tweet("run3", "d4", "dave", "#ConfirmKindle", t0.Add(time.Hour+2*time.Minute)), "run2", again)

	// Swept by simulate expire.
	erinBuy := tweet("run1", "e1", "erin", "#BuyKindle", t0)
	rs, err := f.eng.ExpireDue(ctx, t0.Add(time.Hour))
	if err != nil || len(rs) != 1 {
		t.Fatalf("expire: %+v %v", rs, err)
	}
	closes(rs[0], "run1", erinBuy)
}

// An authorisation replayed from an earlier request (the same tweet run
// again over another simulation state, against the same provider) was not
// made by the run that replays it: it is kept without the run, and the
// result that closes it names none.
func TestReplayedAuthorisationHasNoRun(t *testing.T) {
	offers := []offer.Offer{{Hashtag: "BuyKindle", Name: "Kindle", Price: "149.99",
		Confirm: &offer.Confirm{Hashtag: "ConfirmKindle", Window: "15m"}}}
	f := newFixture(t, offers, []buyer.Buyer{{Handle: "@alice", Card: "visa"}})
	ctx := context.Background()
	if _, err := f.eng.Process(ctx, Tweet{ID: "1", From: "alice", Text: "#BuyKindle", At: t0, Run: "run1"}); err != nil {
		t.Fatal(err)
	}
	store, err := OpenStore(t.TempDir(), statedb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	eng := New(Options{Gateway: f.gw, Store: store, Offers: f.eng.offers, Buyers: []Account{f.eng.buyers["alice"]}, Merchant: "@shop"})
	r, err := eng.Process(ctx, Tweet{ID: "1", From: "alice", Text: "#BuyKindle", At: t0, Run: "run2"})
	if err != nil || r.Outcome != AwaitingConfirmation || !r.Duplicate {
		t.Fatalf("replayed purchase: %+v %v", r, err)
	}
	c, err := eng.Process(ctx, Tweet{ID: "2", From: "alice", Text: "#ConfirmKindle", At: t0.Add(time.Minute), Run: "run2"})
	if err != nil || c.Outcome != Confirmed || c.Closes == nil || c.Closes.Run != "" {
		t.Fatalf("confirmation: %+v (closes %+v) %v", c, c.Closes, err)
	}
}
