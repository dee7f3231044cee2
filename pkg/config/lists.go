package config

import (
	"cmp"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/tweetpay/tweetpay/internal/yamlcheck"
	"github.com/tweetpay/tweetpay/pkg/buyer"
	"github.com/tweetpay/tweetpay/pkg/money"
	"github.com/tweetpay/tweetpay/pkg/offer"
	"github.com/tweetpay/tweetpay/pkg/tweet"
)

// OfferEntry is one entry of the offers list, as written in the file.
type OfferEntry = offer.Offer

// BuyerEntry is one entry of the buyers list, as written in the file.
type BuyerEntry = buyer.Buyer

// decodeLists decodes the offers and buyers of the file, adding an entry
// that does not decode to k's problems; it reports whether loading stops
// there. When k takes every problem, the entries with problems of their own
// keys or types (reported by the schema's check), or that do not decode,
// are left out, so that the checks that follow see the others only.
func (c *Config) decodeLists(root *yaml.Node, k *collector) (stop bool) {
	problem := func(err error) Problem {
		line, msg, _ := yamlcheck.At(err)
		return fileProblem(c.Path, line, "%s", MaskSecrets(msg))
	}
	if n := yamlcheck.MapValue(root, "offers"); n != nil && n.Kind == yaml.SequenceNode {
		var errs []error
		c.Offers, c.offerLines, errs = decodeList[OfferEntry](n, "offers", yamlcheck.Offer, k.all)
		for _, err := range errs {
			if k.add(problem(err)) {
				return true
			}
		}
		c.fileOffers = slices.Clone(c.Offers)
	}
	if n := yamlcheck.MapValue(root, "buyers"); n != nil && n.Kind == yaml.SequenceNode {
		var errs []error
		c.Buyers, c.buyerLines, errs = decodeList[BuyerEntry](n, "buyers", yamlcheck.Buyer, k.all)
		for _, err := range errs {
			if k.add(problem(err)) {
				return true
			}
		}
		c.fileBuyers = slices.Clone(c.Buyers)
	}
	return false
}

// decodeList decodes the entries of seq, the list name, and returns them
// with their lines, and the error of each entry that does not decode (a
// value the schema allows that its Go field cannot hold, such as a stock
// too large for an int), a *yamlcheck.Error at its line. With skipBad, an
// entry that does not match schema is left out without an error (the
// schema's check reports it), and so is one that does not decode; without,
// the first error stops the decoding.
func decodeList[T any](seq *yaml.Node, name string, schema *yamlcheck.Field, skipBad bool) ([]T, entryLines, []error) {
	out := make([]T, 0, len(seq.Content))
	lines := entryLines{entries: make([]entryLine, 0, len(seq.Content))}
	paths := map[string]int32{}
	var errs []error
	for i, n := range seq.Content {
		if skipBad && yamlcheck.Check(n, schema, "") != nil {
			continue
		}
		var v T
		if err := n.Decode(&v); err != nil {
			errs = append(errs, decodeErr(n, fmt.Sprintf("%s[%d]", name, i), err))
			if !skipBad {
				return nil, entryLines{}, errs
			}
			continue
		}
		out = append(out, v)
		lines.add(n, schema, paths)
	}
	return out, lines, errs
}

// entryLines are the lines of the entries of a list and of the values
// written in them, taken as the list is decoded, so that an error about an
// entry can name its line, or its field's, without the file's nodes being
// kept for as long as the Config.
type entryLines struct {
	// entries holds the line of each entry, and the end of its values in
	// values, where those of the next entry start.
	entries []entryLine
	values  []valueLine
	// paths are the values' paths, each once, as yamlcheck.Value takes
	// them: "price", "countries[1]", "confirm.window".
	paths []string
}

type entryLine struct{ line, end int32 }

// valueLine is the line of the value at paths[path] in an entry.
type valueLine struct{ path, line int32 }

// add records the lines of the entry n, of the shape f, with paths, the
// index in l.paths of each path. A value's line is that of its node as
// written (an alias's own), the one yamlcheck.Value returns.
func (l *entryLines) add(n *yaml.Node, f *yamlcheck.Field, paths map[string]int32) {
	l.recordMap(n, f, "", len(l.values), paths)
	l.entries = append(l.entries, entryLine{line: int32(n.Line), end: int32(len(l.values))})
}

