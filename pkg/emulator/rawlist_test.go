package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	stripe "github.com/stripe/stripe-go/v76"
	bolt "go.etcd.io/bbolt"
)

// A charge list without expansions is served from the stored JSON; it must
// be byte for byte what encoding the decoded charges gives, page by page.
func TestChargeListRawMatchesDecoded(t *testing.T) {
	em, sc := newClient(t)
	cus, pm := customerWithCard(t, sc, "pm_card_visa")
	for i := range 7 {
		p := &stripe.PaymentIntentParams{Amount: stripe.Int64(int64(100 + i)), Currency: stripe.String("usd"),
			Customer: stripe.String(cus.ID), PaymentMethod: stripe.String(pm.ID), Confirm: stripe.Bool(true),
			OffSession: stripe.Bool(true), Params: stripe.Params{Metadata: map[string]string{"n": fmt.Sprint(i)}}}
		must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(p))
	}
	get := func(query string) []byte {
		req := httptest.NewRequest(http.MethodGet, "/v1/charges?"+query, nil)
		req.Header.Set("Authorization", "Bearer "+testKey)
		rec := httptest.NewRecorder()
		em.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", query, rec.Code, rec.Body)
		}
		b, _ := io.ReadAll(rec.Body)
		return b
	}
	after := ""
	pages := 0
	for {
		q := "limit=3"
		if after != "" {
			q += "&starting_after=" + after
		}
		got := get(q)
		var want []byte
		_ = em.db.View(func(tx *bolt.Tx) error {
			lq := listQuery{index: -1, limit: 3, startingAfter: after}
			items, more, aerr := em.charges.page(tx, lq, nil)
			if aerr != nil {
				t.Fatal(aerr.Message)
			}
			var err error
			want, err = json.Marshal(listOf(items, more, "/v1/charges", func(c *charge) any { return c }))
			return err
		})
		if !bytes.Equal(got, want) {
			t.Fatalf("page %d:\n got %s\nwant %s", pages, got, want)
		}
		var l struct {
			Data    []struct{ ID string }
			HasMore bool `json:"has_more"`
		}
		if err := json.Unmarshal(got, &l); err != nil {
			t.Fatal(err)
		}
		pages++
		if !l.HasMore {
			if len(l.Data) != 1 || pages != 3 {
				t.Fatalf("last page %d holds %d charges; want page 3 with 1", pages, len(l.Data))
			}
			break
		}
		after = l.Data[len(l.Data)-1].ID
	}
	// ending_before pages the other way, still in newest-first order.
	if got := get("limit=2&ending_before=" + after); !bytes.Contains(got, []byte(`"has_more":true`)) {
		t.Fatalf("ending_before page: %s", got)
	}
}
