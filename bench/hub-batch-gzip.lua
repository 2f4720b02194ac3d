-- wrk script: like hub-batch.lua, but each thread (one edge) posts pre-compressed bodies
-- (Content-Encoding: gzip) written by bench/hub-batch-gzip.py into $HOP_BENCH_GZ_DIR/<thread>/<seq>.gz,
-- each once, in order. Running out of bodies fails the run (a re-sent body would only be answered
-- as a duplicate and store nothing); so does any non-2xx or `duplicate: true` answer. (wrk builds
-- one request per connection that it never sends, so one body per edge is skipped: a gap in seq,
-- which the hub accepts; hub-batch.lua's edges have the same gap.)
local checks = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "hub-wrk-checks.lua")
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("index", counter)
  checks.setup(thread)
end

function init(args)
  checks.init()
  bodies = {}
  local dir = os.getenv("HOP_BENCH_GZ_DIR") .. "/" .. index .. "/"
  local seq = 1
  while true do
    local f = io.open(dir .. seq .. ".gz", "rb")
    if not f then break end
    bodies[seq] = f:read("*a")
    f:close()
    seq = seq + 1
  end
  next_seq = 0
  exhausted = nil
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Content-Encoding"] = "gzip"
  wrk.headers["X-API-Key"] = os.getenv("HOP_BENCH_KEY")
end

function request()
  if next_seq >= #bodies then
    -- Out of bodies: stop this edge; the request returned here (a harmless GET) is not counted.
    exhausted = "edge " .. index .. " used all " .. #bodies .. " bodies before the end; generate more"
    wrk.thread:stop()
    return wrk.format("GET", "/api/health", {}, nil)
  end
  next_seq = next_seq + 1
  return wrk.format(nil, "/api/ingest/batch", nil, bodies[next_seq])
end

function response(status, headers, body)
  if exhausted then return end
  checks.response(status, body, true)
end

function done(summary, latency, requests)
  checks.done(summary, latency, "batch-gzip", function(thread) return thread:get("exhausted") end)
end
