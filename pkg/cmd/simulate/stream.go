package simulate

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/gctune"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/money"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/payment"
	"github.com/tweetpay/tweetpay/pkg/shop"
	"github.com/tweetpay/tweetpay/pkg/stream"
	"github.com/tweetpay/tweetpay/pkg/tweet"
)

// StreamOptions are the inputs of `simulate stream`.
type StreamOptions struct {
	IO     *iostreams.IOStreams
	Engine func() (*shop.Engine, error)
	Config func() (*config.Config, error)
	// Gateway is the engine's payment gateway, asked how many requests
	// it sent again (RetriedRequests) for the summary.
	Gateway func() (payment.Gateway, error)

	File string
	// Concurrency is --concurrency; 0 (not given) means the backend's
	// default (see concurrencyFor).
	Concurrency int
	Rate        float64
	Format      string
	FailFast    bool
	// Retries is how many times a tweet is retried while the provider is
	// unavailable.
	Retries int
	Output  output.Format
}

var streamFormats = []string{tweet.FormatAuto, tweet.FormatPlain, tweet.FormatV2, tweet.FormatV1, tweet.FormatActivity}

// NewCmdStream returns `simulate stream`.
func NewCmdStream(f *cmdutil.Factory, runF func(context.Context, *StreamOptions) error) *cobra.Command {
	opts := &StreamOptions{IO: f.IOStreams, Engine: f.Engine, Config: f.Config, Gateway: f.Gateway}
	var rate string
	cmd := &cobra.Command{
		Use:   "stream [FILE|-]",
		Short: "Run a JSONL stream of tweets through the purchase engine",
		Long: `Run a stream of tweets, one JSON object per line, through the purchase
engine: each line a plain {"id","from","text","created_at"} object, a
Twitter API v2 Tweet, a v1.1 Tweet or an Account Activity payload (the shape
is detected per line unless --format says). A line may hold several
tweets, or none (an Account Activity payload of likes or follows, an empty
page of search results). Reads FILE, or standard input when FILE is - or
absent.

Tweets run --concurrency at a time (tweets of one buyer stay in order),
at most --rate of them (per second, minute or hour: 50/s, 300/m, 10/h). A
transient provider failure (429, 5xx, a reset connection) is retried with
backoff, always with the same idempotency key, so nothing is charged twice;
an answer with Stripe-Should-Retry: false, or an error Stripe replays from
the idempotency key, is not retried. The same stream run again charges
nothing: every tweet is a duplicate of its first result.

Results go to standard output in input order: one tab-separated line per
tweet, or with -o json one result object per line (as simulate tweet -o
json). A progress bar goes to standard error when it is a terminal.

At the end a summary goes to standard error: outcomes, amounts per
currency, bad lines, retries (tweets tried again, and requests the payment
client sent again after a failed attempt) and latency. "charged" is what
new purchases, confirmations and gifts took; "authorised" is what the
stream's new authorisations still hold at its end. So each purchase is
counted once: one confirmed in the stream is charged, one expired in it
holds nothing, and one made by an earlier command and confirmed here is
charged only. "latency"
gives the median, 90th and 99th percentiles and the maximum of the time
each line took, from a worker taking it up to its result (the engine, the
payment backend, retries; not the time it waited for a worker), each within
6.25% above the true value.

A bad line (not JSON, not a tweet, over 1 MiB, no author or time, or a v2
Tweet whose author_id no buyer has as user_id, without includes.users) is
reported on standard error with its line number and counted, and none of
its tweets is processed, though it holds good ones too; --fail-fast stops
there. On Ctrl-C the tweets in flight finish, the summary is printed and
the command exits 130; run it again to continue.

Exit status: 0 when every line was processed (declined cards are outcomes,
not failures); 3 when any line was bad; 6 when the provider stayed
unavailable for a tweet after the retries (the message says how far the
stream got); 4 for a bad configuration; 130 when interrupted.`,
		Example: `  tweetpay simulate stream tweets.jsonl
  tweetpay simulate stream --concurrency 16 --rate 50/s -o json - < tweets.jsonl`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return cmdutil.FlagErrorf("at most one input file, got %d", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.File = args[0]
			}
			if cmd.Flags().Changed("concurrency") && (opts.Concurrency < 1 || opts.Concurrency > 256) {
				return cmdutil.FlagErrorf("--concurrency must be between 1 and 256, got %d", opts.Concurrency)
			}
			if opts.Retries < 0 || opts.Retries > 100 {
				return cmdutil.FlagErrorf("--retries must be between 0 and 100, got %d", opts.Retries)
			}
			r, err := parseRate(rate)
			if err != nil {
				return err
			}
			opts.Rate = r
			if !slices.Contains(streamFormats, opts.Format) {
				return cmdutil.FlagErrorf("--format %q is not one of %s", opts.Format, strings.Join(streamFormats, ", "))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return streamRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&opts.Concurrency, "concurrency", 0, fmt.Sprintf("Tweets processed at once, 1-256 (default %d on the embedded emulator, %d otherwise)",
		stream.InProcessConcurrency, stream.DefaultConcurrency))
	fl.StringVar(&rate, "rate", "", "At most this many tweets per second (`R/s`), minute (R/m) or hour (R/h)")
	fl.StringVar(&opts.Format, "format", tweet.FormatAuto, "Payload `shape` of every line: "+strings.Join(streamFormats, ", "))
	fl.BoolVar(&opts.FailFast, "fail-fast", false, "Stop at the first bad line")
	fl.IntVar(&opts.Retries, "retries", stream.DefaultRetries, "Retries of a tweet while the provider is unavailable, with backoff")
	output.AddFlag(cmd, &opts.Output)
	_ = cmd.RegisterFlagCompletionFunc("format", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return streamFormats, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// concurrencyFor is the default concurrency on cfg's backend: the embedded
// emulator takes many tweets at once; Stripe's test mode allows about 25
// requests a second, and another server is Stripe's or like it.
func concurrencyFor(cfg *config.Config) int {
	if cfg.Backend == config.BackendEmulator {
		return stream.InProcessConcurrency
	}
	return stream.DefaultConcurrency
}

// parseRate reads --rate: "50/s", "50", "3000/m"; "" means no limit.
func parseRate(s string) (float64, error) {
	if s == "" {
		return 0, nil
	}
	num, unit := s, "s"
	if i := strings.IndexByte(s, '/'); i >= 0 {
		num, unit = s[:i], s[i+1:]
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || !(v > 0) || math.IsInf(v, 1) { // NaN and Inf parse, and meant no limit
		return 0, cmdutil.FlagErrorf("--rate %q: write a positive rate such as 50/s", s)
	}
	switch unit {
	case "s":
	case "m":
		v /= 60
	case "h":
		v /= 3600
	default:
		return 0, cmdutil.FlagErrorf("--rate %q: the unit must be /s, /m or /h", s)
	}
	if v < 1.0/3600 {
		// A rate far lower made the interval between lines overflow into
		// no limit at all; none that low is of use.
		return 0, cmdutil.FlagErrorf("--rate %q: the lowest rate is 1/h", s)
	}
	return v, nil
}

func streamRun(ctx context.Context, opts *StreamOptions) error {
	// More processors than cores once a tweet has been processed (not
	// merely found a duplicate), so that the state files' writers get one
	// back as soon as their syncs return (see gctune.Procs); a stream of
	// duplicates writes nothing, and more threads than cores only slow it.
	// The collector's pace too (gctune.Stream): a stream of duplicates
	// allocates little.
	restore := func() {}
	defer func() { restore() }()
	writing := false
	var in io.Reader = opts.IO.In
	if opts.File != "" && opts.File != "-" {
		f, err := os.Open(opts.File)
		if err != nil {
			return fmt.Errorf("%w: %w", tweet.ErrPayload, err)
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil && fi.IsDir() {
			return fmt.Errorf("%w: %s is a directory: give a JSONL file of tweets, or - for standard input", tweet.ErrPayload, opts.File)
		}
		in = f
	}
	size, countRest := inputSize(in)
	eng, err := opts.Engine()
	if err != nil {
		return err
	}
	jsonOut := opts.Output == output.JSON
	out := bufio.NewWriterSize(opts.IO.Out, 64<<10)
	lastFlush := time.Now()
	var bar *stream.Bar
	if opts.IO.IsStderrTTY() {
		bar = stream.NewBar(opts.IO.ErrOut, size)
	}
	clearBar := func() {
		if bar != nil {
			bar.Clear()
		}
	}
	conc := opts.Concurrency
	if conc == 0 {
		cfg, err := opts.Config()
		if err != nil {
			return err
		}
		conc = concurrencyFor(cfg)
	}
	so := stream.Options{
		Concurrency: conc,
		Rate:        opts.Rate,
		Format:      opts.Format,
		FailFast:    opts.FailFast,
		Retries:     retries(opts.Retries),
		Convert:     streamTweet,
		AuthorOf:    eng.HandleOf,
		CountRest:   countRest,
		Emit: func(l stream.Line) error {
			if l.Bad {
				clearBar()
				reportBadLine(opts.IO.ErrOut, jsonOut, l)
			}
			if len(l.APIErrors) > 0 && !l.Bad {
				clearBar()
				reportLineWarning(opts.IO.ErrOut, jsonOut, l.N, partialErrors(l.APIErrors))
			}
			for _, r := range l.Results {
				if !writing && !r.Duplicate {
					restoreProcs, restoreGC := gctune.Procs(), gctune.Stream()
					writing, restore = true, func() { restoreProcs(); restoreGC() }
				}
				if jsonOut {
					if err := output.WriteJSONLine(out, r); err != nil {
						return err
					}
				} else {
					writeStreamRow(out, r)
				}
			}
			if time.Since(lastFlush) > 100*time.Millisecond {
				lastFlush = time.Now()
				if bar != nil && opts.IO.IsStdoutTTY() {
					bar.Clear()
				}
				return out.Flush()
			}
			return nil
		},
	}
	if bar != nil {
		so.Progress = bar.Update
	}
	retried := retriedRequests(opts)
	sum, runErr := stream.Run(ctx, in, eng, so)
	sum.RetriedRequests = retriedRequests(opts) - retried
	clearBar()
	if err := out.Flush(); err != nil && runErr == nil {
		runErr = err
	}
	writeStreamSummary(opts.IO.ErrOut, jsonOut, sum)
	return runErr
}

// retriedRequests is how many requests the gateway has sent again so far,
// 0 when it does not count them.
func retriedRequests(opts *StreamOptions) int64 {
	if opts.Gateway == nil {
		return 0
	}
	gw, err := opts.Gateway()
	if err != nil {
		return 0
	}
	if c, ok := gw.(interface{ RetriedRequests() int64 }); ok {
		return c.RetriedRequests()
	}
	return 0
}

// inputSize is what is left to read of r when it is a regular file, named
// or given as standard input (- < tweets.jsonl): the progress bar shows
// the share done and the ETA from it, and the lines left after a stop are
// counted. ok is false for a pipe or a terminal.
func inputSize(r io.Reader) (size int64, ok bool) {
	f, isFile := r.(*os.File)
	if !isFile {
		return 0, false
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return 0, false
	}
	off, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, false
	}
	return max(fi.Size()-off, 0), true
}

// streamTweet converts a line's tweet for the engine; a tweet without an
// author or a time is a bad line. An author known only by ID is the
// engine's to find among the buyers (a bad line when none has that ID).
func streamTweet(t tweet.Tweet) (shop.Tweet, error) {
	if t.From == "" && t.AuthorID == "" {
		return shop.Tweet{}, fmt.Errorf("%w: tweet %s names no author", shop.ErrBadTweet, t.ID)
	}
	if t.CreatedAt.IsZero() {
		return shop.Tweet{}, fmt.Errorf("%w: tweet %s has no created_at", shop.ErrBadTweet, t.ID)
	}
	return FromPayload(t, "")
}

func reportBadLine(w io.Writer, jsonOut bool, l stream.Line) {
	if jsonOut {
		_ = output.WriteJSONLine(w, struct {
			Line  int    `json:"line"`
			Error string `json:"error"`
		}{l.N, l.Err.Error()})
		return
	}
	output.Fprintf(w, "bad %s\n", l.Err)
}

func reportLineWarning(w io.Writer, jsonOut bool, n int, msg string) {
	if jsonOut {
		_ = output.WriteJSONLine(w, struct {
			Line    int    `json:"line"`
			Warning string `json:"warning"`
		}{n, msg})
		return
	}
	output.Fprintf(w, "warning: line %d: %s\n", n, msg)
}

func writeStreamRow(w io.Writer, r shop.Result) {
	amount := ""
	if r.Amount > 0 {
		amount = money.Format(r.Amount, shop.Str(r.Currency))
	}
	dup := ""
	if r.Duplicate {
		dup = "duplicate"
	}
	detail := shop.Str(r.Reason)
	if code := strings.Trim(shop.Str(r.ErrorCode)+"/"+shop.Str(r.DeclineCode), "/"); code != "" {
		detail = code
	}
	output.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.TweetID, r.From, r.Outcome, detail, shop.Str(r.Offer), amount, dup)
}

func writeStreamSummary(w io.Writer, jsonOut bool, s stream.Summary) {
	if jsonOut {
		_ = output.WriteJSONLine(w, struct {
			Summary stream.Summary `json:"summary"`
		}{s})
		return
	}
	rate := 0.0
	if s.Elapsed > 0 {
		rate = float64(s.Tweets) / s.Elapsed.Seconds()
	}
	fmt.Fprintf(w, "%s, %s in %s (%.0f tweets/s)", output.Count(s.Lines, "line", "lines"), output.Count(s.Tweets, "tweet", "tweets"),
		s.Elapsed.Round(time.Millisecond), rate)
	if s.BadLines > 0 {
		fmt.Fprintf(w, "; %s", output.Count(s.BadLines, "bad line", "bad lines"))
	}
	if s.Failed > 0 {
		fmt.Fprintf(w, "; %d failed", s.Failed)
	}
	if s.Retries > 0 {
		fmt.Fprintf(w, "; %s", output.Count(s.Retries, "retry", "retries"))
	}
	if s.RetriedRequests > 0 {
		fmt.Fprintf(w, "; %s sent again", output.Count(int(s.RetriedRequests), "request", "requests"))
	}
	fmt.Fprintln(w)
	var parts []string
	for _, o := range shop.Outcomes {
		if n := s.Outcomes[o]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", o, n))
		}
	}
	if len(parts) > 0 {
		fmt.Fprintf(w, "  %s", strings.Join(parts, ", "))
		if s.Duplicates > 0 {
			fmt.Fprintf(w, " (%s: charged before)", output.Count(s.Duplicates, "duplicate", "duplicates"))
		}
		fmt.Fprintln(w)
	}
	for _, m := range []struct {
		label string
		v     map[string]int64
	}{{"charged", s.Charged}, {"authorised", s.Authorized}} {
		if len(m.v) == 0 {
			continue
		}
		curs := make([]string, 0, len(m.v))
		for c := range m.v {
			curs = append(curs, c)
		}
		sort.Strings(curs)
		var amts []string
		for _, c := range curs {
			amts = append(amts, money.Format(m.v[c], c))
		}
		fmt.Fprintf(w, "  %s %s\n", m.label, strings.Join(amts, ", "))
	}
	if l := s.Latency; l != nil {
		fmt.Fprintf(w, "  latency p50 %s, p90 %s, p99 %s, max %s\n", latencyText(l.P50), latencyText(l.P90), latencyText(l.P99), latencyText(l.Max))
	}
}

// latencyText writes d in milliseconds with two or three significant
// digits, or in seconds from 10 s.
func latencyText(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms < 10:
		return fmt.Sprintf("%.2f ms", ms)
	case ms < 100:
		return fmt.Sprintf("%.1f ms", ms)
	case ms < 10000:
		return fmt.Sprintf("%.0f ms", ms)
	}
	return fmt.Sprintf("%.1f s", ms/1000)
}

// retries maps the --retries flag onto stream.Options, where 0 means the
// default and a negative value none.
func retries(n int) int {
	if n <= 0 {
		return -1
	}
	return n
}
