package offer

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/offer"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/shop"
	"github.com/tweetpay/tweetpay/pkg/statedb"
)

// ListOptions are the inputs of `offer list`.
type ListOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	// Sold returns the units sold or held per offer (keyed by
	// offer.Resolved.ProductID) from the simulation state of cfg.
	Sold   func(cfg *config.Config) (map[string]int, error)
	Now    func() time.Time
	Output output.Format
}

// NewCmdList returns `offer list`.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Config: f.Config, Sold: SoldUnits, Now: time.Now}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the offers of tweetpay.yaml with the stock left",
		Long: `List the offers of the config file in file order, with the units sold (or held
by purchases awaiting confirmation) in the simulation state and the stock
left. Makes no network call.

Off a terminal the rows are tab-separated without a header. Control
characters in a name are shown escaped as Go writes them (\t, \x1b); -o json
and -o csv give names exactly. With -o json, an array of offers: amounts are
integer minor units with a lowercase currency; stock, stock_left and
per_buyer_limit are null when unlimited.

Exit status: 0 (also when there are no offers); 4 when the config file or an
offer in it is invalid.`,
		Example: "  tweetpay offer list\n  tweetpay offer list -o csv > offers.csv",
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

// Row is an offer as `offer list` and `offer show` print it.
type Row struct {
	Offer         string   `json:"offer"`
	Kind          string   `json:"kind"`
	Name          string   `json:"name"`
	Description   string   `json:"description"`
	Amount        int64    `json:"amount"`
	Currency      string   `json:"currency"`
	Stock         *int     `json:"stock"`
	Sold          int      `json:"sold"`
	StockLeft     *int     `json:"stock_left"`
	PerBuyerLimit *int     `json:"per_buyer_limit"`
	Countries     []string `json:"countries"`
	ConfirmTag    *string  `json:"confirm_hashtag"`
	ConfirmWindow *int64   `json:"confirm_window_seconds"`
	Starts        *string  `json:"starts"`
	Ends          *string  `json:"ends"`
	Archived      bool     `json:"archived"`
	Status        string   `json:"status"`
	Product       string   `json:"product"`
	LookupKey     string   `json:"lookup_key"`

	price string
}

// Offer statuses.
const (
	StatusActive    = "active"
	StatusArchived  = "archived"
	StatusScheduled = "scheduled"
	StatusEnded     = "ended"
)

func rowOf(r offer.Resolved, sold int, now time.Time) Row {
	row := Row{
		Offer: r.Label(), Kind: r.Kind.String(), Name: r.Name, Description: r.Description,
		Amount: r.Price.Minor, Currency: r.Price.Currency, Sold: sold,
		Countries: append([]string{}, r.Countries...), Archived: r.Archived,
		Product: r.ProductID(), LookupKey: r.LookupKey(), price: r.Price.String(),
	}
	if r.Stock > 0 {
		stock, left := r.Stock, max(r.Stock-sold, 0)
		row.Stock, row.StockLeft = &stock, &left
	}
	if r.PerBuyerLimit > 0 {
		n := r.PerBuyerLimit
		row.PerBuyerLimit = &n
	}
	if r.ConfirmTag != "" {
		tag, secs := r.ConfirmTag, int64(r.Window/time.Second)
		row.ConfirmTag, row.ConfirmWindow = &tag, &secs
	}
	if !r.Starts.IsZero() {
		s := r.Starts.UTC().Format(time.RFC3339)
		row.Starts = &s
	}
	if !r.Ends.IsZero() {
		s := r.Ends.UTC().Format(time.RFC3339)
		row.Ends = &s
	}
	switch {
	case r.Archived:
		row.Status = StatusArchived
	case !r.Starts.IsZero() && now.Before(r.Starts):
		row.Status = StatusScheduled
	case !r.Ends.IsZero() && !now.Before(r.Ends):
		row.Status = StatusEnded
	default:
		row.Status = StatusActive
	}
	return row
}

func stockLeft(r Row) string {
	if r.StockLeft == nil {
		return "unlimited"
	}
	return strconv.Itoa(*r.StockLeft) + " of " + strconv.Itoa(*r.Stock)
}

func countries(r Row) string {
	if len(r.Countries) == 0 {
		return "any"
	}
	return strings.Join(r.Countries, ",")
}

var listColumns = []output.Column[Row]{
	{Header: "OFFER", Value: func(r Row) string { return r.Offer }},
	{Header: "NAME", Value: func(r Row) string { return r.Name }},
	{Header: "PRICE", Value: func(r Row) string { return r.price }},
	{Header: "STOCK LEFT", Value: stockLeft},
	{Header: "SOLD", Value: func(r Row) string { return strconv.Itoa(r.Sold) }},
	{Header: "COUNTRIES", Value: countries},
	{Header: "STATUS", Value: func(r Row) string { return r.Status }},
}

func listRun(_ context.Context, opts *ListOptions) error {
	cfg, rs, err := resolveFile(opts.Config)
	if err != nil {
		return err
	}
	sold, err := opts.Sold(cfg)
	if err != nil {
		return err
	}
	now := opts.Now()
	rows := make([]Row, 0, len(rs))
	for _, r := range rs {
		rows = append(rows, rowOf(r, sold[r.ProductID()], now))
	}
	return output.Print(opts.IO, opts.Output, rows, listColumns)
}

// SoldUnits reads the units sold or held per offer from the simulation
// state of cfg. A state that does not exist yet means nothing was sold; it
// is not created. While another process holds the state, it waits as long
// as cfg's lock_timeout, as every command that opens the state does.
func SoldUnits(cfg *config.Config) (map[string]int, error) {
	if _, err := os.Stat(filepath.Join(cfg.StateDir, shop.StoreFile)); errors.Is(err, fs.ErrNotExist) {
		return map[string]int{}, nil
	}
	st, err := shop.OpenStore(cfg.StateDir, statedb.Options{Timeout: cfg.LockTimeout})
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return st.Sold()
}
