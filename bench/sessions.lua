-- wrk script: "create-end" (sessions are opened and each is ended once its create has been
-- answered) or "create" (opens sessions only). Usage: wrk ... -s sessions.lua URL -- MODE RUN_ID
-- A create reply names its session ({"sessionId", "pathwayId"}); that session's end is the
-- thread's next request, on whichever of its connections asks first, so a session's end never
-- leaves before its create came back (wrk's callbacks know no connection, only the thread).
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
  created = {}
  first, last = 1, 0
end

local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer bench-service-key" }
local path = "/pathors/v1/projects/bench/sessions"

request = function()
  if mode == "create-end" and first <= last then
    local id = created[first]
    created[first] = nil
    first = first + 1
    return wrk.format("DELETE", path, headers, '{"session_id":"' .. id .. '"}')
  end
  counter = counter + 1
  return wrk.format("POST", path, headers, '{"session_id":"' .. run .. "-" .. tid .. "-" .. counter .. '"}')
end

response = function(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
  elseif mode == "create-end" and body:find('"pathwayId"', 1, true) then
    local id = body:match('"sessionId":"([^"]+)"')
    if id then
      last = last + 1
      created[last] = id
    end
  end
end

done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("bad") end
  io.write(string.format("NON2XX %d\n", total))
end
