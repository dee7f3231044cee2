// Command simulate-bench measures one `tweetpay simulate tweet` purchase as
// a whole process (a fresh tweet each time, durable) against one curl POST
// of a payment intent to stripe-mock, interleaved in the same run, and
// prints the medians and their ratio.
//
//	go run ./bench/simulate -tweetpay /tmp/tweetpay -stripe-mock http://127.0.0.1:12111 -n 200
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"time"
)

const config = `merchant:
  handle: "@bluemugco"
offers:
  - hashtag: BuyBlueMug
    name: Blue Mug
    price: "12.50"
buyers:
  - handle: "@alice"
    card: visa
`

func main() {
	bin := flag.String("tweetpay", "tweetpay", "tweetpay binary")
	mock := flag.String("stripe-mock", "http://127.0.0.1:12111", "stripe-mock base URL")
	n := flag.Int("n", 200, "runs of each")
	flag.Parse()

	dir, err := os.MkdirTemp("", "simulate-bench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "tweetpay.yaml"), []byte(config), 0o600); err != nil {
		log.Fatal(err)
	}
	env := append(os.Environ(), "TWEETPAY_STATE_DIR="+filepath.Join(dir, ".tweetpay"), "TWEETPAY_BACKEND=emulator")
	run := func(name string, args ...string) time.Duration {
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = dir, env
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			log.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
		return time.Since(start)
	}
	// Warm up: link the buyer, fill the page cache, build nothing on the clock.
	run(*bin, "simulate", "tweet", "--from", "@alice", "--id", "warm", "--expect", "purchased", "#BuyBlueMug")
	curlArgs := []string{"-sf", "-o", "/dev/null", "-u", "sk_test_123:", *mock + "/v1/payment_intents",
		"-d", "amount=1250", "-d", "currency=usd", "-d", "customer=cus_123", "-d", "payment_method=pm_card_visa",
		"-d", "confirm=true", "-d", "off_session=true", "-H", "Idempotency-Key: bench"}
	run("curl", curlArgs...)

	var tp, curl []time.Duration
	for i := range *n {
		curl = append(curl, run("curl", curlArgs...))
		tp = append(tp, run(*bin, "simulate", "tweet", "--from", "@alice", "--id", fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), i),
			"--expect", "purchased", "#BuyBlueMug"))
	}
	mt, mc := median(tp), median(curl)
	fmt.Printf("runs: %d each, interleaved\n", *n)
	fmt.Printf("curl POST /v1/payment_intents to stripe-mock: median %v (p90 %v)\n", mc, pct(curl, 0.9))
	fmt.Printf("tweetpay simulate tweet (purchase, durable):  median %v (p90 %v)\n", mt, pct(tp, 0.9))
	fmt.Printf("ratio: %.2fx\n", float64(mt)/float64(mc))
}

func median(d []time.Duration) time.Duration { return pct(d, 0.5) }

func pct(d []time.Duration, p float64) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(float64(len(s)-1)*p)]
}
