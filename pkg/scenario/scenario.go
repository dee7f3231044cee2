// Package scenario reads, runs and reports tweetpay scenario files: a list
// of simulated tweets in order, each with expectations on its result, and
// checks on the charges they made. The format is documented in
// docs/scenarios.md and described by docs/scenario.schema.json.
//
// Loading checks the whole file before anything runs: unknown keys (with
// the closest known key suggested), wrong types, bad times and payload
// files are errors wrapping ErrInvalid that name the file and line. Running
// executes every step, whatever failed before it, and returns a Report; a
// step whose expectations were not met makes the run fail with
// ErrExpectation. WriteJUnit renders reports as JUnit XML for CI systems.
package scenario

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	pathpkg "path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/tweetpay/tweetpay/internal/yamlcheck"

	"github.com/tweetpay/tweetpay/pkg/buyer"
	"github.com/tweetpay/tweetpay/pkg/money"
	"github.com/tweetpay/tweetpay/pkg/offer"
	"github.com/tweetpay/tweetpay/pkg/shop"
	"github.com/tweetpay/tweetpay/pkg/tweet"
)

// ErrInvalid is wrapped by every error about a scenario file itself.
var ErrInvalid = errors.New("invalid scenario")

// ErrExpectation is wrapped when a step's expectations were not met.
var ErrExpectation = errors.New("expectation not met")

// DefaultEpoch is when the first step of a scenario happens when neither
// the step (at) nor the scenario (start) says: a fixed time, so that every
// run of a file sees the same tweet times, windows and generated IDs.
var DefaultEpoch = time.Date(2026, time.January, 1, 12, 0, 0, 0, time.UTC)

// DefaultGap is how long after the previous step a step without `at`
// happens.
const DefaultGap = time.Second

// MaxFileSize bounds a scenario file; a payload file it names is bounded
// as simulate tweet --file is (tweet.MaxPayloadBytes).
const MaxFileSize = 4 << 20

// Step kinds.
const (
	KindTweet   = "tweet"
	KindCharges = "charges"
	KindExpire  = "expire"
)

// Scenario is one loaded scenario file.
type Scenario struct {
	// Path is the file as given; Name the scenario's name (the file's base
	// name when it has none).
	Path string
	Name string
	// Offers and Buyers are the scenario's own, added to the config's for
	// this run.
	Offers []offer.Offer
	Buyers []buyer.Buyer
	Steps  []Step
}

// Step is one step of a scenario, with its times and IDs resolved.
type Step struct {
	// Index counts steps from 1; Line is where the step starts in the file.
	Index int
	Line  int
	Name  string
	Kind  string

	// Tweet is the tweet to process (KindTweet).
	Tweet shop.Tweet
	// Filter selects the charges to check (KindCharges).
	Filter ChargeFilter
	// At is when an expire step cancels what is due (KindExpire).
	At time.Time

	Expect []Expectation

	// idLine is where the tweet's ID is written (its id:, or its file:
	// when the payload gives it), 0 when it is generated.
	idLine int
}

// ChargeFilter selects charges for a charges step. Empty fields match all.
type ChargeFilter struct {
	Offer    string `json:"offer,omitempty"`
	Buyer    string `json:"buyer,omitempty"`
	Status   string `json:"status,omitempty"`
	Currency string `json:"currency,omitempty"`

	// offerLine is where Offer is written, for CheckOffers.
	offerLine int
}

// CheckOffers refuses a charges step whose offer is neither one of the
// scenario's offers nor one of others (the config's): it would select
// nothing, and a step expecting {count: 0} would pass whatever the
// tweets did. The error is a *FileError, as Load's.
func CheckOffers(s *Scenario, others []offer.Offer) error {
	var tags []string
	for _, o := range slices.Concat(s.Offers, others) {
		for _, t := range []string{o.Hashtag, o.GiftHandle} {
			if t = offerTag(t); t != "" {
				tags = append(tags, t)
			}
		}
	}
	for _, st := range s.Steps {
		if st.Kind != KindCharges || st.Filter.Offer == "" {
			continue
		}
		want := offerTag(st.Filter.Offer)
		if slices.ContainsFunc(tags, func(t string) bool { return strings.EqualFold(t, want) }) {
			continue
		}
		msg := fmt.Sprintf("steps[%d].charges.offer: no offer %s in the scenario or the config", st.Index-1, want)
		lower := make([]string, len(tags))
		for i, t := range tags {
			lower[i] = strings.ToLower(t)
		}
		switch near := slices.Index(lower, yamlcheck.Closest(want, lower)); {
		case len(tags) == 0:
			msg += ": neither declares any"
		case near >= 0:
			msg += fmt.Sprintf(" (did you mean %q?)", tags[near])
		default:
			msg += ": they have " + strings.Join(tags, ", ")
		}
		return &FileError{Path: s.Path, Line: st.Filter.offerLine, Name: s.Name,
			Err: fmt.Errorf("%w: %s:%d: %s", ErrInvalid, s.Path, st.Filter.offerLine, msg)}
	}
	return nil
}

