// Package offer describes the tweetable offers of tweetpay.yaml: a product,
// a price and either a purchase hashtag (#BuyBlueMug) or a gift handle
// (@tweetacoffee), with optional stock, per-buyer limit, countries,
// confirmation hashtag and dates. It validates them, names their Stripe
// objects and writes the tweet a merchant posts.
package offer

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tweetpay/tweetpay/internal/listerr"
	"github.com/tweetpay/tweetpay/pkg/country"
	"github.com/tweetpay/tweetpay/pkg/money"
	"github.com/tweetpay/tweetpay/pkg/tweet"
)

// ErrInvalid is wrapped by every validation error.
var ErrInvalid = errors.New("invalid offer")

// Window bounds and default of the confirmation window.
const (
	DefaultWindow = 15 * time.Minute
	MinWindow     = time.Minute
	// MaxWindow is 7 days, the lifetime of an uncaptured card authorisation
	// on Stripe: after it Stripe cancels the PaymentIntent itself.
	MaxWindow = 7 * 24 * time.Hour
	// MaxTagLength is twitter-text's limit on a hashtag, in characters.
	MaxTagLength = 100
	// DefaultCurrency is used when neither the offer nor the merchant names one.
	DefaultCurrency = "usd"
)

// Confirm is the optional confirmation step of a hashtag offer: the payment
// is authorised on the purchase tweet and captured only when the buyer tweets
// Hashtag within Window (the 2013 American Express flow).
type Confirm struct {
	// Hashtag is the confirmation hashtag, '#' optional.
	Hashtag string `yaml:"hashtag"`
	// Window is a duration ("15m", "2h", "1d"); "" means 15 minutes.
	Window string `yaml:"window,omitempty"`
}

// Offer is one entry of the offers list of tweetpay.yaml, as written.
type Offer struct {
	// Hashtag is the purchase hashtag, '#' optional; set it or GiftHandle.
	Hashtag string `yaml:"hashtag,omitempty"`
	// GiftHandle is the gift account, '@' optional ("@tweetacoffee to @friend").
	GiftHandle string `yaml:"gift_handle,omitempty"`
	// Name is the product's name, required.
	Name string `yaml:"name"`
	// Description is optional and not part of the offer tweet.
	Description string `yaml:"description,omitempty"`
	// Price is in major units of the currency ("12.50", "500" for jpy).
	Price string `yaml:"price"`
	// Currency is a lowercase ISO 4217 code; default: the merchant's.
	Currency string `yaml:"currency,omitempty"`
	// Stock is how many can be sold in all; nil for no limit.
	Stock *int `yaml:"stock,omitempty"`
	// PerBuyerLimit is how many one buyer may buy; nil for no limit.
	PerBuyerLimit *int `yaml:"per_buyer_limit,omitempty"`
	// Countries are the buyers' countries allowed; default: the merchant's.
	Countries []string `yaml:"countries,omitempty,flow"`
	// Confirm asks for a confirmation hashtag before capture; nil for none.
	Confirm *Confirm `yaml:"confirm,omitempty"`
	// Starts and Ends are RFC 3339 times bounding the sale; "" for open.
	Starts string `yaml:"starts,omitempty"`
	Ends   string `yaml:"ends,omitempty"`
	// Archived offers stay in the file but cannot be bought.
	Archived bool `yaml:"archived,omitempty"`
}

// Defaults are the values an offer inherits from the merchant section.
type Defaults struct {
	Country  string // ISO 3166 alpha-2; the default for Offer.Countries
	Currency string // lowercase ISO 4217; the default for Offer.Currency
}

// Kind tells hashtag offers from gift offers.
type Kind int

const (
	// Hashtag offers are bought by tweeting their hashtag.
	Hashtag Kind = iota + 1
	// Gift offers are bought by tweeting "@handle to @friend".
	Gift
)

// String returns "hashtag" or "gift".
func (k Kind) String() string {
	switch k {
	case Hashtag:
		return "hashtag"
	case Gift:
		return "gift"
	}
	return "unknown"
}

