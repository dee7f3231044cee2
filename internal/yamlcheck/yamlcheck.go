// Package yamlcheck checks YAML documents against a small schema of known
// keys and value kinds, with errors that name the line, the path of the key
// and, for an unknown key, the closest known one. tweetpay.yaml and scenario
// files share it, and the shapes of their offers and buyers.
package yamlcheck

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Error is a problem at a line of the document.
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// Errorf returns an Error at n's line.
func Errorf(n *yaml.Node, format string, args ...any) error {
	return &Error{Line: n.Line, Msg: fmt.Sprintf(format, args...)}
}

// At returns the line and message of an Error in err's chain.
func At(err error) (line int, msg string, ok bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.Line, e.Msg, true
	}
	return 0, "", false
}

// Kind is the expected kind of a value.
type Kind int

// The kinds of values.
const (
	KindString Kind = iota // any scalar, read as text
	KindInt
	KindBool
	KindMap
	KindSeq
)

// Field is the schema of one value.
type Field struct {
	Kind   Kind
	Fields map[string]*Field // for KindMap
	Elem   *Field            // for KindSeq
}

// Scalar schemas.
var (
	String = &Field{Kind: KindString}
	Int    = &Field{Kind: KindInt}
	Bool   = &Field{Kind: KindBool}
)

// Map is a mapping with these keys.
func Map(fields map[string]*Field) *Field { return &Field{Kind: KindMap, Fields: fields} }

// Seq is a list of elem.
func Seq(elem *Field) *Field { return &Field{Kind: KindSeq, Elem: elem} }

// Offer is the shape of one offer, in tweetpay.yaml and in scenarios.
var Offer = Map(map[string]*Field{
	"hashtag":         String,
	"gift_handle":     String,
	"name":            String,
	"description":     String,
	"price":           String,
	"currency":        String,
	"stock":           Int,
	"per_buyer_limit": Int,
	"countries":       Seq(String),
	"confirm":         Map(map[string]*Field{"hashtag": String, "window": String}),
	"starts":          String,
	"ends":            String,
	"archived":        Bool,
})

// Buyer is the shape of one test buyer.
var Buyer = Map(map[string]*Field{
	"handle":  String,
	"card":    String,
	"country": String,
	"name":    String,
	"user_id": String, // digits, often written as a number
})

// IsNull reports whether n is absent or an explicit null.
func IsNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// Join appends a key to a path: "offers[0]" + "price".
func Join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// Check walks n against f and returns the first problem found. A null
// value is the same as no value.
func Check(n *yaml.Node, f *Field, path string) error {
	var errs []error
	check(n, f, path, false, &errs)
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// CheckAll is Check, but goes on past each problem and returns them all, in
// the order Check meets them: at each mapping, its keys' problems (duplicate
// or unknown keys) first, then its values' in the mapping's order. The value
// of a duplicate key after the first is not checked, nor that of an unknown
// key. The first problem is the one Check returns.
func CheckAll(n *yaml.Node, f *Field, path string) []error {
	var errs []error
	check(n, f, path, true, &errs)
	return errs
}

// check appends the problems of n to errs, the first only unless all; it
// reports whether it found any.
func check(n *yaml.Node, f *Field, path string, all bool, errs *[]error) bool {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if IsNull(n) {
		return false
	}
	bad := func(err error) bool {
		*errs = append(*errs, err)
		return true
	}
	switch f.Kind {
	case KindString:
		if n.Kind != yaml.ScalarNode {
			return bad(Errorf(n, "%s: expected a single value, got %s", path, Describe(n)))
		}
	case KindInt:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			return bad(Errorf(n, "%s: expected a whole number, got %s", path, Describe(n)))
		}
	case KindBool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			return bad(Errorf(n, "%s: expected true or false, got %s", path, Describe(n)))
		}
	case KindSeq:
		if n.Kind != yaml.SequenceNode {
			return bad(Errorf(n, "%s: expected a list, got %s", path, Describe(n)))
		}
		found := false
		for i, c := range n.Content {
			if check(c, f.Elem, fmt.Sprintf("%s[%d]", path, i), all, errs) {
				if !all {
					return true
				}
				found = true
			}
		}
		return found
	case KindMap:
		if n.Kind != yaml.MappingNode {
			where := path
			if where == "" {
				where = "the file"
			}
			return bad(Errorf(n, "%s: expected a mapping of keys to values, got %s", where, Describe(n)))
		}
		names := make([]string, 0, len(f.Fields))
		for k := range f.Fields {
			names = append(names, k)
		}
		sort.Strings(names)
		fields, keyErrs := mapping(n, path, names, all)
		if len(keyErrs) > 0 {
			*errs = append(*errs, keyErrs...)
			if !all {
				return true
			}
		}
		found := len(keyErrs) > 0
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if v, ok := fields[k.Value]; !ok || !sameValue(v, n.Content[i+1]) {
				continue // unknown, or a duplicate after the first
			}
			if check(fields[k.Value], f.Fields[k.Value], Join(path, k.Value), all, errs) {
				if !all {
					return true
				}
				found = true
			}
		}
		return found
	}
	return false
}

