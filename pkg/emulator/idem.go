package emulator

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/tweetpay/tweetpay/pkg/statedb"
)

// paramsHash is the digest of a request's parameters kept with its
// idempotency record: a request that reuses the key must send the same
// parameters, in any order. It hashes each key and value, with their
// lengths, in key order: "2" and 32 hex digits. Earlier versions hashed the
// form as url.Values.Encode writes it (legacyParamsHash), which escapes
// every key and value again, a tenth of the request's parsing.
func paramsHash(pairs []formPair) string {
	n := 0
	for _, p := range pairs {
		n += len(p.key) + len(p.val) + 4
	}
	b := make([]byte, 0, n)
	for _, p := range pairs {
		b = binary.AppendUvarint(b, uint64(len(p.key)))
		b = append(b, p.key...)
		b = binary.AppendUvarint(b, uint64(len(p.val)))
		b = append(b, p.val...)
	}
	sum := sha256.Sum256(b)
	return "2" + hex.EncodeToString(sum[:16])
}

// legacyParamsHash is the digest of earlier versions' records: of the form
// as url.Values.Encode writes it.
func legacyParamsHash(pairs []formPair) string {
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p.key))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p.val))
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:16])
}

// sameParams reports whether a stored record's digest is that of the
// parameters pairs (whose paramsHash is hash), in either version.
func sameParams(stored, hash string, pairs []formPair) bool {
	if len(stored) == len(hash) && stored[0] == '2' {
		return stored == hash
	}
	return stored == legacyParamsHash(pairs)
}

// errCorruptIdem reports an idempotency record that cannot be decoded.
var errCorruptIdem = errors.New("corrupt idempotency record")

// idemRecord is a stored first response.
type idemRecord struct {
	Scope     string
	Hash      string
	Status    int
	Body      []byte
	RequestID string
	At        int64
}

// Binary layout: len(scope)(2) scope at(8) status(2) len(hash)(1) hash
// len(reqID)(1) reqID body, the body packed (see appendPacked; earlier
// versions stored it as it is, which unmarshal reads too).
func (r idemRecord) marshal() []byte {
	b := make([]byte, 0, 15+len(r.Scope)+len(r.Hash)+len(r.RequestID)+min(len(r.Body), 512))
	return appendPacked(r.appendHead(b), r.Body)
}

// appendHead appends everything before the body.
func (r idemRecord) appendHead(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(len(r.Scope)))
	b = append(b, r.Scope...)
	b = binary.BigEndian.AppendUint64(b, uint64(r.At))
	b = binary.BigEndian.AppendUint16(b, uint16(r.Status))
	b = append(b, byte(len(r.Hash)))
	b = append(b, r.Hash...)
	b = append(b, byte(len(r.RequestID)))
	return append(b, r.RequestID...)
}

// recordScope is the scope a marshalled record belongs to (nil if corrupt).
func recordScope(b []byte) []byte {
	if len(b) < 2 || len(b) < 2+int(binary.BigEndian.Uint16(b)) {
		return nil
	}
	return b[2 : 2+int(binary.BigEndian.Uint16(b))]
}

func (r *idemRecord) unmarshal(b []byte) error {
	scope := recordScope(b)
	if scope == nil {
		return errCorruptIdem
	}
	r.Scope = string(scope)
	b = b[2+len(scope):]
	if len(b) < 11 {
		return errCorruptIdem
	}
	r.At = int64(binary.BigEndian.Uint64(b))
	r.Status = int(binary.BigEndian.Uint16(b[8:]))
	b = b[10:]
	n := int(b[0])
	if len(b) < 1+n+1 {
		return errCorruptIdem
	}
	r.Hash, b = string(b[1:1+n]), b[1+n:]
	n = int(b[0])
	if len(b) < 1+n {
		return errCorruptIdem
	}
	r.RequestID = string(b[1 : 1+n])
	body, err := unpackedCopy(b[1+n:])
	if err != nil {
		return errCorruptIdem
	}
	r.Body = body
	return nil
}

// idemKey is a record's key in the idem bucket: its time, then the bucket's
// sequence, so that records are appended in the order they are stored.
type idemKey [16]byte

// idemIndex finds idempotency records by scope: the idemscope bucket maps
// a scope to its record's key in the idem bucket. It lives in
// the file, not in memory, so that memory and start-up time stay flat
// however many records are kept. Lookups check the record's scope, so an
// entry left behind is only ever a miss.
type idemIndex struct {
	db *statedb.DB
}

// len counts the indexed scopes.
func (ix *idemIndex) len() int {
	n := 0
	_ = ix.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketIdemIdx).Stats().KeyN
		return nil
	})
	return n
}

