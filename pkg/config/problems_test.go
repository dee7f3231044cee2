package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/tweetpay/tweetpay/internal/yamlcheck"

	"github.com/tweetpay/tweetpay/pkg/buyer"
	"github.com/tweetpay/tweetpay/pkg/offer"
)

// check is load's Check: it writes file to a fresh directory and checks it.
func check(t *testing.T, file string, env map[string]string, flags ...string) (*Config, error) {
	t.Helper()
	return Check(testOptions(t, file, env, flags...))
}

const manyProblems = `merchant:
  handel: "@x"
  currency: zzz
stripe:
  backend: stripes
lock_timeout: 30
offers:
  - hashtag: BuyMug
    name: Mug
    price: "5.00"
  - hashtag: buymug
    name: Mug again
    price: "5.00"
  - hashtag: BuyCup
    name: Cup
    price: "3.00"
    stock: lots
buyers:
  - handle: "@bluemugco"
    card: visa
  - handle: "@bob"
    card: bogus
`

// TestCheckReportsEveryProblem: Check goes on past each problem: the
// schema's, the settings', the credentials', every offer's and buyer's,
// ordered by line with those not in the file after; Load stops at the
// first it meets.
func TestCheckReportsEveryProblem(t *testing.T) {
	env := map[string]string{"TWEETPAY_TIMEOUT": "soon", "TWEETPAY_MERCHANT_HANDLE": "@bluemugco"}
	c, err := check(t, manyProblems, env, "--api-key", "sk_live_abcdefgh1234")
	var ps Problems
	if !errors.As(err, &ps) || c == nil {
		t.Fatalf("Check = %v, %v; want the Config and Problems", c, err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, fmt.Sprintf("%d %t %s", p.Line, p.File != "", p.Message))
	}
	want := []string{
		`2 true unknown key "merchant.handel" (did you mean "handle"?)`,
		`3 true merchant.currency "zzz" is not a currency Stripe supports`,
		`5 true backend "stripes" is not one of emulator, stripe`,
		`6 true lock timeout "30": want a duration with a unit, such as 30s`,
		`11 true invalid offer: offer #buymug: hashtag "buymug" is already used as the hashtag of offer #BuyMug: pick another`,
		`17 true offers[2].stock: expected a whole number, got "lots"`,
		`19 true invalid buyer: buyer @bluemugco is the merchant (merchant.handle): the merchant's own tweets are never purchases, so it could never buy; use another handle`,
		`21 true invalid buyer: buyer @bob: unknown card "bogus": write one of ` + strings.Join(nil, ""),
		`0 false $TWEETPAY_TIMEOUT: timeout "soon": want a positive duration such as 30s, 2m or 500ms`,
		`0 false live key given without --live (refusing sk_live_…1234; pass --live to use a live key)`,
	}
	if len(got) != len(want) {
		t.Fatalf("got %d problems:\n%s\nwant %d", len(got), strings.Join(got, "\n"), len(want))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d:\n got %s\nwant %s", i, got[i], want[i])
		}
	}
	for _, target := range []error{ErrInvalid, offer.ErrInvalid, buyer.ErrInvalid, ErrLiveKey} {
		if !errors.Is(err, target) {
			t.Errorf("Check's error is not %v", target)
		}
	}
	// Offers the schema refused are left out of later checks; the others
	// are read, and checked in a currency that is supported.
	if len(c.Offers) != 2 || len(c.Buyers) != 2 {
		t.Errorf("read %d offers and %d buyers, want 2 and 2", len(c.Offers), len(c.Buyers))
	}

	_, lerr := load(t, manyProblems, env, "--api-key", "sk_live_abcdefgh1234")
	if lerr == nil || !strings.HasSuffix(lerr.Error(), `tweetpay.yaml:2: unknown key "merchant.handel" (did you mean "handle"?)`) ||
		strings.Contains(lerr.Error(), "\n") {
		t.Errorf("Load = %v, want the first problem alone", lerr)
	}
}

// TestLoadStopsWhereItDid: each problem alone is Load's error, with the
// text it always had, and Check's only problem.
func TestLoadStopsWhereItDid(t *testing.T) {
	for _, tc := range []struct {
		file string
		env  map[string]string
		want string
	}{
		{"merchant:\n  handel: x\n", nil, `tweetpay.yaml:2: unknown key "merchant.handel" (did you mean "handle"?)`},
		{"stripe:\n  backend: stripes\n", nil, `tweetpay.yaml:2: backend "stripes" is not one of emulator, stripe`},
		{"merchant:\n  country: XX\n", nil, `tweetpay.yaml:2: merchant.country "XX" is not an ISO 3166-1 alpha-2 code`},
		{"", map[string]string{"TWEETPAY_BACKEND": "strip"}, `invalid configuration: $TWEETPAY_BACKEND: backend "strip" is not one of emulator, stripe`},
		{"offers:\n  - hashtag: A\n    name: A\n    price: \"1\"\n---\nbuyers: []\n", nil, `tweetpay.yaml:5: a second YAML document starts here`},
	} {
		_, lerr := load(t, tc.file, tc.env)
		_, cerr := check(t, tc.file, tc.env)
		if lerr == nil || !strings.Contains(lerr.Error(), tc.want) || !errors.Is(lerr, ErrInvalid) {
			t.Errorf("Load(%q) = %v, want %q", tc.file, lerr, tc.want)
			continue
		}
		var ps Problems
		if !errors.As(cerr, &ps) || len(ps) != 1 || !strings.HasSuffix(lerr.Error(), ps[0].Message) {
			t.Errorf("Check(%q) = %v, want Load's problem alone", tc.file, cerr)
		}
	}
}

