package buyer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
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
	// CloseGateway, when set, closes the gateway once its requests are
	// done, before the command waits for the config file's edit lock.
	CloseGateway func() error

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
	opts := &LinkOptions{IO: f.IOStreams, Config: f.Config, Gateway: f.Gateway, CloseGateway: f.CloseGateway}
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
says so. A new card replaces the one on file. The Customer's name is the
buyer's --name (its @handle when it has none): a new name renames it.

The Stripe requests are made without the file's edit lock, so other edits of
the file do not wait for them; the lock is taken only to write the buyer, to
the file as it is then, so that an edit another process made meanwhile is
kept. If that edit changed the same buyer, this command's card (and the
--country, --name and --user-id given) replace what it wrote and the rest of
it is kept; if it removed the buyer, the buyer is written back as linked. A
note says so. If the buyer cannot be written at the end, the file is left
as it is and the error says what is linked on Stripe: running the command
again (once the cause is fixed) writes it, creating nothing new.

Exit status: 0 when linked (or already linked); 2 for a missing flag; 3 for
a bad handle, card, country or user ID (also one another buyer has); 4 for a
bad config file, one that cannot be written (found before anything is
created on Stripe), or a refused key; 6 when Stripe is unavailable (a retry
is safe), or when another process keeps the file locked for an edit longer
than lock_timeout (default 10s) when the buyer is to be written.`,
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
	// CustomerRenamed reports that the Customer's name was changed to the
	// buyer's (its name, or its @handle when it has none).
	CustomerRenamed bool `json:"customer_renamed"`
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
	// Plan the edit on the file as it is now, without its edit lock, so
	// that a bad buyer, or a file that cannot be edited or written, fails
	// the command before it changes anything on Stripe.
	bd, err := readBuyers(cfg)
	if err != nil {
		return err
	}
	first, err := planLink(cfg, bd, h, opts, nil)
	if err != nil {
		return err
	}
	if first.fileChanged {
		if err := yamldoc.CheckSave(cfg.Path); err != nil {
			return cmdutil.EditErr(cfg.Path, err)
		}
	}

	// The Stripe requests run without the edit lock: other edits of the
	// file need not wait for them. They are idempotent, so a link that
	// fails to write the file is completed by running it again.
	gw, err := opts.Gateway()
	if err != nil {
		return err
	}
	r := first.resolved
	acct := shop.Account{Handle: r.Handle, Name: r.Name, Country: r.Country, Card: r.Card, UserID: r.UserID}
	l, err := shop.Link(ctx, gw, acct)
	if err != nil {
		return err
	}
	notWritten := func(err error) error {
		again := "running this command again writes the buyer to the file without creating anything new there"
		if errors.Is(err, buyer.ErrInvalid) || errors.Is(err, config.ErrInvalid) {
			again = "once that is fixed, " + again
		}
		return fmt.Errorf("%w; %s was not changed, but on Stripe @%s is linked to %s with %s: %s",
			err, cfg.Path, r.Handle, l.Customer, cardInfo(r.Card), again)
	}
	// Let go of the emulator's state before waiting for the edit lock:
	// an edit that holds the lock may need the state (offer create -o json
	// reads the units sold).
	if opts.CloseGateway != nil {
		if err := opts.CloseGateway(); err != nil {
			return notWritten(err)
		}
	}
	final, err := writeLink(ctx, cfg, h, opts, first)
	if err != nil {
		return notWritten(err)
	}

	r = final.resolved
	res := LinkResult{
		Handle: "@" + r.Handle, Customer: l.Customer, PaymentMethod: l.PaymentMethod, Card: r.Card.Input,
		CardToken: r.Card.Token, Country: r.Country, CustomerCreated: l.Created, CardAttached: l.Attached,
		CustomerRenamed: l.Renamed, Changed: l.Changed, FileChanged: final.fileChanged, UserID: optional(r.UserID),
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
	case !l.Changed && !final.fileChanged:
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
		switch {
		case l.Attached:
			did = append(did, "attached the card")
		case l.CardSet:
			did = append(did, "kept the card's token for purchases")
		}
		if l.Renamed {
			did = append(did, fmt.Sprintf("renamed it %q", acct.CustomerName()))
		}
		if final.fileChanged {
			did = append(did, "updated "+cfg.Path)
		}
		output.Fprintf(w, "✓ Linked @%s to %s with %s (%s)\n", r.Handle, l.Customer, cardInfo(r.Card), strings.Join(did, ", "))
	}
	if note := concurrentNote(cfg.Path, opts, first, final); note != "" {
		output.Fprintf(w, "  note: %s\n", note)
	}
	if r.Card.Decline != "" {
		output.Fprintf(w, "  note: this card declines at purchase time (%s)\n", r.Card.Decline)
	}
	return nil
}

// linkPlan is a link's edit of the file, planned on the file as read.
type linkPlan struct {
	// old is the buyer's entry in the file as read, nil when it has none.
	old *buyer.Buyer
	// next is the entry as the link writes it.
	next     buyer.Buyer
	resolved buyer.Resolved
	// fileChanged reports that next differs from old; bd.Doc then has the
	// edit.
	fileChanged bool
}

// planLink checks the buyer h as the link makes it, on the buyers of bd,
// and makes the edit in bd.Doc (not saved). The link's options apply to the
// buyer's entry as bd has it; readd is the entry to write when bd has none
// (the one the link planned first, which another process removed since),
// nil for a new buyer.
func planLink(cfg *config.Config, bd *buyerDoc, h string, opts *LinkOptions, readd *buyer.Buyer) (*linkPlan, error) {
	p := &linkPlan{}
	i := bd.index(h)
	switch {
	case i >= 0:
		old := bd.Items[i]
		p.old = &old
		p.next = opts.apply(old)
	case readd != nil:
		p.next = *readd
	default:
		p.next = opts.apply(buyer.Buyer{Handle: "@" + h})
	}
	r, err := buyer.Resolve(p.next, cfg.Merchant.Country)
	if err != nil {
		return nil, err
	}
	if err := cfg.NotMerchant(p.next); err != nil {
		return nil, err
	}
	p.resolved = r
	if opts.CountrySet {
		p.next.Country = strings.ToUpper(p.next.Country)
	}
	others := slices.Clone(bd.Items)
	if i >= 0 {
		others = slices.Delete(others, i, i+1)
	}
	if err := buyer.ValidateAll(others, cfg.Merchant.Country); err != nil {
		return nil, fmt.Errorf("%w: %s: fix these buyers first (tweetpay config validate shows them): %w", config.ErrInvalid, cfg.Path, err)
	}
	// The others are valid: what is wrong now is this buyer (a user ID
	// another buyer has), the user's input.
	if err := buyer.ValidateAll(append(others, p.next), cfg.Merchant.Country); err != nil {
		return nil, err
	}
	if i < 0 {
		p.fileChanged = true
		if err := bd.Doc.Append(buyersKey, p.next); err != nil {
			return nil, cmdutil.EditErr(cfg.Path, err)
		}
	} else if fields := diff(*p.old, p.next); len(fields) > 0 {
		p.fileChanged = true
		if err := bd.Doc.Update(buyersKey, buyer.MatchNode(h), fields); err != nil {
			return nil, cmdutil.EditErr(cfg.Path, err)
		}
	}
	return p, nil
}

// apply returns b with what the link's options set: the card, and the
// country, name and user ID when given.
func (opts *LinkOptions) apply(b buyer.Buyer) buyer.Buyer {
	b.Card = strings.TrimSpace(opts.Card)
	if opts.CountrySet {
		b.Country = strings.TrimSpace(opts.Country)
	}
	if opts.NameSet {
		b.Name = strings.TrimSpace(opts.Name)
	}
	if opts.UserIDSet {
		b.UserID = strings.TrimSpace(opts.UserID)
	}
	return b
}

// writeLink writes the buyer to the file as it is now, which another
// process may have edited since the link read it (first): it is read again
// under the edit lock and the link's options applied to what it has, so
// that the other edit is kept. A buyer that the file already has as the
// link makes it needs no write, nor the lock.
func writeLink(ctx context.Context, cfg *config.Config, h string, opts *LinkOptions, first *linkPlan) (*linkPlan, error) {
	readd := &first.next
	bd, err := readBuyers(cfg)
	if err != nil {
		return nil, err
	}
	p, err := planLink(cfg, bd, h, opts, readd)
	if err != nil || !p.fileChanged {
		return p, err
	}
	bd, err = openBuyers(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer bd.Close()
	if p, err = planLink(cfg, bd, h, opts, readd); err != nil || !p.fileChanged {
		return p, err
	}
	if err := bd.Doc.Save(cfg.Path); err != nil {
		return nil, cmdutil.EditErr(cfg.Path, err)
	}
	return p, nil
}

// concurrentNote describes what another process did to the buyer in the
// file while the link ran (between its first read, first, and its write,
// final), and what the link made of it; "" when nothing.
func concurrentNote(path string, opts *LinkOptions, first, final *linkPlan) string {
	handle := "@" + final.resolved.Handle
	switch {
	case first.old == nil && final.old == nil:
		return ""
	case first.old != nil && final.old == nil:
		return fmt.Sprintf("another process removed %s from %s while this link ran; the link wrote it back", handle, path)
	}
	before := buyer.Buyer{}
	what := "added " + handle + " to " + path
	if first.old != nil {
		before = *first.old
		what = "changed " + handle + " in " + path
	}
	now := *final.old
	var kept, replaced []string
	for _, f := range []struct {
		name             string
		before, now, out string
		set              bool // by this link's options
	}{
		{"card", before.Card, now.Card, final.next.Card, true},
		{"country", before.Country, now.Country, final.next.Country, opts.CountrySet},
		{"name", before.Name, now.Name, final.next.Name, opts.NameSet},
		{"user_id", before.UserID, now.UserID, final.next.UserID, opts.UserIDSet},
	} {
		switch {
		case f.before == f.now, f.set && f.out == f.now: // no change, or the same one
		case f.out == f.now:
			kept = append(kept, fmt.Sprintf("%s %s", f.name, describe(f.now)))
		default:
			replaced = append(replaced, fmt.Sprintf("%s %s with %s", f.name, describe(f.now), describe(f.out)))
		}
	}
	if len(kept) == 0 && len(replaced) == 0 {
		return "" // a change to the entry's layout only, or none
	}
	var parts []string
	if len(kept) > 0 {
		parts = append(parts, "kept its "+strings.Join(kept, ", "))
	}
	if len(replaced) > 0 {
		parts = append(parts, "replaced its "+strings.Join(replaced, ", ")+" as this link was told")
	}
	return fmt.Sprintf("another process %s while this link ran; the link %s", what, strings.Join(parts, "; "))
}

// describe writes a field's value for a note: quoted, or "(none)".
func describe(s string) string {
	if s == "" {
		return "(none)"
	}
	return strconv.Quote(s)
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
