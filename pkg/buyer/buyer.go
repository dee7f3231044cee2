// Package buyer describes the test buyers of tweetpay.yaml: a Twitter handle
// linked to a Stripe test card (the "card sync" step), with a country.
package buyer

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tweetpay/tweetpay/internal/listerr"
	"github.com/tweetpay/tweetpay/pkg/country"
	"github.com/tweetpay/tweetpay/pkg/tweet"
)

// ErrInvalid is wrapped by every error about a buyer, a handle or a card.
var ErrInvalid = errors.New("invalid buyer")

// invalidError is a problem with a buyer, a handle or a card: "invalid
// buyer: " and what is wrong, naming the buyer first when it is about one
// ("invalid buyer: buyer @alice: unknown card ..."). It matches ErrInvalid.
type invalidError struct{ detail string }

func (e *invalidError) Error() string        { return ErrInvalid.Error() + ": " + e.detail }
func (e *invalidError) Is(target error) bool { return target == ErrInvalid }

func invalidf(format string, args ...any) error {
	return &invalidError{detail: fmt.Sprintf(format, args...)}
}

// Buyer is one entry of the buyers list of tweetpay.yaml, as written.
type Buyer struct {
	// Handle is the buyer's Twitter username, '@' optional.
	Handle string `yaml:"handle"`
	// Card is a test card alias, a test card number or a pm_card_* token.
	Card string `yaml:"card"`
	// Country is an ISO 3166-1 alpha-2 code; default: the merchant's.
	Country string `yaml:"country,omitempty"`
	// Name is an optional display name.
	Name string `yaml:"name,omitempty"`
	// UserID is the buyer's numeric Twitter user ID, optional: a tweet
	// that names its author only by ID (a v2 Tweet without includes.users)
	// is attributed to the buyer with that ID. The file may hold it as a
	// string or as a number; it is read as written.
	UserID string `yaml:"user_id,omitempty"`
}

// Resolved is a validated buyer.
type Resolved struct {
	// Handle is the username without '@', with the case as written.
	Handle string
	Card   Card
	// Country is an upper-case ISO 3166-1 alpha-2 code, "" when neither the
	// buyer nor the default names one.
	Country string
	Name    string
	// UserID is the Twitter user ID, "" when the buyer has none.
	UserID string
}

// NormalizeHandle checks a Twitter handle, with or without its '@' (or the
// full-width '＠'), and returns it without the sign, keeping its case for
// display; compare handles with SameHandle or Key. The rule is
// twitter-text's (tweet.IsValidUsername): 1 to 20 ASCII letters, digits or
// underscores. Twitter itself gives new accounts at most 15, but any name a
// tweet can mention is accepted so that old and test accounts work.
func NormalizeHandle(h string) (string, error) {
	s := strings.TrimSpace(h)
	name := s
	if r, w := utf8.DecodeRuneInString(s); r == '@' || r == '＠' {
		name = s[w:]
	}
	if name == "" {
		return "", invalidf("handle %q is empty: write a Twitter username such as @alice", h)
	}
	// IsValidUsername takes an optional sign itself: refuse a second one.
	if strings.ContainsAny(name, "@＠") || !tweet.IsValidUsername(name) {
		return "", invalidf("handle %q is not a Twitter username: use 1 to 20 letters, digits or underscores, such as @alice_42", h)
	}
	return name, nil
}

// Key returns the form under which handles are compared and stored: without
// '@' and in lower case. It does not validate.
func Key(h string) string {
	s := strings.TrimSpace(h)
	if r, w := utf8.DecodeRuneInString(s); r == '@' || r == '＠' {
		s = s[w:]
	}
	return strings.ToLower(s)
}

// SameHandle reports whether two handles name the same account: Twitter
// usernames are case-insensitive, and the '@' is optional.
func SameHandle(a, b string) bool { return Key(a) == Key(b) }

// MaxUserIDLen is the most digits a Twitter user ID has (IDs are 64-bit).
const MaxUserIDLen = 19

