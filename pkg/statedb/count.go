package statedb

import (
	"encoding/binary"

	bolt "go.etcd.io/bbolt"
)

// CountKeys counts the keys of a bucket of tx by walking them, giving back
// the pages read every 8,192 keys, so that counting a large bucket (once,
// for a file written before its count was kept) does not map the whole
// file. bbolt's Bucket.Stats reads every page too, at once. The mapping is
// shared and read-only: pages dropped are mapped again when next read,
// also inside a write transaction.
func CountKeys(b *bolt.Bucket) int {
	n := 0
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		n++
		if n%8192 == 0 {
			_ = dontNeed(b.Tx().DB().Info().Data, uintptr(b.Tx().Size()))
		}
	}
	return n
}

// InitCount stores under key in meta, as a big-endian uint64, the number of
// keys of bucket of (see CountKeys), unless a count is there already: for a
// file written before that count was kept up to date.
func InitCount(meta *bolt.Bucket, key []byte, of *bolt.Bucket) error {
	if meta.Get(key) != nil {
		return nil
	}
	var v [8]byte
	binary.BigEndian.PutUint64(v[:], uint64(CountKeys(of)))
	return meta.Put(key, v[:])
}
