package tweet

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestPurchaseHashtagExtraction(t *testing.T) {
	tests := []struct {
		text       string
		want       []Entity
		hasBuyMug  bool
		hasConfirm bool
	}{
		{text: "#BuyBlueMug please", want: []Entity{{Value: "BuyBlueMug", Start: 0, End: 11}}, hasBuyMug: true},
		{text: "#BuyBlueMugX", want: []Entity{{Value: "BuyBlueMugX", Start: 0, End: 12}}},
		{text: "Buy#BuyBlueMug", want: []Entity{}},
		{text: "R&#BuyBlueMug", want: []Entity{}},
		{text: "＃BuyBlueMug", want: []Entity{{Value: "BuyBlueMug", Start: 0, End: 11}}, hasBuyMug: true},
		{text: "#BuyBlueMug!", want: []Entity{{Value: "BuyBlueMug", Start: 0, End: 11}}, hasBuyMug: true},
		{text: "#buybluemug", want: []Entity{{Value: "buybluemug", Start: 0, End: 11}}, hasBuyMug: true},
		{text: "＃ＢｕｙＢｌｕｅＭｕｇ yes", want: []Entity{{Value: "ＢｕｙＢｌｕｅＭｕｇ", Start: 0, End: 11}}, hasBuyMug: true},
		{text: "🎁#BuyGift", want: []Entity{{Value: "BuyGift", Start: 1, End: 9}}},
		{text: "http://example.com/#BuyBlueMug", want: []Entity{}},
		{text: "#BuyBlueMug#ConfirmBlueMug", want: []Entity{}},
		{text: "#BuyBlueMug #ConfirmBlueMug", want: []Entity{{Value: "BuyBlueMug", Start: 0, End: 11}, {Value: "ConfirmBlueMug", Start: 12, End: 27}}, hasBuyMug: true, hasConfirm: true},
		{text: "#BuyBlueMug-now", want: []Entity{{Value: "BuyBlueMug", Start: 0, End: 11}}, hasBuyMug: true},
		{text: "On the #16 bus", want: []Entity{}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got := Parse(tt.text).Hashtags
			check(t, got, tt.want)
			if HasHashtag(tt.text, "BuyBlueMug") != tt.hasBuyMug {
				t.Errorf("HasHashtag(%q, BuyBlueMug) = %v", tt.text, !tt.hasBuyMug)
			}
			if HasHashtag(tt.text, "#ConfirmBlueMug") != tt.hasConfirm {
				t.Errorf("HasHashtag(%q, #ConfirmBlueMug) = %v", tt.text, !tt.hasConfirm)
			}
		})
	}
}

func TestParseUTF16Range(t *testing.T) {
	text := "🎁#BuyGift"
	h := Parse(text).Hashtags
	if len(h) != 1 {
		t.Fatalf("hashtags = %v", h)
	}
	s, e := UTF16Range(text, h[0].Start, h[0].End)
	if s != 2 || e != 10 {
		t.Errorf("UTF16Range = [%d,%d], want [2,10]", s, e)
	}
	b0, b1 := RuneRange(text, h[0].Start, h[0].End)
	if text[b0:b1] != "#BuyGift" {
		t.Errorf("RuneRange slice = %q", text[b0:b1])
	}
}

func TestIsValidHashtag(t *testing.T) {
	tests := map[string]bool{
		"BuyBlueMug": true, "1st": true, "ашок": true, "트위터": true, "BuyCoffee5": true, "日本語": true,
		"12345": false, "": false, "Buy-Now": false, "Buy Now": false, "#BuyNow": false, "Buy#Now": false,
		"BuyNow!": false, "http://x.com": false, strings.Repeat("a", 100): true, strings.Repeat("a", 101): false,
		"bad\xff": false,
	}
	for tag, want := range tests {
		if got := IsValidHashtag(tag); got != want {
			t.Errorf("IsValidHashtag(%q) = %v, want %v", tag, got, want)
		}
	}
}

