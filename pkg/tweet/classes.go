package tweet

import (
	"unicode"
	"unicode/utf8"
)

// Character classes of twitter-text 3.1.0, as hand-written predicates so that
// the scanners need no regular expressions on the hot path.

// asciiClass flags for bytes below 0x80.
const (
	clsAlnum        = 1 << iota // [A-Za-z0-9]
	clsPunct                    // twitter-text's punct set (ASCII only)
	clsSpace                    // twitter-text's spaces (ASCII part)
	clsMentionBad               // may not precede an at sign: [A-Za-z0-9_!#$%&*@]
	clsRTBad                    // may not precede "RT": [A-Za-z0-9_+~.-]
	clsPath                     // general URL path characters
	clsPathEnd                  // URL path ending characters
	clsQuery                    // URL query characters
	clsQueryEnd                 // URL query ending characters
	clsJSSpace                  // JavaScript \s (ASCII part)
	clsURLBeforeBad             // may not precede a URL: [A-Za-z0-9@$#]
)

// asciiClass holds the character classes of each ASCII byte: a 256-byte
// table filled once as the package loads (a few hundred operations).
var asciiClass = func() (t [128]uint16) {
	set := func(chars string, f uint16) {
		for i := 0; i < len(chars); i++ {
			t[chars[i]] |= f
		}
	}
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	set(alnum, clsAlnum|clsPath|clsPathEnd|clsQuery|clsQueryEnd|clsMentionBad|clsRTBad|clsURLBeforeBad)
	set(`!'#%&()*+,\-./:;<=>?@[]^_{|}~$`, clsPunct)
	set("\t\n\v\f\r ", clsSpace|clsJSSpace)
	set("_!#$%&*@", clsMentionBad)
	set("_+~.-", clsRTBad)
	set("!*';:=+,.$/%#[]-_~@|&", clsPath)
	set("+-=_#/", clsPathEnd)
	set("!?*'@();:&=+$/%#[]-_.,~|", clsQuery)
	set("-_&=#/", clsQueryEnd)
	set("@$#", clsURLBeforeBad)
	return t
}()

func asciiIs(b byte, f uint16) bool { return b < utf8.RuneSelf && asciiClass[b]&f != 0 }

// isSpace reports twitter-text's "spaces" class.
func isSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r]&clsSpace != 0
	}
	switch {
	case r == 0x85, r == 0xA0, r == 0x1680, r == 0x180E, r >= 0x2000 && r <= 0x200A,
		r == 0x2028, r == 0x2029, r == 0x202F, r == 0x205F, r == 0x3000:
		return true
	}
	return false
}

// isJSSpace reports JavaScript's \s, used by the cashtag lookahead.
func isJSSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r]&clsJSSpace != 0
	}
	switch {
	case r == 0xA0, r == 0x1680, r >= 0x2000 && r <= 0x200A, r == 0x2028, r == 0x2029,
		r == 0x202F, r == 0x205F, r == 0x3000, r == 0xFEFF:
		return true
	}
	return false
}

// isInvalidChar reports the characters that make a tweet invalid.
func isInvalidChar(r rune) bool { return r == 0xFFFE || r == 0xFEFF || r == 0xFFFF }

// isDirectional reports the bidirectional formatting characters.
func isDirectional(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || r == 0x061C || r == 0x200E || r == 0x200F ||
		(r >= 0x2066 && r <= 0x2069)
}

// isLatinAccent reports twitter-text's latinAccentChars.
func isLatinAccent(r rune) bool {
	switch {
	case r < 0xC0:
		return false
	case r <= 0xFF:
		return r != 0xD7 && r != 0xF7
	case r <= 0x24F:
		return true
	case r < 0x300:
		switch r {
		case 0x253, 0x254, 0x256, 0x257, 0x259, 0x25B, 0x263, 0x268, 0x26F, 0x272, 0x289, 0x28B, 0x2BB:
			return true
		}
		return false
	case r <= 0x36F:
		return true
	}
	return r >= 0x1E00 && r <= 0x1EFF
}

// isDomainChar reports twitter-text's validDomainChars: anything but
// punctuation, spaces, invalid and directional characters.
func isDomainChar(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r]&(clsPunct|clsSpace) == 0 && r != '/' && r != '\\'
	}
	return !isSpace(r) && !isInvalidChar(r) && !isDirectional(r)
}

// isURLPathChar reports validGeneralUrlPathChars.
func isURLPathChar(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r]&clsPath != 0
	}
	return (r >= 0x400 && r <= 0x4FF) || r == 0x2013 || isLatinAccent(r)
}

// isURLPathEnd reports validUrlPathEndingChars (balanced parentheses aside).
func isURLPathEnd(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r]&clsPathEnd != 0
	}
	return (r >= 0x400 && r <= 0x4FF) || isLatinAccent(r)
}

// isHashtagLetter reports hashtagAlpha: a letter or mark, plus the private use
// code points twitter-text lists.
func isHashtagLetter(r rune) bool {
	if r < utf8.RuneSelf {
		return (r|0x20) >= 'a' && (r|0x20) <= 'z'
	}
	if unicode.IsLetter(r) || unicode.IsMark(r) {
		return true
	}
	return r >= 0xF870 && r <= 0xF8D6 && isHashtagPUA(r)
}

func isHashtagPUA(r rune) bool {
	return (r >= 0xF870 && r <= 0xF87F) || r == 0xF882 || (r >= 0xF884 && r <= 0xF89F) ||
		r == 0xF8B8 || (r >= 0xF8C1 && r <= 0xF8D6)
}

// isHashtagAlnum reports hashtagAlphaNumeric: letters, marks, decimal digits
// and the special characters allowed inside a hashtag.
func isHashtagAlnum(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r]&clsAlnum != 0 || r == '_'
	}
	switch r {
	case 0x200C, 0x200D, 0xA67E, 0x05BE, 0x05F3, 0x05F4, 0xFF5E, 0x301C, 0x309B, 0x309C,
		0x30A0, 0x30FB, 0x3003, 0x0F0B, 0x0F0C, 0xB7:
		return true
	}
	return isHashtagLetter(r) || unicode.Is(unicode.Nd, r)
}

// decodeLast returns the rune ending at byte offset i of s and its width.
func decodeLast(s string, i int) (rune, int) {
	if i <= 0 {
		return utf8.RuneError, 0
	}
	if c := s[i-1]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeLastRuneInString(s[:i])
}

// decodeAt returns the rune at byte offset i of s and its width.
func decodeAt(s string, i int) (rune, int) {
	if i >= len(s) {
		return utf8.RuneError, 0
	}
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}
