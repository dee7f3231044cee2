package tweet

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"
)

// Entity is a hashtag, mention, cashtag or URL found in a tweet. Value has no
// sign: the tag, the username, the cashtag symbol or the URL as written.
// Start and End count code points; Start is inclusive and covers the sign,
// End is exclusive. ListSlug is set for a list mention (@user/slug), whose
// indices cover the slug; it holds the slug with its leading slash.
type Entity struct {
	Value    string
	Start    int
	End      int
	ListSlug string
}

// Result is everything known about one tweet's text: its entities (without
// overlaps: a URL that starts first wins over a hashtag inside it) and its
// weighted length under the default configuration (v3).
type Result struct {
	Text           string
	Hashtags       []Entity
	Mentions       []Entity
	Cashtags       []Entity
	URLs           []Entity
	WeightedLength int
	Valid          bool
	Permillage     int
	// DisplayRange and ValidRange are inclusive UTF-16 ranges of Text, as
	// twitter-text reports them: the whole text, and the part that fits.
	DisplayRange [2]int
	ValidRange   [2]int
}

// Parse extracts the entities of text and weighs it with the default
// configuration (v3). Invalid UTF-8 is replaced, byte by byte, with U+FFFD
// first (Result.Text holds the text that was parsed); use ParseStrict to
// refuse it instead.
func Parse(text string) Result {
	return ParseWith(text, ConfigV3())
}

// ParseStrict is Parse, but fails with ErrParse when text is not valid UTF-8.
func ParseStrict(text string) (Result, error) {
	if !utf8.ValidString(text) {
		return Result{}, fmt.Errorf("text is not valid UTF-8: %w", ErrParse)
	}
	return Parse(text), nil
}

// ParseWith is Parse with another length configuration.
func ParseWith(text string, cfg Config) Result {
	text = sanitize(text)
	bufs := spanPool.Get().(*spanBuffers)
	defer bufs.release()
	es := bufs.entities[:0]
	if strings.IndexByte(text, '.') >= 0 {
		es = extractURLs(text, es)
	}
	nURL := len(es)
	urls := append(bufs.urls[:0], es...)
	if strings.IndexByte(text, '@') >= 0 || strings.Contains(text, fullwidthAt) {
		es = extractMentions(text, es)
	}
	if strings.IndexByte(text, '#') >= 0 || strings.Contains(text, fullwidthHash) {
		es = extractHashtags(text, es)
	}
	if strings.IndexByte(text, '$') >= 0 {
		es = extractCashtags(text, es)
	}
	if len(es) > nURL {
		es = removeOverlapping(es)
	}
	l := parseLength(text, &cfg, urls, true)
	r := Result{
		Text:           text,
		WeightedLength: l.WeightedLength,
		Valid:          l.Valid,
		Permillage:     l.Permillage,
		DisplayRange:   l.DisplayRange,
		ValidRange:     l.ValidRange,
	}
	toEntities(text, es, &r)
	bufs.entities, bufs.urls = es, urls
	return r
}

// spanBuffers are scratch buffers for one parse, recycled through spanPool.
type spanBuffers struct {
	entities, urls []span
}

var spanPool = sync.Pool{New: func() any { return new(spanBuffers) }}

func (b *spanBuffers) release() {
	clear(b.entities)
	clear(b.urls)
	b.entities, b.urls = b.entities[:0], b.urls[:0]
	spanPool.Put(b)
}

// sanitize replaces each byte of invalid UTF-8 with U+FFFD.
func sanitize(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		b.WriteRune(r)
	}
	return b.String()
}

// toEntities converts byte spans (sorted by start) to code-point entities.
func toEntities(text string, es []span, r *Result) {
	counts := [4]int{}
	for _, e := range es {
		counts[e.kind]++
	}
	r.URLs = make([]Entity, 0, counts[kindURL])
	r.Mentions = make([]Entity, 0, counts[kindMention])
	r.Hashtags = make([]Entity, 0, counts[kindHashtag])
	r.Cashtags = make([]Entity, 0, counts[kindCashtag])
	pos, cp := 0, 0
	advance := func(to int) int {
		if isASCII(text[pos:to]) {
			cp += to - pos
		} else {
			cp += utf8.RuneCountInString(text[pos:to])
		}
		pos = to
		return cp
	}
	for _, e := range es {
		start := advance(e.start)
		end := advance(e.end)
		ent := Entity{Value: e.value, Start: start, End: end, ListSlug: e.slug}
		switch e.kind {
		case kindURL:
			r.URLs = append(r.URLs, ent)
		case kindMention:
			r.Mentions = append(r.Mentions, ent)
		case kindHashtag:
			r.Hashtags = append(r.Hashtags, ent)
		case kindCashtag:
			r.Cashtags = append(r.Cashtags, ent)
		}
	}
}

