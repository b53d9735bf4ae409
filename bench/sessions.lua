-- wrk script: "create-end" (each connection opens a session, then ends it, then the next)
-- or "create" (opens sessions only). Usage: wrk ... -s sessions.lua URL -- MODE RUN_ID
-- Every answer that is not 2xx is counted and printed: a fast error is not a result.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  mode = args[1] or "create-end"
  run = args[2] or tostring(os.time())
  counter = 0
  bad = 0
end

request = function()
  counter = counter + 1
  local n = counter
  local method = "POST"
  if mode == "create-end" then
    n = math.floor((counter + 1) / 2)
    if counter % 2 == 0 then method = "DELETE" end
  end
  local body = '{"session_id":"' .. run .. "-" .. tid .. "-" .. n .. '"}'
  return wrk.format(method, "/pathors/v1/projects/bench/sessions",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer bench-service-key" }, body)
end

response = function(status, headers, body)
  if status < 200 or status > 299 then bad = bad + 1 end
end

done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("bad") end
  io.write(string.format("NON2XX %d\n", total))
end
