package tweet

import "testing"

// benchTweets is a small mix of realistic tweets; bench/tweetparse runs the
// same comparison over a generated corpus of 10,000 tweets.
var benchTweets = []string{
	"@bluemugco one please 🎁 #BuyBlueMug",
	"Get a Kindle Fire HD for $149.99+tax w/synced Amex Card. Tweet #BuyKindleFireHD to start purch! QtyLtd, Exp 3/3 Terms: https://t.co/UqIyJAJTfo",
	"@tweetacoffee to @jack 🎉 thanks for the demo!",
	"RT @alice: new mug drop today ☕️ example.com/shop #sale #coffee",
	"今日はいい天気ですね #日本語 コーヒーを買いました https://www.example.org/path/to/page?ref=tw&x=1",
	"lol 😂😂 👨‍👩‍👧‍👦 🇺🇸 $AAPL up again, $TSLA down. cc @bob_smith @user/list-name",
	"just a plain tweet with no entities at all, only words and punctuation!",
	"Study #ひらがな for fun and profit http://en.wikipedia.org/wiki/Primer_(film) 👍🏽",
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	n := 0
	for i := 0; i < b.N; i++ {
		r := Parse(benchTweets[i%len(benchTweets)])
		n += r.WeightedLength
	}
	if n == 0 {
		b.Fatal("nothing parsed")
	}
}

func BenchmarkParseLength(b *testing.B) {
	b.ReportAllocs()
	cfg := ConfigV3()
	for i := 0; i < b.N; i++ {
		ParseLength(benchTweets[i%len(benchTweets)], cfg)
	}
}

// BenchmarkReadPayloadPlain reads one line of a stream of plain tweets.
func BenchmarkReadPayloadPlain(b *testing.B) {
	line := []byte(`{"id":"1700000000123","from":"@buyer7","text":"I'll take one #BuyBlueMug","created_at":"2026-03-01T09:00:00.1Z"}`)
	for _, c := range []struct {
		name string
		fast bool
	}{{"fast", true}, {"general", false}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := readPayload(line, FormatAuto, c.fast); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
