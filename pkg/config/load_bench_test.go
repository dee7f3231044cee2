package config

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// benchFile is a realistic tweetpay.yaml: the starter file of config init
// with as many more offers and buyers as asked.
func benchFile(offers, buyers int) string {
	var o, bs strings.Builder
	for i := range offers {
		fmt.Fprintf(&o, "  - hashtag: BuyItem%d\n    name: Item %d\n    price: \"%d.50\"\n    stock: 100\n    per_buyer_limit: 2\n    countries: [US, CA, GB]\n", i, i, i+1)
		if i%4 == 0 {
			fmt.Fprintf(&o, "    confirm:\n      hashtag: ConfirmItem%d\n      window: 30m\n", i)
		}
	}
	for i := range buyers {
		fmt.Fprintf(&bs, "  - handle: \"@buyer%d\"\n    card: visa\n    country: US\n    user_id: \"%d\"\n", i, 1000+i)
	}
	file := strings.Replace(Starter, "\nbuyers:\n", o.String()+"\nbuyers:\n", 1)
	return file + bs.String()
}

// BenchmarkLoad measures loading the configuration from a file, as every
// command does at start-up: that starter file with 20 more offers and 50
// buyers. retained-B is the heap a loaded Config keeps.
func BenchmarkLoad(b *testing.B) {
	benchLoad(b, 20, 50)
}

// BenchmarkLoadManyBuyers is BenchmarkLoad with 10,000 buyers, as the
// stream benchmarks have.
func BenchmarkLoadManyBuyers(b *testing.B) {
	benchLoad(b, 20, 10000)
}

func benchLoad(b *testing.B, offers, buyers int) {
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tweetpay.yaml"), []byte(benchFile(offers, buyers)), 0o600); err != nil {
		b.Fatal(err)
	}
	opts := Options{Dir: dir, LookupEnv: func(k string) (string, bool) {
		if k == "HOME" {
			return dir, true
		}
		return "", false
	}}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c, err := Load(opts)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if len(c.Offers) != offers+2 || len(c.Buyers) != buyers+1 {
		b.Fatalf("loaded %d offers and %d buyers, want %d and %d", len(c.Offers), len(c.Buyers), offers+2, buyers+1)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(after.HeapAlloc)-float64(before.HeapAlloc), "retained-B")
}
