package statedb

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ErrClosed is returned by Committer.Do after Close.
var ErrClosed = errors.New("state database is closed")

// errSolo marks a function that failed inside a group: it is re-run alone.
var errSolo = errors.New("statedb: run alone")

// MaxGroup bounds how many functions share one transaction of a Committer.
const MaxGroup = 512

type groupReq struct {
	fn   func(*bolt.Tx) error
	done chan error
	// then, for DoAsync, is called instead of sending on done.
	then func(error)
}

// Committer is a group-commit loop over a DB: one goroutine takes every
// function queued while the previous transaction was being written and
// synced, and runs them all in the next transaction, so that one fsync
// serves many callers without the fixed wait of bbolt's DB.Batch (which
// cuts a batch every MaxBatchDelay however long a commit takes). As with
// DB.Batch, a function may run more than once and must be idempotent over
// its transaction: when one fails, the group is retried without it and it
// is run alone, so its error is its own.
type Committer struct {
	d       *DB
	ch      chan *groupReq
	mu      sync.RWMutex // held for reading by senders, for writing by Close
	closed  bool
	stopped chan struct{}
	solos   sync.WaitGroup // DoAsync functions re-run alone
	// commits and requests count transactions and the functions they
	// served, and busy the time spent running and committing them, for
	// benchmarks (functions per commit, how much of the time the writer
	// was busy).
	commits, requests, busy atomic.Int64
	started                 time.Time
	// linger and lingerFor: see WithLinger.
	linger    time.Duration
	lingerFor int
}

// A CommitterOption configures a Committer.
type CommitterOption func(*Committer)

// WithLinger makes a busy Committer gather larger groups: when it finds
// two or more functions waiting for the next transaction but fewer than n,
// it waits up to d for n before it commits. A function alone (a one-off
// command, a sequence of calls each waiting for the last) is committed at
// once. A commit's cost is mostly fixed (two fdatasyncs, the root and
// branch pages, bbolt's nodes built for every leaf it touches): for records
// whose callers do not wait for them (DoAsync), fewer and larger groups
// spend less CPU and disk a record, at the price of d more latency.
func WithLinger(d time.Duration, n int) CommitterOption {
	return func(c *Committer) { c.linger, c.lingerFor = d, min(n, MaxGroup) }
}

// WriterStats describes a Committer's work since it started.
type WriterStats struct {
	// Commits counts transactions and Functions the functions they served.
	Commits, Functions int64
	// Busy is the time spent running functions and committing; Elapsed
	// the time since the Committer started.
	Busy, Elapsed time.Duration
}

// Stats returns the Committer's work so far.
func (c *Committer) Stats() WriterStats {
	return WriterStats{Commits: c.commits.Load(), Functions: c.requests.Load(),
		Busy: time.Duration(c.busy.Load()), Elapsed: time.Since(c.started)}
}

// NewCommitter starts a Committer over d. Close stops it.
func NewCommitter(d *DB, opts ...CommitterOption) *Committer {
	c := &Committer{d: d, ch: make(chan *groupReq, MaxGroup), stopped: make(chan struct{}), started: time.Now()}
	for _, o := range opts {
		o(c)
	}
	go c.loop()
	return c
}

var groupReqPool = sync.Pool{New: func() any { return &groupReq{done: make(chan error, 1)} }}

// Do runs fn in a shared, durable write transaction and returns its error
// once the transaction is committed (or fn has failed).
func (c *Committer) Do(fn func(*bolt.Tx) error) error {
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return ErrClosed
	}
	r := groupReqPool.Get().(*groupReq)
	r.fn = fn
	c.ch <- r
	c.mu.RUnlock()
	err := <-r.done
	r.fn = nil
	groupReqPool.Put(r)
	if errors.Is(err, errSolo) {
		err = c.d.Update(fn)
	}
	return err
}

// DoAsync queues fn like Do but returns at once; then is called with fn's
// error once the transaction is committed (or fn has failed). then runs on
// the writer's goroutine, between two transactions (or, when fn failed in a
// group and is re-run alone, on a goroutine of its own): it must be quick
// and must not wait for the writer (nor call Do). If the Committer is
// closed, then is called with ErrClosed before DoAsync returns.
func (c *Committer) DoAsync(fn func(*bolt.Tx) error, then func(error)) {
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		then(ErrClosed)
		return
	}
	c.ch <- &groupReq{fn: fn, then: then}
	c.mu.RUnlock()
}

// finish hands r its result.
func (c *Committer) finish(r *groupReq, err error) {
	switch {
	case r.then == nil:
		r.done <- err
	case errors.Is(err, errSolo):
		// Run alone, off the writer's goroutine, as Do does in its caller's.
		c.solos.Add(1)
		go func() {
			defer c.solos.Done()
			r.then(c.d.Update(r.fn))
		}()
	default:
		r.then(err)
	}
}

// Close waits for the queued functions to be committed and stops the loop.
// It is safe to call twice.
func (c *Committer) Close() {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		close(c.ch)
	}
	c.mu.Unlock()
	<-c.stopped
	c.solos.Wait()
}

func (c *Committer) loop() {
	defer close(c.stopped)
	group := make([]*groupReq, 0, MaxGroup)
	var lingerTimer *time.Timer
	for first := range c.ch {
		group = append(group[:0], first)
	fill:
		for len(group) < MaxGroup {
			select {
			case r, ok := <-c.ch:
				if !ok {
					break fill
				}
				group = append(group, r)
			default:
				break fill
			}
		}
		if c.linger > 0 && len(group) >= 2 && len(group) < c.lingerFor {
			if lingerTimer == nil {
				lingerTimer = time.NewTimer(c.linger)
			} else {
				lingerTimer.Reset(c.linger)
			}
		gather:
			for len(group) < c.lingerFor {
				select {
				case r, ok := <-c.ch:
					if !ok {
						break gather
					}
					group = append(group, r)
				case <-lingerTimer.C:
					break gather
				}
			}
			lingerTimer.Stop()
		}
		start := time.Now()
		c.run(group)
		c.busy.Add(int64(time.Since(start)))
		clear(group)
		c.d.MaybeTrim()
		c.d.maybeRenew()
	}
}

// run commits group; a function that fails is handed back to run alone and
// the others are retried without it.
func (c *Committer) run(group []*groupReq) {
	for len(group) > 0 {
		failed := -1
		err := c.d.Update(func(tx *bolt.Tx) error {
			for i, r := range group {
				if err := call(r.fn, tx); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		c.commits.Add(1)
		if failed < 0 {
			c.requests.Add(int64(len(group)))
			for _, r := range group {
				c.finish(r, err)
			}
			return
		}
		c.finish(group[failed], errSolo)
		group = append(group[:failed], group[failed+1:]...)
	}
}

// call runs fn, turning a panic into an error so that the loop survives;
// the function is then re-run alone in its caller's goroutine, where the
// panic happens again.
func call(fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errPanic
		}
	}()
	return fn(tx)
}

var errPanic = errors.New("statedb: panic in a grouped transaction")