// Resolved is a validated offer with typed fields.
type Resolved struct {
	Kind Kind
	// Tag is the hashtag or gift handle as written, without '#' or '@'.
	Tag         string
	Name        string
	Description string
	Price       money.Amount
	// Stock is how many can be sold in all; 0 means unlimited.
	Stock int
	// PerBuyerLimit is how many one buyer may buy; 0 means unlimited.
	PerBuyerLimit int
	// Countries are upper-case ISO 3166-1 alpha-2 codes of the buyers'
	// countries allowed; empty means every country.
	Countries []string
	// ConfirmTag is the confirmation hashtag without '#', "" when the
	// purchase needs no confirmation.
	ConfirmTag string
	// Window is how long the buyer has to confirm; 0 without ConfirmTag.
	Window time.Duration
	// Starts and Ends bound when the offer can be bought; zero means open.
	Starts, Ends time.Time
	Archived     bool
}

// Label names the offer in messages: "#BuyBlueMug" or "@tweetacoffee".
func (r Resolved) Label() string {
	if r.Kind == Gift {
		return "@" + r.Tag
	}
	return "#" + r.Tag
}

func label(o Offer) string {
	switch {
	case strings.TrimSpace(o.Hashtag) != "":
		return "#" + stripSign(o.Hashtag, "#＃")
	case strings.TrimSpace(o.GiftHandle) != "":
		return "@" + stripSign(o.GiftHandle, "@＠")
	case strings.TrimSpace(o.Name) != "":
		return strconv.Quote(strings.TrimSpace(o.Name))
	}
	return "without hashtag or name"
}

func stripSign(s, signs string) string {
	s = strings.TrimSpace(s)
	if r, w := utf8.DecodeRuneInString(s); w > 0 && strings.ContainsRune(signs, r) {
		s = s[w:]
	}
	return s
}

func invalid(o Offer, format string, args ...any) error {
	return fmt.Errorf("%w: offer %s: %s", ErrInvalid, label(o), fmt.Sprintf(format, args...))
}

