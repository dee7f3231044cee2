package tweet

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"#BuyBlueMug please", "＃ＢｕｙＢｌｕｅＭｕｇ", "R&#BuyBlueMug", "🎁#BuyGift", "@tweetacoffee to @friend",
		"RT @alice: $AAPL up http://t.co/abc?x=1", "example.comてすとtwitter.みんな", "@user/list-name #tag#tag",
		"👨‍👩‍👧‍👦🇺🇸1️⃣☺︎", "\u2066\u202Ahttp://foobar.پاکستان/\u202C\u2069", "ab\uFFFE\xff", "http://a.b.cd/(x(y)z)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		r := Parse(text)
		if utf8.ValidString(text) && r.Text != text {
			t.Fatalf("Text changed: %q -> %q", text, r.Text)
		}
		if Valid(text) != r.Valid {
			t.Fatalf("Valid(%q) = %v, Parse's %v", text, !r.Valid, r.Valid)
		}
		n := utf8.RuneCountInString(r.Text)
		type ent struct {
			Entity
			kind string
		}
		var all []ent
		for _, e := range r.Hashtags {
			all = append(all, ent{e, "hashtag"})
		}
		for _, e := range r.Mentions {
			all = append(all, ent{e, "mention"})
		}
		for _, e := range r.Cashtags {
			all = append(all, ent{e, "cashtag"})
		}
		for _, e := range r.URLs {
			all = append(all, ent{e, "url"})
		}
		covered := make([]bool, n)
		offsets := make([]int, 0, n+1) // code point -> byte offset
		for i := range r.Text {
			offsets = append(offsets, i)
		}
		offsets = append(offsets, len(r.Text))
		for _, e := range all {
			if e.Start < 0 || e.Start >= e.End || e.End > n {
				t.Fatalf("%s %+v out of bounds (text has %d code points)", e.kind, e.Entity, n)
			}
			for i := e.Start; i < e.End; i++ {
				if covered[i] {
					t.Fatalf("%s %+v overlaps another entity in %q", e.kind, e.Entity, r.Text)
				}
				covered[i] = true
			}
			slice := r.Text[offsets[e.Start]:offsets[e.End]]
			var want string
			switch e.kind {
			case "hashtag":
				want = strings.TrimPrefix(strings.TrimPrefix(slice, "#"), "＃")
			case "mention":
				want = strings.TrimPrefix(strings.TrimPrefix(slice, "@"), "＠")
				want = strings.TrimSuffix(want, e.ListSlug)
			case "cashtag":
				want = strings.TrimPrefix(slice, "$")
			case "url":
				want = slice
			}
			if want != e.Value || len(want) == len(slice) && e.kind != "url" {
				t.Fatalf("%s %+v does not match its slice %q", e.kind, e.Entity, slice)
			}
			// An entity's own text, alone, is that entity again. Not so for a
			// URL without protocol: twitter-text may cut one out of a longer
			// domain ("\"-0.AC" gives "-0.AC", which alone is no URL).
			if e.kind == "url" && !hasPrefixFold(slice, "http") {
				continue
			}
			again := Entities(slice, e.kind+"s")
			if len(again) != 1 || again[0].Value != e.Value || again[0].Start != 0 || again[0].End != e.End-e.Start {
				t.Fatalf("%s %+v: its slice %q alone gives %+v", e.kind, e.Entity, slice, again)
			}
		}
		for kind, es := range map[string][]Entity{"hashtag": r.Hashtags, "mention": r.Mentions, "cashtag": r.Cashtags, "url": r.URLs} {
			for i := 1; i < len(es); i++ {
				if es[i].Start < es[i-1].End {
					t.Fatalf("%ss out of order: %+v", kind, es)
				}
			}
		}
		u16 := utf16Len(r.Text)
		if r.Text == "" {
			if r.Valid || r.WeightedLength != 0 {
				t.Fatalf("empty text: %+v", r)
			}
			return
		}
		if r.DisplayRange != [2]int{0, u16 - 1} {
			t.Fatalf("display range %v for %d UTF-16 units", r.DisplayRange, u16)
		}
		// twitter-text adds the change in length made by NFC normalisation to
		// the end of the valid range: when normalising lengthens a text whose
		// first character is invalid (testdata/fuzz/FuzzParse/fbcfada347496962),
		// the range ends before 0, in twitter-text's JavaScript too.
		lengthened := utf16Len(norm.NFC.String(r.Text)) > u16
		if r.ValidRange[1] < 0 && !lengthened || r.ValidRange[1] > r.DisplayRange[1] {
			t.Fatalf("valid range %v outside %v", r.ValidRange, r.DisplayRange)
		}
		if r.Valid && (r.WeightedLength > 280 || r.WeightedLength <= 0 || r.ValidRange != r.DisplayRange) {
			t.Fatalf("valid tweet with length %d, ranges %v %v", r.WeightedLength, r.ValidRange, r.DisplayRange)
		}
		// twitter-text computes permillage in floating point, (length / 280)
		// * 1000, so an exact multiple can land one below the integer
		// quotient (2261 gives 8074, not 8075): allow that, nothing more.
		if exact := r.WeightedLength * 1000 / 280; r.Permillage != exact && r.Permillage != exact-1 {
			t.Fatalf("permillage %d for length %d", r.Permillage, r.WeightedLength)
		}
	})
}

