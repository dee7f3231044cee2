package emulator

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	stripe "github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"
	bolt "go.etcd.io/bbolt"
)

// smallChunks makes materialiseSteps read n objects a segment and write two
// index entries a transaction, so that tests cross many of both; the
// returned function restores them.
func smallChunks(n int) func() {
	old, oldApply := materialiseChunk, applyChunk
	materialiseChunk, applyChunk = n, 2
	return func() { materialiseChunk, applyChunk = old, oldApply }
}

// pendingCount counts a table's pending log.
func pendingCount[T any](em *Emulator, t *table[T]) int {
	n := 0
	_ = em.db.View(func(tx *bolt.Tx) error {
		n = pendingLen(tx, t)
		return nil
	})
	return n
}

func pendingLen[T any](tx *bolt.Tx, t *table[T]) int {
	n := 0
	c := tx.Bucket(bucketIndex).Cursor()
	p := t.pendingPrefix()
	for k, _ := c.Seek([]byte{p}); len(k) > 0 && k[0] == p; k, _ = c.Next() {
		n++
	}
	return n
}

// confirmedPayment is a PaymentIntent confirmed at creation with the
// customer's payment method, with the buyer in its metadata.
func confirmedPayment(cus, pm string, amount int64, buyer string) *stripe.PaymentIntentParams {
	p := &stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(amount), Currency: stripe.String("usd"),
		Customer: stripe.String(cus), PaymentMethod: stripe.String(pm), Confirm: stripe.Bool(true)}
	p.AddMetadata("buyer", buyer)
	return p
}

// listIDs pages through a list, newest first, a few at a time.
func listIDs(t *testing.T, next func() bool, id func() string, err func() error) []string {
	t.Helper()
	var ids []string
	for next() {
		ids = append(ids, id())
	}
	if e := err(); e != nil {
		t.Fatal(e)
	}
	return ids
}

// TestDeferredIndexesListAsEager runs random creations, confirmations and
// updates (of customers and metadata, on objects pending and materialised),
// with lists by customer and searches by metadata between them, and checks
// every list against the creation order filtered by a model of the objects.
// Updates also come between the transactions of a list's materialisation,
// when a segment's index entries are written and its log entries not yet
// deleted (as after a crash there).
func TestDeferredIndexesListAsEager(t *testing.T) {
	defer smallChunks(3)()
	defer func(f func()) { afterStep = f }(afterStep)
	em, sc := newClient(t)
	var cus []string
	for range 3 {
		c, _ := customerWithCard(t, sc, "pm_card_visa")
		cus = append(cus, c.ID)
	}
	type obj struct {
		cus string
		md  map[string]string
	}
	charges, pis := map[string]*obj{}, map[string]*obj{}
	var chargeIDs, piIDs []string
	buyers := []string{"@ann", "@bob", "@cy", "@dee"}
	rng := rand.New(rand.NewPCG(8, 3))
	limit := stripe.Int64(2)
	filter := func(order []string, m map[string]*obj, keep func(*obj) bool) []string {
		var out []string
		for _, id := range slices.Backward(order) {
			if keep(m[id]) {
				out = append(out, id)
			}
		}
		return out
	}
	check := func(step int) {
		t.Helper()
		for _, c := range cus {
			it := sc.Charges.List(&stripe.ChargeListParams{Customer: stripe.String(c), ListParams: stripe.ListParams{Limit: limit}})
			got := listIDs(t, it.Next, func() string { return it.Charge().ID }, it.Err)
			want := filter(chargeIDs, charges, func(o *obj) bool { return o.cus == c })
			if !slices.Equal(got, want) {
				t.Fatalf("step %d: charges of %s = %v, want %v", step, c, got, want)
			}
			pit := sc.PaymentIntents.List(&stripe.PaymentIntentListParams{Customer: stripe.String(c), ListParams: stripe.ListParams{Limit: limit}})
			got = listIDs(t, pit.Next, func() string { return pit.PaymentIntent().ID }, pit.Err)
			want = filter(piIDs, pis, func(o *obj) bool { return o.cus == c })
			if !slices.Equal(got, want) {
				t.Fatalf("step %d: payment intents of %s = %v, want %v", step, c, got, want)
			}
		}
		for _, b := range buyers {
			it := sc.Charges.Search(&stripe.ChargeSearchParams{SearchParams: stripe.SearchParams{
				Query: fmt.Sprintf("metadata['buyer']:'%s'", b), Limit: limit}})
			got := listIDs(t, it.Next, func() string { return it.Charge().ID }, it.Err)
			want := filter(chargeIDs, charges, func(o *obj) bool { return o.md["buyer"] == b })
			if !slices.Equal(got, want) {
				t.Fatalf("step %d: charges of buyer %s = %v, want %v", step, b, got, want)
			}
		}
	}
	pick := func(ids []string) string { return ids[rng.IntN(len(ids))] }
	// recent picks among the newest, which are the ones likely pending.
	recent := func(ids []string) []string { return ids[max(0, len(ids)-4):] }
	changeBuyer := func(r int, from []string) { // a charge's buyer changed, or removed when r is 6
		id := pick(from)
		b := pick(buyers)
		p := &stripe.ChargeParams{}
		if r == 6 {
			b = ""
		}
		p.AddMetadata("buyer", b)
		must[*stripe.Charge](t)(sc.Charges.Update(id, p))
		if b == "" {
			delete(charges[id].md, "buyer")
		} else {
			charges[id].md["buyer"] = b
		}
	}
	movePI := func(from []string) { // an unconfirmed payment moved to another customer
		id := pick(from)
		if pi := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.Get(id, nil)); pi.Status == stripe.PaymentIntentStatusSucceeded {
			return
		}
		c := pick(cus)
		must[*stripe.PaymentIntent](t)(sc.PaymentIntents.Update(id, &stripe.PaymentIntentParams{Customer: stripe.String(c)}))
		pis[id].cus = c
	}
	// Between the steps of a list's materialisation (on the goroutine that
	// serves the list, while the test waits for it).
	midway := 0
	afterStep = func() {
		switch rng.IntN(4) {
		case 0:
			if len(chargeIDs) > 0 {
				changeBuyer(5+rng.IntN(2), recent(chargeIDs))
				midway++
			}
		case 1:
			movePI(recent(piIDs))
			midway++
		}
	}
	checks := 0
	for step := range 160 {
		switch r := rng.IntN(12); {
		case r < 5 || len(piIDs) == 0: // a payment, confirmed or not
			c, b := pick(cus), pick(buyers)
			p := &stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(100 + int64(step)), Currency: stripe.String("usd"),
				Customer: stripe.String(c)}
			p.AddMetadata("buyer", b)
			confirm := r%2 == 0
			if confirm {
				p.PaymentMethod, p.Confirm = stripe.String("pm_card_visa"), stripe.Bool(true)
			}
			pi := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(p))
			pis[pi.ID] = &obj{cus: c}
			piIDs = append(piIDs, pi.ID)
			if confirm {
				charges[pi.LatestCharge.ID] = &obj{cus: c, md: map[string]string{"buyer": b}}
				chargeIDs = append(chargeIDs, pi.LatestCharge.ID)
			}
		case r < 7 && len(chargeIDs) > 0:
			changeBuyer(r, chargeIDs)
		case r < 9:
			movePI(piIDs)
		default:
			before := midway
			check(step)
			checks++
			// (An update midway, after the last list of its table, is
			// pending again.)
			if n := pendingCount(em, em.charges) + pendingCount(em, em.pis); n != 0 && midway == before {
				t.Fatalf("step %d: %d objects still pending after the lists", step, n)
			}
			if n := staleEntries(t, em, em.charges) + staleEntries(t, em, em.pis); n != 0 {
				t.Fatalf("step %d: %d index entries name an object without their value", step, n)
			}
		}
	}
	afterStep = func() {}
	check(-1)
	if checks < 10 || len(chargeIDs) < 20 || midway < 10 {
		t.Fatalf("too little exercised: %d checks, %d charges, %d changes midway", checks, len(chargeIDs), midway)
	}
}

