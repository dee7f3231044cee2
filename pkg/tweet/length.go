package tweet

import (
	"math"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// WeightRange gives the weight of the code points from Start to End
// inclusive.
type WeightRange struct {
	Start, End rune
	Weight     int
}

// Config is a twitter-text length configuration (config/v1.json, v2.json,
// v3.json of twitter-text).
type Config struct {
	Version                int
	MaxWeightedTweetLength int
	Scale                  int
	DefaultWeight          int
	EmojiParsingEnabled    bool
	TransformedURLLength   int
	Ranges                 []WeightRange
}

// ConfigV1 returns the 140-character configuration: every code point weighs 1.
func ConfigV1() Config {
	return Config{Version: 1, MaxWeightedTweetLength: 140, Scale: 1, DefaultWeight: 1, TransformedURLLength: 23}
}

func cheapRanges() []WeightRange {
	return []WeightRange{{0, 4351, 100}, {8192, 8205, 100}, {8208, 8223, 100}, {8242, 8247, 100}}
}

// ConfigV2 returns the 280-character configuration of 2017: Latin-1, general
// punctuation and a few more ranges weigh 1, everything else 2.
func ConfigV2() Config {
	return Config{Version: 2, MaxWeightedTweetLength: 280, Scale: 100, DefaultWeight: 200,
		TransformedURLLength: 23, Ranges: cheapRanges()}
}

// ConfigV3 returns the default configuration: v2 plus emoji sequences counted
// as one character of weight 2.
func ConfigV3() Config {
	c := ConfigV2()
	c.Version = 3
	c.EmojiParsingEnabled = true
	return c
}

// ConfigVersion returns the configuration of a twitter-text version (1, 2 or
// 3).
func ConfigVersion(v int) (Config, bool) {
	switch v {
	case 1:
		return ConfigV1(), true
	case 2:
		return ConfigV2(), true
	case 3:
		return ConfigV3(), true
	}
	return Config{}, false
}

// Length is the result of weighing a tweet's text, as twitter-text's
// parseTweet reports it. The ranges are inclusive and count UTF-16 code units
// of the original (not normalised) text, as the conformance suite expects.
type Length struct {
	WeightedLength int
	Valid          bool
	Permillage     int
	DisplayRange   [2]int
	ValidRange     [2]int
}

// ParseLength weighs text with cfg, like twitter-text's parseTweet: the text
// is NFC-normalised, each URL counts TransformedURLLength, each emoji sequence
// counts DefaultWeight when cfg.EmojiParsingEnabled, and every other code
// point the weight of its range. The text is valid when it is not empty, holds
// no U+FFFE, U+FEFF or U+FFFF, and weighs at most MaxWeightedTweetLength.
//
// Whitespace-only text is counted like any other text (as twitter-text's
// JavaScript library does: "   " weighs 3 and is valid), not rejected as
// twitter-text's Java library does; callers that want to refuse blank tweets
// check strings.TrimSpace themselves.
func ParseLength(text string, cfg Config) Length {
	return parseLength(text, &cfg, nil, false)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// parseLength weighs text. When haveURLs is true, urls are the URLs
// extracted from text (which saves extracting them again when text is already
// in NFC).
func parseLength(text string, cfg *Config, urls []span, haveURLs bool) Length {
	if text == "" {
		return Length{}
	}
	n := text
	if !isASCII(text) && !norm.NFC.IsNormalString(text) {
		n = norm.NFC.String(text)
		haveURLs = false
	}
	var ub [8]span
	if !haveURLs {
		urls = extractURLs(n, ub[:0])
	}
	scale := cfg.Scale
	if scale <= 0 {
		scale = 1
	}
	maxScaled := cfg.MaxWeightedTweetLength * scale
	urlWeight := cfg.TransformedURLLength * scale
	weighted, idx16, validIdx16 := 0, 0, 0
	valid := true
	ui := 0
	// Printable ASCII (but digits, '#' and '*', which may start a keycap)
	// usually all weigh the same: then runs of them are counted at once.
	asciiW, uniform := cfg.uniformASCIIWeight()
	for i := 0; i < len(n); {
		for ui < len(urls) && urls[ui].start < i {
			ui++
		}
		nextURL := len(n)
		if ui < len(urls) {
			nextURL = urls[ui].start
		}
		if uniform && i < nextURL {
			j := i
			for j < nextURL && asciiPlain[n[j]] {
				j++
			}
			if j > i {
				// Count the run in one step, but find the last position that
				// still fits, as the per-character loop would.
				run := j - i
				if valid {
					fit := run
					if room := maxScaled - weighted; room < run*asciiW {
						fit = 0
						if room >= 0 {
							fit = room / asciiW
						}
					}
					if fit > 0 {
						validIdx16 = idx16 + fit - 1
					}
				}
				weighted += run * asciiW
				idx16 += run
				i = j
				continue
			}
		}
		c := n[i]
		if ui < len(urls) && urls[ui].start == i {
			end := urls[ui].end
			weighted += urlWeight
			idx16 += utf16Len(n[i:end])
			i = end
			ui++
		} else if c < utf8.RuneSelf && (c < '0' || c > '9') && c != '#' && c != '*' {
			weighted += cfg.weight(rune(c))
			idx16++
			i++
		} else if e := emojiLen(cfg, n, i); e > 0 {
			weighted += cfg.DefaultWeight
			idx16 += utf16Len(n[i : i+e])
			i += e
		} else {
			r, w := decodeAt(n, i)
			weighted += cfg.weight(r)
			if r > 0xFFFF {
				idx16 += 2
			} else {
				idx16++
			}
			if isInvalidChar(r) {
				valid = false
			}
			i += w
		}
		if valid && weighted <= maxScaled {
			validIdx16 = idx16 - 1
		}
	}
	l := Length{WeightedLength: weighted / scale}
	l.Valid = valid && weighted > 0 && l.WeightedLength <= cfg.MaxWeightedTweetLength
	if cfg.MaxWeightedTweetLength > 0 {
		l.Permillage = int(math.Floor(float64(weighted) / float64(scale) / float64(cfg.MaxWeightedTweetLength) * 1000))
	}
	len16 := idx16
	if n != text {
		len16 = utf16Len(text)
	}
	l.DisplayRange = [2]int{0, len16 - 1}
	l.ValidRange = [2]int{0, validIdx16 + len16 - idx16}
	return l
}

// asciiPlain marks the ASCII bytes that never start an emoji sequence.
var asciiPlain = func() (t [256]bool) {
	for c := 0; c < utf8.RuneSelf; c++ {
		t[c] = (c < '0' || c > '9') && c != '#' && c != '*'
	}
	return t
}()

// uniformASCIIWeight returns the weight shared by all ASCII code points, if
// they share one (true for v1, v2 and v3).
func (c *Config) uniformASCIIWeight() (int, bool) {
	w := c.weight(0)
	for _, rg := range c.Ranges {
		if rg.Start <= 0 && rg.End >= 0x7F {
			return w, w > 0
		}
		if rg.Start <= 0x7F && rg.End >= 0 {
			return 0, false
		}
	}
	return w, w > 0
}

func emojiLen(cfg *Config, s string, i int) int {
	if !cfg.EmojiParsingEnabled {
		return 0
	}
	return emojiAt(s, i)
}

// weight returns the weight of one code point. Like twitter-text, a
// supplementary code point is weighed by its second UTF-16 unit.
func (c *Config) weight(r rune) int {
	if r > 0xFFFF {
		r = 0xDC00 + (r-0x10000)&0x3FF
	}
	for _, rg := range c.Ranges {
		if r >= rg.Start && r <= rg.End {
			return rg.Weight
		}
	}
	return c.DefaultWeight
}
