package offer

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/offer"
	"github.com/tweetpay/tweetpay/pkg/output"
)

// ArchiveOptions are the inputs of `offer archive`.
type ArchiveOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Sold   func(cfg *config.Config) (map[string]int, error)
	Now    func() time.Time
	Tag    string
	Output output.Format
}

// NewCmdArchive returns `offer archive`.
func NewCmdArchive(f *cmdutil.Factory, runF func(context.Context, *ArchiveOptions) error) *cobra.Command {
	opts := &ArchiveOptions{IO: f.IOStreams, Config: f.Config, Sold: SoldUnits, Now: time.Now}
	cmd := &cobra.Command{
		Use:   "archive TAG",
		Short: "Stop selling an offer, keeping it in tweetpay.yaml",
		Long: `Set archived: true on an offer. Tweets of its hashtag are then rejected with
the reason offer_inactive, its hashtags stay reserved, and 'tweetpay offer
sync' deactivates its Stripe Product. 'tweetpay offer update TAG --unarchive'
undoes it.

With -o json, the offer as 'tweetpay offer show TAG -o json' prints it.

Exit status: 0 when archived (or already archived); 3 when no offer has TAG;
4 when the config file is invalid or cannot be written (read-only, not a
regular file, a directory without write permission); 6 when another process
keeps the file locked for an edit longer than lock_timeout (default 10s).`,
		Example: "  tweetpay offer archive BuyBlueMug && tweetpay offer sync",
		Args:    cmdutil.ExactArgs(1, "an offer's hashtag or gift handle"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Tag = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return archiveRun(cmd.Context(), opts)
		},
	}
	output.AddFlag(cmd, &opts.Output)
	return cmd
}

func archiveRun(ctx context.Context, opts *ArchiveOptions) error {
	return editOffer(ctx, edit{io: opts.IO, config: opts.Config, sold: opts.Sold, now: opts.Now, output: opts.Output,
		tag: opts.Tag, done: "Archived", change: func(o *offer.Offer) { o.Archived = true }})
}
