// Command seed fills an emulator state directory with charges for the
// `charges` benchmarks: purchases made the way the engine makes them (a
// Customer per buyer, tweetpay metadata), through stripe-go in-process, with
// many goroutines so that the emulator's group commit batches the writes.
//
//	go run ./bench/charges/seed -state DIR -n 100000
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tweetpay/tweetpay/pkg/emulator"
	"github.com/tweetpay/tweetpay/pkg/payment"
	stripegw "github.com/tweetpay/tweetpay/pkg/payment/stripe"
	"github.com/tweetpay/tweetpay/pkg/shop"
)

func main() {
	state := flag.String("state", "", "emulator state `dir` (required)")
	n := flag.Int("n", 100000, "number of charges")
	workers := flag.Int("workers", 64, "concurrent requests")
	flag.Parse()
	if *state == "" {
		fmt.Fprintln(os.Stderr, "seed: -state is required")
		os.Exit(2)
	}
	if err := run(*state, *n, *workers); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
}

var offers = []struct {
	tag    string
	amount int64
}{{"BuyBlueMug", 1250}, {"BuyTeaPot", 3000}, {"tweetacoffee", 500}}

func run(state string, n, workers int) error {
	em, err := emulator.Open(state, emulator.Options{})
	if err != nil {
		return err
	}
	defer em.Close()
	gw := stripegw.New(stripegw.Options{Key: "sk_test_seed", URL: "http://emulator.invalid",
		HTTPClient: &http.Client{Transport: em.Transport()}})
	ctx := context.Background()

	// Ten buyers; every tenth purchase declines (insufficient funds).
	customers := make([]string, 10)
	for i := range customers {
		h := "@buyer" + strconv.Itoa(i)
		c, found, err := gw.FindCustomer(ctx, shop.CustomerEmail(h))
		if err != nil {
			return err
		}
		if !found {
			if c, err = gw.CreateCustomer(ctx, payment.Customer{Email: shop.CustomerEmail(h),
				Metadata: map[string]string{shop.MetaHandle: h[1:]}}, "seed:customer:"+h); err != nil {
				return err
			}
		}
		customers[i] = c.ID
	}

	start := time.Now()
	var next, done, failed atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				o := offers[i%len(offers)]
				b := i % len(customers)
				card := "pm_card_visa"
				if i%10 == 9 {
					card = "pm_card_visa_chargeDeclinedInsufficientFunds"
				}
				id := "seed-" + strconv.Itoa(i)
				_, err := gw.CreatePayment(ctx, payment.PaymentRequest{
					Amount: o.amount, Currency: "usd", Customer: customers[b], PaymentMethod: card, OffSession: true,
					Description: o.tag + " via tweet " + id,
					Metadata: map[string]string{shop.MetaTweetID: id, shop.MetaOffer: o.tag, shop.MetaHashtag: o.tag,
						shop.MetaBuyer: "@buyer" + strconv.Itoa(b)},
					IdempotencyKey: "seed:" + id,
				})
				switch {
				case err == nil:
				case isDecline(err):
					failed.Add(1)
				default:
					errs <- fmt.Errorf("payment %d: %w", i, err)
					return
				}
				if d := done.Add(1); d%10000 == 0 {
					fmt.Fprintf(os.Stderr, "seed: %d charges, %.0f/s\n", d, float64(d)/time.Since(start).Seconds())
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "seed: %d charges (%d declined) in %s\n", done.Load(), failed.Load(), time.Since(start).Round(time.Millisecond))
	return nil
}

func isDecline(err error) bool { return errors.Is(err, payment.ErrDeclined) }
