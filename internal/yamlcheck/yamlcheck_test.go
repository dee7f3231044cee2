package yamlcheck

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// Documents, one parse, returns what Parse and SecondDocument return,
// each a parse of its own, errors and lines alike.
func TestDocumentsAgreesWithParseAndSecondDocument(t *testing.T) {
	inputs := []string{
		"",
		"   \n",
		"# only a comment\n",
		"a: 1\n",
		"a: 1\n---\n",
		"a: 1\n---\nb: 2\n",
		"a: 1\n---\n---\nb: 2\n",
		"a: 1\n--- null\n",
		"a: [\n",
		"a: 1\n---\nb: [\n",
		"a: 1\n\tb: 2\n",
		"a: 1\n---\nb: 2\n---\nc: [\n",
		"---\n---\na: 1\n",
		"\ufeffa: 1\n",
		"a: *x\n",
		"a: 1\n---\nb: *x\n",
	}
	show := func(n *yaml.Node, err error) string {
		if n == nil {
			return fmt.Sprintf("nil, %v", err)
		}
		return fmt.Sprintf("%d:%d %d children, %v", n.Line, n.Kind, len(n.Content), err)
	}
	for _, in := range inputs {
		first, next, err := Documents([]byte(in))
		wantFirst, perr := Parse([]byte(in))
		if perr != nil {
			if first != nil || !reflect.DeepEqual(err, perr) {
				t.Errorf("%q: Documents = %s, want %s", in, show(first, err), show(nil, perr))
			}
			continue
		}
		wantNext, serr := SecondDocument([]byte(in))
		if !reflect.DeepEqual(first, wantFirst) {
			t.Errorf("%q: first = %s, want %s", in, show(first, nil), show(wantFirst, nil))
		}
		if !reflect.DeepEqual(next, wantNext) || !reflect.DeepEqual(err, serr) {
			t.Errorf("%q: next = %s, want %s", in, show(next, err), show(wantNext, serr))
		}
	}
}

// TestCheckAll: CheckAll finds every problem, in the order Check meets
// them (a mapping's key problems, then its values'), and Check returns the
// first of them.
func TestCheckAll(t *testing.T) {
	schema := Map(map[string]*Field{
		"merchant": Map(map[string]*Field{"handle": String, "country": String}),
		"offers":   Seq(Offer),
		"buyers":   Seq(Buyer),
	})
	doc := `merchant:
  handel: "@x"
  country: [US]
offers:
  - hashtag: A
    stock: lots
    prise: 3
  - hashtag: B
    hashtag: C
    archived: maybe
bogus: 1
buyers: visa
`
	n, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	root := n.Content[0]
	var got []string
	for _, err := range CheckAll(root, schema, "") {
		line, msg, ok := At(err)
		if !ok {
			t.Fatalf("not an Error: %v", err)
		}
		got = append(got, fmt.Sprintf("%d: %s", line, msg))
	}
	want := []string{
		`11: unknown key "bogus" (known keys: buyers, merchant, offers)`,
		`2: unknown key "merchant.handel" (did you mean "handle"?)`,
		`3: merchant.country: expected a single value, got a list`,
		`7: unknown key "offers[0].prise" (did you mean "price"?)`,
		`6: offers[0].stock: expected a whole number, got "lots"`,
		`9: offers[1].hashtag: duplicate key`,
		`10: offers[1].archived: expected true or false, got "maybe"`,
		`12: buyers: expected a list, got "visa"`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CheckAll:\n%q\nwant\n%q", got, want)
	}
	if err := Check(root, schema, ""); err == nil || err.Error() != CheckAll(root, schema, "")[0].Error() {
		t.Errorf("Check = %v, want CheckAll's first", err)
	}
	if errs := CheckAll(root.Content[1], schema.Fields["merchant"], "merchant"); len(errs) != 2 {
		t.Errorf("CheckAll of merchant: %v", errs)
	}
}

// TestUnknownAnchorLine: an alias of an anchor that nothing before it
// defines is an error at the alias's line, which yaml.v3 does not give.
func TestUnknownAnchorLine(t *testing.T) {
	for _, tc := range []struct {
		in   string
		line int
	}{
		{"a: 1\nb: *x\n", 2},
		{"*x\n", 1},
		{"a: *x\nb: &x 1\nc: *x\n", 1},
		{"# not *x\na: '*x'\nb: \"*x\"\nc: |\n  *x\nd: [1, *x]\n", 6},
		{"a:\n  - 1\n  - *x\n  - *y\n", 3},
		{"a:\n  - *y\n  - *z\n  - *x\n", 2},
		{"{*x : 1}\n", 1},
		{"\ufeffa: 1\nb: *x\n", 2},
		{"%YAML 1.1\n---\na: 1\nb: *x\n", 4},
		{"a: &y 1\n---\nb: *y\nc: *x\n", 4},
		{"---\na: *x\n", 2},
		{"# c\n\n%YAML 1.1\n%TAG !t! tag:example.com,2000:\n---\na: !t!x 1\nb: *x\n", 7},
	} {
		_, _, err := Documents([]byte(tc.in))
		line, msg, ok := At(err)
		if !ok || line != tc.line || !strings.HasPrefix(msg, "unknown anchor '") {
			t.Errorf("%q: err = %v at line %d, want an unknown anchor at line %d", tc.in, err, line, tc.line)
		}
	}
	_, err := Parse([]byte("a: [1, 2]\nb: *base\n"))
	if want := "unknown anchor 'base' referenced: *base must come after the value it names, marked &base"; err == nil || err.Error() != want {
		t.Errorf("Parse: %v, want %q", err, want)
	}
}

// Parse is the reference Documents is checked against: it unmarshals data
// into a node tree; a syntax error becomes an Error
// at its line, without yaml.v3's "yaml: line N:" prefix. Only the first
// document of data is read: see SecondDocument.
func Parse(data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, syntaxError(data, err)
	}
	return &doc, nil
}

// SecondDocument, the other reference, returns the first document after the first one in data
// that holds something, or nil. Parse reads the first document only, so
// that whatever follows a "---" would otherwise be left out without a word.
// An empty document (after a trailing "---", say) holds nothing and is
// skipped. A syntax error in a later document is returned as Parse returns
// one.
func SecondDocument(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var first yaml.Node
	if err := dec.Decode(&first); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, syntaxError(data, err)
	}
	for {
		var next yaml.Node
		err := dec.Decode(&next)
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		if err != nil {
			return nil, syntaxError(data, err)
		}
		if len(next.Content) > 0 && !IsNull(next.Content[0]) {
			return &next, nil
		}
	}
}
