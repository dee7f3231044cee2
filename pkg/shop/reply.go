package shop

import (
	"fmt"
	"strings"
	"time"

	"github.com/tweetpay/tweetpay/pkg/offer"
	"github.com/tweetpay/tweetpay/pkg/tweet"
)

// The merchant bot's replies. Each is valid at 280 weighted characters: a
// long offer name is shortened with an ellipsis until the reply fits, and a
// reply that names more than fits (many recipients or countries, long
// hashtags) falls back to a shorter form that leaves them out.

func replyPurchased(to string, o offer.Resolved) string {
	return fit(o.Name, func(name string) string {
		return fmt.Sprintf("@%s Thank you! Your %s (%s) is paid and on its way.", to, name, o.Price)
	})
}

func replyAwaiting(to string, o offer.Resolved, left time.Duration) string {
	return fit(o.Name, func(name string) string {
		return fmt.Sprintf("@%s Confirm %s for %s: tweet #%s within %s.", to, name, o.Price, o.ConfirmTag, humanDuration(left))
	}, func(name string) string {
		return fmt.Sprintf("@%s Confirm %s: tweet #%s within %s.", to, name, o.ConfirmTag, humanDuration(left))
	})
}

func replyConfirmed(to string, o offer.Resolved) string {
	return fit(o.Name, func(name string) string {
		return fmt.Sprintf("@%s Confirmed: %s for %s is yours. Thank you!", to, name, o.Price)
	})
}

func replyExpired(to string, o offer.Resolved) string {
	return fit(o.Name, func(name string) string {
		return fmt.Sprintf("@%s Your request for %s expired before it was confirmed. Tweet #%s to start again.", to, name, o.Tag)
	}, func(name string) string {
		return fmt.Sprintf("@%s Your request for %s expired before it was confirmed.", to, name)
	})
}

func replyCanceled(to string, o offer.Resolved) string {
	return fit(o.Name, func(name string) string {
		return fmt.Sprintf("@%s Your request for %s was cancelled before it was confirmed. Tweet #%s to start again.", to, name, o.Tag)
	}, func(name string) string {
		return fmt.Sprintf("@%s Your request for %s was cancelled before it was confirmed.", to, name)
	})
}

func replyDeclined(to string, o offer.Resolved, code, decline string) string {
	why := code
	if decline != "" {
		why = decline
	}
	why = strings.ReplaceAll(why, "_", " ")
	return fit(o.Name, func(name string) string {
		return fmt.Sprintf("@%s Sorry, your card was declined (%s) for %s. Update your card and try again.", to, why, name)
	})
}

func replyGifted(from string, o offer.Resolved, to []string) string {
	mentions := "@" + strings.Join(to, " @")
	return fit(o.Name, func(name string) string {
		return fmt.Sprintf("%s @%s sent you a %s (%s)! Check your messages for the code.", mentions, from, name, o.Price)
	}, func(name string) string {
		return fmt.Sprintf("@%s Your %s (%s) is on its way to %d friends: each will find the code in their messages.", from, name, o.Price, len(to))
	})
}

func replyRejected(to string, o offer.Resolved, reason string) string {
	return fit(o.Name, func(name string) string {
		switch reason {
		case ReasonNotLinked:
			return fmt.Sprintf("@%s Link a card to your account to buy %s with a tweet.", to, name)
		case ReasonCountryNotAllowed:
			return fmt.Sprintf("@%s Sorry, %s is available in %s only.", to, name, strings.Join(o.Countries, ", "))
		case ReasonSoldOut:
			return fmt.Sprintf("@%s Sorry, %s is sold out.", to, name)
		case ReasonLimitReached:
			return fmt.Sprintf("@%s You have reached the limit for %s: %d per buyer.", to, name, o.PerBuyerLimit)
		case ReasonOfferInactive:
			return fmt.Sprintf("@%s Sorry, %s is not on sale right now.", to, name)
		case ReasonNoPending:
			return fmt.Sprintf("@%s There is no purchase of %s waiting for #%s. Tweet #%s to start one.", to, name, o.ConfirmTag, o.Tag)
		case ReasonNoRecipient:
			return fmt.Sprintf("@%s Who is the %s for? Tweet @%s to @friend.", to, name, o.Tag)
		}
		return ""
	}, func(name string) string {
		switch reason {
		case ReasonCountryNotAllowed:
			return fmt.Sprintf("@%s Sorry, %s is not available in your country.", to, name)
		case ReasonNoPending:
			return fmt.Sprintf("@%s There is no purchase of %s waiting for your confirmation.", to, name)
		}
		return ""
	})
}

// humanDuration writes the time a buyer has left, never more than d: a
// reply that promised 15 minutes with 14m30s left would have the buyer
// confirm too late. So part of a minute is left out ("14 minutes"), and
// under a minute the seconds are given.
func humanDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0 minutes"
	case d%time.Hour == 0 && d >= time.Hour:
		if d == time.Hour {
			return "1 hour"
		}
		return fmt.Sprintf("%d hours", d/time.Hour)
	case d >= time.Minute:
		m := int(d / time.Minute)
		if m == 1 {
			return "1 minute"
		}
		return fmt.Sprintf("%d minutes", m)
	}
	if s := int(d / time.Second); s != 1 {
		return fmt.Sprintf("%d seconds", s)
	}
	return "1 second"
}

// fit builds a tweet with the first form that is valid at 280 weighted
// characters with the full name, else with the first that is with the
// longest shortening of the name that fits. A form that builds "" is
// skipped; the last form is used as best it can be when none fits.
func fit(name string, forms ...func(string) string) string {
	for _, build := range forms {
		if t := build(name); t != "" && tweet.Valid(t) {
			return t
		}
	}
	text := ""
	for _, build := range forms {
		t := fitName(name, build)
		if t == "" {
			continue
		}
		if text = t; tweet.Valid(t) {
			break
		}
	}
	return text
}

// fitName builds a tweet with the full name, then with ever shorter forms of
// it, until the text is valid at 280 weighted characters.
func fitName(name string, build func(string) string) string {
	text := build(name)
	if text == "" || tweet.Valid(text) {
		return text
	}
	runes := []rune(name)
	lo, hi := 0, len(runes)
	best := build("…")
	for lo < hi {
		mid := (lo + hi) / 2
		t := build(string(runes[:mid]) + "…")
		if tweet.Valid(t) {
			best, lo = t, mid+1
		} else {
			hi = mid
		}
	}
	return best
}
