package parity

import (
	"fmt"
	"net/http"
)

// Suite returns the request sequences tweetpay relies on, in order: later
// steps name objects made by earlier ones. It makes only test-mode objects
// under names holding ${run}, and ends by deleting its customers and
// archiving its product and prices (Stripe keeps a product that has prices;
// it can only be archived).
func Suite() []Step {
	var s []Step
	s = append(s, customerSteps()...)
	s = append(s, cardSteps()...)
	s = append(s, paymentIntentSteps()...)
	s = append(s, declineSteps()...)
	s = append(s, captureSteps()...)
	s = append(s, refundSteps()...)
	s = append(s, errorSteps()...)
	s = append(s, catalogSteps()...)
	s = append(s, cleanupSteps()...)
	return s
}

func post(name, path string, status int, kv ...string) Step {
	return Step{Name: name, Method: http.MethodPost, Path: path, Params: Form(kv...), Status: status}
}

func get(name, path string, status int, kv ...string) Step {
	return Step{Name: name, Method: http.MethodGet, Path: path, Params: Form(kv...), Status: status}
}

func del(name, path string, status int) Step {
	return Step{Name: name, Method: http.MethodDelete, Path: path, Status: status}
}

// idem gives a step an idempotency key unique to the run.
func (s Step) idem(key string) Step {
	s.IdempotencyKey = "parity-${run}-" + key
	return s
}

func (s Step) note(n string) Step {
	s.Note = n
	return s
}

func (s Step) until(f func(int, any) bool) Step {
	s.Until = f
	return s
}

// hasData holds once a list or search answer has at least n objects.
func hasData(n int) func(int, any) bool {
	return func(status int, body any) bool {
		m, _ := body.(map[string]any)
		data, _ := m["data"].([]any)
		return status == http.StatusOK && len(data) >= n
	}
}

// paramMissingNote is the note of the steps naming a missing object in a
// parameter rather than in the path.
const paramMissingNote = "an object named by a parameter that does not exist: resource_missing with that param; " +
	"believed to be a 400 on Stripe (a path's object is a 404), unverified"

const (
	buyerEmail = "parity-${run}@example.com"
	productID  = "parity_${run}_mug"
	lookupKey  = "parity_${run}_mug_usd"
)

func customerSteps() []Step {
	return []Step{
		post("customer", "/v1/customers", 200,
			"email", buyerEmail, "name", "Parity Buyer", "metadata[parity]", "${run}").idem("customer"),
		post("customer_replay", "/v1/customers", 200,
			"email", buyerEmail, "name", "Parity Buyer", "metadata[parity]", "${run}").idem("customer").
			note("the same key and parameters: the first answer again, with Idempotent-Replayed: true and Original-Request naming the first request"),
		post("customer_key_reused", "/v1/customers", 400,
			"email", buyerEmail, "name", "Someone Else", "metadata[parity]", "${run}").idem("customer").
			note("the same key with other parameters: idempotency_error"),
		get("customer_get", "/v1/customers/${customer:id}", 200),
		get("customer_get_with_key", "/v1/customers/${customer:id}", 200).idem("customer-get").
			note("a GET ignores an idempotency key"),
		post("customer_update", "/v1/customers/${customer:id}", 200,
			"name", "Parity Buyer Updated", "metadata[tier]", "gold").idem("customer-update"),
		post("customer_unset_metadata", "/v1/customers/${customer:id}", 200,
			"metadata[tier]", "").idem("customer-unset").note("an empty value unsets a metadata key"),
		get("customer_search", "/v1/customers/search", 200, "query", "metadata['parity']:'${run}'").
			until(hasData(1)).note("Stripe's search index lags writes by up to a minute: the live run polls"),
		get("customer_search_email", "/v1/customers/search", 200, "query", "email:'"+buyerEmail+"'").
			until(hasData(1)),
		post("customer_2", "/v1/customers", 200, "email", buyerEmail, "name", "Parity Twin").idem("customer-2"),
		get("customer_list_page_1", "/v1/customers", 200, "email", buyerEmail, "limit", "1").
			note("newest first: the twin, has_more true"),
		get("customer_list_page_2", "/v1/customers", 200,
			"email", buyerEmail, "limit", "1", "starting_after", "${customer_list_page_1:data.0.id}"),
		get("customer_list_before", "/v1/customers", 200,
			"email", buyerEmail, "limit", "1", "ending_before", "${customer:id}"),
		get("customer_list_all", "/v1/customers", 200, "email", buyerEmail, "limit", "100"),
	}
}

