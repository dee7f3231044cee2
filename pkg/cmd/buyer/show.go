package buyer

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/buyer"
	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/payment"
	"github.com/tweetpay/tweetpay/pkg/shop"
)

// ShowOptions are the inputs of `buyer show`.
type ShowOptions struct {
	IO      *iostreams.IOStreams
	Config  func() (*config.Config, error)
	Gateway func() (payment.Gateway, error)
	Handle  string
	Output  output.Format
}

// NewCmdShow returns `buyer show`.
func NewCmdShow(f *cmdutil.Factory, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: f.IOStreams, Config: f.Config, Gateway: f.Gateway}
	cmd := &cobra.Command{
		Use:   "show @HANDLE",
		Short: "Show a test buyer and its Stripe Customer",
		Long: `Show a buyer of the config file and, when it is linked, its Stripe Customer
and the card on file. "in_sync" is false when the card on Stripe is not the
one the file names, or when it is no longer attached to the Customer (run
'tweetpay buyer link' again). Reads from Stripe, writes nothing.

With -o json, the object of 'buyer list' plus "linked", "customer",
"payment_method", "card_on_file" and "in_sync".

Exit status: 0; 3 when no buyer has HANDLE; 4 when the config file is
invalid or the key is refused; 6 when Stripe is unavailable.`,
		Example: "  tweetpay buyer show @alice",
		Args:    cmdutil.ExactArgs(1, "a buyer's @handle"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Handle = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return showRun(cmd.Context(), opts)
		},
	}
	output.AddFlag(cmd, &opts.Output)
	return cmd
}

// Shown is what `buyer show` prints.
type Shown struct {
	Row
	Linked bool `json:"linked"`
	// Customer is the Stripe Customer ID, null when not linked.
	Customer *string `json:"customer"`
	// PaymentMethod is the customer's default card, or the token kept for a
	// card Stripe refuses to attach; null when none.
	PaymentMethod *string `json:"payment_method"`
	// CardOnFile is the pm_card_* token recorded on the customer.
	CardOnFile *string `json:"card_on_file"`
	InSync     bool    `json:"in_sync"`
}

func showRun(ctx context.Context, opts *ShowOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	var entry *buyer.Buyer
	for i, b := range cfg.Buyers {
		if buyer.SameHandle(b.Handle, opts.Handle) {
			entry = &cfg.Buyers[i]
			break
		}
	}
	if entry == nil {
		if _, err := buyer.NormalizeHandle(opts.Handle); err != nil {
			return err
		}
		return notFoundErr(cfg.Path, opts.Handle, cfg.Buyers)
	}
	r, err := buyer.Resolve(*entry, cfg.Merchant.Country)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", config.ErrInvalid, cfg.Path, err)
	}
	gw, err := opts.Gateway()
	if err != nil {
		return err
	}
	c, found, err := gw.FindCustomer(ctx, shop.CustomerEmail(r.Handle))
	if err != nil {
		return err
	}
	s := Shown{Row: rowOf(r), Linked: found}
	if found {
		id := c.ID
		s.Customer = &id
		tok := c.Metadata[shop.MetaCard]
		if tok != "" {
			s.CardOnFile = &tok
		}
		pm := c.DefaultPaymentMethod
		if pm == "" && r.Card.AttachFails && tok == r.Card.Token {
			pm = tok
		}
		if pm != "" {
			s.PaymentMethod = &pm
		}
		s.InSync = tok == r.Card.Token && pm != ""
	}
	if opts.Output == output.JSON {
		return output.WriteJSON(opts.IO.Out, s)
	}
	var b strings.Builder
	line := func(k, v string) { output.Fprintf(&b, "%-18s%s\n", k+":", v) }
	line("handle", s.Handle)
	if s.Name != "" {
		line("name", s.Name)
	}
	line("card", cardInfo(r.Card))
	line("token", s.CardToken)
	if s.DeclinesWith != nil {
		line("declines with", *s.DeclinesWith)
	}
	line("country", s.Country)
	if s.UserID != nil {
		line("user id", *s.UserID)
	}
	if !found {
		line("linked", "no (run: tweetpay buyer link "+s.Handle+" --card "+s.Card+")")
	} else {
		line("linked", "yes")
		line("customer", *s.Customer)
		if s.PaymentMethod != nil {
			line("payment method", *s.PaymentMethod)
		}
		if s.CardOnFile != nil {
			line("card on file", *s.CardOnFile)
		}
		if !s.InSync {
			relink := "tweetpay buyer link " + s.Handle + " --card " + s.Card
			if s.CardOnFile != nil && *s.CardOnFile == r.Card.Token {
				// The card the file names was linked, but the Customer
				// has no card now: it was detached on Stripe's side
				// (from the dashboard, say), which also clears the
				// Customer's default.
				line("in sync", "no (the card on file is no longer attached to the Customer; attach it again with: "+relink+")")
			} else {
				line("in sync", "no (the file names another card; run: "+relink+")")
			}
		}
	}
	_, err = fmt.Fprint(opts.IO.Out, b.String())
	return err
}
