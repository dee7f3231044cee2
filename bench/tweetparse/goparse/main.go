// Command goparse times tweet.Parse over a JSONL corpus (one {"text": ...}
// per line) and prints the throughput; with -dump it prints one JSON result
// per tweet instead, in the shape bench.js -dump prints, for a parity check
// against twitter-text.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/tweetpay/tweetpay/pkg/tweet"
)

type entity struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

type dump struct {
	Entities       []entity `json:"entities"`
	WeightedLength int      `json:"weightedLength"`
	Valid          bool     `json:"valid"`
	Permillage     int      `json:"permillage"`
	ValidRangeEnd  int      `json:"validRangeEnd"`
}

func main() {
	in := flag.String("in", "corpus.jsonl", "corpus file")
	rounds := flag.Int("rounds", 5, "timed passes over the corpus (the best is reported)")
	doDump := flag.Bool("dump", false, "print results instead of timing")
	flag.Parse()
	texts, err := load(*in)
	if err != nil {
		log.Fatal(err)
	}
	if *doDump {
		w := bufio.NewWriter(os.Stdout)
		defer w.Flush()
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, t := range texts {
			r := tweet.Parse(t)
			d := dump{Entities: []entity{}, WeightedLength: r.WeightedLength, Valid: r.Valid, Permillage: r.Permillage, ValidRangeEnd: r.ValidRange[1]}
			add := func(kind string, es []tweet.Entity) {
				for _, e := range es {
					s, en := tweet.UTF16Range(t, e.Start, e.End)
					d.Entities = append(d.Entities, entity{kind, e.Value, s, en})
				}
			}
			add("url", r.URLs)
			add("mention", r.Mentions)
			add("hashtag", r.Hashtags)
			add("cashtag", r.Cashtags)
			if err := enc.Encode(d); err != nil {
				log.Fatal(err)
			}
		}
		return
	}
	best := time.Duration(1<<63 - 1)
	sink := 0
	for i := 0; i < *rounds; i++ {
		start := time.Now()
		for _, t := range texts {
			r := tweet.Parse(t)
			sink += r.WeightedLength + len(r.Hashtags) + len(r.Mentions) + len(r.Cashtags) + len(r.URLs)
		}
		if d := time.Since(start); d < best {
			best = d
		}
	}
	fmt.Printf("go tweet.Parse: %d tweets, best of %d: %.0f tweets/s (checksum %d)\n",
		len(texts), *rounds, float64(len(texts))/best.Seconds(), sink/(*rounds))
}

func load(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var texts []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var v struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		texts = append(texts, v.Text)
	}
	return texts, sc.Err()
}