func FuzzReadPayload(f *testing.F) {
	for _, s := range []string{
		`{"id":"1","from":"@alice","text":"#BuyBlueMug","created_at":"2026-11-24T10:00:00Z"}`,
		`{"data":{"id":"1","text":"hi","author_id":"2"},"includes":{"users":[{"id":"2","username":"bob"}]}}`,
		`{"id_str":"3","text":"a &amp; b","user":{"id_str":"8","screen_name":"eve"},"retweeted_status":null}`,
		`{"for_user_id":"1","tweet_create_events":[{"id_str":"3","text":"x","user":{"screen_name":"e"}}]}`,
		`{"data":[{"id":"1","text":"a","author_id":"5"}]}`, `[[[[`, `{"from":`, `null`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tweets, err := ReadPayload(data)
		if err != nil {
			if !errors.Is(err, ErrPayload) {
				t.Fatalf("error %v does not wrap ErrPayload", err)
			}
			return
		}
		for _, tw := range tweets {
			if tw.From == "" && tw.AuthorID == "" {
				t.Fatalf("tweet without author: %+v", tw)
			}
			if tw.Format == "" || strings.HasPrefix(tw.From, "@") {
				t.Fatalf("bad tweet %+v", tw)
			}
		}
	})
}

// FuzzReadPlainFast checks that readPlainFast, where it answers, reads what
// the general path reads, for auto and plain.
func FuzzReadPlainFast(f *testing.F) {
	for _, s := range []string{
		`{"id":"1","from":"@alice","text":"#BuyBlueMug","created_at":"2026-11-24T10:00:00Z"}`,
		`{"id":1,"from":"alice","text":"RT @bob hi"}`,
		`{"id":"1","from":" @alice ","text":"é #Buy","created_at":null,"x":{"y":[1,2]}}`,
		`{"id":"1","from":"alice","text":"a","from":"bob"}`,
		`{"id":"1","from":"alice","text":"a\u00e9"}`,
		`{"id":"1","from":"alice","text":null}`,
		`{"id":"1","from":"alice","text":"a","user":null,"data":null}`,
		`{"id":"1","from":"alice","text":"a","id_str":"2"}`,
		`{"id":"1","from":"alice","text":"a","created_at":"2026-11-24 10:00"}`,
		`{"id":true,"from":"alice","text":"a"}`,
		`{"from":"al-ice","text":"a"}`,
		"{\"from\":\"alice\",\"text\":\"a\x01\"}",
		"{\"from\":\"alice\",\"text\":\"\xff\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > MaxPayloadBytes || checkDepth(data, MaxPayloadDepth) != nil {
			return // refused before either path runs
		}
		for _, format := range []string{FormatAuto, FormatPlain} {
			fast, ok := readPlainFast(bytes.TrimSpace(data), format)
			if !ok {
				continue
			}
			slow, err := readPayload(data, format, false)
			if err != nil {
				t.Fatalf("%s: the fast path read %+v, the general path fails: %v", format, fast, err)
			}
			if len(slow) != 1 || !reflect.DeepEqual(slow[0], fast) {
				t.Fatalf("%s: the fast path read %+v, the general path %+v", format, fast, slow)
			}
		}
	})
}

// The fast path answers for the lines streams are made of.
func TestReadPlainFastAnswers(t *testing.T) {
	for _, s := range []string{
		`{"id":"1700000000123","from":"@buyer7","text":"I'll take one #BuyBlueMug","created_at":"2026-03-01T09:00:00.1Z"}`,
		`{"id":"1","from":"alice","text":"🎁 #BuyGift"}`,
	} {
		if _, ok := readPlainFast([]byte(s), FormatAuto); !ok {
			t.Errorf("readPlainFast(%s) left it to the general path", s)
		}
	}
}
