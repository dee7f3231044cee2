package emulator

import (
	"bytes"
	"errors"
	"sync"

	"github.com/klauspost/compress/s2"
)

// Stored JSON is packed: a Stripe object is a few kilobytes of JSON, most of
// it field names and nulls that every object of its kind repeats, and the
// bytes a payment writes (its PaymentIntent, its Charge and the first
// response kept for its idempotency key) were most of the pages each commit
// writes and syncs, and most of the file. Values of packMin bytes or more are
// compressed with S2 against a dictionary of typical objects, which takes a
// PaymentIntent or a Charge to a fifth of its size or less. A packed value
// starts with its format byte; JSON starts with '{', so values written before
// packing (and short ones) are read as they are.
const (
	packedS2Dict1 = 0x01 // S2 block against packDict1
	packMin       = 128
	// maxUnpacked bounds what a packed value may claim to hold: more than
	// any request could have stored (bodies are read up to 1 MiB).
	maxUnpacked = 8 << 20
)

var errCorruptPacked = errors.New("corrupt packed value")

// packDict1 is the dictionary of format packedS2Dict1. It is part of the
// file format: values written with it are read with it, so it never changes
// (TestPackDictionaryIsFixed); a better one would be a new format byte.
const packDict1 = `{"id":"re_0000000000","object":"refund","amount":1250,"balance_transaction":"txn_0000000000","charge":"ch_0000000000","created":1796263607,"currency":"usd","destination_details":null,"metadata":{},"payment_intent":"pi_0000000000","reason":null,"receipt_number":null,"source_transfer_reversal":null,"status":"succeeded","transfer_reversal":null}
{"id":"prod_0000000000","object":"product","active":true,"attributes":[],"created":1796263607,"default_price":null,"description":null,"features":[],"images":[],"livemode":false,"metadata":{},"name":"Blue Mug","package_dimensions":null,"shippable":null,"statement_descriptor":null,"tax_code":null,"type":"service","unit_label":null,"updated":1796263607,"url":null}
{"id":"price_0000000000","object":"price","active":true,"billing_scheme":"per_unit","created":1796263607,"currency":"usd","custom_unit_amount":null,"livemode":false,"lookup_key":null,"metadata":{},"nickname":null,"product":"prod_0000000000","recurring":null,"tax_behavior":"unspecified","tiers_mode":null,"transform_quantity":null,"type":"one_time","unit_amount":1250,"unit_amount_decimal":"1250"}
{"id":"cus_0000000000","object":"customer","address":null,"balance":0,"created":1796263607,"currency":null,"default_source":null,"delinquent":false,"description":null,"discount":null,"email":"buyer@example.com","invoice_prefix":"EEJKVKIV","invoice_settings":{"custom_fields":null,"default_payment_method":null,"footer":null,"rendering_options":null},"livemode":false,"metadata":{},"name":null,"next_invoice_sequence":1,"phone":null,"preferred_locales":[],"shipping":null,"tax_exempt":"none","test_clock":null}
{"id":"pm_0000000000","object":"payment_method","billing_details":{"address":{"city":null,"country":null,"line1":null,"line2":null,"postal_code":null,"state":null},"email":null,"name":null,"phone":null},"card":{"brand":"visa","checks":{"address_line1_check":null,"address_postal_code_check":null,"cvc_check":null},"country":"US","display_brand":"visa","exp_month":12,"exp_year":2027,"fingerprint":"lfX6BURh0vlQQsLl","funding":"credit","generated_from":null,"last4":"4242","networks":{"available":["visa"],"preferred":null},"three_d_secure_usage":{"supported":true},"wallet":null},"created":1796263607,"customer":"cus_0000000000","livemode":false,"metadata":{},"type":"card","x_scenario":"ok"}
{"id":"ch_0000000000","object":"charge","amount":1250,"amount_captured":1250,"amount_refunded":0,"application":null,"application_fee":null,"application_fee_amount":null,"balance_transaction":"txn_0000000000","billing_details":{"address":{"city":null,"country":null,"line1":null,"line2":null,"postal_code":null,"state":null},"email":null,"name":null,"phone":null},"calculated_statement_descriptor":"TWEETPAY","captured":true,"created":1796263607,"currency":"usd","customer":"cus_0000000000","description":null,"disputed":false,"failure_balance_transaction":null,"failure_code":null,"failure_message":null,"fraud_details":{},"invoice":null,"livemode":false,"metadata":{"offer":"BuyBlueMug","tweet_id":"1700000000001"},"on_behalf_of":null,"outcome":{"advice_code":null,"network_decline_code":null,"network_status":"approved_by_network","reason":null,"risk_level":"normal","risk_score":55,"rule":null,"seller_message":"Payment complete.","type":"authorized"},"paid":true,"payment_intent":"pi_0000000000","payment_method":"pm_0000000000","payment_method_details":{"card":{"amount_authorized":1250,"brand":"visa","checks":{"address_line1_check":null,"address_postal_code_check":null,"cvc_check":null},"country":"US","exp_month":12,"exp_year":2027,"fingerprint":"lfX6BURh0vlQQsLl","funding":"credit","installments":null,"last4":"4242","mandate":null,"network":"visa","network_token":null,"three_d_secure":null,"wallet":null},"type":"card"},"radar_options":{},"receipt_email":null,"receipt_number":null,"receipt_url":"https://pay.stripe.com/receipts/emulated/ch_0000000000","refunded":false,"review":null,"shipping":null,"source":null,"source_transfer":null,"statement_descriptor":null,"statement_descriptor_suffix":null,"status":"succeeded","transfer_data":null,"transfer_group":null}
{"id":"pi_0000000000","object":"payment_intent","amount":1250,"amount_capturable":0,"amount_details":{"tip":{}},"amount_received":1250,"application":null,"application_fee_amount":null,"automatic_payment_methods":null,"canceled_at":null,"cancellation_reason":null,"capture_method":"automatic","client_secret":"pi_0000000000_secret_","confirmation_method":"automatic","created":1796263607,"currency":"usd","customer":"cus_0000000000","description":null,"invoice":null,"last_payment_error":null,"latest_charge":"ch_0000000000","livemode":false,"metadata":{"offer":"BuyBlueMug","tweet_id":"1700000000001"},"next_action":null,"on_behalf_of":null,"payment_method":"pm_0000000000","payment_method_configuration_details":null,"payment_method_options":{"card":{"installments":null,"mandate_options":null,"network":null,"request_three_d_secure":"automatic"}},"payment_method_types":["card"],"processing":null,"receipt_email":null,"review":null,"setup_future_usage":null,"shipping":null,"source":null,"statement_descriptor":null,"statement_descriptor_suffix":null,"status":"succeeded","transfer_data":null,"transfer_group":null,"x_off_session":true}`