// FileError is why a scenario file could not be loaded. It wraps
// ErrInvalid; its message names the file and, when there is one, the line.
type FileError struct {
	// Path is the file as given; Line the line the error is about, 0 when
	// it is about none.
	Path string
	Line int
	// Name is the name the scenario's reports have when the file loads:
	// its name: when that can still be read, else the file's base name.
	Name string
	Err  error
}

func (e *FileError) Error() string { return e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// LoadFile reads and checks the scenario file at path. Payload files named
// by steps are read relative to the scenario file's directory, or to the
// working directory when path is a pipe or names a file descriptor
// (/dev/stdin, /dev/fd/N). The error is a *FileError.
func LoadFile(path string) (*Scenario, error) {
	unread := func(err error) error { return &FileError{Path: path, Name: baseName(path), Err: err} }
	fi, err := os.Stat(path)
	if err != nil {
		return nil, unread(fmt.Errorf("%w: %w", ErrInvalid, err))
	}
	if fi.IsDir() {
		return nil, unread(fmt.Errorf("%w: %s is a directory", ErrInvalid, path))
	}
	if fi.Size() > MaxFileSize {
		return nil, unread(fmt.Errorf("%w: %s: %d bytes, over the %d-byte limit", ErrInvalid, path, fi.Size(), MaxFileSize))
	}
	// The scenario itself may come through a pipe (simulate run
	// <(envsubst < s.yaml)), but never more of it than a file may hold:
	// /dev/zero given by mistake is refused, not read until memory runs out.
	data, err := readAtMost(path, MaxFileSize)
	if err != nil {
		return nil, unread(fmt.Errorf("%w: %w", ErrInvalid, err))
	}
	// Payload files are found next to the scenario file; a scenario that
	// comes through a pipe (/dev/fd/63) or is named by a descriptor
	// (/dev/stdin < s.yaml, which is a regular file then) has no such
	// place, so they are found from the working directory, as the shell
	// that made the pipe or the redirect would find them.
	dir := filepath.Dir(path)
	if !fi.Mode().IsRegular() || NamesDescriptor(path) {
		dir = "."
	}
	return Load(path, data, payloadsIn(dir))
}

// StdinPath names a scenario read from standard input (simulate run -)
// in messages and reports, where a file's path would be.
const StdinPath = "standard input"

// LoadReader reads and checks a scenario from r, at most MaxFileSize of
// it, as LoadFile does a file's; path names it in messages and reports
// (StdinPath for standard input), and its payload files are found from
// the working directory, as those of a scenario that comes through a
// pipe. Reading stops when ctx is cancelled, with ctx's error, not a
// *FileError: standard input may wait for its writer for ever. Any other
// error is a *FileError.
func LoadReader(ctx context.Context, path string, r io.Reader) (*Scenario, error) {
	type read struct {
		data []byte
		err  error
	}
	done := make(chan read, 1)
	go func() {
		data, err := tweet.ReadAtMost(r, MaxFileSize)
		done <- read{data, err}
	}()
	var rd read
	select {
	case rd = <-done:
	case <-ctx.Done():
		// The read is left to the process's end: nothing can stop
		// a Read that waits for a pipe's writer.
		return nil, fmt.Errorf("reading the scenario from %s: %w", path, ctx.Err())
	}
	if rd.err != nil {
		err := fmt.Errorf("%w: %s: %w", ErrInvalid, path, rd.err)
		if errors.Is(rd.err, tweet.ErrTooLong) {
			err = fmt.Errorf("%w: %s: over the %d-byte limit", ErrInvalid, path, MaxFileSize)
		}
		return nil, &FileError{Path: path, Name: baseName(path), Err: err}
	}
	return Load(path, rd.data, payloadsIn("."))
}

// payloadsIn reads the payload files a scenario names, a relative path
// from dir.
func payloadsIn(dir string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		p := name
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, name)
		}
		return readPayloadFile(name, p)
	}
}

// NamesDescriptor reports whether path names an open file descriptor
// rather than a place: /dev/stdin, /dev/stdout, /dev/stderr, /dev/fd/N,
// /proc/self/fd/N, /proc/thread-self/fd/N or /proc/PID/fd/N. Its
// directory says nothing about where the file it stands for is, and no
// other file can be put in its place.
func NamesDescriptor(path string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	abs = filepath.ToSlash(abs)
	switch abs {
	case "/dev/stdin", "/dev/stdout", "/dev/stderr":
		return true
	}
	dir, fd := pathpkg.Split(abs)
	if fd == "" || strings.Trim(fd, "0123456789") != "" {
		return false
	}
	switch dir = strings.TrimSuffix(dir, "/"); dir {
	case "/dev/fd", "/proc/self/fd", "/proc/thread-self/fd":
		return true
	}
	pid, ok := strings.CutPrefix(dir, "/proc/")
	pid, ok2 := strings.CutSuffix(pid, "/fd")
	return ok && ok2 && pid != "" && strings.Trim(pid, "0123456789") == ""
}

