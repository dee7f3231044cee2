-- wrk script: create-and-confirm a PaymentIntent for an existing customer,
-- as stripe-go sends it (form body, Bearer key, a unique Idempotency-Key).
-- CUSTOMER and PAYMENT_METHOD come from the environment.
local customer = os.getenv("CUSTOMER") or "cus_bench"
local pm = os.getenv("PAYMENT_METHOD") or "pm_card_visa"
local body = "amount=1250&confirm=true&currency=usd&customer=" .. customer ..
  "&metadata[offer]=BuyBlueMug&off_session=true&payment_method=" .. pm
local counter = 0
local threads = 0

-- setup runs in the main state; "id" becomes a global of the thread's state.
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function request()
  counter = counter + 1
  return wrk.format("POST", "/v1/payment_intents", {
    ["Authorization"] = "Bearer sk_test_123",
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Stripe-Version"] = "2023-10-16",
    ["Idempotency-Key"] = "wrk-" .. tostring(id) .. "-" .. tostring(counter) .. "-" .. tostring(os.time()),
  }, body)
end

function done(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format("requests=%d non2xx=%d\n", summary.requests, non2xx))
end
