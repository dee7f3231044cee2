// Package tweet holds `tweetpay tweet`: tweets as Twitter reads them.
package tweet

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/tweet"
)

// NewCmdTweet returns the tweet noun.
func NewCmdTweet(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.Group("tweet", "Read tweets as Twitter does (twitter-text)",
		`Read tweet text with twitter-text's rules, as Twitter does: its entities
(hashtags, mentions, cashtags, URLs), its weighted length and whether it is
a valid tweet. These commands use no config file, state or network.`,
		NewCmdParse(f, nil))
}

// ParseOptions are the inputs of `tweet parse`.
type ParseOptions struct {
	IO      *iostreams.IOStreams
	Text    string
	Version int
	Output  output.Format
}

// maxInput bounds what is read from stdin: far above any tweet (tweetypie's
// limit is 5,708 bytes), low enough never to exhaust memory.
const maxInput = 1 << 20

// NewCmdParse returns `tweet parse`.
func NewCmdParse(f *cmdutil.Factory, runF func(context.Context, *ParseOptions) error) *cobra.Command {
	opts := &ParseOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "parse TEXT",
		Short: "Show a tweet's entities, weighted length and validity",
		Long: `Extract hashtags, mentions, cashtags and URLs with twitter-text's rules, and weigh
the text with its character counting (config v3 by default: 280 weighted
characters, URLs count 23, emoji sequences count 2). Indices count code points,
start inclusive and end exclusive, covering the sign, as the Twitter API does.
TEXT may be - to read standard input.

Exit status: 0 whether or not the tweet is valid ("valid" says so); 3 if the
text is not UTF-8 or is larger than 1 MiB.`,
		Example: `  tweetpay tweet parse "I want one #BuyBlueMug"
  tweetpay tweet parse - -o json < tweet.txt`,
		Args: cmdutil.ExactArgs(1, "the tweet text (or -)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Text = args[0]
			if opts.Version < 1 || opts.Version > 3 {
				return cmdutil.FlagErrorf("--config-version must be 1, 2 or 3")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return parseRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().IntVar(&opts.Version, "config-version", 3, "twitter-text length `version`: 1 (140), 2 or 3 (280)")
	output.AddFlag(cmd, &opts.Output)
	return cmd
}

func parseRun(_ context.Context, opts *ParseOptions) error {
	text := opts.Text
	if text == "-" {
		b, err := io.ReadAll(io.LimitReader(opts.IO.In, maxInput+1))
		if err != nil {
			return err
		}
		if len(b) > maxInput {
			return fmt.Errorf("%w: input is larger than 1 MiB", tweet.ErrParse)
		}
		text = strings.TrimSuffix(strings.TrimSuffix(string(tweet.TrimBOM(b)), "\n"), "\r")
	}
	if len(text) > maxInput {
		return fmt.Errorf("%w: input is larger than 1 MiB", tweet.ErrParse)
	}
	if _, err := tweet.ParseStrict(text); err != nil {
		return err
	}
	cfg, _ := tweet.ConfigVersion(opts.Version)
	r := tweet.ParseWith(text, cfg)
	if opts.Output == output.JSON {
		return output.WriteJSON(opts.IO.Out, r)
	}
	type row struct{ kind, value, span string }
	var rows []row
	runes := []rune(r.Text)
	add := func(kind string, es []tweet.Entity) {
		for _, e := range es {
			v := e.Value + e.ListSlug
			if e.Start >= 0 && e.End <= len(runes) && e.Start < e.End {
				v = string(runes[e.Start:e.End]) // as typed, with its sign
			}
			rows = append(rows, row{kind, v, strconv.Itoa(e.Start) + "-" + strconv.Itoa(e.End)})
		}
	}
	add("hashtag", r.Hashtags)
	add("mention", r.Mentions)
	add("cashtag", r.Cashtags)
	add("url", r.URLs)
	cols := []output.Column[row]{
		{Header: "ENTITY", Value: func(r row) string { return r.kind }},
		{Header: "VALUE", Value: func(r row) string { return r.value }},
		{Header: "CODE POINTS", Value: func(r row) string { return r.span }},
	}
	if err := output.Print(opts.IO, output.Table, rows, cols); err != nil {
		return err
	}
	valid := "valid"
	if !r.Valid {
		valid = "NOT valid"
	}
	max := 280
	if opts.Version == 1 {
		max = 140
	}
	fmt.Fprintf(opts.IO.ErrOut, "%d/%d weighted characters (%d‰): %s\n", r.WeightedLength, max, r.Permillage, valid)
	return nil
}
