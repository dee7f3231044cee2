package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/tweetpay/tweetpay/internal/yamlcheck"
	"github.com/tweetpay/tweetpay/pkg/offer"
	"github.com/tweetpay/tweetpay/pkg/payment"
	"github.com/tweetpay/tweetpay/pkg/scenario/junittest"
	"github.com/tweetpay/tweetpay/pkg/shop"
)

const good = `name: demo
start: 2026-11-24T10:00:00Z
offers:
  - {hashtag: BuyMug, name: Mug, price: "3.00"}
buyers:
  - {handle: "@alice", card: visa}
steps:
  - tweet: "#BuyMug"
    from: "@alice"
    expect: {outcome: purchased, amount: 300, reason: null, reply: "^@alice"}
  - tweet: "#BuyMug again"
    from: alice
    at: "+16m"
    id: "42"
  - tweet: "third"
    from: "@alice"
  - file: p.json
    expect: {outcome: ignored}
  - charges: {offer: "#BuyMug", buyer: "@ALICE"}
    expect: {count: 1, gross: 300}
  - expire: "+1h"
    expect: {count: 0}
`

func payloads(name string) ([]byte, error) {
	switch name {
	case "p.json":
		return []byte(`{"id":"900","from":"@bob","text":"hello","created_at":"2026-11-24T11:00:00Z"}`), nil
	case "badauthor.json":
		return []byte(`{"id_str":"901","text":"#BuyX","created_at":"Mon Nov 24 10:00:00 +0000 2026","user":{"id_str":"2","screen_name":"bad name"}}`), nil
	}
	return nil, errors.New("no such file")
}

func TestLoad(t *testing.T) {
	s, err := Load("demo.yaml", []byte(good), payloads)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "demo" || len(s.Steps) != 6 || len(s.Offers) != 1 || len(s.Buyers) != 1 {
		t.Fatalf("loaded %+v", s)
	}
	start := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	want := []struct {
		id   string
		from string
		at   time.Time
	}{
		{GenerateID("demo", 1), "@alice", start},
		{"42", "@alice", start.Add(16 * time.Minute)},
		{GenerateID("demo", 3), "@alice", start.Add(16*time.Minute + time.Second)},
		{"900", "@bob", time.Date(2026, 11, 24, 11, 0, 0, 0, time.UTC)},
	}
	for i, w := range want {
		tw := s.Steps[i].Tweet
		if tw.ID != w.id || tw.From != w.from || !tw.At.Equal(w.at) {
			t.Errorf("step %d: tweet %+v, want %+v", i+1, tw, w)
		}
	}
	if st := s.Steps[5]; st.Kind != KindExpire || !st.At.Equal(want[3].at.Add(time.Hour)) {
		t.Errorf("expire step %+v", st)
	}
	if st := s.Steps[0]; st.Line != 8 || st.Expect[2].Field != "reason" || !st.Expect[2].Null {
		t.Errorf("step 1: %+v", st)
	}
	if GenerateID("demo", 1) == GenerateID("other", 1) || GenerateID("demo", 1) != GenerateID("demo", 1) {
		t.Error("generated IDs are not deterministic per scenario and index")
	}
}

