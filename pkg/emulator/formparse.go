package emulator

import (
	"bytes"
	"cmp"
	"errors"
	"io"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// formPair is one parameter of a form, its key and value unescaped.
type formPair struct{ key, val string }

// parseForm reads an application/x-www-form-urlencoded string as
// url.ParseQuery does (pairs split on '&', a key without '=' has an empty
// value, '+' and %XX unescaped, ';' refused, the same error returned) and
// returns its pairs sorted by key, a key's values in the order they came:
// the order DecodeForm and paramsHash take them in. Unescaped keys and values
// are substrings of s; ParseQuery's map and slices were a tenth of the
// allocations of a payment.
func parseForm(s string) ([]formPair, error) {
	pairs := make([]formPair, 0, strings.Count(s, "&")+1)
	var first error
	for s != "" {
		var seg string
		seg, s, _ = strings.Cut(s, "&")
		if strings.IndexByte(seg, ';') >= 0 {
			first = errSemicolon // url.ParseQuery's precedence
			continue
		}
		if seg == "" {
			continue
		}
		k, v, _ := strings.Cut(seg, "=")
		k, err := unescapeQuery(k)
		if err != nil {
			first = cmp.Or(first, err)
			continue
		}
		v, err = unescapeQuery(v)
		if err != nil {
			first = cmp.Or(first, err)
			continue
		}
		pairs = append(pairs, formPair{k, v})
	}
	sortPairs(pairs)
	return pairs, first
}

// sortPairs sorts pairs by key, a key's values keeping their order.
func sortPairs(pairs []formPair) {
	slices.SortStableFunc(pairs, func(a, b formPair) int { return strings.Compare(a.key, b.key) })
}

// errSemicolon is url.ParseQuery's error for a ';' in a query.
var errSemicolon = errors.New("invalid semicolon separator in query")

// unescapeQuery is url.QueryUnescape, without a copy when s has nothing to
// unescape.
func unescapeQuery(s string) (string, error) {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s, nil
	}
	return url.QueryUnescape(s)
}

// formPairs returns v's pairs in parseForm's order.
func formPairs(v url.Values) []formPair {
	var pairs []formPair
	for k, vals := range v {
		for _, val := range vals {
			pairs = append(pairs, formPair{k, val})
		}
	}
	sortPairs(pairs)
	return pairs
}

// maxBody bounds the request bodies the emulator reads.
const maxBody = 1 << 20

// readBody reads a request's body, up to maxBody bytes, as a string: one
// copy from a pooled buffer, where io.ReadAll's growing buffer and the
// string made of it were three.
func readBody(r io.Reader) (string, error) {
	bp := bodyBufs.Get().(*[]byte)
	buf := bytes.NewBuffer((*bp)[:0])
	_, err := buf.ReadFrom(io.LimitReader(r, maxBody))
	body := buf.String()
	if *bp = buf.Bytes(); cap(*bp) <= maxPooledScratch {
		bodyBufs.Put(bp)
	}
	return body, err
}

var bodyBufs = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}
