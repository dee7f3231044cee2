package tweet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// APIError is one error reported by a Twitter API response: a v2 problem
// ({"title", "detail", "type", ...}, in "errors" or, for a request refused
// whole, the response itself) or a v1.1 error ({"code", "message"}).
type APIError struct {
	Title   string     `json:"title"`
	Detail  string     `json:"detail"`
	Message string     `json:"message"`
	Code    flexString `json:"code"`
	Status  flexString `json:"status"`
}

// maxAPIErrorText bounds the text of an error quoted in a message: a
// response is the API's, not ours, and a detail may list many IDs.
const maxAPIErrorText = 160

// String is the error as a user reads it, "Not Found Error: Could not find
// tweet with ids: [1].", at most maxAPIErrorText characters.
func (e APIError) String() string {
	text := strings.TrimSpace(e.Detail)
	if text == "" {
		text = strings.TrimSpace(e.Message)
	}
	if title := strings.TrimSpace(e.Title); title != "" && !strings.HasPrefix(text, title) {
		if text == "" {
			text = title
		} else {
			text = title + ": " + text
		}
	}
	switch {
	case e.Code != "":
		text += " (code " + string(e.Code) + ")"
	case e.Status != "":
		text += " (status " + string(e.Status) + ")"
	}
	if text == "" {
		return "an error with no title, detail or message"
	}
	if r := []rune(text); len(r) > maxAPIErrorText {
		text = string(r[:maxAPIErrorText]) + "…"
	}
	return text
}

// DescribeAPIErrors says what errs hold: the first error quoted, and how
// many others there are.
func DescribeAPIErrors(errs []APIError) string {
	if len(errs) == 0 {
		return ""
	}
	s := fmt.Sprintf("%q", errs[0].String())
	switch len(errs) {
	case 1:
	case 2:
		s += " and 1 more error"
	default:
		s += fmt.Sprintf(" and %d more errors", len(errs)-1)
	}
	return s
}

// ResponseErrors returns the errors that a Twitter API response reports
// beside its tweets: a v2 lookup of several IDs answers with the tweets it
// found in "data" and one error per ID it could not find or show in
// "errors". It returns nil for a payload with no such errors.
func ResponseErrors(data []byte) []APIError {
	if !bytes.Contains(data, []byte(`"errors"`)) {
		return nil
	}
	var top struct {
		Errors []APIError `json:"errors"`
	}
	if json.Unmarshal(TrimBOM(data), &top) != nil {
		return nil
	}
	return top.Errors
}

// errorResponse returns the errors of a payload that is a Twitter API error
// response and nothing else: {"errors": [...]} without "data" (a lookup
// that found none of its IDs, a v1.1 error), or a v2 problem on its own
// ({"title", "type", "detail", "status"}, a request refused whole).
func errorResponse(top map[string]json.RawMessage) ([]APIError, bool) {
	// A response with data, or a page with meta, holds tweets (perhaps
	// none): its errors are about the others.
	if has(top, "data") || has(top, "meta") {
		return nil, false
	}
	if has(top, "errors") {
		var errs []APIError
		if json.Unmarshal(top["errors"], &errs) != nil || len(errs) == 0 {
			return nil, false
		}
		return errs, true
	}
	if has(top, "title") && has(top, "type") && !has(top, "text") {
		var e APIError
		for key, v := range map[string]any{"title": &e.Title, "detail": &e.Detail, "status": &e.Status} {
			if decodeField(top, key, v) != nil {
				return nil, false
			}
		}
		return []APIError{e}, true
	}
	return nil, false
}