// TestListsWhileWriting lists a customer's charges while other goroutines
// create charges for it: each list holds at least every charge confirmed
// before it started, newest first, and the writers are not stopped.
func TestListsWhileWriting(t *testing.T) {
	defer smallChunks(5)()
	em, sc := newClient(t)
	c, pm := customerWithCard(t, sc, "pm_card_visa")
	var mu sync.Mutex
	var confirmed []string
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				p := confirmedPayment(c.ID, pm.ID, int64(100+i), fmt.Sprintf("@w%d", w))
				pi, err := sc.PaymentIntents.New(p)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				confirmed = append(confirmed, pi.LatestCharge.ID)
				mu.Unlock()
			}
		}()
	}
	lists := 0
	for done := false; !done; lists++ {
		done = waitTimeout(&wg)
		mu.Lock()
		before := slices.Clone(confirmed)
		mu.Unlock()
		it := sc.Charges.List(&stripe.ChargeListParams{Customer: stripe.String(c.ID), ListParams: stripe.ListParams{Limit: stripe.Int64(100)}})
		var got []string
		var last int64 = 1 << 62
		for it.Next() {
			ch := it.Charge()
			if ch.Created > last {
				t.Fatalf("list out of order at %s", ch.ID)
			}
			last = ch.Created
			got = append(got, ch.ID)
		}
		if err := it.Err(); err != nil {
			t.Fatal(err)
		}
		for _, id := range before {
			if !slices.Contains(got, id) {
				t.Fatalf("list %d: charge %s confirmed before it is missing (%d listed, %d confirmed)", lists, id, len(got), len(before))
			}
		}
		if done && len(got) != 160 {
			t.Fatalf("final list: %d charges, want 160", len(got))
		}
	}
	if n := pendingCount(em, em.charges); n != 0 {
		t.Fatalf("%d charges pending after the last list", n)
	}
}

// waitTimeout reports whether wg is done, waiting a little for it.
func waitTimeout(wg *sync.WaitGroup) bool {
	ch := make(chan struct{})
	go func() { wg.Wait(); close(ch) }()
	select {
	case <-ch:
		return true
	case <-time.After(5 * time.Millisecond):
		return false
	}
}

