-- Shared by the hub's wrk scripts (loaded with dofile): every answer must be a 2xx and, for edge
-- batches, must not be a duplicate (a duplicate stores nothing). The first bad answer stops its
-- thread; done() then prints why and exits 1, so bench/hub-ingest fails instead of printing a rate.
-- Rates are not computed here: bench/hub-ingest counts stored readings in the database and
-- divides by the duration printed on the `wrk-result:` line.
local checks = {}
local threads = {}

function checks.setup(thread)
  table.insert(threads, thread)
end

function checks.init()
  answered_ok, answered_bad, answered_duplicate, first_bad = 0, 0, 0, nil
end

-- Call from response(); `batches` turns on the duplicate check.
function checks.response(status, body, batches)
  if status < 200 or status > 299 then
    answered_bad = answered_bad + 1
    first_bad = first_bad or ("HTTP " .. status .. ": " .. string.sub(body or "", 1, 300))
    wrk.thread:stop()
  elseif batches and body and string.find(body, '"duplicate"%s*:%s*true') then
    answered_duplicate = answered_duplicate + 1
    first_bad = first_bad or ("duplicate: " .. string.sub(body, 1, 300))
    wrk.thread:stop()
  else
    answered_ok = answered_ok + 1
  end
end

-- Call from done(). `label` names the run; `extra_failure(thread)` may return a reason to fail.
function checks.done(summary, latency, label, extra_failure)
  local ok, bad, dup, failures = 0, 0, 0, {}
  for _, thread in ipairs(threads) do
    ok = ok + (thread:get("answered_ok") or 0)
    bad = bad + (thread:get("answered_bad") or 0)
    dup = dup + (thread:get("answered_duplicate") or 0)
    local why = thread:get("first_bad") or (extra_failure and extra_failure(thread))
    if why then table.insert(failures, why) end
  end
  local e = summary.errors
  local socket = e.connect + e.read + e.write + e.timeout
  io.write(string.format(
    "wrk-result: label=%s duration_s=%.3f answered_2xx=%d non_2xx=%d duplicates=%d socket_errors=%d p50_ms=%.2f p99_ms=%.2f\n",
    label, summary.duration / 1e6, ok, bad, dup, socket, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
  if socket > 0 then
    table.insert(failures, string.format("socket errors: connect %d, read %d, write %d, timeout %d", e.connect, e.read, e.write, e.timeout))
  end
  if bad > 0 or dup > 0 or #failures > 0 then
    io.stderr:write("bench: " .. label .. " FAILED: " .. bad .. " non-2xx, " .. dup .. " duplicate answers\n")
    for _, why in ipairs(failures) do io.stderr:write("bench:   " .. why .. "\n") end
    io.stdout:flush()
    os.exit(1)
  end
end

return checks
