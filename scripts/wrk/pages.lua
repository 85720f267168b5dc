-- wrk script for `scripts/bench pages`: GETs one page and prints a summary ending with one
-- machine-readable "BENCH key=value ..." line.
--
--   wrk -t2 -c50 -d10s --latency -s scripts/wrk/pages.lua http://127.0.0.1:PORT/s/intesa-sanpaolo -- [ENCODING]
--
-- ENCODING, when given (e.g. "gzip, deflate, br", what browsers send), goes into Accept-Encoding;
-- without it the request asks for no compression.

function init(args)
  if args[1] and args[1] ~= "" then
    wrk.headers["Accept-Encoding"] = args[1]
  end
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  local function ms(p) return latency:percentile(p) / 1000 end
  io.write(string.format("requests: %d in %.2f s, %.0f req/s, %.1f MB/s received\n",
    summary.requests, secs, summary.requests / secs, summary.bytes / secs / 1e6))
  io.write(string.format("non-2xx: %d; socket errors: %d (connect %d, read %d, write %d, timeout %d)\n",
    e.status, socket_errors, e.connect, e.read, e.write, e.timeout))
  io.write(string.format("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f\n",
    ms(50), ms(90), ms(99), ms(99.9), latency.max / 1000))
  io.write(string.format("BENCH requests=%d seconds=%.3f rps=%.1f bytes_per_response=%.0f non2xx=%d socket_errors=%d p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f\n",
    summary.requests, secs, summary.requests / secs, summary.bytes / math.max(summary.requests, 1),
    e.status, socket_errors, ms(50), ms(90), ms(99), ms(99.9)))
end
