// Command emulator-bench serves the tweetpay Stripe emulator on a loopback
// address for load tests (see run.sh). It creates one customer with a card
// attached and prints "customer=<id> payment_method=<id>" once it listens.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/tweetpay/tweetpay/pkg/emulator"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:12111", "listen address")
	dir := flag.String("dir", "", "state directory (required)")
	flag.Parse()
	if *dir == "" {
		log.Fatal("-dir is required")
	}
	em, err := emulator.Open(*dir, emulator.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer em.Close()
	rt := em.Transport()
	post := func(path string, form url.Values) map[string]any {
		req, _ := http.NewRequest(http.MethodPost, "http://emulator"+path, strings.NewReader(form.Encode()))
		req.Header.Set("Authorization", "Bearer sk_test_123")
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := rt.RoundTrip(req)
		if err != nil {
			log.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != http.StatusOK {
			log.Fatalf("POST %s: %d %v %v", path, resp.StatusCode, m, err)
		}
		return m
	}
	cus := post("/v1/customers", url.Values{"email": {"bench@example.com"}})
	pm := post("/v1/payment_methods/pm_card_visa/attach", url.Values{"customer": {cus["id"].(string)}})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("customer=%s payment_method=%s\n", cus["id"], pm["id"])
	_ = os.Stdout.Sync()
	log.Fatal(http.Serve(ln, em))
}