// recordMap records the values under n, the mapping of the shape f (or
// an alias of it) at prefix in the entry whose values start at start, as
// yamlcheck.Value finds them: of a key written twice, the first value;
// through aliases; below each key, what f says may be there (a list's
// elements, a mapping's keys). Only the keys f knows are recorded: an
// entry decoded has no other, since it matches its list's schema (one
// that does not is left out, or stops loading).
func (l *entryLines) recordMap(n *yaml.Node, f *yamlcheck.Field, prefix string, start int, paths map[string]int32) {
	n = deref(n)
	if n.Kind != yaml.MappingNode || f.Kind != yamlcheck.KindMap {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, v := n.Content[i].Value, n.Content[i+1]
		sub, known := f.Fields[key]
		if !known {
			continue
		}
		path := prefix + key
		if !l.record(path, v.Line, start, true, paths) {
			continue // a key written again
		}
		switch dv := deref(v); {
		case dv.Kind == yaml.MappingNode:
			l.recordMap(dv, sub, path+".", start, paths)
		case dv.Kind == yaml.SequenceNode && sub.Kind == yamlcheck.KindSeq:
			for j, e := range dv.Content {
				elem := path + "[" + strconv.Itoa(j) + "]"
				l.record(elem, e.Line, start, false, paths)
				l.recordMap(e, sub.Elem, elem+".", start, paths)
			}
		}
	}
}

// record adds the line of the value at path to the entry whose values
// start at start. With once, it reports false, adding nothing, when the
// entry already has path: of a key written twice, yamlcheck.Value finds the
// first.
func (l *entryLines) record(path string, line, start int, once bool, paths map[string]int32) bool {
	p, ok := paths[path]
	if !ok {
		p = int32(len(l.paths))
		paths[path] = p
		l.paths = append(l.paths, path)
	} else if once {
		for _, v := range l.values[start:] {
			if v.path == p {
				return false
			}
		}
	}
	l.values = append(l.values, valueLine{path: p, line: int32(line)})
	return true
}

// line returns the line of field (as offer.FieldError names it, "" for the
// entry) of entry i: the value's line, or the entry's when the entry does
// not write it, as yamlcheck.Value would find it in the entry's node.
func (l *entryLines) line(i int, field string) int {
	e := l.entries[i]
	if path, ok := valuePath(field); ok {
		if p := slices.Index(l.paths, path); p >= 0 {
			start := int32(0)
			if i > 0 {
				start = l.entries[i-1].end
			}
			for _, v := range l.values[start:e.end] {
				if v.path == int32(p) {
					return int(v.line)
				}
			}
		}
	}
	return int(e.line)
}

// valuePath returns field as entryLines records paths, reading it as
// yamlcheck.Value does ("countries[01]" is "countries[1]"), or false when
// Value would find nothing whatever the entry (no field, or an index that
// is not a number).
func valuePath(field string) (string, bool) {
	if field == "" {
		return "", false
	}
	parts := strings.Split(field, ".")
	for j, part := range parts {
		if key, rest, ok := strings.Cut(part, "["); ok {
			index, err := strconv.Atoi(strings.TrimSuffix(rest, "]"))
			if err != nil {
				return "", false
			}
			parts[j] = key + "[" + strconv.Itoa(index) + "]"
		}
	}
	return strings.Join(parts, "."), true
}

// deref returns the node an alias names, or n.
func deref(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode {
		return n.Alias
	}
	return n
}

// decodeErr is the error of entry n at path that did not decode: at the
// line of the value yaml.v3 names, else at the entry's, without yaml.v3's
// "yaml: " and "line N: ".
func decodeErr(n *yaml.Node, path string, err error) error {
	line, msg := n.Line, strings.TrimPrefix(err.Error(), "yaml: ")
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
		if rest, ok := strings.CutPrefix(msg, "line "); ok {
			if j := strings.Index(rest, ": "); j > 0 {
				if l, perr := strconv.Atoi(rest[:j]); perr == nil {
					line, msg = l, rest[j+2:]
				}
			}
		}
	}
	return &yamlcheck.Error{Line: line, Msg: path + ": " + msg}
}

// listErr turns each of the joined problems of a list's ValidateAll into a
// Problem in the file, at a line for a problem about one entry
// ("tweetpay.yaml:12: invalid offer: ..."). line(i, field) is the line of
// entry i's field (an offer.FieldError's), or of the entry for "", or 0
// when the entry is not the file's (a scenario's offer, say).
func (c *Config) listErr(err error, line func(i int, field string) int) Problems {
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	out := make(Problems, len(errs))
	for i, e := range errs {
		out[i] = Problem{File: c.Path, Message: e.Error(), cause: e}
		var entry interface{ Entry() int }
		if errors.As(e, &entry) {
			var field string
			var fe *offer.FieldError
			if errors.As(e, &fe) {
				field = fe.Field
			}
			out[i].Line = line(entry.Entry(), field)
		}
	}
	return out
}

// fileLine returns the line of field (as offer.FieldError names it, ""
// for the entry) of entries[i] in the file: the value's line, or the
// entry's when the field is not written there (a value inherited, a key
// left out). It is 0 when that entry is not as the file has it at i.
func fileLine[T any](entries, file []T, lines *entryLines, i int, field string) int {
	if i >= len(entries) || i >= len(file) || !reflect.DeepEqual(entries[i], file[i]) {
		return 0
	}
	return lines.line(i, field)
}

