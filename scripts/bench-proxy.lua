-- wrk script of `scripts/bench-proxy.sh` (`./dev bench-proxy`): the same small, non-streamed
-- OpenAI chat completion POST to every target (the mock upstream, nginx, switchyard-serve), so
-- the three see identical request bytes. BENCH_TOKEN (the gateway token) is sent to all three;
-- nginx ignores it. No `temperature: 0`, so Switchyard's cache decides "skip" and every request
-- goes upstream (the cache decision still runs). The other modes of the script set BENCH_BODY
-- (a streamed request, or a `temperature: 0` one the cache answers), BENCH_TAIL (a streamed
-- answer must end with it, else it counts in badbody) and BENCH_COUNT_HITS=1 (count answers
-- with `x-switchyard-cache: hit`); unset, every request is the buffered one and nothing is
-- checked beyond the status.
--
-- done() prints one machine-readable line:
--   BENCH requests=N seconds=S rps=R p50=US p99=US p999=US non2xx=N sockerr=N hits=N badbody=N
-- Latencies are in microseconds (wrk's histogram). non2xx is counted exactly in response()
-- (wrk's own errors.status only counts status >= 400); sockerr is connect+read+write+timeout.

wrk.method = "POST"
local body = os.getenv("BENCH_BODY")
if not body or body == "" then
  body = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello in one word."}]}'
end
wrk.body = body
local tail = os.getenv("BENCH_TAIL")
if tail == "" then
  tail = nil
end
local count_hits = os.getenv("BENCH_COUNT_HITS") == "1"
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
  hits = 0
  badbody = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
  if tail and string.sub(body, -#tail) ~= tail then
    badbody = badbody + 1
  end
  if count_hits and (headers["x-switchyard-cache"] or headers["X-Switchyard-Cache"]) == "hit" then
    hits = hits + 1
  end
end

function done(summary, latency, requests)
  local bad, hit, badbody = 0, 0, 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("non2xx")
    hit = hit + t:get("hits")
    badbody = badbody + t:get("badbody")
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "BENCH requests=%d seconds=%.3f rps=%.1f p50=%.0f p99=%.0f p999=%.0f non2xx=%d sockerr=%d"
      .. " hits=%d badbody=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    bad, e.connect + e.read + e.write + e.timeout, hit, badbody))
end
