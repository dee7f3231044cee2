'use strict';
const Stripe = require('stripe');
const { problems, fail, eq, ok, shape, expectErr } = require('./lib');
const lib = require('./lib');

const PORT = +process.env.PORT;
const stripe = new Stripe('sk_test_123', { host: '127.0.0.1', port: PORT, protocol: 'http' });
const RUN = Date.now().toString(36);

async function section(name, fn) {
  console.log(`== ${name}`);
  try { await fn(); } catch (e) { fail(name, `threw ${e && (e.stack || e)} ${e && e.raw ? JSON.stringify(e.raw) : ''}`); }
}

function lr(where, obj) {
  ok(`${where} lastResponse`, obj.lastResponse, 'no lastResponse');
  if (!obj.lastResponse) return;
  const r = obj.lastResponse;
  ok(`${where} requestId`, /^req_[A-Za-z0-9]{14,}$/.test(r.requestId), `requestId ${r.requestId}`);
  eq(`${where} statusCode`, r.statusCode, 200);
  eq(`${where} apiVersion`, r.apiVersion, '2023-10-16');
  ok(`${where} headers`, r.headers && r.headers['request-id'] === r.requestId, 'request-id header');
}

(async () => {
  

  await section('customers', async () => {
    const c = await stripe.customers.create({ email: `a-${RUN}@example.com`, name: 'Ada', metadata: { run: RUN }, description: 'first' });
    lr('customers.create', c);
    shape('customer', c, 'Customers.d.ts', 'Customer');
    eq('customer.object', c.object, 'customer');
    eq('customer.email', c.email, `a-${RUN}@example.com`);
    eq('customer.metadata', c.metadata, { run: RUN });
    eq('customer.livemode', c.livemode, false);
    const g = await stripe.customers.retrieve(c.id);
    lr('customers.retrieve', g);
    eq('retrieve same', { ...g, lastResponse: 0 }, { ...c, lastResponse: 0 });
    const u = await stripe.customers.update(c.id, { name: 'Ada L', metadata: { run: null, k: 'v' } });
    eq('update name', u.name, 'Ada L');
    eq('update metadata', u.metadata, { k: 'v' });
    const u2 = await stripe.customers.update(c.id, { description: '' });
    eq('update description unset', u2.description, null);
    const ids = [];
    for (let i = 0; i < 7; i++) ids.push((await stripe.customers.create({ email: `p${i}-${RUN}@example.com` })).id);
    // list, auto-pagination
    const page = await stripe.customers.list({ limit: 3 });
    lr('customers.list', page);
    eq('list.object', page.object, 'list');
    eq('list.url', page.url, '/v1/customers');
    eq('list.has_more', page.has_more, true);
    eq('list length', page.data.length, 3);
    const seen = [];
    for await (const x of stripe.customers.list({ limit: 2 })) seen.push(x.id);
    eq('autopaginate count', seen.length, 8);
    eq('autopaginate newest first', seen.slice(0, 7), [...ids].reverse());
    const arr = await stripe.customers.list({ limit: 3 }).autoPagingToArray({ limit: 100 });
    eq('autoPagingToArray', arr.map((x) => x.id), seen);
    const byEmail = await stripe.customers.list({ email: `p3-${RUN}@example.com` });
    eq('list by email', byEmail.data.map((x) => x.id), [ids[3]]);
    // search
    try {
      const s = await stripe.customers.search({ query: `email:'p2-${RUN}@example.com'` });
      eq('customers.search object', s.object, 'search_result');
      eq('customers.search ids', s.data.map((x) => x.id), [ids[2]]);
    } catch (e) {
      fail('customers.search', `${e.type} ${e.statusCode} ${e.message}`);
    }
    // delete then retrieve
    const d = await stripe.customers.del(ids[0]);
    lr('customers.del', d);
    eq('deleted', { ...d, lastResponse: 0 }, { id: ids[0], object: 'customer', deleted: true, lastResponse: 0 });
    const gd = await stripe.customers.retrieve(ids[0]);
    eq('retrieve deleted', { ...gd, lastResponse: 0 }, { id: ids[0], object: 'customer', deleted: true, lastResponse: 0 });
    await expectErr('update deleted customer', () => stripe.customers.update(ids[0], { name: 'x' }),
      { type: 'StripeInvalidRequestError', statusCode: 404, code: 'resource_missing' });
    await expectErr('delete deleted customer', () => stripe.customers.del(ids[0]),
      { type: 'StripeInvalidRequestError', statusCode: 404, code: 'resource_missing' });
    const e404 = await expectErr('retrieve missing', () => stripe.customers.retrieve('cus_nope'),
      { type: 'StripeInvalidRequestError', rawType: 'invalid_request_error', statusCode: 404, code: 'resource_missing', param: 'id', message: "No such customer: 'cus_nope'" });
    if (e404) {
      ok('404 requestId', /^req_/.test(e404.requestId), `requestId ${e404.requestId}`);
      ok('404 headers', e404.headers && e404.headers['request-id'] === e404.requestId, 'headers');
      ok('404 raw', e404.raw && e404.raw.doc_url === 'https://stripe.com/docs/error-codes/resource-missing', JSON.stringify(e404.raw));
      ok('404 request_log_url', e404.raw && /^https:\/\/dashboard.stripe.com\/test\/logs\/req_/.test(e404.raw.request_log_url), JSON.stringify(e404.raw));
    }
    await expectErr('bad param', () => stripe.customers.create({ nope: 1 }),
      { type: 'StripeInvalidRequestError', statusCode: 400, code: 'parameter_unknown', param: 'nope', message: 'Received unknown parameter: nope' });
    const badKey = new Stripe('sk_test_', { host: '127.0.0.1', port: PORT, protocol: 'http' });
    await expectErr('bad key', () => new Stripe('sk_live_xxxxxxxxxxxxxxx', { host: '127.0.0.1', port: PORT, protocol: 'http' }).customers.list(),
      { type: 'StripeAuthenticationError', statusCode: 401 });
    await expectErr('bad key2', () => badKey.customers.list(),
      { type: 'StripeAuthenticationError', statusCode: 401 });
  });

  await section('payment methods', async () => {
    const c = await stripe.customers.create({ email: `pm-${RUN}@example.com` });
    const pm = await stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } });
    lr('pm.create', pm);
    shape('payment_method', pm, 'PaymentMethods.d.ts', 'PaymentMethod');
    eq('pm.type', pm.type, 'card');
    eq('pm.customer', pm.customer, null);
    
    eq('pm.card.brand', pm.card.brand, 'visa');
    eq('pm.card.last4', pm.card.last4, '4242');
    const a = await stripe.paymentMethods.attach(pm.id, { customer: c.id });
    eq('attach customer', a.customer, c.id);
    const a2 = await stripe.paymentMethods.attach('pm_card_mastercard', { customer: c.id });
    ok('attach token gives new id', a2.id.startsWith('pm_') && a2.id !== 'pm_card_mastercard', a2.id);
    eq('attach token brand', a2.card.brand, 'mastercard');
    const l = await stripe.customers.listPaymentMethods(c.id);
    lr('customers.listPaymentMethods', l);
    eq('cus pm list', l.data.map((x) => x.id), [a2.id, a.id]);
    eq('cus pm list url', l.url, `/v1/customers/${c.id}/payment_methods`);
    const l2 = await stripe.paymentMethods.list({ customer: c.id, type: 'card' });
    eq('pm list', l2.data.map((x) => x.id), [a2.id, a.id]);
    eq('pm list url', l2.url, '/v1/payment_methods');
    const d = await stripe.paymentMethods.detach(a.id);
    eq('detach customer', d.customer, null);
    const l3 = await stripe.customers.listPaymentMethods(c.id);
    eq('after detach', l3.data.map((x) => x.id), [a2.id]);
    await expectErr('detach again', () => stripe.paymentMethods.detach(a.id),
      { type: 'StripeInvalidRequestError', statusCode: 400 });
    const r = await stripe.paymentMethods.retrieve(a2.id);
    eq('pm retrieve', r.id, a2.id);
    const up = await stripe.paymentMethods.update(a2.id, { metadata: { x: '1' }, billing_details: { name: 'Ada' } });
    eq('pm update md', up.metadata, { x: '1' });
    eq('pm update bd', up.billing_details.name, 'Ada');
    await expectErr('attach decline card', () => stripe.paymentMethods.attach('pm_card_visa_chargeDeclined', { customer: c.id }),
      { type: 'StripeCardError', statusCode: 402, code: 'card_declined', decline_code: 'generic_decline' });
    const ok341 = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: c.id });
    eq('341 attaches', ok341.customer, c.id);
    await expectErr('raw card number bad luhn', () => stripe.paymentMethods.create({ type: 'card', card: { number: '4242424242424241', exp_month: 12, exp_year: 2030, cvc: '123' } }),
      { type: "StripeCardError", code: "incorrect_number", param: "number", statusCode: 402 });
    await expectErr('retrieve missing pm', () => stripe.paymentMethods.retrieve('pm_nope'),
      { type: 'StripeInvalidRequestError', statusCode: 404, code: 'resource_missing' });
    // default pm
    const cu = await stripe.customers.update(c.id, { invoice_settings: { default_payment_method: a2.id } });
    eq('default pm', cu.invoice_settings.default_payment_method, a2.id);
    const ce = await stripe.customers.retrieve(c.id, { expand: ['invoice_settings.default_payment_method'] });
    eq('default pm expanded', ce.invoice_settings.default_payment_method.id, a2.id);
  });

  await section('payment intents', async () => {
    const c = await stripe.customers.create({ email: `pi-${RUN}@example.com` });
    const pi = await stripe.paymentIntents.create({ amount: 1234, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, customer: c.id, metadata: { order: 'o1' }, automatic_payment_methods: { enabled: true, allow_redirects: 'never' } });
    lr('pi.create', pi);
    shape('payment_intent', pi, 'PaymentIntents.d.ts', 'PaymentIntent');
    eq('pi.status', pi.status, 'succeeded');
    eq('pi.amount_received', pi.amount_received, 1234);
    eq('pi.amount_capturable', pi.amount_capturable, 0);
    eq('pi.capture_method', pi.capture_method, 'automatic');
    ok('pi.latest_charge', typeof pi.latest_charge === 'string' && pi.latest_charge.startsWith('ch_'), pi.latest_charge);
    ok('pi.client_secret', typeof pi.client_secret === 'string' && pi.client_secret.startsWith(pi.id + '_secret_'), pi.client_secret);
    eq('pi.metadata', pi.metadata, { order: 'o1' });
    const ch = await stripe.charges.retrieve(pi.latest_charge);
    // The SDK's type still declares refunds on every charge; since API
    // version 2022-11-15 Stripe leaves it out unless expanded (checked below).
    shape('charge', ch, 'Charges.d.ts', 'Charge', ['refunds']);
    eq('ch.amount', ch.amount, 1234);
    eq('ch.amount_captured', ch.amount_captured, 1234);
    eq('ch.captured', ch.captured, true);
    eq('ch.paid', ch.paid, true);
    eq('ch.status', ch.status, 'succeeded');
    eq('ch.payment_intent', ch.payment_intent, pi.id);
    eq('ch.customer', ch.customer, c.id);
    eq('ch.metadata', ch.metadata, { order: 'o1' });
    eq('ch.outcome.type', ch.outcome && ch.outcome.type, 'authorized');
    eq('ch.refunds absent (2022-11-15)', 'refunds' in ch, false);
    const chx = await stripe.charges.retrieve(pi.latest_charge, { expand: ['refunds'] });
    eq('ch.refunds.object', chx.refunds && chx.refunds.object, 'list');
    eq('ch.refunds.url', chx.refunds && chx.refunds.url, `/v1/charges/${ch.id}/refunds`);
    eq('ch.refunds.data', chx.refunds && chx.refunds.data, []);
    eq('ch.pmd.type', ch.payment_method_details && ch.payment_method_details.type, 'card');
    // retrieve with expand
    const pe = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge', 'customer', 'payment_method'] });
    eq('expand latest_charge', pe.latest_charge.id, ch.id);
    eq('expand customer', pe.customer.id, c.id);
    eq('expand pm', pe.payment_method.object, 'payment_method');
    const pe2 = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge.balance_transaction'] }).catch((e) => e);
    if (pe2 instanceof Error) console.log('note: expand latest_charge.balance_transaction ->', pe2.message);
    // manual capture
    const m = await stripe.paymentIntents.create({ amount: 5000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, capture_method: 'manual', payment_method_types: ['card'] });
    eq('manual status', m.status, 'requires_capture');
    eq('manual capturable', m.amount_capturable, 5000);
    eq('manual received', m.amount_received, 0);
    const mch = await stripe.charges.retrieve(m.latest_charge);
    eq('manual charge captured', mch.captured, false);
    eq('manual charge paid', mch.paid, true);
    eq('manual charge amount_captured', mch.amount_captured, 0);
    const cap = await stripe.paymentIntents.capture(m.id, { amount_to_capture: 3000 });
    eq('partial capture status', cap.status, 'succeeded');
    eq('partial capture received', cap.amount_received, 3000);
    eq('partial capture capturable', cap.amount_capturable, 0);
    const mch2 = await stripe.charges.retrieve(m.latest_charge);
    eq('partial charge amount_captured', mch2.amount_captured, 3000);
    eq('partial charge amount_refunded', mch2.amount_refunded, 2000);
    eq('partial charge captured', mch2.captured, true);
    eq('partial charge refunded', mch2.refunded, false);
    await expectErr('capture twice', () => stripe.paymentIntents.capture(m.id),
      { type: 'StripeInvalidRequestError', statusCode: 400, code: 'payment_intent_unexpected_state' });
    // full capture
    const m2 = await stripe.paymentIntents.create({ amount: 700, currency: 'eur', payment_method: 'pm_card_visa', confirm: true, capture_method: 'manual', payment_method_types: ['card'] });
    const cap2 = await stripe.paymentIntents.capture(m2.id);
    eq('capture full', [cap2.status, cap2.amount_received], ['succeeded', 700]);
    await expectErr('capture more than capturable', async () => {
      const m3 = await stripe.paymentIntents.create({ amount: 700, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, capture_method: 'manual', payment_method_types: ['card'] });
      return stripe.paymentIntents.capture(m3.id, { amount_to_capture: 900 });
    }, { type: 'StripeInvalidRequestError', statusCode: 400 });
    // cancel
    const m4 = await stripe.paymentIntents.create({ amount: 800, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, capture_method: 'manual', payment_method_types: ['card'] });
    const cn = await stripe.paymentIntents.cancel(m4.id, { cancellation_reason: 'requested_by_customer' });
    eq('cancel status', cn.status, 'canceled');
    eq('cancel reason', cn.cancellation_reason, 'requested_by_customer');
    ok('canceled_at', typeof cn.canceled_at === 'number', cn.canceled_at);
    eq('cancel capturable', cn.amount_capturable, 0);
    const cch = await stripe.charges.retrieve(m4.latest_charge);
    eq('cancel charge refunded', [cch.refunded, cch.amount_refunded], [true, 800]);
    await expectErr('cancel twice', () => stripe.paymentIntents.cancel(m4.id),
      { type: 'StripeInvalidRequestError', statusCode: 400, code: 'payment_intent_unexpected_state' });
    const u = await stripe.paymentIntents.create({ amount: 900, currency: 'usd', payment_method_types: ['card'] });
    eq('unconfirmed status', u.status, 'requires_payment_method');
    eq('unconfirmed latest_charge', u.latest_charge, null);
    const u2 = await stripe.paymentIntents.update(u.id, { payment_method: 'pm_card_visa', description: 'later' });
    eq('updated status', u2.status, 'requires_confirmation');
    const u3 = await stripe.paymentIntents.confirm(u.id);
    eq('confirmed status', u3.status, 'succeeded');
    const u4 = await stripe.paymentIntents.create({ amount: 900, currency: 'usd', payment_method_types: ['card'] });
    const u5 = await stripe.paymentIntents.cancel(u4.id);
    eq('cancel unconfirmed', [u5.status, u5.cancellation_reason], ['canceled', null]);
    await expectErr('amount too small', () => stripe.paymentIntents.create({ amount: 10, currency: 'usd' }),
      { type: 'StripeInvalidRequestError', statusCode: 400, code: 'amount_too_small', param: 'amount', message: 'Amount must be at least $0.50 usd' });
    await expectErr('missing amount', () => stripe.paymentIntents.create({ currency: 'usd' }),
      { type: 'StripeInvalidRequestError', statusCode: 400, code: 'parameter_missing', param: 'amount', message: 'Missing required param: amount.' });
    const list = await stripe.paymentIntents.list({ customer: c.id });
    eq('pi list by customer', list.data.map((x) => x.id), [pi.id]);
    // 3DS
    const t = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_authenticationRequired', confirm: true, payment_method_types: ['card'] });
    eq('3ds status', t.status, 'requires_action');
    eq('3ds next_action', t.next_action && t.next_action.type, 'use_stripe_sdk');
  });

  const cards = [
    ['pm_card_visa_chargeDeclined', 'card_declined', 'generic_decline', 'Your card was declined.', undefined],
    ['pm_card_chargeDeclined', 'card_declined', 'generic_decline', 'Your card was declined.', undefined],
    ['pm_card_visa_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds', 'Your card has insufficient funds.', undefined],
    ['pm_card_visa_chargeDeclinedLostCard', 'card_declined', 'lost_card', 'Your card was declined.', undefined],
    ['pm_card_visa_chargeDeclinedStolenCard', 'card_declined', 'stolen_card', 'Your card was declined.', undefined],
    ['pm_card_chargeDeclinedExpiredCard', 'expired_card', undefined, 'Your card has expired.', 'exp_month'],
    ['pm_card_chargeDeclinedIncorrectCvc', 'incorrect_cvc', undefined, "Your card's security code is incorrect.", 'cvc'],
    ['pm_card_chargeDeclinedProcessingError', 'processing_error', undefined, 'An error occurred while processing your card. Try again in a little bit.', undefined],
    ['pm_card_visa_chargeDeclinedVelocityLimitExceeded', 'card_declined', 'card_velocity_exceeded', 'Your card was declined for making repeated attempts too frequently or exceeding its amount limit.', undefined],
    ['pm_card_radarBlock', 'card_declined', 'fraudulent', 'Your card was declined.', undefined],
    ['pm_card_chargeCustomerFail', 'card_declined', 'generic_decline', 'Your card was declined.', undefined],
  ];
  await section('declines', async () => {
    for (const [tok, code, dc, msg, param] of cards) {
      const key = `decl-${RUN}-${tok}`;
      const params = { amount: 2000, currency: 'usd', payment_method: tok, confirm: true, payment_method_types: ['card'] };
      const err = await expectErr(`decline ${tok}`, () => stripe.paymentIntents.create(params, { idempotencyKey: key }),
        { type: 'StripeCardError', rawType: 'card_error', statusCode: 402, code, decline_code: dc, message: msg, param });
      if (!err) continue;
      const raw = err.raw;
      eq(`${tok} raw.type`, raw.type, 'card_error');
      eq(`${tok} raw.decline_code`, raw.decline_code, dc);
      ok(`${tok} raw.charge`, typeof raw.charge === 'string' && raw.charge.startsWith('ch_'), raw.charge);
      eq(`${tok} err.charge`, err.charge, raw.charge);
      ok(`${tok} raw.payment_intent`, raw.payment_intent && raw.payment_intent.object === 'payment_intent', '');
      eq(`${tok} err.payment_intent.id`, err.payment_intent && err.payment_intent.id, raw.payment_intent.id);
      eq(`${tok} pi.status`, raw.payment_intent.status, 'requires_payment_method');
      eq(`${tok} pi.payment_method`, raw.payment_intent.payment_method, null);
      eq(`${tok} pi.latest_charge`, raw.payment_intent.latest_charge, raw.charge);
      eq(`${tok} pi.last_payment_error.code`, raw.payment_intent.last_payment_error && raw.payment_intent.last_payment_error.code, code);
      eq(`${tok} pi.last_payment_error.decline_code`, raw.payment_intent.last_payment_error && raw.payment_intent.last_payment_error.decline_code, dc);
      ok(`${tok} raw.payment_method`, raw.payment_method && raw.payment_method.object === 'payment_method', '');
      eq(`${tok} err.payment_method.id`, err.payment_method && err.payment_method.id, raw.payment_method.id);
      ok(`${tok} doc_url`, typeof raw.doc_url === 'string', raw.doc_url);
      eq(`${tok} err.doc_url`, err.doc_url, raw.doc_url);
      ok(`${tok} request_log_url`, typeof raw.request_log_url === 'string', raw.request_log_url);
      eq(`${tok} should-retry`, err.headers['stripe-should-retry'], 'false');
      eq(`${tok} idem header`, err.headers['idempotency-key'], key);
      ok(`${tok} original-request`, err.headers['original-request'] === err.requestId, `${err.headers['original-request']} vs ${err.requestId}`);
      ok(`${tok} requestId`, /^req_/.test(err.requestId), err.requestId);
      const ch = await stripe.charges.retrieve(raw.charge);
      eq(`${tok} charge status`, [ch.status, ch.paid, ch.captured], ['failed', false, false]);
      eq(`${tok} charge failure_code`, ch.failure_code, code);
      eq(`${tok} charge failure_message`, ch.failure_message, msg);
      eq(`${tok} outcome.type`, ch.outcome.type, tok === 'pm_card_radarBlock' ? 'blocked' : 'issuer_declined');
      // replay: same body, Idempotent-Replayed
      const err2 = await expectErr(`replay ${tok}`, () => stripe.paymentIntents.create(params, { idempotencyKey: key }),
        { type: 'StripeCardError', statusCode: 402, code, decline_code: dc });
      if (err2) {
        const strip = (r) => { const { headers, statusCode, requestId, ...rest } = r; return rest; };
        eq(`${tok} replay raw`, JSON.stringify(strip(err2.raw)), JSON.stringify(strip(err.raw)));
        eq(`${tok} replay header`, err2.headers['idempotent-replayed'], 'true');
        eq(`${tok} replay original-request`, err2.headers['original-request'], err.requestId);
        ok(`${tok} replay new request id`, err2.requestId !== err.requestId, 'same request id');
      }
    }
    // confirm path on an existing PI
    const pi = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd', payment_method_types: ['card'] });
    const e = await expectErr('confirm decline', () => stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa_chargeDeclinedInsufficientFunds' }),
      { type: 'StripeCardError', statusCode: 402, code: 'card_declined', decline_code: 'insufficient_funds' });
    const after = await stripe.paymentIntents.retrieve(pi.id);
    eq('after decline status', after.status, 'requires_payment_method');
    eq('after decline lpe', after.last_payment_error && after.last_payment_error.decline_code, 'insufficient_funds');
    const retry = await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' });
    eq('retry succeeded', retry.status, 'succeeded');
    eq('retry lpe cleared', retry.last_payment_error, null);
  });

  await section('idempotency', async () => {
    const key = `idem-${RUN}`;
    const p = { amount: 1500, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, payment_method_types: ['card'] };
    const a = await stripe.paymentIntents.create(p, { idempotencyKey: key });
    eq('first not replayed', a.lastResponse.headers['idempotent-replayed'], undefined);
    eq('first idem key', a.lastResponse.idempotencyKey, key);
    const b = await stripe.paymentIntents.create(p, { idempotencyKey: key });
    eq('replay same id', b.id, a.id);
    eq('replay header', b.lastResponse.headers['idempotent-replayed'], 'true');
    eq('replay original-request', b.lastResponse.headers['original-request'], a.lastResponse.requestId);
    const e = await expectErr('different params', () => stripe.paymentIntents.create({ ...p, amount: 1600 }, { idempotencyKey: key }),
      { type: 'StripeIdempotencyError', rawType: 'idempotency_error', statusCode: 400,
        message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.` });
    if (e) ok('idem err code', e.code === undefined, `code ${e.code}`);
    await expectErr('other endpoint', () => stripe.customers.create({}, { idempotencyKey: key }),
      { type: 'StripeIdempotencyError', statusCode: 400 });
    // SDK's own keys with retries on
    const s2 = new Stripe('sk_test_123', { host: '127.0.0.1', port: PORT, protocol: 'http', maxNetworkRetries: 2 });
    const c = await s2.customers.create({ email: 'retry@example.com' });
    ok('sdk auto key', /^stripe-node-retry-/.test(c.lastResponse.idempotencyKey || ''), c.lastResponse.idempotencyKey);
  });

  await section('charges', async () => {
    const tag = `t${RUN}`;
    const made = [];
    for (let i = 0; i < 5; i++) {
      const pi = await stripe.paymentIntents.create({ amount: 1000 + i, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, payment_method_types: ['card'], metadata: { tag, i: String(i) } });
      made.push(pi.latest_charge);
    }
    const l = await stripe.charges.list({ limit: 2 });
    lr('charges.list', l);
    eq('charges list url', l.url, '/v1/charges');
    eq('charges newest', l.data[0].id, made[4]);
    // search
    const s = await stripe.charges.search({ query: `metadata['tag']:'${tag}'`, limit: 2 });
    lr('charges.search', s);
    eq('search object', s.object, 'search_result');
    eq('search url', s.url, '/v1/charges/search');
    eq('search has_more', s.has_more, true);
    ok('search next_page', typeof s.next_page === 'string', s.next_page);
    eq('search total_count absent', 'total_count' in s, false);
    eq('search page1', s.data.map((x) => x.id), [made[4], made[3]]);
    const all = [];
    for await (const x of stripe.charges.search({ query: `metadata['tag']:'${tag}'`, limit: 2 })) all.push(x.id);
    eq('search autopaginate', all, [...made].reverse());
    const s3 = await stripe.charges.search({ query: `metadata['tag']:'${tag}' AND metadata['i']:'2'` });
    eq('search AND', s3.data.map((x) => x.id), [made[2]]);
    const s4 = await stripe.charges.search({ query: `metadata['tag']:'${tag}'`, expand: ['total_count'] });
    eq('search total_count', s4.total_count, 5);
    // autopaginate backwards with ending_before
    const back = [];
    for await (const x of stripe.charges.list({ limit: 2, ending_before: made[0] })) back.push(x.id);
    eq('autopaginate ending_before', back.slice(0, 4), [made[1], made[2], made[3], made[4]]);
    const fwd = [];
    for await (const x of stripe.charges.list({ limit: 2, starting_after: made[4] })) { fwd.push(x.id); if (fwd.length >= 4) break; }
    eq('autopaginate starting_after', fwd, [made[3], made[2], made[1], made[0]]);
    const lp = await stripe.charges.list({ payment_intent: (await stripe.charges.retrieve(made[1])).payment_intent });
    eq('list by payment_intent', lp.data.map((x) => x.id), [made[1]]);
    const up = await stripe.charges.update(made[0], { description: 'desc', metadata: { extra: 'y' } });
    eq('charge update', [up.description, up.metadata.extra, up.metadata.tag], ['desc', 'y', tag]);
    const cr = await stripe.charges.list({ created: { gte: 0 }, limit: 1 });
    eq('list created filter', cr.data.length, 1);
    await expectErr('search bad query', () => stripe.charges.search({ query: 'nonsense' }),
      { type: 'StripeInvalidRequestError', statusCode: 400 });
  });

  await section('refunds', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 3000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, payment_method_types: ['card'] });
    const r1 = await stripe.refunds.create({ payment_intent: pi.id, amount: 1000, reason: 'requested_by_customer', metadata: { a: '1' } });
    lr('refunds.create', r1);
    shape('refund', r1, 'Refunds.d.ts', 'Refund');
    eq('refund status', r1.status, 'succeeded');
    eq('refund amount', r1.amount, 1000);
    eq('refund charge', r1.charge, pi.latest_charge);
    eq('refund pi', r1.payment_intent, pi.id);
    eq('refund reason', r1.reason, 'requested_by_customer');
    let ch = await stripe.charges.retrieve(pi.latest_charge);
    eq('partial refunded', [ch.amount_refunded, ch.refunded], [1000, false]);
    const r2 = await stripe.refunds.create({ charge: pi.latest_charge });
    eq('refund rest', r2.amount, 2000);
    ch = await stripe.charges.retrieve(pi.latest_charge, { expand: ['refunds'] });
    eq('full refunded', [ch.amount_refunded, ch.refunded], [3000, true]);
    await expectErr('refund too much', () => stripe.refunds.create({ charge: pi.latest_charge, amount: 1 }),
      { type: 'StripeInvalidRequestError', statusCode: 400, code: 'charge_already_refunded' });
    const l = await stripe.refunds.list({ charge: pi.latest_charge });
    lr('refunds.list', l);
    eq('refund list', l.data.map((x) => x.id), [r2.id, r1.id]);
    eq('refund list url', l.url, '/v1/refunds');
    const lpi = await stripe.refunds.list({ payment_intent: pi.id });
    eq('refund list by pi', lpi.data.map((x) => x.id), [r2.id, r1.id]);
    const g = await stripe.refunds.retrieve(r1.id);
    eq('refund retrieve', g.id, r1.id);
    const u = await stripe.refunds.update(r1.id, { metadata: { b: '2' } });
    eq('refund update', u.metadata, { a: '1', b: '2' });
    await expectErr('refund missing', () => stripe.refunds.create({}),
      { type: 'StripeInvalidRequestError', statusCode: 400 });
    const all = await stripe.refunds.list({ limit: 1 }).autoPagingToArray({ limit: 1000 });
    ok('refund autopage', all.length >= 3, `${all.length}`);
  });

  await section('products and prices', async () => {
    const pid = `prod_${RUN}`;
    const p = await stripe.products.create({ id: pid, name: 'Coffee', metadata: { kind: 'drink' } });
    lr('products.create', p);
    shape('product', p, 'Products.d.ts', 'Product');
    eq('product id', p.id, pid);
    await expectErr('dup product', () => stripe.products.create({ id: pid, name: 'Coffee' }),
      { type: 'StripeInvalidRequestError', statusCode: 400, code: 'resource_already_exists' });
    const pr = await stripe.prices.create({ product: pid, unit_amount: 500, currency: 'usd', lookup_key: `coffee-${RUN}`, nickname: 'std' });
    lr('prices.create', pr);
    shape('price', pr, 'Prices.d.ts', 'Price');
    eq('price unit_amount_decimal', pr.unit_amount_decimal, '500');
    eq('price type', pr.type, 'one_time');
    eq('price lookup', pr.lookup_key, `coffee-${RUN}`);
    const pr2 = await stripe.prices.create({ product_data: { name: 'Tea' }, unit_amount: 300, currency: 'eur', recurring: { interval: 'month' } });
    eq('price recurring', pr2.type, 'recurring');
    eq('recurring interval', pr2.recurring && pr2.recurring.interval, 'month');
    const byKey = await stripe.prices.list({ lookup_keys: [`coffee-${RUN}`] });
    eq('lookup_keys list', byKey.data.map((x) => x.id), [pr.id]);
    await expectErr('dup lookup key', () => stripe.prices.create({ product: pid, unit_amount: 600, currency: 'usd', lookup_key: `coffee-${RUN}` }),
      { type: 'StripeInvalidRequestError', statusCode: 400 });
    const pr3 = await stripe.prices.create({ product: pid, unit_amount: 600, currency: 'usd', lookup_key: `coffee-${RUN}`, transfer_lookup_key: true });
    const byKey2 = await stripe.prices.list({ lookup_keys: [`coffee-${RUN}`] });
    eq('transfer_lookup_key', byKey2.data.map((x) => x.id), [pr3.id]);
    const old = await stripe.prices.retrieve(pr.id);
    eq('old lookup cleared', old.lookup_key, null);
    const pu = await stripe.prices.update(pr.id, { active: false, metadata: { m: '1' }, nickname: 'old' });
    eq('price update', [pu.active, pu.metadata, pu.nickname], [false, { m: '1' }, 'old']);
    const pu2 = await stripe.products.update(pid, { name: 'Coffee 2', default_price: pr3.id, description: 'hot' });
    eq('product update', [pu2.name, pu2.default_price, pu2.description], ['Coffee 2', pr3.id, 'hot']);
    const pe = await stripe.products.retrieve(pid, { expand: ['default_price'] });
    eq('product expand default_price', pe.default_price && pe.default_price.id, pr3.id);
    const lp = await stripe.prices.list({ product: pid });
    eq('prices by product', lp.data.map((x) => x.id), [pr3.id, pr.id]);
    const lpa = await stripe.prices.list({ product: pid, active: false });
    eq('prices by product inactive', lpa.data.map((x) => x.id), [pr.id]);
    const lpe = await stripe.prices.list({ product: pid, expand: ['data.product'] });
    eq('prices expand data.product', lpe.data[0].product.id, pid);
    const prods = await stripe.products.list({ limit: 100 });
    ok('products list', prods.data.some((x) => x.id === pid), '');
    eq('products list url', prods.url, '/v1/products');
    const pd = await stripe.products.create({ name: 'Gone' });
    const dd = await stripe.products.del(pd.id);
    eq('product del', { ...dd, lastResponse: 0 }, { id: pd.id, object: 'product', deleted: true, lastResponse: 0 });
    await expectErr('retrieve deleted product', () => stripe.products.retrieve(pd.id),
      { type: 'StripeInvalidRequestError', statusCode: 404, code: 'resource_missing' });
    await expectErr('delete product with prices', () => stripe.products.del(pid),
      { type: 'StripeInvalidRequestError', statusCode: 400 });
    const pc = await stripe.prices.create({ currency: 'usd', product: pid, unit_amount_decimal: '12.5' });
    eq('decimal price', [pc.unit_amount, pc.unit_amount_decimal], [null, '12.5']);
  });

  await section('searches of payment intents, prices and products', async () => {
    const tag = `s${RUN}`;
    const cus = await stripe.customers.create({ email: `search-${RUN}@example.com` });
    const pis = [];
    for (let i = 0; i < 3; i++) {
      const params = { amount: 2000 + 100 * i, currency: i === 1 ? 'eur' : 'usd', metadata: { tag } };
      if (i < 2) Object.assign(params, { customer: cus.id, payment_method: 'pm_card_visa', confirm: true, payment_method_types: ['card'] });
      pis.push((await stripe.paymentIntents.create(params)).id);
    }
    const s = await stripe.paymentIntents.search({ query: `metadata['tag']:'${tag}'`, limit: 2 });
    lr('paymentIntents.search', s);
    eq('pi search object', s.object, 'search_result');
    eq('pi search url', s.url, '/v1/payment_intents/search');
    eq('pi search has_more', s.has_more, true);
    ok('pi search next_page', typeof s.next_page === 'string', s.next_page);
    eq('pi search page1', s.data.map((x) => x.id), [pis[2], pis[1]]);
    shape('searched payment_intent', s.data[0], 'PaymentIntents.d.ts', 'PaymentIntent');
    const all = [];
    for await (const x of stripe.paymentIntents.search({ query: `metadata['tag']:'${tag}'`, limit: 1 })) all.push(x.id);
    eq('pi search autopaginate', all, [...pis].reverse());
    const byCus = await stripe.paymentIntents.search({ query: `customer:'${cus.id}' AND status:'succeeded'`, expand: ['total_count'] });
    eq('pi search customer AND status', byCus.data.map((x) => x.id), [pis[1], pis[0]]);
    eq('pi search total_count', byCus.total_count, 2);
    const byAmount = await stripe.paymentIntents.search({ query: `metadata['tag']:'${tag}' AND amount>2050 AND currency:'usd'` });
    eq('pi search amount', byAmount.data.map((x) => x.id), [pis[2]]);
    await expectErr('pi search unsupported field', () => stripe.paymentIntents.search({ query: `email:'x@example.com'` }),
      { type: 'StripeInvalidRequestError', statusCode: 400, param: 'query' });

    const prod = await stripe.products.create({ name: `Search mug ${RUN}`, description: 'stoneware', shippable: true, metadata: { tag } });
    const prod2 = await stripe.products.create({ name: `Search club ${RUN}`, metadata: { tag } });
    const ps = await stripe.products.search({ query: `metadata['tag']:'${tag}'` });
    lr('products.search', ps);
    eq('product search url', ps.url, '/v1/products/search');
    eq('product search ids', ps.data.map((x) => x.id), [prod2.id, prod.id]);
    shape('searched product', ps.data[1], 'Products.d.ts', 'Product');
    const byName = await stripe.products.search({ query: `name:'Search mug ${RUN}' AND shippable:'true'` });
    eq('product search name shippable', byName.data.map((x) => x.id), [prod.id]);
    eq('product shippable', byName.data[0] && byName.data[0].shippable, true);
    await expectErr('product search unsupported field', () => stripe.products.search({ query: `type:'service'` }),
      { type: 'StripeInvalidRequestError', statusCode: 400, param: 'query' });

    const pr1 = await stripe.prices.create({ product: prod.id, unit_amount: 1250, currency: 'usd', lookup_key: `mug-${RUN}`, metadata: { tag } });
    const pr2 = await stripe.prices.create({ product: prod2.id, unit_amount: 900, currency: 'usd', recurring: { interval: 'month' }, metadata: { tag } });
    const prs = await stripe.prices.search({ query: `metadata['tag']:'${tag}'`, expand: ['total_count', 'data.product'] });
    lr('prices.search', prs);
    eq('price search url', prs.url, '/v1/prices/search');
    eq('price search ids', prs.data.map((x) => x.id), [pr2.id, pr1.id]);
    eq('price search total_count', prs.total_count, 2);
    eq('price search expand data.product', prs.data.map((x) => x.product.id), [prod2.id, prod.id]);
    const byKey = await stripe.prices.search({ query: `lookup_key:'mug-${RUN}'` });
    eq('price search lookup_key', byKey.data.map((x) => x.id), [pr1.id]);
    shape('searched price', byKey.data[0], 'Prices.d.ts', 'Price');
    const byType = await stripe.prices.search({ query: `product:'${prod2.id}' AND type:'recurring' AND active:'true'` });
    eq('price search product type active', byType.data.map((x) => x.id), [pr2.id]);
    await expectErr('price search bad query', () => stripe.prices.search({ query: 'nonsense' }),
      { type: 'StripeInvalidRequestError', statusCode: 400, param: 'query' });

    // The query language of docs.stripe.com/search: OR, negation, null,
    // ~ substrings, case-insensitive tokens, words in order on string fields.
    const orq = await stripe.paymentIntents.search({ query: `metadata['tag']:'${tag}' AND currency:'EUR'` });
    eq('pi search token any case', orq.data.map((x) => x.id), [pis[1]]);
    const neg = await stripe.paymentIntents.search({ query: `metadata['tag']:'${tag}' AND -currency:'usd'` });
    eq('pi search negation', neg.data.map((x) => x.id), [pis[1]]);
    const or = await stripe.prices.search({ query: `lookup_key:'mug-${RUN}' OR product:'${prod2.id}'` });
    eq('price search OR', or.data.map((x) => x.id), [pr2.id, pr1.id]);
    const nul = await stripe.products.search({ query: `metadata['tag']:'${tag}' AND description:null` });
    eq('product search null', nul.data.map((x) => x.id), [prod2.id]);
    const sub = await stripe.products.search({ query: `metadata['tag']:'${tag}' AND name~'MUG'` });
    eq('product search substring', sub.data.map((x) => x.id), [prod.id]);
    const words = await stripe.products.search({ query: `name:'search CLUB' AND metadata['tag']:'${tag}'` });
    eq('product search words', words.data.map((x) => x.id), [prod2.id]);
    await expectErr('search AND with OR', () => stripe.products.search({ query: `name:'a' AND name:'b' OR name:'c'` }),
      { type: 'StripeInvalidRequestError', statusCode: 400, param: 'query' });
    await expectErr('search short substring', () => stripe.products.search({ query: `name~'ab'` }),
      { type: 'StripeInvalidRequestError', statusCode: 400, param: 'query' });
    await expectErr('search > on a string', () => stripe.products.search({ query: `name>'a'` }),
      { type: 'StripeInvalidRequestError', statusCode: 400, param: 'query' });
    const shipList = await stripe.products.list({ shippable: true, url: 'https://none.example/' });
    eq('product list shippable url', shipList.data.length, 0);
  });

  console.log(`\n${lib.checks} checks, ${problems.length} mismatches`);
  for (const p of problems) console.log(' - ' + p);
  process.exitCode = problems.length ? 1 : 0;
})();
