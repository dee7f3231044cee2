package tweet

import (
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

const (
	maxURLLength     = 4096 // counting an implied "https://"
	maxTCOSlugLength = 40
	maxLabelLength   = 63 // a DNS label after punycode
	tldOrderCountry  = 1 << 16
)

// tldOrder maps each lower-case TLD to its position in twitter-text's
// alternation (generic first, then country codes): when several TLDs could
// match at the same place, the first alternative wins. It is built on first
// use, so that commands that never read a URL do not pay for it at start-up.
var tldOrder = sync.OnceValue(func() map[string]int {
	m := make(map[string]int, len(genericTLDs)+len(countryTLDs))
	for i, t := range genericTLDs {
		m[t] = i
	}
	for i, t := range countryTLDs {
		if _, dup := m[t]; !dup {
			m[t] = tldOrderCountry + i
		}
	}
	return m
})

// tldFollowerOK is the lookahead after a TLD: the end or a character outside
// [A-Za-z0-9@+-].
func tldFollowerOK(s string, i int) bool {
	if i >= len(s) {
		return true
	}
	c := s[i]
	return !(asciiIs(c, clsAlnum) || c == '@' || c == '+' || c == '-')
}

// tldAt returns the byte length of the TLD (or punycode label) that
// twitter-text's domain pattern accepts at s[t:], or 0.
func tldAt(s string, t int) int {
	var buf [80]byte
	low := buf[:0]
	best, bestOrder := 0, -1
	i := t
	for n := 0; n < maxTLDRunes && i < len(s); n++ {
		c := s[i]
		var r rune
		w := 1
		if c < utf8.RuneSelf {
			if !isASCIILetter(c) {
				break
			}
			r = rune(c | 0x20)
		} else {
			r, w = utf8.DecodeRuneInString(s[i:])
			if !unicode.IsLetter(r) && !unicode.IsMark(r) {
				break
			}
			// twitter-text's case-insensitive match never takes a
			// non-ASCII letter for an ASCII one: the Kelvin sign K and
			// the dotted İ, which lower-case to k and i, are in no TLD.
			if l := unicode.ToLower(r); l >= utf8.RuneSelf {
				r = l
			}
		}
		low = utf8.AppendRune(low, r)
		i += w
		if !tldFollowerOK(s, i) {
			continue
		}
		if o, ok := tldOrder()[string(low)]; ok && (bestOrder < 0 || o < bestOrder) {
			best, bestOrder = i-t, o
		}
	}
	if best > 0 {
		return best
	}
	// Punycode: xn--[-0-9a-z]+ (no lookahead).
	if len(s)-t > 4 && s[t]|0x20 == 'x' && s[t+1]|0x20 == 'n' && s[t+2] == '-' && s[t+3] == '-' {
		j := t + 4
		for j < len(s) && (asciiIs(s[j], clsAlnum) || s[j] == '-') {
			j++
		}
		if j > t+4 {
			return j - t
		}
	}
	return 0
}

// domainLabel is one dot-terminated label of a candidate domain.
type domainLabel struct {
	start, end     int  // end is the offset of the dot that ends it
	firstOK        bool // starts with a domain character (not '-' or '_')
	lastOK         bool // ends with a domain character
	lastUnderscore int  // offset of its last '_', or -1
}

// domainChain caches the analysis of a run of dot-terminated labels, so that
// trying a domain at every position inside it (twitter-text's pattern is
// tried at each start) costs O(1) per position instead of a rescan:
// "a.a.a.a…" would otherwise take quadratic time.
type domainChain struct {
	labels []domainLabel
	// tld[k] is the length of the TLD right after label k, or 0.
	tld []int
	// nextNonSub[k] is the first index >= k of a label that cannot be a
	// subdomain, or len(labels).
	nextNonSub []int
	// prevGood[k] is the last index <= k of a label that can be the domain
	// name and is followed by a TLD, or -1.
	prevGood []int
}

func (l *domainLabel) sub() bool   { return l.firstOK && l.lastOK }
func (l *domainLabel) named() bool { return l.sub() && l.lastUnderscore < 0 }

// scanLabels collects the dot-terminated labels from p. When there is none,
// runEnd is the end of the run of label characters from p.
func scanLabels(s string, p int, labels []domainLabel) (_ []domainLabel, runEnd int) {
	pos := p
	for {
		q := pos
		l := domainLabel{start: pos, lastUnderscore: -1}
		var last rune = -1
		for q < len(s) {
			r, w := decodeAt(s, q)
			if r == '_' {
				l.lastUnderscore = q
			} else if r != '-' && !isDomainChar(r) {
				break
			}
			if last < 0 {
				l.firstOK = r != '-' && r != '_'
			}
			last = r
			q += w
		}
		if q == pos || q >= len(s) || s[q] != '.' {
			return labels, q
		}
		l.end = q
		l.lastOK = last != '-' && last != '_'
		labels = append(labels, l)
		pos = q + 1
	}
}

// analyze fills the chain's tables for its labels.
func (c *domainChain) analyze(s string) {
	n := len(c.labels)
	c.tld = c.tld[:0]
	c.nextNonSub = c.nextNonSub[:0]
	for k := 0; k <= n; k++ {
		c.nextNonSub = append(c.nextNonSub, 0)
	}
	c.prevGood = c.prevGood[:0]
	for k := range c.labels {
		c.tld = append(c.tld, tldAt(s, c.labels[k].end+1))
	}
	c.nextNonSub[n] = n
	for k := n - 1; k >= 0; k-- {
		if c.labels[k].sub() {
			c.nextNonSub[k] = c.nextNonSub[k+1]
		} else {
			c.nextNonSub[k] = k
		}
	}
	g := -1
	for k := range c.labels {
		if c.labels[k].named() && c.tld[k] > 0 {
			g = k
		}
		c.prevGood = append(c.prevGood, g)
	}
}

// domainFrom answers for a domain starting at u inside label j of the chain
// (u may be inside the label: the first label is then the rest of it). The
// pattern prefers the most subdomains, so the answer is the last label that
// can be the domain name, reachable through valid subdomain labels.
func (c *domainChain) domainFrom(s string, j, u int) int {
	l := c.labels[j]
	if u != l.start {
		r, _ := decodeAt(s, u)
		l.start = u
		l.firstOK = r != '-' && r != '_'
		if l.lastUnderscore < u {
			l.lastUnderscore = -1
		}
	}
	if !l.sub() {
		return 0
	}
	n := len(c.labels)
	if j+1 < n {
		if hi := c.nextNonSub[j+1]; hi-1 >= j+1 {
			if g := c.prevGood[hi-1]; g >= j+1 {
				return c.labels[g].end + 1 + c.tld[g]
			}
		}
	}
	if l.named() && c.tld[j] > 0 {
		return l.end + 1 + c.tld[j]
	}
	return 0
}

// matchDomain matches twitter-text's validDomain at s[u:]: subdomains, a
// domain name and a TLD, preferring as many labels as possible. It returns the
// end of the domain, or 0. When no dot-terminated label starts at u, runEnd is
// the end of the run of label characters from u: no domain can start inside
// it.
func (sc *urlScanner) matchDomain(u int) (end, runEnd int) {
	s := sc.s
	c := sc.chain
	if n := len(c.labels); n > 0 && u >= c.labels[0].start && u <= c.labels[n-1].end {
		j := sort.Search(n, func(k int) bool { return c.labels[k].end >= u })
		if u == c.labels[j].end {
			return 0, 0 // at a dot
		}
		return c.domainFrom(s, j, u), 0
	}
	labels, runEnd := scanLabels(s, u, c.labels[:0])
	if len(labels) == 0 {
		return 0, runEnd
	}
	c.labels = labels
	c.analyze(s)
	return c.domainFrom(s, 0, u), 0
}

// matchBalancedParens matches validUrlBalancedParens at s[j] == '(' and
// returns its end, or 0.
func matchBalancedParens(s string, j int) int {
	k := pathRun(s, j+1)
	if k >= len(s) {
		return 0
	}
	if s[k] == ')' && k > j+1 {
		return k + 1
	}
	if s[k] != '(' {
		return 0
	}
	k2 := pathRun(s, k+1)
	if k2 == k+1 || k2 >= len(s) || s[k2] != ')' {
		return 0
	}
	k3 := pathRun(s, k2+1)
	if k3 >= len(s) || s[k3] != ')' {
		return 0
	}
	return k3 + 1
}

// pathRun returns the end of the run of general path characters from i.
func pathRun(s string, i int) int {
	for i < len(s) {
		r, w := decodeAt(s, i)
		if !isURLPathChar(r) {
			break
		}
		i += w
	}
	return i
}

// matchPath matches "/" and validUrlPath* at s[i] == '/': the longest run of
// path characters and balanced parentheses that ends with an ending character
// or a parenthesis group.
func matchPath(s string, i int) int {
	j := i + 1
	best := j
	for j < len(s) {
		c := s[j]
		if c < utf8.RuneSelf {
			if c == '(' {
				e := matchBalancedParens(s, j)
				if e == 0 {
					break
				}
				j, best = e, e
				continue
			}
			if asciiClass[c]&clsPath == 0 {
				break
			}
			j++
			if asciiClass[c]&clsPathEnd != 0 {
				best = j
			}
			continue
		}
		r, w := utf8.DecodeRuneInString(s[j:])
		if !isURLPathChar(r) {
			break
		}
		j += w
		if isURLPathEnd(r) {
			best = j
		}
	}
	return best
}

// matchQuery matches "?" plus query characters ending with a query ending
// character at s[i] == '?', returning its end or i when there is none.
func matchQuery(s string, i int) int {
	best := i
	for k := i + 1; k < len(s) && asciiIs(s[k], clsQuery); {
		k++
		if asciiClass[s[k-1]]&clsQueryEnd != 0 {
			best = k
		}
	}
	return best
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// chainPool recycles the domain analysis buffers between calls.
var chainPool = sync.Pool{New: func() any { return new(domainChain) }}

// urlMatch is one match of twitter-text's extractUrl pattern.
type urlMatch struct {
	start, end       int // the URL, without the preceding character
	domStart, domEnd int
	protocol         int // length of "http://" or "https://", or 0
	hasPath          bool
	// afterSurrogate is set for a domain that twitter-text finds starting at
	// the low surrogate of its first character (see next): what precedes it
	// is then a high surrogate, never a character that cancels the URL.
	afterSurrogate bool
}

// urlScanner finds URL matches left to right, remembering stretches where no
// domain can start.
type urlScanner struct {
	s       string
	lastDot int // no URL starts after the last '.'
	chain   *domainChain
	// No domain can start in [noDomainStart, noDomainEnd).
	noDomainStart, noDomainEnd int
}

// matchAt matches the URL part of the pattern at s[u:] (without a protocol
// when noProtocol is set).
func (sc *urlScanner) matchAt(u int, noProtocol bool) (m urlMatch, ok bool) {
	s := sc.s
	if u >= len(s) || u > sc.lastDot {
		return m, false
	}
	proto := 0
	if c := s[u] | 0x20; c == 'h' && !noProtocol {
		if hasPrefixFold(s[u:], "http://") {
			proto = 7
		} else if hasPrefixFold(s[u:], "https://") {
			proto = 8
		}
	}
	dEnd := 0
	if proto > 0 {
		dEnd, _ = sc.matchDomain(u + proto)
	}
	if dEnd == 0 {
		proto = 0
		if u >= sc.noDomainStart && u < sc.noDomainEnd {
			return m, false
		}
		var runEnd int
		dEnd, runEnd = sc.matchDomain(u)
		if dEnd == 0 {
			if runEnd > u {
				sc.noDomainStart, sc.noDomainEnd = u, runEnd
			}
			return m, false
		}
	}
	end := dEnd
	if end+1 < len(s) && s[end] == ':' && s[end+1] >= '0' && s[end+1] <= '9' {
		end += 2
		for end < len(s) && s[end] >= '0' && s[end] <= '9' {
			end++
		}
	}
	hasPath := false
	if end < len(s) && s[end] == '/' {
		end = matchPath(s, end)
		hasPath = true
	}
	if end < len(s) && s[end] == '?' {
		end = matchQuery(s, end)
	}
	return urlMatch{start: u, end: end, domStart: u + proto, domEnd: dEnd, protocol: proto, hasPath: hasPath,
		afterSurrogate: noProtocol}, true
}

// urlBeforeOK reports validUrlPrecedingChars for the code point r.
func urlBeforeOK(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r]&clsURLBeforeBad == 0
	}
	return r != 0xFF20 && r != 0xFF03 && !isInvalidChar(r)
}

