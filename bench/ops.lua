-- wrk script: ops reads with the ops key, the same path again and again (or, given several,
-- each in turn: the warm-up). Usage: wrk ... -s ops.lua http://127.0.0.1:18180 -- PATH...
-- Prints "RESULT req/s p50 p95 p99 non-2xx socket-errors" (milliseconds): a fast error is
-- not a result, so every answer that is not 2xx is counted.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  paths = (#args > 0) and args or { "/ops/sessions" }
  next_path = 0
  bad = 0
end

request = function()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path], { ["Authorization"] = "Bearer bench-ops-key" })
end

response = function(status, headers, body)
  if status < 200 or status > 299 then bad = bad + 1 end
end

done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("bad") end
  local e = summary.errors
  io.write(string.format("RESULT %.1f %.2f %.2f %.2f %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, total,
    e.connect + e.read + e.write + e.timeout))
end
