package tweet

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// The fast paths of IsValidUsername and SameTag answer as the extractor and
// NormalizeTag do.
func TestMatchFastPathsAgree(t *testing.T) {
	const alphabet = "abcXYZ019_-#@.é＠ "
	runes := []rune(alphabet)
	rng := rand.New(rand.NewPCG(1, 2))
	random := func() string {
		var b strings.Builder
		for range rng.IntN(24) {
			b.WriteRune(runes[rng.IntN(len(runes))])
		}
		return b.String()
	}
	plain := 0
	for range 20000 {
		h := random()
		if h == "" {
			continue
		}
		if isPlainUsername(strings.TrimPrefix(h, "@")) {
			plain++
		}
		if got, want := IsValidUsername(h), extractsAsMention(h); got != want {
			t.Errorf("IsValidUsername(%q) = %v, the extractor says %v", h, got, want)
		}
		a, b := random(), random()
		if rng.IntN(2) == 0 {
			b = strings.ToUpper(a)
		}
		if got, want := SameTag(a, b), NormalizeTag(a) == NormalizeTag(b); got != want {
			t.Errorf("SameTag(%q, %q) = %v, NormalizeTag says %v", a, b, got, want)
		}
	}
	if plain < 100 {
		t.Fatalf("only %d plain usernames generated: the fast path went untested", plain)
	}
	for _, h := range []string{"a", "@a", "abcdefghij0123456789", "@abcdefghij0123456789"} {
		if !IsValidUsername(h) {
			t.Errorf("IsValidUsername(%q) = false", h)
		}
	}
	for _, h := range []string{"@", "@@a", "abcdefghij0123456789x", "a-b"} {
		if IsValidUsername(h) {
			t.Errorf("IsValidUsername(%q) = true", h)
		}
	}
}
