package stream

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tweetpay/tweetpay/pkg/payment"
	"github.com/tweetpay/tweetpay/pkg/shop"
	"github.com/tweetpay/tweetpay/pkg/tweet"
)

// fakeEngine records processed tweet IDs; it sleeps a random short time so
// that tweets finish out of order, and fails as told.
type fakeEngine struct {
	mu       sync.Mutex
	seen     map[string]int
	failures map[string]int // tweet ID -> transient failures before success
	fatal    map[string]bool
	bad      map[string]bool // tweet IDs refused as bad tweets
	inFlight atomic.Int32
	maxSeen  atomic.Int32
	delay    time.Duration
}

func newFake() *fakeEngine {
	return &fakeEngine{seen: map[string]int{}, failures: map[string]int{}, fatal: map[string]bool{}, bad: map[string]bool{}}
}

func (f *fakeEngine) Process(ctx context.Context, tw shop.Tweet) (shop.Result, error) {
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		m := f.maxSeen.Load()
		if n <= m || f.maxSeen.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond)
	time.Sleep(f.delay)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.bad[tw.ID] {
		return shop.Result{}, fmt.Errorf("%w: too long", shop.ErrBadTweet)
	}
	if f.fatal[tw.ID] {
		return shop.Result{}, errors.New("disk on fire")
	}
	if f.failures[tw.ID] > 0 {
		f.failures[tw.ID]--
		return shop.Result{}, fmt.Errorf("create payment: %w", payment.ErrUnavailable)
	}
	f.seen[tw.ID]++
	cur := "usd"
	return shop.Result{TweetID: tw.ID, From: "@" + tw.From, Outcome: shop.Purchased, Amount: 100, Currency: &cur,
		Duplicate: f.seen[tw.ID] > 1}, nil
}

func plainLine(i int) string {
	return fmt.Sprintf(`{"id":"t%d","from":"@u%d","text":"#BuyMug","created_at":"2026-01-01T00:00:00Z"}`, i, i%7)
}

func lines(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		b.WriteString(plainLine(i) + "\n")
	}
	return b.String()
}

func collect(t *testing.T, input string, eng Processor, o Options) ([]Line, Summary, error) {
	t.Helper()
	var got []Line
	o.Emit = func(l Line) error { got = append(got, l); return nil }
	o.Backoff = time.Millisecond
	sum, err := Run(context.Background(), strings.NewReader(input), eng, o)
	return got, sum, err
}

func TestRunOrderAndConcurrency(t *testing.T) {
	eng := newFake()
	got, sum, err := collect(t, lines(500), eng, Options{Concurrency: 6})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 500 || sum.Processed != 500 || sum.Tweets != 500 || sum.Lines != 500 || sum.Total != 500 {
		t.Fatalf("got %d lines, summary %+v", len(got), sum)
	}
	for i, l := range got {
		if want := fmt.Sprintf("t%d", i+1); l.N != i+1 || len(l.Results) != 1 || l.Results[0].TweetID != want {
			t.Fatalf("line %d out of order: %+v", i+1, l)
		}
	}
	if m := eng.maxSeen.Load(); m > 6 || m < 2 {
		t.Errorf("max tweets in flight %d, want between 2 and 6", m)
	}
	if sum.Charged["usd"] != 50000 || sum.Outcomes[shop.Purchased] != 500 {
		t.Errorf("summary %+v", sum)
	}
}

func TestRunBadLines(t *testing.T) {
	input := plainLine(1) + "\n" +
		"not json\n" +
		"\n" + // blank: skipped, still counted as a line number
		`{"id":"t4","from":"@u1","text":"#BuyMug"}` + "\n" + // no created_at
		`{"foo":1}` + "\n" +
		`{"id":"t6","text":"x","from":"@u1","created_at":"2026-01-01T00:00:00Z"}` + "\r\n" +
		`{"id":"t7","from":"@u1","text":"` + strings.Repeat("a", 2000) + `","created_at":"2026-01-01T00:00:00Z"}` + "\n" +
		plainLine(8) // no final newline
	got, sum, err := collect(t, input, newFake(), Options{Concurrency: 3, MaxLineBytes: 1000})
	if !errors.Is(err, ErrBadLines) {
		t.Fatalf("err = %v, want ErrBadLines", err)
	}
	var bad []int
	for _, l := range got {
		if l.Bad {
			bad = append(bad, l.N)
		}
	}
	if fmt.Sprint(bad) != "[2 4 5 7]" {
		t.Errorf("bad lines %v, want [2 4 5 7]", bad)
	}
	if sum.BadLines != 4 || sum.Processed != 3 || sum.Lines != 7 {
		t.Errorf("summary %+v", sum)
	}
	for _, l := range got {
		if l.Bad && !strings.Contains(l.Err.Error(), fmt.Sprintf("line %d:", l.N)) {
			t.Errorf("error of line %d does not name it: %v", l.N, l.Err)
		}
	}
}

