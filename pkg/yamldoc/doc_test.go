package yamldoc

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func fixture(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "tweetpay.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustParse(t *testing.T, src string) *Doc {
	t.Helper()
	d, err := Parse([]byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return d
}

func out(t *testing.T, d *Doc) string {
	t.Helper()
	b, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// tag matches an entry by hashtag, gift_handle or handle.
func tag(v string) func(*yaml.Node) bool {
	return func(n *yaml.Node) bool {
		return Scalar(n, "hashtag") == v || Scalar(n, "gift_handle") == v || Scalar(n, "handle") == v
	}
}

type confirm struct {
	Hashtag string `yaml:"hashtag"`
	Window  string `yaml:"window,omitempty"`
}

type offer struct {
	Hashtag   string   `yaml:"hashtag,omitempty"`
	Name      string   `yaml:"name"`
	Price     string   `yaml:"price"`
	Stock     *int     `yaml:"stock,omitempty"`
	Countries []string `yaml:"countries,omitempty"`
	Confirm   *confirm `yaml:"confirm,omitempty"`
}

// insertion checks that after is before with exactly one contiguous piece
// of text inserted, and returns that piece.
func insertion(t *testing.T, before, after string) string {
	t.Helper()
	p := 0
	for p < len(before) && p < len(after) && before[p] == after[p] {
		p++
	}
	s := 0
	for s < len(before)-p && s < len(after)-p && before[len(before)-1-s] == after[len(after)-1-s] {
		s++
	}
	if p+s != len(before) {
		t.Fatalf("original bytes not kept: common prefix %d + suffix %d != %d\n%s", p, s, len(before), after)
	}
	return after[p : len(after)-s]
}

func lineDiff(before, after string) (changed []string, sameCount bool) {
	a, b := strings.Split(before, "\n"), strings.Split(after, "\n")
	if len(a) != len(b) {
		return nil, false
	}
	for i := range a {
		if a[i] != b[i] {
			changed = append(changed, a[i]+" => "+b[i])
		}
	}
	return changed, true
}

func TestParseAndList(t *testing.T) {
	d := mustParse(t, string(fixture(t)))
	offers := d.List("offers")
	if len(offers) != 4 {
		t.Fatalf("List(offers) has %d entries, want 4", len(offers))
	}
	want := []string{"BuyBlueMug", "", "BuyRedMug", "BuyTeaPot"}
	for i, n := range offers {
		if got := Scalar(n, "hashtag"); got != want[i] {
			t.Errorf("offer %d hashtag = %q, want %q", i, got, want[i])
		}
	}
	if got := Scalar(offers[1], "gift_handle"); got != "tweetacoffee" {
		t.Errorf("gift_handle = %q", got)
	}
	if got := Scalar(Field(offers[0], "confirm"), "window"); got != "15m" {
		t.Errorf("confirm.window = %q", got)
	}
	if Field(offers[0], "nope") != nil || Field(nil, "x") != nil || Scalar(offers[0], "confirm") != "" {
		t.Error("Field/Scalar of a missing or non-scalar field should be empty")
	}
	if d.List("merchant") != nil || d.List("missing") != nil {
		t.Error("List of a mapping or a missing key should be nil")
	}
	var cfg struct {
		Merchant struct{ Handle string } `yaml:"merchant"`
	}
	if err := d.Decode(&cfg); err != nil || cfg.Merchant.Handle != "@bluemugco" {
		t.Errorf("Decode = %+v, %v", cfg, err)
	}
	if d.Root() == nil || d.Root().Kind != yaml.MappingNode {
		t.Error("Root is not the top-level mapping")
	}
}

func TestParseErrors(t *testing.T) {
	for _, src := range []string{"- a\n- b\n", "just text\n", "a: [\n", "a: b\n c: d: e\n"} {
		if _, err := Parse([]byte(src)); !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q) error = %v, want ErrInvalid", src, err)
		}
	}
	for _, src := range []string{"", "# only a comment\n", "~\n"} {
		d, err := Parse([]byte(src))
		if err != nil || d.Root() != nil || d.List("offers") != nil {
			t.Errorf("Parse(%q) = %v, %v; want an empty document", src, d, err)
		}
	}
}

