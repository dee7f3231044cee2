package buyer

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/buyer"
	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
)

// UnlinkOptions are the inputs of `buyer unlink`.
type UnlinkOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Handle string
	Yes    bool
	Output output.Format
}

// NewCmdUnlink returns `buyer unlink`.
func NewCmdUnlink(f *cmdutil.Factory, runF func(context.Context, *UnlinkOptions) error) *cobra.Command {
	opts := &UnlinkOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "unlink @HANDLE",
		Short: "Remove a test buyer from tweetpay.yaml",
		Long: `Remove a buyer, with the comment lines directly above it, from the config
file; the rest of the file is kept byte for byte. The buyer's tweets are then
rejected as not_linked. The Stripe Customer and its card are kept, with their
charges: 'tweetpay buyer link' finds the same Customer again.

Asks for confirmation on a terminal; otherwise --yes is required.

The question is asked before the file is locked for the edit, so that other
edits need not wait for the answer; a buyer that another process removed
meanwhile is reported as such, and the command succeeds.

With -o json, {"buyer", "path", "unlinked"}: the buyer's @handle, the config
file, and false when the removal was declined (or another process removed
the buyer first).

Exit status: 0 when removed; 2 without --yes when not interactive; 3 when no
buyer has HANDLE; 4 when the config file is invalid or cannot be written
(read-only, not a regular file, a directory without write permission); 6 when another process
keeps the file locked for an edit longer than lock_timeout (default 10s).`,
		Example: "  tweetpay buyer unlink @alice --yes",
		Args:    cmdutil.ExactArgs(1, "a buyer's @handle"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Handle = args[0]
			if err := cmdutil.ConfirmFlag(opts.Yes, opts.IO.CanPrompt(), "buyer unlink"); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return unlinkRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "Remove without asking")
	output.AddFlag(cmd, &opts.Output)
	return cmd
}

// unlinked is what `buyer unlink -o json` prints.
type unlinked struct {
	Buyer    string `json:"buyer"`
	Path     string `json:"path"`
	Unlinked bool   `json:"unlinked"`
}

func unlinkRun(ctx context.Context, opts *UnlinkOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	asked := "" // the buyer as named in the question
	if !opts.Yes {
		// Ask before taking the edit lock: other processes must not wait
		// for a person to answer.
		bd, err := readBuyers(cfg)
		if err != nil {
			return err
		}
		name, err := bd.name(opts.Handle)
		if err != nil {
			return err
		}
		asked = name
		if !cmdutil.Confirm(opts.IO, fmt.Sprintf("Remove buyer %s from %s?", name, output.Escape(cfg.Path))) {
			if opts.Output == output.JSON {
				return output.WriteJSON(opts.IO.Out, unlinked{Buyer: name, Path: cfg.Path})
			}
			fmt.Fprintln(opts.IO.ErrOut, "Nothing removed.")
			return nil
		}
	}
	bd, err := openBuyers(ctx, cfg)
	if err != nil {
		return err
	}
	defer bd.Close()
	name, err := bd.name(opts.Handle)
	if errors.Is(err, ErrNotFound) && asked != "" {
		// Another process removed it while the user was asked: what
		// they wanted is done.
		if opts.Output == output.JSON {
			return output.WriteJSON(opts.IO.Out, unlinked{Buyer: asked, Path: cfg.Path})
		}
		output.Fprintf(opts.IO.ErrOut, "✓ Buyer %s was removed from %s by another process meanwhile; nothing to do\n", asked, cfg.Path)
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := bd.Doc.Remove(buyersKey, buyer.MatchNode(opts.Handle)); err != nil {
		return cmdutil.EditErr(cfg.Path, err)
	}
	if err := bd.Doc.Save(cfg.Path); err != nil {
		return cmdutil.EditErr(cfg.Path, err)
	}
	if opts.Output == output.JSON {
		return output.WriteJSON(opts.IO.Out, unlinked{Buyer: name, Path: cfg.Path, Unlinked: true})
	}
	output.Fprintf(opts.IO.ErrOut, "✓ Removed buyer %s from %s; its Stripe Customer is kept (buyer link finds it again)\n", name, cfg.Path)
	return nil
}

// name returns the handle of the file's buyer h as written, with one '@', or
// the error for a buyer the file does not have.
func (bd *buyerDoc) name(h string) (string, error) {
	i := bd.index(h)
	if i < 0 {
		if _, err := buyer.NormalizeHandle(h); err != nil {
			return "", err
		}
		return "", notFoundErr(bd.cfg.Path, h, bd.Items)
	}
	return at(bd.Items[i].Handle), nil
}
