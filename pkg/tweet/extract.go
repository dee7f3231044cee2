package tweet

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// kind tells what an extracted entity is.
type kind uint8

const (
	kindURL kind = iota
	kindMention
	kindHashtag
	kindCashtag
)

// span is an entity found in a text, with byte offsets. start covers the sign
// (#, @, $) or the first character of a URL; end is exclusive. value is the
// entity without its sign; for lists, value is the screen name and slug the
// list slug including its leading slash.
type span struct {
	start, end int
	kind       kind
	value      string
	slug       string
}

// isFullwidthHash and friends match the UTF-8 encodings of the full-width
// signs, which start with 0xEF 0xBC.
const (
	fullwidthHash = "\uFF03" // ＃
	fullwidthAt   = "\uFF20" // ＠
)

// extractHashtags appends the hashtags of s (twitter-text validHashtag, without
// the URL overlap check) to out.
func extractHashtags(s string, out []span) []span {
	lastEnd := 0
	for i := 0; i < len(s); {
		c := s[i]
		signLen := 0
		if c == '#' {
			signLen = 1
		} else if c == 0xEF && strings.HasPrefix(s[i:], fullwidthHash) {
			signLen = len(fullwidthHash)
		}
		if signLen == 0 {
			i++
			continue
		}
		// What precedes the sign: the start, U+FE0E/U+FE0F, or any code point
		// that is neither a hashtag character nor '&'. It must not have been
		// consumed by the previous match.
		ok := false
		if i == 0 {
			ok = true
		} else {
			r, w := decodeLast(s, i)
			if i-w >= lastEnd {
				ok = r == 0xFE0E || r == 0xFE0F || (r != '&' && !isHashtagAlnum(r))
			}
		}
		tagStart := i + signLen
		if !ok {
			i = tagStart
			continue
		}
		// The sign may not start a keycap or an emoji presentation sequence.
		if r, _ := decodeAt(s, tagStart); r == 0xFE0F || r == 0x20E3 {
			i = tagStart
			continue
		}
		j := tagStart
		hasLetter := false
		for j < len(s) {
			r, w := decodeAt(s, j)
			if !isHashtagAlnum(r) {
				break
			}
			if !hasLetter && isHashtagLetter(r) {
				hasLetter = true
			}
			j += w
		}
		if !hasLetter {
			i = tagStart
			continue
		}
		lastEnd = j
		i = j
		// Dropped when followed by another hash sign or "://".
		rest := s[j:]
		if strings.HasPrefix(rest, "#") || strings.HasPrefix(rest, fullwidthHash) || strings.HasPrefix(rest, "://") {
			continue
		}
		out = append(out, span{start: tagStart - signLen, end: j, kind: kindHashtag, value: s[tagStart:j]})
	}
	return out
}

// isScreenNameByte reports [A-Za-z0-9_].
func isScreenNameByte(c byte) bool { return asciiIs(c, clsAlnum) || c == '_' }

func isASCIILetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

// atSignAt returns the length of the at sign at s[i:], or 0.
func atSignAt(s string, i int) int {
	if s[i] == '@' {
		return 1
	}
	if s[i] == 0xEF && strings.HasPrefix(s[i:], fullwidthAt) {
		return len(fullwidthAt)
	}
	return 0
}

// endsMention reports whether rest starts with what may not follow a mention:
// an at sign, a Latin accented letter or "://".
func endsMention(rest string) bool {
	if rest == "" {
		return false
	}
	if rest[0] == '@' || strings.HasPrefix(rest, fullwidthAt) || strings.HasPrefix(rest, "://") {
		return true
	}
	if rest[0] < utf8.RuneSelf {
		return false
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return isLatinAccent(r)
}

// mentionBefore reports whether an at sign at byte i may start a mention,
// given the end of the previous match.
func mentionBefore(s string, i, lastEnd int) bool {
	if i == 0 {
		return true
	}
	r, w := decodeLast(s, i)
	if i-w < lastEnd {
		return false
	}
	if r >= utf8.RuneSelf {
		return r != 0xFF20
	}
	if asciiClass[r]&clsMentionBad == 0 {
		return true
	}
	// "RT", "RT:" (any case) directly before the at sign, itself at the start
	// or after a character outside [A-Za-z0-9_+~.-].
	q := i
	if s[q-1] == ':' {
		q--
	}
	if q < 2 || q-2 < lastEnd || s[q-2]|0x20 != 'r' || s[q-1]|0x20 != 't' {
		return false
	}
	if q == 2 {
		return true
	}
	p, pw := decodeLast(s, q-2)
	if q-2-pw < lastEnd {
		return false
	}
	return p >= utf8.RuneSelf || asciiClass[p]&clsRTBad == 0
}

// extractMentions appends the mentions and lists of s to out.
func extractMentions(s string, out []span) []span {
	lastEnd := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c != '@' && c != 0xEF {
			i++
			continue
		}
		n := atSignAt(s, i)
		if n == 0 {
			i++
			continue
		}
		if !mentionBefore(s, i, lastEnd) {
			i += n
			continue
		}
		start := i
		j := i + n
		for j < len(s) && j-(i+n) < 20 && isScreenNameByte(s[j]) {
			j++
		}
		if j == i+n {
			i = j
			continue
		}
		name := s[i+n : j]
		slug := ""
		if j+1 < len(s) && s[j] == '/' && isASCIILetter(s[j+1]) {
			k := j + 2
			for k < len(s) && k-(j+1) < 25 && (isScreenNameByte(s[k]) || s[k] == '-') {
				k++
			}
			slug = s[j:k]
			j = k
		}
		lastEnd = j
		i = j
		if endsMention(s[j:]) {
			continue
		}
		out = append(out, span{start: start, end: j, kind: kindMention, value: name, slug: slug})
	}
	return out
}

