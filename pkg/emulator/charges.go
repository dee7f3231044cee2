package emulator

import (
	"encoding/base64"
	"strconv"
	"strings"
)

func (e *Emulator) updateCharge(w *wtx, rq *request) (any, *apiError) {
	if aerr := checkParams(rq.params, spec{"metadata": specHash, "description": nil, "expand": specList,
		"receipt_email": nil, "fraud_details": specAny, "shipping": specAny, "transfer_group": nil}); aerr != nil {
		return nil, aerr
	}
	old, pos, err := e.charges.get(w.tx, rq.segs[1])
	if err != nil {
		return nil, notFound(err, "charge", "id", rq.segs[1])
	}
	ch := *old
	ch.Metadata = copyMD(old.Metadata)
	md, aerr := applyMetadata(ch.Metadata, rq)
	if aerr != nil {
		return nil, aerr
	}
	ch.Metadata = md
	if v, ok := rq.optStr("description"); ok {
		ch.Description = v
	}
	if v, ok := rq.optStr("receipt_email"); ok {
		ch.ReceiptEmail = v
	}
	if err := e.charges.update(w, old, &ch, pos); err != nil {
		return nil, errAPI("%v", err)
	}
	return e.respond(w, rq, &ch)
}

func (e *Emulator) listCharges(w *wtx, rq *request) (any, *apiError) {
	if aerr := checkParams(rq.params, merge(listSpec, spec{"customer": nil, "payment_intent": nil, "transfer_group": nil})); aerr != nil {
		return nil, aerr
	}
	q, aerr := rq.listQuery()
	if aerr != nil {
		return nil, aerr
	}
	cus, hasCus := rq.str("customer")
	piID, hasPI := rq.str("payment_intent")
	var keep func(*charge) bool
	switch {
	case hasPI:
		q.index, q.value = 1, piID
		if hasCus {
			keep = func(c *charge) bool { return c.Customer.ID == cus }
		}
	case hasCus:
		q.index, q.value = 0, cus
	}
	exp, aerr := splitExpand(rq.expand())
	if aerr != nil {
		return nil, aerr
	}
	if keep == nil && len(exp) == 0 {
		// The stored JSON is the answer: no decoding and encoding again.
		raws, more, aerr := e.charges.pageRaw(w.tx, q)
		if aerr != nil {
			return nil, aerr
		}
		return rawList(raws, more, "/v1/charges"), nil
	}
	items, more, aerr := e.charges.page(w.tx, q, keep)
	if aerr != nil {
		return nil, aerr
	}
	return e.respondList(w, rq, listOf(items, more, "/v1/charges", func(c *charge) any { return c }))
}

// searchClause is one "field:'value'" (or amount>N ...) term of a query.
type searchClause struct {
	field, key, op, value string
}

// parseSearch parses Stripe's search syntax: clauses joined by AND, each
// field:'value', metadata['key']:'value', or numeric field with > < >= <=.
func parseSearch(q string) ([]searchClause, *apiError) {
	bad := func(format string, args ...any) *apiError {
		return invalidRequest("", "query", format, args...)
	}
	var out []searchClause
	rest := strings.TrimSpace(q)
	if rest == "" {
		return nil, errMissing("query")
	}
	for {
		var c searchClause
		i := strings.IndexAny(rest, ":<>[-")
		if i <= 0 {
			return nil, bad("Invalid search query: %s. Expected a clause such as metadata['key']:'value'.", q)
		}
		c.field = strings.TrimSpace(rest[:i])
		rest = rest[i:]
		if c.field == "metadata" && strings.HasPrefix(rest, "[") {
			end := strings.Index(rest, "]")
			if end < 0 {
				return nil, bad("Invalid search query: %s. Unclosed [ after metadata.", q)
			}
			c.key = unquote(rest[1:end])
			rest = rest[end+1:]
		}
		switch {
		case strings.HasPrefix(rest, ">="), strings.HasPrefix(rest, "<="):
			c.op, rest = rest[:2], rest[2:]
		case strings.HasPrefix(rest, ":"), strings.HasPrefix(rest, ">"), strings.HasPrefix(rest, "<"):
			c.op, rest = rest[:1], rest[1:]
		default:
			return nil, bad("Invalid search query: %s. Expected ':' after %s.", q, c.field)
		}
		rest = strings.TrimLeft(rest, " ")
		if strings.HasPrefix(rest, "'") || strings.HasPrefix(rest, "\"") {
			qc := rest[0]
			end := 1
			for end < len(rest) && rest[end] != qc {
				if rest[end] == '\\' {
					end++
				}
				end++
			}
			if end >= len(rest) {
				return nil, bad("Invalid search query: %s. Unterminated string.", q)
			}
			c.value = strings.ReplaceAll(rest[1:end], "\\"+string(qc), string(qc))
			rest = rest[end+1:]
		} else {
			end := strings.IndexByte(rest, ' ')
			if end < 0 {
				end = len(rest)
			}
			c.value, rest = rest[:end], rest[end:]
		}
		out = append(out, c)
		rest = strings.TrimSpace(rest)
		if rest == "" {
			return out, nil
		}
		if strings.HasPrefix(rest, "OR ") {
			return nil, bad("The emulator's search supports AND only: %s", q)
		}
		if !strings.HasPrefix(rest, "AND ") {
			return nil, bad("Invalid search query: %s. Clauses must be joined with AND.", q)
		}
		rest = strings.TrimSpace(rest[4:])
	}
}

func unquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && (s[0] == '\'' || s[0] == '"') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// tokenIs matches a clause on a token field: "exact match (case
// insensitive)" (docs.stripe.com/search, "Search Syntax").
func tokenIs(s searchClause, have string) bool {
	return s.op == ":" && strings.EqualFold(have, s.value)
}

func matchNum(v int64, op, want string) bool {
	n, err := strconv.ParseInt(want, 10, 64)
	if err != nil {
		return false
	}
	switch op {
	case ":":
		return v == n
	case ">":
		return v > n
	case "<":
		return v < n
	case ">=":
		return v >= n
	case "<=":
		return v <= n
	}
	return false
}

func chargeMatches(c *charge, cl []searchClause) bool {
	for _, s := range cl {
		ok := false
		switch s.field {
		case "metadata":
			ok = s.op == ":" && c.Metadata[s.key] == s.value
		case "status":
			ok = c.Status == s.value
		case "customer":
			ok = c.Customer.ID == s.value
		case "payment_intent":
			ok = c.PaymentIntent.ID == s.value
		case "currency":
			ok = c.Currency == strings.ToLower(s.value)
		case "amount":
			ok = matchNum(c.Amount, s.op, s.value)
		case "created":
			ok = matchNum(c.Created, s.op, s.value)
		case "refunded":
			ok = strconv.FormatBool(c.Refunded) == s.value
		case "disputed":
			ok = strconv.FormatBool(c.Disputed) == s.value
		case "failure_code":
			ok = c.FailureCode != nil && *c.FailureCode == s.value
		case "last4":
			ok = c.PaymentMethodDetails != nil && c.PaymentMethodDetails.Card != nil && c.PaymentMethodDetails.Card.Last4 == s.value
		}
		if !ok {
			return false
		}
	}
	return true
}

var searchFields = setOf("metadata", "status", "customer", "payment_intent", "currency", "amount", "created",
	"refunded", "disputed", "failure_code", "last4")

type searchResult struct {
	Object     string  `json:"object"`
	Data       []any   `json:"data"`
	HasMore    bool    `json:"has_more"`
	NextPage   *string `json:"next_page"`
	URL        string  `json:"url"`
	TotalCount *int64  `json:"total_count,omitempty"`
}

// maxTotalCount is where a search's total_count stops counting: Stripe's
// is "only accurate up to 10,000".
const maxTotalCount = 10000

func (e *Emulator) searchCharges(w *wtx, rq *request) (any, *apiError) {
	return searchIn(e, w, rq, e.charges, searchFields, func(lq *listQuery, clauses []searchClause) {
		// Use an index for the most selective clause we have one for.
		for _, c := range clauses {
			if c.op != ":" {
				continue
			}
			switch c.field {
			case "payment_intent":
				lq.index, lq.value = 1, c.value
			case "customer":
				if lq.index != 1 {
					lq.index, lq.value = 0, c.value
				}
			case "metadata":
				if lq.index < 0 {
					lq.index, lq.value = 2, c.key+mdSep+c.value
				}
			}
		}
	}, chargeMatches, nil)
}

