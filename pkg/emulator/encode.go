package emulator

import (
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Hand-written JSON for the objects a purchase writes or reads: a
// PaymentIntent, its Charge, the Customer. encoding/json builds its encoder for a type by reflection the
// first time the type is encoded in a process, about 2-3 ms for these two
// (dozens of fields, nested cards, checks and outcomes): in a command that
// makes one payment that was a tenth of its run. The output is byte for byte
// encoding/json's (HTML-safe escaping, sorted map keys, null for nil), which
// encode_test.go checks on random objects against the reflection encoding.
// Nested types have no MarshalJSON of their own, so the reference encoding
// in the test stays independent.

// objectSize is a first guess at the size of an object's JSON.
const objectSize = 3 << 10

func (pi paymentIntent) MarshalJSON() ([]byte, error) {
	return pi.appendJSON(make([]byte, 0, objectSize), false), nil
}

func (r piRecord) MarshalJSON() ([]byte, error) {
	return r.paymentIntent.appendJSON(make([]byte, 0, objectSize), r.OffSession), nil
}

func (c charge) MarshalJSON() ([]byte, error) { return c.appendJSON(make([]byte, 0, objectSize)), nil }

func (c customer) MarshalJSON() ([]byte, error) {
	return c.appendJSON(make([]byte, 0, objectSize)), nil
}

func (c *customer) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, c.ID)
	b = append(b, `,"object":`...)
	b = appendString(b, c.Object)
	b = append(b, `,"address":`...)
	b = appendAny(b, c.Address)
	b = append(b, `,"balance":`...)
	b = strconv.AppendInt(b, c.Balance, 10)
	b = append(b, `,"created":`...)
	b = strconv.AppendInt(b, c.Created, 10)
	b = append(b, `,"currency":`...)
	b = appendStringPtr(b, c.Currency)
	b = append(b, `,"default_source":`...)
	b = appendAny(b, c.DefaultSource)
	b = append(b, `,"delinquent":`...)
	b = strconv.AppendBool(b, c.Delinquent)
	b = append(b, `,"description":`...)
	b = appendStringPtr(b, c.Description)
	b = append(b, `,"discount":`...)
	b = appendAny(b, c.Discount)
	b = append(b, `,"email":`...)
	b = appendStringPtr(b, c.Email)
	b = append(b, `,"invoice_prefix":`...)
	b = appendString(b, c.InvoicePrefix)
	b = append(b, `,"invoice_settings":{"custom_fields":`...)
	b = appendAny(b, c.InvoiceSettings.CustomFields)
	b = append(b, `,"default_payment_method":`...)
	b = appendRef(b, c.InvoiceSettings.DefaultPaymentMethod)
	b = append(b, `,"footer":`...)
	b = appendAny(b, c.InvoiceSettings.Footer)
	b = append(b, `,"rendering_options":`...)
	b = appendAny(b, c.InvoiceSettings.RenderingOptions)
	b = append(b, `},"livemode":`...)
	b = strconv.AppendBool(b, c.Livemode)
	b = append(b, `,"metadata":`...)
	b = appendStringMap(b, c.Metadata)
	b = append(b, `,"name":`...)
	b = appendStringPtr(b, c.Name)
	b = append(b, `,"next_invoice_sequence":`...)
	b = strconv.AppendInt(b, c.NextInvoiceSequence, 10)
	b = append(b, `,"phone":`...)
	b = appendStringPtr(b, c.Phone)
	b = append(b, `,"preferred_locales":`...)
	b = appendStrings(b, c.PreferredLocales)
	b = append(b, `,"shipping":`...)
	b = appendAny(b, c.Shipping)
	b = append(b, `,"tax_exempt":`...)
	b = appendString(b, c.TaxExempt)
	b = append(b, `,"test_clock":`...)
	b = appendAny(b, c.TestClock)
	return append(b, '}')
}