// Stripe's test cards (docs.stripe.com/testing) that are refused when
// attached to a customer, with the error they give when charged.
var attachDeclines = []struct{ name, token string }{
	{"generic", "pm_card_chargeDeclined"},
	{"generic_visa", "pm_card_visa_chargeDeclined"},
	{"insufficient_funds", "pm_card_visa_chargeDeclinedInsufficientFunds"},
	{"lost_card", "pm_card_visa_chargeDeclinedLostCard"},
	{"stolen_card", "pm_card_visa_chargeDeclinedStolenCard"},
	{"expired_card", "pm_card_chargeDeclinedExpiredCard"},
	{"incorrect_cvc", "pm_card_chargeDeclinedIncorrectCvc"},
	{"processing_error", "pm_card_chargeDeclinedProcessingError"},
}

func cardSteps() []Step {
	s := []Step{
		post("attach_visa", "/v1/payment_methods/pm_card_visa/attach", 200, "customer", "${customer:id}").idem("attach-visa"),
		post("attach_customer_fail", "/v1/payment_methods/pm_card_chargeCustomerFail/attach", 200,
			"customer", "${customer:id}").idem("attach-customer-fail").
			note("4000000000000341 attaches; charging it fails"),
		post("attach_auth_on_setup", "/v1/payment_methods/pm_card_authenticationRequiredOnSetup/attach", 200,
			"customer", "${customer_2:id}").idem("attach-auth-on-setup"),
		post("attach_velocity", "/v1/payment_methods/pm_card_visa_chargeDeclinedVelocityLimitExceeded/attach", 200,
			"customer", "${customer_2:id}").idem("attach-velocity").
			note("not among the cards Stripe's testing page says are refused when attached (unverified)"),
		post("attach_radar_block", "/v1/payment_methods/pm_card_radarBlock/attach", 200,
			"customer", "${customer_2:id}").idem("attach-radar-block").note("unverified"),
	}
	for _, d := range attachDeclines {
		s = append(s, post("attach_"+d.name, "/v1/payment_methods/"+d.token+"/attach", 402,
			"customer", "${customer:id}").idem("attach-"+d.name).
			note("refused when attached, with the error it gives when charged"))
	}
	return append(s,
		post("attach_generic_replay", "/v1/payment_methods/pm_card_chargeDeclined/attach", 402,
			"customer", "${customer:id}").idem("attach-generic").note("a refused attach is replayed too"),
		post("customer_default_pm", "/v1/customers/${customer:id}", 200,
			"invoice_settings[default_payment_method]", "${attach_visa:id}").idem("customer-default-pm"),
		get("customer_payment_methods", "/v1/customers/${customer:id}/payment_methods", 200, "type", "card"),
		get("customer_payment_methods_page", "/v1/customers/${customer:id}/payment_methods", 200,
			"type", "card", "limit", "1", "starting_after", "${attach_customer_fail:id}"),
		get("payment_method_get", "/v1/payment_methods/${attach_visa:id}", 200),
		get("customer_expanded", "/v1/customers/${customer:id}", 200,
			"expand[0]", "invoice_settings.default_payment_method"),
	)
}

