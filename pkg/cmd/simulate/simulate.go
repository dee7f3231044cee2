// Package simulate holds the `tweetpay simulate` commands: tweets through
// the purchase engine, one at a time, in scenarios, or as streams.
package simulate

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/money"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/shop"
)

// NewCmdSimulate returns the simulate noun with its verbs.
func NewCmdSimulate(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.Group("simulate", "Simulate buyers' tweets through the purchase engine",
		`Run buyers' tweets through the purchase engine as the merchant's bot would:
one tweet, a JSONL stream of them, or scenario files with expectations. The
offers and buyers come from the config file, and payments go to the
configured backend (the embedded emulator by default).

The simulation's state (processed tweets, purchases awaiting their
confirmation hashtag, units sold) is kept in the state directory, so tweet,
stream, pending and expire carry on from each other; a tweet ID already
processed gives back its first result and charges nothing. Scenarios are
the exception: each one runs on a fresh state of its own.`,
		NewCmdTweet(f, nil),
		NewCmdPending(f, nil),
		NewCmdExpire(f, nil),
		NewCmdRun(f, nil),
		NewCmdStream(f, nil),
	)
}

// parseTime reads a time flag: RFC3339, or "now".
func parseTime(s string) (time.Time, error) {
	if s == "" || s == "now" {
		return time.Now().UTC().Truncate(time.Second), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, cmdutil.FlagErrorf("invalid time %q: use RFC3339, such as 2026-11-24T10:00:00Z", s)
	}
	return t.UTC(), nil
}

// printResult writes the human form of a result.
func printResult(w io.Writer, r shop.Result) {
	var b strings.Builder
	mark := map[string]string{
		shop.Purchased: "✓", shop.Confirmed: "✓", shop.Gifted: "✓", shop.AwaitingConfirmation: "…",
		shop.Declined: "✗", shop.Rejected: "✗", shop.Expired: "✗", shop.Ignored: "-",
	}[r.Outcome]
	fmt.Fprintf(&b, "%s %s", mark, r.Outcome)
	if r.Reason != nil {
		fmt.Fprintf(&b, " (%s)", *r.Reason)
	}
	if r.Offer != nil {
		fmt.Fprintf(&b, "  offer %s", *r.Offer)
	}
	if r.Amount > 0 && r.Currency != nil {
		fmt.Fprintf(&b, "  %s", money.Format(r.Amount, *r.Currency))
	}
	if r.DeclineCode != nil || r.ErrorCode != nil {
		fmt.Fprintf(&b, "  %s", strings.Trim(shop.Str(r.ErrorCode)+"/"+shop.Str(r.DeclineCode), "/"))
	}
	if r.Duplicate {
		b.WriteString("  (duplicate: first result)")
	}
	fmt.Fprintf(&b, "\n  tweet %s from %s at %s\n", r.TweetID, r.From, r.At.Format(time.RFC3339))
	if r.PaymentIntent != nil {
		fmt.Fprintf(&b, "  payment %s", *r.PaymentIntent)
		if r.Charge != nil {
			fmt.Fprintf(&b, "  charge %s", *r.Charge)
		}
		b.WriteString("\n")
	}
	if r.ConfirmBy != nil {
		fmt.Fprintf(&b, "  confirm by %s\n", *r.ConfirmBy)
	}
	for _, g := range r.Gifts {
		fmt.Fprintf(&b, "  gift to %s: %s", g.To, g.Outcome)
		if g.GiftCode != nil {
			fmt.Fprintf(&b, " %s", *g.GiftCode)
		}
		if g.Charge != nil {
			fmt.Fprintf(&b, " charge %s", *g.Charge)
		}
		if g.DeclineCode != nil || g.ErrorCode != nil {
			fmt.Fprintf(&b, " %s", strings.Trim(shop.Str(g.ErrorCode)+"/"+shop.Str(g.DeclineCode), "/"))
		}
		if g.Reason != nil {
			fmt.Fprintf(&b, " (%s)", *g.Reason)
		}
		b.WriteString("\n")
	}
	if r.Reply != "" {
		fmt.Fprintf(&b, "  reply: %s\n", r.Reply)
	}
	io.WriteString(w, output.EscapeText(b.String()))
}