// searchIn answers GET /v1/<kind>/search over t: the query's clauses, each
// on a field in fields, select objects with match, newest first, a page at
// a time (a page token names the last object of the page before). narrow
// may point the query at an index. view, when not nil, is what a stored
// object answers as (a PaymentIntent without the emulator's private state).
// Expanding total_count, which the search API documents as "not included by
// default" (docs.stripe.com/api/pagination/search), adds the number of all
// the objects that match, not only this page's.
func searchIn[T any](e *Emulator, w *wtx, rq *request, t *table[T], fields map[string]bool,
	narrow func(*listQuery, []searchClause), match func(*T, []searchClause) bool, view func(*T) any) (any, *apiError) {
	if aerr := checkParams(rq.params, spec{"query": nil, "limit": nil, "page": nil, "expand": specList}); aerr != nil {
		return nil, aerr
	}
	query, _ := rq.str("query")
	clauses, aerr := parseSearch(query)
	if aerr != nil {
		return nil, aerr
	}
	for _, c := range clauses {
		if !fields[c.field] {
			return nil, invalidRequest("", "query", "Field `%s` is an unsupported search field for resource `%s`.", c.field, t.kind)
		}
	}
	lq := listQuery{index: -1, limit: 10}
	if n, ok, aerr := rq.limit(); aerr != nil {
		return nil, aerr
	} else if ok {
		lq.limit = n
	}
	if narrow != nil {
		narrow(&lq, clauses)
	}
	all := lq
	if page, ok := rq.str("page"); ok && page != "" {
		raw, err := base64.RawURLEncoding.DecodeString(page)
		// A token that names no object is as invalid as one that does not
		// decode: the request has no starting_after for an error to name.
		if _, _, ok := t.getRaw(w.tx, string(raw)); err != nil || !ok {
			return nil, invalidRequest("", "page", "Invalid page token: %s", page)
		}
		lq.startingAfter = string(raw)
	}
	keep := func(o *T) bool { return match(o, clauses) }
	items, more, aerr := t.page(w.tx, lq, keep)
	if aerr != nil {
		return nil, aerr
	}
	res := &searchResult{Object: "search_result", Data: make([]any, len(items)), HasMore: more, URL: "/v1/" + t.kind + "/search"}
	for i, it := range items {
		if view != nil {
			res.Data[i] = view(it)
		} else {
			res.Data[i] = it
		}
	}
	if more && len(items) > 0 {
		res.NextPage = strp(base64.RawURLEncoding.EncodeToString([]byte(t.id(items[len(items)-1]))))
	}
	var paths []string
	for _, p := range rq.expand() {
		if p == "total_count" {
			all.limit = maxTotalCount
			matched, _, aerr := t.page(w.tx, all, keep)
			if aerr != nil {
				return nil, aerr
			}
			n := int64(len(matched))
			res.TotalCount = &n
			continue
		}
		paths = append(paths, p)
	}
	exp, aerr := splitExpand(paths)
	if aerr != nil {
		return nil, aerr
	}
	if len(exp) > 0 {
		for _, it := range res.Data {
			if aerr := e.expand(w, it, exp); aerr != nil {
				return nil, aerr
			}
		}
	}
	return res, nil
}

// Refunds.

var refundReasons = setOf("duplicate", "fraudulent", "requested_by_customer")

// newRefund stores a succeeded refund of amount on ch (the caller updates ch).
func (e *Emulator) newRefund(w *wtx, ch *charge, amount int64, reason *string, md map[string]string) *apiError {
	seq, err := w.nextSeq()
	if err != nil {
		return errAPI("%v", err)
	}
	if md == nil {
		md = map[string]string{}
	}
	r := &refund{ID: newID("re_", seq), Object: "refund", Amount: amount, Charge: refTo(ch.ID), Created: w.created(),
		Currency: ch.Currency, Metadata: md, PaymentIntent: ch.PaymentIntent, Reason: reason, Status: "succeeded"}
	if ch.Captured {
		r.BalanceTransaction = strp("txn_" + r.ID[3:])
	}
	if err := e.refunds.insert(w, r, seq); err != nil {
		return errAPI("%v", err)
	}
	w.lastRefund = r
	return nil
}

