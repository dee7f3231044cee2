// Package offer holds the `tweetpay offer` commands: declare tweetable
// offers in tweetpay.yaml, list and show them, write the tweet a merchant
// posts, and sync them to Stripe Products and Prices.
package offer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/offer"
	"github.com/tweetpay/tweetpay/pkg/payment"
	"github.com/tweetpay/tweetpay/pkg/yamldoc"
)

// NewCmdOffer returns the offer noun with its verbs.
func NewCmdOffer(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.Group("offer", "Declare, inspect and sync tweetable offers",
		`Manage the offers of the config file. An offer is a purchase hashtag, bought
by tweeting #TAG, or a gift handle, bought by tweeting "@HANDLE to @friend",
with a name and a price. TAG names an offer by either ('#' and '@' optional).

create, update, archive and delete edit the file in place, keeping its
comments, order and formatting; list, show and tweet only read it. The units
sold come from the simulation's state. Only sync talks to Stripe: it makes
the offers' Products and Prices match the file.`,
		NewCmdCreate(f, nil),
		NewCmdList(f, nil),
		NewCmdShow(f, nil),
		NewCmdUpdate(f, nil),
		NewCmdArchive(f, nil),
		NewCmdDelete(f, nil),
		NewCmdTweet(f, nil),
		NewCmdSync(f, nil),
	)
}

// ErrNotFound is matched (errors.Is) by the error for a offer that the file
// does not have. That error also matches payment.ErrNotFound, so it exits 3.
var ErrNotFound = errors.New("offer not found")

// notFoundError says which offer is missing and what the file has instead.
type notFoundError struct{ msg string }

func (e *notFoundError) Error() string { return e.msg }

func (e *notFoundError) Is(target error) bool {
	return target == ErrNotFound || target == payment.ErrNotFound
}

// offersKey is the top-level list of tweetpay.yaml that holds the offers.
const offersKey = "offers"

// offerDoc is tweetpay.yaml opened for an edit of its offers.
type offerDoc struct {
	cfg    *config.Config
	doc    *yamldoc.Doc
	offers []offer.Offer // decoded from doc, in file order
	unlock func()
}

// openOffers loads the file for an edit of its offers. It holds the file's
// edit lock until close, so that another process's edit made meanwhile is
// neither overwritten nor lost.
func openOffers(ctx context.Context, cfg *config.Config) (*offerDoc, error) {
	od, unlock, err := yamldoc.Locked(ctx, cfg.Path, cfg.LockTimeout, func() (*offerDoc, error) { return readOffers(cfg) })
	if err != nil {
		return nil, err
	}
	od.unlock = unlock
	return od, nil
}

// close releases the edit lock; it may be called more than once.
func (od *offerDoc) close() {
	if od != nil && od.unlock != nil {
		od.unlock()
		od.unlock = nil
	}
}

// readOffers loads the file's offers without the edit lock, for a look only.
func readOffers(cfg *config.Config) (*offerDoc, error) {
	doc, err := yamldoc.Load(cfg.Path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", config.ErrInvalid, err)
	}
	od := &offerDoc{cfg: cfg, doc: doc}
	for _, n := range doc.List(offersKey) {
		var o offer.Offer
		if err := n.Decode(&o); err != nil {
			return nil, fmt.Errorf("%w: %s:%d: %v", config.ErrInvalid, cfg.Path, n.Line, err)
		}
		od.offers = append(od.offers, o)
	}
	return od, nil
}

// index returns the position of the offer whose hashtag or gift handle is
// tag, compared as tweets compare tags.
func (od *offerDoc) index(tag string) (int, error) {
	match := offer.MatchNode(tag)
	for i, n := range od.doc.List(offersKey) {
		if match(n) {
			return i, nil
		}
	}
	return -1, od.notFound(tag)
}

func (od *offerDoc) notFound(tag string) error {
	return notFoundErr(od.cfg.Path, tag, od.offers)
}

