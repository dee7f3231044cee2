package offer

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/clipperhouse/uax29/v2/graphemes"

	"github.com/tweetpay/tweetpay/pkg/tweet"
)

// TweetText returns the tweet a merchant posts for the offer, for example
// "Blue Mug, $12.50. Tweet #BuyBlueMug to buy it with your linked card. Then
// confirm with #ConfirmBlueMug within 15 minutes. US only. Limited stock:
// 100." or, for a gift, "Send a friend a Coffee eGift ($5.00): tweet
// @tweetacoffee to @friend. US only.". The text is always a valid tweet of
// at most 280 weighted characters (twitter-text v3): when it is too long,
// the optional details (limits, end date) go first, then the wording gets
// shorter, and only then is the name cut with "…" at a character boundary.
// The text does not mention merchantHandle, the account that posts it: a
// tweet that mentions its own author wastes characters.
func TweetText(r Resolved, merchantHandle string) string {
	s, _ := tweetText(r)
	return s
}

// tweetText builds the text; fits is false when even the shortest wording
// with a one-character name did not fit and the text had to be cut, which
// Resolve refuses.
func tweetText(r Resolved) (text string, fits bool) {
	name := cleanName(r.Name)
	levels := layouts(r)
	for _, l := range levels {
		if s := l(name); valid(s) {
			return s, true
		}
	}
	g := splitGraphemes(name)
	for _, l := range levels {
		// The longest prefix of the name that fits, by bisection.
		lo, hi := 1, len(g)-1
		best := ""
		for lo <= hi {
			mid := (lo + hi) / 2
			s := l(strings.TrimRightFunc(strings.Join(g[:mid], ""), unicode.IsSpace) + "…")
			if valid(s) {
				best, lo = s, mid+1
			} else {
				hi = mid - 1
			}
		}
		if best != "" {
			return best, true
		}
	}
	// Nothing fits (only when the hashtags alone are too long): cut the
	// shortest wording itself so that the result is still a valid tweet.
	g = splitGraphemes(levels[len(levels)-1]("…"))
	for n := len(g); n > 0; n-- {
		if s := strings.Join(g[:n], ""); valid(s) {
			return s, false
		}
	}
	return "…", false
}

// nameFits reports whether the offer's tweet fits with its name cut to an
// ellipsis: when tweetText finds no fit, it tells a name that cannot be cut
// (a single grapheme cluster longer than a tweet) from hashtags that are
// too long.
func nameFits(r Resolved) bool {
	for _, l := range layouts(r) {
		if valid(l("…")) {
			return true
		}
	}
	return false
}

func valid(s string) bool {
	res := tweet.Parse(s)
	return res.Valid && res.WeightedLength <= 280
}

// cleanName collapses white space and drops control characters and the
// code points twitter-text refuses (U+FFFE, U+FEFF, U+FFFF).
func cleanName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\uFFFE' || r == '\uFEFF' || r == '\uFFFF':
			return -1
		case unicode.IsControl(r) && !unicode.IsSpace(r):
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// firstGrapheme is the first user-perceived character of a name, as the
// offer's tweet shows it.
func firstGrapheme(name string) string {
	if g := splitGraphemes(cleanName(name)); len(g) > 0 {
		return g[0]
	}
	return ""
}

func splitGraphemes(s string) []string {
	var out []string
	it := graphemes.FromString(s)
	for it.Next() {
		out = append(out, it.Value())
	}
	return out
}

// layouts returns the wordings of the offer tweet, longest first; each takes
// the (possibly shortened) name.
func layouts(r Resolved) []func(name string) string {
	price := r.Price.String()
	avail := availability(r.Countries)
	var extras []string
	if r.Stock > 0 {
		extras = append(extras, fmt.Sprintf("Limited stock: %d.", r.Stock))
	}
	if r.PerBuyerLimit > 0 {
		extras = append(extras, fmt.Sprintf("Limit %d per buyer.", r.PerBuyerLimit))
	}
	if !r.Ends.IsZero() {
		extras = append(extras, "Ends "+r.Ends.UTC().Format("2006-01-02 15:04")+" UTC.")
	}
	join := func(parts ...string) string {
		var b strings.Builder
		for _, p := range parts {
			if p == "" {
				continue
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(p)
		}
		return b.String()
	}
	all := strings.Join(extras, " ")
	if r.Kind == Gift {
		return []func(string) string{
			func(n string) string {
				return join(fmt.Sprintf("Send a friend a %s (%s): tweet @%s to @friend.", n, price, r.Tag), avail, all)
			},
			func(n string) string {
				return join(fmt.Sprintf("Send a friend a %s (%s): tweet @%s to @friend.", n, price, r.Tag), avail)
			},
			func(n string) string {
				return join(fmt.Sprintf("%s (%s): tweet @%s to @friend.", n, price, r.Tag), avail)
			},
			func(n string) string { return fmt.Sprintf("%s %s: @%s to @friend", n, price, r.Tag) },
		}
	}
	confirm, short, tiny := "", "", ""
	if r.ConfirmTag != "" {
		w := humanWindow(r.Window)
		confirm = fmt.Sprintf("Then confirm with #%s within %s.", r.ConfirmTag, w)
		short = fmt.Sprintf(", then #%s within %s", r.ConfirmTag, w)
		tiny = fmt.Sprintf(" then #%s", r.ConfirmTag)
	}
	return []func(string) string{
		func(n string) string {
			return join(fmt.Sprintf("%s, %s. Tweet #%s to buy it with your linked card.", n, price, r.Tag), confirm, avail, all)
		},
		func(n string) string {
			return join(fmt.Sprintf("%s, %s. Tweet #%s to buy it with your linked card.", n, price, r.Tag), confirm, avail)
		},
		func(n string) string {
			return join(fmt.Sprintf("%s, %s. Tweet #%s to buy%s.", n, price, r.Tag, short), avail)
		},
		func(n string) string { return fmt.Sprintf("%s %s: #%s%s", n, price, r.Tag, tiny) },
	}
}

// availability writes "US only.", "US and CA only." or "US, CA and MX
// only."; more than five countries are counted instead of listed.
func availability(cs []string) string {
	switch n := len(cs); {
	case n == 0:
		return ""
	case n == 1:
		return cs[0] + " only."
	case n <= 5:
		return strings.Join(cs[:n-1], ", ") + " and " + cs[n-1] + " only."
	default:
		return "In " + strconv.Itoa(n) + " countries only."
	}
}

// humanWindow writes a window as "15 minutes", "1 hour" or "7 days".
func humanWindow(d time.Duration) string {
	unit := func(n int64, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.FormatInt(n, 10) + " " + one + "s"
	}
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return unit(int64(d/(24*time.Hour)), "day")
	case d >= time.Hour && d%time.Hour == 0:
		return unit(int64(d/time.Hour), "hour")
	case d%time.Minute == 0:
		return unit(int64(d/time.Minute), "minute")
	}
	return d.String()
}
