package yamldoc

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// toNode encodes v into a node styled the way hand-written config files
// usually are: lists of scalars in flow style ([US, CA]) and strings that need
// quotes in double quotes. A *yaml.Node is used as it is.
func toNode(v any) (*yaml.Node, error) {
	if yn, ok := v.(*yaml.Node); ok && yn != nil {
		return yn, nil // the caller chose its styles
	}
	n := new(yaml.Node)
	if err := n.Encode(v); err != nil {
		return nil, fmt.Errorf("encode %T: %w", v, err)
	}
	styleNode(n)
	return n, nil
}

func styleNode(n *yaml.Node) {
	switch n.Kind {
	case yaml.SequenceNode:
		flat := len(n.Content) > 0
		for _, c := range n.Content {
			styleNode(c)
			if c.Kind != yaml.ScalarNode {
				flat = false
			}
		}
		if flat {
			n.Style |= yaml.FlowStyle
		}
	case yaml.MappingNode:
		for _, c := range n.Content {
			styleNode(c)
		}
	case yaml.ScalarNode:
		if n.Style&yaml.SingleQuotedStyle != 0 && !strings.Contains(n.Value, "\n") {
			n.Style = yaml.DoubleQuotedStyle
		}
	}
}

func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface:
		return rv.IsNil()
	}
	return false
}

// render encodes n with the given indentation; the result ends with a newline.
func render(n *yaml.Node, indent int) (string, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(indent)
	if err := enc.Encode(n); err != nil {
		return "", fmt.Errorf("render yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return "", fmt.Errorf("render yaml: %w", err)
	}
	return buf.String(), nil
}

// renderFlow encodes a flow-style node on one line, without the newline.
func renderFlow(n *yaml.Node) (string, error) {
	s, err := render(n, 2)
	return strings.TrimSuffix(s, "\n"), err
}

// indentLines prefixes every non-empty line of s but the first with pad.
func indentLines(s string, pad int) string {
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	for i, l := range lines {
		if i > 0 && strings.TrimSpace(l) != "" {
			b.WriteString(strings.Repeat(" ", pad))
		}
		b.WriteString(l)
	}
	return b.String()
}

// renderItem renders n as a block sequence entry whose dash is at column
// dashCol (the first line is not padded) and whose content starts
// contentIndent columns after the dash.
func (d *Doc) renderItem(n *yaml.Node, dashCol, contentIndent int) (string, error) {
	s, err := render(n, d.indent())
	if err != nil {
		return "", err
	}
	if contentIndent < 2 {
		contentIndent = 2
	}
	return "-" + strings.Repeat(" ", contentIndent-1) + indentLines(s, dashCol+contentIndent), nil
}

// indent detects the indentation of nested mappings (2 or 4, say) from the
// first nested block mapping in the file; 2 when there is none.
func (d *Doc) indent() int {
	var walk func(n *yaml.Node) int
	walk = func(n *yaml.Node) int {
		if n == nil {
			return 0
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 && v.Line > k.Line && v.Column > k.Column {
					return v.Column - k.Column
				}
				if r := walk(v); r > 0 {
					return r
				}
			}
		case yaml.SequenceNode:
			for _, c := range n.Content {
				if r := walk(c); r > 0 {
					return r
				}
			}
		}
		return 0
	}
	if r := walk(d.root); r > 0 {
		return r
	}
	return 2
}

// seqIndent detects how far block sequence dashes sit right of their key
// (0 for "key:\n- a", 2 for "key:\n  - a"); 2 when there is no example.
func (d *Doc) seqIndent() int {
	if d.root == nil {
		return 2
	}
	for i := 0; i+1 < len(d.root.Content); i += 2 {
		k, v := d.root.Content[i], d.root.Content[i+1]
		if v.Kind != yaml.SequenceNode || v.Style&yaml.FlowStyle != 0 || len(v.Content) == 0 {
			continue
		}
		if e, err := d.entry(v.Content[0]); err == nil {
			return max(e.dashCol-d.t.colOf(d.off(k)), 0)
		}
	}
	return 2
}

// contentIndent is the distance from an entry's dash to its content.
func (d *Doc) contentIndent(item *yaml.Node, e entry) int {
	off := d.off(item)
	if d.t.lineOf(off) == e.first {
		return d.t.colOf(off) - e.dashCol
	}
	return 2
}

