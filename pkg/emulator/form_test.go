package emulator

import (
	"errors"
	"net/url"
	"reflect"
	"testing"
)

func TestDecodeForm(t *testing.T) {
	cases := []struct {
		in   string
		want map[string]any
		err  bool
	}{
		{"amount=100&currency=usd", map[string]any{"amount": "100", "currency": "usd"}, false},
		{"metadata[k]=v&metadata[0]=zero", map[string]any{"metadata": map[string]any{"k": "v", "0": "zero"}}, false},
		{"expand[]=a&expand[]=b", map[string]any{"expand": []any{"a", "b"}}, false},
		{"expand[1]=b&expand[0]=a", map[string]any{"expand": []any{"a", "b"}}, false},
		{"created[gte]=1&created[lt]=2", map[string]any{"created": map[string]any{"gte": "1", "lt": "2"}}, false},
		{"items[0][price]=p&items[0][quantity]=2&items[1][price]=q", map[string]any{"items": []any{
			map[string]any{"price": "p", "quantity": "2"}, map[string]any{"price": "q"}}}, false},
		{"card[number]=4242&card[exp_month]=12", map[string]any{"card": map[string]any{"number": "4242", "exp_month": "12"}}, false},
		{"a=1&a[b]=2", nil, true},
		{"a[b=1", nil, true},
		{"a]=1", nil, true},
		{"[a]=1", nil, true},
		{"metadata[]=x", nil, true},
		{"a[0]=1&a[]=2", nil, true},
		{"expand[1]=b", nil, true},
		{"expand[0]=a&expand[2]=c", nil, true},
		{"items[0][tax_rates][1]=t", nil, true},
	}
	for _, c := range cases {
		v, err := url.ParseQuery(c.in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeForm(v)
		if c.err {
			if !errors.Is(err, ErrForm) {
				t.Errorf("%s: want ErrForm, got %v %v", c.in, got, err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %#v, %v; want %#v", c.in, got, err, c.want)
		}
	}
}

// FuzzDecodeForm checks that DecodeForm never panics, only returns ErrForm
// errors, and that EncodeForm round-trips whatever it accepts.
func FuzzDecodeForm(f *testing.F) {
	for _, s := range []string{"amount=1&metadata[a]=b", "expand[]=x&expand[]=y", "a[0][b]=1&a[1][b]=2", "a[][b]=1&a[][b]=2",
		"created[gte]=1", "x[y][z][]=1", "a=1&a[b]=2", "metadata[0]=a&metadata[1]=b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		v, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		tree, err := DecodeForm(v)
		if err != nil {
			if !errors.Is(err, ErrForm) {
				t.Fatalf("error not wrapping ErrForm: %v", err)
			}
			return
		}
		again, err := DecodeForm(EncodeForm(tree))
		if err != nil {
			t.Fatalf("re-decoding %v: %v", EncodeForm(tree), err)
		}
		if !reflect.DeepEqual(tree, again) {
			t.Fatalf("round trip of %q:\n%#v\n%#v", q, tree, again)
		}
	})
}

// tweetPaymentForm is the form stripe-go sends to create and confirm a
// tweet's PaymentIntent.
const tweetPaymentForm = "amount=1250&confirm=true&currency=usd&customer=cus_0000000001abcdefghijklmn&description=Blue+Mug+via+tweet+1700000000123" +
	"&metadata[buyer]=%40buyer7&metadata[hashtag]=BuyBlueMug&metadata[offer]=BuyBlueMug&metadata[tweet_id]=1700000000123" +
	"&off_session=true&payment_method=pm_0000000001abcdefghijklmn&capture_method=automatic&expand[0]=latest_charge"

func tweetPaymentValues(tb testing.TB) url.Values {
	tb.Helper()
	v, err := url.ParseQuery(tweetPaymentForm)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// BenchmarkDecodeForm decodes tweetPaymentForm.
func BenchmarkDecodeForm(b *testing.B) {
	v := tweetPaymentValues(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeForm(v); err != nil {
			b.Fatal(err)
		}
	}
}
