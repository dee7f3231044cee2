package output

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tweetpay/tweetpay/pkg/iostreams"
)

func TestEscape(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{"plain", "Blue Mug", "Blue Mug"},
		{"empty", "", ""},
		{"tab", "a\tb", `a\tb`},
		{"newline and carriage return", "line1\r\nline2\n", `line1\r\nline2\n`},
		{"CSI sequence", "\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"OSC title ended by BEL", "\x1b]0;pwned\a", `\x1b]0;pwned\a`},
		{"other C0", "\x00\x01\b\f\v\x1f", `\x00\x01\b\f\v\x1f`},
		{"DEL", "a\x7fb", `a\x7fb`},
		{"C1 CSI and NEL", "a\u009b31mb\u0085", `a\u009b31mb\u0085`},
		{"bytes that are not UTF-8", "a\xffb\xe3\x81", `a\xffb\xe3\x81`},
		{"a lone C1 byte", "\x9b31m", `\x9b31m`},
		{"backslashes are not doubled", `¯\_(ツ)_/¯ C:\tmp`, `¯\_(ツ)_/¯ C:\tmp`},
		{"CJK", "青いマグ", "青いマグ"},
		{"Arabic and Hebrew", "مرحبا שלום", "مرحبا שלום"},
		{"direction marks and isolates", "\u200fabc\u2067xyz\u2069", "\u200fabc\u2067xyz\u2069"},
		{"emoji, skin tone, ZWJ sequence, flag", "☕👍🏽👨‍👩‍👧🇯🇵", "☕👍🏽👨‍👩‍👧🇯🇵"},
		{"combining mark", "e\u0301", "e\u0301"},
		{"line separator is not a control character", "a\u2028b", "a\u2028b"},
		{"mixed", "青\tい\x1b", `青\tい\x1b`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Escape(tt.in); got != tt.want {
				t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestEscapeText(t *testing.T) {
	in := "offer a: bad name \"x\ty\"\noffer b: bad price \x1b[2J\r"
	want := `offer a: bad name "x\ty"` + "\n" + `offer b: bad price \x1b[2J\r`
	if got := EscapeText(in); got != want {
		t.Errorf("EscapeText(%q) = %q, want %q", in, got, want)
	}
	if got := EscapeText("plain\ntext\n"); got != "plain\ntext\n" {
		t.Errorf("newlines not kept: %q", got)
	}
}

type name string

func (n name) String() string { return string(n) }

type nilStringer struct{ s string }

func (n *nilStringer) String() string { return n.s }

func TestFprintf(t *testing.T) {
	var nilPtr *nilStringer
	for _, tt := range []struct {
		name   string
		format string
		args   []any
		want   string
	}{
		{"string with %s", "✓ Added offer %s (%s)\n", []any{"#BuyX", "Blue\tMug\x1b[31m"}, "✓ Added offer #BuyX (Blue\\tMug\\x1b[31m)\n"},
		{"%q quotes as Go does", "not a handle: %q\n", []any{"a\x1bb"}, "not a handle: \"a\\x1bb\"\n"},
		{"width counts the escaped form", "%-8s|\n", []any{"a\tb"}, "a\\tb    |\n"},
		{"%v", "%v", []any{"x\ny"}, `x\ny`},
		{"error", "warning: %s", []any{errors.New("bad\x1b[0m")}, `warning: bad\x1b[0m`},
		{"Stringer", "%s", []any{name("n\r")}, `n\r`},
		{"other values as fmt prints them", "%d %s %v", []any{42, time.Second, true}, "42 1s true"},
		{"unicode untouched", "%s", []any{"青いマグ ☕ مرحبا"}, "青いマグ ☕ مرحبا"},
		{"a nil pointer Stringer is printed as fmt does", "%s", []any{nilPtr}, "<nil>"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if _, err := Fprintf(&b, tt.format, tt.args...); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got %q, want %q", b.String(), tt.want)
			}
		})
	}
}

// A table on a terminal escapes control characters in its cells, leaves
// other text alone, and sizes its columns by what is shown: CJK and emoji
// are two columns wide, an escape such as \t is as wide as it is written.
func TestPrintTableEscapes(t *testing.T) {
	io, _, out, _ := iostreams.Test()
	io.SetTTY(true)
	items := []row{
		{"ch_1", "Blue Mug"},
		{"ch_2", "青いマグ"},
		{"ch_3", "مرحبا بالعالم"},
		{"ch_4", "☕ Mug"},
		{"ch_5", "a\tb\x1b[31mred\nx"},
	}
	if err := Print(io, Table, items, cols); err != nil {
		t.Fatal(err)
	}
	want := `┌──────┬────────────────────┐
│  ID  │        NAME        │
├──────┼────────────────────┤
│ ch_1 │ Blue Mug           │
│ ch_2 │ 青いマグ           │
│ ch_3 │ مرحبا بالعالم      │
│ ch_4 │ ☕ Mug             │
│ ch_5 │ a\tb\x1b[31mred\nx │
└──────┴────────────────────┘
`
	got := strings.ReplaceAll(out.String(), "\r\n", "\n")
	if got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
	if strings.ContainsRune(got, '\x1b') {
		t.Errorf("an escape character reached the terminal: %q", got)
	}
}

// Off a terminal every row has one field per column, whatever the values
// hold, so that cut -f works.
func TestPrintTSVKeepsColumns(t *testing.T) {
	io, _, out, _ := iostreams.Test()
	items := []row{{"a\tb", "x\ny\x1b[2J"}, {"ch_2", "青いマグ ☕"}}
	if err := Print(io, Table, items, cols); err != nil {
		t.Fatal(err)
	}
	want := "a\\tb\tx\\ny\\x1b[2J\nch_2\t青いマグ ☕\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
	for _, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		if n := len(strings.Split(line, "\t")); n != len(cols) {
			t.Errorf("row %q has %d fields, want %d", line, n, len(cols))
		}
	}
}

