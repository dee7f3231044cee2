package tweet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on payloads, checked before any decoding.
const (
	MaxPayloadBytes = 1 << 20 // 1 MiB
	MaxPayloadDepth = 64      // nested objects and arrays
)

// MaxPayloadInput is the most a reader of one payload takes in: a payload
// of MaxPayloadBytes after a byte order mark, which ReadPayload skips.
const MaxPayloadInput = MaxPayloadBytes + len("\ufeff")

// ErrTooLong is ReadAtMost's error for input longer than its limit.
var ErrTooLong = errors.New("too long")

// ReadAtMost reads r to its end, or fails with ErrTooLong as soon as it has
// read more than limit bytes: a payload given by mistake (a large JSONL
// dump, /dev/zero, an endless pipe) is refused without being held in memory
// whole, or read forever.
func ReadAtMost(r io.Reader, limit int) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if len(b) > limit {
		return nil, ErrTooLong
	}
	return b, nil
}

// Payload formats accepted by ReadPayloadFormat, and the values of
// Tweet.Format.
const (
	FormatAuto     = "auto"
	FormatPlain    = "plain"    // {"id","from","text","created_at"}
	FormatV2       = "v2"       // Twitter API v2 Tweet (response or bare object)
	FormatV1       = "v1"       // Twitter API v1.1 Tweet
	FormatActivity = "activity" // Account Activity API tweet_create_events
)

// Tweet is one tweet read from a payload.
type Tweet struct {
	ID string
	// From is the author's username, without '@'. It may be empty for a bare
	// v2 tweet whose author is known only by AuthorID.
	From     string
	AuthorID string
	// Text is the full text, HTML entities (&amp; &lt; &gt;) of v1.1 payloads
	// unescaped, so that entity indices address it directly.
	Text      string
	CreatedAt time.Time // zero when the payload has none
	// Retweet is set for v1.1 retweeted_status, v2
	// referenced_tweets[type=retweeted], and text starting with "RT @".
	Retweet bool
	// InReplyTo is the ID of the tweet this one replies to, if any.
	InReplyTo string
	// InReplyToUserID is the ID of the account this one replies to, if any.
	InReplyToUserID string
	// Format is the shape the tweet was read from: plain, v2, v1 or activity.
	Format string
	// ForUserID is the subscribed account of an Account Activity payload:
	// tweets whose AuthorID equals it are that account's own.
	ForUserID string
}

// ReadPayload reads the tweets of a payload, detecting its shape; see
// ReadPayloadFormat.
func ReadPayload(data []byte) ([]Tweet, error) {
	return ReadPayloadFormat(data, FormatAuto)
}

// ReadPayloadFormat reads the tweets of a payload of the given format: auto,
// plain, v2, v1 or activity. A plain object, a v2 bare tweet and a v1.1 tweet
// hold one tweet; a v2 response holds any number ("data" may be an array,
// and a page of search results with none has no "data") and an Account
// Activity payload any number (none when it holds other events, such as
// favorite_events). Errors wrap ErrPayload and say what is wrong.
func ReadPayloadFormat(data []byte, format string) ([]Tweet, error) {
	return readPayload(data, format, true)
}

