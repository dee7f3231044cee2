// Package stream runs a stream of tweets, one JSON payload per line, through
// the purchase engine: with bounded concurrency, an optional rate limit,
// retries of transient provider failures (always with the same idempotency
// keys, which the engine derives from tweet IDs), results handed back in
// input order through a reordering buffer bounded by the concurrency
// window, and a summary. Memory stays flat: neither the input nor the
// results are ever held whole.
package stream

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tweetpay/tweetpay/pkg/payment"
	"github.com/tweetpay/tweetpay/pkg/shop"
	"github.com/tweetpay/tweetpay/pkg/tweet"
)

// Sentinel errors of Run.
var (
	// ErrBadLines: some lines could not be read as tweets (exit 3).
	ErrBadLines = errors.New("bad lines in the stream")
	// ErrStopped: --fail-fast stopped the stream at the first bad line.
	ErrStopped = errors.New("stream stopped at the first bad line")
)

// Defaults of Options.
const (
	DefaultConcurrency = 8
	// InProcessConcurrency is the default of `simulate stream` on the
	// embedded emulator, which has no rate limit: a stream waits mostly
	// for the two state files' commits, and more tweets in flight share
	// them (1,214 tweets/s at 8, 2,179 at 64 before the deferred
	// indexes; then 3,442-3,692 at 64 and 3,679-4,276 at 128, 55 MiB
	// resident; 256 held 73 MiB for no more; docs/benchmarks.md).
	InProcessConcurrency = 128
	DefaultRetries       = 5
	DefaultBackoff       = 200 * time.Millisecond
	MaxBackoff           = 5 * time.Second
	// MaxLineBytes is the longest line read; a longer line is a bad line.
	MaxLineBytes = tweet.MaxPayloadBytes
)

// Processor runs one tweet; shop.Engine is one. It must be safe for
// concurrent use.
type Processor interface {
	Process(ctx context.Context, tw shop.Tweet) (shop.Result, error)
}

// A Recorder is a Processor whose tweets' results are recorded after their
// payments (as shop.Engine's are): its worker takes the next line while a
// result is being recorded, and the line is finished when then is called.
// ProcessThen returns the error that stopped the tweet before its result
// was to be recorded, or nil and calls then exactly once, with the result
// or the error that kept it from being recorded.
type Recorder interface {
	Processor
	ProcessThen(ctx context.Context, tw shop.Tweet, then func(shop.Result, error)) error
}

// A Checker is a Processor that can tell, before processing anything,
// whether it would refuse a tweet as bad (as shop.Engine can). The tweets
// of a line are all checked before any is processed, so that a line refused
// as bad has charged nothing.
type Checker interface {
	Processor
	Check(tw shop.Tweet) error
}

// Options tune Run. The zero value of each field means its default.
type Options struct {
	// Concurrency bounds the tweets processed at once (default 8); with a
	// Recorder, a tweet whose result is being recorded no longer counts.
	Concurrency int
	// Rate bounds the lines started per second; 0 means no limit.
	Rate float64
	// Format is the payload shape of every line: auto (per line), plain,
	// v2, v1 or activity.
	Format string
	// FailFast stops the stream at the first bad line.
	FailFast bool
	// MaxLineBytes bounds a line (default MaxLineBytes).
	MaxLineBytes int
	// Retries is how many times a tweet is retried after a transient
	// provider failure (default 5; negative: never), with exponential
	// backoff from Backoff (default 200ms) up to MaxBackoff.
	Retries int
	Backoff time.Duration
	// Convert turns a payload tweet into the engine's; it must fail for a
	// tweet that cannot be processed (no author, no time).
	Convert func(tweet.Tweet) (shop.Tweet, error)
	// AuthorOf, when set, returns the handle of the buyer with a Twitter
	// user ID. The stream asks it only for a tweet that names its author by
	// ID alone, so that the tweet stays in order with the buyer's others.
	AuthorOf func(userID string) (string, bool)
	// Emit receives every line, in input order, from one goroutine. An
	// error stops the stream.
	Emit func(Line) error
	// CountRest makes Run read the rest of the input after a stop, only to
	// count its lines for the "processed N of M lines" message. Set it for
	// regular files, not for pipes that may never end.
	CountRest bool
	// Progress, when set, is called from the emitting goroutine with the
	// running totals, at most every ProgressEvery (default 100ms), and once
	// at the end.
	Progress      func(Summary)
	ProgressEvery time.Duration
}