// Resolve validates one offer and fills in the defaults: the currency and
// country of d (usd and every country when d leaves them empty) and a 15
// minute confirmation window. Errors wrap ErrInvalid, name the offer
// ("offer #BuyBlueMug: ...") and say what to change. Every problem of the
// offer is reported, in the order of its fields (the tag, name, currency,
// price, stock and limit, countries, confirm, dates, and last whether the
// tweet fits, which is judged only when nothing else is wrong), each once:
// a value that depends on another that is wrong (a price's decimals on the
// currency, a limit on the stock, ends on starts) is judged only as far as
// it can be alone. Several problems are joined (errors.Join), one error
// each; Problems splits them. Checks that involve several offers are
// ValidateAll's.
func Resolve(o Offer, d Defaults) (Resolved, error) {
	var r Resolved
	var errs []error
	// bad records a problem with field ("" for the offer as a whole).
	bad := func(field, format string, args ...any) {
		err := invalid(o, format, args...)
		if field != "" {
			err = &FieldError{Field: field, Err: err}
		}
		errs = append(errs, err)
	}
	tagOK := false
	hashtag, gift := strings.TrimSpace(o.Hashtag), strings.TrimSpace(o.GiftHandle)
	switch {
	case hashtag != "" && gift != "":
		bad("", "set either hashtag or gift_handle, not both")
	case hashtag != "":
		r.Kind, r.Tag = Hashtag, stripSign(hashtag, "#＃")
		if err := checkTag(r.Tag); err != "" {
			bad("hashtag", "hashtag %q %s", r.Tag, err)
		} else {
			tagOK = true
		}
	case gift != "":
		r.Kind, r.Tag = Gift, stripSign(gift, "@＠")
		if strings.ContainsAny(r.Tag, "@＠") || !tweet.IsValidUsername(r.Tag) {
			bad("gift_handle", "gift_handle %q is not a Twitter username: use 1 to 20 letters, digits or underscores, such as tweetacoffee", r.Tag)
		} else {
			tagOK = true
		}
	default:
		bad("", "set a hashtag (bought by tweeting #Tag) or a gift_handle (bought by tweeting \"@handle to @friend\")")
	}

	r.Name = strings.Join(strings.Fields(o.Name), " ")
	if r.Name == "" {
		bad("name", "name is required: give the product's name, e.g. name: Blue Mug")
	}
	r.Description = strings.TrimSpace(o.Description)

	cur := strings.ToLower(strings.TrimSpace(o.Currency))
	if cur == "" {
		cur = strings.ToLower(strings.TrimSpace(d.Currency))
	}
	if cur == "" {
		cur = DefaultCurrency
	}
	currencyField := "currency" // or the merchant's, inherited
	if strings.TrimSpace(o.Currency) == "" {
		currencyField = ""
	}
	curOK := money.IsSupported(cur)
	if !curOK {
		bad(currencyField, "currency %q is not one Stripe supports: use a lowercase ISO 4217 code such as usd or eur", cur)
	}
	switch {
	case strings.TrimSpace(o.Price) == "" && curOK:
		bad("price", "price is required: write it in major units of %s, e.g. price: \"12.50\"", cur)
	case strings.TrimSpace(o.Price) == "":
		bad("price", "price is required: write it in major units of the currency, e.g. price: \"12.50\"")
	case curOK:
		price, err := money.Parse(o.Price, cur)
		if err == nil {
			err = money.CheckMinimum(price)
		}
		if err != nil {
			bad("price", "price: %s", trimSentinel(err, money.ErrInvalid))
		}
		r.Price = price
	default:
		// How many decimals the price may have, and its minimum, depend
		// on the currency: only how it is written can be judged.
		if err := money.CheckSyntax(o.Price); err != nil {
			bad("price", "price: %s", trimSentinel(err, money.ErrInvalid))
		}
	}

	var err error
	stockOK, limitOK := true, true
	if r.Stock, err = positive(o.Stock, "stock"); err != nil {
		bad("stock", "%s", err)
		stockOK = false
	}
	if r.PerBuyerLimit, err = positive(o.PerBuyerLimit, "per_buyer_limit"); err != nil {
		bad("per_buyer_limit", "%s", err)
		limitOK = false
	}
	if stockOK && limitOK && r.Stock > 0 && r.PerBuyerLimit > r.Stock {
		bad("per_buyer_limit", "per_buyer_limit %d is above the stock of %d: lower it or raise the stock", r.PerBuyerLimit, r.Stock)
	}

	countries := o.Countries
	countryField := func(i int) string { return fmt.Sprintf("countries[%d]", i) }
	if len(countries) == 0 && strings.TrimSpace(d.Country) != "" {
		countries = []string{d.Country}
		countryField = func(int) string { return "" } // the merchant's
	}
	var badCountries []string
	for i, c := range countries {
		cc := strings.ToUpper(strings.TrimSpace(c))
		if !country.Valid(cc) {
			// The same code twice is one mistake.
			if !slices.Contains(badCountries, cc) {
				badCountries = append(badCountries, cc)
				bad(countryField(i), "country %q is not an ISO 3166-1 alpha-2 code: %s", c, country.Advice(cc))
			}
			continue
		}
		if !slices.Contains(r.Countries, cc) {
			r.Countries = append(r.Countries, cc)
		}
	}

	if o.Confirm != nil {
		if r.Kind == Gift {
			bad("confirm", "confirm applies to hashtag offers only: remove it from the gift offer")
		} else {
			r.ConfirmTag = stripSign(o.Confirm.Hashtag, "#＃")
			switch {
			case r.ConfirmTag == "":
				bad("confirm", "confirm.hashtag is required when confirm is set, e.g. Confirm%s", strings.TrimPrefix(r.Tag, "Buy"))
			case checkTag(r.ConfirmTag) != "":
				bad("confirm.hashtag", "confirm.hashtag %q %s", r.ConfirmTag, checkTag(r.ConfirmTag))
			case tagOK && tweet.SameTag(r.ConfirmTag, r.Tag):
				bad("confirm.hashtag", "confirm.hashtag must differ from the purchase hashtag, e.g. Confirm%s", strings.TrimPrefix(r.Tag, "Buy"))
			}
			if r.Window, err = parseWindow(o.Confirm.Window); err != nil {
				bad("confirm.window", "%s", err)
			}
		}
	}

	startsOK, endsOK := true, true
	if r.Starts, err = parseTime(o.Starts, "starts"); err != nil {
		bad("starts", "%s", err)
		startsOK = false
	}
	if r.Ends, err = parseTime(o.Ends, "ends"); err != nil {
		bad("ends", "%s", err)
		endsOK = false
	}
	if startsOK && endsOK && !r.Starts.IsZero() && !r.Ends.IsZero() && !r.Ends.After(r.Starts) {
		bad("ends", "ends (%s) must be after starts (%s)", o.Ends, o.Starts)
	}
	r.Archived = o.Archived

	if len(errs) == 0 {
		if _, fits := tweetText(r); !fits {
			if nameFits(r) {
				bad("name", "the name cannot be cut to fit in one tweet: it starts with a single character of %d code points; shorten it", utf8.RuneCountInString(firstGrapheme(r.Name)))
			} else {
				bad("", "the hashtags are too long to fit in one tweet with the offer: shorten them")
			}
		}
	}
	switch len(errs) {
	case 0:
		return r, nil
	case 1:
		return r, errs[0]
	}
	return r, errors.Join(errs...)
}

