-- wrk script: the seed's single-reading POST /api/ingest/telemetry, as a third-party SCADA client
-- sends it. Any non-2xx answer fails the run (hub-wrk-checks.lua).
local checks = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "hub-wrk-checks.lua")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = os.getenv("HOP_BENCH_KEY")
wrk.body = '{ "substation_id": "SUB001", "feeder_id": "FDR002", "device_id": "SUB001-FDR002", "site_name": "Portland North", "latitude": 45.5231, "longitude": -122.6765, "voltage_kv": 229.8, "current_a": 1187.4, "power_mw": 274.2, "frequency_hz": 60.002 }'

function setup(thread)
  checks.setup(thread)
end

function init(args)
  checks.init()
end

function response(status, headers, body)
  checks.response(status, body, false)
end

function done(summary, latency, requests)
  checks.done(summary, latency, "telemetry")
end
