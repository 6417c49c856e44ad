-- wrk script of `scripts/bench-proxy.sh` (`./dev bench-proxy`): the same small, non-streamed
-- OpenAI chat completion POST to every target (the mock upstream, nginx, switchyard-serve), so
-- the three see identical request bytes. BENCH_TOKEN (the gateway token) is sent to all three;
-- nginx ignores it. No `temperature: 0`, so Switchyard's cache decides "skip" and every request
-- goes upstream (the cache decision still runs).
--
-- done() prints one machine-readable line:
--   BENCH requests=N seconds=S rps=R p50=US p99=US p999=US non2xx=N sockerr=N
-- Latencies are in microseconds (wrk's histogram). non2xx is counted exactly in response()
-- (wrk's own errors.status only counts status >= 400); sockerr is connect+read+write+timeout.

wrk.method = "POST"
wrk.body = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello in one word."}]}'
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("non2xx")
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "BENCH requests=%d seconds=%.3f rps=%.1f p50=%.0f p99=%.0f p999=%.0f non2xx=%d sockerr=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    bad, e.connect + e.read + e.write + e.timeout))
end