// FieldError is a problem of Resolve with one field of the offer. Field
// is its key as the file writes it: "price", "countries[1]",
// "confirm.window".
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

// Problems returns the problems that err, from Resolve or ValidateAll,
// joins, one error each; err itself when it joins none.
func Problems(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, Problems(e)...)
		}
		return out
	}
	return []error{err}
}

// trimSentinel drops the "invalid amount: " prefix of a wrapped sentinel so
// that messages do not say it twice.
func trimSentinel(err, sentinel error) string {
	return strings.TrimPrefix(err.Error(), sentinel.Error()+": ")
}

// checkTag returns what is wrong with a hashtag (without '#'), or "".
func checkTag(tag string) string {
	n := utf8.RuneCountInString(tag)
	switch {
	case n == 0:
		return "is empty: write one such as BuyBlueMug"
	case n > MaxTagLength:
		return fmt.Sprintf("has %d characters: hashtags have at most %d", n, MaxTagLength)
	case !tweet.IsValidHashtag(tag):
		return "is not a valid hashtag: use letters, digits and underscores only, with at least one letter (no spaces or punctuation), such as BuyBlueMug"
	}
	return ""
}

func positive(p *int, name string) (int, error) {
	if p == nil {
		return 0, nil
	}
	if *p < 1 {
		return 0, fmt.Errorf("%s must be at least 1, got %d: leave it out for no limit", name, *p)
	}
	return *p, nil
}

// parseWindow reads a confirmation window: a Go duration ("15m", "1h30m") or
// a number of days ("2d"); "" is DefaultWindow.
func parseWindow(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return DefaultWindow, nil
	}
	var d time.Duration
	var err error
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		n, err = strconv.Atoi(days)
		d = time.Duration(n) * 24 * time.Hour
		if n > 1000 {
			d = MaxWindow + 1
		}
	} else {
		d, err = time.ParseDuration(s)
	}
	if err != nil {
		return 0, fmt.Errorf("confirm.window %q is not a duration: write e.g. 15m, 2h or 1d", s)
	}
	if d < MinWindow {
		return 0, fmt.Errorf("confirm.window %s is too short: give buyers at least 1m", s)
	}
	if d > MaxWindow {
		return 0, fmt.Errorf("confirm.window %s is too long: at most 7d (168h), since Stripe cancels an uncaptured card authorisation after 7 days", s)
	}
	return d, nil
}

func parseTime(s, name string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q is not an RFC 3339 time: write e.g. 2026-11-24T10:00:00Z", name, s)
	}
	return t, nil
}

// EntryError is one problem found by ValidateAll, about the offer at Index
// in the list it was given.
type EntryError = listerr.EntryError

