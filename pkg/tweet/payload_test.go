package tweet

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadPayloadExamples(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		file string
		want []Tweet
	}{
		{"v2_purchase.json", []Tweet{{
			ID: "1900000000000000501", From: "carol_t", AuthorID: "2900000000000000007",
			Text: "@bluemugco one please 🎁 #BuyBlueMug", CreatedAt: at, InReplyTo: "1900000000000000400",
			InReplyToUserID: "2900000000000000001", Format: FormatV2,
		}}},
		{"activity_purchase.json", []Tweet{{
			ID: "1900000000000000501", From: "carol_t", AuthorID: "2900000000000000007",
			Text: "@bluemugco one please & fast 🎁 #BuyBlueMug", CreatedAt: at, InReplyTo: "1900000000000000400",
			InReplyToUserID: "2900000000000000001", Format: FormatActivity, ForUserID: "2900000000000000001",
		}, {
			ID: "1900000000000000502", From: "bluemugco", AuthorID: "2900000000000000001",
			Text: "@carol_t Confirm Blue Mug $12.50: tweet #ConfirmBlueMug within 15 min", CreatedAt: at.Add(5 * time.Minute),
			InReplyTo: "1900000000000000501", Format: FormatActivity, ForUserID: "2900000000000000001",
		}}},
		{"activity_gift.json", []Tweet{{
			ID: "1900000000000000777", From: "carol_t", AuthorID: "2900000000000000007",
			Text: "@tweetacoffee to @dave 🎉 happy birthday!", CreatedAt: at.Add(90 * time.Minute),
			InReplyToUserID: "2900000000000000003", Format: FormatActivity, ForUserID: "2900000000000000003",
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := ReadPayload(readTestdata(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			check(t, got, tt.want)
		})
	}
	// The entities of the payloads' texts are where the payloads say.
	tw, _ := ReadPayload(readTestdata(t, "v2_purchase.json"))
	r := Parse(tw[0].Text)
	check(t, r.Hashtags, []Entity{{Value: "BuyBlueMug", Start: 24, End: 35}})
	check(t, r.Mentions, []Entity{{Value: "bluemugco", Start: 0, End: 10}})
	tw, _ = ReadPayload(readTestdata(t, "activity_gift.json"))
	check(t, Parse(tw[0].Text).Mentions, []Entity{{Value: "tweetacoffee", Start: 0, End: 13}, {Value: "dave", Start: 17, End: 22}})
}

func TestReadPayloadShapes(t *testing.T) {
	tests := []struct {
		name, format, payload string
		want                  []Tweet
	}{
		{"plain", "auto", `{"id":"1","from":"@alice","text":"#BuyBlueMug","created_at":"2026-11-24T10:00:00Z"}`,
			[]Tweet{{ID: "1", From: "alice", Text: "#BuyBlueMug", CreatedAt: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC), Format: FormatPlain}}},
		{"plain numeric id, no time", "plain", `{"id":42,"from":"bob","text":"hi"}`,
			[]Tweet{{ID: "42", From: "bob", Text: "hi", Format: FormatPlain}}},
		{"plain RT text", "auto", `{"from":"bob","text":"RT @alice: #BuyBlueMug"}`,
			[]Tweet{{From: "bob", Text: "RT @alice: #BuyBlueMug", Format: FormatPlain, Retweet: true}}},
		{"bare v2", "auto", `{"id":"7","text":"x &amp; y","author_id":"99","referenced_tweets":[{"type":"retweeted","id":"6"}]}`,
			[]Tweet{{ID: "7", Text: "x &amp; y", AuthorID: "99", Format: FormatV2, Retweet: true}}},
		{"v2 data array", "v2", `{"data":[{"id":"1","text":"a","author_id":"5"},{"id":"2","text":"b","author_id":"6"}],"includes":{"users":[{"id":"6","username":"six"}]}}`,
			[]Tweet{{ID: "1", Text: "a", AuthorID: "5", Format: FormatV2}, {ID: "2", Text: "b", AuthorID: "6", From: "six", Format: FormatV2}}},
		{"v1 retweet", "auto", `{"id_str":"3","text":"RT @x: #Buy","user":{"id_str":"8","screen_name":"eve"},"retweeted_status":{"id_str":"2"}}`,
			[]Tweet{{ID: "3", Text: "RT @x: #Buy", From: "eve", AuthorID: "8", Format: FormatV1, Retweet: true}}},
		{"v1 extended", "v1", `{"id_str":"3","text":"short…","truncated":true,"extended_tweet":{"full_text":"long &lt;3 #BuyBlueMug"},"user":{"id_str":"8","screen_name":"eve"},"created_at":"Wed Oct 10 20:19:24 +0000 2018"}`,
			[]Tweet{{ID: "3", Text: "long <3 #BuyBlueMug", From: "eve", AuthorID: "8", Format: FormatV1, CreatedAt: time.Date(2018, 10, 10, 20, 19, 24, 0, time.UTC)}}},
		{"v1 full_text, numeric id only", "auto", `{"id":1850000000000000101,"full_text":"a &amp;amp; b","user":{"id":12,"screen_name":"Jack"}}`,
			[]Tweet{{ID: "1850000000000000101", Text: "a &amp; b", From: "Jack", AuthorID: "12", Format: FormatV1}}},
		{"v1 truncated retweet", "auto", `{"id_str":"4","text":"RT @x: so long …","truncated":true,"retweeted_status":{"id_str":"2"},"user":{"id_str":"8","screen_name":"eve"}}`,
			[]Tweet{{ID: "4", Text: "RT @x: so long …", From: "eve", AuthorID: "8", Format: FormatV1, Retweet: true}}},
		{"v1 truncated, full_text", "auto", `{"id_str":"5","text":"so long …","full_text":"so long #BuyBlueMug","truncated":true,"user":{"id_str":"8","screen_name":"eve"}}`,
			[]Tweet{{ID: "5", Text: "so long #BuyBlueMug", From: "eve", AuthorID: "8", Format: FormatV1}}},
		{"plain with v1.1's time", "auto", `{"id":"6","from":"bob","text":"hi","created_at":"Mon Nov 24 10:00:00 -0500 2026"}`,
			[]Tweet{{ID: "6", From: "bob", Text: "hi", Format: FormatPlain, CreatedAt: time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)}}},
		{"v1 with an RFC 3339 time", "auto", `{"id_str":"7","text":"hi","user":{"id_str":"8","screen_name":"eve"},"created_at":"2026-11-24T10:00:00.250+01:00"}`,
			[]Tweet{{ID: "7", Text: "hi", From: "eve", AuthorID: "8", Format: FormatV1, CreatedAt: time.Date(2026, 11, 24, 9, 0, 0, 250e6, time.UTC)}}},
		{"v2 with v1.1's time", "auto", `{"data":{"id":"9","text":"hi","author_id":"8","created_at":"Mon Nov 24 10:00:00 +0000 2026"}}`,
			[]Tweet{{ID: "9", Text: "hi", AuthorID: "8", Format: FormatV2, CreatedAt: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}}},
		{"empty activity", "auto", `{"for_user_id":"2244994945","tweet_create_events":[]}`, []Tweet{}},
		{"activity of favorites", "auto", `{"for_user_id":"1","favorite_events":[{"id":"a1","favorited_status":{"id_str":"5","text":"#BuyBlueMug","user":{"screen_name":"x"}}}]}`, []Tweet{}},
		{"activity of follows", "activity", `{"for_user_id":"1","follow_events":[{"type":"follow"}]}`, []Tweet{}},
		{"activity of tweets and follows", "auto", `{"for_user_id":"1","follow_events":[{"type":"follow"}],"tweet_create_events":[{"id_str":"3","text":"hi","user":{"id_str":"8","screen_name":"eve"}}]}`,
			[]Tweet{{ID: "3", Text: "hi", From: "eve", AuthorID: "8", Format: FormatActivity, ForUserID: "1"}}},
		{"v2 empty search page", "auto", `{"meta":{"result_count":0}}`, []Tweet{}},
		{"v2 empty data", "v2", `{"data":[],"meta":{"result_count":0}}`, []Tweet{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadPayloadFormat([]byte(tt.payload), tt.format)
			if err != nil {
				t.Fatal(err)
			}
			check(t, got, tt.want)
		})
	}
}