// extractReply returns the screen name a tweet replies to, or "".
func extractReply(s string) string {
	i := 0
	for i < len(s) {
		r, w := decodeAt(s, i)
		if !isSpace(r) {
			break
		}
		i += w
	}
	if i >= len(s) {
		return ""
	}
	n := atSignAt(s, i)
	if n == 0 {
		return ""
	}
	j := i + n
	for j < len(s) && j-(i+n) < 20 && isScreenNameByte(s[j]) {
		j++
	}
	if j == i+n || endsMention(s[j:]) {
		return ""
	}
	return s[i+n : j]
}

// cashtagFollowerOK reports the cashtag lookahead: the end, \s or punct.
func cashtagFollowerOK(s string, j int) bool {
	if j >= len(s) {
		return true
	}
	r, _ := decodeAt(s, j)
	if r < utf8.RuneSelf && asciiClass[r]&clsPunct != 0 {
		return true
	}
	return isJSSpace(r)
}

func letterRun(s string, j int) int {
	k := j
	for k < len(s) && isASCIILetter(s[k]) {
		k++
	}
	return k - j
}

// extractCashtags appends the cashtags of s to out.
func extractCashtags(s string, out []span) []span {
	for i := 0; i < len(s); i++ {
		if s[i] != '$' {
			continue
		}
		if i > 0 {
			r, _ := decodeLast(s, i)
			if !isSpace(r) {
				continue
			}
		}
		j := i + 1
		n := letterRun(s, j)
		if n < 1 || n > 6 {
			continue
		}
		end := j + n
		if end+1 < len(s) && (s[end] == '.' || s[end] == '_') {
			if m := letterRun(s, end+1); m >= 1 && m <= 2 && cashtagFollowerOK(s, end+1+m) {
				end += 1 + m
				out = append(out, span{start: i, end: end, kind: kindCashtag, value: s[j:end]})
				i = end - 1
				continue
			}
		}
		if !cashtagFollowerOK(s, end) {
			continue
		}
		out = append(out, span{start: i, end: end, kind: kindCashtag, value: s[j:end]})
		i = end - 1
	}
	return out
}

// removeOverlapping sorts entities by start (stably, so that for equal starts
// URLs come before mentions, hashtags and cashtags, as in twitter-text) and
// drops every entity that starts before the previous kept one ends.
func removeOverlapping(es []span) []span {
	if len(es) < 2 {
		return es
	}
	if !sort.SliceIsSorted(es, func(i, j int) bool { return es[i].start < es[j].start }) {
		sort.SliceStable(es, func(i, j int) bool { return es[i].start < es[j].start })
	}
	out := es[:1]
	for _, e := range es[1:] {
		if out[len(out)-1].end > e.start {
			continue
		}
		out = append(out, e)
	}
	return out
}

// extractEntities returns all entities of s, in order, without overlaps.
func extractEntities(s string, buf []span) []span {
	es := buf[:0]
	if strings.IndexByte(s, '.') >= 0 {
		es = extractURLs(s, es)
	}
	if strings.IndexByte(s, '@') >= 0 || strings.Contains(s, fullwidthAt) {
		es = extractMentions(s, es)
	}
	if strings.IndexByte(s, '#') >= 0 || strings.Contains(s, fullwidthHash) {
		es = extractHashtags(s, es)
	}
	if strings.IndexByte(s, '$') >= 0 {
		es = extractCashtags(s, es)
	}
	return removeOverlapping(es)
}
