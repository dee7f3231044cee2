package emulator

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"slices"
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
// index, sorted, in a write transaction (materialise): a read that finds
// entries pending is run again through the writer (see Emulator.serve). An
// object still pending when it is updated or removed has its log entry
// rewritten or deleted; once materialised it is kept in step as any index.
// Either way a list returns what it would with every index written eagerly.

// pendingTag is the low half of the pending log's tag; a table's indexes
// take 1 to 14 (see idxTag).
const pendingTag = 0x0f

// materialiseChunk bounds how many pending objects one transaction moves
// into the indexes when a read has to wait for them, so that a list after
// a million-tweet stream does not build one huge transaction. A chunk
// dirties about one leaf per index value it holds (the entries of a value
// are appended at the end of its range), so larger chunks write less in
// all but hold more in memory: over 100,000 payments of 1,000 buyers,
// 4,096 took 3.2 s, 8,192 2.2 s and 16,384 1.9 s, with peaks of 142, 142
// and 166 MB (docs/benchmarks.md). A variable for tests.
var materialiseChunk = 8192

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

// materialise moves up to limit objects (all when limit <= 0) from the
// pending log into the deferred indexes and reports whether any remain.
func (t *table[T]) materialise(tx *bolt.Tx, limit int) (more bool, err error) {
	b := wbucket(tx, bucketIndex)
	var puts []idxPut
	var done [][]byte
	c := b.Cursor()
	prefix := t.pendingPrefix()
	for k, v := c.Seek([]byte{prefix}); len(k) > 0 && k[0] == prefix; k, v = c.Next() {
		if limit > 0 && len(done) == limit {
			return true, applyPending(b, done, puts)
		}
		if len(k) != 9 {
			return false, fmt.Errorf("%s: %w", t.kind, errBadPending)
		}
		e, err := decodePending(v)
		if err != nil {
			return false, fmt.Errorf("%s %s: %w", t.kind, k[1:], err)
		}
		seq := binary.BigEndian.Uint64(k[1:])
		// The ID is copied (indexKey copies the value): the cursor's memory
		// is the transaction's, and the log entries are deleted below.
		id := bytes.Clone(e.id)
		for _, pv := range e.vals {
			puts = append(puts, idxPut{t.indexKey(pv.index, string(pv.value), e.created, seq), id})
		}
		done = append(done, bytes.Clone(k))
	}
	return false, applyPending(b, done, puts)
}

// idxPut is an index entry to write.
type idxPut struct{ k, v []byte }

// applyPending deletes the log entries done and writes the index entries,
// in key order so that each leaf is visited once.
func applyPending(b *bolt.Bucket, done [][]byte, puts []idxPut) error {
	for _, k := range done {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	slices.SortFunc(puts, func(a, b idxPut) int { return bytes.Compare(a.k, b.k) })
	for _, p := range puts {
		if err := b.Put(p.k, p.v); err != nil {
			return err
		}
	}
	return nil
}

// deferredTable is what serve needs of a table with deferred indexes.
type deferredTable interface {
	hasDeferred() bool
	materialise(tx *bolt.Tx, limit int) (bool, error)
}

// materialiseAll moves up to limit pending objects of each table into its
// indexes and reports whether any remain.
func (e *Emulator) materialiseAll(tx *bolt.Tx, limit int) (bool, error) {
	more := false
	for _, t := range e.deferred {
		m, err := t.materialise(tx, limit)
		if err != nil {
			return false, err
		}
		more = more || m
	}
	return more, nil
}

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
	for more := true; more; {
		if err := e.writer.Do(func(tx *bolt.Tx) (err error) {
			more, err = e.materialiseAll(tx, materialiseChunk)
			return err
		}); err != nil {
			return nil, nil, err
		}
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