// notFound is a v2 lookup response that found none of its IDs.
const (
	notFoundErr = `{"value":"1","detail":"Could not find tweet with ids: [1].","title":"Not Found Error","resource_type":"tweet","parameter":"ids","resource_id":"1","type":"https://api.twitter.com/2/problems/resource-not-found"}`
	notFound    = `{"errors":[` + notFoundErr + `]}`
)

// TestResponseErrors: a v2 response with both data and errors (a lookup of
// several IDs, some not found) is read for its tweets, and its errors are
// there to be reported; a long error is quoted cut short.
func TestResponseErrors(t *testing.T) {
	partial := `{"data":[{"id":"2","text":"#BuyBlueMug","author_id":"42"}],"includes":{"users":[{"id":"42","username":"alice"}]},"errors":[` + notFoundErr + `]}`
	tws, err := ReadPayload([]byte(partial))
	if err != nil {
		t.Fatal(err)
	}
	check(t, tws, []Tweet{{ID: "2", Text: "#BuyBlueMug", From: "alice", AuthorID: "42", Format: FormatV2}})
	errs := ResponseErrors([]byte(partial))
	if got, want := DescribeAPIErrors(errs), `"Not Found Error: Could not find tweet with ids: [1]."`; got != want {
		t.Errorf("DescribeAPIErrors = %s, want %s", got, want)
	}
	for _, p := range []string{`{"id":"1","from":"a","text":"errors"}`, `{"data":{"id":"1","text":"x","author_id":"2"}}`, `{"errors":5}`} {
		if errs := ResponseErrors([]byte(p)); errs != nil {
			t.Errorf("ResponseErrors(%s) = %v, want none", p, errs)
		}
	}
	long := APIError{Title: "Not Found Error", Detail: "Could not find tweet with ids: [" + strings.Repeat("é,", 500) + "]."}
	if s := long.String(); utf8.RuneCountInString(s) != maxAPIErrorText+1 || !strings.HasSuffix(s, "é…") || !utf8.ValidString(s) {
		t.Errorf("a long error is %d characters: %q", utf8.RuneCountInString(s), s)
	}
}

