package offer

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/offer"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/tweet"
)

// TweetOptions are the inputs of `offer tweet`.
type TweetOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	Now    func() time.Time
	Tag    string
	Output output.Format
}

// NewCmdTweet returns `offer tweet`.
func NewCmdTweet(f *cmdutil.Factory, runF func(context.Context, *TweetOptions) error) *cobra.Command {
	opts := &TweetOptions{IO: f.IOStreams, Config: f.Config, Now: time.Now}
	cmd := &cobra.Command{
		Use:   "tweet TAG",
		Short: "Print the tweet that announces an offer",
		Long: `Print the tweet the merchant posts to announce an offer: its name, price,
hashtag (or gift handle), confirmation step, countries and limits. The text
is always a valid tweet of at most 280 weighted characters (twitter-text
v3): when it would be longer, the optional details go first, then the
wording gets shorter, and only then is the name cut with "…".

With -o json, prints {"offer", "text", "weighted_length", "valid"}.

Exit status: 0; 3 when no offer has TAG; 4 when the config file is invalid.`,
		Example: "  tweetpay offer tweet BuyBlueMug\n  tweetpay offer tweet BuyBlueMug -o json | jq -r .text",
		Args:    cmdutil.ExactArgs(1, "an offer's hashtag or gift handle"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Tag = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return tweetRun(cmd.Context(), opts)
		},
	}
	output.AddFlag(cmd, &opts.Output)
	return cmd
}

// TweetResult is the JSON form of `offer tweet`.
type TweetResult struct {
	Offer          string `json:"offer"`
	Text           string `json:"text"`
	WeightedLength int    `json:"weighted_length"`
	Valid          bool   `json:"valid"`
}

func tweetRun(_ context.Context, opts *TweetOptions) error {
	cfg, rs, err := resolveFile(opts.Config)
	if err != nil {
		return err
	}
	r, err := find(cfg, rs, opts.Tag)
	if err != nil {
		return err
	}
	text := offer.TweetText(r, cfg.Merchant.Handle)
	p := tweet.Parse(text)
	res := TweetResult{Offer: r.Label(), Text: text, WeightedLength: p.WeightedLength, Valid: p.Valid}
	if !r.Active(opts.Now()) {
		output.Fprintf(opts.IO.ErrOut, "warning: offer %s cannot be bought now (archived, not started or ended)\n", r.Label())
	}
	if opts.Output == output.JSON {
		return output.WriteJSON(opts.IO.Out, res)
	}
	_, err = fmt.Fprintln(opts.IO.Out, text)
	return err
}