// Line is the outcome of one input line.
type Line struct {
	// N is the line number, from 1, counting blank lines.
	N int
	// Results holds one result per tweet of the line (a payload may hold
	// several, or none).
	Results []shop.Result
	// Err is why the line failed: a bad line (Bad set), a provider that
	// stayed unavailable, or an engine failure.
	Err error
	Bad bool
	// APIErrors are the errors a Twitter API response reports beside the
	// tweets it holds (the IDs of a lookup it could not find): the tweets
	// are processed, and the errors are the caller's to tell.
	APIErrors []tweet.APIError
	// Interrupted is set for a line that was not processed: its retries
	// were cut short by cancellation, or the stream stopped (--fail-fast, a
	// failed line) or was cancelled before it started.
	Interrupted bool
}

// Summary totals a run.
type Summary struct {
	// Lines is the number of non-blank lines read; Processed those that ran
	// to completion; Total, when known, the non-blank lines in the input.
	Lines     int `json:"lines"`
	Processed int `json:"processed"`
	Total     int `json:"total,omitempty"`
	Tweets    int `json:"tweets"`
	BadLines  int `json:"bad_lines"`
	// Failed counts lines that failed for another reason than their
	// content (the provider stayed unavailable, an engine error).
	Failed     int            `json:"failed"`
	Outcomes   map[string]int `json:"outcomes"`
	Duplicates int            `json:"duplicates"`
	// Charged sums, per currency, what new purchased, confirmed and gifted
	// results took; Authorized what the authorisations this stream made
	// (new awaiting_confirmation results, each once) still hold: one
	// confirmed in the stream moves to Charged, one cancelled in it (by a
	// late confirmation, or by the buyer's new purchase once its window
	// closed) is gone, so that no money is counted twice. A confirmation
	// of an authorisation made by an earlier command is charged only. A
	// currency whose sum is 0 is left out.
	Charged    map[string]int64 `json:"charged"`
	Authorized map[string]int64 `json:"authorized"`
	Retries    int              `json:"retries"`
	// RetriedRequests is how many requests the payment gateway sent again
	// after a failed attempt (a lost connection, a 429, a 5xx), within
	// the tweets' own tries; the command fills it in from the gateway.
	RetriedRequests int64 `json:"retried_requests"`
	// Latency is how long the lines that ran to completion took; nil when
	// none did.
	Latency   *Latency      `json:"latency,omitempty"`
	BytesRead int64         `json:"-"`
	Elapsed   time.Duration `json:"-"`
	Seconds   float64       `json:"seconds"`

	// run names the stream to the engine (shop.Tweet.Run), which keeps it
	// with the authorisations the stream makes and gives it back with the
	// result that closes one (shop.Result.Closes): the stream knows its
	// own authorisations without remembering any, so its memory stays flat
	// however many wait for their confirmation.
	run string
}

type job struct {
	seq    int
	n      int
	tweets []tweet.Tweet
	bad    error
	// apiErrors are the errors reported beside the tweets (Line.APIErrors).
	apiErrors []tweet.APIError
	// author is whose tweets the line holds (see author).
	author string
}

type done struct {
	seq     int
	line    Line
	retries int
	// took is the time from a worker taking the line up to its result.
	took time.Duration
}