func paymentIntentSteps() []Step {
	return []Step{
		post("pi_saved_card", "/v1/payment_intents", 200,
			"amount", "2000", "currency", "usd", "customer", "${customer:id}", "payment_method", "${attach_visa:id}",
			"payment_method_types[0]", "card", "confirm", "true", "off_session", "true",
			"metadata[tweet_id]", "1700000000001", "description", "Parity purchase").idem("pi-saved-card").
			note("what a purchase with a linked buyer sends"),
		post("pi_saved_card_replay", "/v1/payment_intents", 200,
			"amount", "2000", "currency", "usd", "customer", "${customer:id}", "payment_method", "${attach_visa:id}",
			"payment_method_types[0]", "card", "confirm", "true", "off_session", "true",
			"metadata[tweet_id]", "1700000000001", "description", "Parity purchase").idem("pi-saved-card"),
		get("pi_saved_card_get", "/v1/payment_intents/${pi_saved_card:id}", 200),
		get("pi_saved_card_charge", "/v1/charges/${pi_saved_card:latest_charge}", 200),
		get("pi_saved_card_expanded", "/v1/payment_intents/${pi_saved_card:id}", 200,
			"expand[0]", "latest_charge", "expand[1]", "customer"),
		post("pi_one_off", "/v1/payment_intents", 200,
			"amount", "1500", "currency", "eur", "payment_method", "pm_card_visa",
			"payment_method_types[0]", "card", "confirm", "true").idem("pi-one-off"),
		post("pi_two_step", "/v1/payment_intents", 200,
			"amount", "1000", "currency", "usd", "customer", "${customer:id}", "payment_method", "${attach_visa:id}",
			"payment_method_types[0]", "card").idem("pi-two-step").note("requires_confirmation"),
		post("pi_two_step_confirm", "/v1/payment_intents/${pi_two_step:id}/confirm", 200).idem("pi-two-step-confirm"),
		post("pi_unconfirmed_default_types", "/v1/payment_intents", 200,
			"amount", "1000", "currency", "usd").idem("pi-default-types").
			note("no payment_method_types: from 2023-08-16 Stripe turns automatic_payment_methods on, redirects allowed"),
		post("pi_default_types_confirm", "/v1/payment_intents", 400,
			"amount", "1000", "currency", "usd", "payment_method", "pm_card_visa", "confirm", "true").idem("pi-default-confirm").
			note("automatic payment methods that allow redirects: confirming needs a return_url"),
		post("pi_default_types_confirm_endpoint", "/v1/payment_intents/${pi_unconfirmed_default_types:id}/confirm", 400,
			"payment_method", "pm_card_visa").idem("pi-default-confirm-endpoint").
			note("the same on the confirm endpoint; the PaymentIntent is left as it was"),
		post("pi_default_types_return_url", "/v1/payment_intents", 200,
			"amount", "1000", "currency", "usd", "payment_method", "pm_card_visa", "confirm", "true",
			"return_url", "https://example.com/return").idem("pi-default-return-url"),
		post("pi_default_types_off_session", "/v1/payment_intents", 200,
			"amount", "1000", "currency", "usd", "customer", "${customer:id}", "payment_method", "${attach_visa:id}",
			"confirm", "true", "off_session", "true").idem("pi-default-off-session").
			note("off-session: no return_url needed"),
		post("pi_no_redirects", "/v1/payment_intents", 200,
			"amount", "1000", "currency", "usd", "payment_method", "pm_card_visa", "confirm", "true",
			"automatic_payment_methods[enabled]", "true", "automatic_payment_methods[allow_redirects]", "never").
			idem("pi-no-redirects").note("allow_redirects=never: no return_url needed"),
		post("pi_automatic_and_types", "/v1/payment_intents", 400,
			"amount", "1000", "currency", "usd", "automatic_payment_methods[enabled]", "true",
			"payment_method_types[0]", "card").idem("pi-automatic-and-types"),
		post("pi_automatic_and_confirmation_method", "/v1/payment_intents", 400,
			"amount", "1000", "currency", "usd", "automatic_payment_methods[enabled]", "true",
			"confirmation_method", "manual").idem("pi-automatic-and-confirmation-method"),
		post("pi_customer_fail", "/v1/payment_intents", 402,
			"amount", "2000", "currency", "usd", "customer", "${customer:id}", "payment_method", "${attach_customer_fail:id}",
			"payment_method_types[0]", "card", "confirm", "true", "off_session", "true").idem("pi-customer-fail"),
		post("pi_customer_fail_replay", "/v1/payment_intents", 402,
			"amount", "2000", "currency", "usd", "customer", "${customer:id}", "payment_method", "${attach_customer_fail:id}",
			"payment_method_types[0]", "card", "confirm", "true", "off_session", "true").idem("pi-customer-fail").
			note("a decline is replayed with its 402"),
		get("pi_customer_fail_charge", "/v1/charges/${pi_customer_fail:error.charge}", 200),
		get("pi_customer_fail_get", "/v1/payment_intents/${pi_customer_fail:error.payment_intent.id}", 200),
		post("pi_auth_required_off_session", "/v1/payment_intents", 402,
			"amount", "2000", "currency", "usd", "customer", "${customer_2:id}", "payment_method", "${attach_auth_on_setup:id}",
			"payment_method_types[0]", "card", "confirm", "true", "off_session", "true").idem("pi-auth-required").
			note("authentication_required; whether a charge is made is unverified"),
		get("pi_list_by_customer", "/v1/payment_intents", 200, "customer", "${customer:id}", "limit", "2"),
		get("pi_list_by_customer_page_2", "/v1/payment_intents", 200,
			"customer", "${customer:id}", "limit", "2", "starting_after", "${pi_list_by_customer:data.1.id}"),
		get("charge_list_by_customer", "/v1/charges", 200, "customer", "${customer:id}", "limit", "10"),
		get("charge_list_by_pi", "/v1/charges", 200, "payment_intent", "${pi_saved_card:id}"),
	}
}

