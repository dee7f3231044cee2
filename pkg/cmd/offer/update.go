package offer

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/offer"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/yamldoc"
)

// UpdateOptions are the inputs of `offer update`.
type UpdateOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Sold   func(cfg *config.Config) (map[string]int, error)
	Now    func() time.Time

	Tag    string
	Fields Fields
	// Clear names the optional fields to remove: description, currency,
	// stock, per-buyer-limit, countries, confirm, starts, ends.
	Clear     []string
	Unarchive bool
	Output    output.Format
}

var clearable = []string{flagDescription, flagCurrency, flagStock, flagPerBuyer, flagCountries, "confirm", flagStarts, flagEnds}

// NewCmdUpdate returns `offer update`.
func NewCmdUpdate(f *cmdutil.Factory, runF func(context.Context, *UpdateOptions) error) *cobra.Command {
	opts := &UpdateOptions{IO: f.IOStreams, Config: f.Config, Sold: SoldUnits, Now: time.Now}
	clear := map[string]*bool{}
	cmd := &cobra.Command{
		Use:   "update TAG [flags]",
		Short: "Change fields of an offer in tweetpay.yaml",
		Long: `Change the fields of one offer that are given as flags; every other field, and
every other byte of the file, stays as it is (comments on changed lines too).
TAG is the purchase hashtag or the gift handle ('#' and '@' optional). The
--clear-* flags remove an optional field, which brings back its default (no
limit, the merchant's currency or country, no confirmation step, open dates).
The whole resulting offer list is validated before anything is written.

A changed name or price reaches Stripe with 'tweetpay offer sync'.

With -o json, the offer as 'tweetpay offer show TAG -o json' prints it.

Exit status: 0 when updated (or already as asked); 2 for bad or conflicting
flags; 3 when no offer has TAG or the result is invalid; 4 when the config
file is invalid or cannot be written (read-only, not a regular file, a
directory without write permission); 6 when another process
keeps the file locked for an edit longer than lock_timeout (default 10s).`,
		Example: `  tweetpay offer update BuyBlueMug --price 15.00 --stock 200
  tweetpay offer update BuyKindle --clear-confirm
  tweetpay offer update tweetacoffee --countries US,CA,MX`,
		Args: cmdutil.ExactArgs(1, "an offer's hashtag or gift handle"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Tag = args[0]
			opts.Fields.collect(cmd)
			opts.Clear = nil
			for _, name := range clearable {
				if *clear[name] {
					if opts.Fields.Set[name] {
						return cmdutil.FlagErrorf("--%s and --clear-%s cannot be used together", name, name)
					}
					if name == "confirm" && (opts.Fields.Set[flagConfirmTag] || opts.Fields.Set[flagConfirmWindow]) {
						return cmdutil.FlagErrorf("--clear-confirm cannot be used with --confirm-hashtag or --confirm-window")
					}
					opts.Clear = append(opts.Clear, name)
				}
			}
			if len(opts.Fields.Set) == 0 && len(opts.Clear) == 0 && !opts.Unarchive {
				return cmdutil.FlagErrorf("nothing to update: give at least one field flag, such as --price")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return updateRun(cmd.Context(), opts)
		},
	}
	addFieldFlags(cmd.Flags(), &opts.Fields)
	for _, name := range clearable {
		clear[name] = new(bool)
		cmd.Flags().BoolVar(clear[name], "clear-"+name, false, "Remove the offer's "+name)
	}
	cmd.Flags().BoolVar(&opts.Unarchive, "unarchive", false, "Make an archived offer buyable again")
	output.AddFlag(cmd, &opts.Output)
	return cmd
}

func updateRun(ctx context.Context, opts *UpdateOptions) error {
	return editOffer(ctx, edit{io: opts.IO, config: opts.Config, sold: opts.Sold, now: opts.Now, output: opts.Output,
		tag: opts.Tag, done: "Updated", change: opts.change})
}

// change applies the field, --clear-* and --unarchive flags to o.
func (opts *UpdateOptions) change(o *offer.Offer) {
	opts.Fields.apply(o)
	for _, name := range opts.Clear {
		switch name {
		case flagDescription:
			o.Description = ""
		case flagCurrency:
			o.Currency = ""
		case flagStock:
			o.Stock = nil
		case flagPerBuyer:
			o.PerBuyerLimit = nil
		case flagCountries:
			o.Countries = nil
		case "confirm":
			o.Confirm = nil
		case flagStarts:
			o.Starts = ""
		case flagEnds:
			o.Ends = ""
		}
	}
	if opts.Unarchive {
		o.Archived = false
	}
}

// edit is one change of an offer by update or archive.
type edit struct {
	io     *iostreams.IOStreams
	config func() (*config.Config, error)
	sold   func(cfg *config.Config) (map[string]int, error)
	now    func() time.Time
	output output.Format
	tag    string
	done   string // "Updated", "Archived"
	change func(*offer.Offer)
}

// editOffer changes the offer with e.tag through e.change, validates the
// whole resulting list, and writes only the fields that differ. With -o
// json it prints the offer as it is then.
func editOffer(ctx context.Context, e edit) error {
	cfg, err := e.config()
	if err != nil {
		return err
	}
	od, err := openOffers(ctx, cfg)
	if err != nil {
		return err
	}
	defer od.Close()
	i, err := od.index(e.tag)
	if err != nil {
		return err
	}
	old := od.Items[i]
	next := old
	next.Countries = slices.Clone(old.Countries)
	if old.Confirm != nil {
		c := *old.Confirm
		next.Confirm = &c
	}
	e.change(&next)
	var sold map[string]int
	if e.output == output.JSON {
		// Read before the file is written, so that a state that cannot be
		// read leaves the file as it was.
		if sold, err = e.sold(cfg); err != nil {
			return err
		}
	}
	fields := diff(old, next)
	if len(fields) == 0 {
		if e.output == output.JSON {
			r, err := offer.Resolve(old, cfg.OfferDefaults())
			if err != nil {
				return fmt.Errorf("%w: %s: %w", config.ErrInvalid, cfg.Path, err)
			}
			return writeShown(e.io, cfg, r, sold, e.now())
		}
		output.Fprintf(e.io.ErrOut, "✓ Offer %s already as asked; %s not changed\n", label(old), cfg.Path)
		return nil
	}
	after := slices.Clone(od.Items)
	after[i] = next
	rs, err := od.check(after, i)
	if err != nil {
		return err
	}
	if err := updateDoc(od, e.tag, old, next, fields); err != nil {
		return cmdutil.EditErr(cfg.Path, err)
	}
	if err := od.save(); err != nil {
		return err
	}
	if e.output == output.JSON {
		return writeShown(e.io, cfg, rs[i], sold, e.now())
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	output.Fprintf(e.io.ErrOut, "✓ %s offer %s in %s (%s)\n", e.done, rs[i].Label(), cfg.Path, joinKeys(keys))
	return nil
}

// updateDoc writes fields, the changes of the offer tag from old to next,
// into the file. A confirm that stays has only its changed fields written,
// so that the others keep their text and line comments; one written in
// flow style ({hashtag: X}) is written whole.
func updateDoc(od *offerDoc, tag string, old, next offer.Offer, fields map[string]any) error {
	match := offer.MatchNode(tag)
	if oc, nc := old.Confirm, next.Confirm; oc != nil && nc != nil && *oc != *nc {
		in := map[string]any{}
		str := func(key, a, b string) {
			switch {
			case a == b:
			case b == "":
				in[key] = nil
			default:
				in[key] = b
			}
		}
		str("hashtag", oc.Hashtag, nc.Hashtag)
		str("window", oc.Window, nc.Window)
		rest := maps.Clone(fields)
		delete(rest, "confirm")
		if err := od.Doc.Update(offersKey, match, rest); err != nil {
			return err
		}
		err := od.Doc.UpdateIn(offersKey, match, "confirm", in)
		if !errors.Is(err, yamldoc.ErrUnsupported) {
			return err
		}
		// The document is as Update left it: UpdateIn undoes a failed edit.
		return od.Doc.Update(offersKey, match, map[string]any{"confirm": fields["confirm"]})
	}
	return od.Doc.Update(offersKey, match, fields)
}

func joinKeys(keys []string) string {
	s := ""
	for i, k := range keys {
		if i > 0 {
			s += ", "
		}
		s += k
	}
	return s
}

// diff returns the YAML fields of next that differ from old, keyed by their
// YAML name; a nil value removes the field.
func diff(old, next offer.Offer) map[string]any {
	out := map[string]any{}
	str := func(key, a, b string) {
		if a == b {
			return
		}
		if b == "" {
			out[key] = nil
		} else {
			out[key] = b
		}
	}
	str("name", old.Name, next.Name)
	str("description", old.Description, next.Description)
	str("price", old.Price, next.Price)
	str("currency", old.Currency, next.Currency)
	str("starts", old.Starts, next.Starts)
	str("ends", old.Ends, next.Ends)
	num := func(key string, a, b *int) {
		switch {
		case a == nil && b == nil:
		case b == nil:
			out[key] = nil
		case a == nil || *a != *b:
			out[key] = *b
		}
	}
	num("stock", old.Stock, next.Stock)
	num("per_buyer_limit", old.PerBuyerLimit, next.PerBuyerLimit)
	if !slices.Equal(old.Countries, next.Countries) {
		if len(next.Countries) == 0 {
			out["countries"] = nil
		} else {
			out["countries"] = scalarSeq(next.Countries)
		}
	}
	switch oc, nc := old.Confirm, next.Confirm; {
	case oc == nil && nc == nil:
	case nc == nil:
		out["confirm"] = nil
	case oc == nil || *oc != *nc:
		out["confirm"] = *nc
	}
	if old.Archived != next.Archived {
		if next.Archived {
			out["archived"] = true
		} else {
			out["archived"] = nil
		}
	}
	return out
}