// sameValue reports whether v, a value mapping returned, is the value node
// n of the mapping (or the node n aliases).
func sameValue(v, n *yaml.Node) bool {
	return v == n || (n.Kind == yaml.AliasNode && v == n.Alias)
}

// Mapping returns the values of a mapping by key, refusing duplicate keys
// and keys not in allowed.
func Mapping(n *yaml.Node, path string, allowed []string) (map[string]*yaml.Node, error) {
	out, errs := mapping(n, path, allowed, false)
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return out, nil
}

// mapping is Mapping; with all, it goes on past problems, returning them
// all and the values of the known keys (of a duplicate key, the first).
func mapping(n *yaml.Node, path string, allowed []string, all bool) (map[string]*yaml.Node, []error) {
	out := map[string]*yaml.Node{}
	var errs []error
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind == yaml.AliasNode {
			v = v.Alias
		}
		child := Join(path, k.Value)
		if _, dup := out[k.Value]; dup {
			errs = append(errs, Errorf(k, "%s: duplicate key", child))
			if !all {
				return nil, errs
			}
			continue
		}
		known := false
		for _, a := range allowed {
			if a == k.Value {
				known = true
				break
			}
		}
		if !known {
			errs = append(errs, UnknownKey(k, child, allowed))
			if !all {
				return nil, errs
			}
			continue
		}
		out[k.Value] = v
	}
	return out, errs
}

// UnknownKey is the error for key k at path child, suggesting the closest
// allowed key, or listing them when none is close.
func UnknownKey(k *yaml.Node, child string, allowed []string) error {
	msg := fmt.Sprintf("unknown key %q", child)
	if s := Closest(k.Value, allowed); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	} else {
		msg += fmt.Sprintf(" (known keys: %s)", strings.Join(allowed, ", "))
	}
	return Errorf(k, "%s", msg)
}

// MapValue returns the value of key in the mapping n, or nil when n is no
// mapping or has no such key.
func MapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// Value returns the node at path ("price", "countries[1]",
// "confirm.window") below the mapping n, following aliases, or nil when
// the file does not write it.
func Value(n *yaml.Node, path string) *yaml.Node {
	if path == "" {
		return nil
	}
	for _, part := range strings.Split(path, ".") {
		key, index, hasIndex := part, 0, false
		if k, rest, ok := strings.Cut(part, "["); ok {
			var err error
			if index, err = strconv.Atoi(strings.TrimSuffix(rest, "]")); err != nil {
				return nil
			}
			key, hasIndex = k, true
		}
		if n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		if n = MapValue(n, key); n == nil {
			return nil
		}
		if hasIndex {
			if n.Kind == yaml.AliasNode {
				n = n.Alias
			}
			if n.Kind != yaml.SequenceNode || index < 0 || index >= len(n.Content) {
				return nil
			}
			n = n.Content[index]
		}
	}
	return n
}

// Describe names a value in messages: a mapping, a list, null, or the
// value quoted (cut at 40 characters).
func Describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	if IsNull(n) {
		return "null"
	}
	v := n.Value
	if r := []rune(v); len(r) > 40 {
		v = string(r[:40]) + "…"
	}
	return fmt.Sprintf("%q", v)
}

// Closest returns the name nearest to key by edit distance, if it is near
// enough to be a plausible typo.
func Closest(key string, names []string) string {
	best, bestD := "", 1<<30
	lk := strings.ToLower(key)
	for _, name := range names {
		if d := levenshtein(lk, name); d < bestD {
			best, bestD = name, d
		}
	}
	if bestD <= max(2, len(key)/3) {
		return best
	}
	return ""
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Documents parses data, and returns its first document (a node without
// content when data holds none) and the first later document that holds
// something (nil for none: an empty document after a trailing "---" is
// skipped), so that what follows a "---" is not left out without a word.
// A syntax error becomes an Error at its line, without yaml.v3's "yaml:
// line N:" prefix; one in the first document is returned with a nil
// first, one in a later document with the first, so that it can still be
// read.
func Documents(data []byte) (first, next *yaml.Node, err error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	first = &yaml.Node{}
	if err := dec.Decode(first); err != nil {
		if errors.Is(err, io.EOF) {
			return &yaml.Node{}, nil, nil
		}
		return nil, nil, syntaxError(data, err)
	}
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return first, nil, nil
		}
		if err != nil {
			return first, nil, syntaxError(data, err)
		}
		if len(n.Content) > 0 && !IsNull(n.Content[0]) {
			return first, &n, nil
		}
	}
}

