package output

import (
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// Escape returns s as a table cell, a tab-separated field or a value quoted
// in a message shows it: each control character is written as the escape
// Go would quote it with (\t, \n, \r, \a, \x1b, \x7f, \u0085) and each byte
// that is not part of valid UTF-8 as \xNN. A value from a user or from the
// payment provider (a tweet, a name, a description) then stays on its line
// and in its column, and cannot send the terminal an escape sequence.
//
// Everything else is left as it is: letters of any script, emoji, marks,
// joiners and direction marks, and backslashes, which are not doubled, so
// that text reads as it was written. The escaped form is for people and
// for cutting columns; -o json and -o csv give every value exactly.
func Escape(s string) string {
	return escape(s, false)
}

// EscapeText is Escape for text of several lines, such as an error message
// that lists several problems: its newlines are kept, every other control
// character is escaped.
func EscapeText(s string) string {
	return escape(s, true)
}

func escape(s string, keepNewline bool) string {
	i := firstUnsafe(s, keepNewline)
	if i < 0 {
		return s
	}
	b := make([]byte, 0, len(s)+8)
	b = append(b, s[:i]...)
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if unsafeASCII(c, keepNewline) {
				b = appendEscapedRune(b, rune(c))
			} else {
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\x`...)
			b = append(b, hex[c>>4], hex[c&0xf])
		case isC1(r):
			b = appendEscapedRune(b, r)
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return string(b)
}

const hex = "0123456789abcdef"

// firstUnsafe returns the offset of the first byte of s that escape
// changes, or -1. It is the whole cost of a value that needs nothing.
func firstUnsafe(s string, keepNewline bool) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if unsafeASCII(c, keepNewline) {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || isC1(r) {
			return i
		}
		i += size
	}
	return -1
}

// unsafeASCII reports whether c is a C0 control character or DEL.
func unsafeASCII(c byte, keepNewline bool) bool {
	return (c < 0x20 || c == 0x7f) && !(keepNewline && c == '\n')
}

// isC1 reports whether r is a C1 control character: some terminals read
// U+009B as the start of a control sequence, as they do ESC [.
func isC1(r rune) bool { return r >= 0x80 && r <= 0x9f }

func appendEscapedRune(b []byte, r rune) []byte {
	q := strconv.QuoteRune(r) // '\x1b', '\t', '\u0085'
	return append(b, q[1:len(q)-1]...)
}

// Fprintf is fmt.Fprintf for messages to people that quote values from
// users or from the provider: each string, error and fmt.Stringer argument
// formatted with %s or %v is escaped as by Escape, so that it keeps to its
// line and cannot reach the terminal as a control sequence. With %q Go's
// own quoting applies, which escapes them too; with any other verb, and
// with %#v, an argument is formatted as fmt.Fprintf formats it. The format
// itself is written as it is.
func Fprintf(w io.Writer, format string, a ...any) (int, error) {
	// The arguments are replaced in place, and a forwarded as it came, so
	// that go vet takes Fprintf for a printf wrapper and checks the formats
	// of its callers. A slice passed as a... is the caller's own: its values
	// are put back once the text is written.
	var replaced []any
	for i, v := range a {
		switch v.(type) {
		case string, error, fmt.Stringer:
		default:
			continue
		}
		if replaced == nil {
			replaced = make([]any, len(a))
			copy(replaced, a)
			defer copy(a, replaced)
		}
		a[i] = escapedArg{v}
	}
	return fmt.Fprintf(w, format, a...)
}

// escapedArg is an argument of Fprintf: a string, an error or a
// fmt.Stringer.
type escapedArg struct{ v any }

// Format implements fmt.Formatter.
func (e escapedArg) Format(f fmt.State, verb rune) {
	if (verb == 's' || verb == 'v') && !f.Flag('#') {
		if s, ok := textOf(e.v); ok {
			fmt.Fprintf(f, fmt.FormatString(f, verb), Escape(s))
			return
		}
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), e.v)
}

// textOf is the text of v, a string, an error or a fmt.Stringer, and false
// when its method panics (a nil pointer), for fmt to report as it does.
func textOf(v any) (s string, ok bool) {
	defer func() {
		if recover() != nil {
			s, ok = "", false
		}
	}()
	switch v := v.(type) {
	case string:
		return v, true
	case error:
		return v.Error(), true
	case fmt.Stringer:
		return v.String(), true
	}
	return "", false
}
