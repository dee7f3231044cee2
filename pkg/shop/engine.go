package shop

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tweetpay/tweetpay/pkg/buyer"
	"github.com/tweetpay/tweetpay/pkg/money"
	"github.com/tweetpay/tweetpay/pkg/offer"
	"github.com/tweetpay/tweetpay/pkg/payment"
	"github.com/tweetpay/tweetpay/pkg/tweet"
)

// ErrBadTweet marks a tweet the engine cannot process (exit 3).
var ErrBadTweet = errors.New("bad tweet")

// MaxTweetIDLength is the longest tweet ID the engine takes, in bytes.
// Twitter's IDs have at most 20 digits; the limit leaves room for other
// schemes (UUIDs) while the idempotency keys made from an ID stay within
// Stripe's 255 characters.
const MaxTweetIDLength = 64

// Tweet is one tweet as the engine sees it.
type Tweet struct {
	ID   string
	From string // username, with or without '@'
	// AuthorID is the author's Twitter user ID, if known. When From is
	// empty (a v2 Tweet without includes.users), the tweet is the buyer's
	// whose user ID this is.
	AuthorID string
	Text     string
	At       time.Time
	Retweet  bool
	// Own marks a tweet by the account an Account Activity payload was
	// delivered for: the merchant's own.
	Own bool
	// Run names the run the tweet is part of (a stream), "" for none. It
	// is kept with the authorisation the tweet makes, so that the result
	// of the tweet that later captures or cancels it tells which run made
	// it (Result.Closes), whichever process that tweet runs in. Make it
	// unique: a run that takes another's name counts that one's
	// authorisations as its own.
	Run string
}

// Options build an Engine.
type Options struct {
	Gateway payment.Gateway
	Store   *Store
	Offers  []offer.Resolved
	Buyers  []Account
	// Merchant is the merchant's username; its own tweets are ignored.
	Merchant string
	// MerchantUserID is the merchant's Twitter user ID, if known: a tweet
	// that names its author only by this ID is the merchant's own.
	MerchantUserID string
	// Namespace is prefixed to tweet IDs in idempotency keys, metadata and
	// the state, so that a re-run against Stripe never collides.
	Namespace string
}

// Engine processes tweets. It is safe for concurrent use: tweets from
// different buyers run in parallel, tweets from one buyer in order.
type Engine struct {
	gw       payment.Gateway
	store    *Store
	offers   []offer.Resolved
	buyers   map[string]Account
	byUserID map[string]string // Twitter user ID -> handle
	merchant string
	// merchantID is the merchant's Twitter user ID, "" if unknown.
	merchantID string
	namespace  string

	locks keyedMutex
	// pids holds each offer's product ID (offer.Resolved.ProductID
	// normalises the tag each time it is asked).
	pids map[offerKey]string

	mu       sync.Mutex
	reserved map[string]int // offer -> units held by tweets in flight
	resBuyer map[string]int // offer \x00 buyer -> units held in flight
	// committing counts, per offer, the units of changes being committed
	// to the store, whose reservations are released once they are
	// durable; settled is signalled (on mu) as they are.
	committing map[string]int
	settled    *sync.Cond
	linked     map[string]*linkOnce
}

type offerKey struct {
	kind offer.Kind
	tag  string
}

// pid is o's product ID.
func (e *Engine) pid(o offer.Resolved) string {
	if id, ok := e.pids[offerKey{o.Kind, o.Tag}]; ok {
		return id
	}
	return o.ProductID()
}

type linkOnce struct {
	once sync.Once
	l    Linked
	err  error
}

// New returns an Engine.
func New(o Options) *Engine {
	e := &Engine{
		gw: o.Gateway, store: o.Store, offers: o.Offers,
		buyers:     map[string]Account{},
		byUserID:   map[string]string{},
		merchant:   strings.ToLower(strings.TrimPrefix(o.Merchant, "@")),
		merchantID: strings.TrimSpace(o.MerchantUserID),
		namespace:  o.Namespace,
		reserved:   map[string]int{},
		resBuyer:   map[string]int{},
		committing: map[string]int{},
		linked:     map[string]*linkOnce{},
		pids:       map[offerKey]string{},
	}
	e.settled = sync.NewCond(&e.mu)
	for _, of := range o.Offers {
		e.pids[offerKey{of.Kind, of.Tag}] = of.ProductID()
	}
	for _, a := range o.Buyers {
		e.buyers[a.key()] = a
		if a.UserID != "" {
			e.byUserID[a.UserID] = a.Handle
		}
	}
	return e
}

// HandleOf returns the handle of the buyer whose Twitter user ID is id.
func (e *Engine) HandleOf(id string) (string, bool) {
	h, ok := e.byUserID[id]
	return h, ok
}

// author returns the username of tw's author: From, or for a tweet that
// names its author only by ID, the handle of the buyer with that user ID.
func (e *Engine) author(tw Tweet) (string, error) {
	from := strings.TrimSpace(tw.From)
	if from == "" && tw.AuthorID != "" && tw.AuthorID == e.merchantID {
		return e.merchant, nil
	}
	if from == "" && tw.AuthorID != "" {
		h, ok := e.byUserID[tw.AuthorID]
		if !ok {
			return "", fmt.Errorf("%w: tweet %s names its author only by ID (author_id %s), and no buyer has user_id %s: "+
				"add it to the buyer (buyer link @H --card C --user-id %s) or give the payload includes.users",
				ErrBadTweet, tw.ID, tw.AuthorID, tw.AuthorID, tw.AuthorID)
		}
		return h, nil
	}
	// The rule buyers are declared with: one optional '@' or '＠', then a
	// username.
	name, err := buyer.NormalizeHandle(from)
	if err != nil {
		return "", fmt.Errorf("%w: %q is not a Twitter username", ErrBadTweet, tw.From)
	}
	return name, nil
}