// readPayloadFile reads the payload file a step names (name, found at p).
// It must be a regular file: a named pipe would hang the load until
// something wrote to it, and a device (/dev/zero) or a directory is no
// payload. It is checked before it is opened, since opening a pipe blocks.
func readPayloadFile(name, p string) ([]byte, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if err := checkRegular(name, fi); err != nil {
		return nil, err
	}
	if fi.Size() > int64(tweet.MaxPayloadInput) {
		return nil, fmt.Errorf("%s: %w: payload is %d bytes, over the %d-byte limit", name, tweet.ErrPayload, fi.Size(), tweet.MaxPayloadBytes)
	}
	data, err := readAtMost(p, tweet.MaxPayloadInput)
	if errors.Is(err, tweet.ErrTooLong) {
		// It grew since it was looked at, or is one of the files (in
		// /proc) whose size says nothing.
		return nil, fmt.Errorf("%s: %w: payload is over the %d-byte limit", name, tweet.ErrPayload, tweet.MaxPayloadBytes)
	}
	return data, err
}

// checkRegular refuses what is not a regular file, saying what it is.
func checkRegular(name string, fi fs.FileInfo) error {
	m := fi.Mode()
	switch {
	case m.IsRegular():
		return nil
	case m.IsDir():
		return fmt.Errorf("%s is a directory: name a JSON payload file", name)
	case m&fs.ModeNamedPipe != 0:
		return fmt.Errorf("%s is a named pipe, not a regular file: name a JSON payload file", name)
	case m&fs.ModeSocket != 0:
		return fmt.Errorf("%s is a socket, not a regular file: name a JSON payload file", name)
	case m&fs.ModeDevice != 0:
		return fmt.Errorf("%s is a device, not a regular file: name a JSON payload file", name)
	}
	return fmt.Errorf("%s is not a regular file: name a JSON payload file", name)
}

// readAtMost reads the file at p, failing with an error that wraps
// tweet.ErrTooLong as soon as more than limit bytes came.
func readAtMost(p string, limit int) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := tweet.ReadAtMost(f, limit)
	if errors.Is(err, tweet.ErrTooLong) {
		return nil, fmt.Errorf("%s: file %w: over the %d-byte limit", p, err, limit)
	}
	return b, err
}

// UniqueNames gives scenarios of one run that share a name (files with the
// same base name in different directories, or the same name: written in
// each) names of their own, by adding the file as given: "checkout
// (a/checkout.yaml)". CI systems key JUnit testsuites by name and merge or
// overwrite those that share one. A file given twice is told apart by its
// run: "checkout (a/checkout.yaml, run 2)". Names no other scenario has are
// kept as they are, and tweet IDs stay those derived from the written name.
func UniqueNames(scs []*Scenario) {
	count := map[string]int{}
	for _, s := range scs {
		count[s.Name]++
	}
	used := map[string]bool{}
	for _, s := range scs {
		if count[s.Name] == 1 {
			used[s.Name] = true
		}
	}
	for _, s := range scs {
		if count[s.Name] == 1 {
			continue
		}
		base := s.Name + " (" + label(filepath.ToSlash(s.Path))
		name := base + ")"
		for n := 2; used[name]; n++ {
			name = fmt.Sprintf("%s, run %d)", base, n)
		}
		used[name] = true
		s.Name = name
	}
}

// Load parses a scenario held in data; path names it in errors, and
// readFile reads the payload files its steps name (nil refuses them). The
// error is a *FileError.
func Load(path string, data []byte, readFile func(name string) ([]byte, error)) (*Scenario, error) {
	l := &loader{path: path, readFile: readFile, memo: newMemo(), payloads: map[string][]tweet.Tweet{}}
	s, err := l.load(data)
	if err != nil {
		fe := &FileError{Path: path, Name: declaredName(path, l.doc)}
		if line, msg, ok := yamlcheck.At(err); ok {
			fe.Line, fe.Err = line, fmt.Errorf("%w: %s:%d: %s", ErrInvalid, path, line, msg)
		} else {
			fe.Err = fmt.Errorf("%w: %s: %v", ErrInvalid, path, err)
		}
		return nil, fe
	}
	return s, nil
}

// baseName is the name of a scenario whose file gives it none: the file's
// base name without its extension.
func baseName(path string) string {
	base := filepath.Base(path)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// declaredName is the name of the scenario in doc as loading it would
// give it, read on its own from a file that does not load: the name: of
// the top-level mapping, when the YAML parsed (doc is not nil) and it is a
// text, else the file's base name. CI systems keep a testsuite's history
// by its name.
func declaredName(path string, doc *yaml.Node) string {
	if doc == nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return baseName(path)
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "name" {
			continue
		}
		if v, err := scalar(root.Content[i+1], "name"); err == nil && label(v) != "" {
			return label(v)
		}
		break
	}
	return baseName(path)
}

type loader struct {
	path     string
	readFile func(string) ([]byte, error)
	memo     *memo
	// payloads holds the tweets read from each payload file named, so
	// that steps naming one file (an alias of a file: step repeated,
	// or the same payload redelivered) read and parse it once.
	payloads map[string][]tweet.Tweet
	// doc is the file's first YAML document once it parsed, nil before:
	// the name of a file that does not load is read from it, without
	// parsing the file again.
	doc *yaml.Node
}

var topKeys = []string{"name", "description", "start", "offers", "buyers", "steps"}

