package tweet

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/valyala/fastjson"
)

// plainParsers parse the lines of a stream, most of them plain tweets.
var plainParsers fastjson.ParserPool

// readPlainFast reads a plain tweet ({"id","from","text","created_at"}) the
// way readPlain does, in one pass and without reflection, for the common
// case only: a payload that is valid JSON, holds no escape sequence, no
// duplicate key, and fields of the expected types and values. Anything else
// returns ok false and goes through the general path, which gives the same
// tweet or says what is wrong (FuzzReadPlainFast compares the two).
// format is "", FormatAuto or FormatPlain.
func readPlainFast(data []byte, format string) (t Tweet, ok bool) {
	if bytes.IndexByte(data, '\\') >= 0 || !json.Valid(data) {
		return Tweet{}, false
	}
	p := plainParsers.Get()
	defer plainParsers.Put(p)
	v, err := p.ParseBytes(data)
	if err != nil {
		return Tweet{}, false
	}
	o, err := v.Object()
	if err != nil {
		return Tweet{}, false
	}
	dup := false
	var seen [8][]byte
	n := 0
	o.Visit(func(k []byte, _ *fastjson.Value) {
		for _, s := range seen[:min(n, len(seen))] {
			if bytes.Equal(s, k) {
				dup = true
			}
		}
		if n < len(seen) {
			seen[n] = k
		} else {
			dup = true // many keys: leave them to the general path
		}
		n++
	})
	if dup {
		return Tweet{}, false
	}
	has := func(key string) bool {
		f := o.Get(key)
		return f != nil && f.Type() != fastjson.TypeNull
	}
	if format != FormatPlain {
		// detectFormat, which tries the other shapes first.
		for _, k := range []string{"tweet_create_events", "for_user_id", "data", "id_str", "user", "full_text", "extended_tweet", "retweeted_status"} {
			if has(k) {
				return Tweet{}, false
			}
		}
		if !has("from") {
			return Tweet{}, false
		}
	}
	str := func(key string, required bool) (string, bool) {
		f := o.Get(key)
		if f == nil || f.Type() == fastjson.TypeNull {
			return "", !required
		}
		b, err := f.StringBytes()
		if err != nil || !utf8.Valid(b) {
			return "", false
		}
		return string(b), true
	}
	id, ok1 := str("id", false)
	from, ok2 := str("from", true)
	text, ok3 := str("text", true)
	created, ok4 := str("created_at", false)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return Tweet{}, false
	}
	from = strings.TrimSpace(from)
	if from == "" || !IsValidUsername(from) {
		return Tweet{}, false
	}
	t = Tweet{ID: id, From: StripAt(from), Text: text, Format: FormatPlain, Retweet: isRTText(text)}
	if created != "" {
		ts, err := time.Parse(time.RFC3339, created)
		if err != nil {
			return Tweet{}, false
		}
		t.CreatedAt = ts.UTC()
	}
	return t, true
}
