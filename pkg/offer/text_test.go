package offer

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tweetpay/tweetpay/pkg/tweet"
)

func mustResolve(t *testing.T, o Offer) Resolved {
	t.Helper()
	r, err := Resolve(o, us)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func checkTweet(t *testing.T, name, text string) {
	t.Helper()
	res := tweet.Parse(text)
	if !res.Valid || res.WeightedLength > 280 {
		t.Errorf("%s: tweet invalid (weighted length %d): %q", name, res.WeightedLength, text)
	}
	if !utf8.ValidString(text) {
		t.Errorf("%s: tweet is not valid UTF-8: %q", name, text)
	}
}

func TestTweetTextExamples(t *testing.T) {
	o := blueMug()
	o.PerBuyerLimit = nil
	tests := []struct {
		name string
		o    Offer
		want string
	}{
		{"hashtag with confirmation", o,
			"Blue Mug, $12.50. Tweet #BuyBlueMug to buy it with your linked card. Then confirm with #ConfirmBlueMug within 15 minutes. US only. Limited stock: 100."},
		{"gift", Offer{GiftHandle: "tweetacoffee", Name: "Coffee eGift", Price: "5.00"},
			"Send a friend a Coffee eGift ($5.00): tweet @tweetacoffee to @friend. US only."},
		{"no extras, every country", Offer{Hashtag: "BuyTea", Name: "Tea", Price: "500", Currency: "jpy", Countries: []string{}},
			"Tea, ¥500. Tweet #BuyTea to buy it with your linked card. US only."},
		{"two countries, limit, end, hours", Offer{Hashtag: "BuyTea", Name: "Tea", Price: "3", Countries: []string{"US", "CA"},
			PerBuyerLimit: ptr(2), Ends: "2026-12-01T18:30:00-05:00", Confirm: &Confirm{Hashtag: "OkTea", Window: "2h"}},
			"Tea, $3.00. Tweet #BuyTea to buy it with your linked card. Then confirm with #OkTea within 2 hours. US and CA only. Limit 2 per buyer. Ends 2026-12-01 23:30 UTC."},
		{"three countries, days", Offer{Hashtag: "BuyTea", Name: "Tea", Price: "1.250", Currency: "kwd", Countries: []string{"US", "CA", "MX"},
			Confirm: &Confirm{Hashtag: "OkTea", Window: "1d"}},
			"Tea, KWD 1.250. Tweet #BuyTea to buy it with your linked card. Then confirm with #OkTea within 1 day. US, CA and MX only."},
		{"many countries", Offer{Hashtag: "BuyTea", Name: "Tea", Price: "3", Countries: []string{"US", "CA", "MX", "GB", "FR", "DE"}},
			"Tea, $3.00. Tweet #BuyTea to buy it with your linked card. In 6 countries only."},
	}
	for _, tt := range tests {
		got := TweetText(mustResolve(t, tt.o), "@bluemugco")
		if got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
		checkTweet(t, tt.name, got)
	}
	// Without a merchant country, nothing is said about availability.
	r, err := Resolve(Offer{Hashtag: "BuyTea", Name: "Tea", Price: "3"}, Defaults{})
	if err != nil {
		t.Fatal(err)
	}
	if got := TweetText(r, ""); got != "Tea, $3.00. Tweet #BuyTea to buy it with your linked card." {
		t.Errorf("worldwide offer: %q", got)
	}
}

func TestTweetTextLongNames(t *testing.T) {
	long := func(unit string, n int) string { return strings.Repeat(unit, n) }
	tests := []struct {
		name     string
		o        Offer
		keepAll  []string // parts the text must keep
		ellipsis bool
	}{
		{"latin 300", Offer{Hashtag: "BuyX", Name: long("Mug ", 80), Price: "12.50", Stock: ptr(5)},
			[]string{"#BuyX", "$12.50", "Limited stock: 5.", "US only."}, true},
		{"CJK 300", Offer{Hashtag: "買う", Name: long("青いマグカップ", 50), Price: "500", Currency: "jpy",
			Confirm: &Confirm{Hashtag: "確認", Window: "15m"}},
			[]string{"#買う", "¥500", "#確認", "15 minutes"}, true},
		{"emoji ZWJ 300", Offer{Hashtag: "BuyFamily", Name: long("👨‍👩‍👧‍👦", 320), Price: "1"},
			[]string{"#BuyFamily", "$1.00"}, true},
		{"flags and skin tones", Offer{Hashtag: "BuyFlag", Name: long("🇺🇸👍🏽", 200), Price: "1"},
			[]string{"#BuyFlag"}, true},
		{"combining marks", Offer{Hashtag: "BuyE", Name: long("e\u0301\u0323", 400), Price: "1"}, []string{"#BuyE"}, true},
		{"gift with long name", Offer{GiftHandle: "tweetacoffee", Name: long("Café ☕ ", 100), Price: "5"},
			[]string{"@tweetacoffee to @friend", "$5.00"}, true},
		{"long hashtags drop the details first", Offer{Hashtag: long("a", 100), Name: "Mug", Price: "1", Stock: ptr(3),
			PerBuyerLimit: ptr(1), Countries: []string{"US", "CA", "MX", "GB"}, Confirm: &Confirm{Hashtag: long("b", 100), Window: "15m"}},
			[]string{"Mug", "#" + long("a", 100), "#" + long("b", 100)}, false},
		{"long CJK hashtags", Offer{Hashtag: long("買", 60), Name: long("名", 300), Price: "1",
			Confirm: &Confirm{Hashtag: long("確", 60)}}, []string{"#" + long("買", 60), "#" + long("確", 60)}, true},
		{"name with control characters", Offer{Hashtag: "BuyX", Name: "Blue\x00\x07 Mug\uFEFF", Price: "1"}, []string{"Blue Mug, $1.00"}, false},
	}
	for _, tt := range tests {
		r := mustResolve(t, tt.o)
		got := TweetText(r, "@shop")
		checkTweet(t, tt.name, got)
		for _, k := range tt.keepAll {
			if !strings.Contains(got, k) {
				t.Errorf("%s: %q lacks %q", tt.name, got, k)
			}
		}
		if strings.Contains(got, "…") != tt.ellipsis {
			t.Errorf("%s: ellipsis = %v, want %v: %q", tt.name, !tt.ellipsis, tt.ellipsis, got)
		}
		if tt.ellipsis {
			// The cut name is as long as it can be: one more character
			// of the name would not fit. Check it is a prefix of the name.
			cut := strings.TrimPrefix(got[:strings.Index(got, "…")], "Send a friend a ")
			if !strings.HasPrefix(cleanName(r.Name), cut) {
				t.Errorf("%s: shortened name %q is not a prefix of the name", tt.name, cut)
			}
			if w := tweet.Parse(got).WeightedLength; w < 250 {
				t.Errorf("%s: name cut too short: weighted length %d: %q", tt.name, w, got)
			}
		}
		// The tweet must let twitter-text find the purchase tag.
		res := tweet.Parse(got)
		found := false
		for _, e := range append(res.Hashtags, res.Mentions...) {
			found = found || tweet.SameTag(e.Value, r.Tag)
		}
		if !found {
			t.Errorf("%s: %q does not yield the entity %s", tt.name, got, r.Label())
		}
	}
}

func TestTweetTextGraphemes(t *testing.T) {
	// The cut never splits a grapheme: the last character before "…" is
	// a whole family emoji.
	fam := "👨‍👩‍👧‍👦"
	r := mustResolve(t, Offer{Hashtag: "BuyFamily", Name: strings.Repeat(fam, 200), Price: "1"})
	got := TweetText(r, "")
	cut := got[:strings.Index(got, "…")]
	if strings.TrimSuffix(strings.ReplaceAll(cut, fam, ""), " ") != "" {
		t.Errorf("cut inside a grapheme: %q", cut)
	}
}

func TestTweetTextUnfittable(t *testing.T) {
	// A Resolved built by hand, bypassing Resolve's check, still gives a
	// valid tweet.
	r := Resolved{Kind: Hashtag, Tag: strings.Repeat("買", 100), Name: "x", ConfirmTag: strings.Repeat("確", 100),
		Window: time.Minute}
	got := TweetText(r, "")
	checkTweet(t, "unfittable", got)
	if _, fits := tweetText(r); fits {
		t.Error("tweetText reports that two 100-character CJK hashtags fit")
	}
}

func TestHumanWindow(t *testing.T) {
	tests := map[time.Duration]string{
		time.Minute: "1 minute", 15 * time.Minute: "15 minutes", 90 * time.Minute: "90 minutes",
		time.Hour: "1 hour", 36 * time.Hour: "36 hours", 24 * time.Hour: "1 day", 7 * 24 * time.Hour: "7 days",
		90 * time.Second: "1m30s",
	}
	for d, want := range tests {
		if got := humanWindow(d); got != want {
			t.Errorf("humanWindow(%v) = %q, want %q", d, got, want)
		}
	}
}

func BenchmarkTweetTextLongName(b *testing.B) {
	r, err := Resolve(Offer{Hashtag: "BuyX", Name: strings.Repeat("青いマグカップ", 50), Price: "1",
		Confirm: &Confirm{Hashtag: "OkX"}}, us)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		TweetText(r, "")
	}
}
