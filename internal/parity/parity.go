// Package parity checks that the embedded emulator answers as Stripe's test
// mode does. A suite of API request sequences (Suite) is sent to a backend
// by a Runner, which records every answer (status, selected headers, JSON
// body); Compare then normalises what legitimately differs between two
// recordings (object and request IDs, timestamps, secrets, account-specific
// values) and reports every remaining difference with its step, its JSON path
// and both values.
//
// Steps refer to the objects made by earlier steps by name, as the Stripe
// CLI's fixtures do: "${customer:id}" is the "id" of the answer of the step
// named "customer", "${decline:error.payment_intent.id}" goes deeper, and
// "${list:data.0.id}" indexes an array. "${run}" is a token unique to one
// comparison, so that e-mail addresses, product IDs, lookup keys and
// idempotency keys never meet those of an earlier run in the same Stripe
// account.
package parity

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// APIVersion is the Stripe API version every request names: the one
// stripe-go v76 pins.
const APIVersion = "2023-10-16"

// Param is one form parameter, in the order it is sent.
type Param struct {
	Key, Value string
}

// Form builds a parameter list from alternating keys and values.
func Form(kv ...string) []Param {
	if len(kv)%2 != 0 {
		panic("parity.Form: odd number of arguments")
	}
	ps := make([]Param, 0, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		ps = append(ps, Param{kv[i], kv[i+1]})
	}
	return ps
}

// Step is one API request of a suite.
type Step struct {
	// Name identifies the step in reports and in later steps' references.
	Name string
	// Method is GET, POST or DELETE.
	Method string
	// Path starts with /v1/ and may hold references.
	Path string
	// Params are sent as the form body of a POST, else as the query.
	// Values may hold references.
	Params []Param
	// IdempotencyKey, when set, is sent as the Idempotency-Key header.
	IdempotencyKey string
	// APIKey, when set, replaces the backend's key for this request (to
	// check how a bad key is refused).
	APIKey string
	// Status is the HTTP status the suite expects from Stripe. A backend
	// answering otherwise is reported by CheckStatuses; Compare reports
	// the difference between two backends whatever the expectation.
	Status int
	// Until, when set, is a condition the answer must meet; a Runner with
	// a PollTimeout asks again until it holds. Stripe's search is only
	// eventually consistent: a customer appears in search results up to
	// a minute after it was created.
	Until func(status int, body any) bool
	// Note says what the step checks, where that is not obvious.
	Note string
}

// Answer is the recorded answer to one step.
type Answer struct {
	// Step is the step's name.
	Step string
	// Method and Path are the request as sent, references resolved.
	Method, Path string
	// Status is the HTTP status code, 0 when no request was answered.
	Status int
	// Header holds the recorded headers (RecordedHeaders) the answer had.
	Header map[string]string
	// Body is the decoded JSON body (numbers as json.Number).
	Body any
	// Err is why the step has no answer: a reference that could not be
	// resolved, a transport error or a body that is not JSON.
	Err string
}

// RecordedHeaders are the answer headers a Runner keeps.
var RecordedHeaders = []string{
	"Request-Id", "Original-Request", "Idempotent-Replayed", "Idempotency-Key",
	"Stripe-Should-Retry", "Stripe-Version", "Content-Type", "Www-Authenticate",
}

// Backend is where a Runner sends its requests.
type Backend struct {
	// Client sends the requests; nil means http.DefaultClient.
	Client *http.Client
	// BaseURL is the API's root, e.g. https://api.stripe.com.
	BaseURL string
	// Key is the secret API key sent as a Bearer token.
	Key string
}

// Runner sends a suite to one backend and records the answers.
type Runner struct {
	Backend Backend
	// PollTimeout is how long a step with an Until condition is asked
	// again until the condition holds; 0 asks once.
	PollTimeout time.Duration
	// PollInterval is the wait between two polls (default 2s).
	PollInterval time.Duration
}

// NewRunToken returns a token unique to one comparison, made of lowercase
// letters and digits so that it fits e-mail addresses, product IDs and
// lookup keys.
func NewRunToken() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return "r" + strconv.FormatInt(time.Now().Unix(), 36) + hex.EncodeToString(b[:])
}

// Run sends the steps in order and returns one answer per step. A step
// whose references cannot be resolved, or that gets no answer, is recorded
// with Err and the run goes on.
func (r *Runner) Run(ctx context.Context, steps []Step, run string) []Answer {
	answers := make([]Answer, 0, len(steps))
	byName := make(map[string]*Answer, len(steps))
	for _, st := range steps {
		a := r.runStep(ctx, st, run, byName)
		answers = append(answers, a)
		byName[st.Name] = &answers[len(answers)-1]
	}
	return answers
}

func (r *Runner) runStep(ctx context.Context, st Step, run string, byName map[string]*Answer) Answer {
	a := Answer{Step: st.Name, Method: st.Method}
	path, err := resolve(st.Path, run, byName)
	if err != nil {
		a.Err = err.Error()
		return a
	}
	a.Path = path
	params := make([]Param, len(st.Params))
	for i, p := range st.Params {
		v, err := resolve(p.Value, run, byName)
		if err != nil {
			a.Err = err.Error()
			return a
		}
		params[i] = Param{p.Key, v}
	}
	idem, err := resolve(st.IdempotencyKey, run, byName)
	if err != nil {
		a.Err = err.Error()
		return a
	}
	key := r.Backend.Key
	if st.APIKey != "" {
		key = st.APIKey
	}
	interval := r.PollInterval
	if interval <= 0 {
		interval = 2 * time.Second
	}
	deadline := time.Now().Add(r.PollTimeout)
	for {
		a.Status, a.Header, a.Body, a.Err = r.send(ctx, st.Method, path, params, idem, key)
		if a.Err != "" || st.Until == nil || st.Until(a.Status, a.Body) || !time.Now().Add(interval).Before(deadline) {
			return a
		}
		select {
		case <-ctx.Done():
			return a
		case <-time.After(interval):
		}
	}
}