// next returns the leftmost match at or after from. The pattern consumes the
// character before the URL, so a URL at u is tried when the character before
// u may precede a URL, and at 0 for the start of the text.
//
// twitter-text's JavaScript runs on UTF-16 units: the high surrogate of a
// supplementary character may "precede" a domain starting at its low
// surrogate, whatever comes before the character. A domain without protocol
// starting at a supplementary character is therefore tried even when the
// character before it may not precede a URL.
func (sc *urlScanner) next(from int) (urlMatch, bool) {
	s := sc.s
	triedAt := -1
	for i := from; i < len(s) && i <= sc.lastDot; {
		c := s[i]
		w := 1
		if c < utf8.RuneSelf {
			if asciiClass[c]&clsURLBeforeBad == 0 {
				triedAt = i + 1
				if m, ok := sc.matchAt(i+1, false); ok {
					return m, true
				}
			}
		} else {
			var r rune
			r, w = utf8.DecodeRuneInString(s[i:])
			if w == 4 && triedAt != i {
				if m, ok := sc.matchAt(i, true); ok {
					return m, true
				}
			}
			if urlBeforeOK(r) {
				triedAt = i + w
				if m, ok := sc.matchAt(i+w, false); ok {
					return m, true
				}
			}
		}
		if i == 0 {
			if m, ok := sc.matchAt(0, false); ok {
				return m, true
			}
		}
		i += w
	}
	return urlMatch{}, false
}

