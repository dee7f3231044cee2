package shop

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/tweetpay/tweetpay/pkg/statedb"
)

// StoreFile is the simulation's state file inside the state directory.
const StoreFile = "simulation.db"

var (
	bucketTweets  = []byte("tweets")  // tweet ID -> Result
	bucketPending = []byte("pending") // buyer \x00 offer -> Pending
	bucketExpired = []byte("expired") // buyer \x00 offer -> Pending cancelled
	bucketSold    = []byte("sold")    // offer -> units sold or held
	bucketBought  = []byte("bought")  // offer \x00 buyer -> units
	bucketMeta    = []byte("meta")    // counts
	// countTweets counts the tweets bucket's records, so that a status
	// need not read every page of a large file.
	countTweets = []byte("tweets")
)

// allBuckets are the store's buckets.
var allBuckets = [][]byte{bucketTweets, bucketPending, bucketExpired, bucketSold, bucketBought, bucketMeta}

// Pending is an authorised purchase waiting for its confirmation hashtag.
type Pending struct {
	TweetID       string    `json:"tweet_id"`
	Buyer         string    `json:"buyer"`
	Offer         string    `json:"offer"`
	OfferTag      string    `json:"offer_tag"`
	ConfirmTag    string    `json:"confirm_hashtag"`
	Amount        int64     `json:"amount"`
	Currency      string    `json:"currency"`
	PaymentIntent string    `json:"payment_intent"`
	Charge        string    `json:"charge"`
	At            time.Time `json:"at"`
	Deadline      time.Time `json:"confirm_by"`
	// Run is the Tweet.Run of the purchase tweet, "" when it had none
	// (and in records written before it was kept).
	Run string `json:"run,omitempty"`
}

// authorisation describes p's payment.
func authorisation(p Pending) *Authorisation {
	return &Authorisation{Run: p.Run, PaymentIntent: p.PaymentIntent, Amount: p.Amount, Currency: p.Currency}
}

// Store keeps the simulation's state in a bbolt file: processed tweets and
// their results, pending confirmations, and units sold per offer and buyer.
// Every update is one transaction.
type Store struct {
	db *statedb.DB
	// writer groups the updates of concurrent tweets into shared commits.
	writer *statedb.Committer
}

// OpenStore opens the simulation state in dir.
func OpenStore(dir string, opts statedb.Options) (*Store, error) {
	db, err := statedb.Open(filepath.Join(dir, StoreFile), opts)
	if err != nil {
		return nil, err
	}
	// A write transaction is synced even when it changes nothing: write
	// only when a bucket or the count is missing.
	err = db.View(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if tx.Bucket(b) == nil {
				return bolterrors.ErrBucketNotFound
			}
		}
		if tx.Bucket(bucketMeta).Get(countTweets) == nil {
			return bolterrors.ErrBucketNotFound
		}
		return nil
	})
	if err != nil {
		err = db.Update(initStore)
		_ = db.TrimMapped() // counting an older file's tweets read all of them
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("initialise %s: %w", db.Path(), err)
	}
	return &Store{db: db, writer: statedb.NewCommitter(db, statedb.WithLinger(RecordLinger, RecordGroup))}, nil
}

// A busy Store gathers the records of concurrent tweets into groups of up
// to RecordGroup, waiting up to RecordLinger for them (statedb.WithLinger):
// a stream's records are written while its workers go on (ProcessThen), so
// the wait costs them nothing; without it the simulation's writer committed
// about 30 records at a time, paying a commit's fixed cost each time (two
// fdatasyncs competing with the emulator's). Measured on 100,000 tweets
// (docs/benchmarks.md, streams). A single tweet is recorded at once.
const (
	RecordLinger = 3 * time.Millisecond
	RecordGroup  = 64
)

// initStore creates what is missing: buckets, and the count of tweets of a
// file written before it was kept, counted once.
func initStore(tx *bolt.Tx) error {
	for _, b := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	return statedb.InitCount(tx.Bucket(bucketMeta), countTweets, tx.Bucket(bucketTweets))
}

