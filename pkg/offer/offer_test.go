package offer

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tweetpay/tweetpay/pkg/money"
)

func ptr(n int) *int { return &n }

var us = Defaults{Country: "US", Currency: "usd"}

func blueMug() Offer {
	return Offer{Hashtag: "BuyBlueMug", Name: "Blue Mug", Price: "12.50", Currency: "usd", Stock: ptr(100),
		PerBuyerLimit: ptr(1), Countries: []string{"US"}, Confirm: &Confirm{Hashtag: "ConfirmBlueMug", Window: "15m"}}
}

func TestResolve(t *testing.T) {
	r, err := Resolve(blueMug(), us)
	if err != nil {
		t.Fatal(err)
	}
	want := Resolved{Kind: Hashtag, Tag: "BuyBlueMug", Name: "Blue Mug", Price: money.Amount{Minor: 1250, Currency: "usd"},
		Stock: 100, PerBuyerLimit: 1, Countries: []string{"US"}, ConfirmTag: "ConfirmBlueMug", Window: 15 * time.Minute}
	if r.Kind != want.Kind || r.Tag != want.Tag || r.Name != want.Name || r.Price != want.Price || r.Stock != want.Stock ||
		r.PerBuyerLimit != want.PerBuyerLimit || strings.Join(r.Countries, ",") != "US" || r.ConfirmTag != want.ConfirmTag ||
		r.Window != want.Window || !r.Starts.IsZero() || !r.Ends.IsZero() || r.Archived {
		t.Errorf("Resolve = %+v\nwant %+v", r, want)
	}

	tests := []struct {
		name  string
		o     Offer
		d     Defaults
		check func(Resolved) bool
	}{
		{"gift with defaults", Offer{GiftHandle: "@tweetacoffee", Name: "Coffee eGift", Price: "5.00"}, us,
			func(r Resolved) bool {
				return r.Kind == Gift && r.Tag == "tweetacoffee" && r.Price == money.Amount{Minor: 500, Currency: "usd"} &&
					len(r.Countries) == 1 && r.Countries[0] == "US" && r.Stock == 0 && r.ConfirmTag == "" && r.Window == 0
			}},
		{"sign and spaces stripped", Offer{Hashtag: " #BuyX ", Name: "  A \n mug ", Price: "1"}, us,
			func(r Resolved) bool { return r.Tag == "BuyX" && r.Name == "A mug" }},
		{"full-width sign", Offer{Hashtag: "＃BuyX", Name: "x", Price: "1"}, us,
			func(r Resolved) bool { return r.Tag == "BuyX" }},
		{"merchant currency", Offer{Hashtag: "BuyX", Name: "x", Price: "500"}, Defaults{Currency: "JPY"},
			func(r Resolved) bool {
				return r.Price == money.Amount{Minor: 500, Currency: "jpy"} && len(r.Countries) == 0
			}},
		{"usd when nothing is set", Offer{Hashtag: "BuyX", Name: "x", Price: "1"}, Defaults{},
			func(r Resolved) bool { return r.Price.Currency == "usd" }},
		{"countries normalised and deduplicated", Offer{Hashtag: "BuyX", Name: "x", Price: "1", Countries: []string{"us", "CA", "US"}}, us,
			func(r Resolved) bool { return strings.Join(r.Countries, ",") == "US,CA" }},
		{"default window", Offer{Hashtag: "BuyX", Name: "x", Price: "1", Confirm: &Confirm{Hashtag: "#OkX"}}, us,
			func(r Resolved) bool { return r.ConfirmTag == "OkX" && r.Window == DefaultWindow }},
		{"window in days", Offer{Hashtag: "BuyX", Name: "x", Price: "1", Confirm: &Confirm{Hashtag: "OkX", Window: "7d"}}, us,
			func(r Resolved) bool { return r.Window == MaxWindow }},
		{"window bounds inclusive", Offer{Hashtag: "BuyX", Name: "x", Price: "1", Confirm: &Confirm{Hashtag: "OkX", Window: "1m"}}, us,
			func(r Resolved) bool { return r.Window == MinWindow }},
		{"dates", Offer{Hashtag: "BuyX", Name: "x", Price: "1", Starts: "2026-11-24T10:00:00Z", Ends: "2026-11-25T10:00:00+01:00", Archived: true}, us,
			func(r Resolved) bool {
				return r.Starts.Equal(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)) && r.Ends.Equal(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)) && r.Archived
			}},
		{"unicode hashtag", Offer{Hashtag: "日本語タグ", Name: "x", Price: "1"}, us,
			func(r Resolved) bool { return r.Tag == "日本語タグ" }},
		{"kwd price", Offer{Hashtag: "BuyX", Name: "x", Price: "1.25", Currency: "KWD"}, us,
			func(r Resolved) bool { return r.Price == money.Amount{Minor: 1250, Currency: "kwd"} }},
	}
	for _, tt := range tests {
		r, err := Resolve(tt.o, tt.d)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !tt.check(r) {
			t.Errorf("%s: got %+v", tt.name, r)
		}
	}
}

