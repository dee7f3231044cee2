package charges

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/charges"
	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/payment"
)

// SummaryOptions are the inputs of `charges summary`.
type SummaryOptions struct {
	IO      *iostreams.IOStreams
	Gateway func() (payment.Gateway, error)
	// Now is the clock for durations; nil means time.Now.
	Now func() time.Time

	By string
	// Query holds the filters; its Since and Until are set from the Since
	// and Until flags when the command runs.
	Query        charges.Query
	Since, Until string
	Output       output.Format
}

// TotalKey names the totals row of the table.
const TotalKey = "TOTAL"

// NewCmdSummary returns `charges summary`.
func NewCmdSummary(f *cmdutil.Factory, runF func(context.Context, *SummaryOptions) error) *cobra.Command {
	opts := &SummaryOptions{IO: f.IOStreams, Gateway: f.Gateway}
	cmd := &cobra.Command{
		Use:   "summary",
		Short: "Count charges and total their money per offer, buyer or day",
		Long: `Count the charges and total their money per offer, buyer or UTC day (--by,
default offer), and over all of them, with the most frequent decline codes.
Every charge is read, page by page; memory grows with the number of groups,
not of charges. --since, --until, --offer and --buyer select charges as in
'charges list': a date given to --until includes that whole day (UTC), and
"until" in the JSON is then the day's last second (2026-11-24T23:59:59Z).

Counts: count (every charge) = succeeded + declined (Stripe status failed) +
pending; uncaptured counts the succeeded authorisations never captured, and
released those of them whose authorisation was released (cancelled, as when
a confirmation came too late): no money was taken for them.
Money, in minor units and per currency (never added across currencies):
gross is what was captured, refunded what was given back after capture, and
net = gross - refunded.

With -o json, one object of this stable shape:

  {
    "by": "offer",
    "since": "2026-11-23T10:00:00Z",   (null when not given; so is "until")
    "until": null,
    "groups": [
      {"key": "BuyBlueMug", "count": 3, "succeeded": 2, "declined": 1,
       "pending": 0, "uncaptured": 0, "released": 0,
       "amounts": [{"currency": "usd", "gross": 2500, "refunded": 500, "net": 2000}],
       "decline_codes": [{"code": "insufficient_funds", "count": 1}]}
    ],
    "total": {"count": 3, ... the same fields as a group, without "key"}
  }

groups are sorted by key (days in date order), with "(none)" (charges
without tweetpay metadata) last; amounts by currency; decline_codes by count,
then code. An empty selection gives "groups": [] and zero totals in JSON,
no rows at all in the table, and the header row alone in CSV.

The table has one row per group and a TOTAL row; amounts in several
currencies are listed side by side. -o csv gives the same rows with a header.

Exit status: 0 on success; 2 for a bad flag; 4 for a bad configuration or
key; 6 when the provider is unavailable.`,
		Example: `  tweetpay charges summary
  tweetpay charges summary --by day --since 7d
  tweetpay charges summary --by buyer -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !slices.Contains(charges.GroupBys, opts.By) {
				return cmdutil.FlagErrorf("--by %q is not one of %s", opts.By, strings.Join(charges.GroupBys, ", "))
			}
			if err := filterFlags(cmd.Flags(), opts.Query); err != nil {
				return err
			}
			if err := timeFlags(opts.Query, opts.Since, opts.Until, opts.now()); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return summaryRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.By, "by", charges.ByOffer, "Group by `key`: "+strings.Join(charges.GroupBys, ", "))
	fl.StringVar(&opts.Since, "since", "", "Only charges created at or after `time` (RFC3339, date, or duration ago such as 24h)")
	fl.StringVar(&opts.Until, "until", "", "Only charges created at or before `time` (RFC3339, date for the whole day, or duration ago)")
	fl.StringVar(&opts.Query.Offer, "offer", "", "Only charges for this offer (`hashtag` or gift handle)")
	fl.StringVar(&opts.Query.Buyer, "buyer", "", "Only charges of this buyer (`@handle`)")
	output.AddListFlag(cmd, &opts.Output)
	_ = cmd.RegisterFlagCompletionFunc("by", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return charges.GroupBys, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

func summaryRun(ctx context.Context, opts *SummaryOptions) error {
	q, err := withTimes(opts.Query, opts.Since, opts.Until, opts.now())
	if err != nil {
		return err
	}
	q.Limit = 0
	gw, err := opts.Gateway()
	if err != nil {
		return err
	}
	s, err := charges.Summarize(charges.Lister{Gateway: gw, PageSize: 100}.List(ctx, q), opts.By, q)
	if err != nil {
		return err
	}
	if opts.Output == output.JSON {
		return output.WriteJSON(opts.IO.Out, s)
	}
	rows := []charges.Group{}
	if len(s.Groups) > 0 {
		// An empty selection has no TOTAL row either: nothing in a table,
		// the header alone in CSV.
		rows = append(s.Groups, charges.Group{Key: TotalKey, Totals: s.Total})
	}
	return output.Print(opts.IO, opts.Output, rows, summaryColumns(opts.By))
}

func (o *SummaryOptions) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func summaryColumns(by string) []output.Column[charges.Group] {
	money := func(pick func(charges.CurrencyTotals) int64) func(charges.Group) string {
		return func(g charges.Group) string {
			parts := make([]string, 0, len(g.Amounts))
			for _, a := range g.Amounts {
				parts = append(parts, formatAmount(pick(a), a.Currency))
			}
			return strings.Join(parts, ", ")
		}
	}
	count := func(pick func(charges.Group) int) func(charges.Group) string {
		return func(g charges.Group) string { return fmt.Sprint(pick(g)) }
	}
	return []output.Column[charges.Group]{
		{Header: strings.ToUpper(by), Value: func(g charges.Group) string { return g.Key }},
		{Header: "COUNT", Value: count(func(g charges.Group) int { return g.Count })},
		{Header: "SUCCEEDED", Value: count(func(g charges.Group) int { return g.Succeeded })},
		{Header: "DECLINED", Value: count(func(g charges.Group) int { return g.Declined })},
		{Header: "GROSS", Value: money(func(a charges.CurrencyTotals) int64 { return a.Gross })},
		{Header: "REFUNDED", Value: money(func(a charges.CurrencyTotals) int64 { return a.Refunded })},
		{Header: "NET", Value: money(func(a charges.CurrencyTotals) int64 { return a.Net })},
		{Header: "TOP DECLINES", Value: func(g charges.Group) string {
			parts := make([]string, 0, 3)
			for i, c := range g.DeclineCodes {
				if i == 3 {
					break
				}
				parts = append(parts, fmt.Sprintf("%s (%d)", c.Code, c.Count))
			}
			return strings.Join(parts, ", ")
		}},
	}
}
