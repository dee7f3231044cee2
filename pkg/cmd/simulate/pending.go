package simulate

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/money"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/shop"
)

// PendingOptions are the inputs of `simulate pending`.
type PendingOptions struct {
	IO     *iostreams.IOStreams
	Engine func() (*shop.Engine, error)
	Output output.Format
}

// NewCmdPending returns `simulate pending`.
func NewCmdPending(f *cmdutil.Factory, runF func(context.Context, *PendingOptions) error) *cobra.Command {
	opts := &PendingOptions{IO: f.IOStreams, Engine: f.Engine}
	cmd := &cobra.Command{
		Use:   "pending",
		Short: "List purchases awaiting their confirmation hashtag",
		Long: `List the authorised purchases that wait for the buyer's confirmation hashtag,
soonest deadline first.

Each purchase's payment is looked up at the provider, and its status
shown: awaiting_confirmation, or released when its authorisation was
cancelled meanwhile (by charges refund, from the Dashboard, or by Stripe
after 7 days): a confirmation then answers expired (payment_canceled),
and simulate expire sweeps it and gives its unit back to stock. captured
means it was captured outside tweetpay; unknown that the provider could
not be asked (a warning on standard error says why).

With -o json, an array of {"tweet_id", "buyer", "offer", "confirm_hashtag",
"amount", "currency", "payment_intent", "charge", "at", "confirm_by",
"status"} (amount in minor units, times in RFC 3339 UTC).

Exit status: 0 (also when nothing is pending); 4 when the config file is
invalid; 6 if another process holds the state.`,
		Example: `  tweetpay simulate pending
  tweetpay simulate pending -o csv > pending.csv`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return pendingRun(cmd.Context(), opts)
		},
	}
	output.AddListFlag(cmd, &opts.Output)
	return cmd
}

type pendingRow struct {
	TweetID       string `json:"tweet_id"`
	Buyer         string `json:"buyer"`
	Offer         string `json:"offer"`
	ConfirmTag    string `json:"confirm_hashtag"`
	Amount        int64  `json:"amount"`
	Currency      string `json:"currency"`
	PaymentIntent string `json:"payment_intent"`
	Charge        string `json:"charge"`
	At            string `json:"at"`
	ConfirmBy     string `json:"confirm_by"`
	Status        string `json:"status"`
}

var pendingColumns = []output.Column[pendingRow]{
	{Header: "TWEET", Value: func(p pendingRow) string { return p.TweetID }},
	{Header: "BUYER", Value: func(p pendingRow) string { return p.Buyer }},
	{Header: "OFFER", Value: func(p pendingRow) string { return p.Offer }},
	{Header: "CONFIRM WITH", Value: func(p pendingRow) string { return "#" + p.ConfirmTag }},
	{Header: "AMOUNT", Value: func(p pendingRow) string { return money.Format(p.Amount, p.Currency) }},
	{Header: "PAYMENT", Value: func(p pendingRow) string { return p.PaymentIntent }},
	{Header: "CONFIRM BY", Value: func(p pendingRow) string { return p.ConfirmBy }},
	{Header: "STATUS", Value: func(p pendingRow) string { return p.Status }},
}

func pendingRun(ctx context.Context, opts *PendingOptions) error {
	eng, err := opts.Engine()
	if err != nil {
		return err
	}
	ps, err := eng.Pending()
	if err != nil {
		return err
	}
	statuses, err := eng.PendingStatus(ctx, ps)
	if statuses == nil {
		return err
	}
	if err != nil {
		// The state is listed whatever the provider says: what it
		// could not tell is "unknown".
		output.Fprintf(opts.IO.ErrOut, "warning: could not check every payment: %v\n", err)
	}
	rows := make([]pendingRow, 0, len(ps))
	for i, p := range ps {
		rows = append(rows, pendingRow{
			TweetID: p.TweetID, Buyer: "@" + p.Buyer, Offer: p.OfferTag, ConfirmTag: p.ConfirmTag,
			Amount: p.Amount, Currency: p.Currency, PaymentIntent: p.PaymentIntent, Charge: p.Charge,
			At: p.At.Format(time.RFC3339), ConfirmBy: p.Deadline.Format(time.RFC3339), Status: statuses[i],
		})
	}
	return output.Print(opts.IO, opts.Output, rows, pendingColumns)
}