func TestResolveErrors(t *testing.T) {
	base := func(f func(*Offer)) Offer {
		o := Offer{Hashtag: "BuyBlueMug", Name: "Blue Mug", Price: "12.50"}
		f(&o)
		return o
	}
	tests := []struct {
		o    Offer
		want string
	}{
		{base(func(o *Offer) { o.GiftHandle = "x" }), "offer #BuyBlueMug: set either hashtag or gift_handle, not both"},
		{Offer{Name: "Blue Mug", Price: "1"}, `offer "Blue Mug": set a hashtag`},
		{Offer{}, "offer without hashtag or name: set a hashtag"},
		{base(func(o *Offer) { o.Hashtag = "Buy Blue Mug" }), `hashtag "Buy Blue Mug" is not a valid hashtag: use letters, digits and underscores`},
		{base(func(o *Offer) { o.Hashtag = "12345" }), "with at least one letter"},
		{base(func(o *Offer) { o.Hashtag = "Buy-Mug" }), "is not a valid hashtag"},
		{base(func(o *Offer) { o.Hashtag = "#" }), `offer #: hashtag "" is empty`},
		{base(func(o *Offer) { o.Hashtag = strings.Repeat("a", 101) }), "has 101 characters: hashtags have at most 100"},
		{Offer{GiftHandle: "tweet-a-coffee", Name: "x", Price: "5"}, `offer @tweet-a-coffee: gift_handle "tweet-a-coffee" is not a Twitter username`},
		{Offer{GiftHandle: strings.Repeat("a", 21), Name: "x", Price: "5"}, "is not a Twitter username"},
		{Offer{GiftHandle: "@@coffee", Name: "x", Price: "5"}, `gift_handle "@coffee" is not a Twitter username`},
		{base(func(o *Offer) { o.Hashtag = "##BuyX" }), `hashtag "#BuyX" is not a valid hashtag`},
		{base(func(o *Offer) { o.Name = "  " }), "offer #BuyBlueMug: name is required"},
		{base(func(o *Offer) { o.Currency = "btc" }), `currency "btc" is not one Stripe supports`},
		{base(func(o *Offer) { o.Price = "" }), `price is required: write it in major units of usd, e.g. price: "12.50"`},
		{base(func(o *Offer) { o.Price = "12,50" }), "price: \"12,50\" is ambiguous: write 12.50 (a dot for decimals, no thousands separators)"},
		{base(func(o *Offer) { o.Price = "0.49" }), "price: $0.49 is below Stripe's minimum charge of $0.50 for usd: raise the price to at least 0.50"},
		{base(func(o *Offer) { o.Price = "9.99"; o.Currency = "mxn" }), "below Stripe's minimum charge of MXN 10.00"},
		{base(func(o *Offer) { o.Stock = ptr(0) }), "stock must be at least 1, got 0: leave it out for no limit"},
		{base(func(o *Offer) { o.PerBuyerLimit = ptr(-2) }), "per_buyer_limit must be at least 1, got -2"},
		{base(func(o *Offer) { o.Stock = ptr(1); o.PerBuyerLimit = ptr(2) }), "per_buyer_limit 2 is above the stock of 1"},
		{base(func(o *Offer) { o.Countries = []string{"USA"} }), `country "USA" is not an ISO 3166-1 alpha-2 code`},
		{base(func(o *Offer) { o.Countries = []string{"US", "ZZ"} }), `country "ZZ" is not an ISO 3166-1 alpha-2 code`},
		{base(func(o *Offer) { o.Countries = []string{"uk"} }), `country "uk" is not an ISO 3166-1 alpha-2 code: write GB`},
		{Offer{GiftHandle: "g", Name: "x", Price: "5", Confirm: &Confirm{Hashtag: "C"}}, "confirm applies to hashtag offers only"},
		{base(func(o *Offer) { o.Confirm = &Confirm{} }), "confirm.hashtag is required when confirm is set, e.g. ConfirmBlueMug"},
		{base(func(o *Offer) { o.Confirm = &Confirm{Hashtag: "Confirm!"} }), `confirm.hashtag "Confirm!" is not a valid hashtag`},
		{base(func(o *Offer) { o.Confirm = &Confirm{Hashtag: "buybluemug"} }), "confirm.hashtag must differ from the purchase hashtag"},
		{base(func(o *Offer) { o.Confirm = &Confirm{Hashtag: "C", Window: "soon"} }), `confirm.window "soon" is not a duration: write e.g. 15m, 2h or 1d`},
		{base(func(o *Offer) { o.Confirm = &Confirm{Hashtag: "C", Window: "30s"} }), "confirm.window 30s is too short: give buyers at least 1m"},
		{base(func(o *Offer) { o.Confirm = &Confirm{Hashtag: "C", Window: "169h"} }), "is too long: at most 7d (168h), since Stripe cancels an uncaptured card authorisation after 7 days"},
		{base(func(o *Offer) { o.Confirm = &Confirm{Hashtag: "C", Window: "8d"} }), "confirm.window 8d is too long"},
		{base(func(o *Offer) { o.Confirm = &Confirm{Hashtag: "C", Window: "99999999999d"} }), "is too long"},
		{base(func(o *Offer) { o.Starts = "tomorrow" }), `starts "tomorrow" is not an RFC 3339 time: write e.g. 2026-11-24T10:00:00Z`},
		{base(func(o *Offer) { o.Ends = "2026-11-24" }), `ends "2026-11-24" is not an RFC 3339 time`},
		{base(func(o *Offer) { o.Starts = "2026-11-24T10:00:00Z"; o.Ends = "2026-11-24T10:00:00Z" }), "ends (2026-11-24T10:00:00Z) must be after starts (2026-11-24T10:00:00Z)"},
		{base(func(o *Offer) {
			o.Hashtag = strings.Repeat("日", 100)
			o.Confirm = &Confirm{Hashtag: strings.Repeat("本", 100)}
		}), "the hashtags are too long to fit in one tweet with the offer: shorten them"},
		{base(func(o *Offer) { o.Name = strings.Repeat("\u0301", 400) }), "the name cannot be cut to fit in one tweet: it starts with a single character of 400 code points; shorten it"},
	}
	for _, tt := range tests {
		_, err := Resolve(tt.o, us)
		if err == nil {
			t.Errorf("Resolve(%+v): no error, want %q", tt.o, tt.want)
			continue
		}
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Resolve(%+v) = %q, want an ErrInvalid containing %q", tt.o, err, tt.want)
		}
		if !strings.HasPrefix(err.Error(), "invalid offer: offer ") {
			t.Errorf("error does not name the offer: %q", err)
		}
		// One mistake, one problem; an empty offer misses three things.
		if n, want := len(Problems(err)), 1+2*btoi(tt.o.Hashtag == "" && tt.o.GiftHandle == "" && tt.o.Name == ""); n != want {
			t.Errorf("Resolve(%+v): %d problems, want %d: %q", tt.o, n, want, err)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestResolveReportsEveryProblem: Resolve reports every problem of an
// offer, in the order of its fields, each mistake once; a value that
// depends on another that is wrong is judged only as far as it can be
// alone.
func TestResolveReportsEveryProblem(t *testing.T) {
	tests := []struct {
		name string
		o    Offer
		want []string
	}{
		{"price, currency and country", Offer{Hashtag: "BuyX", Name: "X", Price: "abc", Currency: "xyz", Countries: []string{"US", "ZZ", "zz", "UK"}}, []string{
			`offer #BuyX: currency "xyz" is not one Stripe supports`,
			`offer #BuyX: price: "abc" is not an amount: write digits with an optional dot, e.g. 12.50`,
			`offer #BuyX: country "ZZ" is not an ISO 3166-1 alpha-2 code`,
			`offer #BuyX: country "UK" is not an ISO 3166-1 alpha-2 code: write GB`,
		}},
		{"decimals of an unknown currency are not judged", Offer{Hashtag: "BuyX", Name: "X", Price: "12.505", Currency: "xyz"}, []string{
			`currency "xyz" is not one Stripe supports`,
		}},
		{"no price, unknown currency", Offer{Hashtag: "BuyX", Name: "X", Currency: "xyz"}, []string{
			`currency "xyz"`,
			`price is required: write it in major units of the currency`,
		}},
		{"tag, name and price", Offer{Hashtag: "Buy X", Price: "0.10"}, []string{
			`hashtag "Buy X" is not a valid hashtag`,
			`name is required`,
			`price: $0.10 is below Stripe's minimum charge`,
		}},
		{"a bad stock is not compared with the limit", Offer{Hashtag: "BuyX", Name: "X", Price: "1", Stock: ptr(0), PerBuyerLimit: ptr(5)}, []string{
			`stock must be at least 1, got 0`,
		}},
		{"limit and stock", Offer{Hashtag: "BuyX", Name: "X", Price: "1", Stock: ptr(-1), PerBuyerLimit: ptr(0)}, []string{
			`stock must be at least 1, got -1`,
			`per_buyer_limit must be at least 1, got 0`,
		}},
		{"confirm on a gift offer is one mistake", Offer{GiftHandle: "g", Name: "x", Price: "5", Confirm: &Confirm{Hashtag: "C!", Window: "soon"}}, []string{
			`confirm applies to hashtag offers only`,
		}},
		{"confirm hashtag and window", Offer{Hashtag: "BuyX", Name: "X", Price: "1", Confirm: &Confirm{Hashtag: "buyx", Window: "30s"}}, []string{
			`confirm.hashtag must differ from the purchase hashtag`,
			`confirm.window 30s is too short`,
		}},
		{"bad dates are not compared", Offer{Hashtag: "BuyX", Name: "X", Price: "1", Starts: "2030-01-01T00:00:00Z", Ends: "2026-13-01"}, []string{
			`ends "2026-13-01" is not an RFC 3339 time`,
		}},
		{"both dates", Offer{Hashtag: "BuyX", Name: "X", Price: "1", Starts: "soon", Ends: "later"}, []string{
			`starts "soon" is not an RFC 3339 time`,
			`ends "later" is not an RFC 3339 time`,
		}},
	}
	for _, tt := range tests {
		_, err := Resolve(tt.o, us)
		ps := Problems(err)
		if len(ps) != len(tt.want) {
			t.Errorf("%s: %d problems, want %d: %q", tt.name, len(ps), len(tt.want), err)
			continue
		}
		for i, w := range tt.want {
			if !errors.Is(ps[i], ErrInvalid) || !strings.HasPrefix(ps[i].Error(), "invalid offer: offer ") || !strings.Contains(ps[i].Error(), w) {
				t.Errorf("%s: problem %d = %q, want an ErrInvalid naming the offer, with %q", tt.name, i, ps[i], w)
			}
		}
	}
	// Each names the field it is about, as the file writes it.
	var fields []string
	for _, p := range Problems(func() error { _, err := Resolve(tests[0].o, us); return err }()) {
		var fe *FieldError
		if errors.As(p, &fe) {
			fields = append(fields, fe.Field)
		} else {
			fields = append(fields, "")
		}
	}
	if got := strings.Join(fields, " "); got != "currency price countries[1] countries[3]" {
		t.Errorf("fields = %q", got)
	}
	// ValidateAll reports each as a problem of the entry.
	_, err := ValidateAll([]Offer{blueMug(), tests[0].o}, us)
	ps := Problems(err)
	if len(ps) != len(tests[0].want) {
		t.Fatalf("ValidateAll: %d problems, want %d: %q", len(ps), len(tests[0].want), err)
	}
	for _, p := range ps {
		var e *EntryError
		if !errors.As(p, &e) || e.Index != 1 {
			t.Errorf("ValidateAll problem %q is not entry 1's", p)
		}
	}
}

func TestResolveBadDefaultCountry(t *testing.T) {
	_, err := Resolve(Offer{Hashtag: "BuyX", Name: "x", Price: "1"}, Defaults{Country: "U1"})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), `offer #BuyX: country "U1" is not an ISO 3166-1 alpha-2 code`) {
		t.Errorf("Resolve with merchant country U1 = %v", err)
	}
}

