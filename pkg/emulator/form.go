package emulator

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// ErrForm is wrapped by DecodeForm's errors: the parameters do not form a tree.
var ErrForm = errors.New("invalid form parameters")

// maxFormDepth bounds nesting (Stripe's own limit is far lower than this).
const maxFormDepth = 16

// maxFormIndex bounds explicit array indexes such as expand[12].
const maxFormIndex = 1000

// DecodeForm turns Rack-style form parameters, as stripe-go sends them, into a
// tree: a map[string]any whose values are string, []any or map[string]any.
// "metadata[k]=v" becomes {"metadata": {"k": "v"}}; "expand[]=a" and
// "expand[0]=a" both become {"expand": ["a"]}; "items[0][price]=p" becomes
// {"items": [{"price": "p"}]}. A key given both as a scalar and as a container,
// or with unbalanced brackets, is an error wrapping ErrForm. Keys are processed
// in sorted order, so the result does not depend on map iteration.
func DecodeForm(v url.Values) (map[string]any, error) {
	return decodePairs(formPairs(v))
}

// decodePairs is DecodeForm over pairs sorted by key (see parseForm).
func decodePairs(pairs []formPair) (map[string]any, error) {
	root := make(map[string]any, len(pairs))
	var buf [maxFormDepth + 1]string
	var parts []string
	for i, p := range pairs {
		if i == 0 || p.key != pairs[i-1].key {
			var err error
			if parts, err = splitKey(p.key, buf[:0]); err != nil {
				return nil, err
			}
		}
		if err := insert(root, parts, p.val, p.key); err != nil {
			return nil, err
		}
	}
	out, err := normalize(root, "")
	if err != nil {
		return nil, err
	}
	return out.(map[string]any), nil
}

// splitKey splits "a[b][]" into ["a", "b", ""], appended to parts.
func splitKey(k string, parts []string) ([]string, error) {
	i := strings.IndexByte(k, '[')
	if i < 0 {
		if strings.IndexByte(k, ']') >= 0 {
			return nil, fmt.Errorf("%w: unbalanced brackets in %q", ErrForm, k)
		}
		if k == "" {
			return nil, fmt.Errorf("%w: empty parameter name", ErrForm)
		}
		return append(parts, k), nil
	}
	if i == 0 {
		return nil, fmt.Errorf("%w: empty parameter name in %q", ErrForm, k)
	}
	parts = append(parts, k[:i])
	if strings.IndexByte(parts[0], ']') >= 0 {
		return nil, fmt.Errorf("%w: unbalanced brackets in %q", ErrForm, k)
	}
	rest := k[i:]
	for len(rest) > 0 {
		if rest[0] != '[' {
			return nil, fmt.Errorf("%w: unbalanced brackets in %q", ErrForm, k)
		}
		j := strings.IndexByte(rest, ']')
		if j < 0 {
			return nil, fmt.Errorf("%w: unbalanced brackets in %q", ErrForm, k)
		}
		seg := rest[1:j]
		if strings.IndexByte(seg, '[') >= 0 {
			return nil, fmt.Errorf("%w: unbalanced brackets in %q", ErrForm, k)
		}
		parts = append(parts, seg)
		rest = rest[j+1:]
	}
	if len(parts) > maxFormDepth {
		return nil, fmt.Errorf("%w: %q is nested too deeply", ErrForm, k)
	}
	return parts, nil
}

// During insertion an explicit index ("a[3]") is kept as a map key and an
// append ("a[]") as a *formList; normalize turns both into []any.
type formList struct{ items []any }

func insert(node map[string]any, parts []string, val, full string) error {
	key := parts[0]
	if key == "" {
		return fmt.Errorf("%w: %q has an empty key inside a list", ErrForm, full)
	}
	if len(parts) == 1 {
		if existing, ok := node[key]; ok {
			if _, isStr := existing.(string); !isStr {
				return fmt.Errorf("%w: %q mixes a value and nested keys", ErrForm, full)
			}
		}
		node[key] = val
		return nil
	}
	next := parts[1]
	if next == "" { // append
		if key == "metadata" {
			return fmt.Errorf("%w: %q: metadata must be a hash, not a list", ErrForm, full)
		}
		cur, ok := node[key]
		var lst *formList
		switch c := cur.(type) {
		case nil:
			lst = &formList{}
			node[key] = lst
		case *formList:
			lst = c
		default:
			if ok {
				return fmt.Errorf("%w: %q mixes list and non-list forms", ErrForm, full)
			}
		}
		if len(parts) == 2 {
			lst.items = append(lst.items, val)
			return nil
		}
		// a[][k]=v: start a new element when the last one already has k.
		var elem map[string]any
		if n := len(lst.items); n > 0 {
			if m, ok := lst.items[n-1].(map[string]any); ok {
				if _, taken := m[parts[2]]; !taken || len(parts) > 3 {
					elem = m
				}
			}
		}
		if elem == nil {
			elem = map[string]any{}
			lst.items = append(lst.items, elem)
		}
		return insert(elem, parts[2:], val, full)
	}
	cur, ok := node[key]
	var child map[string]any
	switch c := cur.(type) {
	case nil:
		child = map[string]any{}
		node[key] = child
	case map[string]any:
		child = c
	default:
		if ok {
			return fmt.Errorf("%w: %q mixes a value and nested keys", ErrForm, full)
		}
	}
	return insert(child, parts[1:], val, full)
}