// readPayload is ReadPayloadFormat; fast lets it try readPlainFast.
func readPayload(data []byte, format string, fast bool) ([]Tweet, error) {
	data = TrimBOM(data)
	switch format {
	case "", FormatAuto, FormatPlain, FormatV2, FormatV1, FormatActivity:
	default:
		return nil, fmt.Errorf("%w: unknown format %q (want auto, plain, v2, v1 or activity)", ErrPayload, format)
	}
	if len(data) > MaxPayloadBytes {
		return nil, fmt.Errorf("%w: payload is %d bytes, over the %d-byte limit", ErrPayload, len(data), MaxPayloadBytes)
	}
	if err := checkDepth(data, MaxPayloadDepth); err != nil {
		return nil, err
	}
	// encoding/json reads invalid UTF-8 and lone surrogates as U+FFFD:
	// Twitter never delivers either, so a payload holding one is refused
	// rather than read as some other text.
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%w: payload holds invalid UTF-8", ErrPayload)
	}
	if loneSurrogate(data) {
		return nil, fmt.Errorf("%w: payload holds a lone UTF-16 surrogate (a \\uD800-\\uDFFF escape without its pair)", ErrPayload)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("%w: empty payload", ErrPayload)
	}
	if trimmed[0] == '{' && (format == "" || format == FormatAuto || format == FormatPlain) && fast {
		if t, ok := readPlainFast(trimmed, format); ok {
			return []Tweet{t}, nil
		}
	}
	if trimmed[0] != '{' {
		if !json.Valid(trimmed) {
			return nil, jsonError(trimmed)
		}
		return nil, fmt.Errorf("%w: wrong shape: want a JSON object", ErrPayload)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &top); err != nil {
		return nil, jsonError(trimmed)
	}
	if errs, ok := errorResponse(top); ok {
		return nil, fmt.Errorf("%w: a Twitter API error response, not a tweet: %s", ErrPayload, DescribeAPIErrors(errs))
	}
	if format == "" || format == FormatAuto {
		format = detectFormat(top)
		if format == "" {
			return nil, fmt.Errorf("%w: wrong shape: not a plain tweet, v2 tweet, v1.1 tweet or Account Activity payload", ErrPayload)
		}
		return readAs(format, top, trimmed)
	}
	tws, err := readAs(format, top, trimmed)
	if err != nil {
		// A payload of another shape than the one forced fails with a
		// message about a field it has no reason to hold ("missing
		// text"): say what it looks like. Only after a failure, so that
		// a stream of the right shape pays nothing for it.
		if looks := detectFormat(top); looks != "" && looks != format {
			return nil, &FormatError{Format: format, Looks: looks, Err: err}
		}
	}
	return tws, err
}

// FormatError is returned by ReadPayloadFormat when a payload cannot be
// read in the format asked for and looks like another. It wraps the error
// of reading it in that format, itself wrapping ErrPayload.
type FormatError struct {
	Format string // the format asked for
	Looks  string // the format the payload looks like
	Err    error
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("%s: not %s payload (it looks like %s)", ErrPayload, formatNames[e.Format].short, formatNames[e.Looks].long)
}

func (e *FormatError) Unwrap() error { return e.Err }

// formatNames name each format in messages.
var formatNames = map[string]struct{ short, long string }{
	FormatPlain:    {"a plain", `a plain tweet, {"id","from","text","created_at"}`},
	FormatV2:       {"a v2", "a Twitter API v2 Tweet or response"},
	FormatV1:       {"a v1.1", "a v1.1 Tweet"},
	FormatActivity: {"an Account Activity", "an Account Activity payload"},
}

// readAs reads the payload top, whole, in format, one of the formats
// detectFormat returns.
func readAs(format string, top map[string]json.RawMessage, whole []byte) ([]Tweet, error) {
	switch format {
	case FormatPlain:
		t, err := readPlain(top)
		if err != nil {
			return nil, err
		}
		return []Tweet{t}, nil
	case FormatV2:
		return readV2(top, whole)
	case FormatV1:
		t, err := readV1(whole, FormatV1)
		if err != nil {
			return nil, err
		}
		return []Tweet{t}, nil
	default:
		return readActivity(top)
	}
}

// bom is the UTF-8 encoding of U+FEFF, the byte order mark.
var bom = []byte("\xef\xbb\xbf")

// TrimBOM returns b without the UTF-8 byte order mark it starts with, if
// any. Editors on Windows (Notepad, Excel's "UTF-8" CSV and text) start the
// files they save with one; JSON and tweets may not start with U+FEFF.
func TrimBOM(b []byte) []byte {
	return bytes.TrimPrefix(b, bom)
}