// Run reads lines from r and processes them with p. It returns when the
// input is exhausted or the stream stopped, after every line in flight
// finished, with the summary. The error is nil when every line was
// processed; it wraps ErrBadLines (or ErrStopped with FailFast) when lines
// were bad, payment.ErrUnavailable when the provider stayed unavailable for
// a tweet, the context's error when ctx was cancelled, or the first engine
// or Emit failure.
func Run(ctx context.Context, r io.Reader, p Processor, opts Options) (Summary, error) {
	o := opts
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.MaxLineBytes <= 0 {
		o.MaxLineBytes = MaxLineBytes
	}
	if o.Retries == 0 {
		o.Retries = DefaultRetries
	}
	if o.Backoff <= 0 {
		o.Backoff = DefaultBackoff
	}
	if o.ProgressEvery <= 0 {
		o.ProgressEvery = 100 * time.Millisecond
	}
	if o.Format == "" {
		o.Format = tweet.FormatAuto
	}
	if o.Convert == nil {
		o.Convert = DefaultConvert
	}
	start := time.Now()
	// A random name, not a time: several processes may share the state.
	run := rand.Text()
	sum := Summary{Outcomes: map[string]int{}, Charged: map[string]int64{}, Authorized: map[string]int64{}, run: run}

	var stopped atomic.Bool
	var stopMu sync.Mutex
	var stopErr error
	stop := func(err error) {
		stopMu.Lock()
		if stopErr == nil {
			stopErr = err
		}
		stopMu.Unlock()
		stopped.Store(true)
	}

	var linesRead, bytesRead atomic.Int64
	// The window bounds the lines between the oldest one not yet emitted and
	// the newest one read: results are emitted in input order, so one slow
	// tweet holds the lines after it, and a larger window lets the workers
	// go on meanwhile.
	window := max(4*o.Concurrency, o.Concurrency+16)
	slots := make(chan struct{}, window)
	// One buyer's tweets (a purchase, then its confirmation) are processed
	// one at a time, in input order; any other tweet goes to whichever worker
	// is free (see sched).
	jobs := newSched()
	results := make(chan done, window)

	// Workers finish what they started even after a cancellation: the
	// engine records a tweet's result with its payment, and a payment cut
	// off half-way would only be retried on the next run.
	work := context.WithoutCancel(ctx)
	// A line's result may be finished after its worker has moved on (see
	// Recorder): pending counts the lines not finished yet. results holds
	// at most window lines, so finishing one never blocks.
	var wg, pending sync.WaitGroup
	for range o.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				j, ok := jobs.next()
				if !ok {
					return
				}
				pending.Add(1)
				finish := func(d done) {
					switch l := d.line; {
					case o.FailFast && l.Bad:
						// Stop here, not when the line is emitted in
						// order: the lines queued behind it must not
						// be processed.
						stop(fmt.Errorf("%w: %w", ErrStopped, l.Err))
					case l.Err != nil && !l.Bad && !l.Interrupted:
						// The stream stops at this line (the provider
						// stayed unavailable, the engine failed); its
						// error is recorded when it is emitted, so that
						// it is the first in input order, but no other
						// line starts meanwhile: each would go through
						// its retries against the same failure.
						stopped.Store(true)
					}
					jobs.done(j)
					results <- d
					pending.Done()
				}
				if stopped.Load() || ctx.Err() != nil {
					// Read before the stream stopped or was
					// interrupted, not started.
					finish(done{seq: j.seq, line: Line{N: j.n, Interrupted: true}})
					continue
				}
				process(ctx, work, p, o, run, j, finish)
			}
		}()
	}
	go func() {
		wg.Wait()
		pending.Wait()
		close(results)
	}()

	// The emitter puts lines back in input order, and times them.
	var took histogram
	emitted := make(chan struct{})
	var emitErr error
	go func() {
		defer close(emitted)
		pending := map[int]done{}
		next := 0
		last := time.Now()
		for d := range results {
			pending[d.seq] = d
			for {
				cur, ok := pending[next]
				if !ok {
					break
				}
				delete(pending, next)
				next++
				<-slots
				account(&sum, cur)
				if l := cur.line; !l.Interrupted && l.Err == nil {
					took.add(cur.took)
				}
				switch l := cur.line; {
				case l.Interrupted:
				case l.Bad && o.FailFast:
					stop(fmt.Errorf("%w: %w", ErrStopped, l.Err))
				case l.Err != nil && !l.Bad:
					stop(l.Err)
				}
				if o.Emit != nil && emitErr == nil {
					if err := o.Emit(cur.line); err != nil {
						emitErr = err
						stop(err)
					}
				}
				if o.Progress != nil && time.Since(last) >= o.ProgressEvery {
					last = time.Now()
					s := sum
					s.Lines = int(linesRead.Load())
					s.BytesRead = bytesRead.Load()
					s.Elapsed = time.Since(start)
					o.Progress(s)
				}
			}
		}
	}()

	if !regularFile(r) {
		ir := newInterruptible(ctx, r)
		defer ir.close()
		r = ir
	}
	br := bufio.NewReaderSize(r, 64<<10)
	skipped := 0
	readErr := read(ctx, br, o, &stopped, slots, jobs, &linesRead, &bytesRead, &skipped)
	jobs.close()
	<-emitted

	sum.Lines = int(linesRead.Load())
	sum.BytesRead = bytesRead.Load()
	if readErr != nil {
		stop(fmt.Errorf("read the stream: %w", readErr))
	} else if stopped.Load() && ctx.Err() == nil && o.CountRest {
		sum.Total = sum.Lines + skipped + countRest(br, o)
	} else if !stopped.Load() && ctx.Err() == nil {
		sum.Total = sum.Lines
	}
	sum.Elapsed = time.Since(start)
	sum.Seconds = sum.Elapsed.Seconds()
	sum.Latency = took.latency()
	if o.Progress != nil {
		o.Progress(sum)
	}

	stopMu.Lock()
	err := stopErr
	stopMu.Unlock()
	switch {
	case ctx.Err() != nil && (err == nil || !errors.Is(err, ErrStopped)):
		return sum, fmt.Errorf("interrupted after %d of %d lines read; re-run to continue: %w", sum.Processed, sum.Lines, ctx.Err())
	case err != nil && errors.Is(err, payment.ErrUnavailable):
		return sum, fmt.Errorf("processed %d of %s lines; re-run to continue: %w", sum.Processed, totalText(sum), err)
	case err != nil:
		return sum, err
	case sum.BadLines > 0:
		return sum, fmt.Errorf("%w: %d of %d lines", ErrBadLines, sum.BadLines, sum.Lines)
	}
	return sum, nil
}

