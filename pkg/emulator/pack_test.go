package emulator

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"testing"

	stripe "github.com/stripe/stripe-go/v76"
	bolt "go.etcd.io/bbolt"
)

// The dictionary is part of the file format: files written with it must be
// read with the same bytes. A new dictionary is a new format byte.
func TestPackDictionaryIsFixed(t *testing.T) {
	sum := sha256.Sum256([]byte(packDict1))
	if got := hex.EncodeToString(sum[:]); got != "2202f47554be3699dbc22b6e8e428ab77e8c45029870e2da646875634ddaf2ac" {
		t.Fatalf("packDict1 changed (sha256 %s): stored values would no longer decode", got)
	}
}

func TestPackRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 5000)
	for i := range random {
		random[i] = byte(r.IntN(256))
	}
	inputs := [][]byte{nil, []byte(`{}`), []byte(`{"id":"x"}`), bytes.Repeat([]byte("a"), packMin-1),
		bytes.Repeat([]byte("a"), packMin), random, []byte(packDict1)}
	for _, in := range inputs {
		for _, prefix := range [][]byte{nil, []byte("header"), make([]byte, 3, 4096)} {
			v := appendPacked(append([]byte(nil), prefix...), in)
			if !bytes.Equal(v[:len(prefix)], prefix) {
				t.Fatalf("prefix overwritten")
			}
			stored := v[len(prefix):]
			if packed := len(in) >= packMin; packed != (len(stored) > 0 && stored[0] == packedS2Dict1) {
				t.Fatalf("%d bytes: packed %v, format byte %x", len(in), packed, stored[:1])
			}
			got, err := unpacked(stored)
			if err != nil || !bytes.Equal(got, in) {
				t.Fatalf("%d bytes: round trip gave %d bytes, %v", len(in), len(got), err)
			}
			cp, err := unpackedCopy(stored)
			if err != nil || !bytes.Equal(cp, in) {
				t.Fatalf("%d bytes: copy gave %d bytes, %v", len(in), len(cp), err)
			}
			if len(cp) > 0 && &cp[0] == &stored[0] {
				t.Fatalf("unpackedCopy shares the stored bytes")
			}
		}
	}
	// Corrupt values are errors, not panics or huge allocations.
	good := appendPacked(nil, []byte(packDict1))
	for _, bad := range [][]byte{{packedS2Dict1}, {packedS2Dict1, 0xff, 0xff, 0xff, 0xff, 0x7f}, good[:len(good)/2],
		append([]byte{packedS2Dict1}, 0x80, 0x80, 0x80, 0x04, 1, 2, 3)} {
		if _, err := unpacked(bad); err == nil {
			t.Errorf("%x: no error", bad)
		}
	}
}

func FuzzUnpack(f *testing.F) {
	f.Add(appendPacked(nil, []byte(packDict1[:400])))
	f.Add([]byte(`{"id":"pi_1"}`))
	f.Fuzz(func(t *testing.T, v []byte) {
		js, err := unpacked(v)
		if err == nil && len(v) > 0 && v[0] != packedS2Dict1 && !bytes.Equal(js, v) {
			t.Fatalf("unpacked value changed")
		}
	})
}

// A PaymentIntent and its Charge, as a payment stores them, pack to a small
// part of their JSON: that is what keeps a commit's pages few.
func TestPaymentPacksSmall(t *testing.T) {
	em, sc := newClient(t)
	cus, pm := customerWithCard(t, sc, "pm_card_visa")
	pi := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(&stripe.PaymentIntentParams{Amount: stripe.Int64(1250),
		Currency: stripe.String("usd"), Customer: stripe.String(cus.ID), PaymentMethod: stripe.String(pm.ID),
		Confirm: stripe.Bool(true), OffSession: stripe.Bool(true),
		Params: stripe.Params{Metadata: map[string]string{"offer": "BuyBlueMug", "tweet_id": "1700000000001"}}}))
	err := em.db.View(func(tx *bolt.Tx) error {
		for _, id := range []string{pi.ID, pi.LatestCharge.ID} {
			var v []byte
			if id == pi.ID {
				_, v, _ = em.pis.getRaw(tx, id)
			} else {
				_, v, _ = em.charges.getRaw(tx, id)
			}
			js, err := unpacked(v)
			if err != nil {
				return err
			}
			t.Logf("%s: %d bytes of JSON packed to %d", id, len(js), len(v))
			if len(v)*3 > len(js) {
				t.Errorf("%s: %d bytes of JSON packed to %d, want under a third", id, len(js), len(v))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Objects and idempotency records stored before values were packed (JSON
// as it is) are read, listed and replayed as before.
func TestUnpackedValuesOfOlderFiles(t *testing.T) {
	em, sc := newClient(t)
	cus, pm := customerWithCard(t, sc, "pm_card_visa")
	p := &stripe.PaymentIntentParams{Amount: stripe.Int64(1250), Currency: stripe.String("usd"),
		Customer: stripe.String(cus.ID), PaymentMethod: stripe.String(pm.ID), Confirm: stripe.Bool(true), OffSession: stripe.Bool(true)}
	p.SetIdempotencyKey("older-1")
	pi := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(p))
	// Rewrite every stored value as an older tweetpay wrote it.
	err := em.db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketObjects, bucketIdem} {
			b := tx.Bucket(name)
			rewrite := map[string][]byte{}
			if err := b.ForEach(func(k, v []byte) error {
				var old []byte
				if bytes.Equal(name, bucketObjects) {
					js, err := unpacked(v[16:])
					if err != nil {
						return err
					}
					old = append(append([]byte(nil), v[:16]...), js...)
				} else {
					var rec idemRecord
					if err := rec.unmarshal(v); err != nil {
						return err
					}
					old = oldIdemRecord(rec)
				}
				rewrite[string(k)] = old
				return nil
			}); err != nil {
				return err
			}
			for k, v := range rewrite {
				if err := b.Put([]byte(k), v); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.Get(pi.ID, nil))
	if got.Status != stripe.PaymentIntentStatusSucceeded || got.LatestCharge.ID != pi.LatestCharge.ID {
		t.Fatalf("read back %+v", got)
	}
	again := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(p))
	if again.LastResponse.Header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(again.LastResponse.RawJSON, pi.LastResponse.RawJSON) {
		t.Fatalf("replay of an older record:\n%s\nwant\n%s", again.LastResponse.RawJSON, pi.LastResponse.RawJSON)
	}
	n := 0
	for it := sc.Charges.List(&stripe.ChargeListParams{Customer: stripe.String(cus.ID)}); it.Next(); n++ {
		if it.Charge().ID != pi.LatestCharge.ID {
			t.Fatalf("listed %s", it.Charge().ID)
		}
	}
	if n != 1 {
		t.Fatalf("%d charges listed", n)
	}
}

// oldIdemRecord is an idempotency record in the layout of earlier versions:
// the body as it is.
func oldIdemRecord(r idemRecord) []byte { return append(r.appendHead(nil), r.Body...) }
