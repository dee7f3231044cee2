package tweet

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// MaxHashtagLength is the longest hashtag Twitter accepts, in code points
// without the sign (tweetypie's limit).
const MaxHashtagLength = 100

// IsValidHashtag reports whether tag (without the '#') is a hashtag Twitter
// would recognise: "#"+tag extracts to exactly that one tag, and tag has at
// most MaxHashtagLength code points. So "1st" and "ашок" are valid, "12345"
// (all digits), "Buy-Now" and "" are not.
func IsValidHashtag(tag string) bool {
	if tag == "" || !utf8.ValidString(tag) || utf8.RuneCountInString(tag) > MaxHashtagLength {
		return false
	}
	hs := Entities("#"+tag, "hashtags")
	return len(hs) == 1 && hs[0].Value == tag
}

// IsValidUsername reports whether handle, with or without its leading '@',
// is a username Twitter would recognise as a mention: 1 to 20 ASCII letters,
// digits or underscores ("@example-name" is not).
func IsValidUsername(handle string) bool {
	if handle == "" || !utf8.ValidString(handle) {
		return false
	}
	if isPlainUsername(strings.TrimPrefix(handle, "@")) {
		return true
	}
	return extractsAsMention(handle)
}

// extractsAsMention reports whether handle, with or without its at sign, is
// exactly one mention for the extractor: IsValidUsername's general path.
func extractsAsMention(handle string) bool {
	name := handle
	if n := atSignAt(handle, 0); n > 0 {
		name = handle[n:]
	} else {
		handle = "@" + handle
	}
	ms := Entities(handle, "mentions")
	return len(ms) == 1 && ms[0].ListSlug == "" && ms[0].Value == name
}

// isPlainUsername reports whether s is 1 to 20 bytes of [A-Za-z0-9_], the
// common case, which is a valid mention without running the extractor.
func isPlainUsername(s string) bool {
	if len(s) == 0 || len(s) > 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isScreenNameByte(s[i]) {
			return false
		}
	}
	return true
}

// IsValidList reports whether s is exactly a list reference "@user/slug".
func IsValidList(s string) bool {
	if s == "" {
		return false
	}
	n := atSignAt(s, 0)
	if n == 0 {
		return false
	}
	j := n
	for j < len(s) && j-n < 20 && isScreenNameByte(s[j]) {
		j++
	}
	if j == n || j+1 >= len(s) || s[j] != '/' || !isASCIILetter(s[j+1]) {
		return false
	}
	k := j + 2
	for k < len(s) && k-(j+1) < 25 && (isScreenNameByte(s[k]) || s[k] == '-') {
		k++
	}
	return k == len(s)
}

// NormalizeTag returns the key under which a hashtag is compared and stored:
// NFKC (so full-width ＢｕｙＭｕｇ equals BuyMug) and Unicode case folding,
// without a leading '#' or '＃'.
func NormalizeTag(tag string) string {
	t := norm.NFKC.String(tag)
	t = strings.TrimPrefix(t, "#")
	if isASCII(t) {
		return strings.ToLower(t)
	}
	// A Caser is stateful and must not be shared between goroutines: one
	// per call, on this path for non-ASCII tags only.
	return norm.NFKC.String(cases.Fold().String(t))
}

// SameTag reports whether two hashtags are the same for purchase matching:
// equal after NormalizeTag.
func SameTag(a, b string) bool {
	if a == b {
		return true
	}
	if isASCII(a) && isASCII(b) {
		// NFKC leaves ASCII as it is, and folding is lower-casing.
		return strings.EqualFold(strings.TrimPrefix(a, "#"), strings.TrimPrefix(b, "#"))
	}
	return NormalizeTag(a) == NormalizeTag(b)
}

// HasHashtag reports whether text holds the hashtag tag (compared with
// SameTag), as an extracted hashtag: "#BuyMugX", "Buy#BuyMug" and
// "http://x.com/#BuyMug" do not hold BuyMug.
func HasHashtag(text, tag string) bool {
	for _, h := range Entities(text, "hashtags") {
		if SameTag(h.Value, tag) {
			return true
		}
	}
	return false
}

// NormalizeUsername returns the key under which a username is compared:
// lower case, without a leading '@' or '＠'.
func NormalizeUsername(handle string) string {
	if n := atSignAtSafe(handle); n > 0 {
		handle = handle[n:]
	}
	return strings.ToLower(handle)
}

// SameUsername reports whether two handles name the same account (usernames
// are case-insensitive; a leading '@' is ignored).
func SameUsername(a, b string) bool { return NormalizeUsername(a) == NormalizeUsername(b) }

func atSignAtSafe(s string) int {
	if s == "" {
		return 0
	}
	return atSignAt(s, 0)
}
