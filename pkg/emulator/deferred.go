package emulator

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Deferred indexes.
//
// Some secondary indexes are keyed by a value that takes many values at once
// (a charge's customer, its metadata pairs): with a thousand buyers, each
// payment put an entry on a random leaf of each such index, and the writer
// rewrote tens of random pages a commit for lists that a stream never reads
// (docs/benchmarks.md, streams). A deferred index is not written when an
// object is stored: the object's values for the table's deferred indexes
// are appended instead to the table's pending log, under the pending tag of
// the index bucket, keyed by the object's sequence number (so appends stay
// on the right-most leaf):
//
//	tag<<4|0xf seq(8) -> created(8) uvarint(len) id  then, per entry,
//	                     index(1) uvarint(len) value
//
// A list through a deferred index first moves the pending entries into the
// index (materialise): a read that finds entries pending is run again
// through the writer (see Emulator.serve), which moves the log a segment at
// a time (materialiseSteps) and then the rest in the read's own write
// transaction. An object still pending when it is updated or removed has
// its log entry rewritten or deleted, and any index entries of its old
// values deleted too (a segment may have written them already); once
// materialised it is kept in step as any index. Either way a list returns
// what it would with every index written eagerly.

// pendingTag is the low half of the pending log's tag; a table's indexes
// take 1 to 14 (see idxTag).
const pendingTag = 0x0f

// materialiseChunk is how many pending objects one segment of
// materialiseSteps reads, and applyChunk how many index entries one of its
// transactions writes. The entries of a segment are written in key order,
// so a transaction's entries lie in one stretch of the index and dirty few
// leaves. Moving 8,192 charges of a thousand buyers in one transaction, as
// before, dirtied a leaf per buyer in each index, and bbolt keeps every
// dirty leaf, and the page it becomes, in memory until the commit: the
// first list by buyer after a 100,000-tweet stream peaked at 190-210 MB,
// now 70 MB, in the same 3.2-3.6 s (docs/benchmarks.md). Variables for
// tests.
var (
	materialiseChunk = 8192
	applyChunk       = 4096
)

// errIndexPending is returned by a list through a deferred index, in a read
// transaction, while objects are pending: serve runs the request again
// through the writer.
var errIndexPending = &apiError{Status: http.StatusInternalServerError, Type: "api_error",
	Message: "emulator: deferred index entries pending"}

// hasDeferred reports whether the table has deferred indexes.
func (t *table[T]) hasDeferred() bool {
	for _, ix := range t.indexes {
		if ix.deferred {
			return true
		}
	}
	return false
}

// pendingPrefix is the first byte of the table's pending log keys.
func (t *table[T]) pendingPrefix() byte { return t.tag<<4 | pendingTag }

func (t *table[T]) pendingKey(seq uint64) []byte {
	k := make([]byte, 9)
	k[0] = t.pendingPrefix()
	binary.BigEndian.PutUint64(k[1:], seq)
	return k
}

// pendingValue encodes obj's log entry, or returns nil when it has no value
// in any deferred index.
func (t *table[T]) pendingValue(obj *T, created int64) []byte {
	var v []byte
	for i, ix := range t.indexes {
		if !ix.deferred {
			continue
		}
		for _, val := range ix.keys(obj) {
			if v == nil {
				id := t.id(obj)
				v = make([]byte, 8, 8+binary.MaxVarintLen64+len(id)+32)
				binary.BigEndian.PutUint64(v, uint64(created))
				v = binary.AppendUvarint(v, uint64(len(id)))
				v = append(v, id...)
			}
			v = append(v, byte(i))
			v = binary.AppendUvarint(v, uint64(len(val)))
			v = append(v, val...)
		}
	}
	return v
}

// pendingEntry is a decoded log entry.
type pendingEntry struct {
	created int64
	id      []byte
	vals    []pendingVal
}

type pendingVal struct {
	index int
	value []byte
}

var errBadPending = errors.New("bad pending index entry")

