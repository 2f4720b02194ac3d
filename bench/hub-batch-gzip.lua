-- wrk script: like hub-batch.lua, but each thread (one edge) posts pre-compressed bodies
-- (Content-Encoding: gzip) written by bench/hub-batch-gzip.py into $HOP_BENCH_GZ_DIR/<thread>/<seq>.gz.
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("index", counter)
end

function init(args)
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
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Content-Encoding"] = "gzip"
  wrk.headers["X-API-Key"] = os.getenv("HOP_BENCH_KEY")
end

function request()
  -- Past the last body the first ones come again: the hub answers them as duplicates (cheap), so
  -- write enough bodies for the run (the bench script checks non-2xx and duplicates stay 2xx).
  next_seq = next_seq % #bodies + 1
  return wrk.format(nil, "/api/ingest/batch", nil, bodies[next_seq])
end

function done(summary, latency, requests)
  io.write(string.format("batches/s: %.1f  readings/s: %.0f  non-2xx: %d  p50: %.1f ms  p99: %.1f ms\n",
    summary.requests / (summary.duration / 1e6), summary.requests * 1000 / (summary.duration / 1e6),
    summary.errors.status or 0, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
