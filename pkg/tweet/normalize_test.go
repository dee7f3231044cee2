package tweet

import (
	"sync"
	"testing"
)

// TestNormalizeTagConcurrent: the engine compares tags from many goroutines
// at once; under -race this proves no state is shared between calls.
func TestNormalizeTagConcurrent(t *testing.T) {
	cases := map[string]string{"ＢｕｙＭｕｇ": "buymug", "#Straße": "strasse", "ÇAY": "çay", "BuyMug": "buymug"}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				for in, want := range cases {
					if got := NormalizeTag(in); got != want {
						t.Errorf("NormalizeTag(%q) = %q, want %q", in, got, want)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}
