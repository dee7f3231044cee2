package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchFile is a realistic tweetpay.yaml: the starter file of config init
// with 20 more offers and 50 buyers.
func benchFile() string {
	var offers, buyers strings.Builder
	for i := range 20 {
		fmt.Fprintf(&offers, "  - hashtag: BuyItem%d\n    name: Item %d\n    price: \"%d.50\"\n    stock: 100\n    per_buyer_limit: 2\n    countries: [US, CA, GB]\n", i, i, i+1)
		if i%4 == 0 {
			fmt.Fprintf(&offers, "    confirm:\n      hashtag: ConfirmItem%d\n      window: 30m\n", i)
		}
	}
	for i := range 50 {
		fmt.Fprintf(&buyers, "  - handle: \"@buyer%d\"\n    card: visa\n    country: US\n    user_id: \"%d\"\n", i, 1000+i)
	}
	file := strings.Replace(Starter, "\nbuyers:\n", offers.String()+"\nbuyers:\n", 1)
	return file + buyers.String()
}

// BenchmarkLoad measures loading the configuration from a file, as every
// command does at start-up.
func BenchmarkLoad(b *testing.B) {
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tweetpay.yaml"), []byte(benchFile()), 0o600); err != nil {
		b.Fatal(err)
	}
	opts := Options{Dir: dir, LookupEnv: func(k string) (string, bool) {
		if k == "HOME" {
			return dir, true
		}
		return "", false
	}}
	c, err := Load(opts)
	if err != nil {
		b.Fatal(err)
	}
	if len(c.Offers) != 22 || len(c.Buyers) != 51 {
		b.Fatalf("loaded %d offers and %d buyers, want 22 and 51", len(c.Offers), len(c.Buyers))
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(opts); err != nil {
			b.Fatal(err)
		}
	}
}