// loneSurrogate reports whether data, JSON, escapes half of a UTF-16
// surrogate pair without the other half.
func loneSurrogate(data []byte) bool {
	for i := bytes.IndexByte(data, '\\'); i >= 0 && i+1 < len(data); {
		if data[i+1] != 'u' {
			i += 2 // an escape such as \\ or \"
		} else {
			v, ok := hex4(data, i+2)
			switch {
			case !ok:
				i += 2
			case v >= 0xDC00 && v <= 0xDFFF:
				return true // a low half first
			case v >= 0xD800 && v <= 0xDBFF:
				lo, ok := uint16(0), i+11 < len(data) && data[i+6] == '\\' && data[i+7] == 'u'
				if ok {
					lo, ok = hex4(data, i+8)
				}
				if !ok || lo < 0xDC00 || lo > 0xDFFF {
					return true
				}
				i += 12
			default:
				i += 6
			}
		}
		if i >= len(data) {
			break
		}
		j := bytes.IndexByte(data[i:], '\\')
		if j < 0 {
			break
		}
		i += j
	}
	return false
}

// hex4 reads the four hex digits at data[i:].
func hex4(data []byte, i int) (uint16, bool) {
	if i+4 > len(data) {
		return 0, false
	}
	var v uint16
	for _, c := range data[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			v = v<<4 | uint16(c-'0')
		case 'a' <= c && c <= 'f':
			v = v<<4 | uint16(c-'a'+10)
		case 'A' <= c && c <= 'F':
			v = v<<4 | uint16(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}

func has(m map[string]json.RawMessage, key string) bool {
	v, ok := m[key]
	return ok && !bytes.Equal(v, []byte("null"))
}

func detectFormat(top map[string]json.RawMessage) string {
	switch {
	case has(top, "tweet_create_events") || has(top, "for_user_id"):
		return FormatActivity
	case has(top, "data"):
		return FormatV2
	case has(top, "id_str") || has(top, "user") || has(top, "full_text") || has(top, "extended_tweet") || has(top, "retweeted_status"):
		return FormatV1
	case has(top, "from"):
		return FormatPlain
	case has(top, "author_id") || has(top, "edit_history_tweet_ids") || has(top, "referenced_tweets") || has(top, "meta"):
		return FormatV2
	}
	return ""
}

// checkDepth rejects JSON nested deeper than max without decoding it.
func checkDepth(data []byte, max int) error {
	depth := 0
	inString, escaped := false, false
	for _, c := range data {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
			if depth > max {
				return fmt.Errorf("%w: nested deeper than %d levels", ErrPayload, max)
			}
		case '}', ']':
			depth--
		}
	}
	return nil
}

// jsonError explains why data is not valid JSON.
func jsonError(data []byte) error {
	var v any
	err := json.Unmarshal(data, &v)
	var syn *json.SyntaxError
	switch {
	case err == nil:
		return fmt.Errorf("%w: wrong shape", ErrPayload)
	case strings.Contains(err.Error(), "unexpected end of JSON input"):
		return fmt.Errorf("%w: truncated JSON (%d bytes)", ErrPayload, len(data))
	case errors.As(err, &syn):
		return fmt.Errorf("%w: malformed JSON at byte %d: %s", ErrPayload, syn.Offset, syn.Error())
	}
	return fmt.Errorf("%w: malformed JSON: %s", ErrPayload, err.Error())
}

// flexString decodes a JSON string or number (IDs come as both) into a
// string, keeping every digit of large numbers.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	// An ID is a string or an integer: 1.85e18 is some other number
	// rounded to 3 digits (a tool that read the ID as a float), not an ID.
	// An UnmarshalTypeError gets its field's path from encoding/json.
	if !isInteger(b) {
		return &json.UnmarshalTypeError{Value: jsonValueKind(b), Type: flexStringType}
	}
	*f = flexString(b)
	return nil
}

var flexStringType = reflect.TypeFor[flexString]()

