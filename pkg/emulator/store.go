package emulator

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Storage layout (one bbolt file):
//
//	"obj:<kind>"        id -> seq(8) created(8) JSON
//	"ord:<kind>"        created(8) seq(8) -> id             newest first = reverse scan
//	"idx:<kind>:<name>" value 0x00 created(8) seq(8) -> id  secondary indexes
//	"meta"              counters; the bucket's sequence numbers every object
//	"idem", "idem_t"    idempotency records and their expiry order
var (
	bucketMeta   = []byte("meta")
	bucketIdem   = []byte("idem")
	bucketIdemT  = []byte("idem_t")
	errRollback  = errors.New("emulator: roll back")
	errNotStored = errors.New("object not found")
)

// wtx is one request's transaction.
type wtx struct {
	tx    *bolt.Tx
	em    *Emulator
	now   time.Time
	dirty bool
	// lastRefund is the refund newRefund stored last.
	lastRefund *refund
}

func (w *wtx) nextSeq() (uint64, error) {
	w.dirty = true
	return w.tx.Bucket(bucketMeta).NextSequence()
}

type indexSpec[T any] struct {
	name string
	keys func(*T) []string
}

// table stores objects of one kind with their order and secondary indexes.
type table[T any] struct {
	kind    string
	prefix  string
	created func(*T) int64
	id      func(*T) string
	indexes []indexSpec[T]

	objB, ordB []byte
	idxB       [][]byte
	countKey   []byte
}

func newTable[T any](kind, prefix string, id func(*T) string, created func(*T) int64, idx ...indexSpec[T]) *table[T] {
	t := &table[T]{kind: kind, prefix: prefix, id: id, created: created, indexes: idx,
		objB: []byte("obj:" + kind), ordB: []byte("ord:" + kind), countKey: []byte("count:" + kind)}
	for _, ix := range idx {
		t.idxB = append(t.idxB, []byte("idx:"+kind+":"+ix.name))
	}
	return t
}

func (t *table[T]) buckets() [][]byte {
	return append([][]byte{t.objB, t.ordB}, t.idxB...)
}

func encTime(created int64) uint64 { return uint64(created) ^ (1 << 63) }

func orderKey(created int64, seq uint64) []byte {
	var k [16]byte
	binary.BigEndian.PutUint64(k[:8], encTime(created))
	binary.BigEndian.PutUint64(k[8:], seq)
	return k[:]
}

func indexKey(val string, created int64, seq uint64) []byte {
	k := make([]byte, 0, len(val)+17)
	k = append(k, val...)
	k = append(k, 0)
	return append(k, orderKey(created, seq)...)
}

// stored is an object's position: what its index keys are built from.
type stored struct {
	seq     uint64
	created int64
}

func (t *table[T]) getRaw(tx *bolt.Tx, id string) (stored, []byte, bool) {
	v := tx.Bucket(t.objB).Get([]byte(id))
	if len(v) < 16 {
		return stored{}, nil, false
	}
	return stored{seq: binary.BigEndian.Uint64(v[:8]), created: int64(binary.BigEndian.Uint64(v[8:16]))}, v[16:], true
}

func (t *table[T]) get(tx *bolt.Tx, id string) (*T, stored, error) {
	pos, raw, ok := t.getRaw(tx, id)
	if !ok {
		return nil, pos, errNotStored
	}
	obj := new(T)
	if err := json.Unmarshal(raw, obj); err != nil {
		return nil, pos, fmt.Errorf("decode %s %s: %w", t.kind, id, err)
	}
	return obj, pos, nil
}

// insert stores a new object and indexes it.
func (t *table[T]) insert(w *wtx, obj *T, seq uint64) error {
	w.dirty = true
	id := t.id(obj)
	created := t.created(obj)
	if err := t.write(w.tx, id, seq, created, obj); err != nil {
		return err
	}
	if err := w.tx.Bucket(t.ordB).Put(orderKey(created, seq), []byte(id)); err != nil {
		return err
	}
	for i, ix := range t.indexes {
		b := w.tx.Bucket(t.idxB[i])
		for _, v := range ix.keys(obj) {
			if err := b.Put(indexKey(v, created, seq), []byte(id)); err != nil {
				return err
			}
		}
	}
	return addCount(w.tx, t.countKey, 1)
}

// update rewrites an object, moving its secondary index entries if their
// values changed. old is the object as it was read in this transaction.
func (t *table[T]) update(w *wtx, old, obj *T, pos stored) error {
	w.dirty = true
	id := t.id(obj)
	if err := t.write(w.tx, id, pos.seq, pos.created, obj); err != nil {
		return err
	}
	for i, ix := range t.indexes {
		before, after := ix.keys(old), ix.keys(obj)
		if equalStrings(before, after) {
			continue
		}
		b := w.tx.Bucket(t.idxB[i])
		for _, v := range before {
			if err := b.Delete(indexKey(v, pos.created, pos.seq)); err != nil {
				return err
			}
		}
		for _, v := range after {
			if err := b.Put(indexKey(v, pos.created, pos.seq), []byte(id)); err != nil {
				return err
			}
		}
	}
	return nil
}

func (t *table[T]) remove(w *wtx, obj *T, pos stored) error {
	w.dirty = true
	id := t.id(obj)
	if err := w.tx.Bucket(t.objB).Delete([]byte(id)); err != nil {
		return err
	}
	if err := w.tx.Bucket(t.ordB).Delete(orderKey(pos.created, pos.seq)); err != nil {
		return err
	}
	for i, ix := range t.indexes {
		b := w.tx.Bucket(t.idxB[i])
		for _, v := range ix.keys(obj) {
			if err := b.Delete(indexKey(v, pos.created, pos.seq)); err != nil {
				return err
			}
		}
	}
	return addCount(w.tx, t.countKey, -1)
}

