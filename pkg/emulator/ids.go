package emulator

import (
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
)

// base62 in ASCII order, so that fixed-width encodings sort like the numbers.
const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

const (
	idSeqWidth  = 10 // 62^10 > 8e17 objects
	idRandWidth = 14 // 24 characters after the prefix, like Stripe's
)

// newID returns prefix + a fixed-width base62 encoding of seq + a random tail,
// so IDs of one prefix sort by creation.
func newID(prefix string, seq uint64) string {
	b := make([]byte, len(prefix)+idSeqWidth+idRandWidth)
	copy(b, prefix)
	p := b[len(prefix):]
	for i := idSeqWidth - 1; i >= 0; i-- {
		p[i] = base62[seq%62]
		seq /= 62
	}
	r := rand.Uint64()
	r2 := rand.Uint64()
	for i := idSeqWidth; i < idSeqWidth+idRandWidth; i++ {
		if i == idSeqWidth+idRandWidth/2 {
			r = r2
		}
		p[i] = base62[r%62]
		r /= 62
	}
	return string(b)
}

// randomToken returns n random base62 characters.
func randomToken(n int) string {
	b := make([]byte, n)
	r := rand.Uint64()
	for i := range b {
		if i%10 == 9 {
			r = rand.Uint64()
		}
		b[i] = base62[r%62]
		r /= 62
	}
	return string(b)
}

func newRequestID() string { return "req_" + randomToken(14) }

// stableToken derives n base62 characters from s (for card fingerprints).
func stableToken(s string, n int) string {
	h := sha256.Sum256([]byte(s))
	b := make([]byte, n)
	for i := range b {
		v := binary.BigEndian.Uint16(h[(2*i)%30:])
		b[i] = base62[int(v)%62]
	}
	return string(b)
}