func TestRunFailFast(t *testing.T) {
	input := lines(3) + "garbage\n" + lines(200)
	got, sum, err := collect(t, input, newFake(), Options{Concurrency: 2, FailFast: true})
	if !errors.Is(err, ErrStopped) || !strings.Contains(err.Error(), "line 4") {
		t.Fatalf("err = %v, want ErrStopped at line 4", err)
	}
	if sum.Lines >= 203 || len(got) != sum.Lines {
		t.Errorf("read %d lines, emitted %d: fail-fast should stop early", sum.Lines, len(got))
	}
}

// TestRunFailFastBadTweet: a line the engine refuses as a bad tweet stops
// the stream at once, as a line that cannot be read does: the lines read
// behind it are not processed, though they were queued before it failed.
func TestRunFailFastBadTweet(t *testing.T) {
	eng := newFake()
	eng.bad["t2"] = true
	got, sum, err := collect(t, lines(40), eng, Options{Concurrency: 1, FailFast: true})
	if !errors.Is(err, ErrStopped) || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("err = %v, want ErrStopped at line 2", err)
	}
	eng.mu.Lock()
	defer eng.mu.Unlock()
	if len(eng.seen) != 1 || eng.seen["t1"] != 1 {
		t.Errorf("processed %v, want t1 alone", eng.seen)
	}
	if sum.Processed != 1 || sum.BadLines != 1 || sum.Tweets != 1 {
		t.Errorf("summary %+v", sum)
	}
	for _, l := range got {
		if l.N > 2 && (!l.Interrupted || len(l.Results) > 0) {
			t.Errorf("line %d after the bad one: %+v", l.N, l)
		}
	}
}

func TestRunRetriesTransientFailures(t *testing.T) {
	eng := newFake()
	eng.failures["t3"] = 2
	got, sum, err := collect(t, lines(5), eng, Options{Concurrency: 2, Retries: 3})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Retries != 2 || sum.Processed != 5 || len(got) != 5 || eng.seen["t3"] != 1 {
		t.Errorf("summary %+v, t3 processed %d times", sum, eng.seen["t3"])
	}
}

