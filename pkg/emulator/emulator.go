// Package emulator is a stateful, persisted emulator of the Stripe v1 API as
// stripe-go v76 (API version 2023-10-16) uses it: products, prices and
// customers (list and search), payment methods with Stripe's test cards,
// payment intents with declines and manual capture (list and search),
// charges (list and search; a charge's own capture is refused as Stripe
// refuses it for a PaymentIntent's charge), refunds, idempotency and list
// pagination. As on Stripe, "param=" (an empty string) unsets a parameter
// that can be unset and is refused (parameter_invalid_empty) for any other.
// It is an http.Handler; Transport serves it in-process, so a stripe-go
// client needs no socket. State lives in a bbolt file (through pkg/statedb)
// and every write request is one transaction.
//
// Emulator extension: a request may carry a "Tweetpay-Now: <RFC3339>" header;
// objects it creates then get that time as "created" (the simulation replays
// tweets with their own timestamps). Without it the emulator's clock is used.
package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/tweetpay/tweetpay/pkg/statedb"
)

// APIVersion is the Stripe API version the emulator speaks.
const APIVersion = "2023-10-16"

// NowHeader is the emulator's extension header setting the "created" time of
// the objects a request creates (RFC3339).
const NowHeader = "Tweetpay-Now"

// FileName is the name of the state file inside the emulator's directory.
const FileName = "emulator.db"

// initialMmapSize maps the state file's first 256 MiB up front (address
// space only), so that a growing file does not remap under load.
const initialMmapSize = 256 << 20

// idempotencyTTL is how long idempotency keys are kept (Stripe: at least 24h).
const idempotencyTTL = 24 * time.Hour

// Options configure an Emulator. The zero value is ready to use.
type Options struct {
	// Now is the clock for "created" times and idempotency expiry;
	// nil means time.Now.
	Now func() time.Time
	// Log, when set, receives one line per request: method, path, status
	// and duration.
	Log io.Writer
	// LockTimeout is how long Open waits for another process holding the
	// state file (0 means statedb.DefaultTimeout).
	LockTimeout time.Duration
	// Throwaway marks a state deleted once the command ends: its writes
	// are not synced (statedb.Options.Throwaway).
	Throwaway bool
	// renewAfter, in tests, reopens the file more often than
	// statedb.RenewAfter pages.
	renewAfter int
}

// Emulator is a Stripe-compatible API over a local state file.
type Emulator struct {
	db   *statedb.DB
	opts Options

	writer     *statedb.Committer
	idem       idemIndex
	inflightMu sync.Mutex
	inflight   map[string]struct{}
	// idemOldest is the (encoded) time of the oldest idempotency record
	// as last seen, 0 if unknown (see storeIdem).
	idemOldest atomic.Uint64
	logMu      sync.Mutex

	products  *table[product]
	prices    *table[price]
	customers *table[customer]
	pms       *table[pmRecord]
	pis       *table[piRecord]
	charges   *table[charge]
	refunds   *table[refund]
	// deferred are the tables with deferred indexes (deferred.go).
	deferred []deferredTable
	// logChanges counts the transactions of this process that rewrote or
	// deleted entries of a pending log (deferred.go, materialiseSteps).
	logChanges atomic.Uint64
}

// Open opens (creating if needed) the emulator state in dir/emulator.db. If
// another process holds it, Open waits up to opts.LockTimeout and then fails
// with an error wrapping statedb.ErrLocked.
func Open(dir string, opts Options) (*Emulator, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	db, err := statedb.Open(filepath.Join(dir, FileName), statedb.Options{
		Timeout:         opts.LockTimeout,
		InitialMmapSize: initialMmapSize,
		RenewAfter:      opts.renewAfter,
		Throwaway:       opts.Throwaway})
	if err != nil {
		return nil, fmt.Errorf("open emulator state: %w", err)
	}
	e := &Emulator{db: db, opts: opts, inflight: map[string]struct{}{}}
	e.idem.db = db
	e.initTables()
	// A write transaction is synced even when it changes nothing: open
	// read-only when the file is already in this layout.
	if err := e.db.View(e.ready); err != nil {
		if err := e.db.Update(e.upgrade); err != nil {
			_ = db.Close()
			return nil, fmt.Errorf("initialise emulator state: %w", err)
		}
		_ = e.db.TrimMapped() // an upgrade may have read the whole file

	}
	e.writer = statedb.NewCommitter(db)
	return e, nil
}

