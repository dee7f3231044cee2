package scenario

import (
	"fmt"
	"sort"

	"gopkg.in/yaml.v3"
)

// shape is the expected form of a value in a scenario's offers and buyers:
// the same as in tweetpay.yaml.
type shape struct {
	kind   int // sString, sInt, sBool, sMap, sSeq
	fields map[string]*shape
	elem   *shape
}

const (
	sString = iota
	sInt
	sBool
	sMap
	sSeq
)

var (
	shString = &shape{kind: sString}
	shInt    = &shape{kind: sInt}
	shBool   = &shape{kind: sBool}
)

var offerSchema = &shape{kind: sMap, fields: map[string]*shape{
	"hashtag": shString, "gift_handle": shString, "name": shString, "description": shString,
	"price": shString, "currency": shString, "stock": shInt, "per_buyer_limit": shInt,
	"countries": {kind: sSeq, elem: shString},
	"confirm": {kind: sMap, fields: map[string]*shape{
		"hashtag": shString, "window": shString,
	}},
	"starts": shString, "ends": shString, "archived": shBool,
}}

var buyerSchema = &shape{kind: sMap, fields: map[string]*shape{
	"handle": shString, "card": shString, "country": shString, "name": shString,
}}

// checkSchema walks n against s and returns the first problem, naming the
// line and the path of the offending key.
func checkSchema(n *yaml.Node, s *shape, path string) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if isNull(n) {
		if s.kind == sMap && path != "" {
			return lineErr(n, "%s: expected a mapping, got null", path)
		}
		return nil
	}
	switch s.kind {
	case sString:
		if n.Kind != yaml.ScalarNode {
			return lineErr(n, "%s: expected a single value, got %s", path, describe(n))
		}
	case sInt:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			return lineErr(n, "%s: expected a whole number, got %s", path, describe(n))
		}
	case sBool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			return lineErr(n, "%s: expected true or false, got %s", path, describe(n))
		}
	case sSeq:
		if n.Kind != yaml.SequenceNode {
			return lineErr(n, "%s: expected a list, got %s", path, describe(n))
		}
		for i, c := range n.Content {
			if err := checkSchema(c, s.elem, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case sMap:
		if n.Kind != yaml.MappingNode {
			return lineErr(n, "%s: expected a mapping of keys to values, got %s", path, describe(n))
		}
		names := make([]string, 0, len(s.fields))
		for k := range s.fields {
			names = append(names, k)
		}
		sort.Strings(names)
		m, err := mapping(n, path, names)
		if err != nil {
			return err
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if err := checkSchema(m[k], s.fields[k], join(path, k)); err != nil {
				return err
			}
		}
	}
	return nil
}
