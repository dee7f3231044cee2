package emulator

import (
	"encoding/json"
	"errors"
)

// ref is an expandable field: an ID, or (after expansion) the whole object.
type ref struct {
	ID  string
	Obj any
}

func refTo(id string) ref { return ref{ID: id} }

func (r ref) MarshalJSON() ([]byte, error) {
	if r.Obj != nil {
		return json.Marshal(r.Obj)
	}
	if r.ID == "" {
		return []byte("null"), nil
	}
	return json.Marshal(r.ID)
}

func (r *ref) UnmarshalJSON(b []byte) error {
	*r = ref{}
	if string(b) == "null" {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &r.ID)
	}
	var o struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return err
	}
	if o.ID == "" {
		return errors.New("expandable object without id")
	}
	r.ID = o.ID
	return nil
}

type product struct {
	ID                  string            `json:"id"`
	Object              string            `json:"object"`
	Active              bool              `json:"active"`
	Created             int64             `json:"created"`
	DefaultPrice        ref               `json:"default_price"`
	Description         *string           `json:"description"`
	Features            []any             `json:"features"`
	Images              []string          `json:"images"`
	Livemode            bool              `json:"livemode"`
	Metadata            map[string]string `json:"metadata"`
	Name                string            `json:"name"`
	PackageDimensions   any               `json:"package_dimensions"`
	Shippable           any               `json:"shippable"`
	StatementDescriptor *string           `json:"statement_descriptor"`
	TaxCode             any               `json:"tax_code"`
	Type                string            `json:"type"`
	UnitLabel           *string           `json:"unit_label"`
	Updated             int64             `json:"updated"`
	URL                 *string           `json:"url"`
}

type recurring struct {
	AggregateUsage any    `json:"aggregate_usage"`
	Interval       string `json:"interval"`
	IntervalCount  int64  `json:"interval_count"`
	TrialPeriodDay any    `json:"trial_period_days"`
	UsageType      string `json:"usage_type"`
}

type price struct {
	ID                string            `json:"id"`
	Object            string            `json:"object"`
	Active            bool              `json:"active"`
	BillingScheme     string            `json:"billing_scheme"`
	Created           int64             `json:"created"`
	Currency          string            `json:"currency"`
	CustomUnitAmount  any               `json:"custom_unit_amount"`
	Livemode          bool              `json:"livemode"`
	LookupKey         *string           `json:"lookup_key"`
	Metadata          map[string]string `json:"metadata"`
	Nickname          *string           `json:"nickname"`
	Product           ref               `json:"product"`
	Recurring         *recurring        `json:"recurring"`
	TaxBehavior       string            `json:"tax_behavior"`
	TiersMode         any               `json:"tiers_mode"`
	TransformQuantity any               `json:"transform_quantity"`
	Type              string            `json:"type"`
	UnitAmount        *int64            `json:"unit_amount"`
	UnitAmountDecimal *string           `json:"unit_amount_decimal"`
}

type invoiceSettings struct {
	CustomFields         any `json:"custom_fields"`
	DefaultPaymentMethod ref `json:"default_payment_method"`
	Footer               any `json:"footer"`
	RenderingOptions     any `json:"rendering_options"`
}

type customer struct {
	ID                  string            `json:"id"`
	Object              string            `json:"object"`
	Address             any               `json:"address"`
	Balance             int64             `json:"balance"`
	Created             int64             `json:"created"`
	Currency            *string           `json:"currency"`
	DefaultSource       any               `json:"default_source"`
	Delinquent          bool              `json:"delinquent"`
	Description         *string           `json:"description"`
	Discount            any               `json:"discount"`
	Email               *string           `json:"email"`
	InvoicePrefix       string            `json:"invoice_prefix"`
	InvoiceSettings     invoiceSettings   `json:"invoice_settings"`
	Livemode            bool              `json:"livemode"`
	Metadata            map[string]string `json:"metadata"`
	Name                *string           `json:"name"`
	NextInvoiceSequence int64             `json:"next_invoice_sequence"`
	Phone               *string           `json:"phone"`
	PreferredLocales    []string          `json:"preferred_locales"`
	Shipping            any               `json:"shipping"`
	TaxExempt           string            `json:"tax_exempt"`
	TestClock           any               `json:"test_clock"`
}

type address struct {
	City       *string `json:"city"`
	Country    *string `json:"country"`
	Line1      *string `json:"line1"`
	Line2      *string `json:"line2"`
	PostalCode *string `json:"postal_code"`
	State      *string `json:"state"`
}

type billingDetails struct {
	Address address `json:"address"`
	Email   *string `json:"email"`
	Name    *string `json:"name"`
	Phone   *string `json:"phone"`
}

type cardChecks struct {
	AddressLine1Check      *string `json:"address_line1_check"`
	AddressPostalCodeCheck *string `json:"address_postal_code_check"`
	CVCCheck               *string `json:"cvc_check"`
}

