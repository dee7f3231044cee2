package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	stripe "github.com/stripe/stripe-go/v76"
	bolt "go.etcd.io/bbolt"
)

// idempotentCustomers opens an emulator on a clock the test moves, and
// returns a function creating a customer under an idempotency key.
func idempotentCustomers(t *testing.T) (*Emulator, *timeT, func(key string) *stripe.Customer) {
	t.Helper()
	now := stripeNow()
	em := openTest(t, Options{Now: func() (r timeT) { return *now }})
	sc := clientFor(em.Transport(), testKey)
	return em, now, func(key string) *stripe.Customer {
		p := &stripe.CustomerParams{Email: stripe.String("x@example.com")}
		p.SetIdempotencyKey(key)
		return must[*stripe.Customer](t)(sc.Customers.New(p))
	}
}

// Expired idempotency records are pruned from the file and from the
// in-memory index, and their keys then start afresh.
func TestIdempotencyPruning(t *testing.T) {
	em, now, create := idempotentCustomers(t)
	first := map[string]string{}
	for _, k := range []string{"a", "b", "c"} {
		first[k] = create(k).ID
	}
	if got := create("a"); got.ID != first["a"] || got.LastResponse.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay of a: %s, replayed=%q", got.ID, got.LastResponse.Header.Get("Idempotent-Replayed"))
	}
	*now = now.Add(25 * 3600e9)
	create("d") // prunes a, b and c
	st := must[Stats](t)(em.Stats())
	if st.IdempotencyKeys != 1 || em.idem.len() != 1 {
		t.Fatalf("after pruning: %d stored, %d indexed, want 1 and 1", st.IdempotencyKeys, em.idem.len())
	}
	if got := create("b"); got.ID == first["b"] || got.LastResponse.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("expired key b replayed %s", got.ID)
	}
	if got := create("d"); got.LastResponse.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatal("fresh key d not replayed")
	}
}

// An expired record not pruned yet (a write prunes at most four) is replaced
// by its key's next use, and the count of records stays exact; the next
// write prunes what is left.
func TestIdempotencyExpiredReplaced(t *testing.T) {
	em, now, create := idempotentCustomers(t)
	counts := func() (int64, int, int) {
		st := must[Stats](t)(em.Stats())
		var n int
		if err := em.db.View(func(tx *bolt.Tx) error {
			n = tx.Bucket(bucketIdem).Stats().KeyN
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return st.IdempotencyKeys, n, em.idem.len()
	}
	firstF := ""
	for _, k := range []string{"a", "b", "c", "d", "e", "f"} {
		firstF = create(k).ID
	}
	*now = now.Add(25 * 3600e9)
	if got := create("f"); got.ID == firstF || got.LastResponse.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("expired key f replayed %s", got.ID)
	}
	// a-d pruned, f's old record replaced: e (expired) and the new f remain.
	if c, n, ix := counts(); c != 2 || n != 2 || ix != 2 {
		t.Fatalf("count %d, records %d, indexed %d; want 2 of each", c, n, ix)
	}
	create("g")
	if c, n, ix := counts(); c != 2 || n != 2 || ix != 2 {
		t.Fatalf("after the next write: count %d, records %d, indexed %d; want 2 of each (f, g)", c, n, ix)
	}
}

// After Reset no idempotency key replays.
func TestIdempotencyAfterReset(t *testing.T) {
	em, sc := newClient(t)
	p := &stripe.CustomerParams{Email: stripe.String("x@example.com")}
	p.SetIdempotencyKey("k")
	c1 := must[*stripe.Customer](t)(sc.Customers.New(p))
	if err := em.Reset(); err != nil {
		t.Fatal(err)
	}
	if em.idem.len() != 0 {
		t.Fatalf("%d keys indexed after reset", em.idem.len())
	}
	c2 := must[*stripe.Customer](t)(sc.Customers.New(p))
	if c2.LastResponse.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("replayed after reset: %s (first %s)", c2.ID, c1.ID)
	}
}

// Objects of different kinds share buckets but never each other's keys:
// a product may be given any ID, even a customer's.
func TestKindsDoNotClash(t *testing.T) {
	_, sc := newClient(t)
	cus := must[*stripe.Customer](t)(sc.Customers.New(&stripe.CustomerParams{Email: stripe.String("x@example.com")}))
	prod := must[*stripe.Product](t)(sc.Products.New(&stripe.ProductParams{ID: stripe.String(cus.ID), Name: stripe.String("Mug")}))
	if prod.ID != cus.ID {
		t.Fatalf("product id %s", prod.ID)
	}
	got := must[*stripe.Customer](t)(sc.Customers.Get(cus.ID, nil))
	if got.Email != "x@example.com" {
		t.Fatalf("customer overwritten: %+v", got)
	}
	if _, err := sc.PaymentIntents.Get(cus.ID, nil); stripeErr(t, err).HTTPStatusCode != 404 {
		t.Fatalf("a customer's id found as a payment intent: %v", err)
	}
	n := 0
	for it := sc.Products.List(&stripe.ProductListParams{}); it.Next(); n++ {
	}
	if n != 1 {
		t.Fatalf("%d products listed", n)
	}
}