func TestIsValidUsername(t *testing.T) {
	tests := map[string]bool{
		"@alice": true, "alice": true, "＠alice": true, "tweetacoffee": true, "@12345": true,
		"@example-name": false, "alice bob": false, "": false, "@": false, "@user/list": false,
		"@" + strings.Repeat("a", 20): true, strings.Repeat("a", 21): false, "@aliceé": false,
	}
	for h, want := range tests {
		if got := IsValidUsername(h); got != want {
			t.Errorf("IsValidUsername(%q) = %v, want %v", h, got, want)
		}
	}
}

func TestSameTagAndNormalize(t *testing.T) {
	same := [][2]string{
		{"BuyBlueMug", "buybluemug"}, {"ＢｕｙＢｌｕｅＭｕｇ", "BuyBlueMug"}, {"#BuyBlueMug", "BuyBlueMug"},
		{"＃BuyBlueMug", "buyBLUEmug"}, {"Straße", "STRASSE"}, {"café", "cafe\u0301"},
	}
	for _, p := range same {
		if !SameTag(p[0], p[1]) {
			t.Errorf("SameTag(%q, %q) = false (keys %q, %q)", p[0], p[1], NormalizeTag(p[0]), NormalizeTag(p[1]))
		}
	}
	different := [][2]string{{"BuyBlueMug", "BuyBlueMugX"}, {"BuyBlueMug", "BuyRedMug"}, {"cafe", "café"}}
	for _, p := range different {
		if SameTag(p[0], p[1]) {
			t.Errorf("SameTag(%q, %q) = true", p[0], p[1])
		}
	}
	if got := NormalizeTag("ＢｕｙＭｕｇ"); got != "buymug" {
		t.Errorf("NormalizeTag = %q, want buymug", got)
	}
	if !SameUsername("@TweetACoffee", "tweetacoffee") || SameUsername("@alice", "@alicia") {
		t.Error("SameUsername is wrong")
	}
}

func TestParseGift(t *testing.T) {
	r := Parse("@tweetacoffee to @friend")
	check(t, r.Mentions, []Entity{{Value: "tweetacoffee", Start: 0, End: 13}, {Value: "friend", Start: 17, End: 24}})
	check(t, Parse("hi@tweetacoffee").Mentions, []Entity{})
	check(t, ReplyTo("@tweetacoffee to @friend"), "tweetacoffee")
	check(t, ReplyTo("thanks @tweetacoffee"), "")
}

func TestParseEntitiesAndOverlap(t *testing.T) {
	r := Parse("Get $AAPL at $12.00 via https://t.co/abc123?x=1 and example.com/#BuyNow, cc @alice/list-1 #Deal")
	check(t, values(r.Cashtags), []string{"AAPL"})
	check(t, values(r.URLs), []string{"https://t.co/abc123?x=1", "example.com/#BuyNow"})
	check(t, values(r.Hashtags), []string{"Deal"})
	check(t, r.Mentions, []Entity{{Value: "alice", ListSlug: "/list-1", Start: 76, End: 89}})
	for _, es := range [][]Entity{r.Cashtags, r.URLs, r.Hashtags, r.Mentions} {
		for _, e := range es {
			b0, b1 := RuneRange(r.Text, e.Start, e.End)
			if !strings.Contains(r.Text[b0:b1], e.Value) {
				t.Errorf("entity %+v does not cover %q", e, r.Text[b0:b1])
			}
		}
	}
}