// One-off declines: the card is used without attaching it, so each gives
// its own error at charge time.
var oneOffDeclines = []struct{ name, token string }{
	{"generic", "pm_card_chargeDeclined"},
	{"generic_visa", "pm_card_visa_chargeDeclined"},
	{"insufficient_funds", "pm_card_visa_chargeDeclinedInsufficientFunds"},
	{"insufficient_funds_short", "pm_card_chargeDeclinedInsufficientFunds"},
	{"lost_card", "pm_card_visa_chargeDeclinedLostCard"},
	{"stolen_card", "pm_card_visa_chargeDeclinedStolenCard"},
	{"expired_card", "pm_card_chargeDeclinedExpiredCard"},
	{"incorrect_cvc", "pm_card_chargeDeclinedIncorrectCvc"},
	{"processing_error", "pm_card_chargeDeclinedProcessingError"},
	{"velocity", "pm_card_visa_chargeDeclinedVelocityLimitExceeded"},
	{"radar_block", "pm_card_radarBlock"},
	{"fraudulent", "pm_card_chargeDeclinedFraudulent"},
	{"risk_highest", "pm_card_riskLevelHighest"},
	{"customer_fail", "pm_card_chargeCustomerFail"},
}

func declineSteps() []Step {
	var s []Step
	for _, d := range oneOffDeclines {
		name := "decline_" + d.name
		s = append(s,
			post(name, "/v1/payment_intents", 402,
				"amount", "2000", "currency", "usd", "payment_method", d.token,
				"payment_method_types[0]", "card", "confirm", "true").idem(name),
			get(name+"_charge", "/v1/charges/${"+name+":error.charge}", 200).
				note("the failed charge: failure_code, failure_message, outcome"),
		)
	}
	return append(s,
		post("pi_risk_elevated", "/v1/payment_intents", 200,
			"amount", "2000", "currency", "usd", "payment_method", "pm_card_riskLevelElevated",
			"payment_method_types[0]", "card", "confirm", "true").idem("pi-risk-elevated"),
		get("pi_risk_elevated_charge", "/v1/charges/${pi_risk_elevated:latest_charge}", 200),
		get("decline_pi_get", "/v1/payment_intents/${decline_insufficient_funds:error.payment_intent.id}", 200),
		post("decline_retry_with_good_card", "/v1/payment_intents/${decline_insufficient_funds:error.payment_intent.id}/confirm", 200,
			"payment_method", "pm_card_visa").idem("decline-retry").
			note("a declined PaymentIntent is confirmed again with another card"),
	)
}

