package config

import (
	"errors"
	"runtime"
	"slices"
	"testing"
	"weak"

	"go.yaml.in/yaml/v3"

	"github.com/tweetpay/tweetpay/internal/yamlcheck"
)

// TestEntryLinesAsValue: the lines recorded of an entry are those that
// yamlcheck.Value finds in its node, for every field, through aliases, of
// a key written twice the first, and for a field that names nothing the
// entry's own.
func TestEntryLinesAsValue(t *testing.T) {
	file := `anchors:
  - &base
    hashtag: BuyBase
    name: Base
  - &conf
    hashtag: ConfirmX
    window: 20m
  - &cs [US, CA]
  - &buyer {handle: "@base", card: visa}
offers:
  - hashtag: BuyMug
    name: Mug
    price: "5"
    countries: [US, CA, GB]
    confirm: {hashtag: C, window: 1m}
  - *base
  - hashtag: BuyCup
    countries: *cs
    confirm: *conf
    price: ~
    stock:
  - hashtag: BuyA
    countries:
      - US
      - &g GB
      - *g
    confirm: ~
    name: A
    name: B
    countries: [FR, DE, IT, ES]
    confirm: {window: 2m}
  - gift_handle: x
    confirm:
      window: 5m
      window: 6m
    starts: 2025-01-01
    archived: true
  - {}
buyers:
  - {handle: "@alice", card: visa}
  - handle: "@bob"
    card: visa
    country: *g
    user_id: 12
  - *buyer
`
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(file), &doc); err != nil {
		t.Fatal(err)
	}
	fields := []string{"", ".", "nope", "price", "price.x", "name", "name[0]", "stock", "starts", "archived", "gift_handle",
		"hashtag", "per_buyer_limit", "countries", "countries[0]", "countries[1]", "countries[2]", "countries[3]",
		"countries[01]", "countries[+1]", "countries[-0]", "countries[-1]", "countries[x]", "countries[1", "countries[0].x",
		"confirm", "confirm.", "confirm.hashtag", "confirm.window", "confirm.nope", "confirm.hashtag.x", "confirm[0]",
		"handle", "card", "country", "user_id"}
	for _, list := range []struct {
		key    string
		schema *yamlcheck.Field
	}{{"offers", yamlcheck.Offer}, {"buyers", yamlcheck.Buyer}} {
		seq := yamlcheck.MapValue(doc.Content[0], list.key)
		var l entryLines
		paths := map[string]int32{}
		for _, n := range seq.Content {
			l.add(n, list.schema, paths)
		}
		for i, n := range seq.Content {
			for _, f := range fields {
				want := n.Line
				if v := yamlcheck.Value(n, f); v != nil {
					want = v.Line
				}
				if got := l.line(i, f); got != want {
					t.Errorf("%s[%d] %q: line %d, want %d", list.key, i, f, got, want)
				}
			}
		}
	}
}

// TestLoadKeepsNoYAMLNode: once Load or Check returns, nothing of the
// parsed file is still reachable from the Config: the lines its errors
// name were taken when the offers and buyers were decoded. A file of
// thousands of buyers would otherwise keep its node tree, many times the
// size of the entries, for as long as the Config.
func TestLoadKeepsNoYAMLNode(t *testing.T) {
	file := `merchant:
  handle: "@shop"
offers:
  - hashtag: BuyMug
    name: Mug
    price: "abc"
    countries: [US, ZZ]
    confirm:
      hashtag: ConfirmMug
      window: 30s
  - hashtag: BuyCup
    name: Cup
    price: "1.00"
buyers:
  - {handle: "@alice", card: visa}
  - handle: "@shop"
    card: visa
`
	var nodes []weak.Pointer[yaml.Node]
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		nodes = append(nodes, weak.Make(n))
		for _, c := range n.Content {
			walk(c)
		}
	}
	defer func(f func([]byte) (*yaml.Node, *yaml.Node, error)) { parseDocuments = f }(parseDocuments)
	parseDocuments = func(data []byte) (*yaml.Node, *yaml.Node, error) {
		first, next, err := yamlcheck.Documents(data)
		for _, n := range []*yaml.Node{first, next} {
			if n != nil {
				walk(n)
			}
		}
		return first, next, err
	}
	for name, f := range map[string]func(*testing.T, string, map[string]string, ...string) (*Config, error){"Load": load, "Check": check} {
		t.Run(name, func(t *testing.T) {
			nodes = nil
			c, _ := f(t, file, nil)
			if c == nil || len(c.Offers) != 2 || len(c.Buyers) != 2 || len(nodes) < 40 {
				t.Fatalf("%s read %v, from %d nodes", name, c, len(nodes))
			}
			for i := 0; i < 5 && slices.ContainsFunc(nodes, func(p weak.Pointer[yaml.Node]) bool { return p.Value() != nil }); i++ {
				runtime.GC()
			}
			if kept := len(slices.DeleteFunc(slices.Clone(nodes), func(p weak.Pointer[yaml.Node]) bool { return p.Value() == nil })); kept > 0 {
				t.Errorf("%d of the file's %d nodes are still reachable after %s", kept, len(nodes), name)
			}
			// The lines are still known.
			_, err := c.ResolveOffers()
			var ps Problems
			if !errors.As(err, &ps) || len(ps) != 3 || ps[0].Line != 6 || ps[1].Line != 7 || ps[2].Line != 10 {
				t.Errorf("ResolveOffers = %v", err)
			}
			if err := c.ValidateBuyers(); !errors.As(err, &ps) || len(ps) != 1 || ps[0].Line != 16 {
				t.Errorf("ValidateBuyers = %v", err)
			}
			runtime.KeepAlive(c)
		})
	}
}