func TestRunUnavailableStops(t *testing.T) {
	eng := newFake()
	eng.failures["t50"] = 100
	o := Options{Concurrency: 4, Retries: 2, CountRest: true}
	_, sum, err := collect(t, lines(1000), eng, o)
	if !errors.Is(err, payment.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	want := fmt.Sprintf("processed %d of 1000 lines; re-run to continue", sum.Processed)
	if !strings.Contains(err.Error(), want) || sum.Total != 1000 || sum.Failed != 1 {
		t.Errorf("err = %v; summary %+v", err, sum)
	}
	if sum.Lines >= 1000 {
		t.Errorf("read every line (%d) after the provider stayed unavailable", sum.Lines)
	}
}

// TestRunUnavailableStartsNoMoreLines: once a line has failed for good, no
// line read behind it starts: each would go through its retries against the
// same outage (a stream against a provider that stayed down took four times
// as long to give up, one round of retries for each concurrency's worth of
// lines in the reordering window). The lines not started are interrupted,
// for a re-run to process.
func TestRunUnavailableStartsNoMoreLines(t *testing.T) {
	eng := newFake()
	for i := 1; i <= 100; i++ {
		eng.failures[fmt.Sprintf("t%d", i)] = 1000
	}
	got, sum, err := collect(t, lines(100), eng, Options{Concurrency: 2, Retries: 2})
	if !errors.Is(err, payment.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	eng.mu.Lock()
	var started []string
	for id, n := range eng.failures {
		if n < 1000 {
			started = append(started, id)
		}
	}
	eng.mu.Unlock()
	if len(started) > 2 {
		t.Errorf("%d lines started with 2 workers after the provider stayed unavailable: %v", len(started), started)
	}
	interrupted := 0
	for _, l := range got {
		if l.Interrupted {
			interrupted++
		}
	}
	if sum.Failed != len(started) || sum.Failed+interrupted != len(got) || sum.Retries != 2*len(started) {
		t.Errorf("summary %+v with %d lines emitted, %d interrupted", sum, len(got), interrupted)
	}
}

func TestRunFatalError(t *testing.T) {
	eng := newFake()
	eng.fatal["t2"] = true
	_, _, err := collect(t, lines(100), eng, Options{Concurrency: 2})
	if err == nil || !strings.Contains(err.Error(), "line 2: tweet t2: disk on fire") {
		t.Fatalf("err = %v", err)
	}
}

func TestRunCancelFinishesInFlight(t *testing.T) {
	eng := newFake()
	eng.delay = 2 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	var emitted int
	o := Options{Concurrency: 4, Emit: func(l Line) error {
		emitted++
		if emitted == 20 {
			cancel()
		}
		return nil
	}}
	sum, err := Run(ctx, strings.NewReader(lines(10000)), eng, o)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	eng.mu.Lock()
	processed := len(eng.seen)
	eng.mu.Unlock()
	if sum.Processed != processed || sum.Lines != emitted || sum.Lines > 200 {
		t.Errorf("summary %+v, engine processed %d, emitted %d", sum, processed, emitted)
	}
}

func TestRunRate(t *testing.T) {
	t0 := time.Now()
	_, sum, err := collect(t, lines(11), newFake(), Options{Concurrency: 4, Rate: 100})
	if err != nil {
		t.Fatal(err)
	}
	// 11 lines at 100/s: the last starts 100ms after the first.
	if d := time.Since(t0); d < 95*time.Millisecond || sum.Processed != 11 {
		t.Errorf("11 lines at 100/s took %s", d)
	}
}

func TestRunDuplicatesNotCharged(t *testing.T) {
	eng := newFake()
	if _, _, err := collect(t, lines(10), eng, Options{}); err != nil {
		t.Fatal(err)
	}
	_, sum, err := collect(t, lines(10), eng, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Duplicates != 10 || len(sum.Charged) != 0 {
		t.Errorf("second run: %+v", sum)
	}
}

func TestReadLine(t *testing.T) {
	long := strings.Repeat("x", 300)
	br := bufio.NewReaderSize(strings.NewReader("a\r\n"+long+"\nb"), 16)
	var got []string
	for {
		line, tooLong, size, err := readLine(br, 100, nil)
		if size == 0 {
			break
		}
		got = append(got, fmt.Sprintf("%q/%v", line, tooLong))
		if err != nil {
			break
		}
	}
	if fmt.Sprint(got) != `["a"/false ""/true "b"/false]` {
		t.Errorf("got %v", got)
	}
}

func TestBarRender(t *testing.T) {
	var b strings.Builder
	bar := NewBar(&b, 1000)
	bar.Update(Summary{Lines: 10, Tweets: 10, BytesRead: 250, Elapsed: time.Second})
	if s := b.String(); !strings.Contains(s, " 25%") || !strings.Contains(s, "ETA 3s") || !strings.Contains(s, "10 tweets/s") {
		t.Errorf("bar %q", s)
	}
	// Near the end, work is left even when less than a second of it is.
	b.Reset()
	bar.Update(Summary{Lines: 90, Tweets: 90, BytesRead: 900, Elapsed: 3 * time.Second})
	if s := b.String(); !strings.Contains(s, " 90%") || !strings.Contains(s, "ETA <1s") {
		t.Errorf("bar %q", s)
	}
	b.Reset()
	bar.Update(Summary{Lines: 1, Tweets: 1, BytesRead: 10, Elapsed: time.Second})
	if s := b.String(); !strings.Contains(s, "ETA 1m39s") {
		t.Errorf("bar %q", s)
	}
}

// authorEngine records, per author, the order tweets were processed in and
// whether two of one author's tweets were ever processed at once.
type authorEngine struct {
	mu       sync.Mutex
	order    map[string][]string
	running  map[string]bool
	overlap  []string
	inFlight atomic.Int32
	maxSeen  atomic.Int32
}

func (a *authorEngine) Process(_ context.Context, tw shop.Tweet) (shop.Result, error) {
	n := a.inFlight.Add(1)
	defer a.inFlight.Add(-1)
	for m := a.maxSeen.Load(); n > m && !a.maxSeen.CompareAndSwap(m, n); m = a.maxSeen.Load() {
	}
	a.mu.Lock()
	if a.running[tw.From] {
		a.overlap = append(a.overlap, tw.ID)
	}
	a.running[tw.From] = true
	a.order[tw.From] = append(a.order[tw.From], tw.ID)
	a.mu.Unlock()
	time.Sleep(time.Duration(rand.IntN(500)) * time.Microsecond)
	a.mu.Lock()
	a.running[tw.From] = false
	a.mu.Unlock()
	return shop.Result{TweetID: tw.ID, Outcome: shop.Ignored}, nil
}

// One author's tweets run one at a time and in input order, however many
// workers there are; tweets of other authors do not wait behind them (one
// author with most of the stream does not keep the workers idle).
func TestRunKeepsEachAuthorsOrder(t *testing.T) {
	var b strings.Builder
	r := rand.New(rand.NewPCG(3, 4))
	for i := 1; i <= 2000; i++ {
		from := "@hot"
		if r.IntN(3) > 0 {
			from = fmt.Sprintf("@u%d", r.IntN(40))
		}
		fmt.Fprintf(&b, `{"id":"t%d","from":"%s","text":"hi","created_at":"2026-01-01T00:00:00Z"}`+"\n", i, from)
	}
	eng := &authorEngine{order: map[string][]string{}, running: map[string]bool{}}
	got, sum, err := collect(t, b.String(), eng, Options{Concurrency: 16})
	if err != nil || len(got) != 2000 || sum.Processed != 2000 {
		t.Fatalf("%d lines, %+v, %v", len(got), sum, err)
	}
	if len(eng.overlap) > 0 {
		t.Fatalf("tweets of one author processed at once: %v", eng.overlap[:min(5, len(eng.overlap))])
	}
	for from, ids := range eng.order {
		for i := 1; i < len(ids); i++ {
			var a, b int
			fmt.Sscanf(ids[i-1], "t%d", &a)
			fmt.Sscanf(ids[i], "t%d", &b)
			if a >= b {
				t.Fatalf("%s: %s processed before %s", from, ids[i-1], ids[i])
			}
		}
	}
	if m := eng.maxSeen.Load(); m < 8 {
		t.Errorf("at most %d tweets in flight with 16 workers and 41 authors", m)
	}
	for i, l := range got {
		if want := fmt.Sprintf("t%d", i+1); len(l.Results) != 1 || l.Results[0].TweetID != want {
			t.Fatalf("line %d emitted out of order: %+v", i+1, l)
		}
	}
}

// recordingEngine is a Recorder over fakeEngine: a tweet's payment is made
// in ProcessThen, and its record is finished later, on another goroutine.
type recordingEngine struct {
	*fakeEngine
	failRecord map[string]bool
	mu         sync.Mutex
	recording  map[string]bool // authors whose tweet's record is pending
	overlap    []string
	pending    atomic.Int32
	maxPending atomic.Int32
}

func (e *recordingEngine) ProcessThen(ctx context.Context, tw shop.Tweet, then func(shop.Result, error)) error {
	e.mu.Lock()
	if e.recording[tw.From] {
		e.overlap = append(e.overlap, tw.ID)
	}
	e.recording[tw.From] = true
	e.mu.Unlock()
	r, err := e.Process(ctx, tw)
	if err != nil {
		e.mu.Lock()
		e.recording[tw.From] = false
		e.mu.Unlock()
		return err
	}
	n := e.pending.Add(1)
	for {
		m := e.maxPending.Load()
		if n <= m || e.maxPending.CompareAndSwap(m, n) {
			break
		}
	}
	go func() {
		time.Sleep(time.Duration(rand.IntN(2000)) * time.Microsecond)
		e.mu.Lock()
		e.recording[tw.From] = false
		fail := e.failRecord[tw.ID]
		e.mu.Unlock()
		e.pending.Add(-1)
		if fail {
			then(shop.Result{}, errors.New("record: disk full"))
			return
		}
		then(r, nil)
	}()
	return nil
}

// With a Recorder, workers take new lines while results are recorded; the
// lines still come out in input order, one author's tweets still wait for
// each other, and retries still happen. A result that cannot be recorded
// fails its line and stops the stream, as any other fatal error.
func TestRunRecorder(t *testing.T) {
	eng := &recordingEngine{fakeEngine: newFake(), recording: map[string]bool{}}
	eng.failures["t5"] = 2
	got, sum, err := collect(t, lines(500), eng, Options{Concurrency: 4})
	if err != nil || len(got) != 500 || sum.Processed != 500 || sum.Retries != 2 || sum.Outcomes[shop.Purchased] != 500 {
		t.Fatalf("%d lines, summary %+v, %v", len(got), sum, err)
	}
	for i, l := range got {
		if want := fmt.Sprintf("t%d", i+1); l.N != i+1 || len(l.Results) != 1 || l.Results[0].TweetID != want {
			t.Fatalf("line %d out of order: %+v", i+1, l)
		}
	}
	if len(eng.overlap) > 0 {
		t.Fatalf("an author's tweet started before the previous one was recorded: %v", eng.overlap)
	}
	if m := eng.maxPending.Load(); m <= 4 {
		t.Errorf("at most %d records pending with 4 workers: the workers waited for them", m)
	}

	eng = &recordingEngine{fakeEngine: newFake(), failRecord: map[string]bool{"t17": true}, recording: map[string]bool{}}
	got, sum, err = collect(t, lines(500), eng, Options{Concurrency: 4})
	if err == nil || !strings.Contains(err.Error(), "line 17: tweet t17: record: disk full") {
		t.Fatalf("error %v, want line 17's record failure", err)
	}
	interrupted := 0
	for _, l := range got {
		if l.Interrupted {
			interrupted++
		}
	}
	if len(got) < 17 || got[16].Err == nil || sum.Failed != 1 || sum.Processed+interrupted != len(got)-1 {
		t.Fatalf("%d lines, summary %+v", len(got), sum)
	}
}

// byIDEngine attributes a tweet known only by its author's ID as the real
// engine does, then runs it through authorEngine.
type byIDEngine struct {
	*authorEngine
	handles map[string]string
}

func (e byIDEngine) Process(ctx context.Context, tw shop.Tweet) (shop.Result, error) {
	if tw.From == "" {
		tw.From = e.handles[tw.AuthorID]
	}
	return e.authorEngine.Process(ctx, tw)
}

// A buyer's tweets stay in order whether they name the buyer by username or
// (a v2 Tweet without includes.users) only by user ID.
func TestRunKeepsOrderAcrossAuthorIDs(t *testing.T) {
	var b strings.Builder
	r := rand.New(rand.NewPCG(5, 6))
	for i := 1; i <= 2000; i++ {
		switch r.IntN(3) {
		case 0:
			fmt.Fprintf(&b, `{"id":"t%d","from":"@Hot","text":"hi","created_at":"2026-01-01T00:00:00Z"}`+"\n", i)
		case 1:
			fmt.Fprintf(&b, `{"data":{"id":"t%d","author_id":"7","text":"hi","created_at":"2026-01-01T00:00:00Z"}}`+"\n", i)
		default:
			fmt.Fprintf(&b, `{"id":"t%d","from":"@u%d","text":"hi","created_at":"2026-01-01T00:00:00Z"}`+"\n", i, r.IntN(40))
		}
	}
	handles := map[string]string{"7": "Hot"}
	eng := byIDEngine{&authorEngine{order: map[string][]string{}, running: map[string]bool{}}, handles}
	authorOf := func(id string) (string, bool) { h, ok := handles[id]; return h, ok }
	got, sum, err := collect(t, b.String(), eng, Options{Concurrency: 16, AuthorOf: authorOf})
	if err != nil || len(got) != 2000 || sum.Processed != 2000 {
		t.Fatalf("%d lines, %+v, %v", len(got), sum, err)
	}
	if len(eng.overlap) > 0 {
		t.Fatalf("tweets of one buyer processed at once: %v", eng.overlap[:min(5, len(eng.overlap))])
	}
	ids := eng.order["Hot"]
	for i := 1; i < len(ids); i++ {
		var a, b int
		fmt.Sscanf(ids[i-1], "t%d", &a)
		fmt.Sscanf(ids[i], "t%d", &b)
		if a >= b {
			t.Fatalf("@Hot: %s processed before %s", ids[i-1], ids[i])
		}
	}
}

func TestAuthor(t *testing.T) {
	authorOf := func(id string) (string, bool) { return map[string]string{"7": "Hot"}[id], id == "7" }
	for _, tc := range []struct {
		tws      []tweet.Tweet
		authorOf func(string) (string, bool)
		want     string
	}{
		{nil, authorOf, ""},
		{[]tweet.Tweet{{From: "Alice", AuthorID: "7"}}, authorOf, "alice"},
		{[]tweet.Tweet{{AuthorID: "7"}}, authorOf, "hot"},
		{[]tweet.Tweet{{AuthorID: "8"}}, authorOf, "8"},
		{[]tweet.Tweet{{AuthorID: "7"}}, nil, "7"},
	} {
		if got := author(tc.tws, tc.authorOf); got != tc.want {
			t.Errorf("author(%+v) = %q, want %q", tc.tws, got, tc.want)
		}
	}
}

// noRetryEngine fails every tweet with an unavailable provider that said
// not to retry.
type noRetryEngine struct{ calls atomic.Int32 }

func (e *noRetryEngine) Process(context.Context, shop.Tweet) (shop.Result, error) {
	e.calls.Add(1)
	return shop.Result{}, fmt.Errorf("create payment: %w", &payment.Error{Kind: payment.ErrUnavailable, Message: "no", NoRetry: true})
}

// TestRunDoesNotRetryWhatTheProviderSaysNotTo: a failure marked NoRetry
// (Stripe-Should-Retry: false) ends the tweet at once, still as
// ErrUnavailable (exit 6).
func TestRunDoesNotRetryWhatTheProviderSaysNotTo(t *testing.T) {
	eng := &noRetryEngine{}
	_, sum, err := collect(t, lines(1), eng, Options{Concurrency: 1, Retries: 5})
	if !errors.Is(err, payment.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if n := eng.calls.Load(); n != 1 || sum.Retries != 0 || sum.Failed != 1 {
		t.Errorf("%d attempts, summary %+v; want 1 attempt and no retry", n, sum)
	}
	if strings.Contains(err.Error(), "attempts") {
		t.Errorf("err = %v; it was tried once", err)
	}
}

// TestRunInterruptedWhileWaitingForInput: a stream read from a pipe whose
// writer is idle (tail -f) ends as soon as it is interrupted, with the
// lines read so far processed and no partial line counted, instead of
// waiting for the writer's next line.
func TestRunInterruptedWhileWaitingForInput(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	eng := newFake()
	var emitted atomic.Int32
	o := Options{Concurrency: 2, Emit: func(Line) error { emitted.Add(1); return nil }}
	type ret struct {
		sum Summary
		err error
	}
	res := make(chan ret, 1)
	go func() {
		sum, err := Run(ctx, pr, eng, o)
		res <- ret{sum, err}
	}()
	if _, err := io.WriteString(pw, lines(3)+`{"id":"t4","fr`); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); emitted.Load() < 3; {
		if time.Now().After(deadline) {
			t.Fatalf("%d lines emitted", emitted.Load())
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	select {
	case r := <-res:
		if !errors.Is(r.err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", r.err)
		}
		if r.sum.Lines != 3 || r.sum.Processed != 3 || r.sum.BadLines != 0 {
			t.Errorf("summary %+v, want the 3 whole lines processed", r.sum)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run still waits for input 5s after it was interrupted")
	}
}

// checkingEngine is a Checker over fakeEngine: it refuses the tweets the
// fake would refuse as bad without processing them.
type checkingEngine struct{ *fakeEngine }

func (e checkingEngine) Check(tw shop.Tweet) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.bad[tw.ID] {
		return fmt.Errorf("%w: too long", shop.ErrBadTweet)
	}
	return nil
}

// TestRunBadTweetInALineChargesNothing: a line of several tweets, one of
// which the engine would refuse, is a bad line before any of its tweets is
// processed, whichever comes first; the other lines run.
func TestRunBadTweetInALineChargesNothing(t *testing.T) {
	event := func(id string) string {
		return `{"id_str":"` + id + `","text":"#BuyMug","user":{"id_str":"9","screen_name":"u9"},"created_at":"Mon Nov 24 10:00:00 +0000 2026"}`
	}
	input := `{"for_user_id":"1","tweet_create_events":[` + event("a1") + `,` + event("a2") + `]}` + "\n" +
		`{"for_user_id":"1","tweet_create_events":[` + event("b1") + `,` + event("b2") + `]}` + "\n" +
		plainLine(3) + "\n"
	eng := checkingEngine{newFake()}
	eng.bad["a2"] = true
	got, sum, err := collect(t, input, eng, Options{Concurrency: 2})
	if !errors.Is(err, ErrBadLines) {
		t.Fatalf("err = %v, want ErrBadLines", err)
	}
	eng.mu.Lock()
	defer eng.mu.Unlock()
	if eng.seen["a1"] != 0 || eng.seen["a2"] != 0 {
		t.Errorf("tweets of the bad line processed: %v", eng.seen)
	}
	if eng.seen["b1"] != 1 || eng.seen["b2"] != 1 || eng.seen["t3"] != 1 {
		t.Errorf("processed %v, want b1, b2 and t3", eng.seen)
	}
	if len(got) != 3 || !got[0].Bad || len(got[0].Results) != 0 || !strings.Contains(got[0].Err.Error(), "line 1: bad tweet") {
		t.Fatalf("lines %+v", got)
	}
	if sum.BadLines != 1 || sum.Tweets != 3 || sum.Charged["usd"] != 300 {
		t.Errorf("summary %+v", sum)
	}
}

// The engine checks a line's tweets before processing any of them.
var _ Checker = (*shop.Engine)(nil)

// TestRunAPIErrors: a line that is a Twitter API error response is a bad
// line that says so; a response holding tweets and errors is processed, and
// its errors come with the line.
func TestRunAPIErrors(t *testing.T) {
	notFound := `{"value":"9","detail":"Could not find tweet with ids: [9].","title":"Not Found Error","type":"https://api.twitter.com/2/problems/resource-not-found"}`
	input := `{"errors":[` + notFound + `]}` + "\n" +
		`{"data":[{"id":"t2","text":"#BuyMug","author_id":"42","created_at":"2026-01-01T00:00:00Z"}],"includes":{"users":[{"id":"42","username":"u2"}]},"errors":[` + notFound + `]}` + "\n" +
		plainLine(3) + "\n"
	got, _, err := collect(t, input, newFake(), Options{Concurrency: 2})
	if !errors.Is(err, ErrBadLines) || len(got) != 3 {
		t.Fatalf("err = %v, %d lines", err, len(got))
	}
	if !got[0].Bad || !strings.Contains(got[0].Err.Error(), `line 1: invalid tweet payload: a Twitter API error response, not a tweet: "Not Found Error: Could not find tweet with ids: [9]."`) {
		t.Errorf("line 1: %+v", got[0])
	}
	if got[1].Bad || len(got[1].Results) != 1 || len(got[1].APIErrors) != 1 || got[1].APIErrors[0].Title != "Not Found Error" {
		t.Errorf("line 2: %+v", got[1])
	}
	if got[2].Bad || len(got[2].APIErrors) != 0 {
		t.Errorf("line 3: %+v", got[2])
	}
}

// TestRunFormatMismatch: a line of another shape than --format says which
// shape it looks like, and how to read it.
func TestRunFormatMismatch(t *testing.T) {
	input := `{"data":{"id":"t1","text":"#BuyMug","author_id":"42","created_at":"2026-01-01T00:00:00Z"}}` + "\n" +
		`{"id_str":"t2","text":"#BuyMug","created_at":"2026-01-01T00:00:00Z","user":{"screen_name":"u2"}}` + "\n"
	got, _, err := collect(t, input, newFake(), Options{Format: tweet.FormatV2, AuthorOf: func(string) (string, bool) { return "u1", true }})
	if !errors.Is(err, ErrBadLines) || len(got) != 2 {
		t.Fatalf("err = %v, %d lines", err, len(got))
	}
	if got[0].Bad {
		t.Errorf("line 1: %v", got[0].Err)
	}
	want := "line 2: invalid tweet payload: not a v2 payload (it looks like a v1.1 Tweet); drop --format or use --format v1"
	if !got[1].Bad || got[1].Err.Error() != want {
		t.Errorf("line 2: %v, want %q", got[1].Err, want)
	}
}

// A purchase authorised and then confirmed in the same stream is counted
// once: as charged, no longer as authorised; one cancelled in it holds
// nothing, whether a late confirmation or the buyer's next purchase
// cancelled it. A confirmation of an authorisation made by another run or
// outside any run is charged and takes nothing from this stream's
// authorised sum. A duplicate counts nothing.
func TestAccountAuthorisationCountedOnce(t *testing.T) {
	usd, eur := "usd", "eur"
	res := func(outcome, pi string, amount int64, cur *string) shop.Result {
		return shop.Result{Outcome: outcome, PaymentIntent: &pi, Amount: amount, Currency: cur}
	}
	closing := func(r shop.Result, run, pi string, amount int64, cur string) shop.Result {
		r.Closes = &shop.Authorisation{Run: run, PaymentIntent: pi, Amount: amount, Currency: cur}
		return r
	}
	dup := func(r shop.Result) shop.Result {
		r.Duplicate = true
		return r
	}
	sum := Summary{Outcomes: map[string]int{}, Charged: map[string]int64{}, Authorized: map[string]int64{}, run: "this"}
	for i, r := range []shop.Result{
		res(shop.AwaitingConfirmation, "pi_1", 14999, &usd),
		res(shop.AwaitingConfirmation, "pi_2", 14999, &usd),
		res(shop.AwaitingConfirmation, "pi_3", 500, &eur),
		res(shop.AwaitingConfirmation, "pi_5", 14999, &usd),
		closing(res(shop.Confirmed, "pi_1", 14999, &usd), "this", "pi_1", 14999, "usd"),
		closing(res(shop.Expired, "pi_3", 0, &eur), "this", "pi_3", 500, "eur"),
		// The buyer of pi_5 buys again after its window closed.
		closing(res(shop.AwaitingConfirmation, "pi_6", 14999, &usd), "this", "pi_5", 14999, "usd"),
		// Another run's, and one made outside a run.
		closing(res(shop.Confirmed, "pi_earlier", 700, &usd), "earlier", "pi_earlier", 700, "usd"),
		closing(res(shop.Confirmed, "pi_tweet", 800, &usd), "", "pi_tweet", 800, "usd"),
		closing(res(shop.Expired, "pi_gone", 0, &usd), "earlier", "pi_gone", 900, "usd"),
		res(shop.Purchased, "pi_4", 1000, &usd),
		dup(res(shop.AwaitingConfirmation, "pi_2", 14999, &usd)),
		dup(closing(res(shop.Confirmed, "pi_2", 14999, &usd), "this", "pi_2", 14999, "usd")),
	} {
		account(&sum, done{seq: i, line: Line{N: i + 1, Results: []shop.Result{r}}})
	}
	if want := (map[string]int64{"usd": 14999 + 700 + 800 + 1000}); !maps.Equal(sum.Charged, want) {
		t.Errorf("charged %v, want %v", sum.Charged, want)
	}
	if want := (map[string]int64{"usd": 2 * 14999}); !maps.Equal(sum.Authorized, want) {
		t.Errorf("authorised %v, want pi_2's and pi_6's, %v", sum.Authorized, want)
	}
}

// The summary remembers nothing per authorisation: a stream of purchases
// that all wait for their confirmation, none confirmed, leaves its memory
// as it was, however many there are. (It kept each one's payment intent,
// about 100 bytes an authorisation: 100 MB for a million.)
func TestAccountKeepsNoAuthorisations(t *testing.T) {
	const n = 200_000
	usd := "usd"
	sum := Summary{Outcomes: map[string]int{}, Charged: map[string]int64{}, Authorized: map[string]int64{}, run: "this"}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rs := make([]shop.Result, 1)
	for i := range n {
		pi := fmt.Sprintf("pi_%024d", i)
		rs[0] = shop.Result{Outcome: shop.AwaitingConfirmation, PaymentIntent: &pi, Amount: 14999, Currency: &usd}
		account(&sum, done{seq: i, line: Line{N: i + 1, Results: rs}})
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(&sum)
	if sum.Authorized["usd"] != n*14999 || sum.Outcomes[shop.AwaitingConfirmation] != n {
		t.Fatalf("summary %+v", sum)
	}
	// A few hundred bytes would do; 1 MiB leaves room for what the
	// runtime itself allocates meanwhile, and is a twentieth of what
	// remembering the authorisations takes.
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 1<<20 {
		t.Errorf("the heap grew by %d bytes over %d authorisations", grew, n)
	}
}

// slowRecorder records each result after a fixed time.
type slowRecorder struct {
	*fakeEngine
	record time.Duration
}

func (e slowRecorder) ProcessThen(ctx context.Context, tw shop.Tweet, then func(shop.Result, error)) error {
	r, err := e.Process(ctx, tw)
	if err != nil {
		return err
	}
	time.AfterFunc(e.record, func() { then(r, nil) })
	return nil
}

// The summary's latency times each completed line from a worker taking it
// up to its result, recording included: one slow tweet among fast ones is
// the maximum, not the median; with a Recorder, every line takes at least
// its record; bad lines are not timed.
func TestRunLatency(t *testing.T) {
	eng := newFake()
	slow := &delayedEngine{fakeEngine: eng, delays: map[string]time.Duration{"t3": 40 * time.Millisecond}}
	_, sum, err := collect(t, lines(30), slow, Options{Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	l := sum.Latency
	if l == nil || l.Max < 40*time.Millisecond || l.P50 >= 40*time.Millisecond || l.P50 > l.P90 || l.P90 > l.P99 || l.P99 > l.Max {
		t.Errorf("one slow tweet of 30: %+v", l)
	}

	_, sum, err = collect(t, lines(12), slowRecorder{fakeEngine: newFake(), record: 20 * time.Millisecond}, Options{Concurrency: 4})
	if err != nil || sum.Latency == nil || sum.Latency.P50 < 20*time.Millisecond {
		t.Errorf("records of 20 ms: %+v, %v", sum.Latency, err)
	}

	_, sum, _ = collect(t, "not json\n{}\n", newFake(), Options{Concurrency: 2})
	if sum.BadLines != 2 || sum.Latency != nil {
		t.Errorf("bad lines only: %d bad, latency %+v", sum.BadLines, sum.Latency)
	}
}

// delayedEngine sleeps the given time before processing the given tweets.
type delayedEngine struct {
	*fakeEngine
	delays map[string]time.Duration
}

func (e *delayedEngine) Process(ctx context.Context, tw shop.Tweet) (shop.Result, error) {
	time.Sleep(e.delays[tw.ID])
	return e.fakeEngine.Process(ctx, tw)
}