func (e *Emulator) allBuckets() [][]byte {
	return [][]byte{bucketMeta, bucketObjects, bucketIndex, bucketIdem, bucketIdemIdx}
}

// formatKey holds, in the meta bucket, the version of the storage layout.
var formatKey = []byte("format")

// formatVersion is the storage layout described in store.go. Version 3
// added the pending log of deferred indexes (deferred.go): a version 2 file
// is a version 3 file with nothing pending, and is kept as it is. A
// tweetpay of version 2 would list without the pending objects; seeing
// another version, it empties the file instead, as upgrade below does.
const formatVersion = "3"

// compatibleVersions are earlier layouts this one reads unchanged.
var compatibleVersions = map[string]bool{"2": true}

// errNotReady is returned by ready for a file that needs upgrade.
var errNotReady = errors.New("state file needs initialising")

// ready reports, without writing, whether the file is in this layout.
func (e *Emulator) ready(tx *bolt.Tx) error {
	for _, b := range e.allBuckets() {
		if tx.Bucket(b) == nil {
			return errNotReady
		}
	}
	meta := tx.Bucket(bucketMeta)
	if string(meta.Get(formatKey)) != formatVersion || meta.Get(idemCountKey) == nil ||
		string(meta.Get(idemIndexedByKey)) != idemIndexVersion {
		return errNotReady
	}
	return nil
}

// upgrade prepares a state file for this version: a file written in an
// older layout (emulated test data, nothing else) is emptied first, since
// its objects would not be found and its counters would be wrong.
func (e *Emulator) upgrade(tx *bolt.Tx) error {
	if meta := tx.Bucket(bucketMeta); meta != nil && string(meta.Get(formatKey)) != formatVersion &&
		!compatibleVersions[string(meta.Get(formatKey))] {
		var names [][]byte
		if err := tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			names = append(names, append([]byte(nil), name...))
			return nil
		}); err != nil {
			return err
		}
		for _, name := range names {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
		}
	}
	// Built again when missing, or keyed by a record's whole scope (written
	// before keys were bound to their first endpoint).
	indexed := tx.Bucket(bucketIdemIdx) != nil && tx.Bucket(bucketMeta) != nil &&
		string(tx.Bucket(bucketMeta).Get(idemIndexedByKey)) == idemIndexVersion
	if !indexed && tx.Bucket(bucketIdemIdx) != nil {
		if err := tx.DeleteBucket(bucketIdemIdx); err != nil {
			return err
		}
	}
	if tx.Bucket(bucketIdemHash) != nil {
		if err := tx.DeleteBucket(bucketIdemHash); err != nil {
			return err
		}
	}
	if err := e.createBuckets(tx); err != nil {
		return err
	}
	if !indexed { // written before idempotency records were indexed in the file
		if err := buildIdemIndex(tx); err != nil {
			return err
		}
	}
	return countIdem(tx)
}

