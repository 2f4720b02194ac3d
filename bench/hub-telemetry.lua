-- wrk script: the seed's single-reading POST /api/ingest/telemetry, as a third-party SCADA client sends it.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = os.getenv("HOP_BENCH_KEY")
wrk.body = '{ "substation_id": "SUB001", "feeder_id": "FDR002", "device_id": "SUB001-FDR002", "site_name": "Portland North", "latitude": 45.5231, "longitude": -122.6765, "voltage_kv": 229.8, "current_a": 1187.4, "power_mw": 274.2, "frequency_hz": 60.002 }'


function done(summary, latency, requests)
  io.write(string.format("requests/s: %.0f  non-2xx: %d  p50: %.2f ms  p99: %.2f ms\n",
    summary.requests / (summary.duration / 1e6), summary.errors.status or 0,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