func captureSteps() []Step {
	manual := func(name string, amount string) Step {
		return post(name, "/v1/payment_intents", 200,
			"amount", amount, "currency", "usd", "customer", "${customer:id}", "payment_method", "${attach_visa:id}",
			"payment_method_types[0]", "card", "confirm", "true", "off_session", "true", "capture_method", "manual").idem(name)
	}
	return []Step{
		manual("pi_manual_partial", "2000"),
		get("pi_manual_partial_charge_before", "/v1/charges/${pi_manual_partial:latest_charge}", 200),
		post("capture_partial", "/v1/payment_intents/${pi_manual_partial:id}/capture", 200,
			"amount_to_capture", "1500").idem("capture-partial"),
		get("capture_partial_charge", "/v1/charges/${pi_manual_partial:latest_charge}", 200).
			note("the rest is released: amount_refunded 500"),
		post("capture_partial_again", "/v1/payment_intents/${pi_manual_partial:id}/capture", 400).idem("capture-partial-again").
			note("capturing twice"),
		post("capture_partial_replay", "/v1/payment_intents/${pi_manual_partial:id}/capture", 200,
			"amount_to_capture", "1500").idem("capture-partial"),
		manual("pi_manual_full", "2500"),
		post("capture_full", "/v1/payment_intents/${pi_manual_full:id}/capture", 200).idem("capture-full"),
		manual("pi_manual_too_much", "2000"),
		post("capture_more_than_authorised", "/v1/payment_intents/${pi_manual_too_much:id}/capture", 400,
			"amount_to_capture", "2500").idem("capture-too-much"),
		post("cancel_authorised", "/v1/payment_intents/${pi_manual_too_much:id}/cancel", 200,
			"cancellation_reason", "requested_by_customer").idem("cancel-authorised"),
		get("cancel_authorised_charge", "/v1/charges/${pi_manual_too_much:latest_charge}", 200).
			note("the authorisation is released as a refund"),
		post("cancel_again", "/v1/payment_intents/${pi_manual_too_much:id}/cancel", 400).idem("cancel-again"),
		post("capture_canceled", "/v1/payment_intents/${pi_manual_too_much:id}/capture", 400).idem("capture-canceled"),
		post("cancel_succeeded", "/v1/payment_intents/${pi_saved_card:id}/cancel", 400).idem("cancel-succeeded"),
		post("capture_automatic", "/v1/payment_intents/${pi_saved_card:id}/capture", 400).idem("capture-automatic"),
		post("cancel_unconfirmed", "/v1/payment_intents/${pi_unconfirmed_default_types:id}/cancel", 200).idem("cancel-unconfirmed"),
		post("capture_charge_of_pi", "/v1/charges/${pi_manual_partial:latest_charge}/capture", 400).idem("capture-charge").
			note("a PaymentIntent's charge is captured through the PaymentIntent"),
	}
}

