package simulate

import (
	"errors"
	"testing"

	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/payment"
	"github.com/tweetpay/tweetpay/pkg/scenario"
	"github.com/tweetpay/tweetpay/pkg/shop"
)

func strp(s string) *string { return &s }

func TestExitFor(t *testing.T) {
	bought := shop.Result{TweetID: "1", Outcome: shop.Purchased}
	declined := shop.Result{TweetID: "2", Outcome: shop.Declined, ErrorCode: strp("card_declined"), DeclineCode: strp("insufficient_funds")}
	declined3 := shop.Result{TweetID: "3", Outcome: shop.Declined, ErrorCode: strp("card_declined")}
	ignored := shop.Result{TweetID: "4", Outcome: shop.Ignored}
	for _, tc := range []struct {
		name    string
		expect  string
		results []shop.Result
		is      error
		msg     string
	}{
		{"all as expected", shop.Purchased, []shop.Result{bought, bought}, nil, ""},
		{"no expectation, no decline", "", []shop.Result{bought, ignored}, nil, ""},
		{"one decline", "", []shop.Result{declined}, payment.ErrDeclined, "tweet 2: payment declined (card_declined, insufficient_funds)"},
		{"declines among several", "", []shop.Result{bought, declined, declined3}, payment.ErrDeclined,
			"tweet 2: payment declined (card_declined, insufficient_funds); tweet 3: payment declined (card_declined)"},
		{"an expected decline", shop.Declined, []shop.Result{declined}, nil, ""},
		{"one of several differs", shop.Purchased, []shop.Result{bought, ignored}, scenario.ErrExpectation,
			"expectation not met: tweet 4: outcome ignored, expected purchased"},
		{"an expectation beats a decline", shop.Purchased, []shop.Result{declined, ignored}, scenario.ErrExpectation,
			"expectation not met: tweet 2: outcome declined, expected purchased; tweet 4: outcome ignored, expected purchased"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := exitFor(tc.expect, tc.results)
			if tc.is == nil {
				if err != nil {
					t.Errorf("error %v, want none", err)
				}
				return
			}
			if !errors.Is(err, tc.is) || err.Error() != tc.msg {
				t.Errorf("error %v, want %q matching %v", err, tc.msg, tc.is)
			}
			if tc.is == scenario.ErrExpectation && errors.Is(err, payment.ErrDeclined) {
				t.Errorf("an unmet expectation also matches ErrDeclined: %v", err)
			}
		})
	}
}

func TestPrintResultsJSON(t *testing.T) {
	one := []shop.Result{{TweetID: "1", Outcome: shop.Purchased}}
	two := append(one, shop.Result{TweetID: "2", Outcome: shop.Ignored})
	for _, tc := range []struct {
		name    string
		results []shop.Result
		several bool
		first   string
	}{
		{"one tweet: an object", one, false, "{"},
		{"several tweets: an array", two, true, "["},
		{"several, stopped after the first: still an array", one, true, "["},
		{"nothing processed: nothing printed", nil, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ios, _, out, _ := iostreams.Test()
			if err := printResults(&TweetOptions{IO: ios, Output: output.JSON}, tc.results, tc.several); err != nil {
				t.Fatal(err)
			}
			got := out.String()
			if tc.first == "" {
				if got != "" {
					t.Errorf("printed %q", got)
				}
				return
			}
			if len(got) == 0 || got[:1] != tc.first {
				t.Errorf("output starts %q, want %q: %s", got[:min(len(got), 1)], tc.first, got)
			}
		})
	}
}