func (e *Emulator) createBuckets(tx *bolt.Tx) error {
	for _, b := range e.allBuckets() {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	meta := tx.Bucket(bucketMeta)
	if string(meta.Get(idemIndexedByKey)) != idemIndexVersion {
		if err := meta.Put(idemIndexedByKey, []byte(idemIndexVersion)); err != nil {
			return err
		}
	}
	if string(meta.Get(formatKey)) == formatVersion {
		return nil
	}
	return meta.Put(formatKey, []byte(formatVersion))
}

// Close waits for writes in progress and releases the state file.
func (e *Emulator) Close() error {
	e.writer.Close()
	return e.db.Close()
}

// Path returns the state file's path.
func (e *Emulator) Path() string { return e.db.Path() }

// WriterStats describes the work of the state file's writer (for
// benchmarks).
func (e *Emulator) WriterStats() statedb.WriterStats { return e.writer.Stats() }

// Reset deletes every object and idempotency key in one transaction.
func (e *Emulator) Reset() error {
	err := e.db.Update(func(tx *bolt.Tx) error {
		e.logChanges.Add(1)
		for _, b := range e.allBuckets() {
			if tx.Bucket(b) != nil {
				if err := tx.DeleteBucket(b); err != nil {
					return err
				}
			}
		}
		if err := e.createBuckets(tx); err != nil {
			return err
		}
		return countIdem(tx)
	})
	return err
}

// Stats describes what the state holds.
type Stats struct {
	// Path is the state file.
	Path string `json:"path"`
	// SizeBytes is the state file's size.
	SizeBytes int64 `json:"size_bytes"`
	// Objects counts objects per type ("charges", "customers", ...).
	Objects map[string]int64 `json:"objects"`
	// IdempotencyKeys counts stored idempotency records.
	IdempotencyKeys int64 `json:"idempotency_keys"`
}

// EmptyStats is the Stats of a state directory that holds no emulator
// file yet: every type at 0, without creating anything.
func EmptyStats(dir string) Stats {
	var e Emulator
	e.initTables()
	st := Stats{Path: filepath.Join(dir, FileName), Objects: map[string]int64{}}
	for _, k := range e.kinds() {
		st.Objects[k] = 0
	}
	return st
}

func (e *Emulator) kinds() []string {
	return []string{e.products.kind, e.prices.kind, e.customers.kind, e.pms.kind,
		e.pis.kind, e.charges.kind, e.refunds.kind}
}

// Stats counts the stored objects per type.
func (e *Emulator) Stats() (Stats, error) {
	st := Stats{Path: e.db.Path(), Objects: map[string]int64{}}
	err := e.db.View(func(tx *bolt.Tx) error {
		for _, k := range e.kinds() {
			st.Objects[k] = readCount(tx, []byte("count:"+k))
		}
		st.IdempotencyKeys = readCount(tx, idemCountKey)
		return nil
	})
	if err != nil {
		return st, fmt.Errorf("read emulator stats: %w", err)
	}
	if fi, err := os.Stat(e.db.Path()); err == nil {
		st.SizeBytes = fi.Size()
	}
	return st, nil
}

// request is one parsed API call.
type request struct {
	method string
	path   string
	segs   []string
	params map[string]any
	now    time.Time
	apiKey string
}

type handlerFunc func(w *wtx, rq *request) (any, *apiError)

// ServeHTTP answers one Stripe API request.
func (e *Emulator) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	start := time.Now()
	reqID := newRequestID()
	h := rw.Header()
	h.Set("Request-Id", reqID)
	h.Set("Content-Type", "application/json")
	h.Set("Stripe-Version", APIVersion)
	idemKey := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	if idemKey != "" {
		h.Set("Idempotency-Key", idemKey)
	}
	status := e.serve(rw, r, reqID, idemKey)
	if e.opts.Log != nil {
		e.logMu.Lock()
		fmt.Fprintf(e.opts.Log, "%s %s %d %s\n", r.Method, r.URL.Path, status, time.Since(start).Round(time.Microsecond))
		e.logMu.Unlock()
	}
}

func writeJSON(rw http.ResponseWriter, status int, body []byte) int {
	if status == http.StatusPaymentRequired {
		rw.Header().Set("Stripe-Should-Retry", "false")
	}
	rw.WriteHeader(status)
	_, _ = rw.Write(body)
	return status
}

func writeError(rw http.ResponseWriter, aerr *apiError) int {
	for k, v := range aerr.extraHeaders {
		rw.Header()[k] = v
	}
	// Every error but an authentication failure links to its request's
	// log entry, named by the Request-Id the answer carries.
	if aerr.RequestLogURL == "" && aerr.Status != http.StatusUnauthorized {
		withURL := *aerr
		withURL.RequestLogURL = requestLogURL(rw.Header().Get("Request-Id"), time.Now())
		aerr = &withURL
	}
	body, _ := json.Marshal(errorEnvelope{Error: aerr})
	return writeJSON(rw, aerr.Status, body)
}