func TestAppendKeepsBytes(t *testing.T) {
	orig := string(fixture(t))
	d := mustParse(t, orig)
	stock := 5
	err := d.Append("offers", offer{Hashtag: "BuyGreenMug", Name: "Green Mug", Price: "11.00", Stock: &stock,
		Countries: []string{"US", "CA"}, Confirm: &confirm{Hashtag: "ConfirmGreenMug", Window: "30m"}})
	if err != nil {
		t.Fatal(err)
	}
	insertion(t, orig, out(t, d))
	want := `
  - hashtag: BuyGreenMug
    name: Green Mug
    price: "11.00"
    stock: 5
    countries: [US, CA]
    confirm:
      hashtag: ConfirmGreenMug
      window: 30m
`
	if got, want := out(t, d), strings.Replace(orig, "      - CA\n", "      - CA\n"+want, 1); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if n := len(d.List("offers")); n != 5 {
		t.Errorf("after Append, %d offers", n)
	}
	// A second append to buyers (no blank lines between its entries) and a
	// string that needs quotes.
	before := out(t, d)
	if err := d.Append("buyers", map[string]string{"handle": "@bob", "card": "visa"}); err != nil {
		t.Fatal(err)
	}
	if got := insertion(t, before, out(t, d)); got != "  - card: visa\n    handle: \"@bob\"\n" {
		t.Errorf("buyer inserted text = %q", got)
	}
}

