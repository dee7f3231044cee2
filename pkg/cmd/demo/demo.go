// Package demo holds `tweetpay demo`: the whole story on a fresh embedded
// emulator.
package demo

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/buyer"
	"github.com/tweetpay/tweetpay/pkg/charges"
	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/money"
	"github.com/tweetpay/tweetpay/pkg/offer"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/payment"
	"github.com/tweetpay/tweetpay/pkg/shop"
)

// The demo's merchant, and the defaults its offers and buyers inherit.
var demoMerchant = config.Merchant{Handle: "@bluemugco", Country: "US", Currency: "usd"}

// Options are the inputs of `demo`.
type Options struct {
	IO        *iostreams.IOStreams
	EngineFor func(cmdutil.EngineSpec) (*shop.Engine, func() error, error)
	Keep      bool
	Output    output.Format
}

// NewCmdDemo returns `demo`. Its engine is a standalone one: the demo never
// reads the user's configuration (see cmdutil.EngineSpec.Standalone).
func NewCmdDemo(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, EngineFor: f.EngineFor}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole story on a fresh embedded emulator",
		Long: `Run the three historical tweet-to-buy flows end to end on a fresh embedded
emulator, in a temporary state directory, without touching tweetpay.yaml or
your state: offers and buyers are declared, a buyer buys by hashtag, another's
card is declined, an Amex-style purchase is confirmed in time and another
expires, a Starbucks-style gift is sent, a buyer outside the allowed
countries is refused, and the charges are listed.

The demo brings its own merchant, offers and buyers, and never reads or
writes a config file: a missing or broken tweetpay.yaml does not matter. For
the same reason --config, --backend, --api-key, --api-base, --live and
--state-dir (and their environment variables) do not apply: payments always
go to an in-process emulator, never to Stripe, and the state lives in a new
directory under $TMPDIR, removed at the end unless --keep is given.

With -o json, prints {"results": [...], "charges": [...]}. Exit status: 0 when
every step had its expected outcome, 7 otherwise.`,
		Example: `  tweetpay demo
  tweetpay demo -o json > demo.json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return demoRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Keep, "keep", false, "Keep the temporary state directory and print where it is")
	output.AddFlag(cmd, &opts.Output)
	return cmd
}

func intp(n int) *int { return &n }

var demoOffers = []offer.Offer{
	{Hashtag: "BuyBlueMug", Name: "Blue Mug", Price: "12.50", Stock: intp(10), PerBuyerLimit: intp(2)},
	{Hashtag: "BuyKindleFireHD", Name: "Kindle Fire HD", Price: "149.99",
		Confirm: &offer.Confirm{Hashtag: "ConfirmKindleFireHD", Window: "15m"}},
	{GiftHandle: "tweetacoffee", Name: "Coffee eGift", Price: "5.00", Countries: []string{"US", "CA"}},
}

var demoBuyers = []buyer.Buyer{
	{Handle: "@alice", Card: "visa", Name: "Alice"},
	{Handle: "@bob", Card: "charge_customer_fail", Name: "Bob"},
	{Handle: "@carol", Card: "mastercard", Country: "CA", Name: "Carol"},
	{Handle: "@dave", Card: "amex", Name: "Dave"},
}

type step struct {
	title  string
	from   string
	text   string
	at     string // offset from the start
	expect string
}

var demoSteps = []step{
	{"A buyer tweets the purchase hashtag", "@alice", "Need coffee in style #BuyBlueMug", "0m", shop.Purchased},
	{"A buyer whose card declines tweets it", "@bob", "#BuyBlueMug for me too", "1m", shop.Declined},
	{"Amex flow: the purchase tweet authorises", "@alice", "#BuyKindleFireHD", "2m", shop.AwaitingConfirmation},
	{"Amex flow: confirmed within the window", "@alice", "#ConfirmKindleFireHD", "9m", shop.Confirmed},
	{"Amex flow: another buyer authorises", "@dave", "#BuyKindleFireHD please", "10m", shop.AwaitingConfirmation},
	{"Amex flow: the confirmation comes too late", "@dave", "#ConfirmKindleFireHD", "30m", shop.Expired},
	{"Starbucks flow: a gift for two friends", "@alice", "@tweetacoffee to @carol and @jack ☕", "31m", shop.Gifted},
	{"Country rule: a Canadian buyer, a US-only offer", "@carol", "#BuyBlueMug", "32m", shop.Rejected},
	{"A retweet never buys", "@dave", "RT @alice: Need coffee in style #BuyBlueMug", "33m", shop.Ignored},
}

func demoRun(ctx context.Context, opts *Options) error {
	dir, err := os.MkdirTemp("", "tweetpay-demo-")
	if err != nil {
		return err
	}
	if !opts.Keep {
		defer os.RemoveAll(dir)
	}
	eng, closeFn, err := opts.EngineFor(cmdutil.EngineSpec{StateDir: dir, Offers: demoOffers, Buyers: demoBuyers,
		Standalone: true, Merchant: demoMerchant, Throwaway: !opts.Keep})
	if err != nil {
		return err
	}
	defer closeFn()

	human := opts.Output != output.JSON
	w := opts.IO.Out
	start := time.Date(2013, 2, 11, 10, 0, 0, 0, time.UTC) // the day Amex launched tweet purchases
	if human {
		fmt.Fprintln(w, "Offers")
		for _, o := range demoOffers {
			r, err := offer.Resolve(o, offer.Defaults{Country: demoMerchant.Country, Currency: demoMerchant.Currency})
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "  %-18s %s\n", r.Label(), offer.TweetText(r, demoMerchant.Handle))
		}
		fmt.Fprintln(w, "\nBuyers")
		// Columns as wide as their longest cell: a card's name and token
		// vary from "visa (pm_card_visa)" to far longer.
		cards := make([]string, len(demoBuyers))
		width := 0
		for i, b := range demoBuyers {
			c, _ := buyer.ResolveCard(b.Card)
			cards[i] = b.Card + " (" + c.Token + ")"
			width = max(width, len(cards[i]))
		}
		for i, b := range demoBuyers {
			country := b.Country
			if country == "" {
				country = demoMerchant.Country
			}
			fmt.Fprintf(w, "  %-7s %-*s %s\n", b.Handle, width, cards[i], country)
		}
	}
	var results []shop.Result
	failed := 0
	for i, s := range demoSteps {
		off, _ := time.ParseDuration(s.at)
		r, err := eng.Process(ctx, shop.Tweet{ID: fmt.Sprintf("demo-%d", i+1), From: s.from, Text: s.text, At: start.Add(off)})
		if err != nil {
			return err
		}
		results = append(results, r)
		if r.Outcome != s.expect {
			failed++
		}
		if human {
			fmt.Fprintf(w, "\n%d. %s\n   %s tweets %q\n", i+1, s.title, s.from, s.text)
			printOutcome(w, r, s.expect)
		}
	}
	rows, err := collect(ctx, eng.Gateway())
	if err != nil {
		return err
	}
	if human {
		fmt.Fprintln(w, "\nCharges on the emulator, newest first")
		if err := output.Print(opts.IO, output.Table, rows, chargeColumns); err != nil {
			return err
		}
		if opts.Keep {
			fmt.Fprintf(opts.IO.ErrOut, "state kept in %s\n", dir)
		}
	} else {
		if err := output.WriteJSON(w, map[string]any{"results": results, "charges": rows}); err != nil {
			return err
		}
	}
	if failed > 0 {
		return &cmdutil.ExitError{Code: 7, Err: fmt.Errorf("%d demo steps did not have their expected outcome", failed)}
	}
	return nil
}

func printOutcome(w io.Writer, r shop.Result, expect string) {
	mark := "✓"
	if r.Outcome != expect {
		mark = "✗ (expected " + expect + ")"
	}
	line := "   → " + r.Outcome
	if r.Reason != nil {
		line += " (" + *r.Reason + ")"
	}
	if r.DeclineCode != nil {
		line += " " + *r.DeclineCode
	}
	if r.Amount > 0 && r.Currency != nil {
		if a, err := money.New(r.Amount, *r.Currency); err == nil {
			line += " " + a.String()
		}
	}
	fmt.Fprintf(w, "%s %s\n", line, mark)
	if r.Reply != "" {
		fmt.Fprintf(w, "   reply: %s\n", r.Reply)
	}
}

// chargeRow is a charge in the demo's JSON ("charges") and table. Status,
// Captured and Refunded are Stripe's; Released tells an authorisation that
// was cancelled without being captured (Stripe reports it refunded in full)
// from a refund.
type chargeRow struct {
	ID          string       `json:"id"`
	Buyer       string       `json:"buyer"`
	Offer       string       `json:"offer"`
	Amount      int64        `json:"amount"`
	Currency    string       `json:"currency"`
	Status      string       `json:"status"`
	Captured    bool         `json:"captured"`
	Refunded    int64        `json:"amount_refunded"`
	Released    bool         `json:"released"`
	DeclineCode charges.Code `json:"decline_code"`
	formatted   string
	// shown is the STATUS column, as in `charges list`.
	shown string
}

var chargeColumns = []output.Column[chargeRow]{
	{Header: "CHARGE", Value: func(c chargeRow) string { return c.ID }},
	{Header: "BUYER", Value: func(c chargeRow) string { return c.Buyer }},
	{Header: "OFFER", Value: func(c chargeRow) string { return c.Offer }},
	{Header: "AMOUNT", Value: func(c chargeRow) string { return c.formatted }},
	{Header: "STATUS", Value: func(c chargeRow) string { return c.shown }},
	{Header: "DECLINE", Value: func(c chargeRow) string { return string(c.DeclineCode) }},
}

func collect(ctx context.Context, gw payment.Gateway) ([]chargeRow, error) {
	rows := []chargeRow{}
	for c, err := range gw.ListCharges(ctx, payment.ChargeFilter{}) {
		if err != nil {
			return nil, err
		}
		row := chargeRow{
			ID: c.ID, Buyer: c.Metadata[shop.MetaBuyer], Offer: c.Metadata[shop.MetaOffer],
			Amount: c.Amount, Currency: c.Currency, Status: c.Status, Captured: c.Captured,
			Refunded: c.AmountRefunded, Released: charges.Released(c), DeclineCode: charges.Code(charges.Failure(c)),
			shown: charges.DisplayStatus(c),
		}
		if a, err := money.New(c.Amount, c.Currency); err == nil {
			row.formatted = a.String()
		}
		rows = append(rows, row)
	}
	return rows, nil
}