func TestValidateAll(t *testing.T) {
	coffee := Offer{GiftHandle: "tweetacoffee", Name: "Coffee eGift", Price: "5.00"}
	rs, err := ValidateAll([]Offer{blueMug(), coffee}, us)
	if err != nil || len(rs) != 2 || rs[0].Tag != "BuyBlueMug" || rs[1].Tag != "tweetacoffee" {
		t.Fatalf("ValidateAll = %+v, %v", rs, err)
	}
	if rs, err := ValidateAll(nil, us); err != nil || rs == nil || len(rs) != 0 {
		t.Errorf("ValidateAll(nil) = %#v, %v; want an empty list", rs, err)
	}
	other := func(tag, confirm string) Offer {
		o := Offer{Hashtag: tag, Name: "Other", Price: "3"}
		if confirm != "" {
			o.Confirm = &Confirm{Hashtag: confirm}
		}
		return o
	}
	tests := []struct {
		name   string
		offers []Offer
		want   []string
	}{
		{"same hashtag in another case", []Offer{blueMug(), other("BUYBLUEMUG", "")},
			[]string{`offer #BUYBLUEMUG: hashtag "BUYBLUEMUG" is already used as the hashtag of offer #BuyBlueMug: pick another`}},
		{"full-width duplicate", []Offer{blueMug(), other("ＢｕｙＢｌｕｅＭｕｇ", "")}, []string{"is already used as the hashtag of offer #BuyBlueMug"}},
		{"confirm equals another purchase hashtag", []Offer{blueMug(), other("BuyRedMug", "buybluemug")},
			[]string{`offer #BuyRedMug: confirm.hashtag "buybluemug" is already used as the hashtag of offer #BuyBlueMug`}},
		{"purchase hashtag equals another confirm", []Offer{blueMug(), other("ConfirmBlueMug", "")},
			[]string{`offer #BuyBlueMug: confirm.hashtag "ConfirmBlueMug" is already used as the hashtag of offer #ConfirmBlueMug`}},
		{"two offers share a confirm hashtag", []Offer{blueMug(), other("BuyRedMug", "ConfirmBlueMug")},
			[]string{`offer #BuyRedMug: confirm.hashtag "ConfirmBlueMug" is already used as the confirm.hashtag of offer #BuyBlueMug`}},
		{"gift handle twice", []Offer{coffee, {GiftHandle: "@TweetACoffee", Name: "x", Price: "5"}},
			[]string{"gift_handle \"TweetACoffee\" is already used as the gift_handle of offer @tweetacoffee"}},
		{"gift handle equals a hashtag", []Offer{coffee, other("tweetacoffee", "")},
			[]string{"is already used as the gift_handle of offer @tweetacoffee"}},
		{"archived offers keep their tag", []Offer{{Hashtag: "BuyOld", Name: "x", Price: "1", Archived: true}, other("buyold", "")},
			[]string{"already used as the hashtag of offer #BuyOld"}},
		{"a hashtag with the Stripe product of a gift offer", []Offer{coffee, other("gift_tweetacoffee", "")},
			[]string{`offer #gift_tweetacoffee: hashtag "gift_tweetacoffee" would have the Stripe product tweetpay_gift_tweetacoffee of offer @tweetacoffee: pick another`}},
		{"a gift offer with the Stripe product of a hashtag", []Offer{other("Gift_TweetACoffee", ""), coffee},
			[]string{`offer @tweetacoffee: gift_handle "tweetacoffee" would have the Stripe product tweetpay_gift_tweetacoffee of offer #Gift_TweetACoffee: pick another`}},
		{"every problem reported", []Offer{blueMug(), {Hashtag: "BuyX", Price: "1"}, other("BuyBlueMug", "")},
			[]string{"offer #BuyX: name is required", "offer #BuyBlueMug: hashtag \"BuyBlueMug\" is already used"}},
	}
	for _, tt := range tests {
		rs, err := ValidateAll(tt.offers, us)
		if err == nil || rs != nil {
			t.Errorf("%s: ValidateAll = %+v, %v; want an error", tt.name, rs, err)
			continue
		}
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v does not wrap ErrInvalid", tt.name, err)
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", tt.name, err, w)
			}
		}
		if n := strings.Count(err.Error(), "invalid offer:"); n != len(tt.want) {
			t.Errorf("%s: %d problems reported, want %d: %q", tt.name, n, len(tt.want), err)
		}
	}
}