// Namespace returns the prefix the engine puts before tweet IDs in
// idempotency keys, payment metadata and its state ("" for none).
func (e *Engine) Namespace() string { return e.namespace }

// Process runs one tweet through the engine and records the result. The
// same tweet ID processed again returns the first result with Duplicate set
// and charges nothing.
func (e *Engine) Process(ctx context.Context, tw Tweet) (Result, error) {
	type outcome struct {
		r   Result
		err error
	}
	out := make(chan outcome, 1)
	if err := e.ProcessThen(ctx, tw, func(r Result, err error) { out <- outcome{r, err} }); err != nil {
		return Result{}, err
	}
	o := <-out
	return o.r, o.err
}

// The times a tweet may carry: Stripe's timestamps are Unix seconds from
// 1970, and a result's time is written as RFC 3339, which ends with the
// year 9999. A time outside them is refused before any payment is made.
var (
	minTweetTime = time.Unix(0, 0).UTC()
	maxTweetTime = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
)

// ProcessThen is Process for callers with other work to do while a result
// is being recorded. It returns once the tweet's payment is done: with the
// error that stopped the tweet before its result could be recorded, or nil,
// and then then is called with the result once it is recorded, or with the
// error that kept it from being recorded. Until then, the tweet's buyer and
// ID stay locked, as in Process. then may run on the state file's writer: it
// must be quick and must not wait for the engine.
func (e *Engine) ProcessThen(ctx context.Context, tw Tweet, then func(Result, error)) error {
	from, err := e.check(tw)
	if err != nil {
		return err
	}
	tw.From = from
	id := e.namespace + tw.ID
	unlockTweet := e.locks.lock("t:" + id)
	unlockBuyer := e.locks.lock("b:" + strings.ToLower(from))
	unlock := func() {
		unlockBuyer()
		unlockTweet()
	}

	if r, ok, err := e.store.Result(id); err != nil {
		unlock()
		return err
	} else if ok {
		unlock()
		// The result is stored under the namespaced ID; it is given back
		// under the ID the tweet came with, as the first time.
		r.TweetID = tw.ID
		r.Duplicate = true
		then(r, nil)
		return nil
	}
	r, ch, err := e.decide(ctx, id, tw)
	committing := false
	finish := func() {
		for _, rel := range ch.release {
			rel()
		}
		if committing {
			e.settle(ch.units)
		}
		unlock()
	}
	if err != nil {
		finish()
		return err
	}
	r.TweetID, r.From, r.At = tw.ID, "@"+from, tw.At.UTC()
	// What the change takes out of the pending purchases is what the tweet
	// captured or cancelled: a tweet closes at most one, its buyer's of one
	// offer. Told from the change, the result names an authorisation as
	// closed exactly when the state records it so.
	if len(ch.delPending) > 0 {
		r.Closes = authorisation(ch.delPending[0])
	}
	ch.results = append(ch.results, withID(r, id))
	committing = e.commit(ch.units)
	e.store.applyThen(ch, func(err error) {
		finish()
		if err != nil {
			then(Result{}, fmt.Errorf("record tweet %s: %w", tw.ID, err))
			return
		}
		then(r, nil)
	})
	return nil
}

// Check returns the error, wrapping ErrBadTweet, with which Process would
// refuse tw before doing anything, or nil. It reads no state and makes no
// payment: the caller of a payload of several tweets checks them all
// first, so that a bad one refuses the payload before any is charged.
func (e *Engine) Check(tw Tweet) error {
	_, err := e.check(tw)
	return err
}

// check is Check; it returns the username of tw's author.
func (e *Engine) check(tw Tweet) (string, error) {
	if strings.TrimSpace(tw.ID) == "" {
		return "", fmt.Errorf("%w: a tweet needs an id", ErrBadTweet)
	}
	if len(tw.ID) > MaxTweetIDLength {
		return "", fmt.Errorf("%w: tweet id %q is %d bytes long, over %d", ErrBadTweet, truncateID(tw.ID), len(tw.ID), MaxTweetIDLength)
	}
	if err := checkID(tw.ID); err != nil {
		return "", err
	}
	from, err := e.author(tw)
	if err != nil {
		return "", err
	}
	if tw.At.IsZero() {
		return "", fmt.Errorf("%w: tweet %s has no time", ErrBadTweet, tw.ID)
	}
	if tw.At.Before(minTweetTime) || tw.At.After(maxTweetTime) {
		return "", fmt.Errorf("%w: tweet %s is dated %s, outside the times a payment can carry (%d to %d)",
			ErrBadTweet, tw.ID, tw.At.UTC().Format(time.RFC3339), minTweetTime.Year(), maxTweetTime.Year())
	}
	if err := checkText(tw); err != nil {
		return "", err
	}
	return from, nil
}

// checkID refuses a tweet ID that is not UTF-8 or holds a control
// character: no tweet has such an ID, and it would go on into idempotency
// keys, payment metadata and every line of output that names the tweet.
func checkID(id string) error {
	if !utf8.ValidString(id) {
		return fmt.Errorf("%w: tweet id %q is not valid UTF-8", ErrBadTweet, truncateID(id))
	}
	if i := strings.IndexFunc(id, unicode.IsControl); i >= 0 {
		r, _ := utf8.DecodeRuneInString(id[i:])
		return fmt.Errorf("%w: tweet id %q holds U+%04X, a control character, which a tweet ID may not contain", ErrBadTweet, truncateID(id), r)
	}
	return nil
}

