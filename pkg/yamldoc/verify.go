package yamldoc

import (
	"fmt"
	"reflect"
	"slices"

	"go.yaml.in/yaml/v3"
)

// data decodes the whole document; an empty one is an empty mapping.
func (d *Doc) data() (map[string]any, bool) {
	m := map[string]any{}
	if d.root == nil {
		return m, true
	}
	if err := d.root.Decode(&m); err != nil {
		return nil, false
	}
	return m, true
}

func decodeNode(n *yaml.Node) any {
	var v any
	if err := n.Decode(&v); err != nil {
		return err // never equal to real data, so the check fails safely
	}
	return v
}

// checked runs an edit and verifies that the document now decodes to what
// expect makes of the old data. Text splicing relies on the layout of the
// file; if some unusual layout made it change anything else, the edit is
// undone and ErrUnsupported returned, so an edit can never silently corrupt
// the user's file.
func (d *Doc) checked(key string, expect func(list []any) []any, edit func() error) error {
	old, ok := d.data()
	if !ok {
		return fmt.Errorf("%w: the document cannot be decoded", ErrUnsupported)
	}
	snapshot := d.src
	if err := edit(); err != nil {
		_ = d.set(snapshot)
		return err
	}
	list, _ := old[key].([]any)
	old[key] = expect(slices.Clone(list))
	now, ok := d.data()
	if !ok || !reflect.DeepEqual(old, now) {
		_ = d.set(snapshot)
		return fmt.Errorf("%w: editing %s in this file's layout would change other data; edit it by hand", ErrUnsupported, key)
	}
	return nil
}