// normalize converts maps whose keys are all array indexes into lists and
// *formList into []any.
func normalize(n any, path string) (any, error) {
	switch t := n.(type) {
	case string:
		return t, nil
	case *formList:
		out := make([]any, len(t.items))
		for i, it := range t.items {
			v, err := normalize(it, path)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case map[string]any:
		allIdx := len(t) > 0
		for k := range t {
			if !isIndex(k) {
				allIdx = false
				break
			}
		}
		if allIdx && path != "" && lastSegment(path) != "metadata" {
			idx := make([]int, 0, len(t))
			for k := range t {
				i, _ := strconv.Atoi(k)
				if i > maxFormIndex {
					return nil, fmt.Errorf("%w: index %d of %s is too large", ErrForm, i, path)
				}
				idx = append(idx, i)
			}
			sort.Ints(idx)
			for want, i := range idx {
				if i != want {
					return nil, &formIndexError{param: path, idx: idx, want: want}
				}
			}
			out := make([]any, 0, len(idx))
			for _, i := range idx {
				v, err := normalize(t[strconv.Itoa(i)], path)
				if err != nil {
					return nil, err
				}
				out = append(out, v)
			}
			return out, nil
		}
		for k, v := range t {
			if _, leaf := v.(string); leaf {
				continue // as it is: boxing it again would allocate
			}
			p := k
			if path != "" {
				p = path + "[" + k + "]"
			}
			nv, err := normalize(v, p)
			if err != nil {
				return nil, err
			}
			t[k] = nv
		}
		return t, nil
	}
	return nil, fmt.Errorf("%w: unexpected node %T", ErrForm, n)
}

// formIndexError is an array given with explicit indexes that are not 0, 1,
// 2 and so on; Stripe refuses it, naming the parameter.
type formIndexError struct {
	param string
	idx   []int
	want  int
}

func (e *formIndexError) Error() string {
	keys := make([]string, len(e.idx))
	for i, k := range e.idx {
		keys[i] = strconv.Itoa(k)
	}
	return fmt.Sprintf("If passing an array with explicit keys (e.g. foo[0]=a&foo[1]=b) instead of as an array (e.g. foo[]=a&foo[]=b), "+
		"the keys must be numeric and sequential starting from 0. You passed the keys `%s`, we expected to have a key with the value `%d`.",
		strings.Join(keys, ", "), e.want)
}

func (e *formIndexError) Unwrap() error { return ErrForm }

func lastSegment(path string) string {
	if i := strings.LastIndexByte(path, '['); i >= 0 {
		return strings.TrimSuffix(path[i+1:], "]")
	}
	return path
}

// isIndex reports whether k is a canonical non-negative integer ("0", "12").
func isIndex(k string) bool {
	if k == "" || len(k) > 6 {
		return false
	}
	if len(k) > 1 && k[0] == '0' {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < '0' || k[i] > '9' {
			return false
		}
	}
	return true
}

// EncodeForm is the inverse of DecodeForm: it flattens a tree into form
// parameters, writing lists with explicit indexes as stripe-go does.
func EncodeForm(tree map[string]any) url.Values {
	out := url.Values{}
	for k, v := range tree {
		encodeNode(out, k, v)
	}
	return out
}

func encodeNode(out url.Values, key string, v any) {
	switch t := v.(type) {
	case string:
		out.Add(key, t)
	case []any:
		for i, it := range t {
			encodeNode(out, key+"["+strconv.Itoa(i)+"]", it)
		}
	case map[string]any:
		for k, it := range t {
			encodeNode(out, key+"["+k+"]", it)
		}
	}
}