func TestLoadDefaults(t *testing.T) {
	s, err := Load("dir/flow.yml", []byte("steps:\n  - {tweet: hi, from: \"@a\"}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "flow" || !s.Steps[0].Tweet.At.Equal(DefaultEpoch) {
		t.Errorf("got %+v", s)
	}
}

// Offsets take days, as confirm windows do (window: 1d), alone or before
// a duration.
func TestLoadOffsetDays(t *testing.T) {
	s, err := Load("d.yaml", []byte("steps:\n  - {tweet: a, from: \"@a\", at: \"+1d\"}\n  - {tweet: b, from: \"@a\", at: \"+2d1m\"}\n  - expire: \"+7d\"\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	day := 24 * time.Hour
	want := []time.Time{DefaultEpoch.Add(day), DefaultEpoch.Add(3*day + time.Minute), DefaultEpoch.Add(10*day + time.Minute)}
	got := []time.Time{s.Steps[0].Tweet.At, s.Steps[1].Tweet.At, s.Steps[2].At}
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Errorf("step %d at %s, want %s", i+1, got[i], want[i])
		}
	}
}

func TestLoadErrors(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"empty", "", "f.yaml: the file is empty"},
		{"syntax", "steps: [\n", "f.yaml:"},
		{"unknown top", "stepz: []\n", `f.yaml:1: unknown key "stepz" (did you mean "steps"?)`},
		{"unknown expect", "steps:\n  - tweet: x\n    from: \"@a\"\n    expect: {outcom: purchased}\n", `f.yaml:4: unknown key "steps[0].expect.outcom" (did you mean "outcome"?)`},
		{"unknown offer key", "offers:\n  - {hashtag: BuyX, name: X, price: \"1.00\", stok: 3}\nsteps: [{tweet: x, from: \"@a\"}]\n", `f.yaml:2: unknown key "offers[0].stok" (did you mean "stock"?)`},
		{"bad offer", "offers:\n  - {hashtag: BuyX, name: X, price: \"abc\"}\nsteps: [{tweet: x, from: \"@a\"}]\n", "f.yaml:2: offer #BuyX"},
		// Every problem of an offer, each at its value's line, in line order.
		{"offer problems", "offers:\n  - hashtag: BuyX\n    name: X\n    countries: [US, ZZ]\n    price: \"abc\"\n    currency: xyz\nsteps: [{tweet: x, from: \"@a\"}]\n",
			"f.yaml:4: offer #BuyX: country \"ZZ\" is not an ISO 3166-1 alpha-2 code: write two letters such as US or CA\n" +
				"f.yaml:5: offer #BuyX: price: \"abc\" is not an amount: write digits with an optional dot, e.g. 12.50\n" +
				"f.yaml:6: offer #BuyX: currency \"xyz\" is not one Stripe supports: use a lowercase ISO 4217 code such as usd or eur"},
		{"bad buyer", "buyers:\n  - {handle: \"@a\", card: nocard}\nsteps: [{tweet: x, from: \"@a\"}]\n", "f.yaml:2: buyer @a"},
		{"no steps", "name: x\n", "f.yaml:1: steps: missing"},
		{"from in expire", "steps:\n  - expire: \"+1h\"\n    from: \"@a\"\n", "f.yaml:3: steps[0].from: not allowed in an expire step"},
		{"no from", "steps:\n  - tweet: x\n", "f.yaml:2: steps[0]: a tweet needs from"},
		{"two kinds", "steps:\n  - tweet: x\n    charges: {}\n", "f.yaml:3: steps[0]: tweet and charges cannot be in one step"},
		{"bad outcome", "steps:\n  - tweet: x\n    from: \"@a\"\n    expect: {outcome: bought}\n", `f.yaml:4: steps[0].expect.outcome: "bought" is not an outcome`},
		{"bad at", "steps:\n  - tweet: x\n    from: \"@a\"\n    at: tomorrow\n", `f.yaml:4: steps[0].at: "tomorrow" is neither`},
		{"bad offset", "steps:\n  - tweet: x\n    from: \"@a\"\n    at: \"+1w\"\n", `f.yaml:4: steps[0].at: "+1w" is not an offset such as +16m, +1h30m or +1d: a Go duration in h, m, s, ms, us or ns, after whole days (d) if any`},
		{"confirm_by not a time", "steps:\n  - tweet: x\n    from: \"@a\"\n    expect:\n      confirm_by: \"10:15\"\n", `f.yaml:5: steps[0].expect.confirm_by: "10:15" is not an RFC 3339 time such as 2026-11-24T10:15:00Z`},
		{"bad regexp", "steps:\n  - tweet: x\n    from: \"@a\"\n    expect: {reply: \"(\"}\n", "f.yaml:4: steps[0].expect.reply: bad regular expression"},
		{"amount text", "steps:\n  - tweet: x\n    from: \"@a\"\n    expect: {amount: \"12.50\"}\n", "f.yaml:4: steps[0].expect.amount: expected a whole number"},
		{"negative count", "steps:\n  - charges: {}\n    expect: {net: -5}\n", "f.yaml:3: steps[0].expect.net: -5 is negative: counts and amounts are 0 or more"},
		{"charges expect", "steps:\n  - charges: {}\n    expect: {outcome: purchased}\n", `f.yaml:3: unknown key "steps[0].expect.outcome"`},
		{"expire unknown expect", "steps:\n  - expire: \"+1h\"\n    expect: {cuont: 1}\n", `f.yaml:3: unknown key "steps[0].expect.cuont" (did you mean "count"?)`},
		{"expire negative count", "steps:\n  - expire: \"+1h\"\n    expect: {count: -1}\n", "f.yaml:3: steps[0].expect.count: -1 is negative"},
		{"expire expect not a mapping", "steps:\n  - expire: \"+1h\"\n    expect: 2\n", "f.yaml:3: steps[0].expect: expected a mapping"},
		{"charges no expect", "steps:\n  - charges: {offer: X}\n", "f.yaml:2: steps[0]: a charges step needs expect"},
		{"from with file", "steps:\n  - file: p.json\n    from: \"@a\"\n", "f.yaml:3: steps[0].from: not allowed with file"},
		{"missing file", "steps:\n  - file: nope.json\n", "f.yaml:2: steps[0].file: no such file"},
		{"two documents", "steps:\n  - {tweet: x, from: \"@a\"}\n---\nsteps:\n  - {tweet: y, from: \"@a\"}\n", "f.yaml:3: a second YAML document: a file holds one scenario"},
		{"bad second document", "steps:\n  - {tweet: x, from: \"@a\"}\n---\nsteps: [\n", "f.yaml:4: did not find expected node content"},
		// yaml.v3 names no line for an alias of an unknown anchor: the
		// error is at the alias's.
		{"unknown anchor", "steps:\n  - tweet: x\n    from: \"@a\"\n  - *buy\n", "f.yaml:4: unknown anchor 'buy' referenced: *buy must come after the value it names, marked &buy"},
		{"anchor after alias", "steps:\n  - tweet: x\n    from: \"@a\"\n    expect:\n      <<: *base\n  - &base {tweet: y, from: \"@a\"}\n", "f.yaml:5: unknown anchor 'base' referenced"},
		{"error and outcome", "steps:\n  - tweet: x\n    from: \"@a\"\n    expect:\n      error: boom\n      outcome: purchased\n", "f.yaml:6: steps[0].expect.outcome: cannot be checked with error: a tweet that fails has no result"},
		{"payload author", "steps:\n  - file: badauthor.json\n", `f.yaml:2: steps[0].file: badauthor.json: the author's handle "bad name" is not a Twitter username`},
		{"expire null", "steps:\n  - expire:\n", "f.yaml:2: steps[0].expire: null: write when to expire"},
		{"bad handle", "steps:\n  - tweet: x\n    from: \"@a b\"\n", "f.yaml:3: steps[0].from: handle"},
		// One ID for two different tweets: the second would only be a
		// duplicate of the first, and pass on its result.
		{"same id, other text", "steps:\n  - {tweet: \"#BuyX\", from: \"@a\", id: \"1\"}\n  - tweet: \"#BuyX again\"\n    from: \"@a\"\n    id: \"1\"\n", `f.yaml:5: steps[1]: tweet ID "1" is also step 1's, for another tweet (author or text differ)`},
		{"same id, other author", "steps:\n  - {tweet: \"#BuyX\", from: \"@a\", id: \"1\"}\n  - {tweet: \"#BuyX\", from: \"@b\", id: 1}\n", `f.yaml:3: steps[1]: tweet ID "1" is also step 1's`},
		{"payload id, other text", "steps:\n  - {tweet: \"#BuyX\", from: \"@bob\", id: \"900\"}\n  - charges: {}\n    expect: {count: 0}\n  - file: p.json\n", `f.yaml:5: steps[2]: tweet ID "900" is also step 1's`},
		// A charges filter with a typo would select nothing, and pass a
		// step that expects {count: 0}.
		{"filter offer", "steps:\n  - charges: {offer: \"Buy Mug\"}\n    expect: {count: 0}\n", `f.yaml:2: steps[0].charges.offer: "Buy Mug" is neither a hashtag nor a gift handle`},
		{"filter buyer", "steps:\n  - charges:\n      buyer: \"@al ice\"\n    expect: {count: 0}\n", `f.yaml:3: steps[0].charges.buyer: handle "@al ice" is not a Twitter username`},
		{"filter currency", "steps:\n  - charges: {currency: dollars}\n    expect: {count: 0}\n", `f.yaml:2: steps[0].charges.currency: "dollars" is not a currency Stripe supports`},
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

func TestCheckTweet(t *testing.T) {
	s, err := Load("f.yaml", []byte(`steps:
  - tweet: x
    from: "@a"
    expect: {outcome: declined, decline_code: null, amount: null, reply: "sorry", duplicate: false, payment_intent: "^pi_"}
  - tweet: x
    from: "@a"
    expect: {error: "no time"}
  - tweet: x
    from: "@a"
    expect: {gifts: [{to: "@b", outcome: purchased}, {to: "@c", outcome: rejected, reason: sold_out}]}
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	code, pi := "insufficient_funds", "pi_1"
	r := shop.Result{Outcome: shop.Declined, DeclineCode: &code, Reply: "@a sorry", PaymentIntent: &pi}
	f := checkTweet(s.Steps[0].Expect, r, nil)
	if len(f) != 1 || f[0].String() != `decline_code: expected null, got "insufficient_funds"` {
		t.Errorf("failures %v", f)
	}
	r.DeclineCode, r.PaymentIntent, r.Amount = nil, nil, 5
	f = checkTweet(s.Steps[0].Expect, r, nil)
	if len(f) != 2 || f[0].String() != "amount: expected 0, got 5" || f[1].String() != "payment_intent: expected a match for /^pi_/, got null" {
		t.Errorf("failures %v", f)
	}
	if f := checkTweet(s.Steps[1].Expect, shop.Result{}, errors.New("tweet 1 has no time")); len(f) != 0 {
		t.Errorf("expected error not accepted: %v", f)
	}
	if f := checkTweet(s.Steps[1].Expect, shop.Result{Outcome: shop.Ignored}, nil); len(f) != 1 || f[0].Field != "error" {
		t.Errorf("missing error not reported: %v", f)
	}
	if f := checkTweet(nil, shop.Result{}, errors.New("boom")); len(f) != 1 || f[0].Got != `"boom"` {
		t.Errorf("unexpected error not reported: %v", f)
	}
	so := "sold_out"
	gifts := []shop.Gift{{To: "@b", Outcome: shop.Purchased}, {To: "@c", Outcome: shop.Rejected, Reason: &so}}
	if f := checkTweet(s.Steps[2].Expect, shop.Result{Gifts: gifts}, nil); len(f) != 0 {
		t.Errorf("gifts: %v", f)
	}
	if f := checkTweet(s.Steps[2].Expect, shop.Result{Gifts: gifts[:1]}, nil); len(f) != 1 || f[0].String() != "gifts: expected 2 gifts, got 1 gift" {
		t.Errorf("gifts: %v", f)
	}
}

// confirm_by is an instant: the same deadline written in any zone meets it,
// and a failure shows both instants, in UTC when written otherwise.
func TestCheckConfirmBy(t *testing.T) {
	s, err := Load("f.yaml", []byte(`steps:
  - {tweet: x, from: "@a", expect: {confirm_by: "2026-11-24T11:15:00+01:00"}}
  - {tweet: x, from: "@a", expect: {confirm_by: 2026-11-24T10:15:00Z}}
  - {tweet: x, from: "@a", expect: {confirm_by: null}}
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	deadline := "2026-11-24T10:15:00Z"
	r := shop.Result{Outcome: shop.AwaitingConfirmation, ConfirmBy: &deadline}
	for i := range 2 {
		if f := checkTweet(s.Steps[i].Expect, r, nil); len(f) != 0 {
			t.Errorf("step %d: %v", i+1, f)
		}
	}
	later := "2026-11-24T10:30:00Z"
	r.ConfirmBy = &later
	if f := checkTweet(s.Steps[0].Expect, r, nil); len(f) != 1 ||
		f[0].String() != "confirm_by: expected 2026-11-24T11:15:00+01:00 (2026-11-24T10:15:00Z), got 2026-11-24T10:30:00Z" {
		t.Errorf("failures %v", f)
	}
	if f := checkTweet(s.Steps[1].Expect, r, nil); len(f) != 1 || f[0].String() != "confirm_by: expected 2026-11-24T10:15:00Z, got 2026-11-24T10:30:00Z" {
		t.Errorf("failures %v", f)
	}
	if f := checkTweet(s.Steps[2].Expect, r, nil); len(f) != 1 || f[0].String() != `confirm_by: expected null, got "2026-11-24T10:30:00Z"` {
		t.Errorf("failures %v", f)
	}
	if f := checkTweet(s.Steps[1].Expect, shop.Result{Outcome: shop.Purchased}, nil); len(f) != 1 || f[0].Got != "null" {
		t.Errorf("failures %v", f)
	}
}

// fakeEngine answers from a table, lists fixed charges and counts calls.
type fakeEngine struct {
	outcomes map[string]string
	charges  []payment.Charge
	calls    int
}

func (f *fakeEngine) Process(_ context.Context, tw shop.Tweet) (shop.Result, error) {
	f.calls++
	o, ok := f.outcomes[tw.Text]
	if !ok {
		return shop.Result{}, errors.New("engine exploded")
	}
	return shop.Result{TweetID: tw.ID, From: tw.From, Outcome: o}, nil
}

func (f *fakeEngine) ExpireDue(context.Context, time.Time) ([]shop.Result, error) { return nil, nil }
func (f *fakeEngine) Gateway() payment.Gateway                                    { return fakeGateway{f: f} }
func (f *fakeEngine) Namespace() string                                           { return "" }

// fakeGateway lists the engine's charges; the rest of payment.Gateway is
// not used by charge checks (calling it panics).
type fakeGateway struct {
	payment.Gateway
	f *fakeEngine
}

func (g fakeGateway) ListCharges(context.Context, payment.ChargeFilter) iter.Seq2[payment.Charge, error] {
	return func(yield func(payment.Charge, error) bool) {
		for _, c := range g.f.charges {
			if !yield(c, nil) {
				return
			}
		}
	}
}

func TestRunReportsEveryStepAndJUnit(t *testing.T) {
	s, err := Load("flow.yaml", []byte(`name: flow <&>
steps:
  - tweet: buy
    from: "@a"
    expect: {outcome: declined}
  - tweet: boom
    from: "@a"
  - tweet: buy
    from: "@a"
    expect: {outcome: purchased}
  - charges: {offer: BuyMug}
    expect: {count: 1, gross: 300, uncaptured: 1, authorized: 100}
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	md := func(offer string) map[string]string {
		return map[string]string{shop.MetaTweetID: "1", shop.MetaOffer: offer}
	}
	eng := &fakeEngine{outcomes: map[string]string{"buy": shop.Purchased}, charges: []payment.Charge{
		{Status: "succeeded", Captured: true, Amount: 300, AmountCaptured: 300, Metadata: md("BuyMug")},
		{Status: "succeeded", Amount: 100, Metadata: md("BuyMug")},
		{Status: "succeeded", Captured: true, Amount: 900, AmountCaptured: 900, Metadata: md("BuyHat")},
		{Status: "succeeded", Captured: true, Amount: 900, AmountCaptured: 900, Metadata: map[string]string{}},
	}}
	rep, err := Run(context.Background(), eng, s)
	if !errors.Is(err, ErrExpectation) {
		t.Fatalf("err = %v, want ErrExpectation", err)
	}
	if eng.calls != 3 || len(rep.Steps) != 4 || rep.Passed != 1 || rep.Failed != 3 {
		t.Fatalf("calls %d, report %+v", eng.calls, rep)
	}
	if msg := rep.Steps[0].Messages(); len(msg) != 1 || msg[0] != `outcome: expected declined, got "purchased"` {
		t.Errorf("step 1 messages %v", msg)
	}
	if rep.Steps[1].Error != "engine exploded" {
		t.Errorf("step 2 %+v", rep.Steps[1])
	}
	if c := rep.Steps[3].Charges; c == nil || c.Count != 2 || c.Gross != 300 || c.Uncaptured != 1 || c.Authorized != 100 {
		t.Errorf("charges %+v", c)
	}
	if msg := rep.Steps[3].Messages(); len(msg) != 1 || msg[0] != "count: expected 1, got 2" {
		t.Errorf("step 4 messages %v", msg)
	}

	var buf bytes.Buffer
	if err := WriteJUnit(&buf, []Report{rep}); err != nil {
		t.Fatal(err)
	}
	doc, err := junittest.Parse(buf.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if doc.Tests != 4 || doc.Failures != 2 || doc.Errors != 1 || len(doc.Suites) != 1 || doc.Suites[0].Name != "flow <&>" {
		t.Fatalf("junit %+v", doc)
	}
	c := doc.Suites[0].Cases
	if c[0].Name != `step 1: @a: "buy"` || c[0].Line != 3 || c[0].Failure == nil ||
		c[0].Failure.Message != `outcome: expected declined, got "purchased"` || !strings.Contains(c[0].Failure.Text, "flow.yaml:5: outcome") {
		t.Errorf("case 1 %+v", c[0])
	}
	if c[1].Error == nil || c[2].Failure != nil || c[2].Error != nil || c[3].Failure == nil {
		t.Errorf("cases %+v", c)
	}
}

func TestLoadTrailingDocumentMarker(t *testing.T) {
	for _, doc := range []string{"---\nsteps: [{tweet: x, from: \"@a\"}]\n", "steps: [{tweet: x, from: \"@a\"}]\n---\n", "steps: [{tweet: x, from: \"@a\"}]\n...\n"} {
		if _, err := Load("f.yaml", []byte(doc), nil); err != nil {
			t.Errorf("%q: %v", doc, err)
		}
	}
}

func TestLoadNoErrorBesideResult(t *testing.T) {
	if _, err := Load("f.yaml", []byte("steps:\n  - {tweet: x, from: \"@a\", expect: {error: null, outcome: ignored}}\n"), nil); err != nil {
		t.Error(err)
	}
}

// An expire step's report lists what expired, as an empty list (not a missing
// key) when nothing did; other steps have no "expired" key.
func TestExpireStepReportsEmptyList(t *testing.T) {
	s, err := Load("e.yaml", []byte("steps:\n  - tweet: hi\n    from: \"@a\"\n  - expire: \"+1h\"\n    expect: {count: 0}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), &fakeEngine{outcomes: map[string]string{"hi": shop.Purchased}}, s)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	tweetJSON, _ := json.Marshal(rep.Steps[0])
	expireJSON, _ := json.Marshal(rep.Steps[1])
	if strings.Contains(string(tweetJSON), `"expired"`) {
		t.Errorf("tweet step: %s", tweetJSON)
	}
	if !strings.Contains(string(expireJSON), `"expired":[]`) {
		t.Errorf("expire step: %s", expireJSON)
	}
}

// cancellingEngine cancels the run while processing the tweet "stop", and
// then fails it as a provider call cut short does when failAfter is set.
type cancellingEngine struct {
	fakeEngine
	cancel    context.CancelFunc
	failAfter bool
}

func (c *cancellingEngine) Process(ctx context.Context, tw shop.Tweet) (shop.Result, error) {
	if tw.Text == "stop" {
		c.cancel()
		if c.failAfter {
			c.calls++
			return shop.Result{}, ctx.Err()
		}
	}
	return c.fakeEngine.Process(ctx, tw)
}

// An interrupted run reports every step of the scenario: those it did not
// run are skipped, in the report, the JSON and the JUnit testsuite, so that
// CI shows as many tests as the scenario has.
func TestRunInterruptedSkipsTheRest(t *testing.T) {
	s, err := Load("int.yaml", []byte(`name: interrupted
steps:
  - {tweet: stop, from: "@a", expect: {outcome: purchased}}
  - {tweet: stop, from: "@a"}
  - charges: {}
    expect: {count: 0}
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, failAfter := range []bool{false, true} {
		ctx, cancel := context.WithCancel(context.Background())
		eng := &cancellingEngine{fakeEngine: fakeEngine{outcomes: map[string]string{"stop": shop.Purchased}}, cancel: cancel, failAfter: failAfter}
		rep, err := Run(ctx, eng, s)
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("failAfter=%v: err = %v, want context.Canceled", failAfter, err)
		}
		if len(rep.Steps) != 3 || rep.Passed+rep.Failed+rep.Skipped != 3 {
			t.Fatalf("failAfter=%v: report %+v", failAfter, rep)
		}
		first := rep.Steps[0]
		if failAfter {
			// The step the interrupt cut short has no result to judge:
			// it is skipped, not an error.
			if !first.Skipped || first.SkipReason != SkipInterruptedRunning || rep.Failed != 0 || rep.Skipped != 3 {
				t.Errorf("cut short: %+v", rep)
			}
		} else if !first.Passed || first.Skipped || rep.Skipped != 2 {
			t.Errorf("completed step: %+v", rep)
		}
		for _, st := range rep.Steps[1:] {
			if !st.Skipped || st.Passed || st.SkipReason != SkipInterrupted || st.Failures == nil {
				t.Errorf("step %d: %+v", st.Index, st)
			}
		}
		if m := rep.Steps[2].Messages(); len(m) != 1 || m[0] != "not run: "+SkipInterrupted {
			t.Errorf("messages %q", m)
		}
		js, _ := json.Marshal(rep.Steps[2])
		if !strings.Contains(string(js), `"passed":false,"skipped":true,"skip_reason":"interrupted before this step"`) {
			t.Errorf("json %s", js)
		}

		var buf bytes.Buffer
		if err := WriteJUnit(&buf, []Report{rep, NotRun(s, "interrupted before this scenario started")}); err != nil {
			t.Fatal(err)
		}
		doc, err := junittest.Parse(buf.Bytes())
		if err != nil {
			t.Fatalf("%v\n%s", err, buf.String())
		}
		if doc.Tests != 6 || len(doc.Suites) != 2 {
			t.Fatalf("junit %+v", doc)
		}
		if s0 := doc.Suites[0]; s0.Tests != 3 || s0.Skipped != rep.Skipped || len(s0.Cases) != 3 ||
			s0.Cases[2].Skipped == nil || s0.Cases[2].Skipped.Message != SkipInterrupted {
			t.Errorf("suite 1 %+v\n%s", s0, buf.String())
		}
		if s1 := doc.Suites[1]; s1.Tests != 3 || s1.Skipped != 3 || s1.Failures != 0 || s1.Errors != 0 || len(s1.Cases) != 3 ||
			s1.Cases[0].Name != `step 1: @a: "stop"` || s1.Cases[0].Skipped == nil {
			t.Errorf("suite 2 %+v", s1)
		}
	}
}

// Names and expected values reach failure lines (file:line: scenario: step
// N (name): ...) and JUnit test names: a block scalar's newline, a tab or a
// control character must not split or garble them.
func TestLoadNamesOneLine(t *testing.T) {
	s, err := Load("n.yaml", []byte(`name: "launch\tday\x1b[31m"
steps:
  - name: |
      alice
      buys
    tweet: x
    from: "@a"
    expect: {reply: "^a\nb$", reason: "x\ty"}
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "launch day [31m" || s.Steps[0].Name != "alice buys" {
		t.Errorf("names %q, %q", s.Name, s.Steps[0].Name)
	}
	f := checkTweet(s.Steps[0].Expect, shop.Result{Outcome: shop.Ignored, Reply: "z"}, nil)
	var msgs []string
	for _, x := range f {
		msgs = append(msgs, x.String())
	}
	want := []string{`reply: expected a match for /^a\nb$/, got "z"`, `reason: expected x\ty, got null`}
	if strings.Join(msgs, "|") != strings.Join(want, "|") {
		t.Errorf("failures %q, want %q", msgs, want)
	}
	if got := (StepReport{Index: 1, Name: s.Steps[0].Name}); TestcaseName(got) != "step 1: alice buys" {
		t.Errorf("testcase %q", TestcaseName(got))
	}
}

// TestFailureLines: every failure names a line of the file, the step's when
// no written key stands for it, so that -o json never says line 0.
func TestFailureLines(t *testing.T) {
	doc := "steps:\n  - tweet: boom\n    from: \"@a\"\n  - tweet: hi\n    from: \"@a\"\n    expect:\n      outcome: ignored\n"
	s, err := Load("l.yaml", []byte(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, _ := Run(context.Background(), &fakeEngine{outcomes: map[string]string{"hi": shop.Purchased}}, s)
	want := [][]int{{2}, {7}}
	for i, st := range rep.Steps {
		var lines []int
		for _, f := range st.Failures {
			lines = append(lines, f.Line)
		}
		if !slices.Equal(lines, want[i]) {
			t.Errorf("step %d: failure lines %v, want %v (%+v)", st.Index, lines, want[i], st.Failures)
		}
	}
}

// A file that cannot be loaded says which file, the line when there is
// one, and the name its testsuite has when it loads (its name: when that
// can be read, else the file's base name), so that a report can stand the
// file in for the scenario; the message is the one printed.
func TestLoadFileError(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name, path string
		line       int
		scenario   string
		msg        string
	}{
		{"named, unknown top key", write("launch.yaml", "name: Blue  mug\nstepz: []\n"), 2, "Blue mug",
			`invalid scenario: ` + filepath.Join(dir, "launch.yaml") + `:2: unknown key "stepz" (did you mean "steps"?)`},
		{"named, bad step", write("step.yaml", "steps:\n  - {tweet: x, from: \"@a\", at: 16m}\nname: Later\n"), 2, "Later", ""},
		{"name not a string", write("listname.yaml", "name: [a]\nsteps: []\n"), 1, "listname", ""},
		{"not YAML", write("tab.yaml", "steps:\n\t- tweet: x\n"), 2, "tab", ""},
		{"not a mapping", write("list.yaml", "- a\n"), 1, "list", ""},
		{"empty", write("empty.yaml", ""), 0, "empty", "invalid scenario: " + filepath.Join(dir, "empty.yaml") + ": the file is empty: a scenario needs steps"},
		{"missing", filepath.Join(dir, "gone.yaml"), 0, "gone", "invalid scenario: stat " + filepath.Join(dir, "gone.yaml") + ": no such file or directory"},
		{"directory", dir + "/sub.d/", 0, "sub", ""},
	}
	if err := os.Mkdir(filepath.Join(dir, "sub.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadFile(c.path)
			var fe *FileError
			if !errors.As(err, &fe) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %#v, want a *FileError wrapping ErrInvalid", err)
			}
			if fe.Path != c.path || fe.Line != c.line || fe.Name != c.scenario {
				t.Errorf("path %q line %d name %q, want %q %d %q", fe.Path, fe.Line, fe.Name, c.path, c.line, c.scenario)
			}
			if c.msg != "" && err.Error() != c.msg {
				t.Errorf("message\n%s\nwant\n%s", err, c.msg)
			}
		})
	}
}

// unavailableEngine fails tweets whose text is "down" as the adapter does
// when the provider cannot be reached, and answers the others from
// fakeEngine's table.
type unavailableEngine struct{ fakeEngine }

func (u *unavailableEngine) Process(ctx context.Context, tw shop.Tweet) (shop.Result, error) {
	if tw.Text == "down" {
		return shop.Result{}, fmt.Errorf("find customer of %s: %w", tw.From,
			&payment.Error{Kind: payment.ErrUnavailable, Message: "network error: connection refused"})
	}
	return u.fakeEngine.Process(ctx, tw)
}

func TestRunMarksProviderUnavailable(t *testing.T) {
	s, err := Load("flow.yaml", []byte(`name: flow
steps:
  - tweet: down
    from: "@a"
    expect: {outcome: purchased}
  - tweet: down
    from: "@a"
    expect: {error: "declined"}
  - tweet: down
    from: "@a"
    expect: {error: "connection refused"}
  - tweet: buy
    from: "@a"
    expect: {outcome: declined}
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	eng := &unavailableEngine{fakeEngine{outcomes: map[string]string{"buy": shop.Purchased}}}
	rep, err := Run(context.Background(), eng, s)
	if !errors.Is(err, ErrExpectation) {
		t.Fatalf("err = %v, want ErrExpectation", err)
	}
	if rep.Failed != 3 || rep.Unavailable != 2 || rep.Passed != 1 {
		t.Fatalf("report %+v", rep)
	}
	// A step that expected the error passed: it is not counted.
	want := []bool{true, true, false, false}
	for i, st := range rep.Steps {
		if st.Unavailable != want[i] {
			t.Errorf("step %d: unavailable %v, want %v", st.Index, st.Unavailable, want[i])
		}
	}
	if msg := rep.Steps[0].Messages(); len(msg) != 1 ||
		msg[0] != UnavailablePrefix+"find customer of @a: network error: connection refused" {
		t.Errorf("step 1 messages %q", msg)
	}
	if sum := Summarize([]Report{rep}); sum.Unavailable != 2 || sum.Failed != 3 {
		t.Errorf("summary %+v", sum)
	}
	js, _ := json.Marshal(rep)
	if !strings.Contains(string(js), `"provider_unavailable":2,`) || strings.Count(string(js), `"provider_unavailable":true`) != 2 {
		t.Errorf("json %s", js)
	}

	var buf bytes.Buffer
	if err := WriteJUnit(&buf, []Report{rep}); err != nil {
		t.Fatal(err)
	}
	doc, err := junittest.Parse(buf.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if doc.Errors != 2 || doc.Failures != 1 {
		t.Fatalf("junit %+v", doc)
	}
	for _, c := range doc.Suites[0].Cases[:2] {
		if c.Error == nil || c.Error.Type != "provider_unavailable" || !strings.HasPrefix(c.Error.Message, UnavailablePrefix) {
			t.Errorf("case %s: %+v", c.Name, c.Error)
		}
	}
}

// A charges filter names an offer with or without its sign, the
// full-width one included, and whatever its case.
func TestChargeFilterOffer(t *testing.T) {
	c := payment.Charge{Metadata: map[string]string{shop.MetaOffer: "BuyMug", shop.MetaBuyer: "@Alice"}}
	for _, offer := range []string{"BuyMug", "#BuyMug", "＃BuyMug", "buymug", " #BUYMUG "} {
		if !(ChargeFilter{Offer: offer, Buyer: "alice"}).matches(c) {
			t.Errorf("offer %q does not select the charge of BuyMug", offer)
		}
	}
	if (ChargeFilter{Offer: "BuyMugs"}).matches(c) {
		t.Errorf("BuyMugs selects the charge of BuyMug")
	}
}

// A charges step must name an offer of the scenario or of the config
// (others): one that names none would select nothing.
func TestCheckOffers(t *testing.T) {
	src := "offers:\n  - {gift_handle: \"@tweetacoffee\", name: Coffee, price: \"5.00\"}\nsteps:\n" +
		"  - charges: {offer: \"@TweetACoffee\"}\n    expect: {count: 0}\n" +
		"  - charges: {offer: BuyCup}\n    expect: {count: 0}\n"
	s, err := Load("f.yaml", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckOffers(s, []offer.Offer{{Hashtag: "#BuyCup"}}); err != nil {
		t.Errorf("offers of the scenario and the config: %v", err)
	}
	err = CheckOffers(s, nil)
	var fe *FileError
	if !errors.As(err, &fe) || !errors.Is(err, ErrInvalid) || fe.Line != 6 ||
		err.Error() != "invalid scenario: f.yaml:6: steps[1].charges.offer: no offer BuyCup in the scenario or the config: they have tweetacoffee" {
		t.Errorf("err = %v", err)
	}
}

// A redelivered tweet (the same ID, author and text, the handle in any
// case) is allowed: it is how duplicates are tested.
func TestLoadRedelivery(t *testing.T) {
	src := "steps:\n  - {tweet: \"#BuyX\", from: \"@Alice\", id: \"1\"}\n  - {tweet: \"#BuyX\", from: alice, id: \"1\", at: \"+1h\"}\n" +
		// The payload's tweet, written as a tweet step.
		"  - file: p.json\n  - {tweet: hello, from: \"@bob\", id: \"900\"}\n"
	if _, err := Load("f.yaml", []byte(src), payloads); err != nil {
		t.Fatal(err)
	}
}

// YAML anchors and aliases work where a step or a gift is listed, as they
// do for values: "- *buy" repeats a step (a redelivered webhook), at the
// line of the alias. They were refused as "expected a mapping, got "buy"".
func TestLoadAliases(t *testing.T) {
	src := `steps:
  - &buy
    tweet: "#BuyMug"
    from: "@alice"
    id: "1"
    expect: &ok {outcome: purchased}
  - *buy
  - tweet: "@tweetacoffee to @bob and @carl"
    from: "@alice"
    expect:
      gifts: [&g {outcome: purchased, amount: 500}, *g]
  - tweet: "#BuyMug"
    from: "@alice"
    expect: *ok
`
	s, err := Load("f.yaml", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Steps) != 4 {
		t.Fatalf("steps = %+v", s.Steps)
	}
	if st := s.Steps[1]; st.Line != 7 || st.Tweet.ID != "1" || st.Tweet.Text != "#BuyMug" || len(st.Expect) != 1 {
		t.Errorf("aliased step = %+v", st)
	}
	if gifts := s.Steps[2].Expect[0].gifts; len(gifts) != 2 || len(gifts[1]) != 2 {
		t.Errorf("gifts = %+v", gifts)
	}
	if exp := s.Steps[3].Expect; len(exp) != 1 || exp[0].text != "purchased" {
		t.Errorf("aliased expect = %+v", exp)
	}
}

// Aliases that stand for billions of values (a "billion laughs" in a few
// lines) are refused at once, at the alias's line, instead of being
// expanded until memory runs out.
func TestLoadAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("steps:\n  - tweet: x\n    from: \"@a\"\n    expect:\n      gifts: &l0 [{outcome: gifted}, {outcome: gifted}, {outcome: gifted}, {outcome: gifted}]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "  - tweet: x\n    from: \"@a\"\n    expect:\n      gifts: &l%d [%s]\n", i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 10), ", "))
	}
	done := make(chan error, 1)
	go func() { _, err := Load("f.yaml", []byte(b.String()), nil); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "f.yaml:33: aliases stand for over 4194304 values (*l6 alone for over 4194304): write them out, or split the file") {
			t.Errorf("err = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still loading after 10s")
	}
}

// An expectation that many steps share by alias is read once, and shared,
// not expanded anew for each step.
func TestLoadAliasReuseIsShared(t *testing.T) {
	var b strings.Builder
	b.WriteString("steps:\n  - tweet: x\n    from: \"@a\"\n    expect: &e\n      gifts: [&g {outcome: gifted}" + strings.Repeat(", *g", 19) + "]\n")
	b.WriteString(strings.Repeat("  - {tweet: x, from: \"@a\", expect: *e}\n", 20000))
	s, err := Load("f.yaml", []byte(b.String()), nil)
	if err != nil {
		t.Fatal(err)
	}
	first, last := s.Steps[0].Expect, s.Steps[len(s.Steps)-1].Expect
	if len(s.Steps) != 20001 || len(last) != 1 || len(last[0].gifts) != 20 || &first[0] != &last[0] {
		t.Errorf("steps %d, last expects %+v", len(s.Steps), last)
	}
}

// A scenario file is parsed once, whether it loads or not: its name, which
// names the JUnit testsuite of a file that does not load, is read from the
// same parse, as is what follows its first document. It was parsed once for
// its first document, again to find a second one, and a third time for its
// name when it did not load.
func TestLoadParsesOnce(t *testing.T) {
	parses := 0
	defer func(f func([]byte) (*yaml.Node, *yaml.Node, error)) { parseDocuments = f }(parseDocuments)
	parseDocuments = func(data []byte) (*yaml.Node, *yaml.Node, error) {
		parses++
		return yamlcheck.Documents(data)
	}
	cases := []struct{ name, yaml, err string }{
		{"valid", good, ""},
		{"invalid", "name: named\nsteps:\n  - {tweet: x, from: \"@a\", expect: {outcom: purchased}}\n", `f.yaml:3: unknown key "steps[0].expect.outcom"`},
		{"second document", "name: named\nsteps:\n  - {tweet: x, from: \"@a\"}\n---\nsteps: []\n", "f.yaml:4: a second YAML document"},
		{"bad second document", "name: named\nsteps:\n  - {tweet: x, from: \"@a\"}\n---\nsteps: [\n", "f.yaml:5: did not find expected node content"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			parses = 0
			_, err := Load("f.yaml", []byte(c.yaml), payloads)
			if c.err == "" && err != nil || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
				t.Fatalf("err = %v, want %q", err, c.err)
			}
			var fe *FileError
			if err != nil && (!errors.As(err, &fe) || fe.Name != "named") {
				t.Errorf("err = %#v, want a FileError named \"named\"", err)
			}
			if parses != 1 {
				t.Errorf("parsed %d times, want once", parses)
			}
		})
	}
}
