package tweet

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The official twitter-text conformance suite is loaded at test time (never
// copied into the repository), from $TWEETPAY_CONFORMANCE_DIR or else
// <module root>/../shared/twitter-text-conformance.

type conformanceCase struct {
	Description string `yaml:"description"`
	Text        string `yaml:"text"`
	Expected    any    `yaml:"expected"`
}

type conformanceFile struct {
	Tests map[string][]conformanceCase `yaml:"tests"`
}

func conformanceDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("TWEETPAY_CONFORMANCE_DIR")
	if dir == "" {
		root, err := moduleRoot()
		if err != nil {
			t.Fatal(err)
		}
		dir = filepath.Join(root, "..", "shared", "twitter-text-conformance")
	}
	if _, err := os.Stat(filepath.Join(dir, "extract.yml")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("conformance suite not found in %s (set TWEETPAY_CONFORMANCE_DIR): %v", dir, err)
		}
		t.Skipf("conformance suite not found in %s (set TWEETPAY_CONFORMANCE_DIR)", dir)
	}
	return dir
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above %s", dir)
		}
		dir = parent
	}
}

func loadConformance(t *testing.T, name string) map[string][]conformanceCase {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(conformanceDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	var f conformanceFile
	if err := yaml.Unmarshal(data, &f); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return f.Tests
}

// expectedList turns a YAML list of strings into []string ([] for null).
func expectedStrings(t *testing.T, v any) []string {
	t.Helper()
	out := []string{}
	if v == nil {
		return out
	}
	l, ok := v.([]any)
	if !ok {
		t.Fatalf("expected a list, got %T", v)
	}
	for _, x := range l {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

// indexed is one expected entity with indices.
type indexed struct {
	Value, Slug string
	Start, End  int
}

func expectedIndexed(t *testing.T, v any, key string) []indexed {
	t.Helper()
	out := []indexed{}
	l, _ := v.([]any)
	for _, x := range l {
		m, ok := x.(map[string]any)
		if !ok {
			t.Fatalf("expected a map, got %T", x)
		}
		ind, _ := m["indices"].([]any)
		if len(ind) != 2 {
			t.Fatalf("bad indices %v", m["indices"])
		}
		e := indexed{Value: fmt.Sprint(m[key]), Start: ind[0].(int), End: ind[1].(int)}
		if s, ok := m["list_slug"]; ok {
			e.Slug = fmt.Sprint(s)
		}
		out = append(out, e)
	}
	return out
}

func values(es []Entity) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.Value)
	}
	return out
}

// utf16Indexed converts entities to the UTF-16 indices the suite uses.
func utf16Indexed(text string, es []Entity, slugs bool) []indexed {
	out := []indexed{}
	for _, e := range es {
		s, en := UTF16Range(text, e.Start, e.End)
		x := indexed{Value: e.Value, Start: s, End: en}
		if slugs {
			x.Slug = e.ListSlug
		}
		out = append(out, x)
	}
	return out
}

func mentionsOnly(es []Entity) []Entity {
	out := []Entity{}
	for _, e := range es {
		if e.ListSlug == "" {
			out = append(out, e)
		}
	}
	return out
}

func TestConformanceExtract(t *testing.T) {
	sections := loadConformance(t, "extract.yml")
	runners := map[string]func(t *testing.T, c conformanceCase){
		"mentions": func(t *testing.T, c conformanceCase) {
			check(t, values(mentionsOnly(Entities(c.Text, "mentions"))), expectedStrings(t, c.Expected))
		},
		"mentions_with_indices": func(t *testing.T, c conformanceCase) {
			check(t, utf16Indexed(c.Text, mentionsOnly(Entities(c.Text, "mentions")), false), expectedIndexed(t, c.Expected, "screen_name"))
		},
		"mentions_or_lists_with_indices": func(t *testing.T, c conformanceCase) {
			check(t, utf16Indexed(c.Text, Entities(c.Text, "mentions"), true), expectedIndexed(t, c.Expected, "screen_name"))
		},
		"replies": func(t *testing.T, c conformanceCase) {
			want := ""
			if c.Expected != nil {
				want = fmt.Sprint(c.Expected)
			}
			check(t, ReplyTo(c.Text), want)
		},
		"urls": func(t *testing.T, c conformanceCase) {
			check(t, values(Entities(c.Text, "urls")), expectedStrings(t, c.Expected))
		},
		"urls_with_indices": func(t *testing.T, c conformanceCase) {
			check(t, utf16Indexed(c.Text, Entities(c.Text, "urls"), false), expectedIndexed(t, c.Expected, "url"))
		},
		"hashtags": func(t *testing.T, c conformanceCase) {
			check(t, values(Entities(c.Text, "hashtags")), expectedStrings(t, c.Expected))
		},
		"hashtags_with_indices": func(t *testing.T, c conformanceCase) {
			check(t, utf16Indexed(c.Text, Entities(c.Text, "hashtags"), false), expectedIndexed(t, c.Expected, "hashtag"))
		},
		"cashtags": func(t *testing.T, c conformanceCase) {
			check(t, values(Entities(c.Text, "cashtags")), expectedStrings(t, c.Expected))
		},
		"cashtags_with_indices": func(t *testing.T, c conformanceCase) {
			check(t, utf16Indexed(c.Text, Entities(c.Text, "cashtags"), false), expectedIndexed(t, c.Expected, "cashtag"))
		},
	}
	runners["urls_with_directional_markers"] = runners["urls_with_indices"]
	runners["tco_urls_with_params"] = runners["urls"]
	runners["hashtags_from_astral"] = runners["hashtags"]
	total := runSections(t, sections, runners)
	if total != 238 {
		t.Errorf("ran %d extract cases, want 238", total)
	}
}

