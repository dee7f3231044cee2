package scenario

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// Merge keys work wherever a mapping is read, with YAML's semantics: the
// mapping's own keys win over merged ones, and in a list of merges the
// earlier mapping wins. They were refused as an unknown key "<<".
func TestLoadMerges(t *testing.T) {
	src := `name: merges
offers:
  - &mug {hashtag: BuyMug, name: Mug, price: "3.00", confirm: &confirm {hashtag: ConfirmMug}}
  - <<: *mug
    hashtag: BuyCup
    confirm: {<<: *confirm, hashtag: ConfirmCup, window: 1h}
buyers:
  - &alice {handle: "@alice", card: visa, country: US}
  - &bob {<<: *alice, handle: "@bob"}
  - {<<: *bob, handle: "@carl", name: Carl}
steps:
  - &buy
    tweet: "#BuyMug"
    from: "@alice"
    expect: &ok {outcome: purchased, amount: 300}
  - <<: *buy
    from: "@bob"
    expect: {<<: *ok, amount: 0}
  - <<: [{tweet: "#BuyCup", from: "@carl", id: "7"}, *buy]
    id: "8"
  - charges: &filter {offer: BuyMug}
    expect: &totals {count: 2, gross: 600}
  - charges: {<<: *filter, buyer: "@bob"}
    expect: {<<: *totals, count: 1}
`
	s, err := Load("f.yaml", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Offers) != 2 || s.Offers[1].Hashtag != "BuyCup" || s.Offers[1].Name != "Mug" || s.Offers[1].Price != "3.00" ||
		s.Offers[1].Confirm == nil || s.Offers[1].Confirm.Hashtag != "ConfirmCup" || s.Offers[1].Confirm.Window != "1h" {
		t.Errorf("offers = %+v", s.Offers)
	}
	// A merged mapping's own merges count: @carl merges @bob, who merges @alice.
	if len(s.Buyers) != 3 || s.Buyers[1].Handle != "@bob" || s.Buyers[1].Card != "visa" || s.Buyers[1].Country != "US" ||
		s.Buyers[2].Handle != "@carl" || s.Buyers[2].Card != "visa" || s.Buyers[2].Country != "US" || s.Buyers[2].Name != "Carl" {
		t.Errorf("buyers = %+v", s.Buyers)
	}
	st := s.Steps
	if st[1].Line != 16 || st[1].Tweet.From != "@bob" || st[1].Tweet.Text != "#BuyMug" {
		t.Errorf("step 2 = %+v", st[1])
	}
	if e := st[1].Expect; len(e) != 2 || e[0].Field != "outcome" || e[0].Line != 15 || e[1].Field != "amount" || e[1].num != 0 || e[1].Line != 18 {
		t.Errorf("step 2 expects %+v", e)
	}
	// The earlier mapping of the list wins, the step's own id over both.
	if tw := st[2].Tweet; tw.From != "@carl" || tw.Text != "#BuyCup" || tw.ID != "8" || len(st[2].Expect) != 2 {
		t.Errorf("step 3 = %+v", st[2])
	}
	if f := st[4].Filter; f.Offer != "BuyMug" || f.Buyer != "@bob" || f.offerLine != 21 {
		t.Errorf("step 5 filter = %+v", f)
	}
	if e := st[4].Expect; len(e) != 2 || e[0].Field != "gross" || e[0].num != 600 || e[1].Field != "count" || e[1].num != 1 {
		t.Errorf("step 5 expects %+v", e)
	}
}