// isInteger reports whether b, a JSON value, is an integer written in
// digits, with an optional minus sign.
func isInteger(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte("-"))
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// jsonValueKind names the kind of the JSON value b, as encoding/json does in
// an UnmarshalTypeError.
func jsonValueKind(b []byte) string {
	switch b[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	case '"':
		return "string"
	}
	return "number " + truncate(string(b), 24)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// fieldError explains err, from decoding the value at path (such as
// "data[1]", or "" for the whole payload), naming the field at fault: the
// path followed by the field encoding/json found wrong inside it, such as
// data[1].text or user.screen_name.
func fieldError(path string, err error) error {
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		field := path
		switch {
		case ute.Field == "":
		case path == "":
			field = ute.Field
		default:
			field = path + "." + ute.Field
		}
		if field == "" {
			return fmt.Errorf("%w: expected %s, got a JSON %s", ErrPayload, jsonKind(ute.Type), ute.Value)
		}
		return fmt.Errorf("%w: field %s: expected %s, got a JSON %s", ErrPayload, field, jsonKind(ute.Type), ute.Value)
	}
	if path == "" {
		return fmt.Errorf("%w: %s", ErrPayload, err.Error())
	}
	return fmt.Errorf("%w: field %s: %s", ErrPayload, path, err.Error())
}

// jsonKind names a Go type the way a JSON payload's author knows it.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "a value"
	}
	if t == flexStringType {
		return "a string or an integer"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint64, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "an object"
	}
	return "a value"
}

func decodeField(top map[string]json.RawMessage, key string, v any) error {
	raw, ok := top[key]
	if !ok {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fieldError(key, err)
	}
	return nil
}

func isRTText(text string) bool { return strings.HasPrefix(text, "RT @") }

func readPlain(top map[string]json.RawMessage) (Tweet, error) {
	var id flexString
	var from, created string
	var text *string
	for _, f := range []struct {
		key string
		v   any
	}{{"id", &id}, {"from", &from}, {"text", &text}, {"created_at", &created}} {
		if err := decodeField(top, f.key, f.v); err != nil {
			return Tweet{}, err
		}
	}
	if text == nil {
		return Tweet{}, fmt.Errorf("%w: missing text", ErrPayload)
	}
	from = strings.TrimSpace(from)
	if from == "" {
		return Tweet{}, fmt.Errorf("%w: missing author (from)", ErrPayload)
	}
	if !IsValidUsername(from) {
		return Tweet{}, fmt.Errorf("%w: from %q is not a Twitter username", ErrPayload, from)
	}
	t := Tweet{ID: string(id), From: StripAt(from), Text: *text, Format: FormatPlain, Retweet: isRTText(*text)}
	if created != "" {
		ts, err := parseCreatedAt(created)
		if err != nil {
			return Tweet{}, fmt.Errorf("%w: %w", ErrPayload, err)
		}
		t.CreatedAt = ts.UTC()
	}
	return t, nil
}

// parseCreatedAt reads the time of a tweet in either form the API gives it,
// in every payload shape: RFC 3339, as v2 and most tools write it
// ("2026-11-24T10:00:00.000Z", any offset, with or without fractions of a
// second), or v1.1's ("Mon Nov 24 10:00:00 +0000 2026"). A v1.1 tweet that
// went through another tool, or a plain line copied from one, may hold the
// other form than its shape's.
func parseCreatedAt(s string) (time.Time, error) {
	if ts, err := time.Parse(time.RFC3339, s); err == nil {
		return ts, nil
	}
	if ts, err := time.Parse(time.RubyDate, s); err == nil {
		return ts, nil
	}
	return time.Time{}, fmt.Errorf("created_at %q is not an RFC 3339 time (2026-11-24T10:00:00Z) or one like v1.1's (Mon Nov 24 10:00:00 +0000 2026)", s)
}

// StripAt returns handle without its leading '@' or '＠', keeping its case.
func StripAt(handle string) string {
	if n := atSignAtSafe(handle); n > 0 {
		return handle[n:]
	}
	return handle
}

