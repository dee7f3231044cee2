package tweet

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// An emoji matcher after UTS #51 (emoji sequences), used by config v3, where a
// whole sequence weighs as one character of the default weight. Like
// twitter-text, which matches a list of the recommended (RGI) sequences, it
// takes as one emoji only what Unicode's emoji data lists: keycaps (1️⃣, and
// 1⃣ as the conformance suite wants), RGI flags (🇺🇸, not 🇦🇦), modifier
// sequences (👍🏽), emoji presentation sequences of the characters that have
// one (☺️, not 🔥 followed by U+FE0F), and RGI tag (🏴󠁧󠁢󠁳󠁣󠁴󠁿) and ZWJ (👨‍👩‍👧‍👦)
// sequences. Anything else is weighed code point by code point: a ZWJ joining
// two emoji that make no RGI sequence (🐱‍🐶) weighs 1 between them, a stray
// U+FE0F weighs 2. A lone pictograph is not a sequence either: it is weighed
// like any other code point, which gives twitter-text's results (☺ and 🐱
// weigh 2 as code points outside the cheap ranges, © and ® weigh 1). An emoji
// followed by U+FE0E (text presentation) is not an emoji.
//
// The data is Unicode's emoji 15.0, newer than twitter-text 3.1.0's (emoji 11
// in JavaScript, 12 in Java): sequences added since (🐻‍❄️, and 👍️ among the
// presentation sequences of emoji 14) count as one emoji here and as their
// code points there.

const (
	vs15 = 0xFE0E
	vs16 = 0xFE0F
	zwj  = 0x200D
)

func isRegionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }
func isEmojiModifier(r rune) bool     { return r >= 0x1F3FB && r <= 0x1F3FF }
func isTagChar(r rune) bool           { return r >= 0xE0020 && r <= 0xE007E }

func isPictographic(r rune) bool {
	return r >= 0xA9 && unicode.Is(extendedPictographic, r)
}

// emojiElementEnd matches one element of a sequence at s[i:]: a pictograph or
// a modifier, optionally followed by VS16, a skin-tone modifier, or both in
// that order. It returns
// the end of the element, 0 if there is none, or -1 if the pictograph asks for
// text presentation. Inside a ZWJ sequence any VS16 is taken: the sequence
// is then checked against the RGI list as a whole.
func emojiElementEnd(s string, i int) int {
	r, w := decodeAt(s, i)
	if w == 0 || !(isPictographic(r) || isEmojiModifier(r)) {
		return 0
	}
	j := i + w
	r2, w2 := decodeAt(s, j)
	switch {
	case r2 == vs16:
		// twitter-text also takes a skin tone after the VS16 of a
		// text-default base (✌️🏽), not of others (👍️🏽 is three emoji).
		if r3, w3 := decodeAt(s, j+w2); isEmojiModifier(r3) && unicode.Is(textModifierBase, r) {
			return j + w2 + w3
		}
		return j + w2
	case r2 == vs15:
		return -1
	case isEmojiModifier(r2) && unicode.Is(emojiModifierBase, r):
		return j + w2
	}
	return j
}

// emojiAlone returns the end of the emoji sequence made of the single
// element at s[i:] (whose first code point is w bytes wide and which ends at
// end), or 0 when it is a lone pictograph. A VS16 is part of it only after a
// character that has an emoji presentation sequence.
func emojiAlone(s string, i, w, end int) int {
	if end == i+w {
		return 0
	}
	if s[i+w] == 0xEF { // U+FE0F
		if r, _ := decodeAt(s, i); !unicode.Is(emojiVariationBase, r) {
			return 0
		}
	}
	return end
}

// isRGI reports whether seq is an RGI ZWJ or tag sequence.
func isRGI(seq string) bool {
	k := sort.SearchStrings(rgiSequences, seq)
	return k < len(rgiSequences) && rgiSequences[k] == seq
}

// emojiAt returns the byte length of the emoji sequence starting at s[i:], or
// 0 if none starts there (including a lone pictograph, see above).
func emojiAt(s string, i int) int {
	c := s[i]
	if c < utf8.RuneSelf {
		if !(c >= '0' && c <= '9' || c == '#' || c == '*') {
			return 0
		}
		j := i + 1
		if strings.HasPrefix(s[j:], "\uFE0F") {
			j += 3
		}
		if strings.HasPrefix(s[j:], "\u20E3") {
			return j + 3 - i
		}
		return 0
	}
	r, w := utf8.DecodeRuneInString(s[i:])
	if r < 0xA9 || (r > 0x3299 && r < 0x1F000) {
		return 0 // no pictograph, modifier or regional indicator there
	}
	if isRegionalIndicator(r) {
		if r2, w2 := decodeAt(s, i+w); isRegionalIndicator(r2) && rgiFlags[r-0x1F1E6]&(1<<(r2-0x1F1E6)) != 0 {
			return w + w2
		}
		return 0
	}
	j := emojiElementEnd(s, i)
	if j <= 0 {
		return 0
	}
	// Tag sequence: tag characters closed by CANCEL TAG.
	k := j
	for {
		r, w := decodeAt(s, k)
		if !isTagChar(r) {
			break
		}
		k += w
	}
	if k > j {
		if r, w := decodeAt(s, k); r == 0xE007F && isRGI(s[i:k+w]) {
			return k + w - i
		}
		j = emojiAlone(s, i, w, j)
		if j == 0 {
			return 0
		}
		return j - i
	}
	// ZWJ sequence: the longest run of elements joined by ZWJ that is RGI.
	var ends [8]int
	n := 0
	for e := j; n < len(ends); {
		r, w := decodeAt(s, e)
		if r != zwj {
			break
		}
		next := emojiElementEnd(s, e+w)
		if next <= 0 {
			break
		}
		ends[n] = next
		n++
		e = next
	}
	for ; n > 0; n-- {
		if isRGI(s[i:ends[n-1]]) {
			return ends[n-1] - i
		}
	}
	if e := emojiAlone(s, i, w, j); e > 0 {
		return e - i
	}
	return 0
}
