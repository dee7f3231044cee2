package scenario

import (
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/tweetpay/tweetpay/internal/yamlcheck"
)

// resolveMerges applies the YAML merge keys of doc, in place, before any
// of its mappings is read: each mapping with a `<<` key gets, in the
// merge key's place, the pairs of the mapping it names (<<: *base), or of
// each mapping of a list (<<: [*a, *b]), whose keys it does not write
// itself; in a list, the earlier mapping's pair wins. The pairs are the
// merged mapping's own nodes, so that a key that arrives through a merge
// is checked as one written in place (an unknown key is reported, with
// the key closest to it), at the line where it is written. A merged
// mapping's own merges are applied first. A merge of anything but
// mappings is an error at its line.
//
// It runs after checkAliases: a merge names its mappings by alias, and
// what the aliases stand for is bounded there. A merged mapping holds no
// more pairs than the values its alias stands for, so that merges add at
// most as much to the file.
func resolveMerges(doc *yaml.Node) error {
	m := &merger{done: map[*yaml.Node]bool{}, busy: map[*yaml.Node]bool{}}
	return m.walk(doc, nil)
}

type merger struct {
	// done holds the mappings whose merges are applied, busy those being
	// applied (a mapping merging itself, which checkAliases refuses first).
	done, busy map[*yaml.Node]bool
}

// keyPath is where a value is, built only for a message: "steps[1].expect".
type keyPath struct {
	parent *keyPath
	key    string
	index  int
}

func (p *keyPath) String() string {
	if p == nil {
		return ""
	}
	if p.key == "" {
		return p.parent.String() + "[" + strconv.Itoa(p.index) + "]"
	}
	return yamlcheck.Join(p.parent.String(), p.key)
}

// at is the path of key in the mapping at p, for messages.
func (p *keyPath) at(key string) string { return (&keyPath{parent: p, key: key}).String() }

// walk applies the merges of every mapping in n, in the order they are
// written. Aliases are not followed: what they name is written before
// them, and walked there.
func (m *merger) walk(n *yaml.Node, p *keyPath) error {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if err := m.walk(c, p); err != nil {
				return err
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if err := m.walk(c, &keyPath{parent: p, index: i}); err != nil {
				return err
			}
		}
	case yaml.MappingNode:
		return m.mapping(n, p)
	}
	return nil
}

// isMerge reports whether k is a merge key: << written plainly (a quoted
// "<<" is a key like any other), as the YAML decoder tells it.
func isMerge(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" && (k.Tag == "!!merge" || k.Tag == "" || k.Tag == "!")
}

func (m *merger) mapping(n *yaml.Node, p *keyPath) error {
	if m.done[n] {
		return nil
	}
	if m.busy[n] {
		return yamlcheck.Errorf(n, "%s: a mapping that merges itself", p.at("<<"))
	}
	m.busy[n] = true
	defer delete(m.busy, n)
	for i := 0; i+1 < len(n.Content); i += 2 {
		if err := m.walk(n.Content[i+1], &keyPath{parent: p, key: n.Content[i].Value}); err != nil {
			return err
		}
	}
	at := -1
	own := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !isMerge(k) {
			own[k.Value] = true
			continue
		}
		if at >= 0 {
			return yamlcheck.Errorf(k, "%s: a second merge key: merge several mappings with one, such as <<: [*a, *b]", p.at("<<"))
		}
		at = i
	}
	if at < 0 {
		m.done[n] = true
		return nil
	}
	v := n.Content[at+1]
	sources := []*yaml.Node{v}
	if v.Kind == yaml.SequenceNode {
		sources = v.Content
	}
	taken := map[string]bool{}
	var pairs []*yaml.Node
	for _, src := range sources {
		target := src
		if target.Kind == yaml.AliasNode {
			target = target.Alias
		}
		if target.Kind != yaml.MappingNode {
			return yamlcheck.Errorf(src, "%s: a merge takes a mapping, such as <<: *base, or a list of mappings, such as <<: [*a, *b]; got %s", p.at("<<"), yamlcheck.Describe(target))
		}
		if err := m.mapping(target, p); err != nil {
			return err
		}
		seen := map[string]bool{}
		for j := 0; j+1 < len(target.Content); j += 2 {
			k := target.Content[j]
			if seen[k.Value] {
				return yamlcheck.Errorf(k, "%s: duplicate key", p.at(k.Value))
			}
			seen[k.Value] = true
			if own[k.Value] || taken[k.Value] {
				continue
			}
			taken[k.Value] = true
			pairs = append(pairs, k, target.Content[j+1])
		}
	}
	content := make([]*yaml.Node, 0, len(n.Content)-2+len(pairs))
	content = append(content, n.Content[:at]...)
	content = append(content, pairs...)
	n.Content = append(content, n.Content[at+2:]...)
	m.done[n] = true
	return nil
}