// extractURLs appends the URLs of s to out, as twitter-text's
// extractUrlsWithIndices does with extractUrlsWithoutProtocol on.
func extractURLs(s string, out []span) []span {
	lastDot := strings.LastIndexByte(s, '.')
	if lastDot < 0 {
		return out
	}
	chain := chainPool.Get().(*domainChain)
	chain.labels = chain.labels[:0]
	defer chainPool.Put(chain)
	sc := urlScanner{s: s, lastDot: lastDot, chain: chain}
	pos := 0
	for pos < len(s) {
		m, ok := sc.next(pos)
		if !ok {
			break
		}
		pos = m.end
		if !validHostAndLength(s[m.start:m.end], s[m.domStart:m.domEnd], m.protocol) {
			continue
		}
		if m.protocol == 0 {
			if m.start > 0 && !m.afterSurrogate {
				if c := s[m.start-1]; c == '-' || c == '_' || c == '.' || c == '/' {
					continue
				}
			}
			out = appendASCIIDomains(s, m, out)
			continue
		}
		end := m.end
		if n := tcoLength(s[m.start:m.end]); n != 0 {
			if n < 0 {
				continue
			}
			end = m.start + n
		}
		out = append(out, span{start: m.start, end: end, kind: kindURL, value: s[m.start:end]})
	}
	return out
}