// The PaymentMethod cache answers exactly what decoding would, and a
// caller changing what it got does not change what the next caller gets.
func TestPaymentMethodCache(t *testing.T) {
	em, sc := newClient(t)
	_, pm := customerWithCard(t, sc, "pm_card_visa")
	var fresh []byte
	get := func() *pmRecord {
		var out *pmRecord
		err := em.db.View(func(tx *bolt.Tx) error {
			obj, _, err := em.pms.get(tx, pm.ID)
			out = obj
			if fresh == nil {
				_, v, _ := em.pms.getRaw(tx, pm.ID)
				raw, err := unpacked(v)
				if err != nil {
					return err
				}
				var dec pmRecord
				if err := json.Unmarshal(raw, &dec); err != nil {
					return err
				}
				fresh, _ = json.Marshal(&dec)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	a := get()
	a.Metadata["x"] = "y"
	a.Card.Last4 = "0000"
	a.Card.Networks.Available[0] = "amex"
	a.Customer = ref{}
	for i := 0; i < 2; i++ {
		b, _ := json.Marshal(get())
		if string(b) != string(fresh) {
			t.Fatalf("read %d:\n%s\nwant\n%s", i, b, fresh)
		}
	}
	// An update is seen at once.
	must[*stripe.PaymentMethod](t)(sc.PaymentMethods.Update(pm.ID, &stripe.PaymentMethodParams{
		Params: stripe.Params{Metadata: map[string]string{"k": "v"}}}))
	if got := get(); got.Metadata["k"] != "v" {
		t.Fatalf("stale cache: %+v", got.Metadata)
	}
}

// A state file in an older layout is emptied on open, counters included.
func TestOldFormatIsReset(t *testing.T) {
	dir := t.TempDir()
	em, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sc := clientFor(em.Transport(), testKey)
	must[*stripe.Customer](t)(sc.Customers.New(&stripe.CustomerParams{Email: stripe.String("x@example.com")}))
	// Make it look like the first layout: no format key, a bucket per index.
	if err := em.db.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucket([]byte("obj:customers")); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Delete(formatKey)
	}); err != nil {
		t.Fatal(err)
	}
	em = reopen(t, em, dir)
	st := must[Stats](t)(em.Stats())
	if st.Objects["customers"] != 0 {
		t.Fatalf("stats after upgrade: %+v", st.Objects)
	}
	_ = em.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket([]byte("obj:customers")) != nil {
			t.Error("old bucket kept")
		}
		if string(tx.Bucket(bucketMeta).Get(formatKey)) != formatVersion {
			t.Error("format not recorded")
		}
		return nil
	})
	// A current file is left alone.
	must[*stripe.Customer](t)(clientFor(em.Transport(), testKey).Customers.New(&stripe.CustomerParams{}))
	em2 := reopen(t, em, dir)
	if n := must[Stats](t)(em2.Stats()).Objects["customers"]; n != 1 {
		t.Fatalf("customers after reopen = %d, want 1", n)
	}
}

// customerWithKey opens an emulator in a new directory and creates a
// customer with the idempotency key "old-key", returning the parameters sent.
func customerWithKey(t *testing.T) (string, *Emulator, *stripe.CustomerParams, *stripe.Customer) {
	t.Helper()
	dir := t.TempDir()
	em, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := &stripe.CustomerParams{Email: stripe.String("x@example.com")}
	p.SetIdempotencyKey("old-key")
	first := must[*stripe.Customer](t)(clientFor(em.Transport(), testKey).Customers.New(p))
	return dir, em, p, first
}

// A state file written before idempotency records were indexed by scope
// (no idemscope bucket; an idemidx bucket keyed by a hash of the scope, or
// none at all) gets its index built when opened: its keys replay, and the
// old bucket is gone.
func TestIdempotencyIndexBuiltForOlderFile(t *testing.T) {
	dir, em, p, first := customerWithKey(t)
	if err := em.db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bucketIdemIdx); err != nil {
			return err
		}
		old, err := tx.CreateBucket(bucketIdemHash)
		if err != nil {
			return err
		}
		return old.Put(bytes.Repeat([]byte{7}, 16), make([]byte, 16))
	}); err != nil {
		t.Fatal(err)
	}
	em = reopen(t, em, dir)
	if n := em.idem.len(); n != 1 {
		t.Fatalf("%d keys indexed after the upgrade, want 1", n)
	}
	if err := em.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketIdemHash) != nil {
			return errors.New("the old idemidx bucket is still there")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sc := clientFor(em.Transport(), testKey)
	again := must[*stripe.Customer](t)(sc.Customers.New(p))
	if again.ID != first.ID || again.LastResponse.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay after the upgrade: %s (first %s), replayed=%q", again.ID, first.ID, again.LastResponse.Header.Get("Idempotent-Replayed"))
	}
}

// A state file whose idempotency index is keyed by whole scopes (endpoint
// included, as before keys were bound to their first endpoint) has it built
// again when opened: its keys replay, and refuse another endpoint.
func TestIdempotencyIndexByKeyForOlderFile(t *testing.T) {
	dir, em, p, first := customerWithKey(t)
	scope := []byte(em.idemScope(testKey, "POST", "/v1/customers", "old-key"))
	if err := em.db.Update(func(tx *bolt.Tx) error {
		ib := tx.Bucket(bucketIdemIdx)
		v := append([]byte(nil), ib.Get(idemIndexKey(scope))...)
		if err := ib.Delete(idemIndexKey(scope)); err != nil {
			return err
		}
		if err := ib.Put(scope, v); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Delete(idemIndexedByKey)
	}); err != nil {
		t.Fatal(err)
	}
	em = reopen(t, em, dir)
	sc := clientFor(em.Transport(), testKey)
	again := must[*stripe.Customer](t)(sc.Customers.New(p))
	if again.ID != first.ID || again.LastResponse.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay after the upgrade: %s (first %s)", again.ID, first.ID)
	}
	pp := &stripe.ProductParams{Name: stripe.String("Mug")}
	pp.SetIdempotencyKey("old-key")
	if _, err := sc.Products.New(pp); stripeErr(t, err).Type != stripe.ErrorTypeIdempotency {
		t.Fatalf("another endpoint after the upgrade: %v", err)
	}
	if n := em.idem.len(); n != 1 {
		t.Fatalf("%d keys indexed after the upgrade, want 1", n)
	}
}