func (pi *paymentIntent) appendJSON(b []byte, offSession bool) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, pi.ID)
	b = append(b, `,"object":`...)
	b = appendString(b, pi.Object)
	b = append(b, `,"amount":`...)
	b = strconv.AppendInt(b, pi.Amount, 10)
	b = append(b, `,"amount_capturable":`...)
	b = strconv.AppendInt(b, pi.AmountCapturable, 10)
	b = append(b, `,"amount_details":`...)
	b = appendAny(b, pi.AmountDetails)
	b = append(b, `,"amount_received":`...)
	b = strconv.AppendInt(b, pi.AmountReceived, 10)
	b = append(b, `,"application":`...)
	b = appendAny(b, pi.Application)
	b = append(b, `,"application_fee_amount":`...)
	b = appendAny(b, pi.ApplicationFeeAmount)
	b = append(b, `,"automatic_payment_methods":`...)
	if apm := pi.AutomaticPaymentMethods; apm == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"allow_redirects":`...)
		b = appendString(b, apm.AllowRedirects)
		b = append(b, `,"enabled":`...)
		b = strconv.AppendBool(b, apm.Enabled)
		b = append(b, '}')
	}
	b = append(b, `,"canceled_at":`...)
	b = appendIntPtr(b, pi.CanceledAt)
	b = append(b, `,"cancellation_reason":`...)
	b = appendStringPtr(b, pi.CancellationReason)
	b = append(b, `,"capture_method":`...)
	b = appendString(b, pi.CaptureMethod)
	b = append(b, `,"client_secret":`...)
	b = appendString(b, pi.ClientSecret)
	b = append(b, `,"confirmation_method":`...)
	b = appendString(b, pi.ConfirmationMethod)
	b = append(b, `,"created":`...)
	b = strconv.AppendInt(b, pi.Created, 10)
	b = append(b, `,"currency":`...)
	b = appendString(b, pi.Currency)
	b = append(b, `,"customer":`...)
	b = appendRef(b, pi.Customer)
	b = append(b, `,"description":`...)
	b = appendStringPtr(b, pi.Description)
	b = append(b, `,"invoice":`...)
	b = appendAny(b, pi.Invoice)
	b = append(b, `,"last_payment_error":`...)
	if pi.LastPaymentError == nil {
		b = append(b, "null"...)
	} else {
		b = appendAny(b, pi.LastPaymentError)
	}
	b = append(b, `,"latest_charge":`...)
	b = appendRef(b, pi.LatestCharge)
	b = append(b, `,"livemode":`...)
	b = strconv.AppendBool(b, pi.Livemode)
	b = append(b, `,"metadata":`...)
	b = appendStringMap(b, pi.Metadata)
	b = append(b, `,"next_action":`...)
	if na := pi.NextAction; na == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"type":`...)
		b = appendString(b, na.Type)
		if r := na.RedirectToURL; r != nil {
			b = append(b, `,"redirect_to_url":{"return_url":`...)
			b = appendString(b, r.ReturnURL)
			b = append(b, `,"url":`...)
			b = appendString(b, r.URL)
			b = append(b, '}')
		}
		if len(na.UseStripeSDK) > 0 {
			b = append(b, `,"use_stripe_sdk":`...)
			b = appendAny(b, na.UseStripeSDK)
		}
		b = append(b, '}')
	}
	b = append(b, `,"on_behalf_of":`...)
	b = appendAny(b, pi.OnBehalfOf)
	b = append(b, `,"payment_method":`...)
	b = appendRef(b, pi.PaymentMethod)
	b = append(b, `,"payment_method_configuration_details":`...)
	b = appendAny(b, pi.PaymentMethodConfigurationDetail)
	b = append(b, `,"payment_method_options":`...)
	b = appendAny(b, pi.PaymentMethodOptions)
	b = append(b, `,"payment_method_types":`...)
	b = appendStrings(b, pi.PaymentMethodTypes)
	b = append(b, `,"processing":`...)
	b = appendAny(b, pi.Processing)
	b = append(b, `,"receipt_email":`...)
	b = appendStringPtr(b, pi.ReceiptEmail)
	b = append(b, `,"review":`...)
	b = appendAny(b, pi.Review)
	b = append(b, `,"setup_future_usage":`...)
	b = appendStringPtr(b, pi.SetupFutureUsage)
	b = append(b, `,"shipping":`...)
	b = appendAny(b, pi.Shipping)
	b = append(b, `,"source":`...)
	b = appendAny(b, pi.Source)
	b = append(b, `,"statement_descriptor":`...)
	b = appendStringPtr(b, pi.StatementDescriptor)
	b = append(b, `,"statement_descriptor_suffix":`...)
	b = appendStringPtr(b, pi.StatementDescriptorSuffix)
	b = append(b, `,"status":`...)
	b = appendString(b, pi.Status)
	b = append(b, `,"transfer_data":`...)
	b = appendAny(b, pi.TransferData)
	b = append(b, `,"transfer_group":`...)
	b = appendStringPtr(b, pi.TransferGroup)
	if offSession {
		b = append(b, `,"x_off_session":true`...)
	}
	return append(b, '}')
}

