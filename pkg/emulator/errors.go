package emulator

import (
	"fmt"
	"net/http"
)

// apiError is a Stripe error envelope's body plus its HTTP status.
type apiError struct {
	Status        int            `json:"-"`
	Type          string         `json:"type"`
	Code          string         `json:"code,omitempty"`
	DeclineCode   string         `json:"decline_code,omitempty"`
	Message       string         `json:"message"`
	Param         string         `json:"param,omitempty"`
	Charge        string         `json:"charge,omitempty"`
	DocURL        string         `json:"doc_url,omitempty"`
	PaymentIntent *paymentIntent `json:"payment_intent,omitempty"`
	PaymentMethod *paymentMethod `json:"payment_method,omitempty"`
	RequestLogURL string         `json:"request_log_url,omitempty"`
	extraHeaders  http.Header    `json:"-"`
}

func (e *apiError) Error() string { return e.Type + ": " + e.Message }

type errorEnvelope struct {
	Error *apiError `json:"error"`
}

func docURL(code string) string {
	if code == "" {
		return ""
	}
	b := []byte(code)
	for i, c := range b {
		if c == '_' {
			b[i] = '-'
		}
	}
	return "https://stripe.com/docs/error-codes/" + string(b)
}

func invalidRequest(code, param, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Type: "invalid_request_error", Code: code, Param: param,
		Message: fmt.Sprintf(format, args...), DocURL: docURL(code)}
}

func errMissing(param string) *apiError {
	return invalidRequest("parameter_missing", param, "Missing required param: %s.", param)
}

func errUnknownParam(param string) *apiError {
	return invalidRequest("parameter_unknown", param,
		"Received unknown parameter: %s", param)
}

func errNoSuch(kind, param, id string) *apiError {
	e := invalidRequest("resource_missing", param, "No such %s: '%s'", kind, id)
	e.Status = http.StatusNotFound
	return e
}

func errInvalidInteger(param, v string) *apiError {
	return invalidRequest("parameter_invalid_integer", param, "Invalid integer: %s", v)
}

func errInvalidBoolean(param, v string) *apiError {
	return invalidRequest("parameter_invalid_boolean", param,
		"Invalid boolean: %s", v)
}

func errUnexpectedState(format string, args ...any) *apiError {
	return invalidRequest("payment_intent_unexpected_state", "", format, args...)
}

func errAPI(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusInternalServerError, Type: "api_error", Message: fmt.Sprintf(format, args...)}
}