func TestAppendLayouts(t *testing.T) {
	type kv = map[string]string
	tests := []struct {
		name, src, key string
		v              any
		want           string
	}{
		{"missing file", "", "offers", kv{"hashtag": "A"}, "offers:\n  - hashtag: A\n"},
		{"comment only", "# hi", "offers", kv{"hashtag": "A"}, "# hi\noffers:\n  - hashtag: A\n"},
		{"new key after others", "merchant:\n  country: US\n", "offers", kv{"hashtag": "A"},
			"merchant:\n  country: US\noffers:\n  - hashtag: A\n"},
		{"new key keeps blank separation", "a: 1\n\nb: 2\n", "offers", kv{"hashtag": "A"},
			"a: 1\n\nb: 2\n\noffers:\n  - hashtag: A\n"},
		{"indentless sequence", "offers:\n- hashtag: A\n  name: a\nbuyers: []\n", "offers", kv{"hashtag": "B"},
			"offers:\n- hashtag: A\n  name: a\n- hashtag: B\nbuyers: []\n"},
		{"new key follows indentless style", "buyers:\n- handle: x\n", "offers", kv{"hashtag": "B"},
			"buyers:\n- handle: x\noffers:\n- hashtag: B\n"},
		{"four-space indent", "merchant:\n    country: US\noffers:\n    -   hashtag: A\n", "offers",
			offer{Hashtag: "B", Name: "b", Price: "1", Confirm: &confirm{Hashtag: "C"}},
			"merchant:\n    country: US\noffers:\n    -   hashtag: A\n    -   hashtag: B\n        name: b\n        price: \"1\"\n        confirm:\n            hashtag: C\n"},
		{"null value", "offers:\nbuyers: []\n", "offers", kv{"hashtag": "A"}, "offers:\n  - hashtag: A\nbuyers: []\n"},
		{"tilde with comment", "offers: ~   # none yet\n", "offers", kv{"hashtag": "A"}, "offers:   # none yet\n  - hashtag: A\n"},
		{"empty flow", "offers: []\nx: 1\n", "offers", kv{"hashtag": "A"}, "offers:\n  - hashtag: A\nx: 1\n"},
		{"non-empty flow", "offers: [{hashtag: A}]  # c\n", "offers", kv{"hashtag": "B"},
			"offers: [{hashtag: A}, {hashtag: B}]  # c\n"},
		{"no final newline", "offers:\n  - hashtag: A", "offers", kv{"hashtag": "B"},
			"offers:\n  - hashtag: A\n  - hashtag: B\n"},
		{"scalar entries", "tags:\n  - a   # first\n  - b\n", "tags", "c", "tags:\n  - a   # first\n  - b\n  - c\n"},
		{"multi-line string", "offers:\n  - hashtag: A\n", "offers", kv{"description": "one\ntwo"},
			"offers:\n  - hashtag: A\n  - description: |-\n      one\n      two\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustParse(t, tt.src)
			if err := d.Append(tt.key, tt.v); err != nil {
				t.Fatal(err)
			}
			if got := out(t, d); got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestAppendErrors(t *testing.T) {
	for _, src := range []string{"offers: 3\n", "offers: {a: 1}\n"} {
		d := mustParse(t, src)
		if err := d.Append("offers", "x"); !errors.Is(err, ErrInvalid) {
			t.Errorf("Append into %q: %v, want ErrInvalid", src, err)
		}
		if got := out(t, d); got != src {
			t.Errorf("failed Append changed the text to %q", got)
		}
	}
	d := mustParse(t, "{offers: []}\n")
	if err := d.Append("offers", "x"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Append into a flow top level: %v, want ErrUnsupported", err)
	}
}

func TestUpdateOneField(t *testing.T) {
	tests := []struct {
		name   string
		tag    string
		fields map[string]any
		change string
	}{
		{"quoted price keeps quotes and comment", "BuyBlueMug", map[string]any{"price": "13.00"},
			`    price: "12.50"              # in major units of the currency => ` +
				`    price: "13.00"              # in major units of the currency`},
		{"int with comment", "BuyBlueMug", map[string]any{"stock": 7},
			"    stock: 100                  # optional =>     stock: 7                  # optional"},
		{"first key on the dash line", "BuyBlueMug", map[string]any{"hashtag": "BuyBlueMugs"},
			"  - hashtag: BuyBlueMug         # purchase by tweeting #BuyBlueMug =>   - hashtag: BuyBlueMugs         # purchase by tweeting #BuyBlueMug"},
		{"single quotes kept", "tweetacoffee", map[string]any{"name": "Coffee it's"},
			"    name: 'Coffee eGift' =>     name: 'Coffee it''s'"},
		{"plain string needing quotes", "BuyTeaPot", map[string]any{"name": "@pot"},
			`    name: Tea Pot =>     name: "@pot"`},
		{"flow list", "BuyBlueMug", map[string]any{"countries": []string{"US", "CA"}},
			"    countries: [US] =>     countries: [US, CA]"},
		{"nested scalar via flow entry", "BuyRedMug", map[string]any{"price": "9.50"},
			`  - {hashtag: BuyRedMug, name: Red Mug, price: "9.00"} =>   - {hashtag: BuyRedMug, name: Red Mug, price: "9.50"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := string(fixture(t))
			d := mustParse(t, orig)
			if err := d.Update("offers", tag(tt.tag), tt.fields); err != nil {
				t.Fatal(err)
			}
			changed, same := lineDiff(orig, out(t, d))
			if !same || len(changed) != 1 || changed[0] != tt.change {
				t.Errorf("changed lines = %q (same count %v), want [%q]\n%s", changed, same, tt.change, out(t, d))
			}
		})
	}
}

func TestUpdateStructure(t *testing.T) {
	orig := string(fixture(t))
	tests := []struct {
		name   string
		tag    string
		fields map[string]any
		old    string // text replaced in the original
		new    string
	}{
		{"add a field after the last one, before the foot comment", "tweetacoffee", map[string]any{"stock": 3},
			"    # a foot comment of the gift\n", "    stock: 3\n    # a foot comment of the gift\n"},
		{"add a field after a block scalar", "BuyTeaPot", map[string]any{"stock": 3},
			"      - CA\n", "      - CA\n    stock: 3\n"},
		{"remove a field", "BuyBlueMug", map[string]any{"stock": nil},
			"    stock: 100                  # optional\n", ""},
		{"remove the first field", "BuyTeaPot", map[string]any{"hashtag": nil},
			"  - hashtag: BuyTeaPot\n    name: Tea Pot\n", "  - name: Tea Pot\n"},
		{"remove a block mapping field", "BuyBlueMug", map[string]any{"confirm": (*confirm)(nil)},
			"    confirm:                    # optional\n      hashtag: ConfirmBlueMug\n      window: 15m\n", ""},
		{"replace a block mapping keeps its comment", "BuyBlueMug", map[string]any{"confirm": confirm{Hashtag: "OK", Window: "1h"}},
			"    confirm:                    # optional\n      hashtag: ConfirmBlueMug\n      window: 15m\n",
			"    confirm: # optional\n      hashtag: OK\n      window: 1h\n"},
		{"block list stays block", "BuyTeaPot", map[string]any{"countries": []string{"MX"}},
			"    countries:\n      - US\n      - CA\n", "    countries:\n      - MX\n"},
		{"block scalar becomes plain", "BuyTeaPot", map[string]any{"description": "Small"},
			"    description: |\n      A big pot.\n      Holds 1.5 litres.\n", "    description: Small\n"},
		{"flow entry gains and loses fields", "BuyRedMug", map[string]any{"stock": 2, "name": nil},
			`  - {hashtag: BuyRedMug, name: Red Mug, price: "9.00"}`, `  - {hashtag: BuyRedMug, price: "9.00", stock: 2}`},
		{"removing an absent field changes nothing", "BuyRedMug", map[string]any{"nope": nil}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(orig, tt.old) {
				t.Fatalf("fixture lacks %q", tt.old)
			}
			d := mustParse(t, orig)
			if err := d.Update("offers", tag(tt.tag), tt.fields); err != nil {
				t.Fatal(err)
			}
			want := strings.Replace(orig, tt.old, tt.new, 1)
			if got := out(t, d); got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// A field added and then removed leaves the file as it was: the comments
// that end the entry are not taken for the field's own.
func TestUpdateAddRemoveKeepsFootComments(t *testing.T) {
	src := "offers:\n  - hashtag: A\n    price: \"1\"   # usd\n    # countries: [US, CA]   # optional\n    # confirm:\n    #   hashtag: ConfirmA\n  - hashtag: B\n    price: \"2\"\n"
	d := mustParse(t, src)
	if err := d.Update("offers", tag("A"), map[string]any{"confirm": confirm{Hashtag: "ConfirmA"}}); err != nil {
		t.Fatal(err)
	}
	if err := d.Update("offers", tag("A"), map[string]any{"confirm": nil}); err != nil {
		t.Fatal(err)
	}
	if got := out(t, d); got != src {
		t.Errorf("after adding and removing confirm:\n%s\nwant:\n%s", got, src)
	}
}

func TestUpdateFirstFieldWithComments(t *testing.T) {
	src := "offers:\n  - hashtag: A\n    # about the name\n    name: a\n"
	d := mustParse(t, src)
	if err := d.Update("offers", tag("A"), map[string]any{"hashtag": nil}); err != nil {
		t.Fatal(err)
	}
	want := "offers:\n  -\n    # about the name\n    name: a\n"
	if got := out(t, d); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	d = mustParse(t, "offers:\n  - hashtag: A\n")
	if err := d.Update("offers", tag("A"), map[string]any{"hashtag": nil}); err != nil {
		t.Fatal(err)
	}
	if got := out(t, d); got != "offers:\n  - {}\n" {
		t.Errorf("removing the only field gave %q", got)
	}
}

func TestUpdateErrors(t *testing.T) {
	d := mustParse(t, string(fixture(t)))
	if err := d.Update("offers", tag("Nope"), map[string]any{"a": 1}); !errors.Is(err, ErrNotFound) {
		t.Errorf("Update of a missing entry: %v, want ErrNotFound", err)
	}
	d = mustParse(t, "tags: [a, b]\n")
	if err := d.Update("tags", func(*yaml.Node) bool { return true }, map[string]any{"a": 1}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Update of a scalar entry: %v, want ErrInvalid", err)
	}
}

func TestRemove(t *testing.T) {
	orig := string(fixture(t))
	tests := []struct {
		name, key, tag, old string
	}{
		{"first entry with its head comment", "offers", "BuyBlueMug",
			"  # The launch product.\n  - hashtag: BuyBlueMug         # purchase by tweeting #BuyBlueMug\n    name: Blue Mug\n    price: \"12.50\"              # in major units of the currency\n    currency: usd\n    stock: 100                  # optional\n    countries: [US]\n    confirm:                    # optional\n      hashtag: ConfirmBlueMug\n      window: 15m\n\n"},
		{"middle entry with foot comment", "offers", "tweetacoffee",
			"  - gift_handle: tweetacoffee   # a gift\n    name: 'Coffee eGift'\n    price: \"5.00\"\n    # a foot comment of the gift\n\n"},
		{"flow entry", "offers", "BuyRedMug", "  - {hashtag: BuyRedMug, name: Red Mug, price: \"9.00\"}\n\n"},
		{"last entry", "offers", "BuyTeaPot",
			"\n  - hashtag: BuyTeaPot\n    name: Tea Pot\n    description: |\n      A big pot.\n      Holds 1.5 litres.\n    price: '30'\n    countries:\n      - US\n      - CA\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(orig, tt.old) {
				t.Fatalf("fixture lacks %q", tt.old)
			}
			d := mustParse(t, orig)
			ok, err := d.Remove(tt.key, tag(tt.tag))
			if err != nil || !ok {
				t.Fatalf("Remove = %v, %v", ok, err)
			}
			want := strings.Replace(orig, tt.old, "", 1)
			if got := out(t, d); got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestRemoveLayouts(t *testing.T) {
	tests := []struct{ name, src, tag, want string }{
		{"only entry leaves an empty list", "offers:   # c\n  - hashtag: A\nbuyers: []\n", "A", "offers: []   # c\nbuyers: []\n"},
		{"flow sequence", "offers: [{hashtag: A}, {hashtag: B}]\n", "A", "offers: [{hashtag: B}]\n"},
		{"no blank lines", "offers:\n  - hashtag: A\n  - hashtag: B\n  - hashtag: C\n", "B", "offers:\n  - hashtag: A\n  - hashtag: C\n"},
		{"first entry then blank", "offers:\n  - hashtag: A\n\n  - hashtag: B\n", "A", "offers:\n  - hashtag: B\n"},
		{"indentless", "offers:\n- hashtag: A\n  name: a\n- hashtag: B\nx: 1\n", "A", "offers:\n- hashtag: B\nx: 1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustParse(t, tt.src)
			ok, err := d.Remove("offers", tag(tt.tag))
			if err != nil || !ok {
				t.Fatalf("Remove = %v, %v", ok, err)
			}
			if got := out(t, d); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	d := mustParse(t, "offers:\n  - hashtag: A\n")
	if ok, err := d.Remove("offers", tag("Z")); ok || err != nil {
		t.Errorf("Remove of a missing entry = %v, %v; want false, nil", ok, err)
	}
	if ok, err := d.Remove("nothing", tag("Z")); ok || err != nil {
		t.Errorf("Remove from a missing key = %v, %v; want false, nil", ok, err)
	}
	d = mustParse(t, "offers: 1\n")
	if _, err := d.Remove("offers", tag("Z")); !errors.Is(err, ErrInvalid) {
		t.Errorf("Remove from a scalar: %v, want ErrInvalid", err)
	}
}

func TestReplace(t *testing.T) {
	orig := string(fixture(t))
	d := mustParse(t, orig)
	err := d.Replace("offers", tag("tweetacoffee"), map[string]string{"gift_handle": "tweetatea", "name": "Tea"})
	if err != nil {
		t.Fatal(err)
	}
	old := "  - gift_handle: tweetacoffee   # a gift\n    name: 'Coffee eGift'\n    price: \"5.00\"\n    # a foot comment of the gift\n"
	want := strings.Replace(orig, old, "  - gift_handle: tweetatea\n    name: Tea\n", 1)
	if got := out(t, d); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if err := d.Replace("offers", tag("BuyRedMug"), map[string]string{"hashtag": "BuyRedMugs"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out(t, d), "\n  - hashtag: BuyRedMugs\n\n  - hashtag: BuyTeaPot") {
		t.Errorf("flow entry not replaced:\n%s", out(t, d))
	}
	if err := d.Replace("offers", tag("Nope"), "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Replace of a missing entry: %v", err)
	}
	d = mustParse(t, "offers: [{hashtag: A}, {hashtag: B}]\n")
	if err := d.Replace("offers", tag("B"), map[string]string{"hashtag": "C"}); err != nil {
		t.Fatal(err)
	}
	if got := out(t, d); got != "offers: [{hashtag: A}, {hashtag: C}]\n" {
		t.Errorf("flow Replace gave %q", got)
	}
}

// TestEditsRoundTrip checks that a sequence of edits leaves a file that
// decodes to what the edits say.
func TestEditsRoundTrip(t *testing.T) {
	d := mustParse(t, string(fixture(t)))
	steps := []error{
		d.Append("offers", offer{Hashtag: "BuyX", Name: "X", Price: "1.00"}),
		d.Update("offers", tag("BuyX"), map[string]any{"countries": []string{"US"}, "name": "Y"}),
		d.Update("offers", tag("BuyBlueMug"), map[string]any{"price": "1.50", "stock": nil}),
	}
	for i, err := range steps {
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	if _, err := d.Remove("offers", tag("BuyTeaPot")); err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Offers []offer `yaml:"offers"`
	}
	if err := d.Decode(&cfg); err != nil {
		t.Fatal(err)
	}
	got := cfg.Offers
	if len(got) != 4 || got[3].Name != "Y" || got[3].Countries[0] != "US" || got[0].Price != "1.50" || got[0].Stock != nil {
		t.Errorf("decoded offers = %+v", got)
	}
}

func TestLoadSave(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tweetpay.yaml")
	d, err := Load(path)
	if err != nil {
		t.Fatalf("Load of a missing file: %v", err)
	}
	if err := d.Append("offers", map[string]string{"hashtag": "A"}); err != nil {
		t.Fatal(err)
	}
	if err := d.Save(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != "offers:\n  - hashtag: A\n" {
		t.Fatalf("saved %q, %v", b, err)
	}
	fi, _ := os.Stat(path)
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("new file mode = %v, want 0600", fi.Mode().Perm())
	}
	// A stricter existing mode is kept; a looser one is tightened.
	for _, mode := range []os.FileMode{0o600, 0o644} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		if err := d.Save(path); err != nil {
			t.Fatal(err)
		}
		fi, _ := os.Stat(path)
		if want := mode & 0o600; runtime.GOOS != "windows" && fi.Mode().Perm() != want {
			t.Errorf("after Save over mode %v: %v, want %v", mode, fi.Mode().Perm(), want)
		}
	}
	// Through a symbolic link: the link survives and its target changes.
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(path, link); err == nil {
		if err := os.Chmod(path, 0o600); err != nil {
			t.Fatal(err)
		}
		d2 := mustParse(t, "x: 1\n")
		if err := d2.Save(link); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("link replaced by a file")
		}
		if b, _ := os.ReadFile(path); string(b) != "x: 1\n" {
			t.Errorf("target = %q", b)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
	// Loading it back, and errors.
	d3, err := Load(path)
	if err != nil || len(d3.Root().Content) != 2 {
		t.Errorf("Load = %v, %v", d3, err)
	}
	missing := filepath.Join(dir, "missing")
	err = d.Save(filepath.Join(missing, "x.yaml"))
	if want := "save " + filepath.Join(missing, "x.yaml") + ": directory " + missing + " does not exist"; !errors.Is(err, ErrNoDir) || err.Error() != want {
		t.Errorf("Save into a missing directory: %v, want %q matching ErrNoDir", err, want)
	}
	err = d.Save(filepath.Join(path, "x.yaml"))
	if !errors.Is(err, ErrNoDir) || !strings.HasSuffix(err.Error(), ": "+path+" is not a directory") {
		t.Errorf("Save under a file: %v", err)
	}
	if runtime.GOOS != "windows" && os.Getuid() != 0 {
		ro := filepath.Join(dir, "ro")
		if err := os.Mkdir(ro, 0o500); err != nil {
			t.Fatal(err)
		}
		err := d.Save(filepath.Join(ro, "x.yaml"))
		if !errors.Is(err, fs.ErrPermission) || strings.Contains(err.Error(), ".tmp") {
			t.Errorf("Save into a read-only directory: %v, want a permission error without the temporary file", err)
		}
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("- a\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bad); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), bad) {
		t.Errorf("Load of a list: %v", err)
	}
	if _, err := Load(dir); err == nil {
		t.Error("Load of a directory succeeded")
	}
}

// An edit that would take away an anchor another entry's alias uses is
// refused as unsupported, saying which alias to replace; the document is
// unchanged.
func TestEditKeepsUsedAnchors(t *testing.T) {
	src := "offers:\n  - hashtag: A\n    countries: &cs [US, CA]\n  - hashtag: B\n    countries: *cs\n"
	edits := map[string]func(d *Doc) error{
		"remove":       func(d *Doc) error { _, err := d.Remove("offers", tag("A")); return err },
		"remove field": func(d *Doc) error { return d.Update("offers", tag("A"), map[string]any{"countries": nil}) },
		"set field":    func(d *Doc) error { return d.Update("offers", tag("A"), map[string]any{"countries": []string{"MX"}}) },
	}
	for name, edit := range edits {
		t.Run(name, func(t *testing.T) {
			d := mustParse(t, src)
			err := edit(d)
			if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "anchor &cs (line 3) that *cs at line 5 refers to") {
				t.Errorf("err = %v, want ErrUnsupported naming &cs and *cs", err)
			}
			if got := out(t, d); got != src {
				t.Errorf("document changed:\n%s", got)
			}
		})
	}
	// Without the alias's entry, the anchor goes with its own.
	d := mustParse(t, src)
	if _, err := d.Remove("offers", tag("B")); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Remove("offers", tag("A")); err != nil {
		t.Fatal(err)
	}
	if got := out(t, d); got != "offers: []\n" {
		t.Errorf("got %q", got)
	}
}

// TestSaveRefuses: Save never replaces what the user could not write in
// place, a read-only file or something other than a regular file, and
// leaves it as it was.
func TestSaveRefuses(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes and named pipes")
	}
	dir := t.TempDir()
	d := mustParse(t, "offers:\n  - hashtag: A\n")

	ro := filepath.Join(dir, "ro.yaml")
	if err := os.WriteFile(ro, []byte("x: 1\n"), 0o444); err != nil {
		t.Fatal(err)
	}
	err := d.Save(ro)
	if want := "save " + ro + ": the file is read-only (mode 0444): make it writable (chmod u+w " + ro + ") to edit it"; !errors.Is(err, ErrReadOnly) || err.Error() != want {
		t.Errorf("Save over a read-only file: %v, want %q matching ErrReadOnly", err, want)
	}
	if b, _ := os.ReadFile(ro); string(b) != "x: 1\n" {
		t.Errorf("read-only file changed to %q", b)
	}
	if err := CheckSave(ro); !errors.Is(err, ErrReadOnly) {
		t.Errorf("CheckSave of a read-only file: %v", err)
	}

	fifo := filepath.Join(dir, "fifo.yaml")
	if err := mkfifo(fifo); err != nil {
		t.Skip("no named pipes:", err)
	}
	err = d.Save(fifo)
	if want := "save " + fifo + ": a pipe, not a regular file; only a regular file can be edited"; !errors.Is(err, ErrNotFile) || err.Error() != want {
		t.Errorf("Save over a named pipe: %v, want %q matching ErrNotFile", err, want)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the named pipe was replaced: %v, %v", fi, err)
	}
	// Through a symbolic link too.
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(fifo, link); err == nil {
		if err := d.Save(link); !errors.Is(err, ErrNotFile) {
			t.Errorf("Save through a link to a named pipe: %v", err)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

// TestUpdateIn: the fields of a nested block mapping change one by one, so
// that its other fields keep their text and line comments.
func TestUpdateIn(t *testing.T) {
	const src = `offers:
  - hashtag: BuyMug
    confirm:               # optional
      hashtag: ConfirmMug  # the tag
      window: 15m          # the window
    name: Mug
  - confirm:
      hashtag: ConfirmPot  # first on its own line
      window: 1h
    hashtag: BuyPot
  - hashtag: BuyCup
    confirm: {hashtag: ConfirmCup}
`
	tests := []struct {
		name   string
		tag    string
		fields map[string]any
		old    string // text replaced in src
		new    string
	}{
		{"set one field", "BuyMug", map[string]any{"window": "2h"},
			"      window: 15m          # the window\n", "      window: 2h          # the window\n"},
		{"set both", "BuyMug", map[string]any{"window": "2h", "hashtag": "OK"},
			"      hashtag: ConfirmMug  # the tag\n      window: 15m          # the window\n",
			"      hashtag: OK  # the tag\n      window: 2h          # the window\n"},
		{"remove one", "BuyMug", map[string]any{"window": nil},
			"      window: 15m          # the window\n", ""},
		{"add one", "BuyPot", map[string]any{"reason": "x"},
			"      window: 1h\n", "      window: 1h\n      reason: x\n"},
		{"remove the first field of a mapping under the entry's first key", "BuyPot", map[string]any{"hashtag": nil},
			"      hashtag: ConfirmPot  # first on its own line\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustParse(t, src)
			if err := d.UpdateIn("offers", tag(tt.tag), "confirm", tt.fields); err != nil {
				t.Fatal(err)
			}
			if want := strings.Replace(src, tt.old, tt.new, 1); out(t, d) != want {
				t.Errorf("got\n%s\nwant\n%s", out(t, d), want)
			}
		})
	}
	for _, tt := range []struct{ name, tag, parent string }{
		{"flow mapping", "BuyCup", "confirm"},
		{"no such field", "BuyMug", "limits"},
		{"a scalar", "BuyMug", "name"},
	} {
		d := mustParse(t, src)
		if err := d.UpdateIn("offers", tag(tt.tag), tt.parent, map[string]any{"window": "2h"}); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: %v, want ErrUnsupported", tt.name, err)
		}
		if out(t, d) != src {
			t.Errorf("%s: the document changed:\n%s", tt.name, out(t, d))
		}
	}
	if err := mustParse(t, src).UpdateIn("offers", tag("BuyNone"), "confirm", map[string]any{"window": "2h"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("no such entry: %v, want ErrNotFound", err)
	}
}