// syntaxError turns a yaml.v3 parse error into an Error at its line when
// it names one, or when it is an alias of an unknown anchor, which
// yaml.v3 reports without a line: at the alias's.
func syntaxError(data []byte, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if name, ok := unknownAnchor(msg); ok {
		if line := unknownAnchorLine(data, name); line > 0 {
			return &Error{Line: line, Msg: fmt.Sprintf("%s: *%s must come after the value it names, marked &%s", msg, name, name)}
		}
		return errors.New(msg)
	}
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.Index(rest, ": "); i > 0 {
			var line int
			if _, serr := fmt.Sscanf(rest[:i], "%d", &line); serr == nil {
				msg := rest[i+2:]
				if tabIndented(data, line) {
					msg = "the line is indented with a tab: YAML indents with spaces only (" + msg + ")"
				}
				return &Error{Line: line, Msg: msg}
			}
		}
	}
	return errors.New(msg)
}

// tabIndented reports whether line n (from 1) of data has a tab in its
// indentation, which YAML forbids and the parser reports only as "found
// character that cannot start any token".
func tabIndented(data []byte, n int) bool {
	lines := bytes.Split(data, []byte("\n"))
	if n < 1 || n > len(lines) {
		return false
	}
	indent := lines[n-1][:len(lines[n-1])-len(bytes.TrimLeft(lines[n-1], " \t"))]
	return bytes.IndexByte(indent, '\t') >= 0
}

// unknownAnchor returns the anchor that yaml.v3's message msg says an alias
// names but nothing before it defines.
func unknownAnchor(msg string) (string, bool) {
	rest, ok := strings.CutPrefix(msg, "unknown anchor '")
	if !ok {
		return "", false
	}
	name, ok := strings.CutSuffix(rest, "' referenced")
	return name, ok && name != ""
}

// maxUnknownAnchors bounds how many unknown anchors unknownAnchorLine
// defines, one parse each, to reach the first alias of the one reported.
const maxUnknownAnchors = 8

// unknownAnchorLine returns the line of the alias whose unknown anchor,
// name, yaml.v3 reported parsing data, or 0 when it cannot tell. data is
// parsed again after a document of its own that defines the anchor, as a
// null: anchors outlive their document, so the alias now parses, and is
// the first that stands for that null. Another unknown anchor in the same
// document is defined in the same way, and data parsed again.
func unknownAnchorLine(data []byte, name string) int {
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // a byte order mark starts the stream only
	names := []string{name}
	for len(names) <= maxUnknownAnchors {
		var pre strings.Builder
		for _, n := range names {
			pre.WriteString("--- &" + n + " ~\n")
		}
		// data's first document starts after a "...", which only
		// directives may follow, or a "---".
		if startsWithDirective(data) {
			pre.WriteString("...\n")
		} else {
			pre.WriteString("---\n")
		}
		dec := yaml.NewDecoder(io.MultiReader(strings.NewReader(pre.String()), bytes.NewReader(data)))
		var target *yaml.Node
		for range names {
			var def yaml.Node
			if err := dec.Decode(&def); err != nil || len(def.Content) != 1 {
				return 0
			}
			if target == nil {
				target = def.Content[0]
			}
		}
		for {
			var doc yaml.Node
			err := dec.Decode(&doc)
			if err != nil {
				next, ok := unknownAnchor(strings.TrimPrefix(err.Error(), "yaml: "))
				if !ok || slices.Contains(names, next) {
					return 0
				}
				names = append(names, next)
				break
			}
			if a := aliasOf(&doc, target); a != nil {
				return a.Line - len(names) - 1
			}
		}
	}
	return 0
}

// startsWithDirective reports whether the first line of data that is not
// blank or a comment is a directive (%YAML, %TAG).
func startsWithDirective(data []byte) bool {
	for line := range bytes.Lines(data) {
		line = bytes.TrimSpace(line)
		if len(line) > 0 && line[0] != '#' {
			return line[0] == '%'
		}
	}
	return false
}

// aliasOf returns the first alias of target under n, in document order.
func aliasOf(n, target *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode {
		if n.Alias == target {
			return n
		}
		return nil
	}
	for _, c := range n.Content {
		if a := aliasOf(c, target); a != nil {
			return a
		}
	}
	return nil
}