type cardNetworks struct {
	Available []string `json:"available"`
	Preferred *string  `json:"preferred"`
}

type pmCard struct {
	Brand             string       `json:"brand"`
	Checks            cardChecks   `json:"checks"`
	Country           string       `json:"country"`
	DisplayBrand      string       `json:"display_brand"`
	ExpMonth          int64        `json:"exp_month"`
	ExpYear           int64        `json:"exp_year"`
	Fingerprint       string       `json:"fingerprint"`
	Funding           string       `json:"funding"`
	GeneratedFrom     any          `json:"generated_from"`
	Last4             string       `json:"last4"`
	Networks          cardNetworks `json:"networks"`
	ThreeDSecureUsage struct {
		Supported bool `json:"supported"`
	} `json:"three_d_secure_usage"`
	Wallet any `json:"wallet"`
}

type paymentMethod struct {
	ID             string            `json:"id"`
	Object         string            `json:"object"`
	BillingDetails billingDetails    `json:"billing_details"`
	Card           *pmCard           `json:"card"`
	Created        int64             `json:"created"`
	Customer       ref               `json:"customer"`
	Livemode       bool              `json:"livemode"`
	Metadata       map[string]string `json:"metadata"`
	Type           string            `json:"type"`
}

// pmRecord is what is stored: the public object plus the test card's scenario.
type pmRecord struct {
	paymentMethod
	Scenario string `json:"x_scenario"`
}

type nextAction struct {
	Type          string         `json:"type"`
	RedirectToURL *redirectToURL `json:"redirect_to_url,omitempty"`
	UseStripeSDK  map[string]any `json:"use_stripe_sdk,omitempty"`
}

// redirectToURL is the next action of a confirmation given a return_url:
// the page that authenticates the card, and where it sends the buyer back.
type redirectToURL struct {
	ReturnURL string `json:"return_url"`
	URL       string `json:"url"`
}

type paymentIntent struct {
	ID                               string            `json:"id"`
	Object                           string            `json:"object"`
	Amount                           int64             `json:"amount"`
	AmountCapturable                 int64             `json:"amount_capturable"`
	AmountDetails                    map[string]any    `json:"amount_details"`
	AmountReceived                   int64             `json:"amount_received"`
	Application                      any               `json:"application"`
	ApplicationFeeAmount             any               `json:"application_fee_amount"`
	AutomaticPaymentMethods          *automaticPMs     `json:"automatic_payment_methods"`
	CanceledAt                       *int64            `json:"canceled_at"`
	CancellationReason               *string           `json:"cancellation_reason"`
	CaptureMethod                    string            `json:"capture_method"`
	ClientSecret                     string            `json:"client_secret"`
	ConfirmationMethod               string            `json:"confirmation_method"`
	Created                          int64             `json:"created"`
	Currency                         string            `json:"currency"`
	Customer                         ref               `json:"customer"`
	Description                      *string           `json:"description"`
	Invoice                          any               `json:"invoice"`
	LastPaymentError                 *apiError         `json:"last_payment_error"`
	LatestCharge                     ref               `json:"latest_charge"`
	Livemode                         bool              `json:"livemode"`
	Metadata                         map[string]string `json:"metadata"`
	NextAction                       *nextAction       `json:"next_action"`
	OnBehalfOf                       any               `json:"on_behalf_of"`
	PaymentMethod                    ref               `json:"payment_method"`
	PaymentMethodConfigurationDetail any               `json:"payment_method_configuration_details"`
	PaymentMethodOptions             map[string]any    `json:"payment_method_options"`
	PaymentMethodTypes               []string          `json:"payment_method_types"`
	Processing                       any               `json:"processing"`
	ReceiptEmail                     *string           `json:"receipt_email"`
	Review                           any               `json:"review"`
	SetupFutureUsage                 *string           `json:"setup_future_usage"`
	Shipping                         any               `json:"shipping"`
	Source                           any               `json:"source"`
	StatementDescriptor              *string           `json:"statement_descriptor"`
	StatementDescriptorSuffix        *string           `json:"statement_descriptor_suffix"`
	Status                           string            `json:"status"`
	TransferData                     any               `json:"transfer_data"`
	TransferGroup                    *string           `json:"transfer_group"`
}

// automaticPMs is a PaymentIntent's automatic_payment_methods: whether it
// takes the payment methods enabled in the Dashboard, and whether those may
// include methods that redirect the customer ("always" or "never").
type automaticPMs struct {
	AllowRedirects string `json:"allow_redirects"`
	Enabled        bool   `json:"enabled"`
}

// piRecord is a stored PaymentIntent with the emulator's private state.
type piRecord struct {
	paymentIntent
	OffSession bool `json:"x_off_session,omitempty"`
}