// tcoLength returns the length of the t.co URL at the start of url (slug and
// optional query only), 0 if url is not a t.co URL with a slug, or -1 if the
// slug is too long.
func tcoLength(url string) int {
	p := 0
	if hasPrefixFold(url, "https://t.co/") {
		p = len("https://t.co/")
	} else if hasPrefixFold(url, "http://t.co/") {
		p = len("http://t.co/")
	} else {
		return 0
	}
	j := p
	for j < len(url) && asciiIs(url[j], clsAlnum) {
		j++
	}
	if j == p {
		return 0
	}
	if j-p > maxTCOSlugLength {
		return -1
	}
	if j < len(url) && url[j] == '?' {
		j = matchQuery(url, j)
	}
	return j
}

// isASCIIDomainChar reports the label characters of validAsciiDomain.
func isASCIIDomainChar(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiIs(byte(r), clsAlnum) || r == '-'
	}
	return isLatinAccent(r)
}

// nextASCIIDomain finds the leftmost validAsciiDomain match in d at or after
// from. Its labels have no rule on their first or last character, so when a
// run of labels holds no match from its first label, it holds none from a
// later one either, and the search goes on after the run.
func nextASCIIDomain(d string, from int) (int, int, bool) {
	var eb [8]int
	for a := from; a < len(d); {
		r, w := decodeAt(d, a)
		if !isASCIIDomainChar(r) {
			a += w
			continue
		}
		ends := eb[:0]
		pos := a
		for {
			q := pos
			for q < len(d) {
				r, w := decodeAt(d, q)
				if !isASCIIDomainChar(r) {
					break
				}
				q += w
			}
			if q == pos || q >= len(d) || d[q] != '.' {
				pos = q
				break
			}
			ends = append(ends, q)
			pos = q + 1
		}
		for k := len(ends) - 1; k >= 0; k-- {
			if n := tldAt(d, ends[k]+1); n > 0 {
				return a, ends[k] + 1 + n, true
			}
		}
		if pos <= a {
			pos = a + w
		}
		a = pos
	}
	return 0, 0, false
}