// TestRemovePendingAndMaterialised removes charges directly (the API has no
// call for it), one still pending and one already in the indexes: neither
// is listed afterwards and nothing is left of them in the index bucket.
func TestRemovePendingAndMaterialised(t *testing.T) {
	em, sc := newClient(t)
	c, pm := customerWithCard(t, sc, "pm_card_visa")
	pay := func() string {
		p := confirmedPayment(c.ID, pm.ID, 500, "@ann")
		return must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(p)).LatestCharge.ID
	}
	list := func() []string {
		it := sc.Charges.List(&stripe.ChargeListParams{Customer: stripe.String(c.ID)})
		return listIDs(t, it.Next, func() string { return it.Charge().ID }, it.Err)
	}
	a := pay()
	list() // a is materialised
	b, keep := pay(), pay()
	if n := pendingCount(em, em.charges); n != 2 {
		t.Fatalf("pending = %d, want 2", n)
	}
	entries := func() int {
		n := 0
		_ = em.db.View(func(tx *bolt.Tx) error {
			return tx.Bucket(bucketIndex).ForEach(func(k, v []byte) error {
				if string(v) == a || string(v) == b {
					n++
				}
				return nil
			})
		})
		return n
	}
	for _, id := range []string{a, b} {
		if err := em.writer.Do(func(tx *bolt.Tx) error {
			w := &wtx{tx: tx, em: em}
			ch, pos, err := em.charges.get(tx, id)
			if err != nil {
				return err
			}
			return em.charges.remove(w, ch, pos)
		}); err != nil {
			t.Fatal(err)
		}
	}
	if n := entries(); n != 0 {
		t.Fatalf("%d index entries left of the removed charges", n)
	}
	if got := list(); !slices.Equal(got, []string{keep}) {
		t.Fatalf("listed %v, want [%s]", got, keep)
	}
	if n := entries(); n != 0 {
		t.Fatalf("%d index entries of the removed charges after materialising", n)
	}
}

// TestVersion2FileKept opens a file of layout 2 (every index written
// eagerly, no count of idempotency records): nothing is emptied, the
// version becomes 3, the records are counted, and lists by customer hold
// the old charges and the new.
func TestVersion2FileKept(t *testing.T) {
	dir := t.TempDir()
	em, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sc := clientFor(em.Transport(), testKey)
	c, pm := customerWithCard(t, sc, "pm_card_visa")
	pay := func(sc *client.API) string {
		p := confirmedPayment(c.ID, pm.ID, 500, "@ann")
		return must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(p)).LatestCharge.ID
	}
	old := pay(sc)
	it := sc.Charges.List(&stripe.ChargeListParams{Customer: stripe.String(c.ID)})
	listIDs(t, it.Next, func() string { return it.Charge().ID }, it.Err) // as version 2 wrote it: indexed
	keys := must[Stats](t)(em.Stats()).IdempotencyKeys
	if keys < 3 {
		t.Fatalf("%d idempotency keys, want at least 3", keys)
	}
	if err := em.db.Update(func(tx *bolt.Tx) error { // layout 2 had no record count either
		if err := tx.Bucket(bucketMeta).Delete(idemCountKey); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(formatKey, []byte("2"))
	}); err != nil {
		t.Fatal(err)
	}
	em = reopen(t, em, dir)
	_ = em.db.View(func(tx *bolt.Tx) error {
		if v := string(tx.Bucket(bucketMeta).Get(formatKey)); v != formatVersion {
			t.Errorf("format %q after opening, want %q", v, formatVersion)
		}
		return nil
	})
	if n := must[Stats](t)(em.Stats()).IdempotencyKeys; n != keys {
		t.Fatalf("%d idempotency keys after opening, want %d (counted)", n, keys)
	}
	sc = clientFor(em.Transport(), testKey)
	fresh := pay(sc)
	it = sc.Charges.List(&stripe.ChargeListParams{Customer: stripe.String(c.ID)})
	if got := listIDs(t, it.Next, func() string { return it.Charge().ID }, it.Err); !slices.Equal(got, []string{fresh, old}) {
		t.Fatalf("charges %v, want [%s %s]", got, fresh, old)
	}
}

// staleEntries counts the entries of t's deferred indexes that name an
// object without that value (or no object): what an update or removal of a
// pending object must not leave behind, though a list, which reads the
// objects, would not show them.
func staleEntries[T any](t *testing.T, em *Emulator, tb *table[T]) int {
	t.Helper()
	n := 0
	if err := em.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketIndex).Cursor()
		for i, ix := range tb.indexes {
			if !ix.deferred {
				continue
			}
			tag := tb.idxTag(i)
			for k, v := c.Seek([]byte{tag}); len(k) > 0 && k[0] == tag; k, v = c.Next() {
				if len(k) < 1+1+16 || k[len(k)-17] != 0 {
					return fmt.Errorf("index key %q", k)
				}
				obj, _, err := tb.get(tx, string(v))
				if err != nil || !slices.Contains(ix.keys(obj), string(k[1:len(k)-17])) {
					n++
				}
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return n
}