func TestConformanceValidate(t *testing.T) {
	sections := loadConformance(t, "validate.yml")
	weighted := func(cfg Config) func(t *testing.T, c conformanceCase) {
		return func(t *testing.T, c conformanceCase) {
			m, ok := c.Expected.(map[string]any)
			if !ok {
				t.Fatalf("expected a map, got %T", c.Expected)
			}
			l := ParseLength(c.Text, cfg)
			got := map[string]any{
				"weightedLength": l.WeightedLength, "valid": l.Valid, "permillage": l.Permillage,
				"displayRangeStart": l.DisplayRange[0], "displayRangeEnd": l.DisplayRange[1],
				"validRangeStart": l.ValidRange[0], "validRangeEnd": l.ValidRange[1],
			}
			check(t, got, m)
		}
	}
	boolCase := func(f func(string) bool) func(t *testing.T, c conformanceCase) {
		return func(t *testing.T, c conformanceCase) {
			want, ok := c.Expected.(bool)
			if !ok {
				t.Fatalf("expected a bool, got %T", c.Expected)
			}
			check(t, f(c.Text), want)
		}
	}
	runners := map[string]func(t *testing.T, c conformanceCase){
		"tweets":    boolCase(func(s string) bool { return ParseLength(s, ConfigV1()).Valid }),
		"usernames": boolCase(IsValidUsername),
		"lists":     boolCase(IsValidList),
		"hashtags": boolCase(func(s string) bool {
			tag, ok := strings.CutPrefix(s, "#")
			return ok && IsValidHashtag(tag)
		}),
		"urls":                      boolCase(func(s string) bool { return IsValidURL(s, true, true) }),
		"urls_without_protocol":     boolCase(func(s string) bool { return IsValidURL(s, true, false) }),
		"WeightedTweetsCounterTest": weighted(ConfigV2()),
		"WeightedTweetsWithDiscountedEmojiCounterTest": weighted(ConfigV3()),
		"UnicodeDirectionalMarkerCounterTest":          weighted(ConfigV3()),
	}
	total := runSections(t, sections, runners)
	if total != 97 {
		t.Errorf("ran %d validate cases, want 97", total)
	}
}

func runSections(t *testing.T, sections map[string][]conformanceCase, runners map[string]func(*testing.T, conformanceCase)) int {
	t.Helper()
	total := 0
	for name, cases := range sections {
		run, ok := runners[name]
		if !ok {
			t.Errorf("no runner for section %q (%d cases)", name, len(cases))
			continue
		}
		for _, c := range cases {
			total++
			t.Run(name+"/"+c.Description, func(t *testing.T) {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("panic on %q: %v", c.Text, p)
					}
				}()
				run(t, c)
			})
		}
	}
	return total
}

func check(t *testing.T, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
}

func TestConformanceTLDs(t *testing.T) {
	sections := loadConformance(t, "tlds.yml")
	urls := func(t *testing.T, c conformanceCase) {
		check(t, values(Entities(c.Text, "urls")), expectedStrings(t, c.Expected))
	}
	runners := map[string]func(t *testing.T, c conformanceCase){"country": urls, "generic": urls}
	total := runSections(t, sections, runners)
	if total != 1574 {
		t.Errorf("ran %d tlds cases, want 1574", total)
	}
}

// The TLD lists are generated from the suite's tld_lib.yml (go generate):
// this fails when the two drift apart.
func TestConformanceTLDLib(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(conformanceDir(t), "tld_lib.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var lib struct {
		Country []string `yaml:"country"`
		Generic []string `yaml:"generic"`
	}
	if err := yaml.Unmarshal(data, &lib); err != nil {
		t.Fatal(err)
	}
	check(t, countryTLDs, lib.Country)
	check(t, genericTLDs, lib.Generic)
}

// ConfigV1, ConfigV2 and ConfigV3 are the suite's config/v1.json, v2.json
// and v3.json.
func TestConformanceConfigs(t *testing.T) {
	dir := conformanceDir(t)
	for v := 1; v <= 3; v++ {
		data, err := os.ReadFile(filepath.Join(dir, "config", fmt.Sprintf("v%d.json", v)))
		if err != nil {
			t.Fatal(err)
		}
		var j struct {
			Version                int           `json:"version"`
			MaxWeightedTweetLength int           `json:"maxWeightedTweetLength"`
			Scale                  int           `json:"scale"`
			DefaultWeight          int           `json:"defaultWeight"`
			EmojiParsingEnabled    bool          `json:"emojiParsingEnabled"`
			TransformedURLLength   int           `json:"transformedURLLength"`
			Ranges                 []WeightRange `json:"ranges"`
		}
		if err := json.Unmarshal(data, &j); err != nil {
			t.Fatalf("v%d.json: %v", v, err)
		}
		want := Config(j)
		if len(want.Ranges) == 0 {
			want.Ranges = nil
		}
		got, _ := ConfigVersion(v)
		check(t, got, want)
	}
}