func refundSteps() []Step {
	charge := "${pi_saved_card:latest_charge}"
	return []Step{
		post("refund_partial", "/v1/refunds", 200, "charge", charge, "amount", "500",
			"metadata[tweet_id]", "1700000000001").idem("refund-partial"),
		post("refund_partial_replay", "/v1/refunds", 200, "charge", charge, "amount", "500",
			"metadata[tweet_id]", "1700000000001").idem("refund-partial"),
		post("refund_key_reused", "/v1/refunds", 400, "charge", charge, "amount", "600").idem("refund-partial"),
		post("refund_too_much", "/v1/refunds", 400, "charge", charge, "amount", "5000").idem("refund-too-much").
			note("more than is left of the charge"),
		post("refund_rest", "/v1/refunds", 200, "charge", charge, "reason", "requested_by_customer").idem("refund-rest"),
		post("refund_again", "/v1/refunds", 400, "charge", charge).idem("refund-again").
			note("the charge is refunded in full"),
		get("refund_charge_after", "/v1/charges/"+charge, 200),
		get("refund_list_page_1", "/v1/refunds", 200, "charge", charge, "limit", "1"),
		get("refund_list_page_2", "/v1/refunds", 200, "charge", charge, "limit", "1",
			"starting_after", "${refund_list_page_1:data.0.id}"),
		get("refund_get", "/v1/refunds/${refund_partial:id}", 200),
		post("refund_by_pi", "/v1/refunds", 200, "payment_intent", "${pi_manual_full:id}", "amount", "1000").idem("refund-by-pi"),
		post("refund_partly_captured", "/v1/refunds", 200, "charge", "${pi_manual_partial:latest_charge}").idem("refund-partly-captured").
			note("refunds what was captured: 1500"),
		post("refund_failed_charge", "/v1/refunds", 400, "charge", "${decline_generic:error.charge}").idem("refund-failed-charge"),
		post("refund_one_cent", "/v1/refunds", 200, "payment_intent", "${pi_manual_full:id}", "amount", "1").idem("refund-one-cent"),
	}
}

func errorSteps() []Step {
	return []Step{
		post("error_unknown_param", "/v1/customers", 400, "email", buyerEmail, "colour", "blue").idem("error-unknown-param"),
		post("error_unknown_nested_param", "/v1/payment_intents", 400,
			"amount", "2000", "currency", "usd", "payment_method_options[card][colour]", "blue").idem("error-unknown-nested"),
		post("error_missing_amount", "/v1/payment_intents", 400, "currency", "usd").idem("error-missing-amount"),
		post("error_missing_currency", "/v1/payment_intents", 400, "amount", "2000").idem("error-missing-currency"),
		post("error_amount_too_small", "/v1/payment_intents", 400,
			"amount", "10", "currency", "usd", "payment_method_types[0]", "card").idem("error-amount-too-small"),
		post("error_amount_too_small_eur", "/v1/payment_intents", 400,
			"amount", "10", "currency", "eur", "payment_method_types[0]", "card").idem("error-amount-too-small-eur"),
		post("error_amount_not_integer", "/v1/payment_intents", 400, "amount", "12.5", "currency", "usd").idem("error-amount-float"),
		post("error_bad_currency", "/v1/payment_intents", 400, "amount", "2000", "currency", "zzz").idem("error-bad-currency"),
		post("error_currency_upper", "/v1/payment_intents", 200,
			"amount", "2000", "currency", "USD", "payment_method_types[0]", "card").idem("error-currency-upper").
			note("upper-case currencies are accepted and answered in lower case"),
		get("error_unknown_customer", "/v1/customers/cus_missing${run}", 404),
		get("error_unknown_pi", "/v1/payment_intents/pi_missing${run}", 404),
		get("error_unknown_charge", "/v1/charges/ch_missing${run}", 404),
		post("error_attach_unknown_pm", "/v1/payment_methods/pm_missing${run}/attach", 404,
			"customer", "${customer:id}").idem("error-attach-unknown-pm"),
		post("error_attach_unknown_customer", "/v1/payment_methods/pm_card_visa/attach", 400,
			"customer", "cus_missing${run}").idem("error-attach-unknown-customer").
			note(paramMissingNote),
		post("error_pi_unknown_customer", "/v1/payment_intents", 400,
			"amount", "2000", "currency", "usd", "customer", "cus_missing${run}", "payment_method_types[0]", "card").idem("error-pi-unknown-customer").
			note(paramMissingNote),
		post("error_refund_unknown_charge", "/v1/refunds", 400, "charge", "ch_missing${run}").idem("error-refund-unknown-charge").
			note(paramMissingNote),
		get("error_unknown_url", "/v1/customerz", 404),
		get("error_list_limit_zero", "/v1/customers", 400, "limit", "0"),
		get("error_list_limit_too_big", "/v1/customers", 400, "limit", "101"),
		get("error_list_unknown_cursor", "/v1/customers", 400, "email", buyerEmail, "starting_after", "cus_missing${run}"),
		get("error_search_bad_query", "/v1/customers/search", 400, "query", "email:"),
		post("error_idempotency_key_too_long", "/v1/customers", 400, "email", buyerEmail).idem(fmt.Sprintf("%0260d", 0)),
		{Name: "error_bad_api_key", Method: http.MethodGet, Path: "/v1/customers", Status: 401,
			APIKey: "sk_test_", Note: "a test key prefix with no key after it"},
	}
}