func (c *charge) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, c.ID)
	b = append(b, `,"object":`...)
	b = appendString(b, c.Object)
	b = append(b, `,"amount":`...)
	b = strconv.AppendInt(b, c.Amount, 10)
	b = append(b, `,"amount_captured":`...)
	b = strconv.AppendInt(b, c.AmountCaptured, 10)
	b = append(b, `,"amount_refunded":`...)
	b = strconv.AppendInt(b, c.AmountRefunded, 10)
	b = append(b, `,"application":`...)
	b = appendAny(b, c.Application)
	b = append(b, `,"application_fee":`...)
	b = appendAny(b, c.ApplicationFee)
	b = append(b, `,"application_fee_amount":`...)
	b = appendAny(b, c.ApplicationFeeAmount)
	b = append(b, `,"balance_transaction":`...)
	b = appendStringPtr(b, c.BalanceTransaction)
	b = append(b, `,"billing_details":`...)
	b = appendBillingDetails(b, &c.BillingDetails)
	b = append(b, `,"calculated_statement_descriptor":`...)
	b = appendStringPtr(b, c.CalculatedStatementDescriptor)
	b = append(b, `,"captured":`...)
	b = strconv.AppendBool(b, c.Captured)
	b = append(b, `,"created":`...)
	b = strconv.AppendInt(b, c.Created, 10)
	b = append(b, `,"currency":`...)
	b = appendString(b, c.Currency)
	b = append(b, `,"customer":`...)
	b = appendRef(b, c.Customer)
	b = append(b, `,"description":`...)
	b = appendStringPtr(b, c.Description)
	b = append(b, `,"disputed":`...)
	b = strconv.AppendBool(b, c.Disputed)
	b = append(b, `,"failure_balance_transaction":`...)
	b = appendAny(b, c.FailureBalanceTransaction)
	b = append(b, `,"failure_code":`...)
	b = appendStringPtr(b, c.FailureCode)
	b = append(b, `,"failure_message":`...)
	b = appendStringPtr(b, c.FailureMessage)
	b = append(b, `,"fraud_details":`...)
	b = appendAny(b, c.FraudDetails)
	b = append(b, `,"invoice":`...)
	b = appendAny(b, c.Invoice)
	b = append(b, `,"livemode":`...)
	b = strconv.AppendBool(b, c.Livemode)
	b = append(b, `,"metadata":`...)
	b = appendStringMap(b, c.Metadata)
	b = append(b, `,"on_behalf_of":`...)
	b = appendAny(b, c.OnBehalfOf)
	b = append(b, `,"outcome":`...)
	if o := c.Outcome; o == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"advice_code":`...)
		b = appendStringPtr(b, o.AdviceCode)
		b = append(b, `,"network_decline_code":`...)
		b = appendStringPtr(b, o.NetworkDeclineCode)
		b = append(b, `,"network_status":`...)
		b = appendString(b, o.NetworkStatus)
		b = append(b, `,"reason":`...)
		b = appendStringPtr(b, o.Reason)
		b = append(b, `,"risk_level":`...)
		b = appendString(b, o.RiskLevel)
		b = append(b, `,"risk_score":`...)
		b = strconv.AppendInt(b, o.RiskScore, 10)
		b = append(b, `,"rule":`...)
		b = appendAny(b, o.Rule)
		b = append(b, `,"seller_message":`...)
		b = appendString(b, o.SellerMessage)
		b = append(b, `,"type":`...)
		b = appendString(b, o.Type)
		b = append(b, '}')
	}
	b = append(b, `,"paid":`...)
	b = strconv.AppendBool(b, c.Paid)
	b = append(b, `,"payment_intent":`...)
	b = appendRef(b, c.PaymentIntent)
	b = append(b, `,"payment_method":`...)
	b = appendStringPtr(b, c.PaymentMethod)
	b = append(b, `,"payment_method_details":`...)
	if d := c.PaymentMethodDetails; d == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"card":`...)
		b = appendChargeCard(b, d.Card)
		b = append(b, `,"type":`...)
		b = appendString(b, d.Type)
		b = append(b, '}')
	}
	b = append(b, `,"radar_options":`...)
	b = appendAny(b, c.RadarOptions)
	b = append(b, `,"receipt_email":`...)
	b = appendStringPtr(b, c.ReceiptEmail)
	b = append(b, `,"receipt_number":`...)
	b = appendStringPtr(b, c.ReceiptNumber)
	b = append(b, `,"receipt_url":`...)
	b = appendStringPtr(b, c.ReceiptURL)
	b = append(b, `,"refunded":`...)
	b = strconv.AppendBool(b, c.Refunded)
	if l := c.Refunds; l != nil {
		b = append(b, `,"refunds":{"object":`...)
		b = appendString(b, l.Object)
		b = append(b, `,"data":`...)
		b = appendAny(b, l.Data)
		b = append(b, `,"has_more":`...)
		b = strconv.AppendBool(b, l.HasMore)
		b = append(b, `,"url":`...)
		b = appendString(b, l.URL)
		b = append(b, '}')
	}
	b = append(b, `,"review":`...)
	b = appendAny(b, c.Review)
	b = append(b, `,"shipping":`...)
	b = appendAny(b, c.Shipping)
	b = append(b, `,"source":`...)
	b = appendAny(b, c.Source)
	b = append(b, `,"source_transfer":`...)
	b = appendAny(b, c.SourceTransfer)
	b = append(b, `,"statement_descriptor":`...)
	b = appendStringPtr(b, c.StatementDescriptor)
	b = append(b, `,"statement_descriptor_suffix":`...)
	b = appendStringPtr(b, c.StatementDescriptorSuffix)
	b = append(b, `,"status":`...)
	b = appendString(b, c.Status)
	b = append(b, `,"transfer_data":`...)
	b = appendAny(b, c.TransferData)
	b = append(b, `,"transfer_group":`...)
	b = appendStringPtr(b, c.TransferGroup)
	return append(b, '}')
}