// Entities returns the entities of one kind, found alone (without overlap
// removal against other kinds, as twitter-text's extractXxxWithIndices do,
// except that hashtags inside URLs are dropped). kind is "hashtags",
// "mentions", "cashtags" or "urls".
func Entities(text, kind string) []Entity {
	text = sanitize(text)
	var buf [16]span
	var es []span
	switch kind {
	case "hashtags":
		es = extractHashtags(text, buf[:0])
		if len(es) > 0 && strings.IndexByte(text, '.') >= 0 {
			n := len(es)
			es = extractURLs(text, es)
			if len(es) > n {
				es = removeOverlapping(es)
			}
			k := 0
			for _, e := range es {
				if e.kind == kindHashtag {
					es[k] = e
					k++
				}
			}
			es = es[:k]
		}
	case "mentions":
		es = extractMentions(text, buf[:0])
	case "cashtags":
		es = extractCashtags(text, buf[:0])
	case "urls":
		es = extractURLs(text, buf[:0])
	default:
		return []Entity{}
	}
	var r Result
	toEntities(text, es, &r)
	switch kind {
	case "hashtags":
		return r.Hashtags
	case "mentions":
		return r.Mentions
	case "cashtags":
		return r.Cashtags
	}
	return r.URLs
}

// ReplyTo returns the username a tweet replies to (a mention at the very
// start, after optional spaces), or "".
func ReplyTo(text string) string { return extractReply(text) }

type jsonTag struct {
	Tag   string `json:"tag"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

type jsonMention struct {
	Username string `json:"username"`
	ListSlug string `json:"list_slug,omitempty"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
}

type jsonURL struct {
	URL   string `json:"url"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

type jsonResult struct {
	Text           string        `json:"text"`
	Hashtags       []jsonTag     `json:"hashtags"`
	Mentions       []jsonMention `json:"mentions"`
	Cashtags       []jsonTag     `json:"cashtags"`
	URLs           []jsonURL     `json:"urls"`
	WeightedLength int           `json:"weighted_length"`
	Valid          bool          `json:"valid"`
	Permillage     int           `json:"permillage"`
	DisplayRange   [2]int        `json:"display_range"`
	ValidRange     [2]int        `json:"valid_range"`
}

func tagsJSON(es []Entity) []jsonTag {
	out := make([]jsonTag, 0, len(es))
	for _, e := range es {
		out = append(out, jsonTag{Tag: e.Value, Start: e.Start, End: e.End})
	}
	return out
}

// MarshalJSON writes the shape `tweetpay tweet parse -o json` prints: text,
// hashtags [{tag,start,end}], mentions [{username,start,end}], cashtags
// [{tag,start,end}], urls [{url,start,end}], weighted_length, valid,
// permillage, display_range and valid_range. Lists are [] when empty.
func (r Result) MarshalJSON() ([]byte, error) {
	j := jsonResult{
		Text: r.Text, WeightedLength: r.WeightedLength, Valid: r.Valid, Permillage: r.Permillage,
		DisplayRange: r.DisplayRange, ValidRange: r.ValidRange,
		Hashtags: tagsJSON(r.Hashtags), Cashtags: tagsJSON(r.Cashtags),
		Mentions: make([]jsonMention, 0, len(r.Mentions)), URLs: make([]jsonURL, 0, len(r.URLs)),
	}
	for _, e := range r.Mentions {
		j.Mentions = append(j.Mentions, jsonMention{Username: e.Value, ListSlug: e.ListSlug, Start: e.Start, End: e.End})
	}
	for _, e := range r.URLs {
		j.URLs = append(j.URLs, jsonURL{URL: e.Value, Start: e.Start, End: e.End})
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (r *Result) UnmarshalJSON(data []byte) error {
	var j jsonResult
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	*r = Result{Text: j.Text, WeightedLength: j.WeightedLength, Valid: j.Valid, Permillage: j.Permillage,
		DisplayRange: j.DisplayRange, ValidRange: j.ValidRange,
		Hashtags: make([]Entity, 0, len(j.Hashtags)), Cashtags: make([]Entity, 0, len(j.Cashtags)),
		Mentions: make([]Entity, 0, len(j.Mentions)), URLs: make([]Entity, 0, len(j.URLs))}
	for _, t := range j.Hashtags {
		r.Hashtags = append(r.Hashtags, Entity{Value: t.Tag, Start: t.Start, End: t.End})
	}
	for _, t := range j.Cashtags {
		r.Cashtags = append(r.Cashtags, Entity{Value: t.Tag, Start: t.Start, End: t.End})
	}
	for _, m := range j.Mentions {
		r.Mentions = append(r.Mentions, Entity{Value: m.Username, ListSlug: m.ListSlug, Start: m.Start, End: m.End})
	}
	for _, u := range j.URLs {
		r.URLs = append(r.URLs, Entity{Value: u.URL, Start: u.Start, End: u.End})
	}
	return nil
}

// Valid reports whether text is a valid tweet, as Parse(text).Valid does,
// without extracting its entities.
func Valid(text string) bool {
	return ParseLength(sanitize(text), ConfigV3()).Valid
}
