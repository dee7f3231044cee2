package config

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// kind is the expected shape of a value in tweetpay.yaml.
type kind int

const (
	kString kind = iota // any scalar, read as text
	kInt
	kBool
	kMap
	kSeq
)

type field struct {
	kind   kind
	fields map[string]*field // for kMap
	elem   *field            // for kSeq
}

var (
	fString = &field{kind: kString}
	fInt    = &field{kind: kInt}
	fBool   = &field{kind: kBool}
)

func mapOf(fields map[string]*field) *field { return &field{kind: kMap, fields: fields} }
func seqOf(elem *field) *field              { return &field{kind: kSeq, elem: elem} }

// schema lists every key tweetpay.yaml may hold. A key not listed here is an
// error, with the closest known key suggested.
var schema = mapOf(map[string]*field{
	"merchant": mapOf(map[string]*field{
		"handle":   fString,
		"country":  fString,
		"currency": fString,
	}),
	"stripe": mapOf(map[string]*field{
		"backend":  fString,
		"api_key":  fString,
		"api_base": fString,
	}),
	"state_dir": fString,
	"offers": seqOf(mapOf(map[string]*field{
		"hashtag":         fString,
		"gift_handle":     fString,
		"name":            fString,
		"description":     fString,
		"price":           fString,
		"currency":        fString,
		"stock":           fInt,
		"per_buyer_limit": fInt,
		"countries":       seqOf(fString),
		"confirm": mapOf(map[string]*field{
			"hashtag": fString,
			"window":  fString,
		}),
		"starts":   fString,
		"ends":     fString,
		"archived": fBool,
	})),
	"buyers": seqOf(mapOf(map[string]*field{
		"handle":  fString,
		"card":    fString,
		"country": fString,
		"name":    fString,
	})),
})

// checkNode walks n against f and returns the first problem found, naming
// the line and the path of the offending key.
func checkNode(n *yaml.Node, f *field, path string) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil // an empty value is the same as no value
	}
	switch f.kind {
	case kString:
		if n.Kind != yaml.ScalarNode {
			return lineErr(n, "%s: expected a single value, got %s", path, describe(n))
		}
	case kInt:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			return lineErr(n, "%s: expected a whole number, got %s", path, describe(n))
		}
	case kBool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			return lineErr(n, "%s: expected true or false, got %s", path, describe(n))
		}
	case kSeq:
		if n.Kind != yaml.SequenceNode {
			return lineErr(n, "%s: expected a list, got %s", path, describe(n))
		}
		for i, c := range n.Content {
			if err := checkNode(c, f.elem, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case kMap:
		if n.Kind != yaml.MappingNode {
			return lineErr(n, "%s: expected a mapping of keys to values, got %s", pathOrTop(path), describe(n))
		}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			key := k.Value
			child := key
			if path != "" {
				child = path + "." + key
			}
			if seen[key] {
				return lineErr(k, "%s: duplicate key", child)
			}
			seen[key] = true
			sub, ok := f.fields[key]
			if !ok {
				msg := fmt.Sprintf("unknown key %q", child)
				if s := closest(key, f.fields); s != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", s)
				}
				return lineErr(k, "%s", msg)
			}
			if err := checkNode(v, sub, child); err != nil {
				return err
			}
		}
	}
	return nil
}

func pathOrTop(p string) string {
	if p == "" {
		return "the file"
	}
	return p
}

type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return e.msg }

func lineErr(n *yaml.Node, format string, args ...any) error {
	return &lineError{line: n.Line, msg: fmt.Sprintf(format, args...)}
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	v := n.Value
	if len(v) > 40 {
		v = v[:40] + "…"
	}
	return fmt.Sprintf("%q", v)
}

// closest returns the known key nearest to key by edit distance, if it is
// near enough to be a plausible typo.
func closest(key string, fields map[string]*field) string {
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	best, bestD := "", 1<<30
	lk := strings.ToLower(key)
	for _, name := range names {
		d := levenshtein(lk, name)
		if d < bestD {
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