func (l *loader) load(data []byte) (*Scenario, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("the file is empty: a scenario needs steps")
	}
	// One pass of the parser reads the first document and whatever
	// follows it, which a second document would be refused for.
	doc, next, err := parseDocuments(data)
	l.doc = doc
	if doc == nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, errors.New("the file is empty: a scenario needs steps")
	}
	if err != nil {
		return nil, err
	}
	if next != nil {
		return nil, yamlcheck.Errorf(next, "a second YAML document: a file holds one scenario; put each in a file of its own")
	}
	if err := checkAliases(doc); err != nil {
		return nil, err
	}
	if err := resolveMerges(doc); err != nil {
		return nil, err
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, yamlcheck.Errorf(root, "expected a mapping with name, offers, buyers and steps, got %s", yamlcheck.Describe(root))
	}
	fields, err := yamlcheck.Mapping(root, "", topKeys)
	if err != nil {
		return nil, err
	}
	s := &Scenario{Path: l.path}
	if n := fields["name"]; n != nil {
		if s.Name, err = scalar(n, "name"); err != nil {
			return nil, err
		}
		s.Name = label(s.Name)
	}
	if strings.TrimSpace(s.Name) == "" {
		s.Name = baseName(l.path)
	}
	if n := fields["description"]; n != nil {
		if _, err := scalar(n, "description"); err != nil {
			return nil, err
		}
	}
	clock := DefaultEpoch
	if n := fields["start"]; n != nil {
		v, err := scalar(n, "start")
		if err != nil {
			return nil, err
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return nil, yamlcheck.Errorf(n, "start: %q is not an RFC 3339 time such as 2026-11-24T10:00:00Z", v)
		}
		clock = t.UTC()
	}
	if n := fields["offers"]; n != nil {
		if s.Offers, err = l.offers(n); err != nil {
			return nil, err
		}
	}
	if n := fields["buyers"]; n != nil {
		if s.Buyers, err = l.buyers(n); err != nil {
			return nil, err
		}
	}
	n := fields["steps"]
	if n == nil || yamlcheck.IsNull(n) {
		return nil, yamlcheck.Errorf(root, "steps: missing: a scenario needs at least one step")
	}
	if n.Kind != yaml.SequenceNode {
		return nil, yamlcheck.Errorf(n, "steps: expected a list, got %s", yamlcheck.Describe(n))
	}
	if len(n.Content) == 0 {
		return nil, yamlcheck.Errorf(n, "steps: empty: a scenario needs at least one step")
	}
	first := true
	for i, sn := range n.Content {
		// A step may repeat an earlier one by its anchor (- *buy, a
		// redelivered webhook): it is that step again, at this line.
		line := sn.Line
		if sn.Kind == yaml.AliasNode {
			sn = sn.Alias
		}
		st, err := l.step(sn, i+1, s.Name, &clock, &first)
		if err != nil {
			return nil, err
		}
		st.Line = line
		s.Steps = append(s.Steps, st)
	}
	if err := sameIDSameTweet(s.Steps); err != nil {
		return nil, err
	}
	return s, nil
}

// sameIDSameTweet refuses two tweet steps with one ID and different
// tweets (author or text). The engine answers a tweet ID it has seen with
// its first result, marked duplicate, and charges nothing: the second
// tweet would never be processed, and its expectations, met by the first
// one's result, would pass. A webhook redelivery repeats the same tweet,
// and that stays allowed.
func sameIDSameTweet(steps []Step) error {
	first := map[string]int{}
	for i, st := range steps {
		if st.Kind != KindTweet {
			continue
		}
		j, seen := first[st.Tweet.ID]
		if !seen {
			first[st.Tweet.ID] = i
			continue
		}
		if a, b := steps[j].Tweet, st.Tweet; a.Text == b.Text && a.Retweet == b.Retweet && sameAuthor(a, b) {
			continue
		}
		line := st.idLine
		if line == 0 {
			line = st.Line
		}
		return &yamlcheck.Error{Line: line, Msg: fmt.Sprintf("steps[%d]: tweet ID %q is also step %d's, for another tweet (author or text differ): "+
			"it would be answered with step %d's result as a duplicate, and never processed; give it an ID of its own",
			st.Index-1, st.Tweet.ID, steps[j].Index, steps[j].Index)}
	}
	return nil
}

// MaxAliasedValues bounds how many values aliases may add to a file, over
// those written in it: one per byte of a file of MaxFileSize, more than
// it can write. Each
// alias stands for all of its anchor's values, and an anchor may hold
// aliases itself, so that a few lines can stand for billions of values
// (a "billion laughs"), which loading would expand until memory ran out.
const MaxAliasedValues = MaxFileSize