func TestParseJSON(t *testing.T) {
	b, err := json.Marshal(Parse("plain text"))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"text":"plain text","hashtags":[],"mentions":[],"cashtags":[],"urls":[],"weighted_length":10,"valid":true,"permillage":35,"display_range":[0,9],"valid_range":[0,9]}`
	if string(b) != want {
		t.Errorf("JSON = %s\nwant  %s", b, want)
	}
	r := Parse("@bob #Tag $ABC http://x.com")
	b, err = json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, frag := range []string{`"hashtags":[{"tag":"Tag","start":5,"end":9}]`, `"mentions":[{"username":"bob","start":0,"end":4}]`,
		`"cashtags":[{"tag":"ABC","start":10,"end":14}]`, `"urls":[{"url":"http://x.com","start":15,"end":27}]`} {
		if !strings.Contains(string(b), frag) {
			t.Errorf("JSON %s lacks %s", b, frag)
		}
	}
	var back Result
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	check(t, back, r)
}

func TestParseLength(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		cfg   Config
		want  int
		valid bool
	}{
		{"empty", "", ConfigV3(), 0, false},
		{"whitespace counts", "   ", ConfigV3(), 3, true},
		{"280 ascii", strings.Repeat("a", 280), ConfigV3(), 280, true},
		{"281 ascii", strings.Repeat("a", 281), ConfigV3(), 281, false},
		{"140 cjk", strings.Repeat("漢", 140), ConfigV3(), 280, true},
		{"141 cjk", strings.Repeat("漢", 141), ConfigV3(), 282, false},
		{"url counts 23", "Hi http://test.co", ConfigV3(), 26, true},
		{"nfc", "cafe\u0301", ConfigV3(), 4, true},
		{"zwj family v3", "👨‍👩‍👧‍👦", ConfigV3(), 2, true},
		{"zwj family v2", "👨‍👩‍👧‍👦", ConfigV2(), 11, true},
		{"skin tone", "👍🏽", ConfigV3(), 2, true},
		{"flag", "🇺🇸", ConfigV3(), 2, true},
		{"keycap", "1️⃣", ConfigV3(), 2, true},
		{"presentation", "❤️", ConfigV3(), 2, true},
		{"text presentation", "☺︎", ConfigV3(), 4, true},
		{"copyright alone", "©", ConfigV3(), 1, true},
		{"tag sequence", "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F", ConfigV3(), 2, true},
		// What Unicode's emoji data does not list as one emoji is weighed
		// code point by code point, as twitter-text does (npm 3.1.0).
		{"stray VS16", "🔥\uFE0F", ConfigV3(), 4, true},
		{"stray VS16 after a presentation sequence", "☺\uFE0F\uFE0F", ConfigV3(), 4, true},
		{"stray VS16 after a modifier", "🏽\uFE0F", ConfigV3(), 4, true},
		{"digit VS16 without keycap", "1\uFE0F", ConfigV3(), 3, true},
		{"non-RGI ZWJ sequence", "🐱\u200D🐶", ConfigV3(), 5, true},
		{"unqualified ZWJ sequence", "🏳\u200D🌈", ConfigV3(), 5, true},
		{"qualified ZWJ sequence", "🏳\uFE0F\u200D🌈", ConfigV3(), 2, true},
		{"RGI prefix of a longer ZWJ chain", "👨\u200D👩\u200D👧\u200D👦\u200D👦", ConfigV3(), 5, true},
		{"not a flag", "🇦🇦", ConfigV3(), 4, true},
		{"skin tone after the VS16 of a text-default base", "✌\uFE0F🏽 ☝\uFE0F🏻", ConfigV3(), 5, true},
		{"skin tone after a presentation sequence", "👍\uFE0F🏽", ConfigV3(), 4, true},
		{"not an RGI tag sequence", "🏴\U000E0067\U000E0062\U000E0078\U000E0078\U000E0078\U000E007F", ConfigV3(), 14, true},
		{"70 stray VS16s fill a tweet", strings.Repeat("🔥\uFE0F", 70), ConfigV3(), 280, true},
		{"71 stray VS16s do not fit", strings.Repeat("🔥\uFE0F", 71), ConfigV3(), 284, false},
		{"invalid char", "ab\uFFFE", ConfigV3(), 4, false},
		{"v1 counts code points", "🐱🐱", ConfigV1(), 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := ParseLength(tt.text, tt.cfg)
			if l.WeightedLength != tt.want || l.Valid != tt.valid {
				t.Errorf("ParseLength(%q) = %d valid=%v, want %d valid=%v", tt.text, l.WeightedLength, l.Valid, tt.want, tt.valid)
			}
		})
	}
	l := ParseLength(strings.Repeat("a", 285), ConfigV3())
	if l.ValidRange != [2]int{0, 279} || l.DisplayRange != [2]int{0, 284} || l.Permillage != 1017 {
		t.Errorf("ranges = %v %v permillage %d", l.ValidRange, l.DisplayRange, l.Permillage)
	}
}

func TestConfigVersion(t *testing.T) {
	for v := 1; v <= 3; v++ {
		c, ok := ConfigVersion(v)
		if !ok || c.Version != v {
			t.Errorf("ConfigVersion(%d) = %v, %v", v, c.Version, ok)
		}
	}
	if _, ok := ConfigVersion(4); ok {
		t.Error("ConfigVersion(4) accepted")
	}
}

func TestParseInvalidUTF8(t *testing.T) {
	if _, err := ParseStrict("#Buy\xffMug"); !errors.Is(err, ErrParse) {
		t.Errorf("ParseStrict error = %v, want ErrParse", err)
	}
	r := Parse("\xff #BuyMug")
	check(t, r.Text, "\uFFFD #BuyMug")
	check(t, r.Hashtags, []Entity{{Value: "BuyMug", Start: 2, End: 9}})
	if _, err := ParseStrict("ok #BuyMug"); err != nil {
		t.Errorf("ParseStrict on valid text: %v", err)
	}
}

func TestIsValidURL(t *testing.T) {
	tests := []struct {
		url           string
		uni, protocol bool
		want          bool
	}{
		{"https://example.com/a?b=c#d", true, true, true},
		{"example.com", true, false, true},
		{"example.com", true, true, false},
		{"http://☃.net/", true, true, true},
		{"http://☃.net/", false, true, false},
		{"ftp://example.com", true, true, false},
		{"http://10.0.0.1:8080/", true, true, true},
	}
	for _, tt := range tests {
		if got := IsValidURL(tt.url, tt.uni, tt.protocol); got != tt.want {
			t.Errorf("IsValidURL(%q, %v, %v) = %v, want %v", tt.url, tt.uni, tt.protocol, got, tt.want)
		}
	}
}

func TestURLsWithoutProtocol(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"www.example.KI", []string{"www.example.KI"}},
		{"example.Рф", []string{"example.Рф"}},
		// U+212A KELVIN SIGN and U+0130 İ lower-case to ASCII letters, but
		// twitter-text's case-insensitive match does not take them for k
		// and i, so .ki (Kiribati) is not there.
		{"www.\u212A\u0130 and example.\u212Aim", []string{}},
		{"www.b\u0130/x", []string{}},
	}
	for _, tt := range tests {
		check(t, values(Entities(tt.text, "urls")), tt.want)
		check(t, values(Parse(tt.text).URLs), tt.want)
	}
}

// Every RGI ZWJ and tag sequence of the emoji data weighs as one emoji, and
// so does every RGI flag.
func TestEmojiRGISequences(t *testing.T) {
	if len(rgiSequences) < 1000 {
		t.Fatalf("only %d RGI sequences", len(rgiSequences))
	}
	for _, seq := range rgiSequences {
		if n := emojiAt(seq, 0); n != len(seq) {
			t.Errorf("emojiAt(%+q) = %d, want %d", seq, n, len(seq))
		}
		if l := ParseLength("a"+seq, ConfigV3()); l.WeightedLength != 3 {
			t.Errorf("ParseLength(a%+q) = %d, want 3", seq, l.WeightedLength)
		}
	}
	flags := 0
	for a := rune(0); a < 26; a++ {
		for b := rune(0); b < 26; b++ {
			if rgiFlags[a]&(1<<b) == 0 {
				continue
			}
			flags++
			if f := string([]rune{0x1F1E6 + a, 0x1F1E6 + b}); ParseLength(f, ConfigV3()).WeightedLength != 2 {
				t.Errorf("flag %+q does not weigh 2", f)
			}
		}
	}
	if flags < 250 {
		t.Errorf("only %d RGI flags", flags)
	}
}
