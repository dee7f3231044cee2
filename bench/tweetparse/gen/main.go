// Command gen writes a seeded corpus of realistic tweets as JSONL, one
// {"text": ...} object per line, for the tweet-parsing benchmark: English and
// CJK text, purchase hashtags, mentions and replies, URLs with and without a
// protocol, emoji (skin tones, ZWJ families, flags, keycaps), prices and
// cashtags.
//
//	go run ./bench/tweetparse/gen -n 10000 -seed 1 -o corpus.jsonl
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"strings"
	"unicode/utf8"
)

var (
	words = strings.Fields(`the a to and of in is for on my this that it with just so
		love new get now today buy great deal mug coffee thanks please yes check out shop limited
		offer free shipping order launch week tonight morning friends team happy sale price drop
		best ever wow amazing here there what when why how can we you our your at from by`)
	cjk = []string{"今日はいい天気ですね", "コーヒーを買いました", "新しいマグカップ", "限定セール中",
		"ありがとうございます", "我们今天发布新产品", "欢迎购买", "한국어 트윗입니다", "감사합니다", "東京で会いましょう"}
	hashtags = []string{"#BuyBlueMug", "#ConfirmBlueMug", "#BuyTweetPayMug", "#tbt", "#coffee", "#sale",
		"#BuyAmexGiftCard25", "#BuyKindleFireHD", "#日本語", "#café", "#Go", "#100DaysOfCode", "＃ｈａｓｈｔａｇ", "#1st"}
	mentions = []string{"@tweetacoffee", "@bluemugco", "@alice", "@bob_smith", "@jack", "@TwitterDev",
		"@AmexSync", "@user/list-name", "@tweetpaydemo", "@Starbucks"}
	urls = []string{"https://t.co/UqIyJAJTfo", "http://example.com", "https://www.example.org/path/to/page?ref=tw&x=1",
		"example.com/shop", "bluemug.co/p/123", "https://en.wikipedia.org/wiki/Primer_(film)", "t.co/abcde12345",
		"https://github.com/twitter/twitter-text", "www.amazon.co.jp/dp/B000", "http://foo.jp"}
	emoji = []string{"☕", "🎉", "😂", "❤️", "👍🏽", "👨‍👩‍👧‍👦", "🇺🇸", "🇯🇵", "1️⃣", "🔥", "✨", "🙋🏽", "🏴‍☠️", "😷", "☺"}
	money = []string{"$12.50", "$5", "$AAPL", "$TSLA", "€9,99", "¥500", "$BTC.X", "$149.99+tax"}
)

func pick(r *rand.Rand, l []string) string { return l[r.IntN(len(l))] }

func tweet(r *rand.Rand) string {
	var b strings.Builder
	if r.IntN(10) == 0 {
		b.WriteString("RT " + pick(r, mentions) + ": ")
	} else if r.IntN(5) == 0 {
		b.WriteString(pick(r, mentions) + " ")
	}
	target := 40 + r.IntN(200)
	for utf8.RuneCountInString(b.String()) < target {
		switch n := r.IntN(100); {
		case n < 55:
			b.WriteString(pick(r, words))
		case n < 62:
			b.WriteString(pick(r, hashtags))
		case n < 68:
			b.WriteString(pick(r, mentions))
		case n < 73:
			b.WriteString(pick(r, urls))
		case n < 83:
			b.WriteString(pick(r, emoji))
		case n < 90:
			b.WriteString(pick(r, cjk))
		default:
			b.WriteString(pick(r, money))
		}
		switch r.IntN(12) {
		case 0:
			b.WriteString(". ")
		case 1:
			b.WriteString("! ")
		case 2:
			b.WriteString(", ")
		case 3:
			b.WriteString("\n")
		default:
			b.WriteString(" ")
		}
	}
	return strings.TrimSpace(b.String())
}

func main() {
	n := flag.Int("n", 10000, "number of tweets")
	seed := flag.Uint64("seed", 1, "random seed")
	out := flag.String("o", "-", "output file (- for stdout)")
	flag.Parse()
	w := os.Stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	r := rand.New(rand.NewPCG(*seed, *seed^0x9e3779b97f4a7c15))
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i := 0; i < *n; i++ {
		if err := enc.Encode(struct {
			Text string `json:"text"`
		}{tweet(r)}); err != nil {
			log.Fatal(err)
		}
	}
	if err := bw.Flush(); err != nil {
		log.Fatal(fmt.Errorf("write corpus: %w", err))
	}
}
