-- Each connection (one per wrk thread) opens a session, then ends it, then the next one.
local counter = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  -- every wrk run opens sessions of its own
  run = args[1] or tostring(os.time())
end

request = function()
  counter = counter + 1
  local id = string.format("bench-%s-%d-%d", run or "r", tid, math.floor((counter + 1) / 2))
  local body = '{"session_id":"' .. id .. '"}'
  local method = (counter % 2 == 1) and "POST" or "DELETE"
  return wrk.format(method, "/pathors/v1/projects/bench/sessions",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer bench-service-key" }, body)
end
