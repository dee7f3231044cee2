package charges

import (
	"bufio"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/charges"
	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/payment"
	"github.com/tweetpay/tweetpay/pkg/shop"
)

// ListOptions are the inputs of `charges list`.
type ListOptions struct {
	IO      *iostreams.IOStreams
	Gateway func() (payment.Gateway, error)
	// Now is the clock for durations and relative times; nil means time.Now.
	Now func() time.Time

	// Query holds the filters; its Since and Until are set from the Since
	// and Until flags when the command runs.
	Query        charges.Query
	Since, Until string
	All          bool
	Output       output.Format
}

// NewCmdList returns `charges list`.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Gateway: f.Gateway}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List charges, newest first",
		Long: `List charges, newest first: by default the 30 newest, with --limit N the N
newest, with --all every one (streamed page by page, never held in memory).

Filters: --buyer and --since/--until are applied by the provider (the buyer's
Customer, found by the e-mail tweetpay gives it, and the creation time);
--offer and --status are read from each charge, so --limit counts the charges
that pass them. --offer matches the charge's "offer" metadata (the hashtag or
gift handle, with or without # or @, in any case). --buyer takes a Twitter
username, with or without @; --offer a hashtag (#BuyBlueMug or BuyBlueMug)
or a gift handle (@tweetacoffee); any other value is a usage error.

--status succeeded, failed or pending match Stripe's charge status (a
refunded charge stays "succeeded" there, and so do authorisations, captured
or not); --status refunded matches charges with money given back after
capture, in full or in part (amount_refunded > 0; a released, never captured
authorisation is not a refund); --status authorized and released match what
the STATUS column shows for succeeded charges not captured.

--since and --until take an RFC3339 time (2026-11-24T10:00:00Z), a date
(2026-11-24, read in UTC) or a duration ago (24h, 90m, 7d); both ends are
inclusive. A date given to --since starts at midnight UTC; a date given to
--until includes that whole day, up to its end (23:59:59 UTC), so
--since 2026-11-24 --until 2026-11-24 lists the charges of that day.

Columns: ID, CREATED, BUYER, OFFER, AMOUNT, STATUS, REFUNDED, FAILURE (the
decline code, else the failure code). STATUS is Stripe's, except that a
succeeded charge not captured shows as "authorized" (awaiting its
confirmation hashtag) or "released" (the authorisation was cancelled, never
captured). Off a terminal the rows are tab-separated without a header. In
the rows and the table, control characters in a value (in metadata set
outside tweetpay, say) are escaped as Go writes them (\t, \n, \x1b), so
that each row keeps one field per column; -o csv (with a header row) and
-o json give every value exactly. -o json prints an array of objects with
the fields id, created, amount, amount_refunded, currency, status, paid,
refunded, released, offer, hashtag, buyer, tweet_id, customer,
payment_intent, failure_code and decline_code (amounts in minor units; codes are null when absent, where CSV
leaves the cell empty). status, amount_refunded and refunded are Stripe's: a
released authorisation has refunded true and amount_refunded equal to its
amount, and released true.

Exit status: 0 on success, also when nothing matches; 2 for a bad flag; 4 for
a bad configuration or key; 6 when the provider is unavailable.`,
		Example: `  tweetpay charges list
  tweetpay charges list --offer BuyBlueMug --status failed
  tweetpay charges list --buyer @alice --since 24h -o json
  tweetpay charges list --all -o csv > charges.csv`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := cmdutil.MutuallyExclusive("--all and --limit cannot be used together",
				opts.All, cmd.Flags().Changed("limit")); err != nil {
				return err
			}
			if opts.Query.Limit < 1 {
				return cmdutil.FlagErrorf("--limit must be at least 1, got %d", opts.Query.Limit)
			}
			if opts.Query.Status != "" && !slices.Contains(charges.Statuses, opts.Query.Status) {
				return cmdutil.FlagErrorf("--status %q is not one of %s", opts.Query.Status, strings.Join(charges.Statuses, ", "))
			}
			if err := filterFlags(cmd.Flags(), opts.Query); err != nil {
				return err
			}
			if err := timeFlags(opts.Query, opts.Since, opts.Until, opts.now()); err != nil {
				return err
			}
			if opts.All {
				opts.Query.Limit = 0
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Query.Offer, "offer", "", "Only charges for this offer (`hashtag` or gift handle)")
	fl.StringVar(&opts.Query.Buyer, "buyer", "", "Only charges of this buyer (`@handle`)")
	fl.StringVar(&opts.Query.Status, "status", "", "Only charges with this `status`: "+strings.Join(charges.Statuses, ", "))
	fl.StringVar(&opts.Since, "since", "", "Only charges created at or after `time` (RFC3339, date, or duration ago such as 24h)")
	fl.StringVar(&opts.Until, "until", "", "Only charges created at or before `time` (RFC3339, date for the whole day, or duration ago)")
	fl.IntVarP(&opts.Query.Limit, "limit", "L", 30, "Maximum number of charges")
	fl.BoolVar(&opts.All, "all", false, "List every charge, following pages")
	output.AddListFlag(cmd, &opts.Output)
	_ = cmd.RegisterFlagCompletionFunc("status", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return charges.Statuses, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

func (o *ListOptions) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// listColumns are the columns of the table, the tab-separated rows and CSV;
// on a terminal, CREATED is relative ("2h ago").
func listColumns(tty bool, now time.Time) []output.Column[payment.Charge] {
	created := func(c payment.Charge) string { return c.Created.UTC().Format(time.RFC3339) }
	if tty {
		created = func(c payment.Charge) string { return relative(c.Created, now) }
	}
	return []output.Column[payment.Charge]{
		{Header: "ID", Value: func(c payment.Charge) string { return c.ID }},
		{Header: "CREATED", Value: created},
		{Header: "BUYER", Value: func(c payment.Charge) string { return c.Metadata[shop.MetaBuyer] }},
		{Header: "OFFER", Value: func(c payment.Charge) string { return c.Metadata[shop.MetaOffer] }},
		{Header: "AMOUNT", Value: func(c payment.Charge) string { return formatAmount(c.Amount, c.Currency) }},
		{Header: "STATUS", Value: charges.DisplayStatus},
		{Header: "REFUNDED", Value: func(c payment.Charge) string {
			if r := charges.Refunded(c); r > 0 {
				return formatAmount(r, c.Currency)
			}
			return ""
		}},
		{Header: "FAILURE", Value: charges.Failure},
	}
}

func listRun(ctx context.Context, opts *ListOptions) error {
	q, err := withTimes(opts.Query, opts.Since, opts.Until, opts.now())
	if err != nil {
		return err
	}
	gw, err := opts.Gateway()
	if err != nil {
		return err
	}
	seq := charges.Lister{Gateway: gw}.List(ctx, q)
	tty := opts.IO.IsStdoutTTY()
	columns := listColumns(tty && opts.Output == output.Table, opts.now())

	// A terminal table needs every row before it can size its columns; it
	// is kept to bounded lists, and --all streams tab-separated rows.
	if opts.Output == output.Table && tty && !opts.All {
		var items []payment.Charge
		for c, err := range seq {
			if err != nil {
				return err
			}
			items = append(items, c)
		}
		return output.Print(opts.IO, output.Table, items, columns)
	}

	w := bufio.NewWriterSize(opts.IO.Out, 64<<10)
	err = stream(w, opts.Output, seq, columns)
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	return err
}

// stream writes charges as they come: a JSON array, CSV with a header, or
// tab-separated rows.
func stream(w *bufio.Writer, f output.Format, seq func(func(payment.Charge, error) bool), columns []output.Column[payment.Charge]) error {
	if f == output.JSON {
		arr := newJSONArray(w)
		for c, err := range seq {
			if err != nil {
				return err
			}
			if err := arr.Write(charges.RecordOf(c)); err != nil {
				return err
			}
		}
		return arr.Close()
	}
	var rw output.RowWriter[payment.Charge]
	if f == output.CSV {
		rw = output.NewCSV(w, columns)
	} else {
		rw = output.NewTSV(w, columns)
	}
	for c, err := range seq {
		if err != nil {
			return err
		}
		if err := rw.Write(c); err != nil {
			return err
		}
	}
	return rw.Flush()
}