func TestProductIDAndLookupKey(t *testing.T) {
	tests := []struct {
		r    Resolved
		want string
	}{
		{Resolved{Kind: Hashtag, Tag: "BuyBlueMug"}, "tweetpay_buybluemug"},
		{Resolved{Kind: Hashtag, Tag: "Buy_Mug_2"}, "tweetpay_buy_mug_2"},
		{Resolved{Kind: Hashtag, Tag: "ＢｕｙＭｕｇ"}, "tweetpay_buymug"},
		{Resolved{Kind: Gift, Tag: "TweetACoffee"}, "tweetpay_gift_tweetacoffee"},
	}
	for _, tt := range tests {
		if got := tt.r.ProductID(); got != tt.want {
			t.Errorf("%+v.ProductID() = %q, want %q", tt.r, got, tt.want)
		}
		if got := tt.r.LookupKey(); got != tt.want {
			t.Errorf("%+v.LookupKey() = %q, want %q", tt.r, got, tt.want)
		}
	}
	a := Resolved{Kind: Hashtag, Tag: "日本語タグ"}.ProductID()
	b := Resolved{Kind: Hashtag, Tag: "ｶﾀｶﾅ"}.ProductID()
	c := Resolved{Kind: Hashtag, Tag: "カタカナ"}.ProductID()
	for _, id := range []string{a, b} {
		if !strings.HasPrefix(id, "tweetpay_h") || len(id) != len("tweetpay_h")+16 || strings.Trim(id[len("tweetpay_"):], "0123456789abcdefh") != "" {
			t.Errorf("non-ASCII ProductID = %q, want tweetpay_h and 16 hex digits", id)
		}
	}
	if a == b || b != c {
		t.Errorf("hashed IDs: %q %q %q; want distinct tags distinct and NFKC-equal tags equal", a, b, c)
	}
	// A price change keeps the lookup key.
	r1 := Resolved{Kind: Hashtag, Tag: "BuyX", Price: money.Amount{Minor: 100, Currency: "usd"}}
	r2 := r1
	r2.Price = money.Amount{Minor: 500, Currency: "eur"}
	if r1.LookupKey() != r2.LookupKey() {
		t.Error("LookupKey changed with the price")
	}
}