// Append adds v, encoded as YAML, as the last entry of the top-level sequence
// key, creating the key at the end of the file when it is absent. The new
// entry follows the indentation of the existing ones (and their blank-line
// separation); every existing byte of the file is kept.
func (d *Doc) Append(key string, v any) error {
	n, err := toNode(v)
	if err != nil {
		return err
	}
	return d.checked(key, func(l []any) []any { return append(l, decodeNode(n)) },
		func() error { return d.appendNode(key, n) })
}

func (d *Doc) appendNode(key string, n *yaml.Node) error {
	k, s, err := d.seq(key)
	if err != nil {
		return err
	}
	switch {
	case k == nil:
		return d.addKey(key, n)
	case s.Kind == yaml.ScalarNode || (s.Style&yaml.FlowStyle != 0 && len(s.Content) == 0):
		return d.fillEmpty(k, s, n)
	case s.Style&yaml.FlowStyle != 0:
		return d.replaceFlow(s, append(slices.Clone(s.Content), n))
	}
	last := s.Content[len(s.Content)-1]
	e, err := d.entry(last)
	if err != nil {
		return err
	}
	sep := ""
	if len(s.Content) > 1 {
		if p, err := d.entry(s.Content[len(s.Content)-2]); err == nil {
			for i := p.last + 1; i < e.first; i++ {
				if d.t.blank(i) {
					sep = "\n"
					break
				}
			}
		}
	}
	item, err := d.renderItem(n, e.dashCol, d.contentIndent(last, e))
	if err != nil {
		return err
	}
	at := d.t.next(e.last)
	prefix := ""
	if at == len(d.src) && len(d.src) > 0 && d.src[len(d.src)-1] != '\n' {
		prefix = "\n"
	}
	return d.splice(at, at, prefix+sep+strings.Repeat(" ", e.dashCol)+item)
}

// addKey appends "key:" with a one-entry block sequence at the end of the file.
func (d *Doc) addKey(key string, n *yaml.Node) error {
	var b strings.Builder
	if len(d.src) > 0 && d.src[len(d.src)-1] != '\n' {
		b.WriteString("\n")
	}
	if d.root != nil && len(d.root.Content) >= 4 {
		// Keep the blank line between top-level keys when the file has one.
		lastKey := d.root.Content[len(d.root.Content)-2]
		l := d.t.lineOf(d.off(lastKey))
		if h := d.t.headStart(l, 0); h > 0 && d.t.blank(h-1) {
			b.WriteString("\n")
		}
	}
	kn := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}
	ks, err := renderFlow(kn)
	if err != nil {
		return err
	}
	col := 0 // the column of the top-level keys, normally 0
	if d.root != nil && len(d.root.Content) > 0 {
		col = d.t.colOf(d.off(d.root.Content[0]))
	}
	dash := col + d.seqIndent()
	item, err := d.renderItem(n, dash, 2)
	if err != nil {
		return err
	}
	b.WriteString(strings.Repeat(" ", col) + ks + ":\n" + strings.Repeat(" ", dash) + item)
	return d.splice(len(d.src), len(d.src), b.String())
}

// fillEmpty turns "key:", "key: ~" or "key: []" into a block sequence holding n,
// keeping a comment on the key's line.
func (d *Doc) fillEmpty(k, s *yaml.Node, n *yaml.Node) error {
	keyOff := d.off(k)
	keyLine := d.t.lineOf(keyOff)
	lineStart, lineEnd := d.t.start[keyLine], d.t.lineEnd(keyLine)
	head := string(d.src[lineStart:lineEnd])
	if s.Line == k.Line && !(s.Kind == yaml.ScalarNode && s.Value == "") {
		from := d.off(s)
		to := -1
		if s.Kind == yaml.SequenceNode {
			to = d.t.flowEnd(from)
		} else {
			to = d.t.plainEnd(from)
		}
		if to < 0 || to > lineEnd {
			return fmt.Errorf("%w: value of %s at line %d", ErrUnsupported, k.Value, k.Line)
		}
		head = strings.TrimRight(string(d.src[lineStart:from]), " \t") + string(d.src[to:lineEnd])
	}
	head = strings.TrimRight(head, " \t")
	dash := d.t.colOf(keyOff) + d.seqIndent()
	item, err := d.renderItem(n, dash, 2)
	if err != nil {
		return err
	}
	return d.splice(lineStart, d.t.next(keyLine), head+"\n"+strings.Repeat(" ", dash)+item)
}