func TestReadPayloadErrors(t *testing.T) {
	deep := strings.Repeat(`{"a":`, 70) + "1" + strings.Repeat("}", 70)
	big := `{"from":"a","text":"` + strings.Repeat("x", MaxPayloadBytes) + `"}`
	tests := []struct {
		name, format, payload, msg string
	}{
		{"truncated", "auto", `{"from":"alice","text":"#Buy`, "truncated JSON"},
		{"malformed", "auto", `{"from":"alice" "text":"x"}`, "malformed JSON"},
		{"empty", "auto", "  ", "empty payload"},
		{"array", "auto", `[1,2]`, "want a JSON object"},
		{"unknown shape", "auto", `{"hello":"world"}`, "wrong shape"},
		{"plain no text", "auto", `{"from":"alice"}`, "missing text"},
		{"plain no author", "plain", `{"text":"hi"}`, "missing author"},
		{"plain bad author", "auto", `{"from":"not a name","text":"hi"}`, "not a Twitter username"},
		{"plain bad time", "auto", `{"from":"a","text":"hi","created_at":"yesterday"}`, "RFC 3339"},
		{"plain wrong type", "auto", `{"from":"a","text":5}`, "field text"},
		{"plain id as a float", "auto", `{"id":1.85e18,"from":"a","text":"x"}`, "field id: expected a string or an integer, got a JSON number 1.85e18"},
		{"v1 text of the wrong type", "v1", `{"id_str":"1","text":5,"user":{"screen_name":"a"}}`, "field text: expected a string, got a JSON number"},
		{"v1 screen_name of the wrong type", "auto", `{"id_str":"1","text":"x","user":{"screen_name":5}}`, "field user.screen_name: expected a string"},
		{"v1 user id of the wrong type", "auto", `{"id_str":"1","text":"x","user":{"screen_name":"a","id":true}}`, "field user.id: expected a string or an integer, got a JSON bool"},
		{"v1 id as a fraction", "auto", `{"id":12.5,"text":"x","user":{"screen_name":"a"}}`, "field id: expected a string or an integer, got a JSON number 12.5"},
		{"v2 text of the wrong type", "auto", `{"data":{"id":"1","text":7,"author_id":"2"}}`, "field data.text: expected a string"},
		{"v2 second tweet's text", "auto", `{"data":[{"id":"1","text":"a","author_id":"2"},{"id":"3","text":["b"],"author_id":"2"}]}`, "field data[1].text: expected a string, got a JSON array"},
		{"v2 username of the wrong type", "auto", `{"data":{"id":"1","text":"a","author_id":"2"},"includes":{"users":[{"id":"2","username":7}]}}`, "field includes.users.username: expected a string"},
		{"bare v2 author of the wrong type", "auto", `{"id":"1","text":"a","author_id":{}}`, "field author_id: expected a string or an integer, got a JSON object"},
		{"activity event field", "auto", `{"for_user_id":"1","tweet_create_events":[{"id_str":"1","text":"x","user":{"screen_name":"a"},"truncated":"no"}]}`, "tweet_create_events[0]: invalid tweet payload: field truncated: expected true or false"},
		{"v2 no author", "auto", `{"data":{"id":"1","text":"hi"}}`, "missing author"},
		{"v2 no text", "auto", `{"data":{"id":"1","author_id":"2"}}`, "missing text"},
		{"v1 no user", "v1", `{"id_str":"1","text":"hi"}`, "missing author"},
		{"v1 truncated", "auto", `{"id_str":"7","text":"so long … https://t.co/x","truncated":true,"user":{"screen_name":"a"}}`,
			`v1.1 tweet 7: truncated ("truncated": true) and no extended_tweet.full_text or full_text gives the whole text; fetch it with tweet_mode=extended`},
		{"v1 truncated, numeric id", "v1", `{"id":8,"text":"so long …","truncated":true,"extended_tweet":{},"user":{"screen_name":"a"}}`, "v1.1 tweet 8: truncated"},
		{"activity truncated", "auto", `{"for_user_id":"1","tweet_create_events":[{"id_str":"9","text":"so long …","truncated":true,"user":{"screen_name":"a"}}]}`,
			"tweet_create_events[0]: invalid tweet payload: v1.1 tweet 9: truncated"},
		{"v1 bad time", "auto", `{"id_str":"1","text":"hi","user":{"screen_name":"a"},"created_at":"2018-10-10"}`, "created_at"},
		{"activity without events", "auto", `{"for_user_id":"1","user_has_blocked":"false"}`, "without tweet_create_events or other events"},
		{"activity forced on a v1 tweet", "activity", `{"id_str":"1","text":"hi","user":{"screen_name":"a"}}`, "not an Account Activity payload (it looks like a v1.1 Tweet)"},
		{"v2 page without data", "auto", `{"meta":{"result_count":3}}`, "without data"},
		{"v2 meta of the wrong type", "auto", `{"meta":{"result_count":"none"}}`, "field meta"},
		{"activity bad event", "activity", `{"for_user_id":"1","tweet_create_events":[{"text":"hi"}]}`, "tweet_create_events[0]"},
		{"too deep", "auto", deep, "nested deeper than 64"},
		{"too big", "auto", big, "over the 1048576-byte limit"},
		{"unknown format", "xml", `{}`, "unknown format"},
		{"trailing data", "auto", `{"from":"a","text":"x"} {}`, "malformed JSON"},
		{"v2 error response", "auto", notFound, `a Twitter API error response, not a tweet: "Not Found Error: Could not find tweet with ids: [1]."`},
		{"v2 error response, v2 forced", "v2", notFound, `a Twitter API error response, not a tweet: "Not Found Error: Could not find tweet with ids: [1]."`},
		{"v2 error response, plain forced", "plain", notFound, "a Twitter API error response"},
		{"v2 error response of several", "auto", `{"errors":[` + notFoundErr + `,` + notFoundErr + `,` + notFoundErr + `]}`, `[1]." and 2 more errors`},
		{"v2 problem", "auto", `{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}`,
			`a Twitter API error response, not a tweet: "Unauthorized (status 401)"`},
		{"v1.1 error response", "v1", `{"errors":[{"code":144,"message":"No status found with that ID."}]}`,
			`a Twitter API error response, not a tweet: "No status found with that ID. (code 144)"`},
		{"error response with a control character", "auto", `{"errors":[{"title":"Bad\u001b[31m","detail":"x\ny"}]}`, `"Bad\x1b[31m: x\ny"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadPayloadFormat([]byte(tt.payload), tt.format)
			if !errors.Is(err, ErrPayload) {
				t.Fatalf("error = %v, want ErrPayload", err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not say %q", err, tt.msg)
			}
		})
	}
}

// TestReadPayloadFormatMismatch: a payload that fails in the format forced
// on it, and looks like another, says what it looks like; the reason it
// failed is kept underneath.
func TestReadPayloadFormatMismatch(t *testing.T) {
	const (
		plain    = `{"id":"1","from":"@alice","text":"#BuyBlueMug","created_at":"2026-11-24T10:00:00Z"}`
		v2       = `{"data":{"id":"2","text":"#BuyBlueMug","author_id":"42"}}`
		bareV2   = `{"id":"2","text":"#BuyBlueMug","author_id":"42","edit_history_tweet_ids":["2"]}`
		v1       = `{"id_str":"3","text":"#BuyBlueMug","user":{"id_str":"42","screen_name":"alice"}}`
		activity = `{"for_user_id":"9","tweet_create_events":[` + v1 + `]}`
	)
	for _, tc := range []struct {
		format, payload, want, reason string
	}{
		{"v2", v1, "invalid tweet payload: not a v2 payload (it looks like a v1.1 Tweet)", "missing author (author_id)"},
		{"v2", plain, `not a v2 payload (it looks like a plain tweet, {"id","from","text","created_at"})`, "missing author (author_id)"},
		{"v1", v2, "not a v1.1 payload (it looks like a Twitter API v2 Tweet or response)", "missing text"},
		{"v1", activity, "not a v1.1 payload (it looks like an Account Activity payload)", "missing text"},
		{"plain", v1, "not a plain payload (it looks like a v1.1 Tweet)", "missing author (from)"},
		{"plain", bareV2, "not a plain payload (it looks like a Twitter API v2 Tweet or response)", "missing author (from)"},
		{"activity", v2, "not an Account Activity payload (it looks like a Twitter API v2 Tweet or response)", "without tweet_create_events"},
	} {
		_, err := ReadPayloadFormat([]byte(tc.payload), tc.format)
		var fe *FormatError
		if !errors.Is(err, ErrPayload) || !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("--format %s on %s: %v, want %q", tc.format, tc.payload, err, tc.want)
			continue
		}
		if !strings.Contains(fe.Err.Error(), tc.reason) {
			t.Errorf("--format %s on %s: the reason underneath is %v, want %q", tc.format, tc.payload, fe.Err, tc.reason)
		}
	}
	// A payload of no known shape keeps the reader's own message, and one
	// of the forced shape is read.
	if _, err := ReadPayloadFormat([]byte(`{"text":"hi"}`), FormatPlain); err == nil || strings.Contains(err.Error(), "looks like") {
		t.Errorf("plain forced on an unknown shape: %v", err)
	}
	if _, err := ReadPayloadFormat([]byte(v1), FormatV1); err != nil {
		t.Errorf("v1 forced on v1: %v", err)
	}
}

// TestPayloadEncoding: encoding/json would read invalid UTF-8 and lone
// surrogates as U+FFFD; a payload holding either is refused instead.
func TestPayloadEncoding(t *testing.T) {
	line := func(text string) []byte {
		return []byte(`{"id":"1","from":"@alice","text":"` + text + `","created_at":"2026-11-24T10:00:00Z"}`)
	}
	for name, c := range map[string]struct {
		data []byte
		want string // "" when the payload is read, else in the error
	}{
		"invalid UTF-8":        {line("#BuyBlueMug \xff"), "invalid UTF-8"},
		"lone high surrogate":  {line(`#BuyBlueMug \ud800`), "lone UTF-16 surrogate"},
		"high then other":      {line(`#BuyBlueMug \ud800\u0041`), "lone UTF-16 surrogate"},
		"lone low surrogate":   {line(`#BuyBlueMug \udc00 x`), "lone UTF-16 surrogate"},
		"high at the end":      {[]byte(`{"text":"\ud83d`), "lone UTF-16 surrogate"},
		"a pair":               {line(`#BuyBlueMug \ud83d\ude00`), ""},
		"an escaped backslash": {line(`#BuyBlueMug \\ud800`), ""},
		"other escapes":        {line(`#BuyBlueMug \"\n\u00e9`), ""},
	} {
		tws, err := ReadPayload(c.data)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", name, err)
		case c.want == "" && len(tws) == 1 && strings.ContainsRune(tws[0].Text, utf8.RuneError):
			t.Errorf("%s: text %q", name, tws[0].Text)
		case c.want != "" && (!errors.Is(err, ErrPayload) || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: error %v, want one saying %q", name, err, c.want)
		}
	}
}

// TestReadPayloadBOM: a payload saved with a UTF-8 byte order mark reads as
// the same payload without it, on the fast path and the general one.
func TestReadPayloadBOM(t *testing.T) {
	for _, p := range []string{
		`{"id":"1","from":"@alice","text":"#BuyBlueMug","created_at":"2026-11-24T10:00:00Z"}`,
		`{"id_str":"2","text":"a &amp; b","user":{"id_str":"8","screen_name":"eve"}}`,
		`{"data":{"id":"3","text":"hi","author_id":"5"}}`,
	} {
		want, err := ReadPayload([]byte(p))
		if err != nil {
			t.Fatal(err)
		}
		for _, fast := range []bool{true, false} {
			got, err := readPayload([]byte("\ufeff"+p), FormatAuto, fast)
			if err != nil {
				t.Errorf("%s with a BOM (fast %v): %v", p, fast, err)
				continue
			}
			check(t, got, want)
		}
	}
	if _, err := ReadPayload([]byte("\ufeff")); err == nil || !strings.Contains(err.Error(), "empty payload") {
		t.Errorf("a BOM alone: %v, want empty payload", err)
	}
	if got := string(TrimBOM([]byte("\ufeff\ufeffx"))); got != "\ufeffx" {
		t.Errorf("TrimBOM removed more than one mark: %q", got)
	}
}
