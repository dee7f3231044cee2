package yamldoc

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestCRLF(t *testing.T) {
	lf := string(fixture(t))
	orig := strings.ReplaceAll(lf, "\n", "\r\n")
	d := mustParse(t, orig)
	if err := d.Update("offers", tag("BuyBlueMug"), map[string]any{"price": "13.00"}); err != nil {
		t.Fatal(err)
	}
	changed, same := lineDiff(orig, out(t, d))
	if !same || len(changed) != 1 || !strings.HasSuffix(changed[0], `price: "13.00"              # in major units of the currency`+"\r") {
		t.Errorf("CRLF Update changed %q", changed)
	}
	if err := d.Append("buyers", map[string]string{"handle": "@bob"}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Remove("offers", tag("tweetacoffee")); err != nil {
		t.Fatal(err)
	}
	if err := d.Update("offers", tag("BuyTeaPot"), map[string]any{"countries": []string{"MX"}, "stock": 1}); err != nil {
		t.Fatal(err)
	}
	got := out(t, d)
	if n := strings.Count(got, "\n"); n != strings.Count(got, "\r\n") {
		t.Errorf("line ends mixed after edits: %d LF, %d CRLF\n%q", n, strings.Count(got, "\r\n"), got)
	}
}

// FuzzEdits runs the edits on arbitrary documents: they must never panic,
// and an edit that succeeds must leave YAML whose offers say what the edit did.
func FuzzEdits(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "tweetpay.yaml")); err == nil {
		f.Add(string(b), "BuyBlueMug")
	}
	for _, s := range []string{
		"offers:\n- hashtag: A\n", "offers: [{hashtag: A}]\n", "offers:\n  -   hashtag: A  # c\n      name: x\n",
		"offers:\n  - hashtag: 'A'\n    confirm: {hashtag: B}\n\n  - hashtag: \"C\"\n", "offers: ~\n", "",
		"offers:\r\n  - hashtag: A\r\n", "offers:\n  - \n    hashtag: A\n", "a: b\noffers:\n  - hashtag: A\n    x: |\n      t\n",
		"offers:\n  - hashtag: A\n    confirm:   # c\n      hashtag: B  # b\n      window: 1m\n", "offers:\n  - confirm:\n      hashtag: B\n    hashtag: A\n",
	} {
		f.Add(s, "A")
	}
	f.Fuzz(func(t *testing.T, src, key string) {
		d, err := Parse([]byte(src))
		if err != nil {
			return
		}
		m := func(n *yaml.Node) bool { return Scalar(n, "hashtag") == key }
		has := func(field, want string) bool {
			for _, n := range d.List("offers") {
				if m(n) {
					return Scalar(n, field) == want
				}
			}
			return false
		}
		if err := d.Update("offers", m, map[string]any{"price": "9.99"}); err == nil && !has("price", "9.99") {
			t.Fatalf("Update did not set the price:\n%s", d.src)
		}
		if err := d.Update("offers", m, map[string]any{"name": nil, "stock": 3}); err == nil && (!has("stock", "3") || has("name", "x")) {
			t.Fatalf("Update did not set stock / remove name:\n%s", d.src)
		}
		window := func(want string) bool {
			for _, n := range d.List("offers") {
				if m(n) {
					return Scalar(Field(n, "confirm"), "window") == want
				}
			}
			return false
		}
		if err := d.UpdateIn("offers", m, "confirm", map[string]any{"window": "2h"}); err == nil && !window("2h") {
			t.Fatalf("UpdateIn did not set confirm.window:\n%s", d.src)
		}
		before := len(d.List("offers"))
		if err := d.Append("offers", map[string]string{"hashtag": "Zz9"}); err == nil {
			l := d.List("offers")
			if len(l) != before+1 || Scalar(l[len(l)-1], "hashtag") != "Zz9" {
				t.Fatalf("Append: %d entries, last %v:\n%s", len(l), l, d.src)
			}
		}
		before = len(d.List("offers"))
		if ok, err := d.Remove("offers", m); err == nil && ok && len(d.List("offers")) != before-1 {
			t.Fatalf("Remove: %d entries, want %d:\n%s", len(d.List("offers")), before-1, d.src)
		}
	})
}

// TestEditRolledBack: a layout the splicing cannot handle (an explicit "?"
// key) makes the edit fail with ErrUnsupported and leaves the text alone.
func TestEditRolledBack(t *testing.T) {
	for _, src := range []string{"?\n", "? [a]\n: 1\n"} {
		d := mustParse(t, src)
		err := d.Append("offers", map[string]string{"hashtag": "A"})
		if !errors.Is(err, ErrUnsupported) {
			t.Errorf("Append to %q: %v, want ErrUnsupported", src, err)
		}
		if got := out(t, d); got != src {
			t.Errorf("failed edit left %q, want %q", got, src)
		}
	}
}