type v2Tweet struct {
	ID               flexString `json:"id"`
	Text             *string    `json:"text"`
	AuthorID         flexString `json:"author_id"`
	CreatedAt        string     `json:"created_at"`
	InReplyToUserID  flexString `json:"in_reply_to_user_id"`
	ReferencedTweets []struct {
		Type string     `json:"type"`
		ID   flexString `json:"id"`
	} `json:"referenced_tweets"`
	NoteTweet *struct {
		Text string `json:"text"`
	} `json:"note_tweet"`
}

type v2User struct {
	ID       flexString `json:"id"`
	Username string     `json:"username"`
}

func readV2(top map[string]json.RawMessage, whole []byte) ([]Tweet, error) {
	var tweets []v2Tweet
	var users []v2User
	if raw, ok := top["data"]; ok {
		raw = bytes.TrimSpace(raw)
		if len(raw) > 0 && raw[0] == '[' {
			// One tweet at a time, so that an error names its index.
			var items []json.RawMessage
			if err := json.Unmarshal(raw, &items); err != nil {
				return nil, fieldError("data", err)
			}
			tweets = make([]v2Tweet, len(items))
			for i, item := range items {
				if err := json.Unmarshal(item, &tweets[i]); err != nil {
					return nil, fieldError(fmt.Sprintf("data[%d]", i), err)
				}
			}
		} else {
			var one v2Tweet
			if err := json.Unmarshal(raw, &one); err != nil {
				return nil, fieldError("data", err)
			}
			tweets = []v2Tweet{one}
		}
		var includes struct {
			Users []v2User `json:"users"`
		}
		if err := decodeField(top, "includes", &includes); err != nil {
			return nil, err
		}
		users = includes.Users
	} else if has(top, "meta") && !has(top, "text") {
		// A search or timeline page with nothing in it has no data at
		// all: {"meta":{"result_count":0}}.
		var meta struct {
			ResultCount *int `json:"result_count"`
		}
		if err := decodeField(top, "meta", &meta); err != nil {
			return nil, err
		}
		if meta.ResultCount == nil || *meta.ResultCount != 0 {
			return nil, fmt.Errorf("%w: v2 response without data (and meta.result_count is not 0)", ErrPayload)
		}
		return []Tweet{}, nil
	} else {
		var one v2Tweet
		if err := json.Unmarshal(whole, &one); err != nil {
			return nil, fieldError("", err)
		}
		tweets = []v2Tweet{one}
	}
	out := make([]Tweet, 0, len(tweets))
	for i, v := range tweets {
		if v.Text == nil {
			return nil, fmt.Errorf("%w: v2 tweet %d: missing text", ErrPayload, i)
		}
		if v.AuthorID == "" {
			return nil, fmt.Errorf("%w: v2 tweet %d: missing author (author_id)", ErrPayload, i)
		}
		text := *v.Text
		if v.NoteTweet != nil && v.NoteTweet.Text != "" {
			text = v.NoteTweet.Text
		}
		t := Tweet{ID: string(v.ID), AuthorID: string(v.AuthorID), Text: text, Format: FormatV2,
			InReplyToUserID: string(v.InReplyToUserID), Retweet: isRTText(text)}
		for _, u := range users {
			if u.ID == v.AuthorID {
				t.From = StripAt(u.Username)
				break
			}
		}
		for _, r := range v.ReferencedTweets {
			switch r.Type {
			case "retweeted":
				t.Retweet = true
			case "replied_to":
				t.InReplyTo = string(r.ID)
			}
		}
		if v.CreatedAt != "" {
			ts, err := parseCreatedAt(v.CreatedAt)
			if err != nil {
				return nil, fmt.Errorf("%w: v2 tweet %d: %w", ErrPayload, i, err)
			}
			t.CreatedAt = ts.UTC()
		}
		out = append(out, t)
	}
	return out, nil
}

