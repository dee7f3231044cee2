package tweet

import (
	"regexp"
	"strings"
	"sync"
)

// The URL validation patterns of twitter-text (validateUrl*.js, RFC 3986).
// They are not on any hot path, so they stay regular expressions; Go's
// leftmost-first matching picks the same match as JavaScript's backtracking
// engine, which matters because twitter-text compares that match with the
// whole component.
//
// They are compiled on first use: only URL validation needs them, and
// compiling them at start-up would slow every command.
var vu = sync.OnceValue(func() (r struct {
	unencoded, scheme, path, query, authority, uniAuth *regexp.Regexp
}) {
	r.unencoded = regexp.MustCompile(`^(?:([^:/?#]+)://)?([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#(.*))?$`)
	r.scheme = regexp.MustCompile(`(?i)(?:[a-z][a-z0-9+\-.]*)`)
	r.path = regexp.MustCompile(`(?i)(/(?:` + vuPchar + `)*)*`)
	r.query = regexp.MustCompile(`(?i)((?:` + vuPchar + `)|/|\?)*`)
	r.authority = regexp.MustCompile(`(?i)(?:(` + vuUserinfo + `)@)?(` + vuIP + `|` + vuDomain + `)(?::([0-9]{1,5}))?`)
	r.uniAuth = regexp.MustCompile(`(?i)(?:(` + vuUserinfo + `)@)?(` + vuIP + `|` + vuUniDomain + `)(?::([0-9]{1,5}))?`)
	return r
})

const (
	vuUnreserved = `[a-z\x{0400}-\x{04FF}0-9\-._~]`
	vuPctEncoded = `(?:%[0-9a-f]{2})`
	vuSubDelims  = `[!$&'()*+,;=]`
	vuPchar      = `(?:` + vuUnreserved + `|` + vuPctEncoded + `|` + vuSubDelims + `|[:|@])`
	vuUserinfo   = `(?:` + vuUnreserved + `|` + vuPctEncoded + `|` + vuSubDelims + `|:)*`
	vuDecOctet   = `(?:[0-9]|(?:[1-9][0-9])|(?:1[0-9]{2})|(?:2[0-4][0-9])|(?:25[0-5]))`
	vuIPv4       = `(?:` + vuDecOctet + `(?:\.` + vuDecOctet + `){3})`
	vuIPv6       = `(?:\[[a-f0-9:\.]+\])`
	vuIP         = `(?:` + vuIPv4 + `|` + vuIPv6 + `)`
	vuDomain     = `(?:(?:(?:[a-z0-9](?:[a-z0-9_\-]*[a-z0-9])?)\.)*(?:(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?)\.)(?:[a-z](?:[a-z0-9\-]*[a-z0-9])?))`
	vuNonASCII   = `[^\x00-\x7f]`
	vuUniDomain  = `(?:(?:(?:(?:[a-z0-9]|` + vuNonASCII + `)(?:(?:[a-z0-9_\-]|` + vuNonASCII + `)*(?:[a-z0-9]|` + vuNonASCII + `))?)\.)*` +
		`(?:(?:(?:[a-z0-9]|` + vuNonASCII + `)(?:(?:[a-z0-9\-]|` + vuNonASCII + `)*(?:[a-z0-9]|` + vuNonASCII + `))?)\.)` +
		`(?:(?:[a-z]|` + vuNonASCII + `)(?:(?:[a-z0-9\-]|` + vuNonASCII + `)*(?:[a-z0-9]|` + vuNonASCII + `))?))`
)

// wholeMatch reports whether the leftmost match of re in s is all of s.
func wholeMatch(re *regexp.Regexp, s string) bool {
	loc := re.FindStringIndex(s)
	return loc != nil && loc[0] == 0 && loc[1] == len(s)
}

// IsValidURL reports whether url is a valid URL by twitter-text's isValidUrl:
// an RFC 3986 URL with an http or https scheme (optional when
// requireProtocol is false) and a host that may hold non-ASCII characters
// when unicodeDomains is true.
func IsValidURL(url string, unicodeDomains, requireProtocol bool) bool {
	if url == "" {
		return false
	}
	p := vu().unencoded.FindStringSubmatchIndex(url)
	if p == nil || p[0] != 0 || p[1] != len(url) {
		return false
	}
	part := func(i int) (string, bool) {
		if p[2*i] < 0 {
			return "", false
		}
		return url[p[2*i]:p[2*i+1]], true
	}
	scheme, hasScheme := part(1)
	authority, _ := part(2)
	path, _ := part(3)
	query, _ := part(4)
	fragment, _ := part(5)
	if requireProtocol {
		if !hasScheme || !wholeMatch(vu().scheme, scheme) {
			return false
		}
		if l := strings.ToLower(scheme); l != "http" && l != "https" {
			return false
		}
	}
	if !wholeMatch(vu().path, path) {
		return false
	}
	if query != "" && !wholeMatch(vu().query, query) {
		return false
	}
	if fragment != "" && !wholeMatch(vu().query, fragment) {
		return false
	}
	if unicodeDomains {
		return wholeMatch(vu().uniAuth, authority)
	}
	return wholeMatch(vu().authority, authority)
}
