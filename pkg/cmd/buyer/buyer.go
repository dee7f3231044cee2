// Package buyer holds the `tweetpay buyer` commands: link test buyers (a
// Twitter handle with a Stripe test card) to Stripe Customers, and manage
// them in tweetpay.yaml.
package buyer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/buyer"
	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/payment"
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

// notFoundError says which buyer is missing and what the file has instead.
type notFoundError struct{ msg string }

func (e *notFoundError) Error() string { return e.msg }

func (e *notFoundError) Is(target error) bool {
	return target == ErrNotFound || target == payment.ErrNotFound
}

// buyersKey is the top-level list of tweetpay.yaml that holds the buyers.
const buyersKey = "buyers"

// buyerDoc is tweetpay.yaml opened for an edit of its buyers.
type buyerDoc struct {
	cfg    *config.Config
	doc    *yamldoc.Doc
	buyers []buyer.Buyer
	unlock func()
}

// openBuyers loads the file for an edit of its buyers. It holds the file's
// edit lock until close, so that another process's edit made meanwhile is
// neither overwritten nor lost.
func openBuyers(ctx context.Context, cfg *config.Config) (*buyerDoc, error) {
	bd, unlock, err := yamldoc.Locked(ctx, cfg.Path, cfg.LockTimeout, func() (*buyerDoc, error) { return readBuyers(cfg) })
	if err != nil {
		return nil, err
	}
	bd.unlock = unlock
	return bd, nil
}

// close releases the edit lock; it may be called more than once.
func (bd *buyerDoc) close() {
	if bd != nil && bd.unlock != nil {
		bd.unlock()
		bd.unlock = nil
	}
}

// readBuyers loads the file's buyers without the edit lock, for a look only.
func readBuyers(cfg *config.Config) (*buyerDoc, error) {
	doc, err := yamldoc.Load(cfg.Path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", config.ErrInvalid, err)
	}
	bd := &buyerDoc{cfg: cfg, doc: doc}
	for _, n := range doc.List(buyersKey) {
		var b buyer.Buyer
		if err := n.Decode(&b); err != nil {
			return nil, fmt.Errorf("%w: %s:%d: %v", config.ErrInvalid, cfg.Path, n.Line, err)
		}
		bd.buyers = append(bd.buyers, b)
	}
	return bd, nil
}

// index returns the position of the buyer with handle h, or -1.
func (bd *buyerDoc) index(h string) int {
	for i, b := range bd.buyers {
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
	known := "it has none"
	if len(names) > 0 {
		known = "it has " + strings.Join(names, ", ")
	}
	return &notFoundError{fmt.Sprintf("no buyer %s in %s (%s)", at(h), path, known)}
}

// at writes a handle with one '@'.
func at(h string) string {
	return "@" + strings.TrimLeft(strings.TrimSpace(h), "@＠")
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