var packDict = sync.OnceValue(func() *s2.Dict { return s2.MakeDict([]byte(packDict1), nil) })

// appendPacked appends js, packed when it is long enough, to dst.
func appendPacked(dst, js []byte) []byte {
	if len(js) < packMin {
		return append(dst, js...)
	}
	// Encode into scratch space of the worst case's size, then append
	// what it took: a packed value is a fraction of that.
	sp := packScratch.Get().(*[]byte)
	if need := s2.MaxEncodedLen(len(js)); cap(*sp) < need {
		*sp = make([]byte, need)
	}
	enc := packDict().Encode(*sp, js)
	dst = append(append(dst, packedS2Dict1), enc...)
	if cap(*sp) <= maxPooledScratch {
		packScratch.Put(sp)
	}
	return dst
}

var packScratch = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledScratch bounds the scratch buffers packScratch keeps.
const maxPooledScratch = 64 << 10

// unpacked returns the JSON of a stored value: v itself when it is not
// packed, else a new slice.
func unpacked(v []byte) ([]byte, error) {
	if len(v) == 0 || v[0] != packedS2Dict1 {
		return v, nil
	}
	if n, err := s2.DecodedLen(v[1:]); err != nil || n > maxUnpacked {
		return nil, errCorruptPacked
	}
	js, err := packDict().Decode(nil, v[1:])
	if err != nil {
		return nil, errCorruptPacked
	}
	return js, nil
}

// unpackedCopy is unpacked, but the JSON returned never shares v's bytes
// (which may be bbolt's, valid only during their transaction).
func unpackedCopy(v []byte) ([]byte, error) {
	if len(v) == 0 || v[0] != packedS2Dict1 {
		return bytes.Clone(v), nil
	}
	return unpacked(v)
}