func TestActive(t *testing.T) {
	start := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	end := start.Add(48 * time.Hour)
	tests := []struct {
		r    Resolved
		at   time.Time
		want bool
	}{
		{Resolved{}, start, true},
		{Resolved{Archived: true}, start, false},
		{Resolved{Starts: start}, start.Add(-time.Second), false},
		{Resolved{Starts: start}, start, true},
		{Resolved{Ends: end}, end.Add(-time.Second), true},
		{Resolved{Ends: end}, end, false},
		{Resolved{Starts: start, Ends: end}, start.Add(time.Hour), true},
		{Resolved{Starts: start, Ends: end, Archived: true}, start.Add(time.Hour), false},
	}
	for i, tt := range tests {
		if got := tt.r.Active(tt.at); got != tt.want {
			t.Errorf("case %d: Active = %v, want %v", i, got, tt.want)
		}
	}
}

func TestAllowsCountry(t *testing.T) {
	r := Resolved{Countries: []string{"US", "CA"}}
	for cc, want := range map[string]bool{"US": true, "us": true, " ca ": true, "MX": false, "": false} {
		if got := r.AllowsCountry(cc); got != want {
			t.Errorf("AllowsCountry(%q) = %v, want %v", cc, got, want)
		}
	}
	if !(Resolved{}).AllowsCountry("FR") {
		t.Error("no countries should allow every country")
	}
}

