package emulator

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Storage layout (one bbolt file, four buckets, so that a commit dirties few
// pages: each bucket costs its own root and branch pages):
//
//	"meta"    counters; the bucket's sequence numbers every object
//	"objects" tag(1) id -> seq(8) created(8) JSON   one key range per kind
//	"index"   tag(1) created(8) seq(8) -> id         order, newest = last
//	          tag(1) value 0x00 created(8) seq(8) -> id   secondary indexes
//	          tag(1) seq(8) -> values                 pending log of the
//	                                                  deferred ones (deferred.go)
//	"idem"    at(8) seq(8) -> idempotency record     in order of storage
//	"idemscope" key(scope) -> at(8) seq(8)            finds a record by API key
//	                                                  and idempotency key
//
// IDs grow with the sequence and "created" with time, so a batch of inserts
// appends to the right-most leaf of each key range instead of dirtying
// leaves all over the tree. Idempotency records are appended in the order
// they are stored (pruning takes the oldest first), and their lookup
// entries are keyed by the scope itself (API key's hash, method, path, key),
// so that keys that grow, such as tweetpay's own (which end in the tweet's
// ID), are appended too; a hash of the scope put each on a random page.
var (
	bucketMeta    = []byte("meta")
	bucketObjects = []byte("objects")
	bucketIndex   = []byte("index")
	bucketIdem    = []byte("idem")
	bucketIdemIdx = []byte("idemscope")
	// bucketIdemHash is the lookup bucket of earlier versions, keyed by a
	// hash of the scope; upgrade replaces it.
	bucketIdemHash = []byte("idemidx")
	errRollback    = errors.New("emulator: roll back")
	errNotStored   = errors.New("object not found")
)

// appendFill is the fill percent of buckets written mostly at the end of
// their key ranges: splitting a node there leaves full pages behind.
const appendFill = 0.9

// wbucket returns a bucket of a write transaction, set up for appends.
func wbucket(tx *bolt.Tx, name []byte) *bolt.Bucket {
	b := tx.Bucket(name)
	b.FillPercent = appendFill
	return b
}

// wtx is one request's transaction.
type wtx struct {
	tx    *bolt.Tx
	em    *Emulator
	now   time.Time
	dirty bool
	// reqID is the request's Request-Id, which its errors' request_log_url
	// names.
	reqID string
	// lastRefund is the refund newRefund stored last.
	lastRefund *refund
	// lastObj is the object written last and lastRaw its JSON, so that a
	// response can reuse the encoding instead of marshalling it again.
	// lastRaw is the request's own (nothing stores it): the answer may be
	// made of it in place.
	lastObj any
	lastRaw []byte
	// bufs are the JSON buffers of the objects written, returned to
	// jsonBufs by release once the answer has been written.
	bufs []*[]byte
}

// jsonBufs holds buffers for objects' JSON: a stored object is packed, so
// its JSON is needed only until the request's answer is written.
var jsonBufs = sync.Pool{New: func() any { b := make([]byte, 0, objectSize); return &b }}

// jsonBuf returns an empty buffer that release takes back.
func (w *wtx) jsonBuf() []byte {
	bp := jsonBufs.Get().(*[]byte)
	w.bufs = append(w.bufs, bp)
	return (*bp)[:0]
}

// release returns the request's JSON buffers; nothing may use lastRaw or
// an answer made of it afterwards.
func (w *wtx) release() {
	for _, bp := range w.bufs {
		if cap(*bp) <= maxPooledScratch {
			jsonBufs.Put(bp)
		}
	}
	w.bufs, w.lastObj, w.lastRaw = nil, nil, nil
}

func (w *wtx) nextSeq() (uint64, error) {
	w.dirty = true
	return w.tx.Bucket(bucketMeta).NextSequence()
}

type indexSpec[T any] struct {
	name string
	keys func(*T) []string
	// deferred indexes are written when first read (see deferred.go).
	deferred bool
}

// table stores objects of one kind with their order and secondary indexes.
// Its keys in the shared buckets start with its tag byte; an index's tag is
// tag<<4 | position, the order's tag<<4.
type table[T any] struct {
	kind    string
	prefix  string
	tag     byte
	created func(*T) int64
	id      func(*T) string
	indexes []indexSpec[T]

	countKey []byte
	// cache, when set, keeps decoded objects of a kind that is read far more
	// often than written (see withCache).
	cache *objCache[T]
	// logChanges, for a table with deferred indexes, counts the changes of
	// its pending log (see countLogChanges).
	logChanges *atomic.Uint64
}

// objCache maps IDs to decoded objects and the JSON they were decoded from.
// An entry is used only when the stored JSON is still byte for byte the
// same, so it never needs invalidating (not on commit, rollback or Reset).
type objCache[T any] struct {
	mu    sync.Mutex
	m     map[string]cachedObj[T]
	clone func(*T) *T
}

type cachedObj[T any] struct {
	raw []byte
	obj *T
}

// maxCached bounds an objCache; when full it starts again empty.
const maxCached = 4096

// withCache makes get serve repeated reads of unchanged objects from memory.
// clone must copy whatever of an object its readers may modify in place.
func (t *table[T]) withCache(clone func(*T) *T) *table[T] {
	t.cache = &objCache[T]{m: make(map[string]cachedObj[T]), clone: clone}
	return t
}

func (c *objCache[T]) get(id string, raw []byte) *T {
	c.mu.Lock()
	e, ok := c.m[id]
	c.mu.Unlock()
	if !ok || !bytes.Equal(e.raw, raw) {
		return nil
	}
	return c.clone(e.obj)
}

func (c *objCache[T]) put(id string, raw []byte, obj *T) {
	e := cachedObj[T]{raw: bytes.Clone(raw), obj: c.clone(obj)}
	c.mu.Lock()
	if len(c.m) >= maxCached {
		clear(c.m)
	}
	c.m[id] = e
	c.mu.Unlock()
}

func newTable[T any](tag byte, kind, prefix string, id func(*T) string, created func(*T) int64, idx ...indexSpec[T]) *table[T] {
	if tag == 0 || tag > 15 || len(idx) > 14 {
		panic("emulator: bad table tag")
	}
	return &table[T]{kind: kind, prefix: prefix, tag: tag, id: id, created: created, indexes: idx,
		countKey: []byte("count:" + kind)}
}

// objKey is an object's key in the objects bucket.
func (t *table[T]) objKey(id string) []byte {
	k := make([]byte, 0, 1+len(id))
	k = append(k, t.tag)
	return append(k, id...)
}

// idxTag is the first byte of an index's keys: -1 is the creation order.
func (t *table[T]) idxTag(index int) byte { return t.tag<<4 | byte(index+1) }

// orderKey is the key of an object in the creation order.
func (t *table[T]) orderKey(created int64, seq uint64) []byte {
	k := make([]byte, 17)
	k[0] = t.idxTag(-1)
	binary.BigEndian.PutUint64(k[1:9], encTime(created))
	binary.BigEndian.PutUint64(k[9:], seq)
	return k
}

// indexKey is the key of an object under one value of a secondary index.
func (t *table[T]) indexKey(index int, val string, created int64, seq uint64) []byte {
	k := make([]byte, 0, 1+len(val)+17)
	k = append(k, t.idxTag(index))
	k = append(k, val...)
	k = append(k, 0)
	k = binary.BigEndian.AppendUint64(k, encTime(created))
	return binary.BigEndian.AppendUint64(k, seq)
}

func encTime(created int64) uint64 { return uint64(created) ^ (1 << 63) }

func orderKey(created int64, seq uint64) []byte {
	var k [16]byte
	binary.BigEndian.PutUint64(k[:8], encTime(created))
	binary.BigEndian.PutUint64(k[8:], seq)
	return k[:]
}

// stored is an object's position: what its index keys are built from.
type stored struct {
	seq     uint64
	created int64
}

// getRaw returns an object's position and its stored value, which may be
// packed (see unpacked); it spares the decoding to callers that only ask
// whether an object exists.
func (t *table[T]) getRaw(tx *bolt.Tx, id string) (stored, []byte, bool) {
	v := tx.Bucket(bucketObjects).Get(t.objKey(id))
	if len(v) < 16 {
		return stored{}, nil, false
	}
	return stored{seq: binary.BigEndian.Uint64(v[:8]), created: int64(binary.BigEndian.Uint64(v[8:16]))}, v[16:], true
}

func (t *table[T]) get(tx *bolt.Tx, id string) (*T, stored, error) {
	pos, v, ok := t.getRaw(tx, id)
	if !ok {
		return nil, pos, errNotStored
	}
	if t.cache != nil {
		if obj := t.cache.get(id, v); obj != nil {
			return obj, pos, nil
		}
	}
	raw, err := unpacked(v)
	if err != nil {
		return nil, pos, fmt.Errorf("read %s %s: %w", t.kind, id, err)
	}
	obj := new(T)
	if err := json.Unmarshal(raw, obj); err != nil {
		return nil, pos, fmt.Errorf("decode %s %s: %w", t.kind, id, err)
	}
	if t.cache != nil {
		t.cache.put(id, v, obj)
	}
	return obj, pos, nil
}

// insert stores a new object and indexes it.
func (t *table[T]) insert(w *wtx, obj *T, seq uint64) error {
	w.dirty = true
	id := t.id(obj)
	created := t.created(obj)
	if err := t.write(w, id, seq, created, obj); err != nil {
		return err
	}
	ib := wbucket(w.tx, bucketIndex)
	if err := ib.Put(t.orderKey(created, seq), []byte(id)); err != nil {
		return err
	}
	for i, ix := range t.indexes {
		if ix.deferred {
			continue
		}
		for _, v := range ix.keys(obj) {
			if err := ib.Put(t.indexKey(i, v, created, seq), []byte(id)); err != nil {
				return err
			}
		}
	}
	if pv := t.pendingValue(obj, created); pv != nil {
		if err := ib.Put(t.pendingKey(seq), pv); err != nil {
			return err
		}
	}
	return addCount(w.tx, t.countKey, 1)
}

// update rewrites an object, moving its secondary index entries if their
// values changed. old is the object as it was read in this transaction.
func (t *table[T]) update(w *wtx, old, obj *T, pos stored) error {
	w.dirty = true
	id := t.id(obj)
	if err := t.write(w, id, pos.seq, pos.created, obj); err != nil {
		return err
	}
	pending := -1 // unknown; then 0 or 1
	for i, ix := range t.indexes {
		before, after := ix.keys(old), ix.keys(obj)
		if equalStrings(before, after) {
			continue
		}
		ib := wbucket(w.tx, bucketIndex)
		if ix.deferred {
			if pending < 0 {
				pending = 0
				if t.isPending(w.tx, pos.seq) {
					pending = 1
				}
			}
		}
		// A pending object's entries of its old values may have been
		// written by a segment of materialiseSteps already: they go too.
		for _, v := range before {
			if err := ib.Delete(t.indexKey(i, v, pos.created, pos.seq)); err != nil {
				return err
			}
		}
		if ix.deferred && pending == 1 {
			continue // the log entry, rewritten below, holds the new values
		}
		for _, v := range after {
			if err := ib.Put(t.indexKey(i, v, pos.created, pos.seq), []byte(id)); err != nil {
				return err
			}
		}
	}
	if pending == 1 {
		t.logChanged()
		ib := wbucket(w.tx, bucketIndex)
		if pv := t.pendingValue(obj, pos.created); pv != nil {
			return ib.Put(t.pendingKey(pos.seq), pv)
		}
		return ib.Delete(t.pendingKey(pos.seq))
	}
	return nil
}

func (t *table[T]) remove(w *wtx, obj *T, pos stored) error {
	w.dirty = true
	id := t.id(obj)
	if err := wbucket(w.tx, bucketObjects).Delete(t.objKey(id)); err != nil {
		return err
	}
	ib := wbucket(w.tx, bucketIndex)
	if err := ib.Delete(t.orderKey(pos.created, pos.seq)); err != nil {
		return err
	}
	pending := t.hasDeferred() && t.isPending(w.tx, pos.seq)
	if pending {
		t.logChanged()
		if err := ib.Delete(t.pendingKey(pos.seq)); err != nil {
			return err
		}
	}
	// A pending object's index entries may have been written by a segment
	// of materialiseSteps already: they are deleted as a materialised one's.
	for i, ix := range t.indexes {
		for _, v := range ix.keys(obj) {
			if err := ib.Delete(t.indexKey(i, v, pos.created, pos.seq)); err != nil {
				return err
			}
		}
	}
	return addCount(w.tx, t.countKey, -1)
}

func (t *table[T]) write(w *wtx, id string, seq uint64, created int64, obj *T) error {
	var js []byte
	if a, ok := any(obj).(jsonAppender); ok {
		js = a.appendJSONTo(w.jsonBuf())
		*w.bufs[len(w.bufs)-1] = js // keep the grown buffer
	} else {
		raw, err := marshal(obj)
		if err != nil {
			return fmt.Errorf("encode %s %s: %w", t.kind, id, err)
		}
		js = raw
	}
	v := make([]byte, 16, 16+1+len(js)/2)
	binary.BigEndian.PutUint64(v[:8], seq)
	binary.BigEndian.PutUint64(v[8:16], uint64(created))
	v = appendPacked(v, js)
	w.lastObj, w.lastRaw = obj, js
	return wbucket(w.tx, bucketObjects).Put(t.objKey(id), v)
}

// tombKey is the key, in the objects bucket, of the tombstone a deleted
// object leaves: its kind's tag with the high bit set (tags are below 16,
// so tombstones sort after every object and each never sees them), then
// its ID.
func (t *table[T]) tombKey(id string) []byte {
	k := make([]byte, 0, 1+len(id))
	k = append(k, t.tag|0x80)
	return append(k, id...)
}

// bury records that the object id was deleted, at the request's time, so
// that Stripe's deleted stub can be answered for it later.
func (t *table[T]) bury(w *wtx, id string) error {
	w.dirty = true
	var at [8]byte
	binary.BigEndian.PutUint64(at[:], uint64(w.now.Unix()))
	return wbucket(w.tx, bucketObjects).Put(t.tombKey(id), at[:])
}

// buried reports whether id names an object of the table deleted earlier.
func (t *table[T]) buried(tx *bolt.Tx, id string) bool {
	return tx.Bucket(bucketObjects).Get(t.tombKey(id)) != nil
}

// each calls fn with the ID and JSON of every object of the table, in ID
// order, until fn returns false; a value that cannot be read stops it with
// its error.
func (t *table[T]) each(tx *bolt.Tx, fn func(id string, raw []byte) bool) error {
	c := tx.Bucket(bucketObjects).Cursor()
	for k, v := c.Seek([]byte{t.tag}); k != nil && k[0] == t.tag; k, v = c.Next() {
		if len(v) < 16 {
			continue
		}
		js, err := unpacked(v[16:])
		if err != nil {
			return fmt.Errorf("read %s %s: %w", t.kind, k[1:], err)
		}
		if !fn(string(k[1:]), js) {
			return nil
		}
	}
	return nil
}

// indexLen counts the entries of an index (-1: the creation order).
func (t *table[T]) indexLen(tx *bolt.Tx, index int) int {
	tag := t.idxTag(index)
	n := 0
	c := tx.Bucket(bucketIndex).Cursor()
	for k, _ := c.Seek([]byte{tag}); k != nil && k[0] == tag; k, _ = c.Next() {
		n++
	}
	return n
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
	out, _, more, aerr := t.pageWith(tx, q, keep, false)
	return out, more, aerr
}

// pageRaw is page without a filter, returning the stored JSON of each
// object (copied out of the transaction) instead of decoding it.
func (t *table[T]) pageRaw(tx *bolt.Tx, q listQuery) ([][]byte, bool, *apiError) {
	_, raws, more, aerr := t.pageWith(tx, q, nil, true)
	return raws, more, aerr
}

func (t *table[T]) pageWith(tx *bolt.Tx, q listQuery, keep func(*T) bool, raw bool) ([]*T, [][]byte, bool, *apiError) {
	if q.index >= 0 && t.indexes[q.index].deferred && t.anyPending(tx) {
		if !tx.Writable() {
			return nil, nil, false, errIndexPending
		}
		if err := t.materialise(tx); err != nil {
			return nil, nil, false, errAPI("%v", err)
		}
	}
	b := tx.Bucket(bucketIndex)
	prefix := []byte{t.idxTag(q.index)}
	if q.index >= 0 {
		prefix = append(append(prefix, q.value...), 0)
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
			// A 400, not a 404: what is missing is an object a parameter
			// names, not the one the URL does (a Checkout line item's
			// unknown price is "No such price: '…'" with HTTP 400,
			// MarcinusX/flutter_stripe_demo#4). A cursor naming an object
			// deleted since fails the same way (stripe/stripe-php#1264:
			// "No such product: 'prod_…'" once a page's last item is
			// deleted).
			aerr := errNoSuch(t.kindName(), param, id)
			aerr.Status = http.StatusBadRequest
			return nil, aerr
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
	var raws [][]byte
	var decodeErr *apiError
	take := func(v []byte) bool { // returns false on a failure
		if raw {
			_, r, ok := t.getRaw(tx, string(v))
			if !ok {
				decodeErr = errAPI("%v", fmt.Errorf("read %s %s: %w", t.kind, v, errNotStored))
				return false
			}
			js, err := unpackedCopy(r)
			if err != nil {
				decodeErr = errAPI("%v", fmt.Errorf("read %s %s: %w", t.kind, v, err))
				return false
			}
			raws = append(raws, js)
			return true
		}
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
			return nil, nil, false, aerr
		}
		// A cursor older than created's lower bound starts the page at the
		// bound: the objects between the two are not in the list.
		seek := start
		if bytes.Compare(seek, lo) < 0 {
			seek = lo
		}
		k, v := c.Seek(seek)
		if k != nil && bytes.Equal(k, start) {
			k, v = c.Next()
		}
		hasMore := false
		for ; k != nil && inRange(k); k, v = c.Next() {
			if len(out)+len(raws) == q.limit {
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
			return nil, nil, false, decodeErr
		}
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
		for i, j := 0, len(raws)-1; i < j; i, j = i+1, j-1 {
			raws[i], raws[j] = raws[j], raws[i]
		}
		return out, raws, hasMore, nil
	}
	var k, v []byte
	if q.startingAfter != "" {
		start, aerr := cursorKey("starting_after", q.startingAfter)
		if aerr != nil {
			return nil, nil, false, aerr
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
		end := append([]byte{}, prefix...)
		end[len(end)-1]++ // just past every key holding prefix (tags and the 0x00 separator are < 0xff)
		k, v = c.Seek(end)
		if k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
	}
	hasMore := false
	for ; k != nil && inRange(k); k, v = c.Prev() {
		if len(out)+len(raws) == q.limit {
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
		return nil, nil, false, decodeErr
	}
	return out, raws, hasMore, nil
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