// ValidateAll resolves every offer and checks them together: hashtags,
// confirmation hashtags and gift handles must all differ from each other,
// compared as tweets compare them (NFKC and case folding), so that a tweet
// never matches two offers; archived offers keep their tags. It returns the
// resolved offers (in order, only when there is no error) and every problem
// found, joined, each an *EntryError wrapping ErrInvalid, and a
// *FieldError when the problem is with one field.
func ValidateAll(offers []Offer, d Defaults) ([]Resolved, error) {
	var errs []error
	out := make([]Resolved, 0, len(offers))
	srcs := make([]int, 0, len(offers)) // the index in offers of each of out
	type use struct {
		label string
		what  string
	}
	seen := map[string]use{}
	claim := func(i int, tag, what string) bool {
		o := offers[i]
		key := tweet.NormalizeTag(tag)
		if prev, ok := seen[key]; ok {
			errs = append(errs, &EntryError{Index: i, Err: &FieldError{Field: what,
				Err: invalid(o, "%s %q is already used as the %s of offer %s: pick another", what, tag, prev.what, prev.label)}})
			return false
		}
		seen[key] = use{label(o), what}
		return true
	}
	// Distinct tags can still name one Stripe Product: the hashtag
	// gift_tweetacoffee and the gift handle tweetacoffee are both
	// tweetpay_gift_tweetacoffee. Two offers on one Product would take
	// each other's name and price at every sync, and share their sales.
	products := map[string]use{}
	for i, o := range offers {
		r, err := Resolve(o, d)
		if err != nil {
			for _, e := range Problems(err) {
				errs = append(errs, &EntryError{Index: i, Err: e})
			}
			continue
		}
		what := "hashtag"
		if r.Kind == Gift {
			what = "gift_handle"
		}
		if claim(i, r.Tag, what) {
			id := r.ProductID()
			if prev, ok := products[id]; ok {
				errs = append(errs, &EntryError{Index: i, Err: &FieldError{Field: what,
					Err: invalid(o, "%s %q would have the Stripe product %s of offer %s: pick another", what, r.Tag, id, prev.label)}})
			} else {
				products[id] = use{label(o), what}
			}
		}
		out = append(out, r)
		srcs = append(srcs, i)
	}
	// Confirmation tags last, so that the message about a clash with a
	// purchase hashtag names that hashtag's offer.
	for j, r := range out {
		if r.ConfirmTag != "" {
			claim(srcs[j], r.ConfirmTag, "confirm.hashtag")
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// ProductID returns the ID of the offer's Stripe Product: "tweetpay_" and the
// folded hashtag ("tweetpay_buybluemug"), or "tweetpay_gift_" and the handle.
// A hashtag that is not ASCII once folded is replaced by a hash of it, since
// Stripe IDs are ASCII. Tags that tweets treat as equal get the same ID.
func (r Resolved) ProductID() string {
	prefix := "tweetpay_"
	if r.Kind == Gift {
		prefix = "tweetpay_gift_"
	}
	key := tweet.NormalizeTag(r.Tag)
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			sum := sha256.Sum256([]byte(key))
			return prefix + "h" + hex.EncodeToString(sum[:8])
		}
	}
	return prefix + key
}

// LookupKey returns the lookup_key of the offer's current Stripe Price. It is
// stable per offer (the ProductID): a price change creates a new Price and
// moves the key to it with transfer_lookup_key.
func (r Resolved) LookupKey() string { return r.ProductID() }

// Active reports whether the offer can be bought at time at: not archived,
// at or after Starts, and before Ends.
func (r Resolved) Active(at time.Time) bool {
	if r.Archived {
		return false
	}
	if !r.Starts.IsZero() && at.Before(r.Starts) {
		return false
	}
	return r.Ends.IsZero() || at.Before(r.Ends)
}

// AllowsCountry reports whether a buyer from country cc (ISO 3166-1 alpha-2,
// any case) may buy the offer.
func (r Resolved) AllowsCountry(cc string) bool {
	if len(r.Countries) == 0 {
		return true
	}
	cc = strings.ToUpper(strings.TrimSpace(cc))
	return slices.Contains(r.Countries, cc)
}

// Find returns the offer whose hashtag or gift handle is tag ('#' or '@'
// optional), compared as tweets compare tags: NFKC and case folding.
func Find(offers []Resolved, tag string) (Resolved, bool) {
	t := stripSign(tag, "#＃@＠")
	if t == "" {
		return Resolved{}, false
	}
	for _, r := range offers {
		if tweet.SameTag(r.Tag, t) {
			return r, true
		}
	}
	return Resolved{}, false
}