type outcome struct {
	AdviceCode         *string `json:"advice_code"`
	NetworkDeclineCode *string `json:"network_decline_code"`
	NetworkStatus      string  `json:"network_status"`
	Reason             *string `json:"reason"`
	RiskLevel          string  `json:"risk_level"`
	RiskScore          int64   `json:"risk_score"`
	Rule               any     `json:"rule"`
	SellerMessage      string  `json:"seller_message"`
	Type               string  `json:"type"`
}

type chargeCard struct {
	AmountAuthorized *int64     `json:"amount_authorized"`
	Brand            string     `json:"brand"`
	CaptureBefore    *int64     `json:"capture_before,omitempty"`
	Checks           cardChecks `json:"checks"`
	Country          string     `json:"country"`
	ExpMonth         int64      `json:"exp_month"`
	ExpYear          int64      `json:"exp_year"`
	Fingerprint      string     `json:"fingerprint"`
	Funding          string     `json:"funding"`
	Installments     any        `json:"installments"`
	Last4            string     `json:"last4"`
	Mandate          any        `json:"mandate"`
	Network          string     `json:"network"`
	NetworkToken     any        `json:"network_token"`
	ThreeDSecure     any        `json:"three_d_secure"`
	Wallet           any        `json:"wallet"`
}

type chargePMDetails struct {
	Card *chargeCard `json:"card"`
	Type string      `json:"type"`
}

type listObject struct {
	Object  string `json:"object"`
	Data    []any  `json:"data"`
	HasMore bool   `json:"has_more"`
	URL     string `json:"url"`
}

type charge struct {
	ID                            string            `json:"id"`
	Object                        string            `json:"object"`
	Amount                        int64             `json:"amount"`
	AmountCaptured                int64             `json:"amount_captured"`
	AmountRefunded                int64             `json:"amount_refunded"`
	Application                   any               `json:"application"`
	ApplicationFee                any               `json:"application_fee"`
	ApplicationFeeAmount          any               `json:"application_fee_amount"`
	BalanceTransaction            *string           `json:"balance_transaction"`
	BillingDetails                billingDetails    `json:"billing_details"`
	CalculatedStatementDescriptor *string           `json:"calculated_statement_descriptor"`
	Captured                      bool              `json:"captured"`
	Created                       int64             `json:"created"`
	Currency                      string            `json:"currency"`
	Customer                      ref               `json:"customer"`
	Description                   *string           `json:"description"`
	Disputed                      bool              `json:"disputed"`
	FailureBalanceTransaction     any               `json:"failure_balance_transaction"`
	FailureCode                   *string           `json:"failure_code"`
	FailureMessage                *string           `json:"failure_message"`
	FraudDetails                  map[string]any    `json:"fraud_details"`
	Invoice                       any               `json:"invoice"`
	Livemode                      bool              `json:"livemode"`
	Metadata                      map[string]string `json:"metadata"`
	OnBehalfOf                    any               `json:"on_behalf_of"`
	Outcome                       *outcome          `json:"outcome"`
	Paid                          bool              `json:"paid"`
	PaymentIntent                 ref               `json:"payment_intent"`
	PaymentMethod                 *string           `json:"payment_method"`
	PaymentMethodDetails          *chargePMDetails  `json:"payment_method_details"`
	RadarOptions                  map[string]any    `json:"radar_options"`
	ReceiptEmail                  *string           `json:"receipt_email"`
	ReceiptNumber                 *string           `json:"receipt_number"`
	ReceiptURL                    *string           `json:"receipt_url"`
	Refunded                      bool              `json:"refunded"`
	Refunds                       *listObject       `json:"refunds,omitempty"`
	Review                        any               `json:"review"`
	Shipping                      any               `json:"shipping"`
	Source                        any               `json:"source"`
	SourceTransfer                any               `json:"source_transfer"`
	StatementDescriptor           *string           `json:"statement_descriptor"`
	StatementDescriptorSuffix     *string           `json:"statement_descriptor_suffix"`
	Status                        string            `json:"status"`
	TransferData                  any               `json:"transfer_data"`
	TransferGroup                 *string           `json:"transfer_group"`
}

type refund struct {
	ID                     string            `json:"id"`
	Object                 string            `json:"object"`
	Amount                 int64             `json:"amount"`
	BalanceTransaction     *string           `json:"balance_transaction"`
	Charge                 ref               `json:"charge"`
	Created                int64             `json:"created"`
	Currency               string            `json:"currency"`
	DestinationDetails     any               `json:"destination_details"`
	Metadata               map[string]string `json:"metadata"`
	PaymentIntent          ref               `json:"payment_intent"`
	Reason                 *string           `json:"reason"`
	ReceiptNumber          *string           `json:"receipt_number"`
	SourceTransferReversal any               `json:"source_transfer_reversal"`
	Status                 string            `json:"status"`
	TransferReversal       any               `json:"transfer_reversal"`
}

type deleted struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Deleted bool   `json:"deleted"`
}

func strp(s string) *string { return &s }

func int64p(v int64) *int64 { return &v }