func TestFind(t *testing.T) {
	offers := []Resolved{{Kind: Hashtag, Tag: "BuyBlueMug"}, {Kind: Gift, Tag: "tweetacoffee"}, {Kind: Hashtag, Tag: "日本語"}}
	tests := []struct {
		tag  string
		want string
		ok   bool
	}{
		{"BuyBlueMug", "BuyBlueMug", true},
		{"#buybluemug", "BuyBlueMug", true},
		{"＃ＢｕｙＢｌｕｅＭｕｇ", "BuyBlueMug", true},
		{"@TweetACoffee", "tweetacoffee", true},
		{"tweetacoffee", "tweetacoffee", true},
		{"#日本語", "日本語", true},
		{"BuyBlueMugs", "", false},
		{"#", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		r, ok := Find(offers, tt.tag)
		if ok != tt.ok || r.Tag != tt.want {
			t.Errorf("Find(%q) = %q, %v; want %q, %v", tt.tag, r.Tag, ok, tt.want, tt.ok)
		}
	}
}

func TestKindAndLabel(t *testing.T) {
	if Hashtag.String() != "hashtag" || Gift.String() != "gift" || Kind(0).String() != "unknown" {
		t.Error("Kind.String wrong")
	}
	if (Resolved{Kind: Gift, Tag: "a"}).Label() != "@a" || (Resolved{Kind: Hashtag, Tag: "b"}).Label() != "#b" {
		t.Error("Label wrong")
	}
}