// checkAliases refuses a document whose aliases stand for more than
// MaxAliasedValues values beyond those written, at the line of the alias
// that adds most.
func checkAliases(doc *yaml.Node) error {
	sizes := map[*yaml.Node]int{}
	var written, added, worst int
	var worstAlias *yaml.Node
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		written++
		if n.Kind == yaml.AliasNode {
			if k := expandedSize(n.Alias, sizes); k > worst {
				worst, worstAlias = k, n
			}
			added = min(added+expandedSize(n.Alias, sizes), MaxAliasedValues+1)
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(doc)
	if added <= MaxAliasedValues {
		return nil
	}
	alone := strconv.Itoa(worst)
	if worst > MaxAliasedValues {
		alone = "over " + strconv.Itoa(MaxAliasedValues)
	}
	return yamlcheck.Errorf(worstAlias, "aliases stand for over %d values (*%s alone for %s): write them out, or split the file",
		MaxAliasedValues, worstAlias.Value, alone)
}

// expandedSize counts the values n stands for, its aliases expanded,
// saturating above MaxAliasedValues; sizes remembers each node's.
func expandedSize(n *yaml.Node, sizes map[*yaml.Node]int) int {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if len(n.Content) == 0 {
		return 1
	}
	if k, ok := sizes[n]; ok {
		return k
	}
	sizes[n] = MaxAliasedValues + 1 // an anchor inside itself counts as too many
	k := 1
	for _, c := range n.Content {
		k = min(k+expandedSize(c, sizes), MaxAliasedValues+1)
	}
	sizes[n] = k
	return k
}

// parseDocuments parses a scenario file, once: its first document, and
// the first one after it that holds something (a second scenario, which
// reading the first alone would silently leave out, its steps never run;
// an empty document after a trailing "---" is allowed). A variable, so
// that tests can count the parses.
var parseDocuments = yamlcheck.Documents

// offerProblems is the error of the offer on whose Resolve failed with
// err: at the line of its first problem's value (of the offer when the file
// does not write it), and each further problem on a line of its own that
// names the file and its line, in the order of the lines, as config
// validate lists them.
func (l *loader) offerProblems(on *yaml.Node, err error) error {
	type problem struct {
		n   *yaml.Node
		msg string
	}
	var ps []problem
	for _, p := range offer.Problems(err) {
		n := on
		var fe *offer.FieldError
		if errors.As(p, &fe) {
			if v := yamlcheck.Value(on, fe.Field); v != nil {
				n = v
			}
		}
		ps = append(ps, problem{n, strings.TrimPrefix(p.Error(), offer.ErrInvalid.Error()+": ")})
	}
	slices.SortStableFunc(ps, func(a, b problem) int { return a.n.Line - b.n.Line })
	var b strings.Builder
	b.WriteString(ps[0].msg)
	for _, p := range ps[1:] {
		fmt.Fprintf(&b, "\n%s:%d: %s", l.path, p.n.Line, p.msg)
	}
	return yamlcheck.Errorf(ps[0].n, "%s", b.String())
}

func (l *loader) offers(n *yaml.Node) ([]offer.Offer, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, yamlcheck.Errorf(n, "offers: expected a list, got %s", yamlcheck.Describe(n))
	}
	var out []offer.Offer
	for i, on := range n.Content {
		path := fmt.Sprintf("offers[%d]", i)
		if err := yamlcheck.Check(on, yamlcheck.Offer, path); err != nil {
			return nil, err
		}
		var o offer.Offer
		if err := on.Decode(&o); err != nil {
			return nil, yamlcheck.Errorf(on, "%s: %v", path, err)
		}
		if _, err := offer.Resolve(o, offer.Defaults{}); err != nil {
			return nil, l.offerProblems(on, err)
		}
		out = append(out, o)
	}
	if _, err := offer.ValidateAll(out, offer.Defaults{}); err != nil {
		return nil, yamlcheck.Errorf(n, "offers: %s", strings.ReplaceAll(err.Error(), offer.ErrInvalid.Error()+": ", ""))
	}
	return out, nil
}

func (l *loader) buyers(n *yaml.Node) ([]buyer.Buyer, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, yamlcheck.Errorf(n, "buyers: expected a list, got %s", yamlcheck.Describe(n))
	}
	var out []buyer.Buyer
	for i, bn := range n.Content {
		path := fmt.Sprintf("buyers[%d]", i)
		if err := yamlcheck.Check(bn, yamlcheck.Buyer, path); err != nil {
			return nil, err
		}
		var b buyer.Buyer
		if err := bn.Decode(&b); err != nil {
			return nil, yamlcheck.Errorf(bn, "%s: %v", path, err)
		}
		if _, err := buyer.Resolve(b, ""); err != nil {
			return nil, yamlcheck.Errorf(bn, "%s", strings.ReplaceAll(err.Error(), buyer.ErrInvalid.Error()+": ", ""))
		}
		out = append(out, b)
	}
	if err := buyer.ValidateAll(out, ""); err != nil {
		return nil, yamlcheck.Errorf(n, "buyers: %s", strings.ReplaceAll(err.Error(), buyer.ErrInvalid.Error()+": ", ""))
	}
	return out, nil
}

var stepKeys = []string{"name", "tweet", "file", "from", "id", "at", "expect", "charges", "expire"}

