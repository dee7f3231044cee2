// Package buyer holds the `tweetpay buyer` commands: link test buyers (a
// Twitter handle with a Stripe test card) to Stripe Customers, and manage
// them in tweetpay.yaml.
package buyer

import (
	"context"
	"errors"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/buyer"
	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/yamldoc"
)

// NewCmdBuyer returns the buyer noun with its verbs.
func NewCmdBuyer(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.Group("buyer", "Link and manage test buyers",
		`Manage the test buyers of the config file: a Twitter handle ('@' optional,
any case) with a Stripe test card, whose tweets the simulation charges.

link is the card-sync step: it finds or creates the buyer's Stripe Customer,
puts the card on file and writes the buyer to the file. show reads the
Customer from Stripe. list and unlink use the file alone; edits keep its
comments, order and formatting.`,
		NewCmdLink(f, nil),
		NewCmdList(f, nil),
		NewCmdShow(f, nil),
		NewCmdUnlink(f, nil),
	)
}

// ErrNotFound is matched (errors.Is) by the error for a buyer that the file
// does not have. That error also matches payment.ErrNotFound, so it exits 3.
var ErrNotFound = errors.New("buyer not found")

// buyersKey is the top-level list of tweetpay.yaml that holds the buyers.
const buyersKey = "buyers"

// buyerDoc is tweetpay.yaml loaded for an edit of its buyers.
type buyerDoc struct {
	*yamldoc.List[buyer.Buyer]
	cfg *config.Config
}

// openBuyers loads the file for an edit of its buyers, holding its edit
// lock until Close.
func openBuyers(ctx context.Context, cfg *config.Config) (*buyerDoc, error) {
	l, err := cmdutil.OpenList[buyer.Buyer](ctx, cfg, buyersKey)
	if err != nil {
		return nil, err
	}
	return &buyerDoc{l, cfg}, nil
}

// readBuyers loads the file's buyers without the edit lock, for a look, or
// for work to do before an edit, which reads them again under the lock.
func readBuyers(cfg *config.Config) (*buyerDoc, error) {
	l, err := cmdutil.ReadList[buyer.Buyer](cfg, buyersKey)
	if err != nil {
		return nil, err
	}
	return &buyerDoc{l, cfg}, nil
}

// index returns the position of the buyer with handle h, or -1.
func (bd *buyerDoc) index(h string) int {
	for i, b := range bd.Items {
		if buyer.SameHandle(b.Handle, h) {
			return i
		}
	}
	return -1
}

func notFoundErr(path, h string, buyers []buyer.Buyer) error {
	names := make([]string, 0, len(buyers))
	for _, b := range buyers {
		names = append(names, at(b.Handle))
	}
	return cmdutil.NotFound(ErrNotFound, "buyer", at(h), path, names)
}

// at writes a handle with one '@'.
func at(h string) string {
	return "@" + strings.TrimLeft(strings.TrimSpace(h), "@＠")
}

// cardInfo describes a resolved card for people: "visa …4242".
func cardInfo(c buyer.Card) string {
	s := c.Input
	if c.Brand != "" && c.Last4 != "" && !strings.EqualFold(c.Input, c.Brand) {
		s += " (" + c.Brand + " …" + c.Last4 + ")"
	} else if c.Last4 != "" {
		s += " …" + c.Last4
	}
	return s
}