// requestLogURL is the Dashboard's page for the request reqID made at t.
func requestLogURL(reqID string, t time.Time) string {
	return "https://dashboard.stripe.com/test/logs/" + reqID + "?t=" + itoa(t.Unix())
}

func (e *Emulator) serve(rw http.ResponseWriter, r *http.Request, reqID, idemKey string) int {
	key, aerr := authenticate(r)
	if aerr != nil {
		return writeError(rw, aerr)
	}
	if v := r.Header.Get("Stripe-Version"); v != "" && v != APIVersion && !wellFormedVersion(v) {
		return writeError(rw, invalidRequest("", "", "Invalid Stripe API version: %s", v))
	}
	rq := &request{method: r.Method, path: r.URL.Path, apiKey: key}
	if !strings.HasPrefix(r.URL.Path, "/v1/") {
		return writeError(rw, errUnrecognizedURL(r))
	}
	// A trailing slash or an empty segment (an empty ID: GET /v1/customers/)
	// routes nowhere on Stripe, rather than to the list.
	rq.segs = strings.Split(r.URL.Path[len("/v1/"):], "/")
	ep := e.route(r.Method, rq.segs)
	if ep.handle == nil || slices.Contains(rq.segs, "") {
		return writeError(rw, errUnrecognizedURL(r))
	}
	handler := ep.handler()
	var pairs []formPair
	if r.Method == http.MethodPost {
		if ct := r.Header.Get("Content-Type"); ct != "" && !isFormType(ct) {
			return writeError(rw, invalidRequest("", "",
				"Invalid request: unsupported Content-Type %s. If error persists and you need assistance, please contact support@stripe.com.", ct))
		}
		body, err := readBody(r.Body)
		if err != nil {
			return writeError(rw, invalidRequest("", "", "Could not read the request body: %v", err))
		}
		pairs, err = parseForm(body)
		if err != nil {
			return writeError(rw, invalidRequest("", "", "Invalid request body: %v", err))
		}
	} else {
		var err error
		pairs, err = parseForm(r.URL.RawQuery)
		if err != nil {
			return writeError(rw, invalidRequest("", "", "Invalid query string: %v", err))
		}
	}
	params, err := decodePairs(pairs)
	if err != nil {
		if ie := (*formIndexError)(nil); errors.As(err, &ie) {
			return writeError(rw, invalidRequest("", ie.param, "%s", ie.Error()))
		}
		return writeError(rw, invalidRequest("", "", "Invalid request: %v", err))
	}
	rq.params = params
	rq.now = e.opts.Now()
	if v := r.Header.Get(NowHeader); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return writeError(rw, invalidRequest("", "", "Invalid %s header %q: want an RFC3339 time", NowHeader, v))
		}
		rq.now = t
	}
	if !ep.write {
		var body []byte
		var aerr *apiError
		err := e.db.View(func(tx *bolt.Tx) (err error) {
			body, aerr, err = e.read(tx, handler, rq)
			return err
		})
		e.db.MaybeTrim()
		if err == nil && aerr == errIndexPending {
			body, aerr, err = e.serveThroughWriter(handler, rq)
		}
		if err != nil {
			return writeError(rw, errAPI("An error occurred with our connection to the emulator's store."))
		}
		if aerr != nil {
			return writeError(rw, aerr)
		}
		return writeJSON(rw, http.StatusOK, body)
	}
	return e.serveWrite(rw, rq, handler, reqID, idemKey, pairs)
}

// read runs a handler that only reads in tx and encodes its answer: the
// body, or the handler's error; err is the encoding's.
func (e *Emulator) read(tx *bolt.Tx, handler handlerFunc, rq *request) (body []byte, aerr *apiError, err error) {
	obj, herr := handler(&wtx{tx: tx, em: e, now: rq.now}, rq)
	if herr != nil {
		return nil, herr, nil
	}
	body, err = encodeBody(obj)
	return body, nil, err
}