// WriterStats describes the work of the state file's writer (for
// benchmarks).
func (s *Store) WriterStats() statedb.WriterStats { return s.writer.Stats() }

// Close waits for updates in progress and releases the state file.
func (s *Store) Close() error {
	s.writer.Close()
	return s.db.Close()
}

// Result returns the recorded result of a tweet.
func (s *Store) Result(tweetID string) (Result, bool, error) {
	var r Result
	var found bool
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketTweets).Get([]byte(tweetID))
		if v == nil {
			return nil
		}
		found = true
		return json.Unmarshal(v, &r)
	})
	s.db.MaybeTrim()
	return r, found, err
}

// Counts returns the units sold (or held) of an offer, and by one buyer.
func (s *Store) Counts(offer, buyer string) (sold, bought int, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		sold = getCount(tx.Bucket(bucketSold), []byte(offer))
		bought = getCount(tx.Bucket(bucketBought), pairKey(offer, buyer))
		return nil
	})
	return sold, bought, err
}

// Sold returns the units sold or held of every offer.
func (s *Store) Sold() (map[string]int, error) {
	out := map[string]int{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSold).ForEach(func(k, v []byte) error {
			out[string(k)] = int(binary.BigEndian.Uint64(v))
			return nil
		})
	})
	return out, err
}

// PendingFor returns the pending purchase of a buyer for an offer.
func (s *Store) PendingFor(buyer, offer string) (Pending, bool, error) {
	return s.purchaseIn(bucketPending, buyer, offer)
}

// ExpiredFor returns the last purchase of a buyer for an offer whose
// authorisation was cancelled because its confirmation did not come in time,
// so that a confirmation arriving after that still answers expired.
//
// The record is kept as long as a pending purchase would have been: until
// the buyer's next purchase of the offer waits for its confirmation (which
// replaces it), or a reset. A pending purchase has no time limit either (one
// that nobody sweeps answers expired to a confirmation however late), and
// there is at most one record per buyer and offer, as for pending purchases,
// so the bucket stays as small as the pending one can grow; a time horizon
// would only make a late confirmation's answer depend on when it came.
// Files written before the bucket existed get it when opened (OpenStore),
// and have no record: their late confirmations answer no_pending_purchase.
func (s *Store) ExpiredFor(buyer, offer string) (Pending, bool, error) {
	return s.purchaseIn(bucketExpired, buyer, offer)
}

// purchaseIn reads the purchase of a buyer for an offer kept in bucket.
func (s *Store) purchaseIn(bucket []byte, buyer, offer string) (Pending, bool, error) {
	var p Pending
	var found bool
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucket).Get(pairKey(buyer, offer))
		if v == nil {
			return nil
		}
		found = true
		return json.Unmarshal(v, &p)
	})
	return p, found, err
}

// AllPending returns every pending purchase, oldest deadline first.
func (s *Store) AllPending() ([]Pending, error) {
	out := []Pending{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPending).ForEach(func(_, v []byte) error {
			var p Pending
			if err := json.Unmarshal(v, &p); err != nil {
				return err
			}
			out = append(out, p)
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Deadline.Equal(out[j].Deadline) {
			return out[i].Deadline.Before(out[j].Deadline)
		}
		return out[i].TweetID < out[j].TweetID
	})
	return out, err
}

// change is what one processed tweet does to the state, applied in one
// transaction.
type change struct {
	results    []Result // recorded under their tweet IDs
	units      []unit   // +n or -n units of an offer for a buyer
	putPending []Pending
	delPending []Pending
	// putExpired are pending purchases cancelled for want of a
	// confirmation, remembered for a confirmation that comes later still
	// (Store.ExpiredFor); a putPending for the same buyer and offer
	// replaces them.
	putExpired []Pending
	// release gives back in-flight reservations once the change is durable
	// (or abandoned): earlier, another tweet could see neither the
	// reservation nor the recorded sale.
	release []func()
}