// validateMerchant checks the merchant section; bad adds a problem about a
// setting and reports whether loading stops there, which validateMerchant
// then reports. currencyOK says the currency is a three-letter code.
func (c *Config) validateMerchant(bad func(key, format string, args ...any) bool, currencyOK bool) (stop bool) {
	m := &c.Merchant
	if !tweet.IsValidUsername(m.Handle) &&
		bad("merchant.handle", "merchant.handle %q is not a Twitter username (letters, digits and _, at most 20)", m.Handle) {
		return true
	}
	if currencyOK && !money.IsSupported(m.Currency) &&
		bad("merchant.currency", "merchant.currency %q is not a currency Stripe supports", m.Currency) {
		return true
	}
	if m.UserID != "" {
		id, err := buyer.NormalizeUserID(m.UserID)
		if err != nil {
			return bad("merchant.user_id", "merchant.user_id %q is not a Twitter user ID: write its digits without leading zeros, such as 2244994945", m.UserID)
		}
		m.UserID = id
	}
	return false
}

// OfferDefaults returns what offers inherit from the merchant.
func (c *Config) OfferDefaults() offer.Defaults {
	return offer.Defaults{Country: c.Merchant.Country, Currency: c.Merchant.Currency}
}

// ResolveOffers validates every offer of the file and returns their typed
// form. Its error is a Problems, one per problem, which wraps both
// ErrInvalid and offer.ErrInvalid.
func (c *Config) ResolveOffers() ([]offer.Resolved, error) {
	return c.resolveOffers(c.OfferDefaults())
}

func (c *Config) resolveOffers(d offer.Defaults) ([]offer.Resolved, error) {
	rs, err := offer.ValidateAll(c.Offers, d)
	if err != nil {
		ps := c.listErr(err, func(i int, field string) int { return fileLine(c.Offers, c.fileOffers, &c.offerLines, i, field) })
		sortProblems(ps)
		return nil, ps
	}
	return rs, nil
}

// ValidateBuyers checks every buyer of the file. Its error is a Problems,
// one per problem, which wraps both ErrInvalid and buyer.ErrInvalid.
func (c *Config) ValidateBuyers() error {
	if ps := c.buyerProblems(c.Merchant.Country); len(ps) > 0 {
		return ps
	}
	return nil
}

// buyerProblems checks every buyer, as from a merchant in defaultCountry:
// as a list, then each buyer without a problem there against the merchant.
// The problems are in the order of the buyers.
func (c *Config) buyerProblems(defaultCountry string) Problems {
	line := func(i int, field string) int { return fileLine(c.Buyers, c.fileBuyers, &c.buyerLines, i, field) }
	var errs []error
	bad := map[int]bool{}
	if err := buyer.ValidateAll(c.Buyers, defaultCountry); err != nil {
		errs = []error{err}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			errs = j.Unwrap()
		}
		for _, e := range errs {
			var entry interface{ Entry() int }
			if errors.As(e, &entry) {
				bad[entry.Entry()] = true
			}
		}
	}
	for i, b := range c.Buyers {
		if err := c.NotMerchant(b); err != nil && !bad[i] {
			errs = append(errs, &buyer.EntryError{Index: i, Err: err})
		}
	}
	if len(errs) == 0 {
		return nil
	}
	ps := c.listErr(errors.Join(errs...), line)
	slices.SortStableFunc(ps, func(a, b Problem) int { return cmp.Compare(entryOf(a), entryOf(b)) })
	return ps
}

// entryOf is the index of the list entry a problem of listErr is about, or
// -1.
func entryOf(p Problem) int {
	var entry interface{ Entry() int }
	if errors.As(p.cause, &entry) {
		return entry.Entry()
	}
	return -1
}

// NotMerchant refuses a buyer with the merchant's handle or Twitter user ID:
// the engine never treats the merchant's own tweets as purchases, so that
// buyer could never buy. The error wraps buyer.ErrInvalid.
func (c *Config) NotMerchant(b buyer.Buyer) error {
	if buyer.Key(b.Handle) == buyer.Key(c.Merchant.Handle) {
		return fmt.Errorf("%w: buyer %s is the merchant (merchant.handle): the merchant's own tweets are never purchases, so it could never buy; use another handle",
			buyer.ErrInvalid, "@"+buyer.Key(b.Handle))
	}
	if id := strings.TrimSpace(b.UserID); id != "" && id == c.Merchant.UserID {
		return fmt.Errorf("%w: buyer %s has user_id %s, the merchant's (merchant.user_id): a Twitter account has one ID",
			buyer.ErrInvalid, "@"+buyer.Key(b.Handle), id)
	}
	return nil
}
