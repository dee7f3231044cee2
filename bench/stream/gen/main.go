// Command gen writes a realistic stream of tweets for `tweetpay simulate
// stream`, one JSON payload per line, reproducibly from a seed; with
// -config it also writes the tweetpay.yaml whose offers and buyers the
// stream refers to.
//
//	go run ./bench/stream/gen -n 100000 -mix purchase -config tweetpay.yaml > tweets.jsonl
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"
)

func main() {
	n := flag.Int("n", 100000, "number of lines")
	seed := flag.Uint64("seed", 1, "random seed: the same seed gives the same stream")
	mix := flag.String("mix", "realistic", "purchase (every line a purchase) or realistic (purchases, confirmations, gifts, declines, noise, all payload shapes)")
	buyers := flag.Int("buyers", 1000, "number of linked buyers")
	config := flag.String("config", "", "also write a tweetpay.yaml for the stream to this file")
	start := flag.String("start", "2026-03-01T09:00:00Z", "time of the first tweet")
	flag.Parse()
	t0, err := time.Parse(time.RFC3339, *start)
	if err != nil || *n < 0 || *buyers < 1 || (*mix != "purchase" && *mix != "realistic") {
		fmt.Fprintln(os.Stderr, "gen: bad flags")
		os.Exit(2)
	}
	if *config != "" {
		if err := writeConfig(*config, *buyers); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	}
	g := &gen{rng: rand.New(rand.NewPCG(*seed, 0x7477656574)), seed: *seed, buyers: *buyers, t: t0}
	w := bufio.NewWriterSize(os.Stdout, 1<<16)
	defer w.Flush()
	for i := 0; i < *n; i++ {
		var line []byte
		if *mix == "purchase" {
			line = g.plain(g.buyer(), "I'll take one #BuyBlueMug")
		} else {
			line = g.realistic()
		}
		w.Write(line)
		w.WriteByte('\n')
	}
}

type gen struct {
	rng     *rand.Rand
	seed    uint64
	buyers  int
	t       time.Time
	seq     int
	pending []string // buyers who bought the Kindle and may confirm
}

func (g *gen) id() string {
	g.seq++
	return fmt.Sprintf("%d%09d", 1700000000+g.seed%1000, g.seq)
}

func (g *gen) now() time.Time {
	g.t = g.t.Add(time.Duration(50+g.rng.IntN(100)) * time.Millisecond)
	return g.t
}

func (g *gen) buyer() string { return fmt.Sprintf("buyer%d", g.rng.IntN(g.buyers)) }

func (g *gen) realistic() []byte {
	p := g.rng.IntN(100)
	switch {
	case p < 50:
		return g.any(g.buyer(), pick(g.rng, "#BuyBlueMug please!", "want one #BuyBlueMug", "#buybluemug", "Gift for mom #BuyBlueMug ☕"))
	case p < 58:
		b := g.buyer()
		g.pending = append(g.pending, b)
		return g.any(b, "Yes! #BuyKindle")
	case p < 66 && len(g.pending) > 0:
		i := g.rng.IntN(len(g.pending))
		b := g.pending[i]
		g.pending = append(g.pending[:i], g.pending[i+1:]...)
		return g.any(b, "#ConfirmKindle")
	case p < 76:
		to := fmt.Sprintf("@friend%d", g.rng.IntN(5000))
		return g.any(g.buyer(), "@tweetacoffee to "+to+" thanks!")
	case p < 81:
		return g.any(fmt.Sprintf("broke%d", g.rng.IntN(20)), "#BuyBlueMug")
	case p < 86:
		return g.any(fmt.Sprintf("stranger%d", g.rng.IntN(100000)), "#BuyBlueMug")
	case p < 90:
		return g.any(g.buyer(), "RT @bluemugco: Tweet #BuyBlueMug to get one")
	default:
		return g.any(g.buyer(), pick(g.rng, "lovely weather", "what a mug", "@bluemugco when is the next drop?", "#mugs are great"))
	}
}

// any writes the tweet in one of the payload shapes.
func (g *gen) any(from, text string) []byte {
	switch p := g.rng.IntN(10); {
	case p < 7:
		return g.plain(from, text)
	case p < 8:
		return g.v2(from, text)
	case p < 9:
		return g.v1(from, text, false)
	default:
		return g.v1(from, text, true)
	}
}

func (g *gen) plain(from, text string) []byte {
	b, _ := json.Marshal(map[string]string{"id": g.id(), "from": "@" + from, "text": text, "created_at": g.now().Format(time.RFC3339Nano)})
	return b
}

func (g *gen) v2(from, text string) []byte {
	uid := fmt.Sprint(1000000 + len(from)*7919 + int(from[len(from)-1]))
	b, _ := json.Marshal(map[string]any{
		"data":     map[string]any{"id": g.id(), "text": text, "author_id": uid, "created_at": g.now().Format("2006-01-02T15:04:05.000Z"), "edit_history_tweet_ids": []string{}},
		"includes": map[string]any{"users": []map[string]string{{"id": uid, "username": from, "name": from}}},
	})
	return b
}

func (g *gen) v1(from, text string, activity bool) []byte {
	tw := map[string]any{
		"id_str": g.id(), "text": text, "created_at": g.now().Format(time.RubyDate),
		"user": map[string]string{"id_str": fmt.Sprint(2000000 + len(from)), "screen_name": from},
	}
	if strings.HasPrefix(text, "RT @") {
		tw["retweeted_status"] = map[string]any{"id_str": "1", "text": text[4:], "user": map[string]string{"id_str": "9", "screen_name": "bluemugco"}}
	}
	if activity {
		b, _ := json.Marshal(map[string]any{"for_user_id": "9", "tweet_create_events": []any{tw}})
		return b
	}
	b, _ := json.Marshal(tw)
	return b
}

func pick(r *rand.Rand, s ...string) string { return s[r.IntN(len(s))] }

func writeConfig(path string, buyers int) error {
	var b strings.Builder
	b.WriteString(`# Written by bench/stream/gen.
merchant:
  handle: "@bluemugco"
  country: US
  currency: usd
stripe:
  backend: emulator
offers:
  - hashtag: BuyBlueMug
    name: Blue Mug
    price: "12.50"
  - hashtag: BuyKindle
    name: Kindle Fire HD
    price: "149.99"
    confirm:
      hashtag: ConfirmKindle
      window: 15m
  - gift_handle: tweetacoffee
    name: Coffee eGift
    price: "5.00"
buyers:
`)
	for i := 0; i < buyers; i++ {
		card := []string{"visa", "mastercard", "amex"}[i%3]
		fmt.Fprintf(&b, "  - {handle: \"@buyer%d\", card: %s}\n", i, card)
	}
	for i := 0; i < 20; i++ {
		card := []string{"declined", "insufficient_funds"}[i%2]
		fmt.Fprintf(&b, "  - {handle: \"@broke%d\", card: %s}\n", i, card)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