func (l *loader) step(n *yaml.Node, index int, scenario string, clock *time.Time, first *bool) (Step, error) {
	path := fmt.Sprintf("steps[%d]", index-1)
	if n.Kind != yaml.MappingNode {
		return Step{}, yamlcheck.Errorf(n, "%s: expected a mapping with tweet, file, charges or expire, got %s", path, yamlcheck.Describe(n))
	}
	f, err := yamlcheck.Mapping(n, path, stepKeys)
	if err != nil {
		return Step{}, err
	}
	st := Step{Index: index, Line: n.Line}
	if v := f["name"]; v != nil {
		if st.Name, err = scalar(v, path+".name"); err != nil {
			return Step{}, err
		}
		st.Name = label(st.Name)
	}
	var kinds []string
	for _, k := range []string{"tweet", "file", "charges", "expire"} {
		if f[k] != nil {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) != 1 {
		if len(kinds) == 0 {
			return Step{}, yamlcheck.Errorf(n, "%s: a step needs one of tweet, file, charges or expire", path)
		}
		return Step{}, yamlcheck.Errorf(f[kinds[1]], "%s: %s and %s cannot be in one step: split it into two steps", path, kinds[0], kinds[1])
	}
	only := func(kind string, allowed ...string) error {
		for _, k := range []string{"from", "id", "at"} {
			if f[k] != nil && !slices.Contains(allowed, k) {
				return yamlcheck.Errorf(f[k], "%s.%s: not allowed in %s %s step", path, k, article(kind), kind)
			}
		}
		return nil
	}
	switch kinds[0] {
	case "tweet", "file":
		st.Kind = KindTweet
		if err := l.tweetStep(f, path, &st, clock, first, scenario); err != nil {
			return Step{}, err
		}
		st.Expect, err = l.memo.parseExpect(f["expect"], path+".expect", "tweet", tweetFields)
		if err == nil {
			err = errorAlone(st.Expect, path+".expect")
		}
	case "charges":
		st.Kind = KindCharges
		if err := only("charges"); err != nil {
			return Step{}, err
		}
		if st.Filter, err = parseFilter(f["charges"], path+".charges"); err != nil {
			return Step{}, err
		}
		st.Expect, err = l.memo.parseExpect(f["expect"], path+".expect", "charges", chargeFields)
		if err == nil && len(st.Expect) == 0 {
			err = yamlcheck.Errorf(n, "%s: a charges step needs expect, such as {count: 1, gross: 1250}", path)
		}
	case "expire":
		st.Kind = KindExpire
		if err := only("expire"); err != nil {
			return Step{}, err
		}
		if yamlcheck.IsNull(f["expire"]) {
			return Step{}, yamlcheck.Errorf(f["expire"], "%s.expire: null: write when to expire, an RFC 3339 time or an offset such as +1h", path)
		}
		v, err := scalar(f["expire"], path+".expire")
		if err != nil {
			return Step{}, err
		}
		t, err := stepTime(f["expire"], path+".expire", v, *clock, *first)
		if err != nil {
			return Step{}, err
		}
		*clock, *first, st.At = t, false, t
		// Returned here: err is this case's own (declared with v),
		// and the check after the switch would not see it.
		if st.Expect, err = l.memo.parseExpect(f["expect"], path+".expect", "expire", expireFields); err != nil {
			return Step{}, err
		}
	}
	if err != nil {
		return Step{}, err
	}
	if st.Name == "" {
		st.Name = defaultName(st)
	}
	return st, nil
}

func (l *loader) tweetStep(f map[string]*yaml.Node, path string, st *Step, clock *time.Time, first *bool, scenario string) error {
	var at string
	if n := f["at"]; n != nil {
		v, err := scalar(n, path+".at")
		if err != nil {
			return err
		}
		at = v
	}
	var id string
	if n := f["id"]; n != nil {
		v, err := scalar(n, path+".id")
		if err != nil {
			return err
		}
		if strings.TrimSpace(v) == "" {
			return yamlcheck.Errorf(n, "%s.id: empty: leave it out to have one generated", path)
		}
		if n.Tag != "!!str" && n.Tag != "!!int" {
			return yamlcheck.Errorf(n, "%s.id: expected the tweet's ID, text or a whole number such as \"1001\", got %s", path, yamlcheck.Describe(n))
		}
		id, st.idLine = v, n.Line
	}
	var tw shop.Tweet
	if n := f["tweet"]; n != nil {
		if yamlcheck.IsNull(n) {
			// "tweet:" with its text forgotten, or indented under it.
			return yamlcheck.Errorf(n, "%s.tweet: null: write the tweet's text (\"\" for an empty tweet)", path)
		}
		text, err := scalar(n, path+".tweet")
		if err != nil {
			return err
		}
		fn := f["from"]
		if fn == nil {
			return yamlcheck.Errorf(n, "%s: a tweet needs from, the author's @handle", path)
		}
		from, err := scalar(fn, path+".from")
		if err != nil {
			return err
		}
		h, err := buyer.NormalizeHandle(from)
		if err != nil {
			return yamlcheck.Errorf(fn, "%s.from: %s", path, strings.TrimPrefix(err.Error(), buyer.ErrInvalid.Error()+": "))
		}
		tw = shop.Tweet{From: "@" + h, Text: text}
	} else {
		n := f["file"]
		name, err := scalar(n, path+".file")
		if err != nil {
			return err
		}
		if strings.TrimSpace(name) == "" {
			return yamlcheck.Errorf(n, "%s.file: empty: name a payload file, relative to the scenario file", path)
		}
		if f["from"] != nil {
			return yamlcheck.Errorf(f["from"], "%s.from: not allowed with file: the payload names the author", path)
		}
		if l.readFile == nil {
			return yamlcheck.Errorf(n, "%s.file: payload files cannot be read here", path)
		}
		tws, ok := l.payloads[name]
		if !ok {
			data, err := l.readFile(name)
			if err != nil {
				return yamlcheck.Errorf(n, "%s.file: %v", path, err)
			}
			if tws, err = tweet.ReadPayload(data); err != nil {
				return yamlcheck.Errorf(n, "%s.file: %s: %v", path, name, err)
			}
			l.payloads[name] = tws
		}
		if len(tws) != 1 {
			return yamlcheck.Errorf(n, "%s.file: %s holds %d tweets: a step takes exactly one", path, name, len(tws))
		}
		t := tws[0]
		if t.From == "" && t.AuthorID == "" {
			return yamlcheck.Errorf(n, "%s.file: %s: the tweet names no author", path, name)
		}
		// Checked as a tweet step's from: is, before anything runs,
		// rather than failing the step after the steps before it paid.
		if t.From != "" {
			if _, err := buyer.NormalizeHandle(t.From); err != nil {
				return yamlcheck.Errorf(n, "%s.file: %s: the author's %s", path, name, strings.TrimPrefix(err.Error(), buyer.ErrInvalid.Error()+": "))
			}
		}
		// A tweet naming its author only by ID (a v2 Tweet without
		// includes.users) keeps From empty: the engine finds the buyer
		// with that user_id, among the file's and the scenario's.
		tw = shop.Tweet{ID: t.ID, AuthorID: t.AuthorID, Text: t.Text, Retweet: t.Retweet,
			Own: t.ForUserID != "" && t.AuthorID == t.ForUserID}
		if t.From != "" {
			tw.From = "@" + t.From
		}
		if at == "" && !t.CreatedAt.IsZero() {
			tw.At = t.CreatedAt.UTC()
		}
	}
	if at != "" {
		t, err := stepTime(f["at"], path+".at", at, *clock, *first)
		if err != nil {
			return err
		}
		tw.At = t
	}
	if tw.At.IsZero() {
		tw.At = *clock
		if !*first {
			tw.At = clock.Add(DefaultGap)
		}
	}
	*clock, *first = tw.At, false
	if id != "" {
		tw.ID = id
	} else if tw.ID != "" {
		st.idLine = f["file"].Line
	}
	if tw.ID == "" {
		tw.ID = GenerateID(scenario, st.Index)
	}
	st.Tweet = tw
	return nil
}

// errorAlone refuses an expected error beside expectations on the result:
// a tweet whose processing fails has no result, so they could never be
// met, and would go unchecked.
func errorAlone(exps []Expectation, path string) error {
	i := slices.IndexFunc(exps, func(e Expectation) bool { return e.Field == "error" && !e.Null })
	if i < 0 {
		return nil
	}
	for _, e := range exps {
		if e.Field != "error" {
			return &yamlcheck.Error{Line: e.Line, Msg: fmt.Sprintf("%s.%s: cannot be checked with error: a tweet that fails has no result; expect one or the other", path, e.Field)}
		}
	}
	return nil
}

// sameAuthor tells whether two tweets may be by the same author: a
// payload names its author by handle and user ID, a tweet step by handle
// only, and a v2 Tweet without includes.users by user ID only.
func sameAuthor(a, b shop.Tweet) bool {
	if a.From != "" && b.From != "" && buyer.Key(a.From) != buyer.Key(b.From) {
		return false
	}
	return a.AuthorID == "" || b.AuthorID == "" || a.AuthorID == b.AuthorID
}

// GenerateID is the tweet ID of a step that gives none: the same scenario
// name and step number always give the same ID.
func GenerateID(scenario string, index int) string {
	sum := sha256.Sum256([]byte(scenario))
	return fmt.Sprintf("scn-%s-%d", hex.EncodeToString(sum[:4]), index)
}

// stepTime reads an `at`: an RFC 3339 time, or "+DURATION" after the
// previous step (after the scenario's start for the first step).
func stepTime(n *yaml.Node, path, v string, clock time.Time, first bool) (time.Time, error) {
	v = strings.TrimSpace(v)
	if rest, ok := strings.CutPrefix(v, "+"); ok {
		d, ok := parseOffset(rest)
		if !ok {
			return time.Time{}, yamlcheck.Errorf(n, "%s: %q is not an offset such as +16m, +1h30m or +1d: a Go duration in h, m, s, ms, us or ns, after whole days (d) if any", path, v)
		}
		return clock.Add(d), nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, yamlcheck.Errorf(n, "%s: %q is neither an RFC 3339 time (2026-11-24T10:00:00Z) nor an offset (+16m, +1d)", path, v)
	}
	return t.UTC(), nil
}

// maxOffsetDays bounds the days of an offset (five digits, as the schema
// says), below where a time.Duration overflows.
const maxOffsetDays = 99999

// parseOffset reads what follows the + of an offset: a Go duration
// ("16m", "1h30m"), whole days ("1d", as confirm windows take them), or
// days and then a duration ("1d12h").
func parseOffset(s string) (time.Duration, bool) {
	var days time.Duration
	if i := strings.IndexByte(s, 'd'); i >= 0 {
		n, err := strconv.ParseUint(s[:i], 10, 32)
		if err != nil || n > maxOffsetDays {
			return 0, false
		}
		days, s = time.Duration(n)*24*time.Hour, s[i+1:]
		if s == "" {
			return days, true
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 || d > math.MaxInt64-days {
		return 0, false
	}
	return days + d, true
}

var filterKeys = []string{"offer", "buyer", "status", "currency"}

func parseFilter(n *yaml.Node, path string) (ChargeFilter, error) {
	var f ChargeFilter
	if yamlcheck.IsNull(n) {
		return f, nil
	}
	if n.Kind != yaml.MappingNode {
		return f, yamlcheck.Errorf(n, "%s: expected a mapping such as {offer: BuyBlueMug, buyer: \"@alice\"}, got %s", path, yamlcheck.Describe(n))
	}
	m, err := yamlcheck.Mapping(n, path, filterKeys)
	if err != nil {
		return f, err
	}
	get := func(k string) (string, error) {
		if m[k] == nil || yamlcheck.IsNull(m[k]) {
			return "", nil
		}
		return scalar(m[k], path+"."+k)
	}
	// Each value is checked as the tweets' are: a filter with a typo in
	// it selects nothing, and a step expecting {count: 0} would pass.
	if f.Offer, err = get("offer"); err != nil {
		return f, err
	}
	if f.Offer != "" {
		f.offerLine = m["offer"].Line
		tag := offerTag(f.Offer)
		if !tweet.IsValidHashtag(tag) && (strings.ContainsAny(tag, "@＠") || !tweet.IsValidUsername(tag)) {
			return f, yamlcheck.Errorf(m["offer"], "%s.offer: %q is neither a hashtag nor a gift handle: name the offer as it is declared, such as BuyBlueMug or tweetacoffee", path, f.Offer)
		}
	}
	if f.Buyer, err = get("buyer"); err != nil {
		return f, err
	}
	if f.Buyer != "" {
		if _, err := buyer.NormalizeHandle(f.Buyer); err != nil {
			return f, yamlcheck.Errorf(m["buyer"], "%s.buyer: %s", path, strings.TrimPrefix(err.Error(), buyer.ErrInvalid.Error()+": "))
		}
	}
	if f.Status, err = get("status"); err != nil {
		return f, err
	}
	switch f.Status {
	case "", "succeeded", "failed", "pending":
	default:
		return f, yamlcheck.Errorf(m["status"], "%s.status: %q is not a charge status: succeeded, failed or pending", path, f.Status)
	}
	if f.Currency, err = get("currency"); err != nil {
		return f, err
	}
	f.Currency = strings.ToLower(strings.TrimSpace(f.Currency))
	if f.Currency != "" && !money.IsSupported(f.Currency) {
		return f, yamlcheck.Errorf(m["currency"], "%s.currency: %q is not a currency Stripe supports: use an ISO 4217 code such as usd or eur", path, f.Currency)
	}
	return f, nil
}

// offerTag is an offer as a charges filter names it, without the sign
// it may be written with: #BuyBlueMug, ＃BuyBlueMug, @tweetacoffee.
func offerTag(s string) string {
	s = strings.TrimSpace(s)
	if r, w := utf8.DecodeRuneInString(s); strings.ContainsRune("#＃@＠", r) {
		s = s[w:]
	}
	return s
}

func defaultName(st Step) string {
	switch st.Kind {
	case KindTweet:
		text := strings.Join(strings.Fields(st.Tweet.Text), " ")
		if r := []rune(text); len(r) > 50 {
			text = string(r[:49]) + "…"
		}
		by := st.Tweet.From
		if by == "" {
			by = "author_id " + st.Tweet.AuthorID // the engine finds the buyer
		}
		return fmt.Sprintf("%s: %q", by, text)
	case KindCharges:
		var parts []string
		for _, kv := range [][2]string{{"offer", st.Filter.Offer}, {"buyer", st.Filter.Buyer}, {"status", st.Filter.Status}, {"currency", st.Filter.Currency}} {
			if kv[1] != "" {
				parts = append(parts, kv[0]+"="+kv[1])
			}
		}
		if len(parts) == 0 {
			return "charges"
		}
		return "charges " + strings.Join(parts, " ")
	}
	return "expire at " + st.At.Format(time.RFC3339)
}

// label makes a name one line of printable text: it names a JUnit test
// and starts each failure line (file:line: ...) that CI logs are searched
// for, so a newline from a YAML block scalar (name: |) or a control
// character must not split or garble it.
func label(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// oneLine escapes the control characters of an expected value as Go
// does (\n, \t, \x01), so that a failure message stays on one line.
func oneLine(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func scalar(n *yaml.Node, path string) (string, error) {
	if n.Kind != yaml.ScalarNode {
		return "", yamlcheck.Errorf(n, "%s: expected a single value, got %s", path, yamlcheck.Describe(n))
	}
	if yamlcheck.IsNull(n) {
		return "", nil
	}
	return n.Value, nil
}

// article is the indefinite article of word: "an expire step", "a tweet step".
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}