func (e *Emulator) serveWrite(rw http.ResponseWriter, rq *request, handler handlerFunc, reqID, clientKey string, pairs []formPair) int {
	var (
		scope []byte
		hash  string
	)
	useIdem := clientKey != "" && rq.method == http.MethodPost
	if useIdem {
		if len(clientKey) > 255 {
			return writeError(rw, invalidRequest("", "", "Invalid idempotency key: it must be at most 255 characters long."))
		}
		scope = []byte(e.idemScope(rq.apiKey, rq.method, rq.path, clientKey))
		hash = paramsHash(pairs)
		// A key is in flight whatever endpoint it was sent to.
		flight := string(idemIndexKey(scope))
		e.inflightMu.Lock()
		if _, busy := e.inflight[flight]; busy {
			e.inflightMu.Unlock()
			aerr := &apiError{Status: http.StatusConflict, Type: "invalid_request_error", Code: "idempotency_key_in_use",
				Message: "There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): " +
					clientKey + ". Please try again later.", DocURL: docURL("idempotency_key_in_use")}
			return writeError(rw, aerr)
		}
		e.inflight[flight] = struct{}{}
		e.inflightMu.Unlock()
		defer func() {
			e.inflightMu.Lock()
			delete(e.inflight, flight)
			e.inflightMu.Unlock()
		}()
	}
	var (
		status   int
		body     []byte
		aerrOut  *apiError
		replayed bool
		original string
	)
	// The JSON buffers of the run whose answer is written go back to their
	// pool once it is written (the deferred call runs after writeJSON).
	var last *wtx
	defer func() {
		if last != nil {
			last.release()
		}
	}()
	err := e.writer.Do(func(tx *bolt.Tx) error {
		if last != nil { // a group retried without a failed member runs fn again
			last.release()
		}
		status, body, aerrOut, replayed, original = 0, nil, nil, false, reqID
		w := &wtx{tx: tx, em: e, now: rq.now, reqID: reqID}
		last = w
		wall := e.opts.Now()
		var old *idemKey
		if useIdem {
			if raw, key, ok := e.getIdem(tx, scope); ok {
				old = &key
				var rec idemRecord
				if err := rec.unmarshal(raw); err == nil && wall.Unix()-rec.At < int64(idempotencyTTL/time.Second) {
					if rec.Scope != string(scope) {
						aerrOut = &apiError{Status: http.StatusBadRequest, Type: "idempotency_error",
							Message: "Keys for idempotent requests can only be used for the same endpoint they were first used for ('" +
								rq.path + "' vs '" + scopePath(rec.Scope) + "'). Try using a key other than '" +
								clientKey + "' if you meant to execute a different request."}
						return nil
					}
					if !sameParams(rec.Hash, hash, pairs) {
						aerrOut = &apiError{Status: http.StatusBadRequest, Type: "idempotency_error",
							Message: "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '" +
								clientKey + "' if you meant to execute a different request."}
						return nil
					}
					status, body, replayed, original = rec.Status, rec.Body, true, rec.RequestID
					return nil
				}
			}
		}
		obj, herr := handler(w, rq)
		if herr != nil && herr.Status != http.StatusPaymentRequired {
			aerrOut = herr
			if w.dirty {
				return errRollback
			}
			return nil
		}
		if herr != nil {
			status = herr.Status
			if herr.RequestLogURL == "" {
				herr.RequestLogURL = requestLogURL(reqID, wall)
			}
			b, err := json.Marshal(errorEnvelope{Error: herr})
			if err != nil {
				return err
			}
			body = b
		} else {
			status = http.StatusOK
			b, err := encodeBody(obj)
			if err != nil {
				return err
			}
			body = b
		}
		if useIdem {
			return e.storeIdem(tx, scope, old, idemRecord{Hash: hash, Status: status, Body: body, RequestID: reqID, At: wall.Unix()}, wall)
		}
		return nil
	})
	if err != nil && !errors.Is(err, errRollback) {
		return writeError(rw, errAPI("An unexpected error occurred in the emulator's store: %v", err))
	}
	if aerrOut != nil {
		return writeError(rw, aerrOut)
	}
	if useIdem {
		rw.Header().Set("Original-Request", original)
		if replayed {
			rw.Header().Set("Idempotent-Replayed", "true")
		}
	}
	return writeJSON(rw, status, body)
}

