-- wrk script: each wrk thread is one edge (run with -t N -c N so every connection is its own edge)
-- posting 1,000-reading batches with increasing seq and increasing source timestamps, as hop-edge
-- does (20 substations, one feeder each, interleaved). hop-hub-bench stores exactly these rows.
-- Any non-2xx or `duplicate: true` answer fails the run (hub-wrk-checks.lua).
local checks = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "hub-wrk-checks.lua")
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("edge", "bench-" .. os.time() .. "-" .. counter)
  thread:set("offset", counter)
  checks.setup(thread)
end

function init(args)
  checks.init()
  seq = 0
  base = os.time() * 1000 - 3600000 + offset * 100
  prefix = {}
  for i = 0, 999 do
    prefix[i + 1] = string.format(
      '{"substation_id":"SUB%03d","feeder_id":"FDR%03d","voltage_kv":%.1f,"current_a":%.1f,"power_mw":%.1f,"frequency_hz":%.3f,"ts":',
      i % 20 + 1, i % 4 + 1, 230 + i % 7, 1000 + i % 13, 300 + i % 11, 60 + (i % 5) / 1000)
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-API-Key"] = os.getenv("HOP_BENCH_KEY")
end

function request()
  seq = seq + 1
  local start = base + seq * 1000
  local parts = {}
  for i = 1, 1000 do
    parts[i] = prefix[i] .. (start + i) .. "}"
  end
  local body = '{"edge_id":"' .. edge .. '","seq":' .. seq .. ',"telemetry":[' .. table.concat(parts, ",") .. ']}'
  return wrk.format(nil, "/api/ingest/batch", nil, body)
end

function response(status, headers, body)
  checks.response(status, body, true)
end

function done(summary, latency, requests)
  checks.done(summary, latency, "batch")
end