// NormalizeUserID checks a Twitter user ID and returns it trimmed: a
// positive 64-bit integer in ASCII digits, without leading zeros (so that
// one ID has one spelling: "05" would let two buyers share 5). "" (no ID) is
// returned as it is.
func NormalizeUserID(id string) (string, error) {
	s := strings.TrimSpace(id)
	if s == "" {
		return "", nil
	}
	bad := len(s) > MaxUserIDLen || s[0] == '0' || strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) >= 0
	if !bad {
		_, err := strconv.ParseInt(s, 10, 64)
		bad = err != nil
	}
	if bad {
		return "", invalidf("user_id %q is not a Twitter user ID: write its digits without leading zeros, such as 2244994945", id)
	}
	return s, nil
}

// Of names the buyer who ("@alice") in err: "invalid buyer: buyer @alice:
// ..." for a problem with the buyer (the kind first, then which one, as for
// offers), "buyer @alice: ..." for any other error.
func Of(who string, err error) error {
	var ie *invalidError
	if errors.As(err, &ie) {
		return invalidf("buyer %s: %s", who, ie.detail)
	}
	return fmt.Errorf("buyer %s: %w", who, err)
}

// Resolve validates one buyer: the handle, the card (see ResolveCard), the
// user ID (see NormalizeUserID) and the country, defaultCountry when the
// buyer has none. Errors wrap ErrInvalid and
// name the buyer.
func Resolve(b Buyer, defaultCountry string) (Resolved, error) {
	who := strings.TrimSpace(b.Handle)
	if who == "" {
		who = "without handle"
	} else if !strings.HasPrefix(who, "@") {
		who = "@" + who
	}
	fail := func(err error) error { return Of(who, err) }
	h, err := NormalizeHandle(b.Handle)
	if err != nil {
		return Resolved{}, fail(err)
	}
	card, err := ResolveCard(b.Card)
	if err != nil {
		return Resolved{}, fail(err)
	}
	cc := strings.TrimSpace(b.Country)
	if cc == "" {
		cc = strings.TrimSpace(defaultCountry)
	}
	up := strings.ToUpper(cc)
	if cc != "" && !country.Valid(up) {
		return Resolved{}, fail(invalidf("country %q is not an ISO 3166-1 alpha-2 code: %s", cc, country.Advice(up)))
	}
	uid, err := NormalizeUserID(b.UserID)
	if err != nil {
		return Resolved{}, fail(err)
	}
	return Resolved{Handle: h, Card: card, Country: up, Name: strings.TrimSpace(b.Name), UserID: uid}, nil
}

// EntryError is one problem found by ValidateAll, about the buyer at Index
// in the list it was given.
type EntryError = listerr.EntryError

// ValidateAll resolves every buyer and checks that no handle appears twice
// (compared case-insensitively) and that no two buyers share a user ID. It
// returns every problem found, joined; each is an *EntryError wrapping
// ErrInvalid.
func ValidateAll(buyers []Buyer, defaultCountry string) error {
	var errs []error
	seen := map[string]string{}
	ids := map[string]string{}
	for i, b := range buyers {
		r, err := Resolve(b, defaultCountry)
		if err != nil {
			errs = append(errs, &EntryError{Index: i, Err: err})
			continue
		}
		k := Key(r.Handle)
		if prev, ok := seen[k]; ok {
			errs = append(errs, &EntryError{Index: i, Err: invalidf("buyer @%s: the handle is already used by buyer @%s: link each account once", r.Handle, prev)})
			continue
		}
		seen[k] = r.Handle
		if r.UserID == "" {
			continue
		}
		if prev, ok := ids[r.UserID]; ok {
			errs = append(errs, &EntryError{Index: i, Err: invalidf("buyer @%s: user_id %s is already the user ID of buyer @%s: a Twitter account has one ID", r.Handle, r.UserID, prev)})
			continue
		}
		ids[r.UserID] = r.Handle
	}
	return errors.Join(errs...)
}