func notFoundErr(path, tag string, offers []offer.Offer) error {
	labels := make([]string, 0, len(offers))
	for _, o := range offers {
		labels = append(labels, label(o))
	}
	known := "it has none"
	if len(labels) > 0 {
		known = "it has " + strings.Join(labels, ", ")
	}
	return &notFoundError{fmt.Sprintf("no offer %s in %s (%s)", strings.TrimSpace(tag), path, known)}
}

// label names an offer as written: "#BuyBlueMug" or "@tweetacoffee".
func label(o offer.Offer) string {
	if h := strings.TrimLeft(strings.TrimSpace(o.Hashtag), "#＃"); h != "" {
		return "#" + h
	}
	return "@" + strings.TrimLeft(strings.TrimSpace(o.GiftHandle), "@＠")
}

// check validates the offer list as it would be after an edit, before
// anything is written. edited is the index of the new or changed entry in
// after (-1 for none). A problem with the edited offer, or one the edit
// causes (a hashtag used twice), is bad input (exit 3); a file whose other
// offers are already invalid is a configuration problem (exit 4).
func (od *offerDoc) check(after []offer.Offer, edited int) ([]offer.Resolved, error) {
	d := od.cfg.OfferDefaults()
	if edited >= 0 {
		if _, err := offer.Resolve(after[edited], d); err != nil {
			return nil, fmt.Errorf("%w; %s was not changed", err, od.cfg.Path)
		}
	}
	rs, err := offer.ValidateAll(after, d)
	if err == nil {
		return rs, nil
	}
	others := after
	if edited >= 0 {
		others = slices.Delete(slices.Clone(after), edited, edited+1)
	}
	if _, oerr := offer.ValidateAll(others, d); oerr != nil {
		return nil, fmt.Errorf("%w: %s: fix these offers first (tweetpay config validate shows them): %w", config.ErrInvalid, od.cfg.Path, oerr)
	}
	return nil, fmt.Errorf("%w; %s was not changed", err, od.cfg.Path)
}

func (od *offerDoc) save() error {
	if err := od.doc.Save(od.cfg.Path); err != nil {
		return editErr(od.cfg.Path, err)
	}
	return nil
}

// editErr explains a yamldoc failure: a layout it cannot edit safely, a
// file in a directory that does not exist, a path that is not a regular
// file, or a file or directory that cannot be written is the
// configuration's problem (exit 4), not the user's input.
func editErr(path string, err error) error {
	switch {
	case errors.Is(err, yamldoc.ErrUnsupported) || errors.Is(err, yamldoc.ErrInvalid):
		return fmt.Errorf("%w: %s: %w", config.ErrInvalid, path, err)
	case errors.Is(err, yamldoc.ErrNoDir):
		// A --config in a directory that does not exist: create it, or
		// fix the path. The error names both.
		return fmt.Errorf("%w: %w; create it first, or check the path", config.ErrInvalid, err)
	case errors.Is(err, yamldoc.ErrNotFile), errors.Is(err, yamldoc.ErrReadOnly):
		return fmt.Errorf("%w: %w", config.ErrInvalid, err)
	case errors.Is(err, fs.ErrPermission):
		// The file is replaced by a new one written beside it, so its
		// directory must be writable too.
		return fmt.Errorf("%w: %w (an edit writes a new file in the file's directory)", config.ErrInvalid, err)
	}
	return err
}

// scalarSeq is a flow-style list of strings, [US, CA], as the file's example
// writes countries.
func scalarSeq(items []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
	for _, s := range items {
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s})
	}
	return n
}

// resolveFile returns the config with its offers resolved; a file whose
// offers are invalid is a configuration problem (exit 4).
func resolveFile(getCfg func() (*config.Config, error)) (*config.Config, []offer.Resolved, error) {
	cfg, err := getCfg()
	if err != nil {
		return nil, nil, err
	}
	rs, err := cfg.ResolveOffers()
	if err != nil {
		return nil, nil, err
	}
	return cfg, rs, nil
}

// find returns the resolved offer with tag, or an error that exits 3.
func find(cfg *config.Config, rs []offer.Resolved, tag string) (offer.Resolved, error) {
	if r, ok := offer.Find(rs, tag); ok {
		return r, nil
	}
	return offer.Resolved{}, notFoundErr(cfg.Path, tag, cfg.Offers)
}
