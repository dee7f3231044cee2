// Package tweet is a Go port of twitter-text 3.1.0 for tweetpay: it extracts
// hashtags, mentions (and lists), replies, cashtags and URLs with their
// indices, weighs a tweet's text (config v1, v2 and the default v3), matches
// purchase hashtags and gift handles, and reads the tweet payloads tweetpay
// accepts (plain objects, Twitter API v2, v1.1 and Account Activity events).
//
// The extractors are hand-written scanners that follow the semantics of
// twitter-text's JavaScript regular expressions, including their quirks, so
// that every case of the official conformance suite passes. Offsets are kept
// in bytes internally; the exported indices count Unicode code points (start
// inclusive, end exclusive, covering the sign), as the Twitter API does, and
// UTF16Range converts them to the UTF-16 units twitter-text's JavaScript and
// Java libraries use. The weighted-length ranges are UTF-16, as in
// twitter-text.
//
// The package does no I/O: readers take []byte.
package tweet

//go:generate go run ./internal/gentld -out tlds.go
//go:generate go run ./internal/genemoji -out emoji_tables.go

import "errors"

// ErrParse reports tweet text that cannot be parsed, such as invalid UTF-8.
var ErrParse = errors.New("invalid tweet text")

// ErrPayload reports a tweet payload that cannot be read: malformed JSON, an
// unknown shape, a missing field, or one too large or too deeply nested.
var ErrPayload = errors.New("invalid tweet payload")
