package tweet

import "unicode/utf8"

// utf16Len returns the length of s in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			n++
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if r > 0xFFFF {
			n += 2
		} else {
			n++
		}
		i += w
	}
	return n
}

// UTF16Range converts the code-point range [start, end) of text, as found in
// an Entity, to UTF-16 code units, the unit twitter-text's JavaScript and
// Java libraries use. Out-of-range indices are clamped to the text.
func UTF16Range(text string, start, end int) (int, int) {
	cp, u := 0, 0
	s16, e16 := -1, -1
	for _, r := range text {
		if cp == start {
			s16 = u
		}
		if cp == end {
			e16 = u
		}
		cp++
		if r > 0xFFFF {
			u += 2
		} else {
			u++
		}
	}
	if s16 < 0 {
		s16 = u
	}
	if e16 < 0 {
		e16 = u
	}
	return s16, e16
}

// RuneRange converts the code-point range [start, end) of text to byte
// offsets, so that text[b0:b1] is the entity's text. Out-of-range indices are
// clamped to the text.
func RuneRange(text string, start, end int) (int, int) {
	b0, b1 := len(text), len(text)
	cp := 0
	for i := range text {
		if cp == start {
			b0 = i
		}
		if cp == end {
			b1 = i
			break
		}
		cp++
	}
	if b1 < b0 {
		b1 = b0
	}
	return b0, b1
}