func (r *Runner) send(ctx context.Context, method, path string, params []Param, idem, key string) (int, map[string]string, any, string) {
	form := encodeForm(params)
	target := strings.TrimSuffix(r.Backend.BaseURL, "/") + path
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(form)
	} else if form != "" {
		target += "?" + form
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return 0, nil, nil, err.Error()
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Stripe-Version", APIVersion)
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if idem != "" {
		req.Header.Set("Idempotency-Key", idem)
	}
	client := r.Backend.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, nil, "no answer: " + err.Error()
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, nil, "read the answer: " + err.Error()
	}
	hdr := map[string]string{}
	for _, h := range RecordedHeaders {
		if v := resp.Header.Values(h); len(v) > 0 {
			hdr[h] = strings.Join(v, ", ")
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		if len(raw) > 200 {
			raw = raw[:200]
		}
		return resp.StatusCode, hdr, nil, fmt.Sprintf("the body is not JSON (%v): %q", err, raw)
	}
	return resp.StatusCode, hdr, v, ""
}

// encodeForm encodes params in their order, as stripe-go does (brackets
// escaped).
func encodeForm(params []Param) string {
	var b strings.Builder
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p.Key))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p.Value))
	}
	return b.String()
}

var refPattern = regexp.MustCompile(`\$\{([^}]*)\}`)

// resolve replaces the references in s: ${run} and ${step:path}.
func resolve(s, run string, byName map[string]*Answer) (string, error) {
	var firstErr error
	out := refPattern.ReplaceAllStringFunc(s, func(m string) string {
		ref := m[2 : len(m)-1]
		if ref == "run" {
			return run
		}
		v, err := Lookup(ref, byName)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return v
	})
	return out, firstErr
}

// Lookup resolves a reference "step:path" against the answers recorded so
// far. The value must be a string or a number.
func Lookup(ref string, byName map[string]*Answer) (string, error) {
	name, path, ok := strings.Cut(ref, ":")
	if !ok || name == "" || path == "" {
		return "", fmt.Errorf("reference ${%s}: want ${step:path}", ref)
	}
	a := byName[name]
	if a == nil {
		return "", fmt.Errorf("reference ${%s}: no earlier step %q", ref, name)
	}
	if a.Err != "" {
		return "", fmt.Errorf("reference ${%s}: step %q has no answer", ref, name)
	}
	v := a.Body
	for _, seg := range strings.Split(path, ".") {
		switch c := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = c[seg]; !ok {
				return "", fmt.Errorf("reference ${%s}: step %q answered %d without %q", ref, name, a.Status, path)
			}
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(c) {
				return "", fmt.Errorf("reference ${%s}: step %q answered %d without %q", ref, name, a.Status, path)
			}
			v = c[i]
		default:
			return "", fmt.Errorf("reference ${%s}: step %q answered %d without %q", ref, name, a.Status, path)
		}
	}
	switch x := v.(type) {
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	}
	return "", fmt.Errorf("reference ${%s}: step %q has %s, not a string or number", ref, name, describe(v))
}

func describe(v any) string {
	if v == nil {
		return "null"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	if len(b) > 80 {
		return string(b[:80]) + "…"
	}
	return string(b)
}

// References lists the step names a step refers to (in its path, params
// and idempotency key).
func References(st Step) []string {
	var names []string
	texts := []string{st.Path, st.IdempotencyKey}
	for _, p := range st.Params {
		texts = append(texts, p.Value)
	}
	for _, s := range texts {
		for _, m := range refPattern.FindAllStringSubmatch(s, -1) {
			if name, _, ok := strings.Cut(m[1], ":"); ok {
				names = append(names, name)
			}
		}
	}
	return names
}

// CheckStatuses reports the steps whose answer's status is not the one the
// suite expects.
func CheckStatuses(steps []Step, answers []Answer) error {
	var errs []error
	for i, st := range steps {
		if i >= len(answers) {
			errs = append(errs, fmt.Errorf("step %q: no answer recorded", st.Name))
			continue
		}
		a := answers[i]
		switch {
		case a.Err != "":
			errs = append(errs, fmt.Errorf("step %q: %s", st.Name, a.Err))
		case a.Status != st.Status:
			errs = append(errs, fmt.Errorf("step %q: %s %s answered %d, the suite expects %d: %s",
				st.Name, a.Method, a.Path, a.Status, st.Status, describe(a.Body)))
		}
	}
	return errors.Join(errs...)
}

// CheckTestKey refuses any key but a Stripe test-mode secret or restricted
// key: the live comparison makes objects and charges test cards, which it
// must never do in live mode.
func CheckTestKey(key string) error {
	for _, p := range []string{"sk_test_", "rk_test_"} {
		if strings.HasPrefix(key, p) && len(key) > len(p) {
			return nil
		}
	}
	if key == "" {
		return errors.New("no Stripe key given: set TWEETPAY_TEST_API_KEY to a test-mode key (sk_test_... or rk_test_...)")
	}
	return errors.New("TWEETPAY_TEST_API_KEY is not a test-mode secret key (sk_test_... or rk_test_...): refusing to run")
}
