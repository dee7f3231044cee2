package stream_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/tweetpay/tweetpay/internal/cputime"
	"github.com/tweetpay/tweetpay/pkg/buyer"
	"github.com/tweetpay/tweetpay/pkg/emulator"
	"github.com/tweetpay/tweetpay/pkg/offer"
	stripegw "github.com/tweetpay/tweetpay/pkg/payment/stripe"
	"github.com/tweetpay/tweetpay/pkg/shop"
	"github.com/tweetpay/tweetpay/pkg/statedb"
	"github.com/tweetpay/tweetpay/pkg/stream"
)

// BenchmarkPipeline runs b.N purchase tweets from 1,000 buyers through the
// whole stream: the stream processor with 64 workers, shop.Engine, the
// stripe-go gateway and the durable in-process emulator, as `simulate
// stream` does. It reports tweets/s and the process's CPU time a tweet.
func BenchmarkPipeline(b *testing.B) {
	const buyers = 1000
	dir := b.TempDir()
	em, err := emulator.Open(dir, emulator.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer em.Close()
	gw := stripegw.New(stripegw.Options{Key: "sk_test_bench", URL: "http://emulator.invalid",
		HTTPClient: &http.Client{Transport: em.Transport()}})
	store, err := shop.OpenStore(dir, statedb.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	rs, err := offer.ValidateAll([]offer.Offer{{Hashtag: "BuyBlueMug", Name: "Blue Mug", Price: "12.50"}},
		offer.Defaults{Country: "US", Currency: "usd"})
	if err != nil {
		b.Fatal(err)
	}
	var accounts []shop.Account
	for i := range buyers {
		r, err := buyer.Resolve(buyer.Buyer{Handle: fmt.Sprintf("@buyer%d", i), Card: "visa"}, "US")
		if err != nil {
			b.Fatal(err)
		}
		accounts = append(accounts, shop.Account{Handle: r.Handle, Country: r.Country, Card: r.Card})
	}
	eng := shop.New(shop.Options{Gateway: gw, Store: store, Offers: rs, Buyers: accounts, Merchant: "@shop"})
	var in bytes.Buffer
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for i := range b.N {
		line, _ := json.Marshal(map[string]string{"id": fmt.Sprint(1700000000000 + i), "from": fmt.Sprintf("@buyer%d", (i*7919)%buyers),
			"text": "I'll take one #BuyBlueMug", "created_at": t0.Add(time.Duration(i) * 100 * time.Millisecond).Format(time.RFC3339Nano)})
		in.Write(line)
		in.WriteByte('\n')
	}
	b.ReportAllocs()
	em0, sim0 := em.WriterStats(), store.WriterStats()
	cpu0 := cputime.Process()
	b.ResetTimer()
	sum, err := stream.Run(context.Background(), &in, eng, stream.Options{Concurrency: 64})
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if sum.Outcomes[shop.Purchased] != b.N {
		b.Fatalf("purchased %d of %d: %v", sum.Outcomes[shop.Purchased], b.N, sum.Outcomes)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tweets/s")
	// CPU a tweet (the whole process's) moves less than throughput when
	// other work shares the machine.
	b.ReportMetric(float64(cputime.Process()-cpu0)/float64(time.Microsecond)/float64(b.N), "cpu-µs/op")
	// How much of the run each state file's writer was busy, and how many
	// requests the emulator's served a commit: a writer busy nearly all the
	// time is what bounds the stream.
	em1, sim1 := em.WriterStats(), store.WriterStats()
	b.ReportMetric(100*float64(em1.Busy-em0.Busy)/float64(b.Elapsed()), "emulator-writer-busy-%")
	b.ReportMetric(100*float64(sim1.Busy-sim0.Busy)/float64(b.Elapsed()), "sim-writer-busy-%")
	if n := em1.Commits - em0.Commits; n > 0 {
		b.ReportMetric(float64(em1.Functions-em0.Functions)/float64(n), "emulator-req/commit")
	}
}