// appendASCIIDomains handles a URL without protocol: each ASCII-only domain in
// it becomes a URL, the last one keeping the path and query (twitter-text's
// rule, so that "example.comこれは" and CJK text around domains work).
func appendASCIIDomains(s string, m urlMatch, out []span) []span {
	d := s[m.domStart:m.domEnd]
	pos, endPos := 0, 0
	first, last := len(out), -1
	for pos < len(d) {
		a, b, ok := nextASCIIDomain(d, pos)
		if !ok {
			break
		}
		pos = b
		found := d[a:b]
		start := endPos + strings.Index(d[endPos:], found)
		endPos = start + len(found)
		out = append(out, span{start: m.domStart + start, end: m.domStart + endPos, kind: kindURL})
		last = len(out) - 1
	}
	if last < 0 {
		return out
	}
	if m.hasPath {
		out[last].end = m.end
	}
	for i := first; i < len(out); i++ {
		out[i].value = s[out[i].start:out[i].end]
	}
	return out
}

// validHostAndLength is twitter-text's isValidUrl check on an extracted URL:
// every label of the host fits in 63 characters after punycode, and the URL
// with its protocol (https:// when it has none) fits in 4096 UTF-16 units.
func validHostAndLength(url, domain string, protocol int) bool {
	if strings.HasPrefix(domain, "xn--") {
		if _, _, ok := nextASCIIDomain(domain, 0); !ok {
			return false
		}
	}
	for rest := domain; ; {
		label, tail, more := strings.Cut(rest, ".")
		n := len(label)
		for i := 0; i < len(label); i++ {
			if label[i] >= 0x7F {
				n = 4 + punycodeLength(label)
				break
			}
		}
		if n < 1 || n > maxLabelLength {
			return false
		}
		if !more {
			break
		}
		rest = tail
	}
	if protocol == 0 {
		protocol = len("https://")
	}
	return protocol+utf16Len(url) <= maxURLLength
}