func catalogSteps() []Step {
	product := "/v1/products/" + productID
	return []Step{
		get("product_missing", product, 404).note("offer sync looks the product up first"),
		get("price_by_lookup_key_none", "/v1/prices", 200, "lookup_keys[0]", lookupKey, "limit", "1"),
		post("product_create", "/v1/products", 200, "id", productID, "name", "Blue mug", "active", "true",
			"metadata[tweetpay_offer]", "BuyBlueMug", "description", "A blue mug").idem("product-create"),
		post("product_create_again", "/v1/products", 400, "id", productID, "name", "Blue mug").idem("product-create-again").
			note("a product ID is taken once"),
		get("product_get", product, 200),
		post("price_create", "/v1/prices", 200, "product", productID, "unit_amount", "500", "currency", "usd",
			"lookup_key", lookupKey, "transfer_lookup_key", "true").idem("price-create"),
		get("price_by_lookup_key", "/v1/prices", 200, "lookup_keys[0]", lookupKey, "limit", "1"),
		post("price_lookup_key_taken", "/v1/prices", 400, "product", productID, "unit_amount", "600", "currency", "usd",
			"lookup_key", lookupKey).idem("price-lookup-key-taken").
			note("without transfer_lookup_key a taken lookup key is refused"),
		post("price_transfer", "/v1/prices", 200, "product", productID, "unit_amount", "600", "currency", "usd",
			"lookup_key", lookupKey, "transfer_lookup_key", "true").idem("price-transfer"),
		get("price_old", "/v1/prices/${price_create:id}", 200).note("lookup_key moved away: null"),
		get("price_by_lookup_key_after", "/v1/prices", 200, "lookup_keys[0]", lookupKey, "limit", "1"),
		get("price_list_by_product", "/v1/prices", 200, "product", productID, "limit", "1"),
		get("price_list_by_product_2", "/v1/prices", 200, "product", productID, "limit", "1",
			"starting_after", "${price_list_by_product:data.0.id}"),
		post("product_update", product, 200, "name", "Blue mug XL", "description", "", "active", "true",
			"metadata[tweetpay_offer]", "BuyBlueMug", "metadata[tweetpay_revision]", "1").idem("product-update"),
		post("price_missing_product", "/v1/prices", 400, "product", "parity_${run}_none", "unit_amount", "500",
			"currency", "usd").idem("price-missing-product").
			note(paramMissingNote),
		post("price_bad_currency", "/v1/prices", 400, "product", productID, "unit_amount", "500",
			"currency", "zzz").idem("price-bad-currency"),
	}
}

func cleanupSteps() []Step {
	return []Step{
		post("price_archive_old", "/v1/prices/${price_create:id}", 200, "active", "false").idem("price-archive-old"),
		post("price_archive", "/v1/prices/${price_transfer:id}", 200, "active", "false").idem("price-archive"),
		post("product_archive", "/v1/products/"+productID, 200, "active", "false").idem("product-archive"),
		del("customer_delete", "/v1/customers/${customer:id}", 200),
		get("customer_get_deleted", "/v1/customers/${customer:id}", 200).note("a deleted customer is still retrieved, as deleted: true"),
		post("customer_update_deleted", "/v1/customers/${customer:id}", 404, "name", "Ghost").idem("customer-update-deleted"),
		del("customer_delete_again", "/v1/customers/${customer:id}", 404),
		del("customer_2_delete", "/v1/customers/${customer_2:id}", 200),
		get("customer_list_after_delete", "/v1/customers", 200, "email", buyerEmail),
	}
}