// replaceFlow re-renders a flow sequence with new content.
func (d *Doc) replaceFlow(s *yaml.Node, content []*yaml.Node) error {
	from := d.off(s)
	to := d.t.flowEnd(from)
	if to < 0 {
		return fmt.Errorf("%w: flow sequence at line %d", ErrUnsupported, s.Line)
	}
	ns := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle, Content: content}
	txt, err := renderFlow(ns)
	if err != nil {
		return err
	}
	return d.splice(from, to, txt)
}

// Replace replaces the first entry of the top-level sequence key for which
// match returns true with v. Only that entry's text changes; comments above
// it stay. It returns an error wrapping ErrNotFound when nothing matches.
func (d *Doc) Replace(key string, match func(*yaml.Node) bool, v any) error {
	_, i, err := d.find(key, match)
	if err != nil {
		return err
	}
	n, err := toNode(v)
	if err != nil {
		return err
	}
	return d.checked(key, func(l []any) []any {
		l[i] = decodeNode(n)
		return l
	}, func() error { return d.replace(key, i, n) })
}

func (d *Doc) replace(key string, i int, n *yaml.Node) error {
	_, s, err := d.seq(key)
	if err != nil {
		return err
	}
	if s.Style&yaml.FlowStyle != 0 {
		c := slices.Clone(s.Content)
		c[i] = n
		return d.replaceFlow(s, c)
	}
	e, err := d.entry(s.Content[i])
	if err != nil {
		return err
	}
	item, err := d.renderItem(n, e.dashCol, d.contentIndent(s.Content[i], e))
	if err != nil {
		return err
	}
	return d.splice(e.dashOff, d.t.lineEnd(e.last), strings.TrimSuffix(item, "\n"))
}

// Remove deletes the first entry of the top-level sequence key for which
// match returns true, with the comment lines directly above it. It reports
// whether an entry was removed. Removing the last entry leaves "key: []".
func (d *Doc) Remove(key string, match func(*yaml.Node) bool) (bool, error) {
	_, i, err := d.find(key, match)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	err = d.checked(key, func(l []any) []any { return slices.Delete(l, i, i+1) },
		func() error { return d.remove(key, i) })
	return err == nil, err
}

func (d *Doc) remove(key string, i int) error {
	_, s, err := d.seq(key)
	if err != nil {
		return err
	}
	if s.Style&yaml.FlowStyle != 0 {
		return d.replaceFlow(s, slices.Delete(slices.Clone(s.Content), i, i+1))
	}
	k, _ := field(d.root, key)
	keyLine := d.t.lineOf(d.off(k))
	e, err := d.entry(s.Content[i])
	if err != nil {
		return err
	}
	first := d.t.headStart(e.first, e.dashCol)
	from, to := d.t.start[first], d.t.next(e.last)
	if len(s.Content) == 1 {
		if err := d.splice(from, to, ""); err != nil {
			return err
		}
		// "key:" alone would mean null; say it is an empty list.
		colon := strings.IndexByte(string(d.src[d.t.start[keyLine]:d.t.lineEnd(keyLine)]), ':')
		if colon < 0 {
			return nil
		}
		at := d.t.start[keyLine] + colon + 1
		return d.splice(at, at, " []")
	}
	if first > 0 && (d.t.blank(first-1) || first-1 == keyLine) {
		// Keep one blank line between the neighbours, not two.
		l := e.last + 1
		for l < d.t.lines() && d.t.blank(l) {
			l++
		}
		if l < d.t.lines() {
			to = d.t.start[l]
		}
	}
	return d.splice(from, to, "")
}

