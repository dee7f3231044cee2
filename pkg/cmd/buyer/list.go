package buyer

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/buyer"
	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
)

// ListOptions are the inputs of `buyer list`.
type ListOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Output output.Format
}

// NewCmdList returns `buyer list`.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the test buyers of tweetpay.yaml",
		Long: `List the test buyers of the config file in file order: handle, card as
written, the pm_card_* token it resolves to, country (the merchant's when
the buyer has none), name and Twitter user ID (null in JSON when none).
Off a terminal the rows are tab-separated without a header. Control
characters in a name are shown escaped as Go writes them (\t, \x1b); -o json
and -o csv give names exactly.
Makes no network call; 'tweetpay buyer show' tells whether a buyer is
linked on Stripe.

Exit status: 0 (also when there are no buyers); 4 when the config file or a
buyer in it is invalid.`,
		Example: "  tweetpay buyer list\n  tweetpay buyer list -o json",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	output.AddListFlag(cmd, &opts.Output)
	return cmd
}

// Row is a buyer as `buyer list` and `buyer show` print it.
type Row struct {
	Handle    string `json:"handle"`
	Card      string `json:"card"`
	CardToken string `json:"card_token"`
	Brand     string `json:"brand"`
	Last4     string `json:"last4"`
	// DeclinesWith is the decline code a purchase with the card gets, null
	// for a card that pays.
	DeclinesWith *string `json:"declines_with"`
	Country      string  `json:"country"`
	Name         string  `json:"name"`
	// UserID is the buyer's Twitter user ID, null when the buyer has none.
	UserID *string `json:"user_id"`
}

func rowOf(r buyer.Resolved) Row {
	row := Row{Handle: "@" + r.Handle, Card: r.Card.Input, CardToken: r.Card.Token, Brand: r.Card.Brand,
		Last4: r.Card.Last4, Country: r.Country, Name: r.Name, UserID: optional(r.UserID)}
	if r.Card.Decline != "" {
		d := r.Card.Decline
		row.DeclinesWith = &d
	}
	return row
}

var listColumns = []output.Column[Row]{
	{Header: "HANDLE", Value: func(r Row) string { return r.Handle }},
	{Header: "CARD", Value: func(r Row) string { return r.Card }},
	{Header: "TOKEN", Value: func(r Row) string { return r.CardToken }},
	{Header: "COUNTRY", Value: func(r Row) string { return r.Country }},
	{Header: "NAME", Value: func(r Row) string { return r.Name }},
	{Header: "USER ID", Value: func(r Row) string {
		if r.UserID == nil {
			return ""
		}
		return *r.UserID
	}},
}

// resolveAll validates the buyers of the file (exit 4 when one is invalid).
func resolveAll(cfg *config.Config) ([]buyer.Resolved, error) {
	if err := cfg.ValidateBuyers(); err != nil {
		return nil, err
	}
	out := make([]buyer.Resolved, 0, len(cfg.Buyers))
	for _, b := range cfg.Buyers {
		r, err := buyer.Resolve(b, cfg.Merchant.Country)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func listRun(_ context.Context, opts *ListOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	rs, err := resolveAll(cfg)
	if err != nil {
		return err
	}
	rows := make([]Row, 0, len(rs))
	for _, r := range rs {
		rows = append(rows, rowOf(r))
	}
	return output.Print(opts.IO, opts.Output, rows, listColumns)
}
