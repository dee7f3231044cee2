package tweet

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// An emoji matcher after UTS #51 (emoji sequences), used by config v3, where a
// whole sequence weighs as one character of the default weight. It
// recognises keycaps (1️⃣, 1⃣), flags (two regional indicators), modifier
// sequences (skin tones), presentation sequences (☺️), tag sequences (🏴󠁧󠁢󠁳󠁣󠁴󠁿) and
// ZWJ sequences of any of those. A lone pictograph is not a sequence: it is
// weighed like any other code point, which gives twitter-text's results (☺
// and 🐱 weigh 2 as code points outside the cheap ranges, © and ® weigh 1).
// An emoji followed by U+FE0E (text presentation) is not an emoji.

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
// a modifier, optionally followed by VS16 or a skin-tone modifier. It returns
// the end of the element, 0 if there is none, or -1 if the pictograph asks for
// text presentation.
func emojiElementEnd(s string, i int) int {
	r, w := decodeAt(s, i)
	if w == 0 || !(isPictographic(r) || isEmojiModifier(r)) {
		return 0
	}
	j := i + w
	r2, w2 := decodeAt(s, j)
	switch {
	case r2 == vs16:
		return j + w2
	case r2 == vs15:
		return -1
	case isEmojiModifier(r2) && unicode.Is(emojiModifierBase, r):
		return j + w2
	}
	return j
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
		if r2, w2 := decodeAt(s, i+w); isRegionalIndicator(r2) {
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
		if r, w := decodeAt(s, k); r == 0xE007F {
			j = k + w
		}
	}
	for {
		r, w := decodeAt(s, j)
		if r != zwj {
			break
		}
		e := emojiElementEnd(s, j+w)
		if e <= 0 {
			break
		}
		j = e
	}
	if j == i+w {
		return 0
	}
	return j - i
}