// Update sets or removes fields of the first entry of the top-level sequence
// key for which match returns true. A nil value (or nil pointer, slice or map)
// removes the field. Existing fields change in place, keeping their line
// comment and, for strings, their quoting; new fields are added after the
// entry's last field, before its foot comments; nothing else in the file
// changes. Fields are applied in sorted order. It returns an error wrapping ErrNotFound when nothing matches.
func (d *Doc) Update(key string, match func(*yaml.Node) bool, fields map[string]any) error {
	_, i, err := d.find(key, match)
	if err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		_, s, err := d.seq(key)
		if err != nil {
			return err
		}
		item := s.Content[i]
		if item.Kind != yaml.MappingNode {
			return fmt.Errorf("%w: entry at line %d is not a mapping", ErrInvalid, item.Line)
		}
		val := fields[name]
		var n *yaml.Node
		if !isNil(val) {
			if n, err = toNode(val); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		err = d.checked(key, func(l []any) []any {
			m, ok := l[i].(map[string]any)
			if !ok {
				return nil // cannot happen for a mapping entry; fails the check
			}
			if n == nil {
				delete(m, name)
			} else {
				m[name] = decodeNode(n)
			}
			return l
		}, func() error { return d.updateField(s, item, name, n) })
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// UpdateIn sets or removes fields, as Update does, of the block mapping
// under the field parent of the first entry of the top-level sequence key for
// which match returns true (the confirm: of an offer, say), so that the
// mapping's other fields keep their text and line comments, which replacing
// parent whole with Update would lose. A parent that is absent, empty or in
// flow style ({hashtag: X}) is an error wrapping ErrUnsupported: replace it
// whole with Update then. It returns an error wrapping ErrNotFound when
// nothing matches.
func (d *Doc) UpdateIn(key string, match func(*yaml.Node) bool, parent string, fields map[string]any) error {
	_, i, err := d.find(key, match)
	if err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		_, s, err := d.seq(key)
		if err != nil {
			return err
		}
		item := s.Content[i]
		pv := Field(item, parent)
		if s.Style&yaml.FlowStyle != 0 || item.Kind != yaml.MappingNode || item.Style&yaml.FlowStyle != 0 ||
			pv == nil || pv.Kind != yaml.MappingNode || pv.Style&yaml.FlowStyle != 0 || len(pv.Content) == 0 {
			return fmt.Errorf("%s.%s: %w: %s is not a block mapping", parent, name, ErrUnsupported, parent)
		}
		val := fields[name]
		var n *yaml.Node
		if !isNil(val) {
			if n, err = toNode(val); err != nil {
				return fmt.Errorf("%s.%s: %w", parent, name, err)
			}
		}
		err = d.checked(key, func(l []any) []any {
			m, ok := l[i].(map[string]any)
			if !ok {
				return nil // cannot happen for a mapping entry; fails the check
			}
			pm, ok := m[parent].(map[string]any)
			if !ok {
				return nil
			}
			if n == nil {
				delete(pm, name)
			} else {
				pm[name] = decodeNode(n)
			}
			return l
		}, func() error { return d.putBlockField(pv, name, n) })
		if err != nil {
			return fmt.Errorf("%s.%s: %w", parent, name, err)
		}
	}
	return nil
}

func (d *Doc) updateField(s, item *yaml.Node, name string, n *yaml.Node) error {
	if s.Style&yaml.FlowStyle != 0 || item.Style&yaml.FlowStyle != 0 {
		return d.updateFlowItem(item, name, n)
	}
	return d.putBlockField(item, name, n)
}

// putBlockField sets field name of the block mapping m to n, adding it
// after m's last field if absent, or removes it when n is nil.
func (d *Doc) putBlockField(m *yaml.Node, name string, n *yaml.Node) error {
	k, v := field(m, name)
	switch {
	case n == nil && k == nil:
		return nil
	case n == nil:
		return d.removeField(m, k, v)
	case k == nil:
		return d.addField(m, name, n)
	}
	return d.setField(k, v, n)
}

func (d *Doc) updateFlowItem(item *yaml.Node, name string, n *yaml.Node) error {
	c := slices.Clone(item.Content)
	found := false
	for j := 0; j+1 < len(c); j += 2 {
		if c[j].Value == name {
			found = true
			if n == nil {
				c = slices.Delete(c, j, j+2)
			} else {
				c[j+1] = n
			}
			break
		}
	}
	if !found && n == nil {
		return nil
	}
	if !found {
		c = append(c, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: name}, n)
	}
	from := d.off(item)
	to := d.t.flowEnd(from)
	if to < 0 {
		return fmt.Errorf("%w: flow mapping at line %d", ErrUnsupported, item.Line)
	}
	txt, err := renderFlow(&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle, Content: c})
	if err != nil {
		return err
	}
	return d.splice(from, to, txt)
}