type unit struct {
	offer, buyer string
	n            int
	// stocked is set for a unit of an offer with a stock, which reserve
	// counts across buyers (see Engine.commit).
	stocked bool
}

var errCorrupt = errors.New("corrupt state record")

// apply commits c. Concurrent tweets share one commit and its fsync (group
// commit); the function is pure over the transaction, so a retried group
// applies it once.
func (s *Store) apply(c change) error {
	return s.writer.Do(c.record)
}

// applyThen records c like apply, calling then with the error once it is
// committed (see statedb.Committer.DoAsync).
func (s *Store) applyThen(c change, then func(error)) {
	s.writer.DoAsync(c.record, then)
}

// record writes c in tx.
func (c change) record(tx *bolt.Tx) error {
	tb := tx.Bucket(bucketTweets)
	added := 0
	for _, r := range c.results {
		v, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if tb.Get([]byte(r.TweetID)) == nil {
			added++
		}
		if err := tb.Put([]byte(r.TweetID), v); err != nil {
			return err
		}
	}
	if added > 0 {
		if err := addCount(tx.Bucket(bucketMeta), countTweets, added); err != nil {
			return err
		}
	}
	sold, bought := tx.Bucket(bucketSold), tx.Bucket(bucketBought)
	for _, u := range c.units {
		if err := addCount(sold, []byte(u.offer), u.n); err != nil {
			return err
		}
		if err := addCount(bought, pairKey(u.offer, u.buyer), u.n); err != nil {
			return err
		}
	}
	pb := tx.Bucket(bucketPending)
	for _, p := range c.delPending {
		if err := pb.Delete(pairKey(p.Buyer, p.Offer)); err != nil {
			return err
		}
	}
	eb := tx.Bucket(bucketExpired)
	for _, p := range c.putExpired {
		v, err := json.Marshal(p)
		if err != nil {
			return err
		}
		if err := eb.Put(pairKey(p.Buyer, p.Offer), v); err != nil {
			return err
		}
	}
	for _, p := range c.putPending {
		v, err := json.Marshal(p)
		if err != nil {
			return err
		}
		k := pairKey(p.Buyer, p.Offer)
		if err := pb.Put(k, v); err != nil {
			return err
		}
		if err := eb.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// and returns c followed by d, applied in one transaction.
func (c change) and(d change) change {
	c.results = append(c.results, d.results...)
	c.units = append(c.units, d.units...)
	c.putPending = append(c.putPending, d.putPending...)
	c.delPending = append(c.delPending, d.delPending...)
	c.putExpired = append(c.putExpired, d.putExpired...)
	c.release = append(c.release, d.release...)
	return c
}

func pairKey(a, b string) []byte {
	k := make([]byte, 0, len(a)+1+len(b))
	k = append(k, a...)
	k = append(k, 0)
	return append(k, b...)
}

func getCount(b *bolt.Bucket, k []byte) int {
	v := b.Get(k)
	if len(v) != 8 {
		return 0
	}
	return int(binary.BigEndian.Uint64(v))
}

func addCount(b *bolt.Bucket, k []byte, n int) error {
	cur := getCount(b, k) + n
	if cur < 0 {
		return fmt.Errorf("%w: negative count for %q", errCorrupt, k)
	}
	if cur == 0 {
		return b.Delete(k)
	}
	var v [8]byte
	binary.BigEndian.PutUint64(v[:], uint64(cur))
	return b.Put(k, v[:])
}

// Reset wipes the simulation state in one transaction.
func (s *Store) Reset() error {
	return s.db.Update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if err := tx.DeleteBucket(b); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
				return err
			}
		}
		return initStore(tx)
	})
}

// Stats counts processed tweets and pending purchases.
func (s *Store) Stats() (tweets, pending int, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		tweets = getCount(tx.Bucket(bucketMeta), countTweets)
		pending = tx.Bucket(bucketPending).Stats().KeyN // a few: one a buyer and offer
		return nil
	})
	return tweets, pending, err
}
