package simulate

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/payment"
	"github.com/tweetpay/tweetpay/pkg/scenario"
	"github.com/tweetpay/tweetpay/pkg/shop"
	"github.com/tweetpay/tweetpay/pkg/tweet"
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

func TestReadTweetsOverrides(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	one := write("one.json", `{"id":"p1","from":"@alice","text":"#BuyBlueMug","created_at":"2026-11-24T11:00:00Z"}`)
	two := write("two.json", `{"tweet_create_events":[`+
		`{"created_at":"Tue Nov 24 10:05:00 +0000 2026","id_str":"1","text":"#BuyBlueMug","user":{"id_str":"2","screen_name":"bob"}},`+
		`{"created_at":"Tue Nov 24 10:06:00 +0000 2026","id_str":"3","text":"#BuyBlueMug","user":{"id_str":"4","screen_name":"alice"}}]}`)
	untimed := write("untimed.json", `{"data":[{"id":"1","text":"#BuyBlueMug","author_id":"2"},{"id":"3","text":"#BuyBlueMug","author_id":"4"}],`+
		`"includes":{"users":[{"id":"2","username":"bob"},{"id":"4","username":"alice"}]}}`)
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, file, id, at string
		wantIDs            []string
		wantAt             time.Time
		flagErr            string
	}{
		{name: "one tweet as it is", file: one, wantIDs: []string{"p1"}, wantAt: time.Date(2026, 11, 24, 11, 0, 0, 0, time.UTC)},
		{name: "one tweet, --id and --at replace", file: one, id: "x", at: "2026-12-01T00:00:00Z", wantIDs: []string{"x"}, wantAt: at},
		{name: "several as they are", file: two, wantIDs: []string{"1", "3"}},
		{name: "several with --id", file: two, id: "x", flagErr: "--id cannot be used with a payload of several tweets"},
		{name: "several with --at", file: two, at: "2026-12-01T00:00:00Z", flagErr: "--at cannot be used with a payload of several tweets"},
		{name: "several untimed with --at", file: untimed, at: "2026-12-01T00:00:00Z", wantIDs: []string{"1", "3"}, wantAt: at},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			tws, err := readTweets(&TweetOptions{IO: ios, File: tc.file, ID: tc.id, At: tc.at})
			if tc.flagErr != "" {
				var fe *cmdutil.FlagError
				if !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.flagErr) {
					t.Errorf("error %v, want a FlagError with %q", err, tc.flagErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, tw := range tws {
				ids = append(ids, tw.ID)
				if !tc.wantAt.IsZero() && !tw.At.Equal(tc.wantAt) {
					t.Errorf("tweet %s at %v, want %v", tw.ID, tw.At, tc.wantAt)
				}
			}
			if !slices.Equal(ids, tc.wantIDs) {
				t.Errorf("IDs %v, want %v", ids, tc.wantIDs)
			}
		})
	}
}

// One author has one derived ID however the handle is spelled.
func TestDeriveIDSpellings(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	want := DeriveID("@alice", "#BuyMug", at)
	for _, from := range []string{"alice", "@Alice", "＠alice", " @alice "} {
		if got := DeriveID(from, "#BuyMug", at); got != want {
			t.Errorf("DeriveID(%q) = %s, want %s as for @alice", from, got, want)
		}
	}
}

// endless is an input that never ends (an endless pipe, /dev/zero), and
// counts what was read of it.
type endless struct{ read int }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	e.read += len(p)
	return len(p), nil
}

// Input over its limit is refused once the limit is passed, never read
// whole, and the message claims no size that was not measured.
func TestReadTweetsInputLimits(t *testing.T) {
	t.Run("payload on standard input", func(t *testing.T) {
		ios, _, _, _ := iostreams.Test()
		in := &endless{}
		ios.In = in
		_, err := readTweets(&TweetOptions{IO: ios, File: "-"})
		want := "standard input: invalid tweet payload: payload is over the 1048576-byte limit"
		if !errors.Is(err, tweet.ErrPayload) || err == nil || err.Error() != want {
			t.Errorf("error %v, want %q", err, want)
		}
		if in.read > tweet.MaxPayloadInput+64<<10 {
			t.Errorf("read %d bytes of standard input, want no more than the limit (%d) and a buffer", in.read, tweet.MaxPayloadInput)
		}
	})
	t.Run("text on standard input", func(t *testing.T) {
		ios, _, _, _ := iostreams.Test()
		in := &endless{}
		ios.In = in
		_, err := readTweets(&TweetOptions{IO: ios, From: "@alice", Text: "-"})
		want := "bad tweet: the tweet text on standard input is over 1048576 bytes"
		if !errors.Is(err, shop.ErrBadTweet) || err == nil || err.Error() != want {
			t.Errorf("error %v, want %q", err, want)
		}
		if in.read > maxStdinText+64<<10 {
			t.Errorf("read %d bytes of standard input, want no more than the limit (%d) and a buffer", in.read, maxStdinText)
		}
	})

	dir := t.TempDir()
	plain := `{"id":"p1","from":"@alice","text":"#BuyBlueMug","created_at":"2026-11-24T11:00:00Z"}`
	write := func(name string, body []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, body, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// The largest payload taken, after a byte order mark, is read.
	largest := append([]byte("\ufeff"+plain), bytes.Repeat([]byte(" "), tweet.MaxPayloadBytes-len(plain))...)
	if tws, err := readTweets(&TweetOptions{File: write("largest.json", largest)}); err != nil || len(tws) != 1 {
		t.Errorf("largest payload: %d tweets, %v", len(tws), err)
	}
	over := write("over.json", append([]byte(plain), bytes.Repeat([]byte(" "), 3<<20)...))
	_, err := readTweets(&TweetOptions{File: over})
	want := fmt.Sprintf("%s: invalid tweet payload: payload is %d bytes, over the 1048576-byte limit", over, len(plain)+3<<20)
	if !errors.Is(err, tweet.ErrPayload) || err == nil || err.Error() != want {
		t.Errorf("file over the limit: error %v, want %q", err, want)
	}
	_, err = readTweets(&TweetOptions{File: dir})
	if !errors.Is(err, shop.ErrBadTweet) || err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("a directory: error %v", err)
	}
}
