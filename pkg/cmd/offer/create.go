package offer

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/offer"
	"github.com/tweetpay/tweetpay/pkg/output"
)

// CreateOptions are the inputs of `offer create`.
type CreateOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Sold   func(cfg *config.Config) (map[string]int, error)
	Now    func() time.Time

	Hashtag    string
	GiftHandle string
	Fields     Fields
	Output     output.Format
}

// NewCmdCreate returns `offer create`.
func NewCmdCreate(f *cmdutil.Factory, runF func(context.Context, *CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{IO: f.IOStreams, Config: f.Config, Sold: SoldUnits, Now: time.Now}
	cmd := &cobra.Command{
		Use:   "create (--hashtag TAG | --gift-handle HANDLE) --name NAME --price PRICE [flags]",
		Short: "Add an offer to tweetpay.yaml",
		Long: `Add an offer to the offers of the config file: a purchase hashtag, bought by
tweeting #TAG, or a gift handle, bought by tweeting "@HANDLE to @friend".
The new entry goes at the end of the list; comments, key order and
formatting of everything else in the file are kept byte for byte. A config
file that does not exist yet is created (mode 0600).

The whole resulting offer list is validated before anything is written: a
bad price, a hashtag that is not one, or a hashtag already used by another
offer leaves the file untouched and says what to change.

With -o json, the new offer as 'tweetpay offer show TAG -o json' prints it.

Exit status: 0 when added; 2 for a bad or missing flag; 3 when the offer is
invalid; 4 when the config file (or another offer in it) is invalid, or the
file cannot be written (read-only, not a regular file, a directory without
write permission); 6 when another process
keeps the file locked for an edit longer than lock_timeout (default 10s).`,
		Example: `  tweetpay offer create --hashtag BuyBlueMug --name "Blue Mug" --price 12.50 --stock 100
  tweetpay offer create --hashtag BuyKindle --name Kindle --price 149.99 --confirm-hashtag ConfirmKindle --confirm-window 15m
  tweetpay offer create --gift-handle tweetacoffee --name "Coffee eGift" --price 5.00 --countries US,CA`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Fields.collect(cmd)
			hasTag, hasGift := cmd.Flags().Changed("hashtag"), cmd.Flags().Changed("gift-handle")
			switch {
			case hasTag && hasGift:
				return cmdutil.FlagErrorf("give either --hashtag or --gift-handle, not both")
			case !hasTag && !hasGift:
				return cmdutil.FlagErrorf("--hashtag or --gift-handle is required")
			case !opts.Fields.Set[flagName]:
				return cmdutil.FlagErrorf("--name is required")
			case !opts.Fields.Set[flagPrice]:
				return cmdutil.FlagErrorf("--price is required")
			}
			if err := checkConfirmFlags(&opts.Fields, true); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return createRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Hashtag, "hashtag", "", "Purchase `hashtag`, '#' optional: buyers tweet #TAG")
	cmd.Flags().StringVar(&opts.GiftHandle, "gift-handle", "", "Gift `handle`, '@' optional: buyers tweet \"@HANDLE to @friend\"")
	addFieldFlags(cmd.Flags(), &opts.Fields)
	output.AddFlag(cmd, &opts.Output)
	return cmdutil.ConfigMayBeMissing(cmd)
}

func createRun(ctx context.Context, opts *CreateOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	o := offer.Offer{
		Hashtag:    strings.TrimLeft(strings.TrimSpace(opts.Hashtag), "#＃"),
		GiftHandle: strings.TrimLeft(strings.TrimSpace(opts.GiftHandle), "@＠"),
	}
	if o.Hashtag == "" && o.GiftHandle == "" {
		// An empty --hashtag "" still names the kind; Resolve explains.
		o.Hashtag = strings.TrimSpace(opts.Hashtag)
	}
	opts.Fields.apply(&o)

	od, err := openOffers(ctx, cfg)
	if err != nil {
		return err
	}
	defer od.Close()
	after := append(append([]offer.Offer(nil), od.Items...), o)
	rs, err := od.check(after, len(after)-1)
	if err != nil {
		return err
	}
	r := rs[len(rs)-1]
	var sold map[string]int
	if opts.Output == output.JSON {
		// Read before the file is written, so that a state that cannot be
		// read leaves the file as it was.
		if sold, err = opts.Sold(cfg); err != nil {
			return err
		}
	}
	if err := od.Doc.Append(offersKey, o); err != nil {
		return cmdutil.EditErr(cfg.Path, err)
	}
	if err := od.save(); err != nil {
		return err
	}
	if opts.Output == output.JSON {
		return writeShown(opts.IO, cfg, r, sold, opts.Now())
	}
	output.Fprintf(opts.IO.ErrOut, "✓ Added offer %s (%s, %s) to %s\n", r.Label(), r.Name, r.Price, cfg.Path)
	output.Fprintf(opts.IO.ErrOut, "  next: tweetpay offer sync, then post: tweetpay offer tweet %s\n", r.Label())
	return nil
}
