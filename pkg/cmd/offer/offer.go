// Package offer holds the `tweetpay offer` commands: declare tweetable
// offers in tweetpay.yaml, list and show them, write the tweet a merchant
// posts, and sync them to Stripe Products and Prices.
package offer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/offer"
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

// offersKey is the top-level list of tweetpay.yaml that holds the offers.
const offersKey = "offers"

// offerDoc is tweetpay.yaml loaded for an edit of its offers.
type offerDoc struct {
	*yamldoc.List[offer.Offer]
	cfg *config.Config
}

// openOffers loads the file for an edit of its offers, holding its edit
// lock until Close.
func openOffers(ctx context.Context, cfg *config.Config) (*offerDoc, error) {
	l, err := cmdutil.OpenList[offer.Offer](ctx, cfg, offersKey)
	if err != nil {
		return nil, err
	}
	return &offerDoc{l, cfg}, nil
}

// readOffers loads the file's offers without the edit lock, for a look only.
func readOffers(cfg *config.Config) (*offerDoc, error) {
	l, err := cmdutil.ReadList[offer.Offer](cfg, offersKey)
	if err != nil {
		return nil, err
	}
	return &offerDoc{l, cfg}, nil
}

// index returns the position of the offer whose hashtag or gift handle is
// tag, compared as tweets compare tags.
func (od *offerDoc) index(tag string) (int, error) {
	match := offer.MatchNode(tag)
	for i, n := range od.Doc.List(offersKey) {
		if match(n) {
			return i, nil
		}
	}
	return -1, od.notFound(tag)
}

func (od *offerDoc) notFound(tag string) error {
	return notFoundErr(od.cfg.Path, tag, od.Items)
}

func notFoundErr(path, tag string, offers []offer.Offer) error {
	labels := make([]string, 0, len(offers))
	for _, o := range offers {
		labels = append(labels, label(o))
	}
	return cmdutil.NotFound(ErrNotFound, "offer", strings.TrimSpace(tag), path, labels)
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
			return nil, notChanged(err, od.cfg.Path)
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
	return nil, notChanged(err, od.cfg.Path)
}

// notChanged adds to err, an edit's problems, that the file at path was not
// changed: after the one problem, or on a line of its own after several,
// so that it does not read as part of the last.
func notChanged(err error, path string) error {
	if len(offer.Problems(err)) > 1 {
		return fmt.Errorf("%w\n%s was not changed", err, path)
	}
	return fmt.Errorf("%w; %s was not changed", err, path)
}

func (od *offerDoc) save() error {
	if err := od.Doc.Save(od.cfg.Path); err != nil {
		return cmdutil.EditErr(od.cfg.Path, err)
	}
	return nil
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
