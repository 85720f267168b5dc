-- wrk script for `scripts/bench intake`: POSTs problem reports that take downtally's counted path.
--
--   wrk -t2 -c50 -d10s --latency -s scripts/wrk/intake.lua http://127.0.0.1:PORT -- SLUG...
--
-- Each request goes to POST /api/v1/services/<slug>/reports with {"problem": "<kind>"}, cycling
-- through the problem kinds and the service slugs given after `--` (a built-in list when none), and
-- carries a User-Agent unique to that request ("bench/<run>.<thread>-<counter>") and an X-Forwarded-For
-- naming a /24 network of its own (cycling through 4 million, from 10.0.0.0/24 on), so every report comes
-- from a distinct reporter on one of many networks, as real traffic does, and is counted rather than
-- de-duplicated or held by the per-network bound and rate limit. The server must trust the load
-- generator as a proxy (`scripts/bench` passes `--trusted-proxies 127.0.0.1/32`).
-- done() prints a summary, ending with one machine-readable "BENCH key=value ..." line.

local kinds = { "login", "balance", "sms_verification", "payments", "card", "mobile_app", "website", "other" }
local default_slugs = { "intesa-sanpaolo", "unicredit", "barclays", "monzo", "american-express",
  "deutsche-bank", "n26", "bnp-paribas", "dnb", "vipps", "paypal", "revolut" }

-- A token unique to this wrk run, so that a warm-up run and the measured run that follows it against
-- the same server do not present the same reporters (which the server would de-duplicate).
local function run_token()
  local f = io.open("/proc/sys/kernel/random/uuid", "r")
  if f then
    local uuid = f:read("*l")
    f:close()
    if uuid then
      return uuid:sub(1, 8)
    end
  end
  return string.format("%x%04x", os.time(), math.floor(os.clock() * 1e6) % 65536)
end

local run = run_token()
local threads = {}

function setup(thread)
  thread:set("thread_id", run .. "." .. (#threads + 1))
  -- Threads walk the networks from different places, so they do not send from the same one at once.
  thread:set("thread_offset", #threads * 1000003)
  table.insert(threads, thread)
end

local slugs
local prefixes = {}  -- prefixes[service][kind]: the request up to the User-Agent value
local counter = 0

function init(args)
  slugs = {}
  for _, s in ipairs(args) do
    table.insert(slugs, s)
  end
  if #slugs == 0 then
    slugs = default_slugs
  end
  local host = wrk.host
  if wrk.port then
    host = host .. ":" .. wrk.port
  end
  -- The raw request is assembled by hand (no wrk.format per request), so the load generator spends
  -- as little as possible of the shared CPUs on building requests.
  for i, s in ipairs(slugs) do
    prefixes[i] = {}
    for j, k in ipairs(kinds) do
      local body = '{"problem":"' .. k .. '"}'
      prefixes[i][j] = { "POST /api/v1/services/" .. s .. "/reports HTTP/1.1\r\n"
        .. "Host: " .. host .. "\r\n"
        .. "Content-Type: application/json\r\n"
        .. "Content-Length: " .. #body .. "\r\n"
        .. "User-Agent: bench/" .. thread_id .. "-", "\r\nX-Forwarded-For: ", "\r\n\r\n" .. body }
    end
  end
end

function request()
  counter = counter + 1
  local k = counter % #kinds + 1
  -- Step the service once per full cycle of kinds, so every (service, kind) pair occurs.
  local s = math.floor(counter / #kinds) % #slugs + 1
  local p = prefixes[s][k]
  local n = counter + thread_offset
  local network = (10 + math.floor(n / 65536) % 64) .. "." .. (math.floor(n / 256) % 256) .. "." .. (n % 256) .. ".1"
  return p[1] .. counter .. p[2] .. network .. p[3]
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  -- wrk counts a response as an error when its status is above 399; 201 is the only other answer
  -- the intake gives, so the rest of the completed requests are accepted reports.
  local accepted = summary.requests - e.status
  local function ms(p) return latency:percentile(p) / 1000 end
  io.write(string.format("requests: %d in %.2f s, %.0f req/s\n", summary.requests, secs, summary.requests / secs))
  io.write(string.format("accepted (2xx/3xx): %d, %.0f/s; non-2xx: %d; socket errors: %d (connect %d, read %d, write %d, timeout %d)\n",
    accepted, accepted / secs, e.status, socket_errors, e.connect, e.read, e.write, e.timeout))
  io.write(string.format("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f\n",
    ms(50), ms(90), ms(99), ms(99.9), latency.max / 1000))
  io.write(string.format("BENCH requests=%d seconds=%.3f rps=%.1f accepted_rps=%.1f non2xx=%d socket_errors=%d p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f\n",
    summary.requests, secs, summary.requests / secs, accepted / secs, e.status, socket_errors,
    ms(50), ms(90), ms(99), ms(99.9)))
end
