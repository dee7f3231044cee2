package charges

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/charges"
	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/payment"
)

// ShowOptions are the inputs of `charges show`.
type ShowOptions struct {
	IO      *iostreams.IOStreams
	Gateway func() (payment.Gateway, error)

	ID     string
	Output output.Format
}

// NewCmdShow returns `charges show`.
func NewCmdShow(f *cmdutil.Factory, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: f.IOStreams, Gateway: f.Gateway}
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show one charge: outcome, tweet and refunds",
		Long: `Show everything about one charge: amount and status, the provider's outcome
and seller message (why a card was declined), the tweet, offer and buyer it
came from, the card, and its refunds. ID is a charge (ch_...) or a payment
intent (pi_...), which stands for its latest charge.

An authorisation that was cancelled without being captured (its
confirmation window closed) shows as released, not refunded: no money was
taken. Stripe still reports it with refunded true and amount_refunded equal
to the amount; in JSON, released is true. Likewise, the part of an
authorisation that a capture for less did not take shows as released, and
Refunded counts only what was given back after capture; in JSON,
amount_refunded stays Stripe's, which holds both.

With -o json, one object with the fields of 'charges list -o json' plus
amount_captured, captured, description, failure_message, outcome {type,
reason, network_status, risk_level, seller_message}, gift_to, gift_code,
payment_method, card {brand, last4} and refunds [{id, amount, currency,
status, reason, created}]. Codes that are absent (failure_code,
decline_code, outcome.reason, a refund's reason) are null, as in 'simulate
tweet -o json'.

Exit status: 0 on success; 3 for an unknown ID; 2 for a bad flag; 4 for a bad
configuration or key; 6 when the provider is unavailable.`,
		Example: `  tweetpay charges show "$(tweetpay charges list -L 1 | cut -f1)"
  tweetpay charges show "$(tweetpay charges list -L 1 -o json | jq -r '.[0].payment_intent')" -o json`,
		Args: cmdutil.ExactArgs(1, "a charge ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			if strings.TrimSpace(opts.ID) == "" {
				return cmdutil.FlagErrorf("the charge ID is empty")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return showRun(cmd.Context(), opts)
		},
	}
	output.AddFlag(cmd, &opts.Output)
	return cmd
}

func showRun(ctx context.Context, opts *ShowOptions) error {
	gw, err := opts.Gateway()
	if err != nil {
		return err
	}
	d, err := charges.Show(ctx, gw, opts.ID)
	if err != nil {
		return err
	}
	if opts.Output == output.JSON {
		return output.WriteJSON(opts.IO.Out, d)
	}
	printDetail(opts.IO.Out, d)
	return nil
}

// printDetail writes a charge for people: label and value per line, empty
// values left out.
func printDetail(w io.Writer, d charges.Detail) {
	var b strings.Builder
	line := func(label, value string) {
		if value != "" {
			output.Fprintf(&b, "%-17s %s\n", label+":", value)
		}
	}
	line("Charge", d.ID)
	st := d.Status
	if d.Status == charges.StatusSucceeded && !d.Captured {
		st += ", not captured"
	}
	line("Status", st)
	line("Amount", formatAmount(d.Amount, d.Currency))
	if d.Captured && d.AmountCaptured != d.Amount {
		line("Captured", formatAmount(d.AmountCaptured, d.Currency))
	}
	// Stripe reports a release as a refund, of the whole authorisation or
	// of what a partial capture left; no money moved for it.
	uncaptured := charges.Uncaptured(payment.Charge{Amount: d.Amount, AmountCaptured: d.AmountCaptured, Captured: d.Captured})
	switch {
	case d.Released:
		line("Released", fmt.Sprintf("the authorisation of %s was cancelled, never captured", formatAmount(d.Amount, d.Currency)))
	case uncaptured > 0:
		line("Released", fmt.Sprintf("%s of the authorisation, not captured", formatAmount(uncaptured, d.Currency)))
	}
	if r := d.AmountRefunded - uncaptured; !d.Released && r > 0 {
		s := formatAmount(r, d.Currency)
		if d.Refunded {
			s += " (fully refunded)"
		} else {
			s += fmt.Sprintf(" (%s left)", formatAmount(d.Amount-d.AmountRefunded, d.Currency))
		}
		line("Refunded", s)
	}
	line("Created", d.Created)
	line("Buyer", d.Buyer)
	line("Offer", d.Offer)
	if d.Hashtag != "" {
		line("Hashtag", "#"+strings.TrimLeft(d.Hashtag, "#"))
	}
	line("Tweet", d.TweetID)
	line("Gift to", d.GiftTo)
	line("Gift code", d.GiftCode)
	line("Description", d.Description)
	line("Customer", d.Customer)
	line("Payment", d.PaymentIntent)
	if d.Card.Last4 != "" {
		line("Card", strings.TrimSpace(d.Card.Brand+" ····"+d.Card.Last4))
	}
	o := d.Outcome
	outcome := strings.Join(nonEmpty(o.Type, o.NetworkStatus, string(o.Reason)), ", ")
	line("Outcome", outcome)
	line("Risk level", o.RiskLevel)
	line("Seller message", o.SellerMessage)
	if d.Status == charges.StatusFailed {
		line("Failure", strings.Join(nonEmpty(string(d.FailureCode), string(d.DeclineCode)), " / "))
		line("Failure message", d.FailureMessage)
	}
	if len(d.Refunds) > 0 {
		if d.Released {
			b.WriteString("Released by:\n")
		} else {
			b.WriteString("Refunds:\n")
		}
		for _, r := range d.Refunds {
			output.Fprintf(&b, "  %s  %s  %s  %s", r.ID, formatAmount(r.Amount, r.Currency), r.Status, r.Created)
			if r.Reason != "" {
				output.Fprintf(&b, "  %s", r.Reason)
			}
			b.WriteString("\n")
		}
	}
	io.WriteString(w, b.String())
}

func nonEmpty(s ...string) []string {
	out := s[:0:0]
	for _, v := range s {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