// TestCheckNotYAML: a file that is not YAML is one problem, and no Config.
func TestCheckNotYAML(t *testing.T) {
	c, err := check(t, "merchant:\n  handle: [unclosed\n  country: US\n", nil)
	var ps Problems
	if c != nil || !errors.As(err, &ps) || len(ps) != 1 || ps[0].Line == 0 || !strings.HasSuffix(ps[0].File, "tweetpay.yaml") {
		t.Errorf("Check = %v, %v; want no Config and one problem at a line", c, err)
	}
}

func TestProblemsOf(t *testing.T) {
	ps := ProblemsOf(fmt.Errorf("%w: no API key", ErrInvalid))
	if want := (Problems{{Message: "no API key"}}); len(ps) != 1 || ps[0].Message != want[0].Message || ps[0].File != "" {
		t.Errorf("ProblemsOf(plain) = %+v", ps)
	}
	in := Problems{{File: "f.yaml", Line: 3, Message: "a"}, {File: "f.yaml", Message: "b"}, {Message: "c"}}
	if got := ProblemsOf(fmt.Errorf("wrapped: %w", in)); !reflect.DeepEqual(got, in) {
		t.Errorf("ProblemsOf(wrapped) = %+v", got)
	}
	if got, want := in.Error(), "invalid configuration: f.yaml:3: a\nf.yaml: b\nc"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if ProblemsOf(nil) != nil {
		t.Error("ProblemsOf(nil) is not nil")
	}
}

// TestCheckDuplicateKey: a duplicate key is one problem, and the rest of
// the file is still checked, with the key's first value.
func TestCheckDuplicateKey(t *testing.T) {
	c, err := check(t, "merchant:\n  handle: \"@a\"\n  handle: \"@b\"\nstripe:\n  backend: stripes\n", nil)
	var ps Problems
	if !errors.As(err, &ps) || c == nil || len(ps) != 2 {
		t.Fatalf("Check = %v, %v; want two problems", c, err)
	}
	if ps[0].Line != 3 || ps[0].Message != "merchant.handle: duplicate key" || ps[1].Line != 5 {
		t.Errorf("problems: %+v", ps)
	}
	if c.Merchant.Handle != "@a" {
		t.Errorf("handle = %q, want the first value", c.Merchant.Handle)
	}
}

// TestLoadParsesOnce: Load and Check parse the file once, whether it loads
// or not, with the errors and lines that parsing it twice (first document,
// then what follows it) gave.
func TestLoadParsesOnce(t *testing.T) {
	parses := 0
	defer func(f func([]byte) (*yaml.Node, *yaml.Node, error)) { parseDocuments = f }(parseDocuments)
	parseDocuments = func(data []byte) (*yaml.Node, *yaml.Node, error) {
		parses++
		return yamlcheck.Documents(data)
	}
	for _, tc := range []struct{ name, file, want string }{
		{"valid", Starter, ""},
		{"bad key", "merchant:\n  handel: x\n", `tweetpay.yaml:2: unknown key "merchant.handel" (did you mean "handle"?)`},
		{"second document", "offers: []\n---\nbuyers: []\n", "tweetpay.yaml:2: a second YAML document starts here, and only the first is read"},
		{"trailing document", "offers: []\n---\n# nothing\n", ""},
		{"bad first document", "merchant:\n  handle: [x\n", "tweetpay.yaml:1: did not find expected ',' or ']'"},
		{"bad second document", "offers: []\n---\nbuyers: [\n", "tweetpay.yaml:3: did not find expected node content"},
		{"unknown anchor", "merchant:\n  handle: \"@a\"\nbuyers:\n  - handle: \"@b\"\n    card: visa\n    country: *home\n",
			"tweetpay.yaml:6: unknown anchor 'home' referenced: *home must come after the value it names, marked &home"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, f := range []func(*testing.T, string, map[string]string, ...string) (*Config, error){load, check} {
				parses = 0
				_, err := f(t, tc.file, nil)
				if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
					t.Errorf("err = %v, want %q", err, tc.want)
				}
				if parses != 1 {
					t.Errorf("parsed %d times, want once", parses)
				}
			}
		})
	}
}

// TestEntryThatDoesNotDecode: an offer or buyer whose value the schema
// allows but its field cannot hold (a stock too large for an int) is a
// problem at its line for Check as for Load; Check used to leave the entry
// out without a word, and call the file valid.
func TestEntryThatDoesNotDecode(t *testing.T) {
	file := "offers:\n  - hashtag: BuyMug\n    name: Mug\n    price: \"5.00\"\n    stock: 9223372036854775808\n" +
		"buyers:\n  - handle: \"@alice\"\n    card: visa\n"
	want := "tweetpay.yaml:5: offers[0]: cannot unmarshal !!int `9223372...` into int"
	if _, err := load(t, file, nil); err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("Load = %v, want %q", err, want)
	}
	c, err := check(t, file, nil)
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != 1 || !strings.HasSuffix(ps[0].String(), want) {
		t.Fatalf("Check = %v, want %q alone", err, want)
	}
	if len(c.Offers) != 0 || len(c.Buyers) != 1 {
		t.Errorf("Check read %d offers and %d buyers, want 0 and 1", len(c.Offers), len(c.Buyers))
	}
}