type v1Tweet struct {
	IDStr                flexString `json:"id_str"`
	ID                   flexString `json:"id"`
	CreatedAt            string     `json:"created_at"`
	Text                 *string    `json:"text"`
	FullText             *string    `json:"full_text"`
	Truncated            bool       `json:"truncated"`
	InReplyToStatusIDStr flexString `json:"in_reply_to_status_id_str"`
	InReplyToUserIDStr   flexString `json:"in_reply_to_user_id_str"`
	User                 *struct {
		IDStr      flexString `json:"id_str"`
		ID         flexString `json:"id"`
		ScreenName string     `json:"screen_name"`
	} `json:"user"`
	ExtendedTweet *struct {
		FullText string `json:"full_text"`
	} `json:"extended_tweet"`
	RetweetedStatus json.RawMessage `json:"retweeted_status"`
}

var htmlUnescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// readV1 reads one v1.1 tweet object.
func readV1(raw []byte, format string) (Tweet, error) {
	var v v1Tweet
	if err := json.Unmarshal(raw, &v); err != nil {
		return Tweet{}, fieldError("", err)
	}
	var text string
	cut := false // text is cut short
	switch {
	case v.ExtendedTweet != nil && v.ExtendedTweet.FullText != "":
		text = v.ExtendedTweet.FullText
	case v.FullText != nil:
		text = *v.FullText
	case v.Text != nil:
		text, cut = *v.Text, v.Truncated
	default:
		return Tweet{}, fmt.Errorf("%w: v1.1 tweet: missing text", ErrPayload)
	}
	if v.User == nil || v.User.ScreenName == "" {
		return Tweet{}, fmt.Errorf("%w: v1.1 tweet: missing author (user.screen_name)", ErrPayload)
	}
	rs := bytes.TrimSpace(v.RetweetedStatus)
	retweet := len(rs) > 0 && !bytes.Equal(rs, []byte("null"))
	if cut && !retweet {
		// The text is cut at 140 characters and ends with a link to the
		// tweet: a hashtag after the cut would go unseen.
		id := v.IDStr
		if id == "" {
			id = v.ID
		}
		return Tweet{}, fmt.Errorf("%w: v1.1 tweet %s: truncated (\"truncated\": true) and no extended_tweet.full_text or full_text gives the whole text; "+
			"fetch it with tweet_mode=extended", ErrPayload, id)
	}
	text = htmlUnescaper.Replace(text)
	t := Tweet{ID: string(v.IDStr), From: StripAt(v.User.ScreenName), AuthorID: string(v.User.IDStr),
		Text: text, Format: format, InReplyTo: string(v.InReplyToStatusIDStr), InReplyToUserID: string(v.InReplyToUserIDStr)}
	if t.ID == "" {
		t.ID = string(v.ID)
	}
	if t.AuthorID == "" {
		t.AuthorID = string(v.User.ID)
	}
	t.Retweet = retweet || isRTText(text)
	if v.CreatedAt != "" {
		ts, err := parseCreatedAt(v.CreatedAt)
		if err != nil {
			return Tweet{}, fmt.Errorf("%w: v1.1 tweet: %w", ErrPayload, err)
		}
		t.CreatedAt = ts.UTC()
	}
	return t, nil
}

func readActivity(top map[string]json.RawMessage) ([]Tweet, error) {
	var forUser flexString
	if err := decodeField(top, "for_user_id", &forUser); err != nil {
		return nil, err
	}
	raw, ok := top["tweet_create_events"]
	if !ok {
		// The other events of the subscribed account (favorite_events,
		// follow_events, direct_message_events, ...) come in payloads of
		// their own, which hold no tweet.
		for k := range top {
			if strings.HasSuffix(k, "_events") {
				return []Tweet{}, nil
			}
		}
		return nil, fmt.Errorf("%w: Account Activity payload without tweet_create_events or other events", ErrPayload)
	}
	var events []json.RawMessage
	if err := json.Unmarshal(raw, &events); err != nil {
		return nil, fieldError("tweet_create_events", err)
	}
	out := make([]Tweet, 0, len(events))
	for i, e := range events {
		t, err := readV1(e, FormatActivity)
		if err != nil {
			return nil, fmt.Errorf("tweet_create_events[%d]: %w", i, err)
		}
		t.ForUserID = string(forUser)
		out = append(out, t)
	}
	return out, nil
}