func (e *Emulator) createRefund(w *wtx, rq *request) (any, *apiError) {
	if aerr := checkParams(rq.params, spec{"charge": nil, "payment_intent": nil, "amount": nil, "reason": nil,
		"metadata": specHash, "expand": specList, "instructions_email": nil, "refund_application_fee": nil,
		"reverse_transfer": nil}); aerr != nil {
		return nil, aerr
	}
	chID, hasCh := rq.str("charge")
	piID, hasPI := rq.str("payment_intent")
	switch {
	case hasCh && hasPI:
		return nil, invalidRequest("", "payment_intent", "You cannot specify both charge and payment_intent.")
	case !hasCh && !hasPI:
		return nil, invalidRequest("parameter_missing", "", "One of the following params should be provided for this request: charge or payment_intent.")
	}
	if hasPI {
		pi, _, aerr := e.getPI(w, piID)
		if aerr != nil {
			aerr.Param = "payment_intent"
			return nil, aerr
		}
		if pi.LatestCharge.ID == "" || pi.Status == "requires_payment_method" && pi.LatestCharge.ID != "" {
			return nil, invalidRequest("", "payment_intent",
				"This PaymentIntent (%s) does not have a successful charge to refund.", piID)
		}
		chID = pi.LatestCharge.ID
	}
	old, pos, err := e.charges.get(w.tx, chID)
	if err != nil {
		return nil, notFound(err, "charge", "charge", chID)
	}
	if old.Status == "failed" {
		return nil, invalidRequest("", "charge", "Charge %s has failed and cannot be refunded.", chID)
	}
	unrefunded := old.Amount - old.AmountRefunded
	if old.Refunded || unrefunded <= 0 {
		return nil, invalidRequest("charge_already_refunded", "charge", "Charge %s has already been refunded.", chID)
	}
	amount, hasAmt, aerr := rq.int("amount")
	if aerr != nil {
		return nil, aerr
	}
	if !hasAmt {
		amount = unrefunded
	}
	if amount < 1 {
		return nil, invalidRequest("parameter_invalid_integer", "amount", "Invalid positive integer")
	}
	// Stripe gives these two no code; the first names the charge's amount
	// until something has been refunded.
	if amount > unrefunded {
		if old.AmountRefunded == 0 {
			return nil, invalidRequest("", "amount", "Refund amount (%s) is greater than charge amount (%s)",
				formatMoney(amount, old.Currency), formatMoney(old.Amount, old.Currency))
		}
		return nil, invalidRequest("", "amount", "Refund amount (%s) is greater than unrefunded amount on charge (%s)",
			formatMoney(amount, old.Currency), formatMoney(unrefunded, old.Currency))
	}
	if !old.Captured && hasAmt && amount != old.Amount {
		return nil, invalidRequest("", "amount",
			"You cannot partially refund an uncaptured charge. Instead, capture the charge for an amount less than the original amount")
	}
	var reason *string
	if v, ok := rq.str("reason"); ok && v != "" {
		if !refundReasons[v] {
			return nil, invalidRequest("", "reason", "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer")
		}
		reason = &v
	}
	md, aerr := applyMetadata(nil, rq)
	if aerr != nil {
		return nil, aerr
	}
	ch := *old
	if aerr := e.newRefund(w, &ch, amount, reason, md); aerr != nil {
		return nil, aerr
	}
	r := w.lastRefund
	ch.AmountRefunded += amount
	ch.Refunded = ch.AmountRefunded >= ch.Amount
	if err := e.charges.update(w, old, &ch, pos); err != nil {
		return nil, errAPI("%v", err)
	}
	if !old.Captured && ch.PaymentIntent.ID != "" {
		if opi, ppos, err := e.pis.get(w.tx, ch.PaymentIntent.ID); err == nil && opi.Status == "requires_capture" {
			pi := *opi
			pi.Status, pi.AmountCapturable, pi.CanceledAt = "canceled", 0, int64p(w.now.Unix())
			if err := e.pis.update(w, opi, &pi, ppos); err != nil {
				return nil, errAPI("%v", err)
			}
		}
	}
	return e.respond(w, rq, r)
}

func (e *Emulator) updateRefund(w *wtx, rq *request) (any, *apiError) {
	if aerr := checkParams(rq.params, spec{"metadata": specHash, "expand": specList}); aerr != nil {
		return nil, aerr
	}
	old, pos, err := e.refunds.get(w.tx, rq.segs[1])
	if err != nil {
		return nil, notFound(err, "refund", "id", rq.segs[1])
	}
	r := *old
	md, aerr := applyMetadata(copyMD(old.Metadata), rq)
	if aerr != nil {
		return nil, aerr
	}
	r.Metadata = md
	if err := e.refunds.update(w, old, &r, pos); err != nil {
		return nil, errAPI("%v", err)
	}
	return e.respond(w, rq, &r)
}

func (e *Emulator) listRefunds(w *wtx, rq *request) (any, *apiError) {
	if aerr := checkParams(rq.params, merge(listSpec, spec{"charge": nil, "payment_intent": nil})); aerr != nil {
		return nil, aerr
	}
	q, aerr := rq.listQuery()
	if aerr != nil {
		return nil, aerr
	}
	if v, ok := rq.str("charge"); ok {
		q.index, q.value = 0, v
	} else if v, ok := rq.str("payment_intent"); ok {
		q.index, q.value = 1, v
	}
	items, more, aerr := e.refunds.page(w.tx, q, nil)
	if aerr != nil {
		return nil, aerr
	}
	return e.respondList(w, rq, listOf(items, more, "/v1/refunds", func(r *refund) any { return r }))
}
