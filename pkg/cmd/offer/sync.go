package offer

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/payment"
)

// SyncOptions are the inputs of `offer sync`.
type SyncOptions struct {
	IO      *iostreams.IOStreams
	Config  func() (*config.Config, error)
	Gateway func() (payment.Gateway, error)
	DryRun  bool
	Output  output.Format
}

// NewCmdSync returns `offer sync`.
func NewCmdSync(f *cmdutil.Factory, runF func(context.Context, *SyncOptions) error) *cobra.Command {
	opts := &SyncOptions{IO: f.IOStreams, Config: f.Config, Gateway: f.Gateway}
	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Create or update the offers' Stripe Products and Prices",
		Long: `Make Stripe match the offers of the config file. Each offer has a Product with
a stable ID (tweetpay_ and its folded hashtag, or tweetpay_gift_ and its
handle) and a current Price found by its lookup_key, which is the product ID:

  - a new offer gets its Product and Price;
  - a changed name or description updates the Product;
  - a changed price or currency creates a new Price and moves the lookup key
    to it (transfer_lookup_key); the old Price is kept, as Stripe requires;
  - an archived offer deactivates its Product; un-archiving reactivates it.

Sync is idempotent: a second run changes nothing and says so, and every
write carries an idempotency key derived from what it does, so a retried
run never creates a second Product or Price. --dry-run prints the plan and
sends no write request. The plan is printed as a table (OFFER, PRODUCT,
PRICE, ACTION), or with -o json as an array of
{"offer", "product", "price", "lookup_key", "amount", "currency", "active",
"actions", "applied"}, where "price" is the current Price's ID, or null when
there is none (yet: a dry run that would create it).

Exit status: 0; 4 when the config file or an offer is invalid, or the key is
refused; 6 when Stripe is unavailable (a retry is safe).`,
		Example: "  tweetpay offer sync --dry-run\n  tweetpay offer sync -o json",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return syncRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "Print the plan without changing anything")
	output.AddFlag(cmd, &opts.Output)
	return cmd
}

var actionWords = map[string]string{
	ActionCreateProduct:     "create product",
	ActionUpdateProduct:     "update product",
	ActionDeactivateProduct: "deactivate product",
	ActionReactivateProduct: "reactivate product",
	ActionCreatePrice:       "create price",
}

func actionText(r SyncRow) string {
	switch {
	case r.missing:
		return "none (archived, not on Stripe)"
	case len(r.Actions) == 0:
		return "in sync"
	}
	words := make([]string, len(r.Actions))
	for i, a := range r.Actions {
		words[i] = actionWords[a]
	}
	return strings.Join(words, ", ")
}

var syncColumns = []output.Column[SyncRow]{
	{Header: "OFFER", Value: func(r SyncRow) string { return r.Offer }},
	{Header: "PRODUCT", Value: func(r SyncRow) string { return r.Product }},
	{Header: "PRICE", Value: func(r SyncRow) string {
		if r.Price == nil {
			if r.missing {
				return "-"
			}
			return "new " + r.display
		}
		return *r.Price + " " + r.display
	}},
	{Header: "ACTION", Value: actionText},
}

func syncRun(ctx context.Context, opts *SyncOptions) error {
	cfg, rs, err := resolveFile(opts.Config)
	if err != nil {
		return err
	}
	if len(rs) == 0 {
		output.Fprintf(opts.IO.ErrOut, "No offers in %s; add one with: tweetpay offer create\n", cfg.Path)
		return output.Print(opts.IO, opts.Output, []SyncRow{}, syncColumns)
	}
	gw, err := opts.Gateway()
	if err != nil {
		return err
	}
	steps, err := planSync(ctx, gw, rs)
	if err != nil {
		return err
	}
	changing := 0
	for _, s := range steps {
		if len(s.row.Actions) > 0 {
			changing++
		}
	}
	if changing > 0 && !opts.DryRun {
		if err := applySync(ctx, gw, steps); err != nil {
			return err
		}
	}
	rows := make([]SyncRow, len(steps))
	for i, s := range steps {
		rows[i] = s.row
	}
	if err := output.Print(opts.IO, opts.Output, rows, syncColumns); err != nil {
		return err
	}
	switch {
	case changing == 0:
		output.Fprintf(opts.IO.ErrOut, "✓ %s in sync, nothing to do\n", output.Count(len(rows), "offer", "offers"))
	case opts.DryRun:
		output.Fprintf(opts.IO.ErrOut, "Dry run: %s of %d would change; nothing was written\n", output.Count(changing, "offer", "offers"), len(rows))
	default:
		output.Fprintf(opts.IO.ErrOut, "✓ Synced %s (%d in sync already)\n", output.Count(changing, "offer", "offers"), len(rows)-changing)
	}
	return nil
}