func appendBillingDetails(b []byte, d *billingDetails) []byte {
	a := &d.Address
	b = append(b, `{"address":{"city":`...)
	b = appendStringPtr(b, a.City)
	b = append(b, `,"country":`...)
	b = appendStringPtr(b, a.Country)
	b = append(b, `,"line1":`...)
	b = appendStringPtr(b, a.Line1)
	b = append(b, `,"line2":`...)
	b = appendStringPtr(b, a.Line2)
	b = append(b, `,"postal_code":`...)
	b = appendStringPtr(b, a.PostalCode)
	b = append(b, `,"state":`...)
	b = appendStringPtr(b, a.State)
	b = append(b, `},"email":`...)
	b = appendStringPtr(b, d.Email)
	b = append(b, `,"name":`...)
	b = appendStringPtr(b, d.Name)
	b = append(b, `,"phone":`...)
	b = appendStringPtr(b, d.Phone)
	return append(b, '}')
}

func appendChargeCard(b []byte, c *chargeCard) []byte {
	if c == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"amount_authorized":`...)
	b = appendIntPtr(b, c.AmountAuthorized)
	b = append(b, `,"brand":`...)
	b = appendString(b, c.Brand)
	if c.CaptureBefore != nil {
		b = append(b, `,"capture_before":`...)
		b = strconv.AppendInt(b, *c.CaptureBefore, 10)
	}
	b = append(b, `,"checks":{"address_line1_check":`...)
	b = appendStringPtr(b, c.Checks.AddressLine1Check)
	b = append(b, `,"address_postal_code_check":`...)
	b = appendStringPtr(b, c.Checks.AddressPostalCodeCheck)
	b = append(b, `,"cvc_check":`...)
	b = appendStringPtr(b, c.Checks.CVCCheck)
	b = append(b, `},"country":`...)
	b = appendString(b, c.Country)
	b = append(b, `,"exp_month":`...)
	b = strconv.AppendInt(b, c.ExpMonth, 10)
	b = append(b, `,"exp_year":`...)
	b = strconv.AppendInt(b, c.ExpYear, 10)
	b = append(b, `,"fingerprint":`...)
	b = appendString(b, c.Fingerprint)
	b = append(b, `,"funding":`...)
	b = appendString(b, c.Funding)
	b = append(b, `,"installments":`...)
	b = appendAny(b, c.Installments)
	b = append(b, `,"last4":`...)
	b = appendString(b, c.Last4)
	b = append(b, `,"mandate":`...)
	b = appendAny(b, c.Mandate)
	b = append(b, `,"network":`...)
	b = appendString(b, c.Network)
	b = append(b, `,"network_token":`...)
	b = appendAny(b, c.NetworkToken)
	b = append(b, `,"three_d_secure":`...)
	b = appendAny(b, c.ThreeDSecure)
	b = append(b, `,"wallet":`...)
	b = appendAny(b, c.Wallet)
	return append(b, '}')
}

func appendRef(b []byte, r ref) []byte {
	switch {
	case r.Obj != nil:
		return appendAny(b, r.Obj)
	case r.ID == "":
		return append(b, "null"...)
	}
	return appendString(b, r.ID)
}

// appendAny writes the fields whose values vary: nil for most, else maps,
// slices, strings, booleans and integers written here, and anything else
// (floats, structs) by encoding/json.
func appendAny(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return appendString(b, x)
	case bool:
		return strconv.AppendBool(b, x)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case map[string]string:
		return appendStringMap(b, x)
	case []string:
		return appendStrings(b, x)
	case map[string]any:
		return appendMap(b, x, appendAny)
	case []any:
		return appendList(b, x, appendAny)
	case jsonAppender:
		return x.appendJSONTo(b)
	}
	out, err := json.Marshal(v)
	if err != nil {
		// The values put in these fields are maps, slices and objects of
		// this package: they always encode.
		panic("emulator: encoding a field: " + err.Error())
	}
	return append(b, out...)
}

func appendIntPtr(b []byte, v *int64) []byte {
	if v == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, *v, 10)
}

func appendStringPtr(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendString(b, *s)
}

func appendStrings(b []byte, ss []string) []byte { return appendList(b, ss, appendString) }

func appendStringMap(b []byte, m map[string]string) []byte { return appendMap(b, m, appendString) }

// appendList writes a slice as encoding/json does: null when nil.
func appendList[V any](b []byte, vs []V, appendV func([]byte, V) []byte) []byte {
	if vs == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendV(b, v)
	}
	return append(b, ']')
}

// appendMap writes a map as encoding/json does: keys sorted, null when nil.
func appendMap[V any](b []byte, m map[string]V, appendV func([]byte, V) []byte) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = appendV(b, m[k])
	}
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

// appendString writes s as encoding/json does by default: quoted, with <, >
// and & escaped for HTML, control characters escaped, invalid UTF-8 replaced
// by U+FFFD, and U+2028 and U+2029 escaped.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// jsonAppender is an object that writes its own JSON.
type jsonAppender interface{ appendJSONTo([]byte) []byte }

func (r *piRecord) appendJSONTo(b []byte) []byte { return r.paymentIntent.appendJSON(b, r.OffSession) }

func (c *charge) appendJSONTo(b []byte) []byte { return c.appendJSON(b) }

func (c *customer) appendJSONTo(b []byte) []byte { return c.appendJSON(b) }

// marshal is json.Marshal, without its validation pass for the objects that
// write their own JSON.
func marshal(v any) ([]byte, error) {
	if a, ok := v.(jsonAppender); ok {
		return a.appendJSONTo(make([]byte, 0, objectSize)), nil
	}
	return json.Marshal(v)
}
