package yamlcheck

import (
	"fmt"
	"reflect"
	"testing"

	"go.yaml.in/yaml/v3"
)

// Documents, one parse, returns what Parse and SecondDocument return,
// each a parse of its own, errors and lines alike.
func TestDocumentsAgreesWithParseAndSecondDocument(t *testing.T) {
	inputs := []string{
		"",
		"   \n",
		"# only a comment\n",
		"a: 1\n",
		"a: 1\n---\n",
		"a: 1\n---\nb: 2\n",
		"a: 1\n---\n---\nb: 2\n",
		"a: 1\n--- null\n",
		"a: [\n",
		"a: 1\n---\nb: [\n",
		"a: 1\n\tb: 2\n",
		"a: 1\n---\nb: 2\n---\nc: [\n",
		"---\n---\na: 1\n",
		"\ufeffa: 1\n",
	}
	show := func(n *yaml.Node, err error) string {
		if n == nil {
			return fmt.Sprintf("nil, %v", err)
		}
		return fmt.Sprintf("%d:%d %d children, %v", n.Line, n.Kind, len(n.Content), err)
	}
	for _, in := range inputs {
		first, next, err := Documents([]byte(in))
		wantFirst, perr := Parse([]byte(in))
		if perr != nil {
			if first != nil || !reflect.DeepEqual(err, perr) {
				t.Errorf("%q: Documents = %s, want %s", in, show(first, err), show(nil, perr))
			}
			continue
		}
		wantNext, serr := SecondDocument([]byte(in))
		if !reflect.DeepEqual(first, wantFirst) {
			t.Errorf("%q: first = %s, want %s", in, show(first, nil), show(wantFirst, nil))
		}
		if !reflect.DeepEqual(next, wantNext) || !reflect.DeepEqual(err, serr) {
			t.Errorf("%q: next = %s, want %s", in, show(next, err), show(wantNext, serr))
		}
	}
}
