package offer

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/offer"
	"github.com/tweetpay/tweetpay/pkg/output"
)

// ShowOptions are the inputs of `offer show`.
type ShowOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Sold   func(cfg *config.Config) (map[string]int, error)
	Now    func() time.Time
	Tag    string
	Output output.Format
}

// NewCmdShow returns `offer show`.
func NewCmdShow(f *cmdutil.Factory, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: f.IOStreams, Config: f.Config, Sold: SoldUnits, Now: time.Now}
	cmd := &cobra.Command{
		Use:   "show TAG",
		Short: "Show one offer, its stock left and its tweet",
		Long: `Show one offer of the config file: its fields with the defaults filled in, the
units sold and the stock left in the simulation state, its Stripe Product ID
and price lookup key, and the tweet the merchant posts. TAG is the purchase
hashtag or the gift handle ('#' and '@' optional). Makes no network call.

With -o json, the object of 'offer list' plus "tweet".

Exit status: 0; 3 when no offer has TAG; 4 when the config file is invalid.`,
		Example: "  tweetpay offer show BuyBlueMug\n  tweetpay offer show @tweetacoffee -o json",
		Args:    cmdutil.ExactArgs(1, "an offer's hashtag or gift handle"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Tag = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return showRun(cmd.Context(), opts)
		},
	}
	output.AddFlag(cmd, &opts.Output)
	return cmd
}

type shownOffer struct {
	Row
	Tweet string `json:"tweet"`
}

// shownOf is r as `offer show` prints it, with sold the units sold per
// product (from SoldUnits).
func shownOf(cfg *config.Config, r offer.Resolved, sold map[string]int, now time.Time) shownOffer {
	return shownOffer{Row: rowOf(r, sold[r.ProductID()], now), Tweet: offer.TweetText(r, cfg.Merchant.Handle)}
}

// writeShown prints r as `offer show TAG -o json` does: what create,
// update and archive print with -o json.
func writeShown(ios *iostreams.IOStreams, cfg *config.Config, r offer.Resolved, sold map[string]int, now time.Time) error {
	return output.WriteJSON(ios.Out, shownOf(cfg, r, sold, now))
}

func showRun(_ context.Context, opts *ShowOptions) error {
	cfg, rs, err := resolveFile(opts.Config)
	if err != nil {
		return err
	}
	r, err := find(cfg, rs, opts.Tag)
	if err != nil {
		return err
	}
	sold, err := opts.Sold(cfg)
	if err != nil {
		return err
	}
	s := shownOf(cfg, r, sold, opts.Now())
	if opts.Output == output.JSON {
		return output.WriteJSON(opts.IO.Out, s)
	}
	var b strings.Builder
	line := func(k, v string) { output.Fprintf(&b, "%-18s%s\n", k+":", v) }
	line("offer", s.Offer)
	line("kind", s.Kind)
	line("name", s.Name)
	if s.Description != "" {
		line("description", s.Description)
	}
	line("price", s.price)
	line("stock left", stockLeft(s.Row))
	line("sold", fmt.Sprint(s.Sold))
	if s.PerBuyerLimit != nil {
		line("per buyer limit", fmt.Sprint(*s.PerBuyerLimit))
	}
	line("countries", countries(s.Row))
	if r.ConfirmTag != "" {
		line("confirm with", fmt.Sprintf("#%s within %s", r.ConfirmTag, shortDuration(r.Window)))
	}
	if s.Starts != nil {
		line("starts", *s.Starts)
	}
	if s.Ends != nil {
		line("ends", *s.Ends)
	}
	line("status", s.Status)
	line("product", s.Product)
	line("lookup key", s.LookupKey)
	line("tweet", s.Tweet)
	_, err = fmt.Fprint(opts.IO.Out, b.String())
	return err
}

// shortDuration writes 15m, 2h or 1h30m rather than 15m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