// truncateID shortens a tweet ID too long to be quoted whole in a message.
func truncateID(id string) string {
	if len(id) <= 20 {
		return id
	}
	cut := 20
	for cut > 0 && !utf8.RuneStart(id[cut]) {
		cut--
	}
	return id[:cut] + "…"
}

// checkText refuses a tweet whose text could never have been posted: not
// valid UTF-8, empty or only whitespace, or not a valid tweet under
// twitter-text v3 (over 280 weighted characters, or holding U+FFFE, U+FEFF
// or U+FFFF). tweet.Valid counts whitespace-only text as valid (as
// twitter-text's JavaScript library does) and reads invalid UTF-8 as U+FFFD,
// so those two are checked first. The valid case costs one tweet.Valid; the
// reason is worked out only for a refused tweet.
func checkText(tw Tweet) error {
	switch {
	case !utf8.ValidString(tw.Text):
		return fmt.Errorf("%w: tweet %s holds invalid UTF-8", ErrBadTweet, tw.ID)
	case tw.Text == "":
		return fmt.Errorf("%w: tweet %s is empty", ErrBadTweet, tw.ID)
	case strings.TrimSpace(tw.Text) == "":
		return fmt.Errorf("%w: tweet %s is empty (only whitespace)", ErrBadTweet, tw.ID)
	case tweet.Valid(tw.Text):
		return nil
	case tw.Retweet || isRetweetText(tw.Text):
		// The API gives a retweet the text "RT @author: " followed by the
		// whole retweeted text, which can weigh over 280 though both tweets
		// were valid. A retweet is ignored anyway.
		return nil
	case tweet.Valid(afterReplyMentions(tw.Text)):
		// A reply's leading @names, which Twitter fills in, do not count
		// towards its 280 characters since 2017, though the API's text holds
		// them (display_text_range starts after them).
		return nil
	}
	if rest := afterReplyMentions(tw.Text); rest != tw.Text && strings.TrimSpace(rest) == "" {
		return fmt.Errorf("%w: tweet %s holds nothing but the @names it replies to", ErrBadTweet, tw.ID)
	}
	limit := tweet.ConfigV3().MaxWeightedTweetLength
	if l := tweet.ParseLength(tw.Text, tweet.ConfigV3()); l.WeightedLength > limit {
		return fmt.Errorf("%w: tweet %s is %d weighted characters, over %d", ErrBadTweet, tw.ID, l.WeightedLength, limit)
	}
	for _, r := range tw.Text {
		if !tweet.Valid(string(r)) {
			return fmt.Errorf("%w: tweet %s holds U+%04X, which a tweet may not contain", ErrBadTweet, tw.ID, r)
		}
	}
	return fmt.Errorf("%w: tweet %s is not a valid tweet", ErrBadTweet, tw.ID)
}

// afterReplyMentions returns text without the @names it starts with, and
// the white space after each, or text itself when it does not start with
// one.
func afterReplyMentions(text string) string {
	rest := text
	for {
		t := strings.TrimLeftFunc(rest, unicode.IsSpace)
		name, ok := strings.CutPrefix(t, "@")
		if !ok {
			name, ok = strings.CutPrefix(t, "＠")
		}
		if !ok {
			if rest == text {
				return text
			}
			return t
		}
		end := strings.IndexFunc(name, func(r rune) bool { return !isNameRune(r) })
		if end < 0 {
			end = len(name)
		}
		after := name[end:]
		if end == 0 || end > 20 || (after != "" && !startsWithSpace(after)) {
			return rest
		}
		rest = after
	}
}