func decodePending(v []byte) (pendingEntry, error) {
	var e pendingEntry
	if len(v) < 8 {
		return e, errBadPending
	}
	e.created = int64(binary.BigEndian.Uint64(v))
	v = v[8:]
	n, w := binary.Uvarint(v)
	if w <= 0 || uint64(len(v)-w) < n {
		return e, errBadPending
	}
	e.id, v = v[w:w+int(n)], v[w+int(n):]
	for len(v) > 0 {
		idx := int(v[0])
		n, w := binary.Uvarint(v[1:])
		if w <= 0 || uint64(len(v)-1-w) < n {
			return e, errBadPending
		}
		e.vals = append(e.vals, pendingVal{index: idx, value: v[1+w : 1+w+int(n)]})
		v = v[1+w+int(n):]
	}
	return e, nil
}

// isPending reports whether the object stored at seq is in the pending log.
func (t *table[T]) isPending(tx *bolt.Tx, seq uint64) bool {
	return tx.Bucket(bucketIndex).Get(t.pendingKey(seq)) != nil
}

// anyPending reports whether the table has objects in its pending log.
func (t *table[T]) anyPending(tx *bolt.Tx) bool {
	k, _ := tx.Bucket(bucketIndex).Cursor().Seek([]byte{t.pendingPrefix()})
	return len(k) > 0 && k[0] == t.pendingPrefix()
}

// materialise moves every object of the pending log into the deferred
// indexes, in the transaction of a read that lists through one.
func (t *table[T]) materialise(tx *bolt.Tx) error {
	log, puts, _, err := t.readPending(tx, 0, nil, nil)
	if err != nil {
		return err
	}
	t.logChanged()
	sortPuts(puts)
	if err := applySegment(tx, log, puts, true); err != nil {
		return err
	}
	return deleteSegment(tx, log, true)
}

// idxPut is an index entry to write.
type idxPut struct{ k, v []byte }

// deferredTable is what serve needs of a table with deferred indexes.
type deferredTable interface {
	hasDeferred() bool
	countLogChanges(*atomic.Uint64)
	readPending(tx *bolt.Tx, limit int, log []segEntry, puts []segPut) ([]segEntry, []segPut, bool, error)
}

// countLogChanges makes the table count in n its transactions that rewrite
// or delete entries of its pending log.
func (t *table[T]) countLogChanges(n *atomic.Uint64) { t.logChanges = n }

// logChanged counts a change of the pending log (see materialiseSteps).
func (t *table[T]) logChanged() {
	if t.logChanges != nil {
		t.logChanges.Add(1)
	}
}

// segEntry is a pending log entry as a segment read it: its key and value,
// copied out of the transaction.
type segEntry struct{ k, v []byte }

// segPut is an index entry of a segment, from its log entry at entry.
type segPut struct {
	idxPut
	entry int
}

// readPending appends to log the first limit entries (all when limit <= 0)
// of the table's pending log, and to puts the index entries they make, and
// reports whether more remain.
func (t *table[T]) readPending(tx *bolt.Tx, limit int, log []segEntry, puts []segPut) ([]segEntry, []segPut, bool, error) {
	c := tx.Bucket(bucketIndex).Cursor()
	prefix := t.pendingPrefix()
	n := 0
	for k, v := c.Seek([]byte{prefix}); len(k) > 0 && k[0] == prefix; k, v = c.Next() {
		if limit > 0 && n == limit {
			return log, puts, true, nil
		}
		if len(k) != 9 {
			return nil, nil, false, fmt.Errorf("%s: %w", t.kind, errBadPending)
		}
		v = bytes.Clone(v)
		e, err := decodePending(v)
		if err != nil {
			return nil, nil, false, fmt.Errorf("%s %s: %w", t.kind, k[1:], err)
		}
		seq := binary.BigEndian.Uint64(k[1:])
		for _, pv := range e.vals {
			puts = append(puts, segPut{idxPut{t.indexKey(pv.index, string(pv.value), e.created, seq), e.id}, len(log)})
		}
		log = append(log, segEntry{bytes.Clone(k), v})
		n++
	}
	return log, puts, false, nil
}

