package buyer

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/buyer"
	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/payment"
	"github.com/tweetpay/tweetpay/pkg/shop"
	"github.com/tweetpay/tweetpay/pkg/yamldoc"
)

// LinkOptions are the inputs of `buyer link`.
type LinkOptions struct {
	IO      *iostreams.IOStreams
	Config  func() (*config.Config, error)
	Gateway func() (payment.Gateway, error)

	Handle  string
	Card    string
	Country string
	Name    string
	UserID  string
	// CountrySet, NameSet and UserIDSet report that the flags were given,
	// so that a re-link keeps what the file already says otherwise.
	CountrySet bool
	NameSet    bool
	UserIDSet  bool
	Output     output.Format
}

// NewCmdLink returns `buyer link`.
func NewCmdLink(f *cmdutil.Factory, runF func(context.Context, *LinkOptions) error) *cobra.Command {
	opts := &LinkOptions{IO: f.IOStreams, Config: f.Config, Gateway: f.Gateway}
	cmd := &cobra.Command{
		Use:   "link @HANDLE --card CARD [--country CC] [--name NAME] [--user-id ID]",
		Short: "Link a test buyer's handle to a Stripe Customer with a card",
		Long: `The card-sync step: find or create the buyer's Stripe Customer (identified by
the e-mail address HANDLE@buyers.tweetpay.test), put the card on file, and
add or update the buyer in the config file (comments and the rest of the
file are kept byte for byte).

CARD is a test card alias (visa, mastercard, amex, declined,
insufficient_funds, charge_customer_fail, ...), one of Stripe's test card
numbers, or a pm_card_* token. A card that declines links fine: it declines
when the buyer buys, with its own decline code, as on Stripe.

--user-id records the buyer's numeric Twitter user ID (user_id in the file),
so that a Twitter API v2 Tweet naming its author only by author_id (without
includes.users) is attributed to this buyer. Two buyers cannot share one;
--user-id "" removes it.

Linking is idempotent: a second run with the same card creates nothing and
says so. A new card replaces the one on file.

Exit status: 0 when linked (or already linked); 2 for a missing flag; 3 for
a bad handle, card, country or user ID (also one another buyer has); 4 for a
bad config file, one that cannot be written (found before anything is
created on Stripe), or a refused key; 6 when Stripe is unavailable (a retry
is safe), or when another process keeps the file locked for an edit longer
than lock_timeout (default 10s; a link holds the lock during its Stripe
requests, so one link waits for another).`,
		Example: `  tweetpay buyer link @alice --card visa
  tweetpay buyer link @bob --card declined --name "Bob B."
  tweetpay buyer link @carol --card 5555555555554444 --country CA
  tweetpay buyer link @dave --card visa --user-id 2244994945`,
		Args: cmdutil.ExactArgs(1, "a buyer's @handle"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Handle = args[0]
			if !cmd.Flags().Changed("card") {
				return cmdutil.FlagErrorf("--card is required: a test card alias such as visa, a test card number, or a pm_card_* token")
			}
			opts.CountrySet = cmd.Flags().Changed("country")
			opts.NameSet = cmd.Flags().Changed("name")
			opts.UserIDSet = cmd.Flags().Changed("user-id")
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return linkRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Card, "card", "", "Test `card`: an alias (visa, declined, ...), a test card number or a pm_card_* token")
	cmd.Flags().StringVar(&opts.Country, "country", "", "Buyer's `country`, ISO 3166-1 alpha-2 (default: the merchant's)")
	cmd.Flags().StringVar(&opts.Name, "name", "", "Display `name` of the buyer")
	cmd.Flags().StringVar(&opts.UserID, "user-id", "", "The buyer's Twitter user `ID` (digits), for tweets that name their author only by ID")
	output.AddFlag(cmd, &opts.Output)
	return cmdutil.ConfigMayBeMissing(cmd)
}

// LinkResult is what `buyer link` prints.
type LinkResult struct {
	Handle string `json:"handle"`
	// Customer is the buyer's Stripe Customer ID.
	Customer string `json:"customer"`
	// PaymentMethod is the attached card, or the pm_card_* token of a card
	// Stripe refuses to attach (it is used at purchase time and declines).
	PaymentMethod string `json:"payment_method"`
	Card          string `json:"card"`
	CardToken     string `json:"card_token"`
	Country       string `json:"country"`
	// UserID is the buyer's Twitter user ID, null when the buyer has none.
	UserID *string `json:"user_id"`
	// DeclinesWith is the decline code a purchase with the card gets, null
	// for a card that pays.
	DeclinesWith    *string `json:"declines_with"`
	CustomerCreated bool    `json:"customer_created"`
	CardAttached    bool    `json:"card_attached"`
	// Changed reports that anything was written on Stripe; FileChanged that
	// the config file was written.
	Changed     bool `json:"changed"`
	FileChanged bool `json:"file_changed"`
}

var linkColumns = []output.Column[LinkResult]{
	{Header: "HANDLE", Value: func(r LinkResult) string { return r.Handle }},
	{Header: "CUSTOMER", Value: func(r LinkResult) string { return r.Customer }},
	{Header: "PAYMENT METHOD", Value: func(r LinkResult) string { return r.PaymentMethod }},
	{Header: "CARD", Value: func(r LinkResult) string { return r.Card }},
	{Header: "COUNTRY", Value: func(r LinkResult) string { return r.Country }},
}

func linkRun(ctx context.Context, opts *LinkOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	h, err := buyer.NormalizeHandle(opts.Handle)
	if err != nil {
		return err
	}
	bd, err := openBuyers(ctx, cfg)
	if err != nil {
		return err
	}
	defer bd.Close()
	i := bd.index(h)
	next := buyer.Buyer{Handle: "@" + h}
	if i >= 0 {
		next = bd.Items[i]
	}
	next.Card = strings.TrimSpace(opts.Card)
	if opts.CountrySet {
		next.Country = strings.TrimSpace(opts.Country)
	}
	if opts.NameSet {
		next.Name = strings.TrimSpace(opts.Name)
	}
	if opts.UserIDSet {
		next.UserID = strings.TrimSpace(opts.UserID)
	}
	r, err := buyer.Resolve(next, cfg.Merchant.Country)
	if err != nil {
		return err
	}
	if err := cfg.NotMerchant(next); err != nil {
		return err
	}
	if opts.CountrySet {
		next.Country = strings.ToUpper(next.Country)
	}
	others := slices.Clone(bd.Items)
	if i >= 0 {
		others = slices.Delete(others, i, i+1)
	}
	if err := buyer.ValidateAll(others, cfg.Merchant.Country); err != nil {
		return fmt.Errorf("%w: %s: fix these buyers first (tweetpay config validate shows them): %w", config.ErrInvalid, cfg.Path, err)
	}
	// The others are valid: what is wrong now is this buyer (a user ID
	// another buyer has), the user's input.
	if err := buyer.ValidateAll(append(others, next), cfg.Merchant.Country); err != nil {
		return err
	}

	// Prepare the file edit before any Stripe write, so that a file that
	// cannot be edited fails the command before it changes anything.
	fileChanged := i < 0
	if i < 0 {
		if err := bd.Doc.Append(buyersKey, next); err != nil {
			return cmdutil.EditErr(cfg.Path, err)
		}
	} else if fields := diff(bd.Items[i], next); len(fields) > 0 {
		fileChanged = true
		if err := bd.Doc.Update(buyersKey, buyer.MatchNode(h), fields); err != nil {
			return cmdutil.EditErr(cfg.Path, err)
		}
	}

	if fileChanged {
		if err := yamldoc.CheckSave(cfg.Path); err != nil {
			return cmdutil.EditErr(cfg.Path, err)
		}
	}

	gw, err := opts.Gateway()
	if err != nil {
		return err
	}
	l, err := shop.Link(ctx, gw, shop.Account{Handle: r.Handle, Name: r.Name, Country: r.Country, Card: r.Card, UserID: r.UserID})
	if err != nil {
		return err
	}
	if fileChanged {
		if err := bd.Doc.Save(cfg.Path); err != nil {
			return cmdutil.EditErr(cfg.Path, err)
		}
	}

	res := LinkResult{
		Handle: "@" + r.Handle, Customer: l.Customer, PaymentMethod: l.PaymentMethod, Card: r.Card.Input,
		CardToken: r.Card.Token, Country: r.Country, CustomerCreated: l.Created, CardAttached: l.Attached,
		Changed: l.Changed, FileChanged: fileChanged, UserID: optional(r.UserID),
	}
	if r.Card.Decline != "" {
		d := r.Card.Decline
		res.DeclinesWith = &d
	}
	if opts.Output == output.JSON {
		if err := output.WriteJSON(opts.IO.Out, res); err != nil {
			return err
		}
	} else if err := output.Print(opts.IO, opts.Output, []LinkResult{res}, linkColumns); err != nil {
		return err
	}

	w := opts.IO.ErrOut
	switch {
	case !l.Changed && !fileChanged:
		output.Fprintf(w, "✓ @%s is already linked to %s with %s; nothing to do\n", r.Handle, l.Customer, cardInfo(r.Card))
	case !l.Changed:
		output.Fprintf(w, "✓ @%s is already linked to %s with %s; updated %s\n", r.Handle, l.Customer, cardInfo(r.Card), cfg.Path)
	default:
		var did []string
		if l.Created {
			did = append(did, "created the customer")
		} else {
			did = append(did, "found the customer")
		}
		if l.Attached {
			did = append(did, "attached the card")
		} else {
			did = append(did, "kept the card's token for purchases")
		}
		if fileChanged {
			did = append(did, "updated "+cfg.Path)
		}
		output.Fprintf(w, "✓ Linked @%s to %s with %s (%s)\n", r.Handle, l.Customer, cardInfo(r.Card), strings.Join(did, ", "))
	}
	if r.Card.Decline != "" {
		output.Fprintf(w, "  note: this card declines at purchase time (%s)\n", r.Card.Decline)
	}
	return nil
}

// diff returns the YAML fields of next that differ from old; a nil value
// removes the field.
func diff(old, next buyer.Buyer) map[string]any {
	out := map[string]any{}
	set := func(key, a, b string) {
		switch {
		case a == b:
		case b == "":
			out[key] = nil
		default:
			out[key] = b
		}
	}
	set("card", old.Card, next.Card)
	set("country", old.Country, next.Country)
	set("name", old.Name, next.Name)
	set("user_id", old.UserID, next.UserID)
	return out
}

// optional is s, or nil (JSON null) when s is empty.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