func isNameRune(r rune) bool {
	return r == '_' || r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

func startsWithSpace(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

func withID(r Result, id string) Result {
	r.TweetID = id
	return r
}

// decide works out what the tweet means and does it.
func (e *Engine) decide(ctx context.Context, id string, tw Tweet) (Result, change, error) {
	if tw.Retweet || isRetweetText(tw.Text) {
		return ignored(ReasonRetweet), change{}, nil
	}
	if tw.Own || strings.EqualFold(tw.From, e.merchant) {
		return ignored(ReasonOwnTweet), change{}, nil
	}
	parsed := tweet.Parse(tw.Text)

	// Offers the tweet names that cannot act: the first off sale, and the
	// first on sale. When nothing in the tweet can act, it is answered for
	// the first on sale, or refused for the first off sale.
	var inactive offer.Resolved
	var waiting passedOver
	// A gift: the first mention is a gift offer's handle.
	if mentions := accounts(parsed.Mentions); len(mentions) > 0 {
		if o, ok := e.findGift(mentions[0].Value); ok {
			if o.Active(tw.At) {
				return e.gift(ctx, id, tw, o, mentions)
			}
			inactive = o
		}
	}
	// In tweet order, the first hashtag that can act decides: a confirmation
	// hashtag whose purchase waits for it, or a purchase hashtag of an offer
	// on sale that the buyer is not already waiting to confirm. Whether a
	// hashtag can act is looked up only when another could stand in for it.
	tags := parsed.Hashtags
	for i, h := range tags {
		more := i < len(tags)-1 || waiting.o.Tag != ""
		if o, ok := e.findConfirm(h.Value); ok {
			if more {
				ok, err := e.toCapture(tw, o)
				if err != nil {
					return Result{}, change{}, err
				}
				if !ok {
					waiting.or(passedOver{o: o, confirm: true})
					continue
				}
			}
			return e.confirm(ctx, id, tw, o)
		}
		if o, ok := e.findPurchase(h.Value); ok {
			if !o.Active(tw.At) {
				if inactive.Tag == "" {
					inactive = o
				}
				continue
			}
			if o.ConfirmTag != "" && more {
				ok, err := e.awaiting(tw, o)
				if err != nil {
					return Result{}, change{}, err
				}
				if ok {
					waiting.or(passedOver{o: o, typed: h.Value})
					continue
				}
			}
			return e.purchase(ctx, id, tw, o, h.Value)
		}
	}
	switch {
	case waiting.confirm:
		return e.confirm(ctx, id, tw, waiting.o)
	case waiting.o.Tag != "":
		return e.purchase(ctx, id, tw, waiting.o, waiting.typed)
	case inactive.Tag != "":
		return rejected(inactive, ReasonOfferInactive, tw.From), change{}, nil
	}
	return ignored(ReasonNoOffer), change{}, nil
}

// passedOver is a hashtag of an offer on sale that could not act: a
// confirmation with no purchase waiting for it (confirm), or a purchase
// already waiting for its confirmation (typed as typed).
type passedOver struct {
	o       offer.Resolved
	confirm bool
	typed   string
}

// or keeps p unless a hashtag was passed over before it.
func (w *passedOver) or(p passedOver) {
	if w.o.Tag == "" {
		*w = p
	}
}

// toCapture reports whether a confirmation of o tweeted now would capture:
// the buyer has a purchase of o waiting for it, made before this tweet and
// whose window is still open.
func (e *Engine) toCapture(tw Tweet, o offer.Resolved) (bool, error) {
	p, ok, err := e.store.PendingFor(strings.ToLower(tw.From), e.pid(o))
	return ok && !tw.At.Before(p.At) && !tw.At.After(p.Deadline), err
}

// awaiting reports whether a purchase of o tweeted now would find one
// already waiting for its confirmation, and only remind the buyer of it.
func (e *Engine) awaiting(tw Tweet, o offer.Resolved) (bool, error) {
	p, ok, err := e.store.PendingFor(strings.ToLower(tw.From), e.pid(o))
	return ok && !tw.At.After(p.Deadline), err
}

func isRetweetText(text string) bool {
	t := strings.TrimLeft(text, " \t\n")
	return len(t) > 3 && strings.EqualFold(t[:3], "RT ") && (t[3] == '@' || strings.HasPrefix(t[3:], "＠"))
}

func (e *Engine) findPurchase(tag string) (offer.Resolved, bool) {
	for _, o := range e.offers {
		if o.Kind == offer.Hashtag && tweet.SameTag(o.Tag, tag) {
			return o, true
		}
	}
	return offer.Resolved{}, false
}

func (e *Engine) findConfirm(tag string) (offer.Resolved, bool) {
	for _, o := range e.offers {
		if o.Kind == offer.Hashtag && o.ConfirmTag != "" && tweet.SameTag(o.ConfirmTag, tag) {
			return o, true
		}
	}
	return offer.Resolved{}, false
}

func (e *Engine) findGift(handle string) (offer.Resolved, bool) {
	for _, o := range e.offers {
		if o.Kind == offer.Gift && strings.EqualFold(o.Tag, handle) {
			return o, true
		}
	}
	return offer.Resolved{}, false
}

// account returns the linked buyer, linking a buyer declared in the config
// on first use.
func (e *Engine) account(ctx context.Context, handle string) (Account, Linked, bool, error) {
	a, ok := e.buyers[strings.ToLower(handle)]
	if !ok {
		return Account{}, Linked{}, false, nil
	}
	e.mu.Lock()
	lo := e.linked[a.key()]
	if lo == nil {
		lo = &linkOnce{}
		e.linked[a.key()] = lo
	}
	e.mu.Unlock()
	lo.once.Do(func() { lo.l, lo.err = Link(ctx, e.gw, a) })
	if lo.err != nil {
		e.mu.Lock()
		delete(e.linked, a.key()) // let a later tweet try again
		e.mu.Unlock()
	}
	return a, lo.l, true, lo.err
}

// eligibility checks what can be checked before any payment.
func (e *Engine) eligibility(ctx context.Context, tw Tweet, o offer.Resolved) (Account, Linked, string, error) {
	if !o.Active(tw.At) {
		return Account{}, Linked{}, ReasonOfferInactive, nil
	}
	a, l, ok, err := e.account(ctx, tw.From)
	if err != nil {
		return Account{}, Linked{}, "", err
	}
	if !ok {
		return Account{}, Linked{}, ReasonNotLinked, nil
	}
	if !o.AllowsCountry(a.Country) {
		return a, l, ReasonCountryNotAllowed, nil
	}
	return a, l, "", nil
}

// reserve holds one unit of the offer for the buyer if stock and the
// per-buyer limit allow, counting what is already sold and what other tweets
// in flight hold, less freed: the buyer's units that the same change gives
// back (a lapsed purchase cancelled before the new one). release gives it
// back. An offer with neither limit has nothing to count.
func (e *Engine) reserve(o offer.Resolved, buyer string, freed int) (string, error) {
	if unlimited(o) {
		return "", nil
	}
	key := e.pid(o)
	e.mu.Lock()
	defer e.mu.Unlock()
	sold, bought, err := e.store.Counts(key, strings.ToLower(buyer))
	if err != nil {
		return "", err
	}
	sold, bought = sold-freed, bought-freed
	bk := string(pairKey(key, strings.ToLower(buyer)))
	for o.Stock > 0 && sold+e.reserved[key] >= o.Stock {
		if e.committing[key] == 0 {
			return ReasonSoldOut, nil
		}
		// A sale being committed is counted twice, as sold and as
		// reserved, from the moment the store has it until its
		// reservation is released: the last units would be refused while
		// they are still there. Count again once the commits in flight
		// have settled. (A buyer's own units cannot be counted twice: a
		// buyer's tweets wait for each other's changes to settle.)
		e.settled.Wait()
		if sold, bought, err = e.store.Counts(key, strings.ToLower(buyer)); err != nil {
			return "", err
		}
		sold, bought = sold-freed, bought-freed
	}
	if o.PerBuyerLimit > 0 && bought+e.resBuyer[bk] >= o.PerBuyerLimit {
		return ReasonLimitReached, nil
	}
	e.reserved[key]++
	e.resBuyer[bk]++
	return "", nil
}

func unlimited(o offer.Resolved) bool { return o.Stock <= 0 && o.PerBuyerLimit <= 0 }

// commit counts the units a change adds to offers with a stock as being
// committed, until settle; it reports whether there were any. (Only stock
// is counted across buyers in reserve.)
func (e *Engine) commit(units []unit) bool {
	if !slices.ContainsFunc(units, counted) {
		return false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, u := range units {
		if counted(u) {
			e.committing[u.offer] += u.n
		}
	}
	return true
}

// counted reports whether commit counts u.
func counted(u unit) bool { return u.stocked && u.n > 0 }

// settle ends commit, once the change is durable (or abandoned) and its
// reservations released, and wakes the tweets waiting on it in reserve.
func (e *Engine) settle(units []unit) {
	e.mu.Lock()
	for _, u := range units {
		if counted(u) {
			if e.committing[u.offer] -= u.n; e.committing[u.offer] <= 0 {
				delete(e.committing, u.offer)
			}
		}
	}
	e.mu.Unlock()
	e.settled.Broadcast()
}

func (e *Engine) release(o offer.Resolved, buyer string) {
	if unlimited(o) {
		return
	}
	key := e.pid(o)
	bk := string(pairKey(key, strings.ToLower(buyer)))
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.reserved[key]--; e.reserved[key] <= 0 {
		delete(e.reserved, key)
	}
	if e.resBuyer[bk]--; e.resBuyer[bk] <= 0 {
		delete(e.resBuyer, bk)
	}
}

func (e *Engine) purchase(ctx context.Context, id string, tw Tweet, o offer.Resolved, typed string) (Result, change, error) {
	a, l, reason, err := e.eligibility(ctx, tw, o)
	if err != nil || reason != "" {
		return rejected(o, reason, tw.From), change{}, err
	}
	if o.ConfirmTag != "" {
		// A purchase already waiting for its confirmation is reused; one
		// whose window has closed is cancelled first.
		p, ok, err := e.store.PendingFor(a.key(), e.pid(o))
		if err != nil {
			return Result{}, change{}, err
		}
		var ch change
		freed := 0
		if ok {
			if !tw.At.After(p.Deadline) {
				r := pendingResult(o, p, ReasonAlreadyPending)
				r.Reply = replyAwaiting(tw.From, atPendingPrice(o, p), p.Deadline.Sub(tw.At))
				return r, change{}, nil
			}
			_, c, err := e.expire(ctx, p, o)
			if err != nil {
				return Result{}, change{}, err
			}
			ch, freed = c, 1
		}
		r, c, err := e.charge(ctx, id, tw, o, a, l, typed, true, freed)
		return r, ch.and(c), err
	}
	return e.charge(ctx, id, tw, o, a, l, typed, false, 0)
}

// charge reserves a unit, makes the payment and says what to record. freed
// is what the change already gives back to the buyer (see reserve).
func (e *Engine) charge(ctx context.Context, id string, tw Tweet, o offer.Resolved, a Account, l Linked, typed string, manual bool, freed int) (Result, change, error) {
	if reason, err := e.reserve(o, a.Handle, freed); err != nil || reason != "" {
		return rejected(o, reason, tw.From), change{}, err
	}
	held := change{release: []func(){func() { e.release(o, a.Handle) }}}

	req := payment.PaymentRequest{
		Amount:        o.Price.Minor,
		Currency:      o.Price.Currency,
		Customer:      l.Customer,
		PaymentMethod: l.PaymentMethod,
		Description:   fmt.Sprintf("%s via tweet %s", o.Name, tw.ID),
		ManualCapture: manual,
		OffSession:    true,
		Metadata: map[string]string{
			MetaTweetID: id, MetaOffer: o.Tag, MetaHashtag: typed, MetaBuyer: "@" + a.Handle,
		},
		IdempotencyKey: "tweetpay:" + e.pid(o) + ":" + id,
	}
	p, err := e.gw.CreatePayment(ctx, req)
	r := Result{Offer: strp(o.Tag), Amount: o.Price.Minor, Currency: strp(o.Price.Currency)}
	if err != nil {
		var pe *payment.Error
		if errors.As(err, &pe) && errors.Is(err, payment.ErrDeclined) {
			r.Outcome = Declined
			r.PaymentIntent, r.Charge = strp(pe.PaymentID), strp(pe.ChargeID)
			r.ErrorCode, r.DeclineCode = strp(pe.Code), strp(pe.DeclineCode)
			r.Message = pe.Message
			r.Amount = 0
			r.Reply = replyDeclined(tw.From, o, pe.Code, pe.DeclineCode)
			return r, held, nil
		}
		return Result{}, held, fmt.Errorf("charge @%s for %s: %w", a.Handle, o.Tag, err)
	}
	r.PaymentIntent, r.Charge = strp(p.ID), strp(p.LatestCharge)
	// Made before under the same key (an earlier run with other state):
	// nothing was charged this time.
	r.Duplicate = p.Replayed
	ch := change{units: []unit{{offer: e.pid(o), buyer: a.key(), n: 1, stocked: o.Stock > 0}}, release: held.release}
	if manual {
		deadline := tw.At.Add(o.Window)
		pend := Pending{
			TweetID: id, Buyer: a.key(), Offer: e.pid(o), OfferTag: o.Tag, ConfirmTag: o.ConfirmTag,
			Amount: o.Price.Minor, Currency: o.Price.Currency,
			PaymentIntent: p.ID, Charge: p.LatestCharge, At: tw.At.UTC(), Deadline: deadline.UTC(),
		}
		if !p.Replayed {
			// A replayed payment was authorised by whatever made it
			// first, not by this tweet's run.
			pend.Run = tw.Run
		}
		ch.putPending = []Pending{pend}
		r.Outcome = AwaitingConfirmation
		r.ConfirmBy = strp(deadline.UTC().Format(time.RFC3339))
		r.Reply = replyAwaiting(tw.From, o, o.Window)
		return r, ch, nil
	}
	r.Outcome = Purchased
	r.Reply = replyPurchased(tw.From, o)
	return r, ch, nil
}

func (e *Engine) confirm(ctx context.Context, id string, tw Tweet, o offer.Resolved) (Result, change, error) {
	if _, _, ok, err := e.account(ctx, tw.From); err != nil {
		return Result{}, change{}, err
	} else if !ok {
		return rejected(o, ReasonNotLinked, tw.From), change{}, nil
	}
	p, ok, err := e.store.PendingFor(strings.ToLower(tw.From), e.pid(o))
	if err != nil {
		return Result{}, change{}, err
	}
	// A confirmation tweeted before the purchase (tweets given out of
	// order) cannot confirm it: the buyer had nothing to confirm then.
	ok = ok && !tw.At.Before(p.At)
	if !ok {
		// A purchase cancelled already (by simulate expire, or by an
		// earlier late tweet) answers as if this confirmation had found it
		// pending and late.
		p, ok, err := e.store.ExpiredFor(strings.ToLower(tw.From), e.pid(o))
		if err != nil {
			return Result{}, change{}, err
		}
		if !ok || tw.At.Before(p.At) {
			return rejected(o, ReasonNoPending, tw.From), change{}, nil
		}
		r := expiredResult(o, p)
		r.Reply = replyExpired(tw.From, o)
		return r, change{}, nil
	}
	if tw.At.After(p.Deadline) {
		r, ch, err := e.expire(ctx, p, o)
		if err != nil {
			return Result{}, change{}, err
		}
		// The late confirmation is recorded as this tweet's result; the
		// purchase tweet keeps its first result, as every tweet does.
		r.Reply = replyExpired(tw.From, o)
		return r, ch, nil
	}
	pay, err := e.gw.CapturePayment(ctx, p.PaymentIntent, 0, "tweetpay:capture:"+p.PaymentIntent)
	if err != nil && e.canceled(ctx, err, p) {
		// The authorisation was released before the buyer confirmed:
		// there is nothing left to capture, and the purchase is over.
		r, ch := expired(o, p)
		r.Reason = strp(ReasonPaymentCanceled)
		r.Reply = replyCanceled(tw.From, o)
		return r, ch, nil
	}
	if err != nil {
		return Result{}, change{}, fmt.Errorf("capture %s: %w", p.PaymentIntent, err)
	}
	r := pendingResult(o, p, "")
	r.Outcome = Confirmed
	r.Duplicate = pay.Replayed
	r.Charge = strp(firstNonEmpty(pay.LatestCharge, p.Charge))
	r.ConfirmBy = nil
	r.Reply = replyConfirmed(tw.From, atPendingPrice(o, p))
	return r, change{delPending: []Pending{p}}, nil
}

// atPendingPrice returns o at the price p was authorised for, which
// replies about p quote: the offer's price may have changed since.
func atPendingPrice(o offer.Resolved, p Pending) offer.Resolved {
	o.Price = money.Amount{Minor: p.Amount, Currency: p.Currency}
	return o
}

// expire cancels a pending purchase whose window has closed, releasing the
// unit it held, and remembers it for a confirmation that comes later still.
func (e *Engine) expire(ctx context.Context, p Pending, o offer.Resolved) (Result, change, error) {
	_, err := e.gw.CancelPayment(ctx, p.PaymentIntent, "abandoned", "tweetpay:cancel:"+p.PaymentIntent)
	if err != nil && !e.canceled(ctx, err, p) {
		return Result{}, change{}, fmt.Errorf("cancel %s: %w", p.PaymentIntent, err)
	}
	r, ch := expired(o, p)
	return r, ch, nil
}

// expired describes and records p as over without a capture: its
// authorisation is cancelled and the unit it held goes back.
func expired(o offer.Resolved, p Pending) (Result, change) {
	r := expiredResult(o, p)
	r.TweetID, r.From, r.At = p.TweetID, "@"+p.Buyer, p.At
	r.Reply = replyExpired(p.Buyer, o)
	return r, change{
		delPending: []Pending{p}, putExpired: []Pending{p},
		units: []unit{{offer: p.Offer, buyer: p.Buyer, n: -1}},
	}
}

// canceled reports whether err, from capturing or cancelling p, came
// because p's authorisation was cancelled already: released by charges
// refund, from the Dashboard, or by Stripe once it lapsed (after 7 days).
func (e *Engine) canceled(ctx context.Context, err error, p Pending) bool {
	if errors.Is(err, payment.ErrUnavailable) || ctx.Err() != nil {
		return false
	}
	pay, gerr := e.gw.GetPayment(ctx, p.PaymentIntent)
	return gerr == nil && pay.Status == "canceled" // Stripe's status of a cancelled PaymentIntent
}

// expiredResult describes a purchase whose authorisation was cancelled:
// nothing was taken (amount 0), the payment intent is the cancelled one.
func expiredResult(o offer.Resolved, p Pending) Result {
	r := pendingResult(o, p, ReasonWindowClosed)
	r.Outcome = Expired
	r.Amount = 0
	return r
}

// ExpireDue cancels every pending purchase whose window closed before at.
func (e *Engine) ExpireDue(ctx context.Context, at time.Time) ([]Result, error) {
	all, err := e.store.AllPending()
	if err != nil {
		return nil, err
	}
	out := []Result{}
	for _, p := range all {
		if !at.After(p.Deadline) {
			continue
		}
		o, ok := e.offerByKey(p.Offer)
		if !ok {
			o = offer.Resolved{Kind: offer.Hashtag, Tag: p.OfferTag, Name: p.OfferTag, ConfirmTag: p.ConfirmTag}
		}
		unlock := e.locks.lock("b:" + p.Buyer)
		r, ch, err := e.expire(ctx, p, o)
		if err == nil {
			err = e.store.apply(ch)
		}
		unlock()
		if err != nil {
			return out, err
		}
		r.TweetID = strings.TrimPrefix(r.TweetID, e.namespace)
		r.Closes = authorisation(p)
		out = append(out, r)
	}
	return out, nil
}

func (e *Engine) offerByKey(key string) (offer.Resolved, bool) {
	for _, o := range e.offers {
		if e.pid(o) == key {
			return o, true
		}
	}
	return offer.Resolved{}, false
}

// accounts returns the mentions of accounts, leaving out mentions of lists
// (@user/slug), as twitter-text's extractMentionedScreennames does: a list
// is not its owner.
func accounts(ms []tweet.Entity) []tweet.Entity {
	out := ms[:0:0]
	for _, m := range ms {
		if m.ListSlug == "" {
			out = append(out, m)
		}
	}
	return out
}

// gift buys the gift offer o for each account mentioned after the first,
// other than the sender and the merchant.
func (e *Engine) gift(ctx context.Context, id string, tw Tweet, o offer.Resolved, mentions []tweet.Entity) (Result, change, error) {
	a, l, reason, err := e.eligibility(ctx, tw, o)
	if err != nil || reason != "" {
		return giftRejected(o, reason, tw.From), change{}, err
	}
	// Neither the sender, the gift handle nor the merchant receives a gift:
	// "@tweetacoffee to @friend, thanks @bluemugco!" is one gift.
	seen := map[string]bool{strings.ToLower(o.Tag): true, a.key(): true}
	if e.merchant != "" {
		seen[e.merchant] = true
	}
	var recipients []string
	for _, m := range mentions[1:] {
		k := strings.ToLower(m.Value)
		if seen[k] {
			continue
		}
		seen[k] = true
		recipients = append(recipients, m.Value)
	}
	if len(recipients) == 0 {
		return giftRejected(o, ReasonNoRecipient, tw.From), change{}, nil
	}
	r := Result{Outcome: Gifted, Offer: strp(o.Tag), Currency: strp(o.Price.Currency), Gifts: make([]Gift, 0, len(recipients))}
	var ch change
	declined, replayed := 0, 0
	var sent []string
	for _, to := range recipients {
		g := Gift{To: "@" + to}
		reason, err := e.reserve(o, a.Handle, 0)
		if err != nil {
			return Result{}, ch, err
		}
		if reason != "" {
			g.Outcome, g.Reason = Rejected, strp(reason)
			r.Gifts = append(r.Gifts, g)
			continue
		}
		code := giftCode(id, to)
		p, err := e.gw.CreatePayment(ctx, payment.PaymentRequest{
			Amount: o.Price.Minor, Currency: o.Price.Currency, Customer: l.Customer, PaymentMethod: l.PaymentMethod,
			Description: fmt.Sprintf("%s for @%s via tweet %s", o.Name, to, tw.ID),
			OffSession:  true,
			Metadata: map[string]string{
				MetaTweetID: id, MetaOffer: o.Tag, MetaBuyer: "@" + a.Handle, MetaGiftTo: "@" + to, MetaGiftCode: code,
			},
			IdempotencyKey: "tweetpay:" + e.pid(o) + ":" + id + ":" + strings.ToLower(to),
		})
		ch.release = append(ch.release, func() { e.release(o, a.Handle) })
		if err != nil {
			var pe *payment.Error
			if errors.As(err, &pe) && errors.Is(err, payment.ErrDeclined) {
				g.Outcome = Declined
				g.PaymentIntent, g.Charge = strp(pe.PaymentID), strp(pe.ChargeID)
				g.ErrorCode, g.DeclineCode = strp(pe.Code), strp(pe.DeclineCode)
				declined++
				if r.ErrorCode == nil {
					r.ErrorCode, r.DeclineCode, r.Message = g.ErrorCode, g.DeclineCode, pe.Message
				}
				r.Gifts = append(r.Gifts, g)
				continue
			}
			return Result{}, ch, fmt.Errorf("gift from @%s to @%s: %w", a.Handle, to, err)
		}
		if p.Replayed {
			replayed++
		}
		g.Outcome, g.Amount = Purchased, o.Price.Minor
		g.PaymentIntent, g.Charge, g.GiftCode = strp(p.ID), strp(p.LatestCharge), strp(code)
		r.Amount += o.Price.Minor
		ch.units = append(ch.units, unit{offer: e.pid(o), buyer: a.key(), n: 1, stocked: o.Stock > 0})
		sent = append(sent, to)
		r.Gifts = append(r.Gifts, g)
	}
	switch {
	case len(sent) > 0:
		r.Reply = replyGifted(tw.From, o, sent)
		r.Duplicate = replayed == len(sent) && declined == 0
	case declined > 0:
		r.Outcome = Declined
		r.Reply = replyDeclined(tw.From, o, Str(r.ErrorCode), Str(r.DeclineCode))
	default:
		r.Outcome = Rejected
		r.Reason = r.Gifts[0].Reason
		r.Reply = rejected(o, Str(r.Reason), tw.From).Reply
	}
	return r, ch, nil
}

// giftCode is the eGift code of one recipient of one tweet: derived, so a
// replay gives the same code.
func giftCode(tweetID, to string) string {
	sum := sha256.Sum256([]byte(tweetID + "\x00" + strings.ToLower(to)))
	return "GIFT-" + base32.StdEncoding.EncodeToString(sum[:])[:10]
}

func ignored(reason string) Result {
	return Result{Outcome: Ignored, Reason: strp(reason)}
}

func rejected(o offer.Resolved, reason, from string) Result {
	return Result{Outcome: Rejected, Reason: strp(reason), Offer: strp(o.Tag), Reply: replyRejected(from, o, reason)}
}

// giftRejected is a gift tweet refused before any recipient was reached: a
// gift tweet still, so its gifts are there, empty.
func giftRejected(o offer.Resolved, reason, from string) Result {
	r := rejected(o, reason, from)
	r.Gifts = []Gift{}
	return r
}

func pendingResult(o offer.Resolved, p Pending, reason string) Result {
	return Result{
		Outcome: AwaitingConfirmation, Reason: strp(reason), Offer: strp(o.Tag),
		Amount: p.Amount, Currency: strp(p.Currency),
		PaymentIntent: strp(p.PaymentIntent), Charge: strp(p.Charge),
		ConfirmBy: strp(p.Deadline.UTC().Format(time.RFC3339)),
	}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// keyedMutex serialises work per key.
type keyedMutex struct {
	mu sync.Mutex
	m  map[string]*keyLock
}

type keyLock struct {
	mu   sync.Mutex
	refs int
}

func (k *keyedMutex) lock(key string) func() {
	k.mu.Lock()
	if k.m == nil {
		k.m = map[string]*keyLock{}
	}
	l := k.m[key]
	if l == nil {
		l = &keyLock{}
		k.m[key] = l
	}
	l.refs++
	k.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		k.mu.Lock()
		if l.refs--; l.refs == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}

// Gateway returns the payment gateway the engine charges through.
func (e *Engine) Gateway() payment.Gateway { return e.gw }

// Pending lists the purchases awaiting confirmation, with tweet IDs as the
// user gave them.
func (e *Engine) Pending() ([]Pending, error) {
	ps, err := e.store.AllPending()
	for i := range ps {
		ps[i].TweetID = strings.TrimPrefix(ps[i].TweetID, e.namespace)
	}
	return ps, err
}

// Statuses of a pending purchase's payment (PendingStatus).
const (
	// PendingAwaiting: the payment is authorised, waiting for the
	// confirmation to capture it.
	PendingAwaiting = "awaiting_confirmation"
	// PendingReleased: the authorisation was cancelled outside the
	// engine (charges refund, the Dashboard, Stripe after 7 days): a
	// confirmation would answer expired (payment_canceled), and
	// simulate expire sweeps it, giving its unit back.
	PendingReleased = "released"
	// PendingCaptured: captured outside the engine.
	PendingCaptured = "captured"
	// PendingUnknown: the provider could not be asked.
	PendingUnknown = "unknown"
)

// pendingLookups bounds how many payments PendingStatus asks about at
// once: Stripe's test mode allows about 25 requests a second, and a lookup
// there takes a few hundred milliseconds.
const pendingLookups = 4

// PendingStatus asks the provider what became of each pending purchase's
// payment: the engine records a purchase as over only when a confirmation
// or an expiry meets it, so one released by charges refund is still
// pending in its state. The statuses are PendingAwaiting, PendingReleased,
// PendingCaptured, PendingUnknown (when the provider could not be asked:
// err is then the first such failure) or, for a payment in another state,
// the provider's own status. The first payment is asked alone, and the
// rest pendingLookups at a time; once the provider is found unavailable,
// no more are asked (each such request takes the client's retries). It
// stops, with the context's error, when ctx is cancelled.
func (e *Engine) PendingStatus(ctx context.Context, ps []Pending) ([]string, error) {
	statuses := make([]string, len(ps))
	var (
		mu       sync.Mutex
		firstErr error
		down     bool
	)
	ask := func(i int) {
		mu.Lock()
		skip := down
		mu.Unlock()
		if skip {
			statuses[i] = PendingUnknown
			return
		}
		p := ps[i]
		pay, err := e.gw.GetPayment(ctx, p.PaymentIntent)
		if err != nil {
			statuses[i] = PendingUnknown
			mu.Lock()
			if firstErr == nil {
				firstErr = fmt.Errorf("payment %s of tweet %s: %w", p.PaymentIntent, p.TweetID, err)
			}
			down = down || errors.Is(err, payment.ErrUnavailable)
			mu.Unlock()
			return
		}
		// Stripe's statuses of a PaymentIntent.
		switch pay.Status {
		case "requires_capture":
			statuses[i] = PendingAwaiting
		case "canceled":
			statuses[i] = PendingReleased
		case "succeeded":
			statuses[i] = PendingCaptured
		default:
			statuses[i] = pay.Status
		}
	}
	if len(ps) > 0 {
		ask(0)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(pendingLookups, len(ps)-1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				ask(i)
			}
		}()
	}
	for i := 1; i < len(ps) && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return statuses, firstErr
}
