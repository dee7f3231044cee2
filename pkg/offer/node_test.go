package offer

import (
	"testing"

	"github.com/tweetpay/tweetpay/pkg/yamldoc"
)

func TestMatchNode(t *testing.T) {
	d, err := yamldoc.Parse([]byte("offers:\n  - hashtag: \"#BuyBlueMug\"\n  - gift_handle: TweetACoffee\n  - name: no tag\n"))
	if err != nil {
		t.Fatal(err)
	}
	l := d.List("offers")
	tests := []struct {
		tag  string
		want [3]bool
	}{
		{"buybluemug", [3]bool{true, false, false}},
		{"#BuyBlueMug", [3]bool{true, false, false}},
		{"@tweetacoffee", [3]bool{false, true, false}},
		{"no tag", [3]bool{}},
		{"", [3]bool{}},
		{"#", [3]bool{}},
	}
	for _, tt := range tests {
		m := MatchNode(tt.tag)
		for i, n := range l {
			if got := m(n); got != tt.want[i] {
				t.Errorf("MatchNode(%q) on entry %d = %v, want %v", tt.tag, i, got, tt.want[i])
			}
		}
	}
	// Used with yamldoc: only the matched entry changes.
	if err := d.Update("offers", MatchNode("@TWEETACOFFEE"), map[string]any{"price": "5.00"}); err != nil {
		t.Fatal(err)
	}
	b, _ := d.Bytes()
	if want := "offers:\n  - hashtag: \"#BuyBlueMug\"\n  - gift_handle: TweetACoffee\n    price: \"5.00\"\n  - name: no tag\n"; string(b) != want {
		t.Errorf("got %q, want %q", b, want)
	}
}

func TestOfferYAMLRoundTrip(t *testing.T) {
	d, err := yamldoc.Parse([]byte("# offers\noffers: []\n"))
	if err != nil {
		t.Fatal(err)
	}
	o := blueMug()
	if err := d.Append("offers", o); err != nil {
		t.Fatal(err)
	}
	b, _ := d.Bytes()
	want := "# offers\noffers:\n  - hashtag: BuyBlueMug\n    name: Blue Mug\n    price: \"12.50\"\n    currency: usd\n    stock: 100\n" +
		"    per_buyer_limit: 1\n    countries: [US]\n    confirm:\n      hashtag: ConfirmBlueMug\n      window: 15m\n"
	if string(b) != want {
		t.Errorf("appended offer:\n%s\nwant:\n%s", b, want)
	}
	var cfg struct {
		Offers []Offer `yaml:"offers"`
	}
	if err := d.Decode(&cfg); err != nil || len(cfg.Offers) != 1 {
		t.Fatalf("Decode = %+v, %v", cfg, err)
	}
	got, err := Resolve(cfg.Offers[0], us)
	if err != nil || got.Tag != "BuyBlueMug" || got.Stock != 100 || got.ConfirmTag != "ConfirmBlueMug" {
		t.Errorf("round trip = %+v, %v", got, err)
	}
}