func (t *table[T]) write(tx *bolt.Tx, id string, seq uint64, created int64, obj *T) error {
	raw, err := json.Marshal(obj)
	if err != nil {
		return fmt.Errorf("encode %s %s: %w", t.kind, id, err)
	}
	v := make([]byte, 16+len(raw))
	binary.BigEndian.PutUint64(v[:8], seq)
	binary.BigEndian.PutUint64(v[8:16], uint64(created))
	copy(v[16:], raw)
	return tx.Bucket(t.objB).Put([]byte(id), v)
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func addCount(tx *bolt.Tx, key []byte, d int64) error {
	b := tx.Bucket(bucketMeta)
	var n int64
	if v := b.Get(key); len(v) == 8 {
		n = int64(binary.BigEndian.Uint64(v))
	}
	n += d
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], uint64(n))
	return b.Put(key, buf[:])
}

func readCount(tx *bolt.Tx, key []byte) int64 {
	if v := tx.Bucket(bucketMeta).Get(key); len(v) == 8 {
		return int64(binary.BigEndian.Uint64(v))
	}
	return 0
}

// listQuery selects a page of one table, newest first.
type listQuery struct {
	index         int    // -1: all objects (order bucket); else the secondary index
	value         string // the index value
	limit         int
	startingAfter string
	endingBefore  string
	gte, lte      *int64 // created bounds, inclusive
}

// page runs q and returns up to q.limit objects accepted by keep (nil keeps
// all), newest first, and whether more exist in that direction.
func (t *table[T]) page(tx *bolt.Tx, q listQuery, keep func(*T) bool) ([]*T, bool, *apiError) {
	var b *bolt.Bucket
	var prefix []byte
	if q.index < 0 {
		b = tx.Bucket(t.ordB)
	} else {
		b = tx.Bucket(t.idxB[q.index])
		prefix = append([]byte(q.value), 0)
	}
	lo := append(append([]byte{}, prefix...), make([]byte, 16)...)
	var hi []byte // exclusive; nil = end of prefix range
	if q.gte != nil {
		lo = append(append([]byte{}, prefix...), orderKey(*q.gte, 0)...)
	}
	if q.lte != nil && *q.lte < 1<<62 {
		hi = append(append([]byte{}, prefix...), orderKey(*q.lte+1, 0)...)
	}
	cursorKey := func(param, id string) ([]byte, *apiError) {
		pos, _, ok := t.getRaw(tx, id)
		if !ok {
			return nil, errNoSuch(t.kindName(), param, id)
		}
		return append(append([]byte{}, prefix...), orderKey(pos.created, pos.seq)...), nil
	}
	inRange := func(k []byte) bool {
		if !bytes.HasPrefix(k, prefix) || len(k) != len(prefix)+16 {
			return false
		}
		if bytes.Compare(k, lo) < 0 {
			return false
		}
		return hi == nil || bytes.Compare(k, hi) < 0
	}
	var out []*T
	var decodeErr *apiError
	take := func(v []byte) bool { // returns false when the page is full
		obj, _, err := t.get(tx, string(v))
		if err != nil {
			decodeErr = errAPI("%v", err)
			return false
		}
		if keep != nil && !keep(obj) {
			return true
		}
		out = append(out, obj)
		return true
	}
	c := b.Cursor()
	if q.endingBefore != "" {
		start, aerr := cursorKey("ending_before", q.endingBefore)
		if aerr != nil {
			return nil, false, aerr
		}
		k, v := c.Seek(start)
		if k != nil && bytes.Equal(k, start) {
			k, v = c.Next()
		}
		hasMore := false
		for ; k != nil && inRange(k); k, v = c.Next() {
			if len(out) == q.limit {
				if keep == nil {
					hasMore = true
					break
				}
				obj, _, err := t.get(tx, string(v))
				if err == nil && keep(obj) {
					hasMore = true
					break
				}
				continue
			}
			if !take(v) {
				break
			}
		}
		if decodeErr != nil {
			return nil, false, decodeErr
		}
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
		return out, hasMore, nil
	}
	var k, v []byte
	if q.startingAfter != "" {
		start, aerr := cursorKey("starting_after", q.startingAfter)
		if aerr != nil {
			return nil, false, aerr
		}
		if hi == nil || bytes.Compare(start, hi) < 0 {
			hi = start
		}
	}
	if hi != nil {
		k, v = c.Seek(hi)
		if k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
	} else {
		if prefix == nil {
			k, v = c.Last()
		} else {
			end := append([]byte{}, prefix...)
			end[len(end)-1] = 1 // just past every key holding prefix (value 0x00 ...)
			k, v = c.Seek(end)
			if k == nil {
				k, v = c.Last()
			} else {
				k, v = c.Prev()
			}
		}
	}
	hasMore := false
	for ; k != nil && inRange(k); k, v = c.Prev() {
		if len(out) == q.limit {
			if keep == nil {
				hasMore = true
				break
			}
			obj, _, err := t.get(tx, string(v))
			if err == nil && keep(obj) {
				hasMore = true
				break
			}
			continue
		}
		if !take(v) {
			break
		}
	}
	if decodeErr != nil {
		return nil, false, decodeErr
	}
	return out, hasMore, nil
}

// kindName is the resource name Stripe uses in "No such ..." messages.
func (t *table[T]) kindName() string {
	switch t.kind {
	case "payment_intents":
		return "payment_intent"
	case "payment_methods":
		return "PaymentMethod"
	case "charges":
		return "charge"
	case "refunds":
		return "refund"
	case "customers":
		return "customer"
	case "products":
		return "product"
	case "prices":
		return "price"
	}
	return t.kind
}
