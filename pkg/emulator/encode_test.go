package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// The reference: the same types without their MarshalJSON, encoded by
// encoding/json's reflection.
type (
	piReference       paymentIntent
	chargeReference   charge
	customerReference customer
	recordReference   struct {
		piReference
		OffSession bool `json:"x_off_session,omitempty"`
	}
)

var testStrings = []string{"", "pi_123", "usd", `quote " and \ backslash`, "<b>&amp;</b>", "tab\tnew\nline\r\x00\x1f",
	"caf\u00e9 \u2028 \u2029 \U0001F600", "bad \xff\xfe utf-8", "\x7f", "日本語"}

// fill sets every field of v (a pointer) to a random value of its type:
// nil or not, empty or not, special strings.
func fill(r *rand.Rand, v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(testStrings[r.IntN(len(testStrings))])
	case reflect.Int64, reflect.Int:
		v.SetInt(r.Int64N(1<<40) - 1<<39)
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Pointer:
		if r.IntN(3) == 0 || depth > 4 {
			v.SetZero()
			return
		}
		p := reflect.New(v.Type().Elem())
		fill(r, p.Elem(), depth+1)
		v.Set(p)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[ref]() {
			switch r.IntN(3) {
			case 0:
				v.Set(reflect.ValueOf(ref{}))
			case 1:
				v.Set(reflect.ValueOf(refTo(testStrings[r.IntN(len(testStrings))])))
			default:
				v.Set(reflect.ValueOf(ref{ID: "x", Obj: map[string]any{"id": "cus_1", "n": 2}}))
			}
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(r, v.Field(i), depth+1)
			}
		}
	case reflect.Map:
		switch r.IntN(3) {
		case 0:
			v.SetZero()
		case 1:
			v.Set(reflect.MakeMap(v.Type()))
		default:
			m := reflect.MakeMap(v.Type())
			for range 1 + r.IntN(4) {
				k := reflect.ValueOf(testStrings[r.IntN(len(testStrings))])
				e := reflect.New(v.Type().Elem()).Elem()
				fill(r, e, depth+1)
				m.SetMapIndex(k, e)
			}
			v.Set(m)
		}
	case reflect.Slice:
		if r.IntN(3) == 0 {
			v.SetZero()
			return
		}
		s := reflect.MakeSlice(v.Type(), r.IntN(3), 3)
		for i := range s.Len() {
			fill(r, s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Interface:
		vals := []any{nil, "s<>", 1.5, map[string]any{"card": map[string]any{"request_three_d_secure": "automatic"}}, []any{"a", 2}}
		if x := vals[r.IntN(len(vals))]; x != nil {
			v.Set(reflect.ValueOf(x))
		} else {
			v.SetZero()
		}
	default:
		panic("fill: no case for " + v.Type().String())
	}
}

func TestHandWrittenJSONMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	same := func(what string, got []byte, want any) {
		t.Helper()
		w, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, w) {
			t.Fatalf("%s differs:\n got %s\nwant %s", what, got, w)
		}
	}
	for i := range 2000 {
		var pi paymentIntent
		fill(r, reflect.ValueOf(&pi).Elem(), 0)
		got, err := json.Marshal(pi)
		if err != nil {
			t.Fatal(err)
		}
		same("payment intent", got, (*piReference)(&pi))
		rec := piRecord{paymentIntent: pi, OffSession: i%2 == 0}
		same("stored payment intent", rec.appendJSONTo(nil), recordReference{piReference(pi), rec.OffSession})
		got, _ = json.Marshal(&rec)
		same("stored payment intent via json.Marshal", got, recordReference{piReference(pi), rec.OffSession})

		var c charge
		fill(r, reflect.ValueOf(&c).Elem(), 0)
		same("charge", c.appendJSONTo(nil), (*chargeReference)(&c))
		got, _ = json.Marshal(c)
		same("charge via json.Marshal", got, (*chargeReference)(&c))

		var cu customer
		fill(r, reflect.ValueOf(&cu).Elem(), 0)
		same("customer", cu.appendJSONTo(nil), (*customerReference)(&cu))
		got, _ = json.Marshal(&cu)
		same("customer via json.Marshal", got, (*customerReference)(&cu))
	}
}

// Each string of testStrings, and every byte value, is quoted as
// encoding/json quotes it.
func TestAppendString(t *testing.T) {
	strs := append([]string(nil), testStrings...)
	for c := range 256 {
		strs = append(strs, string([]byte{byte(c)}), "a"+string([]byte{byte(c)})+"b")
	}
	for _, s := range strs {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	}
}

func BenchmarkMarshalCharge(b *testing.B) {
	var c charge
	fill(rand.New(rand.NewPCG(3, 4)), reflect.ValueOf(&c).Elem(), 0)
	b.Run("hand", func(b *testing.B) {
		for b.Loop() {
			_ = c.appendJSONTo(nil)
		}
	})
	b.Run("reflection", func(b *testing.B) {
		for b.Loop() {
			_, _ = json.Marshal((*chargeReference)(&c))
		}
	})
}

// The answer to a create that reuses the stored JSON (respondPI) leaves the
// stored object intact: a later retrieve, and a replay of the create, give
// the same bytes, on and off session.
func TestCreateAnswerSharesNothingWithTheStoredObject(t *testing.T) {
	em, sc := newClient(t)
	cus, pm := customerWithCard(t, sc, "pm_card_visa")
	rt := em.Transport()
	send := func(method, path, body, key string) []byte {
		t.Helper()
		req, err := http.NewRequest(method, "http://emulator"+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+testKey)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %d %s %v", method, path, resp.StatusCode, b, err)
		}
		return b
	}
	for _, offSession := range []string{"true", "false"} {
		body := "amount=1250&currency=usd&confirm=true&customer=" + cus.ID + "&payment_method=" + pm.ID +
			"&payment_method_types[0]=card&off_session=" + offSession
		created := send(http.MethodPost, "/v1/payment_intents", body, "k-"+offSession)
		var pi struct{ ID string }
		if err := json.Unmarshal(created, &pi); err != nil || pi.ID == "" {
			t.Fatalf("off_session=%s: create answered %s (%v)", offSession, created, err)
		}
		if got := send(http.MethodGet, "/v1/payment_intents/"+pi.ID, "", ""); !bytes.Equal(got, created) {
			t.Errorf("off_session=%s: retrieve\n%s\ncreate\n%s", offSession, got, created)
		}
		if got := send(http.MethodPost, "/v1/payment_intents", body, "k-"+offSession); !bytes.Equal(got, created) {
			t.Errorf("off_session=%s: replay\n%s\ncreate\n%s", offSession, got, created)
		}
	}
}