// JSON and CSV are exact: their own quoting keeps every character.
func TestPrintJSONAndCSVExact(t *testing.T) {
	items := []row{{"ch_1", "a\tb\x1b[31m\n青"}}
	io, _, out, _ := iostreams.Test()
	if err := Print(io, JSON, items, cols); err != nil {
		t.Fatal(err)
	}
	if want := "[\n  {\n    \"ID\": \"ch_1\",\n    \"Name\": \"a\\tb\\u001b[31m\\n青\"\n  }\n]\n"; out.String() != want {
		t.Errorf("json %q, want %q", out.String(), want)
	}
	out.Reset()
	if err := Print(io, CSV, items, cols); err != nil {
		t.Fatal(err)
	}
	if want := "ID,NAME\nch_1,\"a\tb\x1b[31m\n青\"\n"; out.String() != want {
		t.Errorf("csv %q, want %q", out.String(), want)
	}
}

// A caller that passes a slice as a... gets it back as it was: the values
// are escaped for the call only.
func TestFprintfLeavesCallersSlice(t *testing.T) {
	args := []any{"a\tb", errors.New("e\x1b"), name("n\r"), 7}
	want := append([]any(nil), args...)
	var b bytes.Buffer
	if _, err := Fprintf(&b, "%s %v %s %d", args...); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != `a\tb e\x1b n\r 7` {
		t.Errorf("got %q", got)
	}
	for i := range args {
		if args[i] != want[i] {
			t.Errorf("args[%d] is %#v (%T) after the call, want %#v (%T)", i, args[i], args[i], want[i], want[i])
		}
	}
	// The same slice again gives the same text.
	b.Reset()
	Fprintf(&b, "%s %v %s %d", args...)
	if got := b.String(); got != `a\tb e\x1b n\r 7` {
		t.Errorf("second call: got %q", got)
	}
}

type cents int64

func (c cents) String() string { return "$" + strconv.FormatInt(int64(c)/100, 10) }

// Only %s and %v are escaped: with any other verb, or %#v, a string, error
// or Stringer argument is formatted as fmt.Fprintf formats it.
func TestFprintfOtherVerbsAsFmt(t *testing.T) {
	for _, tt := range []struct {
		format string
		arg    any
	}{
		{"%d", time.Second},
		{"%5d|", cents(1250)},
		{"%x", cents(255)},
		{"%#v", "a\tb"},
		{"%#v", cents(7)},
		{"%x", "a\tb"},
		{"%q", name("n\r")},
	} {
		var got, want bytes.Buffer
		Fprintf(&got, tt.format, tt.arg)
		fmt.Fprintf(&want, tt.format, tt.arg)
		if got.String() != want.String() {
			t.Errorf("Fprintf(%q, %#v) = %q, want %q as fmt.Fprintf gives", tt.format, tt.arg, got.String(), want.String())
		}
	}
}