// buildIdemIndex fills an empty idemscope bucket from the idem bucket (for a
// state file written before the bucket existed).
func buildIdemIndex(tx *bolt.Tx) error {
	ib := tx.Bucket(bucketIdemIdx)
	c := tx.Bucket(bucketIdem).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if scope := recordScope(v); scope != nil && len(k) == len(idemKey{}) {
			if err := ib.Put(idemIndexKey(scope), k); err != nil {
				return err
			}
		}
	}
	return nil
}

// idemIndexedByKey, in the meta bucket, is set to idemIndexVersion once the
// idemscope bucket is keyed by idemIndexKey. Earlier files keyed it by the
// whole scope; their index is built again when opened.
var idemIndexedByKey = []byte("idemindex")

const idemIndexVersion = "2"

// idemIndexKey is a scope's key in the idemscope bucket: its API key and
// idempotency key, without the endpoint, since Stripe binds a key to the
// endpoint it was first used for and refuses it on any other.
func idemIndexKey(scope []byte) []byte {
	i := bytes.IndexByte(scope, 0)
	j := bytes.LastIndexByte(scope, 0)
	if i < 0 || j == i {
		return scope
	}
	k := make([]byte, 0, i+len(scope)-j)
	return append(append(k, scope[:i]...), scope[j:]...)
}

// scopePath is the request path a scope was made for.
func scopePath(scope string) string {
	i := strings.IndexByte(scope, 0)
	j := strings.LastIndexByte(scope, 0)
	if i < 0 || j == i {
		return ""
	}
	_, path, _ := strings.Cut(scope[i+1:j], " ")
	return path
}

// getIdem returns the stored record of scope's API key and idempotency key,
// if any, whichever endpoint it was stored for.
func (e *Emulator) getIdem(tx *bolt.Tx, scope []byte) ([]byte, idemKey, bool) {
	var key idemKey
	ik := idemIndexKey(scope)
	v := tx.Bucket(bucketIdemIdx).Get(ik)
	if len(v) != len(key) {
		return nil, key, false
	}
	copy(key[:], v)
	raw := tx.Bucket(bucketIdem).Get(key[:])
	if raw == nil || !bytes.Equal(idemIndexKey(recordScope(raw)), ik) {
		return nil, key, false
	}
	return raw, key, true
}

// idemCountKey counts, in the meta bucket, the records of the idem bucket,
// so that `emulator status` need not read every page of a large file. A file
// written before it was kept has it set when opened (countIdem).
var idemCountKey = []byte("count:idempotency")

// countIdem counts the idempotency records of a file that has no count.
func countIdem(tx *bolt.Tx) error {
	return statedb.InitCount(tx.Bucket(bucketMeta), idemCountKey, tx.Bucket(bucketIdem))
}

// storeIdem saves a first response, indexes it, and prunes a few expired
// records.
//
// old is the key of scope's record if the caller found one in tx (an
// expired one, which the new record replaces), nil if it found none.
func (e *Emulator) storeIdem(tx *bolt.Tx, scope []byte, old *idemKey, rec idemRecord, wall time.Time) error {
	b := wbucket(tx, bucketIdem)
	ib := wbucket(tx, bucketIdemIdx)
	if old != nil {
		if err := b.Delete(old[:]); err != nil {
			return err
		}
	} else if err := addCount(tx, idemCountKey, 1); err != nil {
		return err
	}
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	var key idemKey
	binary.BigEndian.PutUint64(key[:8], encTime(rec.At))
	binary.BigEndian.PutUint64(key[8:], seq)
	rec.Scope = string(scope)
	if err := b.Put(key[:], rec.marshal()); err != nil {
		return err
	}
	if err := ib.Put(idemIndexKey(scope), key[:]); err != nil {
		return err
	}
	// Lazy pruning: at most a few expired keys per write keeps it O(1).
	// The oldest record's time, once seen, spares looking again until it
	// expires.
	var limit [8]byte
	binary.BigEndian.PutUint64(limit[:], encTime(wall.Add(-idempotencyTTL).Unix()))
	if oldest := e.idemOldest.Load(); oldest != 0 && oldest >= binary.BigEndian.Uint64(limit[:]) {
		return nil
	}
	c := b.Cursor()
	k, v := c.First()
	defer func() {
		if k != nil {
			e.idemOldest.Store(binary.BigEndian.Uint64(k[:8]))
		} else {
			e.idemOldest.Store(0)
		}
	}()
	for i := 0; i < 4 && k != nil && bytes.Compare(k[:8], limit[:]) < 0; i++ {
		if scope := recordScope(v); scope != nil {
			if ik := idemIndexKey(scope); bytes.Equal(ib.Get(ik), k) {
				if err := ib.Delete(ik); err != nil {
					return err
				}
			}
		}
		if err := c.Delete(); err != nil {
			return err
		}
		if err := addCount(tx, idemCountKey, -1); err != nil {
			return err
		}
		k, v = c.First()
	}
	return nil
}