// wellFormedVersion reports whether v could name a Stripe API version: a
// date from 2011 on, optionally with a release name ("2024-09-30.acacia").
// The emulator answers every version in APIVersion's shapes, but a version
// Stripe would refuse is refused here too.
func wellFormedVersion(v string) bool {
	date, name, named := strings.Cut(v, ".")
	t, err := time.Parse("2006-01-02", date)
	if err != nil || t.Year() < 2011 {
		return false
	}
	if named {
		if name == "" {
			return false
		}
		for _, c := range name {
			if c < 'a' || c > 'z' {
				return false
			}
		}
	}
	return true
}

// isFormType reports whether a Content-Type names a form-encoded body, the
// only kind the v1 API reads ("application/x-www-form-urlencoded", with or
// without parameters such as a charset). A JSON body is refused, as Stripe
// does, rather than read as one unknown parameter.
func isFormType(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.EqualFold(strings.TrimSpace(mt), "application/x-www-form-urlencoded")
}

// rawBody is a handler's answer that is already JSON.
type rawBody []byte

// encodeBody is a handler answer's JSON.
func encodeBody(obj any) ([]byte, error) {
	if b, ok := obj.(rawBody); ok {
		return b, nil
	}
	return marshal(obj)
}

func errUnrecognizedURL(r *http.Request) *apiError {
	hint := ""
	if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/") {
		// Stripe's words for an empty ID (onetimesecret/onetimesecret#569).
		hint = " If you are trying to list objects, remove the trailing slash. If you are trying to retrieve an object, make sure you passed a valid (non-empty) identifier in your code."
	}
	e := invalidRequest("", "", "Unrecognized request URL (%s: %s).%s Please see https://stripe.com/docs or we can help at https://support.stripe.com/.", r.Method, r.URL.Path, hint)
	e.Status = http.StatusNotFound
	return e
}

// authenticate checks the secret key (Bearer, or Basic with the key as user).
func authenticate(r *http.Request) (string, *apiError) {
	auth := r.Header.Get("Authorization")
	var key string
	switch {
	case strings.HasPrefix(auth, "Bearer "):
		key = strings.TrimSpace(auth[len("Bearer "):])
	case strings.HasPrefix(auth, "Basic "):
		if u, _, ok := r.BasicAuth(); ok {
			key = u
		}
	}
	unauthorized := func(msg string) *apiError {
		return &apiError{Status: http.StatusUnauthorized, Type: "invalid_request_error", Message: msg,
			extraHeaders: http.Header{"Www-Authenticate": {`Basic realm="Stripe"`}}}
	}
	switch {
	case key == "":
		return "", unauthorized("You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.")
	case strings.HasPrefix(key, "sk_live_"), strings.HasPrefix(key, "rk_live_"):
		return "", unauthorized("The tweetpay Stripe emulator runs in test mode only: live keys are refused (" + RedactKey(key) + "). Use a test key (sk_test_...).")
	case strings.HasPrefix(key, "pk_"):
		return "", unauthorized("This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.")
	case (strings.HasPrefix(key, "sk_test_") || strings.HasPrefix(key, "rk_test_")) && len(key) > len("sk_test_"):
		return key, nil
	}
	return "", unauthorized("Invalid API Key provided: " + RedactKey(key))
}

// RedactKey hides a key's secret part the way Stripe's messages do: the
// prefix up to the mode ("sk_test_") and the last four characters stay.
func RedactKey(key string) string {
	prefix := ""
	for _, p := range []string{"sk_test_", "sk_live_", "rk_test_", "rk_live_", "pk_test_", "pk_live_"} {
		if strings.HasPrefix(key, p) {
			prefix = p
			break
		}
	}
	rest := key[len(prefix):]
	if len(rest) <= 8 {
		return prefix + strings.Repeat("*", len(rest))
	}
	return prefix + "****" + rest[len(rest)-4:]
}

// idemScope is the scope stored with an idempotency record: per API key, method
// and path.
func (e *Emulator) idemScope(apiKey, method, path, key string) string {
	ks := sha256.Sum256([]byte(apiKey))
	return hex.EncodeToString(ks[:8]) + "\x00" + method + " " + path + "\x00" + key
}
