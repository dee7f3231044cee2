package offer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/charges"
	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/offer"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/shop"
	"github.com/tweetpay/tweetpay/pkg/statedb"
)

// DeleteOptions are the inputs of `offer delete`.
type DeleteOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Tag    string
	Yes    bool
	Output output.Format
}

// NewCmdDelete returns `offer delete`.
func NewCmdDelete(f *cmdutil.Factory, runF func(context.Context, *DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "delete TAG",
		Short: "Remove an offer from tweetpay.yaml",
		Long: `Remove an offer, with the comment lines directly above it, from the config
file. The rest of the file is kept byte for byte. Its Stripe Product and
Prices are left as they are: to stop selling and deactivate the product,
use 'tweetpay offer archive' and 'tweetpay offer sync' instead.

Asks for confirmation on a terminal; otherwise --yes is required. Purchases
of the offer still awaiting their confirmation hashtag get a warning: once
the offer is deleted, their confirmations are ignored and 'tweetpay simulate
expire' releases them.

With -o json, {"offer", "path", "deleted", "pending_purchases"}: the offer as
written (#TAG or @HANDLE), the config file, false when the deletion was
declined, and how many of its purchases awaited their confirmation.

Exit status: 0 when deleted; 2 without --yes when not interactive; 3 when
no offer has TAG; 4 when the config file is invalid or cannot be written
(read-only, not a regular file, a directory without write permission); 6 when another process
keeps the file locked for an edit longer than lock_timeout (default 10s).`,
		Example: "  tweetpay offer delete BuyBlueMug --yes",
		Args:    cmdutil.ExactArgs(1, "an offer's hashtag or gift handle"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Tag = args[0]
			if err := cmdutil.ConfirmFlag(opts.Yes, opts.IO.CanPrompt(), "offer delete"); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return deleteRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "Delete without asking")
	output.AddFlag(cmd, &opts.Output)
	return cmd
}

// deleted is what `offer delete -o json` prints.
type deleted struct {
	Offer   string `json:"offer"`
	Path    string `json:"path"`
	Deleted bool   `json:"deleted"`
	// Pending counts the offer's purchases awaiting their confirmation in
	// the simulation's state when it was deleted (see pendingOf).
	Pending int `json:"pending_purchases"`
}

func deleteRun(ctx context.Context, opts *DeleteOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	if !opts.Yes {
		// Ask before taking the edit lock: other processes must not wait
		// for a person to answer.
		od, err := readOffers(cfg)
		if err != nil {
			return err
		}
		i, err := od.index(opts.Tag)
		if err != nil {
			return err
		}
		name := label(od.Items[i])
		if n := pendingOf(cfg, od.Items[i]); n > 0 {
			fmt.Fprintln(opts.IO.ErrOut, pendingWarning(name, n))
		}
		if !cmdutil.Confirm(opts.IO, fmt.Sprintf("Delete offer %s from %s?", name, output.Escape(cfg.Path))) {
			if opts.Output == output.JSON {
				return output.WriteJSON(opts.IO.Out, deleted{Offer: name, Path: cfg.Path})
			}
			fmt.Fprintln(opts.IO.ErrOut, "Nothing deleted.")
			return nil
		}
	}
	od, err := openOffers(ctx, cfg)
	if err != nil {
		return err
	}
	defer od.Close()
	i, err := od.index(opts.Tag)
	if err != nil {
		return err
	}
	name := label(od.Items[i])
	pending := pendingOf(cfg, od.Items[i])
	if _, err := od.Doc.Remove(offersKey, offer.MatchNode(opts.Tag)); err != nil {
		return cmdutil.EditErr(cfg.Path, err)
	}
	if err := od.save(); err != nil {
		return err
	}
	if opts.Yes && pending > 0 { // (asked: the question came with it)
		fmt.Fprintln(opts.IO.ErrOut, pendingWarning(name, pending))
	}
	if opts.Output == output.JSON {
		return output.WriteJSON(opts.IO.Out, deleted{Offer: name, Path: cfg.Path, Deleted: true, Pending: pending})
	}
	output.Fprintf(opts.IO.ErrOut, "✓ Deleted offer %s from %s; its Stripe product, if synced, is unchanged\n", name, cfg.Path)
	return nil
}

// pendingOf counts o's purchases awaiting their confirmation hashtag in the
// simulation's state. It is a look only: 0 when the state does not exist
// or another process holds it (a stream running), rather than waiting.
func pendingOf(cfg *config.Config, o offer.Offer) int {
	if o.Hashtag == "" || cfg.StateDir == "" {
		return 0
	}
	if _, err := os.Stat(filepath.Join(cfg.StateDir, shop.StoreFile)); err != nil {
		return 0
	}
	st, err := shop.OpenStore(cfg.StateDir, statedb.Options{Timeout: -1})
	if err != nil {
		return 0
	}
	defer st.Close()
	ps, err := st.AllPending()
	if err != nil {
		return 0
	}
	n := 0
	for _, p := range ps {
		if charges.SameOffer(p.OfferTag, o.Hashtag) {
			n++
		}
	}
	return n
}

// pendingWarning says what deleting an offer does to its pending purchases.
func pendingWarning(name string, n int) string {
	return fmt.Sprintf("warning: %s of %s await their confirmation hashtag (simulate pending): once the offer is deleted, "+
		"their confirmations are ignored and simulate expire releases them; offer archive keeps confirmations working",
		output.Count(n, "purchase", "purchases"), name)
}
