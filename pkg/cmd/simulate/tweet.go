package simulate

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/buyer"
	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/payment"
	"github.com/tweetpay/tweetpay/pkg/scenario"
	"github.com/tweetpay/tweetpay/pkg/shop"
	"github.com/tweetpay/tweetpay/pkg/tweet"
)

// TweetOptions are the inputs of `simulate tweet`.
type TweetOptions struct {
	IO     *iostreams.IOStreams
	Engine func() (*shop.Engine, error)

	From   string
	ID     string
	At     string
	Expect string
	File   string
	Text   string
	Output output.Format
}

// NewCmdTweet returns `simulate tweet`.
func NewCmdTweet(f *cmdutil.Factory, runF func(context.Context, *TweetOptions) error) *cobra.Command {
	opts := &TweetOptions{IO: f.IOStreams, Engine: f.Engine}
	cmd := &cobra.Command{
		Use:   "tweet (--from @HANDLE TEXT | --file PAYLOAD)",
		Short: "Run one tweet through the purchase engine",
		Long: `Run one tweet through the purchase engine, as the merchant's bot would see it:
a purchase hashtag charges a linked buyer's card; an offer with a confirmation
hashtag authorises first and captures when the buyer confirms in time; a tweet
whose first mention is a gift handle ("@tweetacoffee to @friend", or "hey
@tweetacoffee to @friend") buys a gift for each account it mentions after it,
other than the sender and the merchant. The tweet's time is --at (default: the payload's created_at,
else now), never the clock during processing, so runs are reproducible.

A tweet does one thing. A gift tweet buys the gift while its offer is on
sale. Otherwise the hashtags are read in order, compared as Twitter compares
them (case and width do not matter: #buybluemug is #BuyBlueMug), and the first
that can act decides: a confirmation hashtag whose purchase waits for it, or
the purchase hashtag of an offer on sale that is not already waiting for its
confirmation. So "#BuyKindle #ConfirmKindle" confirms a purchase waiting, and
a tweet with two confirmation hashtags confirms one purchase. When nothing
can act, the tweet is answered for the first offer it names that is on sale
(already_pending, no_pending_purchase), and only when every offer it names
has ended, has not started or is archived is it rejected offer_inactive, for
the first.

TEXT may be - to read it from standard input. With --file, the tweet is read
from a Twitter API v2 Tweet, a v1.1 Tweet, an Account Activity payload
(tweet_create_events) or a plain {"id","from","text","created_at"} object.
A v2 Tweet without includes.users names its author only by author_id: it is
the tweet of the buyer with that user_id (buyer link --user-id), and a bad
tweet when no buyer has it.
For a payload of one tweet, --id and --at replace its ID and time; --at also
gives a time to a payload without created_at.

A payload may hold several tweets (an Account Activity payload, a v2
response whose "data" is an array): they are processed in order. --id is
then a usage error, and so is --at unless none of them has a created_at.
With -o json, one tweet prints one result object; several print an array
of result objects, in payload order. If a tweet cannot be processed, the
results of those before it are printed and the rest are not run; running
the payload again is safe, as processed tweets come back as duplicates.

The same tweet ID processed twice returns the first result with
"duplicate": true and charges nothing. Without --id, the ID is derived from
the author, text and time.

Exit status: 0 when processed (purchased, rejected, ignored, ...); 5 when a
card was declined and --expect was not given; 3 for a bad tweet; 7 when an
outcome differs from --expect (with several tweets, each must match); 2 for
bad flags; 4 for a bad configuration; 6 when the provider is unavailable.`,
		Example: `  tweetpay simulate tweet --from @alice "I want one #BuyBlueMug"
  tweetpay simulate tweet --from @alice --at 2026-11-24T10:00:00Z --expect awaiting_confirmation "#BuyKindle"
  tweetpay simulate tweet --file tweet_create_events.json -o json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return cmdutil.FlagErrorf("the tweet text must be one argument; quote it")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Text = args[0]
			}
			// An unset variable in --expect "$OUTCOME" would drop the
			// check and exit 0 whatever came; in --at "$T" it would
			// make the tweet's time (and its derived ID) the clock's.
			for _, fl := range []struct{ name, value, want string }{
				{"expect", opts.Expect, "an outcome"}, {"at", opts.At, "a time (RFC3339, or now)"},
				{"file", opts.File, "a payload file (- for standard input)"}, {"id", opts.ID, "a tweet ID"},
			} {
				if cmd.Flags().Changed(fl.name) && strings.TrimSpace(fl.value) == "" {
					return cmdutil.FlagErrorf("--%s needs %s, got an empty value", fl.name, fl.want)
				}
			}
			switch {
			case opts.File != "" && (len(args) > 0 || opts.From != ""):
				return cmdutil.FlagErrorf("--file cannot be used with --from or a tweet text")
			case opts.File == "" && len(args) == 0:
				return cmdutil.FlagErrorf("a tweet text (or --file) is required")
			case opts.File == "" && opts.From == "":
				return cmdutil.FlagErrorf("--from is required with a tweet text")
			}
			if opts.Expect != "" && !slices.Contains(shop.Outcomes, opts.Expect) {
				return cmdutil.FlagErrorf("--expect %q is not an outcome: %s", opts.Expect, strings.Join(shop.Outcomes, ", "))
			}
			if _, err := parseTime(opts.At); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return tweetRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.From, "from", "", "Author of the tweet (`@handle`)")
	fl.StringVar(&opts.ID, "id", "", "Tweet `ID` (default: the payload's, else derived from author, text and time)")
	fl.StringVar(&opts.At, "at", "", "The `time` of the tweet, RFC3339 (default: the payload's, else now)")
	fl.StringVar(&opts.Expect, "expect", "", "Exit 7 unless the outcome is this `outcome`")
	fl.StringVar(&opts.File, "file", "", "Read the tweet from a JSON payload `file` (- for stdin)")
	output.AddFlag(cmd, &opts.Output)
	_ = cmd.RegisterFlagCompletionFunc("expect", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return shop.Outcomes, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

func tweetRun(ctx context.Context, opts *TweetOptions) error {
	tweets, err := readTweets(opts)
	if err != nil {
		return err
	}
	eng, err := opts.Engine()
	if err != nil {
		return err
	}
	// A payload whose tweets cannot all be processed is refused before any
	// of them is charged.
	if len(tweets) > 1 {
		for _, tw := range tweets {
			if err := eng.Check(tw); err != nil {
				return err
			}
		}
	}
	var results []shop.Result
	var procErr error
	for _, tw := range tweets {
		r, err := eng.Process(ctx, tw)
		if err != nil {
			procErr = err
			break
		}
		results = append(results, r)
	}
	// The tweets processed before a failure may have been charged: their
	// results are printed all the same.
	if err := printResults(opts, results, len(tweets) > 1); err != nil {
		return err
	}
	if procErr != nil {
		return procErr
	}
	return exitFor(opts.Expect, results)
}

// printResults writes the results: with -o json one object for a single
// tweet, and an array when the payload held several.
func printResults(opts *TweetOptions, results []shop.Result, several bool) error {
	if opts.Output != output.JSON {
		for _, r := range results {
			printResult(opts.IO.Out, r)
		}
		return nil
	}
	switch {
	case several && len(results) > 0:
		return output.WriteJSON(opts.IO.Out, results)
	case len(results) == 1:
		return output.WriteJSON(opts.IO.Out, results[0])
	}
	return nil
}

// exitFor turns outcomes into the exit status: 7 when an expectation is
// not met by any of the tweets, else 5 for a decline nobody expected. The
// error names every tweet concerned.
func exitFor(expect string, results []shop.Result) error {
	var err error
	if expect != "" {
		for _, r := range results {
			switch {
			case r.Outcome == expect:
			case err == nil:
				err = fmt.Errorf("%w: tweet %s: outcome %s, expected %s", scenario.ErrExpectation, r.TweetID, r.Outcome, expect)
			default:
				err = fmt.Errorf("%w; tweet %s: outcome %s, expected %s", err, r.TweetID, r.Outcome, expect)
			}
		}
		return err
	}
	for _, r := range results {
		if r.Outcome != shop.Declined {
			continue
		}
		codes := strings.Trim(shop.Str(r.ErrorCode)+", "+shop.Str(r.DeclineCode), ", ")
		if err == nil {
			err = fmt.Errorf("tweet %s: %w (%s)", r.TweetID, payment.ErrDeclined, codes)
		} else {
			err = fmt.Errorf("%w; tweet %s: %v (%s)", err, r.TweetID, payment.ErrDeclined, codes)
		}
	}
	return err
}

func readTweets(opts *TweetOptions) ([]shop.Tweet, error) {
	if opts.File == "" {
		text := opts.Text
		if text == "-" {
			b, err := tweet.ReadAtMost(opts.IO.In, maxStdinText)
			if errors.Is(err, tweet.ErrTooLong) {
				return nil, fmt.Errorf("%w: the tweet text on standard input is over %d bytes", shop.ErrBadTweet, maxStdinText)
			}
			if err != nil {
				return nil, err
			}
			text = strings.TrimRight(string(tweet.TrimBOM(b)), "\r\n")
		}
		return []shop.Tweet{fromText(opts, text)}, nil
	}
	data, err := readPayloadFile(opts)
	if err != nil {
		return nil, err
	}
	src := sourceName(opts.File)
	tws, err := tweet.ReadPayload(data)
	if err != nil {
		if looksLikeStream(data) {
			return nil, fmt.Errorf("%s: %w (one JSON object per line is a stream, not a payload: run it with simulate stream)", src, err)
		}
		return nil, fmt.Errorf("%s: %w", src, err)
	}
	if errs := tweet.ResponseErrors(data); len(errs) > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "warning: %s: %s\n", src, partialErrors(errs))
	}
	if len(tws) == 0 {
		return nil, fmt.Errorf("%w: %s holds no tweet", shop.ErrBadTweet, src)
	}
	if len(tws) > 1 {
		if err := checkSeveral(opts, tws); err != nil {
			return nil, err
		}
	}
	out := make([]shop.Tweet, 0, len(tws))
	for _, t := range tws {
		st, err := FromPayload(t, opts.At)
		if err != nil {
			return nil, err
		}
		if opts.ID != "" {
			st.ID = opts.ID // one tweet, checked above
		}
		out = append(out, st)
	}
	return out, nil
}

// sourceName names --file in messages: the path, or standard input for -.
func sourceName(file string) string {
	if file == "-" {
		return "standard input"
	}
	return file
}

// looksLikeStream reports whether data, which is not one payload, is a
// JSONL stream: a JSON object on its first line and more lines after it.
func looksLikeStream(data []byte) bool {
	first, rest, ok := bytes.Cut(bytes.TrimSpace(tweet.TrimBOM(data)), []byte("\n"))
	rest = bytes.TrimSpace(rest)
	return ok && json.Valid(first) && bytes.HasPrefix(bytes.TrimSpace(first), []byte("{")) && bytes.HasPrefix(rest, []byte("{"))
}

// maxStdinText bounds the tweet text read from standard input: far more
// than any tweet, whose text the engine refuses over 280 weighted
// characters anyway.
const maxStdinText = 1 << 20

// readPayloadFile reads the payload of --file, a path or - for standard
// input. One over the size tweet.ReadPayload takes is refused: with its
// size when it is a regular file, whose size is known without reading it.
func readPayloadFile(opts *TweetOptions) ([]byte, error) {
	var r io.Reader
	name := opts.File
	if opts.File == "-" {
		r = opts.IO.In
	} else {
		f, err := os.Open(opts.File)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", shop.ErrBadTweet, err)
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil {
			return nil, fmt.Errorf("%w: %v", shop.ErrBadTweet, err)
		}
		if fi.IsDir() {
			return nil, fmt.Errorf("%w: %s is a directory: give a JSON payload file, or - for standard input", shop.ErrBadTweet, opts.File)
		}
		if fi.Mode().IsRegular() && fi.Size() > int64(tweet.MaxPayloadInput) {
			return nil, fmt.Errorf("%s: %w: payload is %d bytes, over the %d-byte limit", opts.File, tweet.ErrPayload, fi.Size(), tweet.MaxPayloadBytes)
		}
		r = f
	}
	data, err := tweet.ReadAtMost(r, tweet.MaxPayloadInput)
	if errors.Is(err, tweet.ErrTooLong) {
		return nil, fmt.Errorf("%s: %w: payload is over the %d-byte limit", sourceName(name), tweet.ErrPayload, tweet.MaxPayloadBytes)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", shop.ErrBadTweet, err)
	}
	return data, nil
}

// partialErrors says what a response that holds tweets also reports, such
// as the IDs of a lookup it could not find: its tweets are processed, and
// the errors are only told.
func partialErrors(errs []tweet.APIError) string {
	return "the response holds tweets and also " + output.Count(len(errs), "error, which is", "errors, which are") +
		" ignored: " + tweet.DescribeAPIErrors(errs)
}

// checkSeveral refuses --id and --at for a payload of several tweets: one
// ID for all would make every tweet after the first a duplicate, and one
// time for all would silently replace theirs. --at still gives a time to
// tweets that have none (a v2 response without tweet.fields=created_at).
func checkSeveral(opts *TweetOptions, tws []tweet.Tweet) error {
	src := sourceName(opts.File)
	if opts.ID != "" {
		return cmdutil.FlagErrorf("--id cannot be used with a payload of several tweets: %s holds %d, each with its own ID", src, len(tws))
	}
	if opts.At == "" {
		return nil
	}
	for _, t := range tws {
		if !t.CreatedAt.IsZero() {
			return cmdutil.FlagErrorf("--at cannot be used with a payload of several tweets that have their own created_at: %s holds %d", src, len(tws))
		}
	}
	return nil
}

func fromText(opts *TweetOptions, text string) shop.Tweet {
	at, _ := parseTime(opts.At) // checked in RunE
	id := opts.ID
	if id == "" {
		id = DeriveID(opts.From, text, at)
	}
	return shop.Tweet{ID: id, From: opts.From, Text: text, At: at}
}

// DeriveID is the ID of a tweet given without one: the same author, text
// and time give the same ID, so a repeated command is a duplicate.
func DeriveID(from, text string, at time.Time) string {
	sum := sha256.Sum256([]byte(buyer.Key(from) + "\x00" + text + "\x00" + at.UTC().Format(time.RFC3339Nano)))
	return "sim-" + hex.EncodeToString(sum[:8])
}

// FromPayload converts a tweet read from a payload; at overrides its time.
// A tweet whose author is known only by ID (a v2 Tweet without
// includes.users) keeps From empty: the engine finds the buyer with that
// user ID.
func FromPayload(t tweet.Tweet, at string) (shop.Tweet, error) {
	st := shop.Tweet{
		ID: t.ID, From: t.From, AuthorID: t.AuthorID, Text: t.Text, At: t.CreatedAt, Retweet: t.Retweet,
		Own: t.ForUserID != "" && t.AuthorID == t.ForUserID,
	}
	if at != "" {
		ts, err := parseTime(at)
		if err != nil {
			return shop.Tweet{}, err
		}
		st.At = ts
	}
	if st.At.IsZero() {
		return shop.Tweet{}, fmt.Errorf("%w: tweet %s has no created_at; pass --at", shop.ErrBadTweet, t.ID)
	}
	if st.ID == "" {
		by := st.From
		if by == "" {
			by = "id:" + st.AuthorID // the engine finds the buyer by ID
		}
		st.ID = DeriveID(by, st.Text, st.At)
	}
	return st, nil
}