// materialiseSteps moves the pending logs into their indexes a segment at
// a time: it reads up to materialiseChunk entries of each table's log,
// writes their index entries in key order, applyChunk a transaction, then
// deletes the log entries, in a transaction of their own; until a segment
// finds the logs shorter than a chunk.
//
// The writers go on between these transactions. An object updated or
// removed meanwhile has its log entry rewritten or deleted, so each
// transaction writes an entry's index entries, or deletes it, only while it
// is still as the segment read it: an object changed before is left to the
// next segment (or the read's own transaction), and one changed after has
// the index entries of its old values deleted by the change. Whether an
// entry is still as read is known without reading it again when no
// transaction of this process changed a pending log since the segment was
// read (logChanges), and the file was not reopened (another process may
// write it then): reading each entry again, at random among the log's
// pages, took a third of the time. A crash between the transactions leaves
// index entries whose log entries are still there: the next
// materialisation writes them again, the same.
func (e *Emulator) materialiseSteps() error {
	for {
		var (
			log          []segEntry
			puts         []segPut
			more         bool
			changes, ren uint64
		)
		// The segment is read in the writer, so that no transaction that
		// changes the log is under way, uncounted, while it is read.
		if err := e.writer.Do(func(tx *bolt.Tx) error {
			// The writer runs a function again when another of its group
			// fails: what a run read before is dropped.
			log, puts, more = nil, nil, false
			changes, ren = e.logChanges.Load(), uint64(e.db.Renewals())
			for _, t := range e.deferred {
				var m bool
				var err error
				if log, puts, m, err = t.readPending(tx, materialiseChunk, log, puts); err != nil {
					return err
				}
				more = more || m
			}
			return nil
		}); err != nil {
			return err
		}
		if len(log) == 0 {
			return nil
		}
		unchanged := func() bool { return e.logChanges.Load() == changes && uint64(e.db.Renewals()) == ren }
		sortPuts(puts)
		for len(puts) > 0 {
			n := min(len(puts), applyChunk)
			if err := e.writer.Do(func(tx *bolt.Tx) error { return applySegment(tx, log, puts[:n], unchanged()) }); err != nil {
				return err
			}
			puts = puts[n:]
			afterStep()
		}
		if err := e.writer.Do(func(tx *bolt.Tx) error {
			same := unchanged()
			e.logChanges.Add(1)
			return deleteSegment(tx, log, same)
		}); err != nil {
			return err
		}
		afterStep()
		if !more {
			return nil
		}
	}
}

// applySegment writes the index entries puts of a segment whose log entries
// are still as the segment read them: all of them when same says so.
func applySegment(tx *bolt.Tx, log []segEntry, puts []segPut, same bool) error {
	b := wbucket(tx, bucketIndex)
	checked := make(map[int]bool)
	for _, p := range puts {
		if !same {
			ok, seen := checked[p.entry]
			if !seen {
				ok = bytes.Equal(b.Get(log[p.entry].k), log[p.entry].v)
				checked[p.entry] = ok
			}
			if !ok {
				continue
			}
		}
		if err := b.Put(p.k, p.v); err != nil {
			return err
		}
	}
	return nil
}

// deleteSegment deletes the log entries of a segment that are still as the
// segment read them: all of them when same says so.
func deleteSegment(tx *bolt.Tx, log []segEntry, same bool) error {
	b := wbucket(tx, bucketIndex)
	for _, le := range log {
		if same || bytes.Equal(b.Get(le.k), le.v) {
			if err := b.Delete(le.k); err != nil {
				return err
			}
		}
	}
	return nil
}

// sortPuts puts index entries in key order, so that a transaction visits
// each leaf once.
func sortPuts(puts []segPut) {
	slices.SortFunc(puts, func(a, b segPut) int { return bytes.Compare(a.k, b.k) })
}

// afterStep runs after each transaction of materialiseSteps: tests change
// objects there.
var afterStep = func() {}

// serveThroughWriter runs a read request that found deferred index entries
// pending: the log is moved into the indexes a chunk a transaction, then
// the request runs in a write transaction of its own group, where what was
// logged meanwhile is moved first. It returns the answer's body or error.
func (e *Emulator) serveThroughWriter(handler handlerFunc, rq *request) ([]byte, *apiError, error) {
	// A chunk's commit reads thousands of leaves through the memory map,
	// and the kernel maps up to 16 neighbouring pages with each: the
	// resident trigger is checked while it runs, not only after it.
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				e.db.MaybeTrim()
			}
		}
	}()
	if err := e.materialiseSteps(); err != nil {
		return nil, nil, err
	}
	var (
		body []byte
		aerr *apiError
	)
	err := e.writer.Do(func(tx *bolt.Tx) (err error) {
		body, aerr, err = e.read(tx, handler, rq)
		return err
	})
	return body, aerr, err
}
