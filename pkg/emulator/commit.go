package emulator

import (
	"errors"
	"sync"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"
)

// errClosed is returned for writes after Close.
var errClosed = errors.New("emulator is closed")

// errSolo marks a function that failed inside a group: it is re-run alone.
var errSolo = errors.New("emulator: run alone")

// maxGroup bounds how many write requests share one transaction.
const maxGroup = 512

type writeReq struct {
	fn   func(*bolt.Tx) error
	done chan error
}

// committer is a group-commit loop: one goroutine takes every write request
// queued while the previous transaction was being synced to disk and runs
// them all in the next transaction, so one fsync serves many requests
// without the fixed wait of bbolt's DB.Batch. Like DB.Batch, a function may
// run more than once and must be idempotent over its transaction.
type committer struct {
	db      *bolt.DB
	ch      chan *writeReq
	mu      sync.RWMutex // held for reading by senders, for writing by close
	closed  bool
	stopped chan struct{}
	// after, when set, is called after each commit (see statedb.MaybeTrim).
	after func()
	// commits and requests count transactions and the requests they served
	// (for benchmarks: requests per commit).
	commits, requests atomic.Int64
}

func newCommitter(db *bolt.DB, after func()) *committer {
	c := &committer{db: db, ch: make(chan *writeReq, maxGroup), stopped: make(chan struct{}), after: after}
	go c.loop()
	return c
}

var reqPool = sync.Pool{New: func() any { return &writeReq{done: make(chan error, 1)} }}

// do runs fn in a shared write transaction and returns its error.
func (c *committer) do(fn func(*bolt.Tx) error) error {
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return errClosed
	}
	r := reqPool.Get().(*writeReq)
	r.fn = fn
	c.ch <- r
	c.mu.RUnlock()
	err := <-r.done
	r.fn = nil
	reqPool.Put(r)
	if errors.Is(err, errSolo) {
		err = c.db.Update(fn)
	}
	return err
}

func (c *committer) close() {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		close(c.ch)
	}
	c.mu.Unlock()
	<-c.stopped
}

func (c *committer) loop() {
	defer close(c.stopped)
	group := make([]*writeReq, 0, maxGroup)
	for first := range c.ch {
		group = append(group[:0], first)
	fill:
		for len(group) < maxGroup {
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
		c.run(group)
		clear(group)
		if c.after != nil {
			c.after()
		}
	}
}

// run commits group; a function that fails is handed back to run alone and
// the others are retried without it.
func (c *committer) run(group []*writeReq) {
	for len(group) > 0 {
		failed := -1
		err := c.db.Update(func(tx *bolt.Tx) error {
			for i, r := range group {
				if err := safeCall(r.fn, tx); err != nil {
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
				r.done <- err
			}
			return
		}
		group[failed].done <- errSolo
		group = append(group[:failed], group[failed+1:]...)
	}
}

func safeCall(fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &panicError{p}
		}
	}()
	return fn(tx)
}

type panicError struct{ v any }

func (p *panicError) Error() string { return "emulator: panic in write transaction" }