func totalText(s Summary) string {
	if s.Total > 0 {
		return fmt.Sprint(s.Total)
	}
	return fmt.Sprintf("at least %d", s.Lines)
}

// read reads lines and hands them to the workers until the input ends or
// the stream stops.
func read(ctx context.Context, br *bufio.Reader, o Options, stopped *atomic.Bool, slots chan struct{}, jobs *sched, lines, bytes *atomic.Int64, skipped *int) error {
	var interval time.Duration
	if o.Rate > 0 {
		interval = time.Duration(float64(time.Second) / o.Rate)
	}
	var next time.Time
	seq, n := 0, 0
	var buf []byte
	for {
		if stopped.Load() || ctx.Err() != nil {
			return nil
		}
		line, tooLong, size, err := readLine(br, o.MaxLineBytes, buf[:0])
		buf = line
		bytes.Add(int64(size))
		if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return nil // interrupted while waiting for input: a partial line is not a line
		}
		if size == 0 && err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		n++
		if !tooLong && isBlank(line) {
			if err != nil {
				if errors.Is(err, io.EOF) {
					return nil
				}
				return err
			}
			continue
		}
		j := job{seq: seq, n: n}
		if tooLong {
			j.bad = fmt.Errorf("%w: line is over the %d-byte limit", tweet.ErrPayload, o.MaxLineBytes)
		} else if tws, perr := tweet.ReadPayloadFormat(line, o.Format); perr != nil {
			j.bad = perr
			var fe *tweet.FormatError
			if errors.As(perr, &fe) {
				// Every line was forced into the format of --format.
				j.bad = fmt.Errorf("%w; drop --format or use --format %s", perr, fe.Looks)
			}
		} else {
			j.tweets = tws
			j.author = author(tws, o.AuthorOf)
			if len(tws) == 0 || tws[0].Format == tweet.FormatV2 {
				j.apiErrors = tweet.ResponseErrors(line)
			}
		}
		// Wait for room in the reordering window, then for the rate.
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			*skipped++
			return nil
		}
		if interval > 0 {
			now := time.Now()
			if next.After(now) {
				t := time.NewTimer(next.Sub(now))
				select {
				case <-t.C:
				case <-ctx.Done():
					t.Stop()
					<-slots
					*skipped++
					return nil
				}
				now = next
			}
			next = now.Add(interval)
		}
		if stopped.Load() {
			<-slots
			*skipped++
			return nil
		}
		lines.Add(1)
		seq++
		jobs.add(j)
		if j.bad != nil && o.FailFast {
			return nil // read no further than the first bad line
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// interruptible is a reader whose Read returns ctx's error once ctx is
// cancelled, even while the underlying reader waits for input: a pipe whose
// writer is idle (`tail -f tweets.jsonl | tweetpay simulate stream -`)
// would otherwise keep an interrupted stream waiting for its next line. r
// is read by a goroutine, a chunk ahead, into two buffers of its own that
// Read hands back once it has copied them out.
type interruptible struct {
	ctx    context.Context
	chunks chan chunk
	free   chan []byte
	done   chan struct{}
	cur    []byte // what is left of held
	held   []byte
	err    error
}

type chunk struct {
	b   []byte
	err error
}

func newInterruptible(ctx context.Context, r io.Reader) *interruptible {
	ir := &interruptible{ctx: ctx, chunks: make(chan chunk), free: make(chan []byte, 2), done: make(chan struct{})}
	ir.free <- make([]byte, 64<<10)
	ir.free <- make([]byte, 64<<10)
	go func() {
		for {
			var b []byte
			select {
			case b = <-ir.free:
			case <-ir.done:
				return
			}
			n, err := r.Read(b[:cap(b)])
			select {
			case ir.chunks <- chunk{b[:n], err}:
			case <-ir.done:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return ir
}

func (ir *interruptible) Read(p []byte) (int, error) {
	for len(ir.cur) == 0 {
		if ir.held != nil {
			ir.free <- ir.held // never blocks: free holds both buffers
			ir.held = nil
		}
		if ir.err != nil {
			return 0, ir.err
		}
		select {
		case c := <-ir.chunks:
			ir.cur, ir.held, ir.err = c.b, c.b, c.err
		case <-ir.ctx.Done():
			return 0, ir.ctx.Err()
		}
	}
	n := copy(p, ir.cur)
	ir.cur = ir.cur[n:]
	return n, nil
}

// close lets the reading goroutine end once its Read returns.
func (ir *interruptible) close() { close(ir.done) }

// regularFile reports whether r is a regular file, whose reads never wait
// for a writer: it needs no interruptible reader (nor its goroutine and
// copies).
func regularFile(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode().IsRegular()
}

// author is whose tweets a line holds, from its first tweet, case folded;
// "" for a bad line (no tweets). A tweet known only by its author's ID is its buyer's
// when authorOf knows the ID.
func author(tws []tweet.Tweet, authorOf func(string) (string, bool)) string {
	if len(tws) == 0 {
		return ""
	}
	key := tws[0].From
	if key == "" {
		key = tws[0].AuthorID
		if authorOf != nil {
			if h, ok := authorOf(key); ok {
				key = h
			}
		}
	}
	return strings.ToLower(key)
}

// sched hands the stream's jobs to the workers: a job whose author has an
// earlier job in flight waits for it, in input order; every other job goes
// to the first free worker. (Workers chosen by a hash of the author, as
// before, kept one buyer's tweets in order too, but a tweet behind a busy
// worker held up the reader, and with it every worker: half of them were idle
// in a stream of 1,000 buyers at concurrency 64.)
type sched struct {
	mu    sync.Mutex
	cond  sync.Cond
	ready []job // runnable, in input order
	head  int   // ready[head:] are still to run
	// inFlight holds the authors with a job in flight, each with the jobs
	// waiting behind it, in input order.
	inFlight map[string][]job
	pending  int // jobs added and not done
	closed   bool
}

func newSched() *sched {
	s := &sched{inFlight: map[string][]job{}}
	s.cond.L = &s.mu
	return s
}

// add queues j (from the reader).
func (s *sched) add(j job) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending++
	if a := j.author; a != "" {
		if waiting, busy := s.inFlight[a]; busy {
			s.inFlight[a] = append(waiting, j)
			return
		}
		s.inFlight[a] = nil
	}
	s.push(j)
}

func (s *sched) push(j job) {
	if s.head > 0 && s.head*2 >= len(s.ready) { // reuse the array: the queue is never longer than the window
		n := copy(s.ready, s.ready[s.head:])
		clear(s.ready[n:])
		s.ready, s.head = s.ready[:n], 0
	}
	s.ready = append(s.ready, j)
	s.cond.Signal()
}

// next returns the next job to run, waiting for one; false once the input
// is closed and every job is done.
func (s *sched) next() (job, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.head == len(s.ready) {
		if s.closed && s.pending == 0 {
			return job{}, false
		}
		s.cond.Wait()
	}
	j := s.ready[s.head]
	s.ready[s.head] = job{}
	s.head++
	return j, true
}

// done records that j ran: the author's next job, if any, becomes runnable.
func (s *sched) done(j job) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending--
	if a := j.author; a != "" {
		if w := s.inFlight[a]; len(w) > 0 {
			s.push(w[0]) // the author's next job is in flight now
			s.inFlight[a] = w[1:]
		} else {
			delete(s.inFlight, a)
		}
	}
	if s.closed && s.pending == 0 {
		s.cond.Broadcast()
	}
}

// close says no job will be added; the workers end once every job is done.
func (s *sched) close() {
	s.mu.Lock()
	s.closed = true
	s.cond.Broadcast()
	s.mu.Unlock()
}

// readLine reads one line without its line ending. A line longer than max
// is consumed whole but reported as tooLong, and not returned. size counts
// the bytes consumed.
func readLine(br *bufio.Reader, max int, buf []byte) (line []byte, tooLong bool, size int, err error) {
	for {
		frag, err := br.ReadSlice('\n')
		size += len(frag)
		if !tooLong {
			if len(buf)+len(frag) > max+2 {
				tooLong, buf = true, buf[:0]
			} else {
				buf = append(buf, frag...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if !tooLong {
			buf = trimEOL(buf)
			if len(buf) > max {
				tooLong, buf = true, buf[:0]
			}
		}
		return buf, tooLong, size, err
	}
}

func trimEOL(b []byte) []byte {
	if len(b) > 0 && b[len(b)-1] == '\n' {
		b = b[:len(b)-1]
	}
	if len(b) > 0 && b[len(b)-1] == '\r' {
		b = b[:len(b)-1]
	}
	return b
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}

func countRest(br *bufio.Reader, o Options) int {
	n := 0
	for {
		line, tooLong, size, err := readLine(br, o.MaxLineBytes, nil)
		if size == 0 && err != nil {
			return n
		}
		if tooLong || !isBlank(line) {
			n++
		}
		if err != nil {
			return n
		}
	}
}

// process runs the tweets of line j, as part of run (shop.Tweet.Run), and
// calls finish with the line's result: before it returns or, for a
// Recorder, once the tweet's result is recorded. work is the context
// payments run under, ctx the one whose cancellation cuts retries short.
func process(ctx, work context.Context, p Processor, o Options, run string, j job, report func(done)) {
	start := time.Now()
	finish := func(d done) {
		d.took = time.Since(start)
		report(d)
	}
	d := done{seq: j.seq, line: Line{N: j.n, APIErrors: j.apiErrors}}
	fail := func(err error) done {
		d.line.Err = err
		d.line.Bad = errors.Is(err, tweet.ErrPayload) || errors.Is(err, shop.ErrBadTweet)
		return d
	}
	if j.bad != nil {
		finish(fail(fmt.Errorf("line %d: %w", j.n, j.bad)))
		return
	}
	sts := make([]shop.Tweet, 0, len(j.tweets))
	for _, t := range j.tweets {
		st, err := o.Convert(t)
		if err != nil {
			finish(fail(fmt.Errorf("line %d: %w", j.n, err)))
			return
		}
		st.Run = run
		sts = append(sts, st)
	}
	if c, ok := p.(Checker); ok && len(sts) > 1 {
		for _, st := range sts {
			if err := c.Check(st); err != nil {
				finish(fail(tweetErr(j.n, st.ID, err)))
				return
			}
		}
	}
	rec, async := p.(Recorder)
	async = async && len(sts) == 1
	for _, st := range sts {
		backoff := o.Backoff
		for attempt := 0; ; attempt++ {
			var err error
			if async {
				err = rec.ProcessThen(work, st, func(r shop.Result, err error) {
					if err != nil {
						finish(fail(tweetErr(j.n, st.ID, err)))
						return
					}
					d.line.Results = append(d.line.Results, r)
					finish(d)
				})
				if err == nil {
					return
				}
			} else {
				var r shop.Result
				if r, err = p.Process(work, st); err == nil {
					d.line.Results = append(d.line.Results, r)
					break
				}
			}
			if !payment.Retryable(err) || attempt >= o.Retries {
				if errors.Is(err, payment.ErrUnavailable) && attempt > 0 {
					err = fmt.Errorf("line %d: tweet %s: still unavailable after %d attempts: %w", j.n, st.ID, attempt+1, err)
				} else {
					err = tweetErr(j.n, st.ID, err)
				}
				finish(fail(err))
				return
			}
			d.retries++
			t := time.NewTimer(backoff)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				d.line.Interrupted = true
				d.line.Err = fmt.Errorf("line %d: tweet %s: interrupted while waiting to retry: %w", j.n, st.ID, ctx.Err())
				finish(d)
				return
			}
			backoff = min(2*backoff, MaxBackoff)
		}
	}
	finish(d)
}

// tweetErr is the error of the tweet id on line n. A tweet the engine
// refused as bad is named by the engine's own message.
func tweetErr(n int, id string, err error) error {
	if errors.Is(err, shop.ErrBadTweet) {
		return fmt.Errorf("line %d: %w", n, err)
	}
	return fmt.Errorf("line %d: tweet %s: %w", n, id, err)
}

// account adds a finished line to the summary.
func account(s *Summary, d done) {
	s.Retries += d.retries
	l := d.line
	switch {
	case l.Interrupted:
	case l.Bad:
		s.BadLines++
	case l.Err != nil:
		s.Failed++
	default:
		s.Processed++
	}
	for _, r := range l.Results {
		s.Tweets++
		s.Outcomes[r.Outcome]++
		if r.Duplicate {
			s.Duplicates++
			continue
		}
		cur := shop.Str(r.Currency)
		switch r.Outcome {
		case shop.Purchased, shop.Confirmed, shop.Gifted:
			s.Charged[cur] += r.Amount
		case shop.AwaitingConfirmation:
			// A purchase tweeted again while the first waits for its
			// confirmation is answered with that one's authorisation;
			// it authorised nothing more.
			if shop.Str(r.Reason) != shop.ReasonAlreadyPending {
				s.Authorized[cur] += r.Amount
			}
		}
		// An authorisation this stream made, and counted above when it
		// was new, is captured (and counted as charged above) or
		// cancelled: it holds nothing any more. The engine closes each
		// once, so it leaves Authorized once. One another command made
		// was never counted here.
		if a := r.Closes; a != nil && a.Run != "" && a.Run == s.run {
			if s.Authorized[a.Currency] -= a.Amount; s.Authorized[a.Currency] == 0 {
				delete(s.Authorized, a.Currency)
			}
		}
	}
}

// DefaultConvert converts a payload tweet for the engine: it needs an ID,
// an author (a username, or a user ID the engine knows) and a time.
func DefaultConvert(t tweet.Tweet) (shop.Tweet, error) {
	if t.From == "" && t.AuthorID == "" {
		return shop.Tweet{}, fmt.Errorf("%w: tweet %s names no author", shop.ErrBadTweet, t.ID)
	}
	if t.CreatedAt.IsZero() {
		return shop.Tweet{}, fmt.Errorf("%w: tweet %s has no created_at", shop.ErrBadTweet, t.ID)
	}
	if t.ID == "" {
		by := "@" + t.From
		if t.From == "" {
			by = "user ID " + t.AuthorID
		}
		return shop.Tweet{}, fmt.Errorf("%w: a tweet from %s has no id", shop.ErrBadTweet, by)
	}
	return shop.Tweet{
		ID: t.ID, From: t.From, AuthorID: t.AuthorID, Text: t.Text, At: t.CreatedAt, Retweet: t.Retweet,
		Own: t.ForUserID != "" && t.AuthorID == t.ForUserID,
	}, nil
}