// What arrives through a merge is checked as what is written in place: a
// typo in the merged mapping is an unknown key at the line where it is
// written. A merge of anything but mappings is an error at its line.
func TestLoadMergeErrors(t *testing.T) {
	step := "  - {tweet: x, from: \"@a\"}\n"
	cases := []struct{ name, yaml, want string }{
		{"typo in a merged step", "steps:\n  - <<: [&a {tweet: x, from: \"@a\"},\n          {expcet: {outcome: purchased}}]\n    id: \"1\"\n",
			`f.yaml:3: unknown key "steps[0].expcet" (did you mean "expect"?)`},
		{"typo in a merged expect", "steps:\n  - tweet: x\n    from: \"@a\"\n    expect: {<<: &e {outcom: purchased}}\n",
			`f.yaml:4: unknown key "steps[0].expect.outcom" (did you mean "outcome"?)`},
		{"key of another step's expect, at the anchor", "steps:\n  - expire: \"+1h\"\n    expect: &none {count: 0}\n  - tweet: y\n    from: \"@a\"\n    expect:\n      <<: *none\n      outcome: purchased\n",
			`f.yaml:3: unknown key "steps[1].expect.count"`},
		{"typo in a merged buyer", "buyers:\n  - {handle: \"@a\", card: visa}\n  - <<: {hadnle: \"@b\", card: visa}\n    country: US\nsteps:\n" + step,
			`f.yaml:3: unknown key "buyers[1].hadnle" (did you mean "handle"?)`},
		{"typo in a merged offer", "offers:\n  - &o\n    hashtag: BuyX\n    name: X\n    price: \"1.00\"\n  - {<<: [*o, {stok: 3}], hashtag: BuyY}\nsteps:\n" + step,
			`f.yaml:6: unknown key "offers[1].stok" (did you mean "stock"?)`},
		{"typo in a merged filter", "steps:\n  - charges:\n      <<: {ofer: BuyX}\n    expect: {count: 0}\n",
			`f.yaml:3: unknown key "steps[0].charges.ofer" (did you mean "offer"?)`},
		{"merged key not allowed here", "steps:\n  - &t {tweet: x, from: \"@a\"}\n  - {<<: *t, expire: \"+1h\"}\n",
			`f.yaml:3: steps[1]: tweet and expire cannot be in one step`},
		{"merge of a text", "steps:\n  - <<: hello\n    tweet: x\n    from: \"@a\"\n",
			`f.yaml:2: steps[0].<<: a merge takes a mapping, such as <<: *base, or a list of mappings, such as <<: [*a, *b]; got "hello"`},
		{"merge of an alias to a text", "name: &n demo\nsteps:\n  - tweet: x\n    from: \"@a\"\n    expect:\n      <<: *n\n",
			`f.yaml:6: steps[0].expect.<<: a merge takes a mapping, such as <<: *base, or a list of mappings, such as <<: [*a, *b]; got "demo"`},
		{"merge of null", "steps:\n  - tweet: x\n    from: \"@a\"\n    <<:\n", `f.yaml:4: steps[0].<<: a merge takes a mapping`},
		{"merge of a list in a list", "steps:\n  - tweet: x\n    from: \"@a\"\n    <<: [{id: \"1\"},\n         [x]]\n", `f.yaml:5: steps[0].<<: a merge takes a mapping, such as <<: *base, or a list of mappings, such as <<: [*a, *b]; got a list`},
		{"merge of a list alias", "buyers: &b []\nsteps:\n  - tweet: x\n    from: \"@a\"\n    <<: *b\n", `f.yaml:5: steps[0].<<: a merge takes a mapping, such as <<: *base, or a list of mappings, such as <<: [*a, *b]; got a list`},
		{"top-level merge of a list", "offers: &o []\n<<: *o\nsteps:\n" + step, `f.yaml:2: <<: a merge takes a mapping`},
		{"two merge keys", "steps:\n  - &a {tweet: x, from: \"@a\"}\n  - <<: *a\n    <<: {id: \"2\"}\n", `f.yaml:4: steps[1].<<: a second merge key: merge several mappings with one, such as <<: [*a, *b]`},
		{"duplicate key in a merged mapping", "steps:\n  - <<: {tweet: x, from: \"@a\", tweet: y}\n", `f.yaml:2: steps[0].tweet: duplicate key`},
		{"duplicate key beside a merge", "steps:\n  - <<: {tweet: x}\n    from: \"@a\"\n    from: \"@b\"\n", `f.yaml:4: steps[0].from: duplicate key`},
		{"quoted << is a key", "steps:\n  - {tweet: x, from: \"@a\", \"<<\": {id: \"1\"}}\n", `f.yaml:2: unknown key "steps[0].<<"`},
		{"a mapping merging itself", "steps:\n  - &a {tweet: x, from: \"@a\", <<: *a}\n", `f.yaml:2: aliases stand for over 4194304 values`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load("f.yaml", []byte(c.yaml), payloads)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want ErrInvalid containing %q", err, c.want)
			}
		})
	}
}

// Merges are bounded as aliases are: a few lines of merges that merge
// merges ten at a time (a "billion laughs" through merge keys) are
// refused at the alias's line, at once.
func TestLoadMergeBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("offers:\n  - &l0 {hashtag: BuyX, name: X, price: \"1.00\", countries: [US, CA, GB, FR, DE, IT, ES, NL, BE, AT]}\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "  - &l%d {<<: [%s]}\n", i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 10), ", "))
	}
	b.WriteString("steps:\n  - {tweet: x, from: \"@a\"}\n")
	done := make(chan error, 1)
	go func() { _, err := Load("f.yaml", []byte(b.String()), nil); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "f.yaml:9: aliases stand for over 4194304 values (*l6 alone for over 4194304): write them out, or split the file") {
			t.Errorf("err = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still loading after 10s")
	}
}