// fieldEnd returns the last line of the field whose key is k.
func (d *Doc) fieldEnd(k, v *yaml.Node) (keyOff, keyLine, keyCol, last int) {
	keyOff = d.off(k)
	keyLine = d.t.lineOf(keyOff)
	keyCol = d.t.colOf(keyOff)
	dash := v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle == 0
	return keyOff, keyLine, keyCol, d.t.blockEnd(keyLine, keyCol, dash)
}

func (d *Doc) setField(k, v, n *yaml.Node) error {
	keyOff, keyLine, keyCol, last := d.fieldEnd(k, v)
	quoted := v.Style & (yaml.DoubleQuotedStyle | yaml.SingleQuotedStyle)
	if n.Kind == yaml.ScalarNode && v.Kind == yaml.ScalarNode && v.Line == k.Line && last == keyLine &&
		v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 && (v.Value != "" || quoted != 0) {
		if n.Tag == "!!str" && quoted != 0 && !strings.Contains(n.Value, "\n") {
			n.Style = quoted
		}
		txt, err := renderFlow(n)
		if err == nil && !strings.Contains(txt, "\n") {
			from := d.off(v)
			to := -1
			if quoted != 0 {
				to = quotedEnd(d.src, from)
			} else {
				to = d.t.plainEnd(from)
			}
			if to > from && to <= d.t.lineEnd(keyLine) {
				return d.splice(from, to, txt)
			}
		}
	}
	if v.Kind == yaml.SequenceNode && n.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle == 0 {
		n.Style &^= yaml.FlowStyle // keep the list's block style
	}
	comment := k.LineComment
	if comment == "" && (v.Kind == yaml.ScalarNode || v.Style&yaml.FlowStyle != 0) {
		comment = v.LineComment
	}
	nk := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k.Value, Style: k.Style}
	if n.Kind == yaml.ScalarNode || n.Style&yaml.FlowStyle != 0 {
		n.LineComment = comment
	} else {
		nk.LineComment = comment
	}
	txt, err := render(&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{nk, n}}, d.indent())
	if err != nil {
		return err
	}
	return d.splice(keyOff, d.t.lineEnd(last), strings.TrimSuffix(indentLines(txt, keyCol), "\n"))
}

// addField adds name to the block mapping item: a sequence entry, or a
// non-empty mapping nested in one (UpdateIn).
func (d *Doc) addField(item *yaml.Node, name string, n *yaml.Node) error {
	var keyCol, last int
	if len(item.Content) > 0 {
		keyCol = d.t.colOf(d.off(item.Content[0]))
	} else {
		e, err := d.entry(item)
		if err != nil {
			return err
		}
		keyCol, last = e.dashCol+2, e.last
	}
	nk := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: name}
	txt, err := render(&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{nk, n}}, d.indent())
	if err != nil {
		return err
	}
	// Right after the last field, before the entry's foot comments: placed
	// after them, the field would take them as its head comment and a later
	// removal of the field would remove them too.
	if c := item.Content; len(c) >= 2 {
		_, _, _, last = d.fieldEnd(c[len(c)-2], c[len(c)-1])
	}
	at := d.t.next(last)
	prefix := ""
	if at == len(d.src) && len(d.src) > 0 && d.src[len(d.src)-1] != '\n' {
		prefix = "\n"
	}
	return d.splice(at, at, prefix+strings.Repeat(" ", keyCol)+indentLines(txt, keyCol))
}

func (d *Doc) removeField(item, k, v *yaml.Node) error {
	keyOff, keyLine, keyCol, last := d.fieldEnd(k, v)
	if len(item.Content) == 2 {
		return d.splice(keyOff, d.t.lineEnd(last), "{}")
	}
	if k == item.Content[0] {
		// A sequence entry whose first field sits on its dash's line; a
		// mapping nested in an entry (UpdateIn) has no dash of its own.
		e, err := d.entry(item)
		if err == nil && e.first == keyLine {
			next := d.off(item.Content[2])
			for l := last + 1; l < d.t.lineOf(next); l++ {
				if !d.t.blank(l) {
					// Comments sit between this field and the next: keep
					// them by leaving the dash on a line of its own.
					return d.splice(e.dashOff+1, d.t.lineEnd(last), "")
				}
			}
			return d.splice(keyOff, next, "")
		}
	}
	from := d.t.start[d.t.headStart(keyLine, keyCol)]
	return d.splice(from, d.t.next(last), "")
}
