"""The OpenAPI document (Sources/HopHub/Resources/openapi.json) against the real hub.

1. The document is valid OpenAPI 3.1 (openapi-spec-validator) and its own examples match its schemas.
2. Against a live `hop-hub serve` with a little data in every table: each documented GET answers 200
   with a body that validates against the documented schema (response schemas forbid unknown keys,
   so a renamed or added JSON key fails here), every documented path exists (not 404), the errors the
   hub returns have the documented shape and a status the operation documents, and the hub serves
   the same document at /api/openapi.json.

Uses the existing `.build/debug/hop-hub` (never builds); skips with a reason when it is missing.
"""
import copy
import gzip
import json
import re
import os
import pathlib
import signal
import sqlite3
import subprocess
import time

import pytest

import waiting

requests = pytest.importorskip("requests")
jsonschema = pytest.importorskip("jsonschema", reason="pip install jsonschema into .venv (scripts/setup)")
spec_validator = pytest.importorskip(
    "openapi_spec_validator", reason="pip install openapi-spec-validator into .venv (scripts/setup)")

ROOT = pathlib.Path(__file__).resolve().parents[2]
SPEC_PATH = ROOT / "Sources" / "HopHub" / "Resources" / "openapi.json"
HUB_BIN = pathlib.Path(os.environ.get("HOP_BIN_DIR", ROOT / ".build" / "debug")) / "hop-hub"
SEED_TELEMETRY = {
    "substation_id": "SUB001", "feeder_id": "FDR002", "device_id": "SUB001-FDR002", "site_name": "Portland North",
    "latitude": 45.5231, "longitude": -122.6765, "voltage_kv": 229.8, "current_a": 1187.4, "power_mw": 274.2,
    "frequency_hz": 60.002,
}


def load_spec() -> dict:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


def schema_validator(spec: dict, schema: dict):
    """A JSON Schema 2020-12 validator for `schema` whose `#/components/...` refs resolve in `spec`."""
    wrapped = copy.deepcopy(schema)
    wrapped["components"] = spec["components"]
    return jsonschema.Draft202012Validator(wrapped, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def assert_valid(spec: dict, schema: dict, instance, what: str):
    errors = sorted(schema_validator(spec, schema).iter_errors(instance), key=lambda e: list(e.absolute_path))
    if errors:
        details = "\n".join(f"  at {list(e.absolute_path)}: {e.message}" for e in errors[:10])
        pytest.fail(f"{what} does not match its documented schema:\n{details}\n"
                    f"body: {json.dumps(instance)[:1500]}")


def deref(spec: dict, node: dict) -> dict:
    while "$ref" in node:
        target = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def response_schema(spec: dict, path: str, method: str, status: str):
    response = deref(spec, spec["paths"][path][method]["responses"][status])
    return response["content"]["application/json"]["schema"]


# ---------------------------------------------------------------- the document itself

def test_spec_is_valid_openapi_3_1():
    spec = load_spec()
    assert spec["openapi"].startswith("3.1")
    spec_validator.validate(spec)


def test_spec_lists_every_endpoint_the_hub_routes():
    expected = {
        ("post", "/api/ingest/telemetry"), ("post", "/api/ingest/event"), ("post", "/api/ingest/outage"),
        ("post", "/api/ingest/batch"),
        ("get", "/api/query/telemetry/latest"), ("get", "/api/query/telemetry/timeseries"),
        ("get", "/api/query/ml/latest"), ("get", "/api/query/ml/trend"), ("get", "/api/query/events"),
        ("get", "/api/query/outages/active"), ("get", "/api/query/frequency/thresholds"),
        ("get", "/api/query/frequency/rocof"),
        ("get", "/api/query/substations"), ("get", "/api/query/edges"),
        ("get", "/api/query/alerts"),
        ("get", "/api/health"), ("get", "/api/openapi.json"), ("get", "/metrics"),
        ("get", "/api/stream"), ("get", "/api/portal/config"), ("get", "/api/portal/layers/{name}"),
        ("put", "/api/admin/layers/{name}"), ("delete", "/api/admin/layers/{name}"), ("get", "/api/query/summary"),
        ("get", "/api/admin/users"), ("post", "/api/admin/users"), ("patch", "/api/admin/users/{email}"),
        ("post", "/api/admin/users/{email}/password"), ("post", "/api/admin/users/{email}/unlock"),
        ("delete", "/api/admin/users/{email}/sessions"), ("get", "/api/admin/keys"), ("post", "/api/admin/keys"),
        ("post", "/api/admin/keys/{name}/rotate"), ("delete", "/api/admin/keys/{name}"),
        ("get", "/api/admin/audit"), ("get", "/api/admin/audit.csv"),
        ("get", "/api/alarms"), ("get", "/api/alarms/summary"), ("get", "/api/alarms/kpis"), ("get", "/api/alarms/{id}/history"),
        ("post", "/api/alarms/acknowledge"), ("post", "/api/alarms/{id}/acknowledge"), ("post", "/api/alarms/{id}/shelve"),
        ("post", "/api/alarms/{id}/unshelve"), ("post", "/api/alarms/{id}/out-of-service"),
        ("post", "/api/alarms/{id}/return-to-service"),
        ("post", "/login"), ("post", "/logout"), ("get", "/api/session"),
        ("get", "/"), ("get", "/login"), ("get", "/admin"),
    }
    listed = {(m, p) for p, item in load_spec()["paths"].items() for m in item if m in ("get", "post", "put", "delete", "patch")}
    assert listed == expected


def test_error_code_enum_matches_the_swift_enum():
    swift = (ROOT / "Sources" / "HopProtocol" / "APIError.swift").read_text()
    import re
    codes = set()
    for name, raw in re.findall(r"case (\w+)(?: = \"(\w+)\")?", swift.split("public var httpStatus")[0]):
        codes.add(raw or name)
    assert set(load_spec()["components"]["schemas"]["ErrorCode"]["enum"]) == codes


def test_spec_examples_match_their_schemas():
    spec = load_spec()
    schemas = spec["components"]["schemas"]
    for name, schema in schemas.items():
        for i, example in enumerate(schema.get("examples", [])):
            if isinstance(example, dict) or name in ("SourceTime", "Timestamp"):
                assert_valid(spec, {"$ref": f"#/components/schemas/{name}"}, example, f"example {i} of {name}")
    for path, item in spec["paths"].items():
        for method, op in item.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            for key, ex in (body or {}).get("examples", {}).items():
                assert_valid(spec, body["schema"], ex["value"], f"{method.upper()} {path} request example {key}")
            for status, resp in op["responses"].items():
                content = deref(spec, resp).get("content", {}).get("application/json")
                if not content:
                    continue
                samples = [content["example"]] if "example" in content else []
                samples += [e["value"] for e in content.get("examples", {}).values()]
                for sample in samples:
                    assert_valid(spec, content["schema"], sample, f"{method.upper()} {path} {status} example")
    seed = spec["paths"]["/api/ingest/telemetry"]["post"]["requestBody"]["content"]["application/json"]["examples"]["seed"]
    assert seed["value"] == SEED_TELEMETRY


# ---------------------------------------------------------------- against a live hub

def _free_port() -> int:
    return waiting.free_port()


def _create_key(data_dir: pathlib.Path, name: str, *scope_args: str) -> str:
    out = subprocess.run([str(HUB_BIN), "keys", "create", "--data-dir", str(data_dir), "--name", name, *scope_args],
                         check=True, capture_output=True, text=True, timeout=60)
    return out.stdout.strip().splitlines()[-1]


class LiveHub:
    def __init__(self, tmp: pathlib.Path):
        self.data_dir = tmp / "data"
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.key = _create_key(self.data_dir, "t", "--all-substations", "--scope", "ingest,read")
        self.key_sub001 = _create_key(self.data_dir, "sub001", "--substations", "SUB001", "--scope", "ingest,read")
        self.key_read_only = _create_key(self.data_dir, "reader", "--all-substations", "--scope", "read")
        self.key_admin = _create_key(self.data_dir, "admin", "--all-substations", "--scope", "read,admin")
        self.log = open(tmp / "hub.log", "wb")
        self.proc = subprocess.Popen(
            [str(HUB_BIN), "serve", "--data-dir", str(self.data_dir), "--listen", f"127.0.0.1:{self.port}"],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"hop-hub exited with {self.proc.returncode}; log: {(tmp / 'hub.log').read_text()}")
            try:
                if requests.get(self.url + "/api/health", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("hop-hub did not answer /api/health within 30 s")
            time.sleep(0.1)

    def headers(self, key=None):
        return {"X-API-Key": key or self.key, "Content-Type": "application/json"}

    def post(self, path, body, key=None, **kw):
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        headers = self.headers(key)
        headers.update(kw.pop("headers", {}))
        return requests.post(self.url + path, data=data, headers=headers, timeout=10, **kw)

    def get(self, path, key=None, **kw):
        return requests.get(self.url + path, headers={"X-API-Key": key or self.key}, timeout=10, **kw)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@pytest.fixture(scope="module")
def contract_hub(tmp_path_factory):
    if not HUB_BIN.exists():
        pytest.skip(f"{HUB_BIN} is missing: build it first with `swift build` (this test never builds)")
    hub = LiveHub(tmp_path_factory.mktemp("openapi-contract"))
    try:
        seed_data(hub)
        yield hub
    finally:
        hub.stop()


def iso(ms: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + f".{ms % 1000:03d}Z"


def seed_data(hub: LiveHub):
    """A little of everything, so every response schema is exercised with real rows."""
    now = int(time.time() * 1000)
    r = hub.post("/api/ingest/telemetry", SEED_TELEMETRY)
    assert r.status_code == 200, r.text
    # A feeder-less, location-less reading with only one quantity (optional fields absent).
    assert hub.post("/api/ingest/telemetry", {"substation_id": "SUB001", "frequency_hz": 59.99}).status_code == 200
    # A few days of history so a 7-day window is answered from rollup buckets.
    history = [{"substation_id": "SUB001", "feeder_id": "FDR002", "voltage_kv": 230 + i % 3, "frequency_hz": 60 + (i % 5) / 100,
                "ts": now - i * 600_000} for i in range(1, 600)]
    batch = {"edge_id": "edge-contract", "seq": 1, "sent_at": iso(now), "telemetry": history,
             "events": [{"substation_id": "SUB001", "feeder_id": "FDR002", "severity": "ALARM", "event_type": "FEEDER_TRIP",
                         "old_state": "CLOSED", "new_state": "OPEN", "message": "trip", "latitude": 45.5, "longitude": -122.6,
                         "ts": now - 60_000}],
             "outages": [{"outage_id": "OUT-C1", "substation_id": "SUB001", "status": "ACTIVE", "ts": now - 30_000}],
             "health": {"journal_depth": 3, "oldest_unsent_age_s": 1.5, "evicted_total": 0, "quarantined_total": 0,
                        "devices": [{"name": "rtu-1", "substation_id": "SUB001", "comm_state": "ok",
                                     "last_poll_latency_ms": 12.5, "last_poll_at": now - 1000},
                                    {"name": "rtu-2", "substation_id": "SUB001", "comm_state": "failed"}],
                        "agent_version": "0.1.0"}}
    r = hub.post("/api/ingest/batch", gzip.compress(json.dumps(batch).encode()), headers={"Content-Encoding": "gzip"})
    assert r.status_code == 200 and r.json()["duplicate"] is False, r.text
    assert hub.post("/api/ingest/event", {"device_id": "SUB002-FDR001", "severity": "info", "event_type": "comm_fail"}).status_code == 200
    outage = {"outage_id": "OUT-C2", "substation_id": "SUB002", "feeder_id": "FDR001", "customers_out": 1250,
              "mw_interrupted": 4.5, "status": "active", "cause": "storm", "region": "North",
              "etr_time": iso(now + 3_600_000), "latitude": 45.6, "longitude": -122.7}
    assert hub.post("/api/ingest/outage", outage).status_code == 200
    assert hub.post("/api/ingest/telemetry", {"substation_id": "SUB002", "feeder_id": "FDR001", "voltage_kv": 115.1,
                                               "current_a": -12.5, "power_mw": -2.0, "frequency_hz": 60.01}).status_code == 200
    # No scorer runs yet in this hub version: put two scores in the store directly so the ML
    # endpoints' schemas are checked against real rows (the table is the hub's, see SQLiteSchema.swift).
    db = sqlite3.connect(hub.data_dir / "hop.sqlite", timeout=30)
    try:
        with db:
            for i, (score, z) in enumerate([(0.2, 0.5), (0.8, 2.0)]):
                db.execute("INSERT INTO scores VALUES (?,?,?,?,?,?,?,?,?)",
                           (now - (2 - i) * 60_000, "SUB001", score, int(abs(z) >= 2.5), z, 60.0, 0.01, 60.02, "zscore-v1"))
    finally:
        db.close()


GET_CASES = [
    ("/api/query/telemetry/latest", {}),
    ("/api/query/telemetry/latest", {"substation_id": "SUB001"}),
    ("/api/query/telemetry/timeseries", {"substation_id": "SUB001"}),
    ("/api/query/telemetry/timeseries", {"substation_id": "SUB001", "minutes": "10080"}),
    ("/api/query/telemetry/timeseries", {"substation_id": "SUB002", "minutes": "5"}),
    ("/api/query/ml/latest", {}),
    ("/api/query/ml/trend", {"minutes": "30"}),
    ("/api/query/ml/trend", {"limit": "1"}),
    ("/api/query/events", {}),
    ("/api/query/events", {"substation_id": "SUB001", "minutes": "10080", "limit": "5"}),
    ("/api/query/outages/active", {}),
    ("/api/query/frequency/thresholds", {}),
    ("/api/query/frequency/thresholds", {"minutes": "10080"}),
    ("/api/query/frequency/rocof", {}),
    ("/api/query/frequency/rocof", {"minutes": "10080"}),
    ("/api/query/substations", {}),
    ("/api/query/edges", {}),
    ("/api/health", {}),
    ("/api/alarms", {}),
    ("/api/alarms", {"state": "unacknowledged_active,shelved", "priority": "high", "substation_id": "SUB001"}),
    ("/api/alarms/summary", {}),
    ("/api/alarms/kpis", {}),
]


@pytest.mark.parametrize("path,params", GET_CASES, ids=[p + ("?" + "&".join(f"{k}={v}" for k, v in q.items()) if q else "") for p, q in GET_CASES])
def test_get_response_matches_documented_schema(contract_hub, path, params):
    spec = load_spec()
    r = contract_hub.get(path, params=params)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    assert_valid(spec, response_schema(spec, path, "get", "200"), body, f"GET {path} {params}")
    if isinstance(body, list):
        assert body, f"GET {path} returned no rows; the fixture should have produced some"


def test_documented_parameters_are_honoured(contract_hub):
    spec = load_spec()
    ts = contract_hub.get("/api/query/telemetry/timeseries", params={"substation_id": "SUB001"}).json()
    assert ts["minutes"] == 60 and ts["resolution_s"] == 0
    week = contract_hub.get("/api/query/telemetry/timeseries", params={"substation_id": "SUB001", "minutes": "10080"}).json()
    assert week["resolution_s"] > 0 and week["resolution_s"] % 60 == 0
    assert all("min" in p and "max" in p for p in week["points"])
    assert contract_hub.get("/api/query/frequency/thresholds").json()["minutes"] == 15
    assert len(contract_hub.get("/api/query/ml/trend", params={"limit": "1"}).json()) == 1
    for path, item in spec["paths"].items():
        for param in item.get("get", {}).get("parameters", []):
            param = deref(spec, param)
            if param["name"] == "minutes":
                for bad in ("0", "10081", "abc"):
                    q = {"minutes": bad, "substation_id": "SUB001"}
                    r = contract_hub.get(path, params=q)
                    assert r.status_code == 400 and r.json()["error"]["field"] == "minutes", (path, bad, r.text)
            if param["name"] == "limit":
                mx = param["schema"]["maximum"]
                # /api/admin routes refuse a non-admin before reading any parameter (a 403).
                key = contract_hub.key_admin if path.startswith("/api/admin/") else None
                r = contract_hub.get(path, key=key, params={"limit": str(mx + 1)})
                assert r.status_code == 400 and r.json()["error"]["field"] == "limit", (path, r.text)


def test_every_documented_path_exists(contract_hub):
    for path, item in load_spec()["paths"].items():
        for method in item:
            if method == "get":
                # stream=True: /api/stream (Server-Sent Events) answers 200 and never ends by itself.
                # No redirects: the answer of `path` itself is checked (GET / is a documented 302).
                r = contract_hub.get(path, params={"substation_id": "SUB001"}, stream=True, allow_redirects=False)
                r.close()
            elif method == "post":
                r = contract_hub.post(path, {})
            else:
                r = requests.request(method.upper(), contract_hub.url + path, data="{}", timeout=10,
                                     headers=contract_hub.headers())
            assert r.status_code != 404, f"{method.upper()} {path} is documented but the hub answers 404: {r.text}"
            assert r.status_code in {int(s) for s in item[method]["responses"] if s.isdigit()}, (method, path, r.status_code, r.text)


def test_a_documented_path_with_another_method_is_a_405_naming_the_documented_methods(contract_hub):
    spec = load_spec()
    checked = 0
    for path, item in spec["paths"].items():
        documented = sorted(m.upper() for m in item if m in {"get", "post", "put", "patch", "delete"})
        concrete = path.replace("{name}", "territory").replace("{email}", "someone@example.com")
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            if method in documented:
                continue
            r = requests.request(method, contract_hub.url + concrete, data="{}", timeout=10, headers=contract_hub.headers())
            assert r.status_code == 405, f"{method} {concrete}: {r.status_code} {r.text}"
            assert_valid(spec, {"$ref": "#/components/schemas/Error"}, r.json(), "405 body")
            assert r.json()["error"]["code"] == "method_not_allowed"
            allow = r.headers["Allow"].split(", ")
            # HEAD goes with GET; exactly the documented methods are offered.
            expected = set(documented) | ({"HEAD"} if "GET" in documented else set())
            assert set(allow) == expected, (method, path, allow)
            assert all(m in r.json()["error"]["message"] for m in documented)
            checked += 1
    assert checked > 100


def open_streams(hub) -> float:
    """The hub's open live streams (its /metrics gauge; 0 before the first stream)."""
    metrics = requests.get(hub.url + "/metrics", timeout=10).text
    return sum(float(v) for v in re.findall(r"^hop_live_streams\w*(?:\{[^}]*\})? (\S+)$", metrics, re.M))


def test_head_answers_like_get_without_a_body(contract_hub):
    for path, item in load_spec()["paths"].items():
        if "get" not in item:
            continue
        concrete = path.replace("{name}", "territory").replace("{email}", "someone@example.com")
        head = requests.head(contract_hub.url + concrete, headers=contract_hub.headers(), timeout=10)
        assert head.content == b"", concrete
        if concrete == "/api/stream":
            # A probe: the same checks and headers as GET, and no stream is opened for it.
            assert head.status_code == 200 and head.headers["Content-Type"].startswith("text/event-stream")
            continue
        get = requests.get(contract_hub.url + concrete, headers=contract_hub.headers(), timeout=10, allow_redirects=False)
        assert head.status_code == get.status_code, (concrete, head.status_code, get.status_code)
        assert head.headers.get("Content-Type") == get.headers.get("Content-Type"), concrete
    for _ in range(5):  # HEAD /api/stream opens no stream (earlier tests' streams may still be closing)
        before = open_streams(contract_hub)
        assert requests.head(contract_hub.url + "/api/stream", headers=contract_hub.headers(), timeout=10).ok
        assert open_streams(contract_hub) <= before
    refused = requests.head(contract_hub.url + "/api/stream", params={"substation_id": "SUB002"},
                            headers=contract_hub.headers(contract_hub.key_sub001), timeout=10)
    assert refused.status_code == 403


def test_undocumented_path_is_a_documented_404(contract_hub):
    spec = load_spec()
    r = contract_hub.get("/api/query/nope")
    assert r.status_code == 404
    assert_valid(spec, {"$ref": "#/components/schemas/Error"}, r.json(), "404 body")
    assert r.json()["error"]["code"] == "not_found"


def _error_cases(hub: LiveHub):
    big = {"substation_id": "SUB001", "frequency_hz": 60, "site_name": "x" * 70_000}
    yield "post", "/api/ingest/telemetry", 400, "malformed_json", lambda: hub.post("/api/ingest/telemetry", "{not json")
    yield "post", "/api/ingest/telemetry", 401, "unauthenticated", lambda: requests.post(
        hub.url + "/api/ingest/telemetry", json=SEED_TELEMETRY, timeout=10)
    yield "post", "/api/ingest/telemetry", 403, "forbidden", lambda: hub.post(
        "/api/ingest/telemetry", dict(SEED_TELEMETRY, substation_id="SUB002"), key=hub.key_sub001)
    yield "post", "/api/ingest/telemetry", 403, "forbidden", lambda: hub.post(
        "/api/ingest/telemetry", SEED_TELEMETRY, key=hub.key_read_only)
    yield "post", "/api/ingest/telemetry", 413, "payload_too_large", lambda: hub.post("/api/ingest/telemetry", big)
    yield "post", "/api/ingest/telemetry", 415, "unsupported_media_type", lambda: hub.post(
        "/api/ingest/telemetry", SEED_TELEMETRY, headers={"Content-Type": "text/plain"})
    yield "post", "/api/ingest/telemetry", 422, "validation_failed", lambda: hub.post(
        "/api/ingest/telemetry", dict(SEED_TELEMETRY, frequency_hz=80))
    yield "post", "/api/ingest/event", 422, "validation_failed", lambda: hub.post(
        "/api/ingest/event", {"severity": "bad severity", "event_type": "X"})
    yield "post", "/api/ingest/outage", 409, "conflict", lambda: hub.post(
        "/api/ingest/outage", {"outage_id": "OUT-C1", "substation_id": "SUB009", "status": "ACTIVE"})
    yield "post", "/api/ingest/batch", 415, "unsupported_media_type", lambda: hub.post(
        "/api/ingest/batch", {"edge_id": "e", "seq": 1}, headers={"Content-Encoding": "br"})
    yield "post", "/api/ingest/batch", 400, "malformed_json", lambda: hub.post(
        "/api/ingest/batch", b"not gzip", headers={"Content-Encoding": "gzip"})
    yield "post", "/api/ingest/batch", 422, "validation_failed", lambda: hub.post(
        "/api/ingest/batch", {"edge_id": "e", "seq": 0})
    yield "get", "/api/query/telemetry/timeseries", 400, "invalid_parameter", lambda: hub.get("/api/query/telemetry/timeseries")
    yield "get", "/api/query/events", 401, "unauthenticated", lambda: requests.get(hub.url + "/api/query/events", timeout=10)
    yield "get", "/api/query/events", 403, "forbidden", lambda: hub.get(
        "/api/query/events", key=hub.key_sub001, params={"substation_id": "SUB002"})


def test_errors_have_the_documented_shape_and_status(contract_hub):
    spec = load_spec()
    for method, path, status, code, call in _error_cases(contract_hub):
        r = call()
        assert r.status_code == status, (method, path, status, r.status_code, r.text)
        assert str(status) in spec["paths"][path][method]["responses"], f"{method} {path} does not document {status}"
        schema = response_schema(spec, path, method, str(status))
        assert_valid(spec, schema, r.json(), f"{status} from {method.upper()} {path}")
        assert r.json()["error"]["code"] == code


def test_batch_duplicate_receipt_matches_schema(contract_hub):
    spec = load_spec()
    batch = {"edge_id": "edge-dup", "seq": 7, "telemetry": [{"substation_id": "SUB001", "frequency_hz": 60.0}]}
    first = contract_hub.post("/api/ingest/batch", batch)
    again = contract_hub.post("/api/ingest/batch", batch)
    schema = response_schema(spec, "/api/ingest/batch", "post", "200")
    for r in (first, again):
        assert r.status_code == 200, r.text
        assert_valid(spec, schema, r.json(), "batch receipt")
    assert first.json()["duplicate"] is False and first.json()["telemetry"] == 1
    assert again.json()["duplicate"] is True and again.json()["telemetry"] == 0


def test_hub_serves_this_document(contract_hub):
    r = requests.get(contract_hub.url + "/api/openapi.json", timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
    assert r.json() == load_spec(), (
        "the hub serves a different openapi.json than Sources/HopHub/Resources/openapi.json: rebuild the hub")


def test_metrics_is_prometheus_text(contract_hub):
    r = requests.get(contract_hub.url + "/metrics", timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain")
    for name in ("hop_ingest_records_total", "hop_http_request_duration_seconds", "hop_writer_queue_records",
                 "hop_database_size_bytes"):
        assert name in r.text, name


def test_login_and_session_match_their_schemas(contract_hub):
    """A real portal user: POST /login and GET /api/session answer what the document says, and the
    session's errors (bad password, no cookie) have documented statuses."""
    spec = load_spec()
    password = "correct horse battery staple"
    made = subprocess.run(
        [str(HUB_BIN), "users", "create", "--data-dir", str(contract_hub.data_dir), "--email", "contract@example.com",
         "--name", "Contract Op", "--role", "operator", "--substations", "SUB001", "--password-stdin"],
        input=password + "\n", capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    s = requests.Session()
    r = s.post(contract_hub.url + "/login", json={"email": "contract@example.com", "password": password}, timeout=10)
    assert r.status_code == 200, r.text
    assert_valid(spec, response_schema(spec, "/login", "post", "200"), r.json(), "POST /login")
    r = s.get(contract_hub.url + "/api/session", timeout=10)
    assert r.status_code == 200, r.text
    assert_valid(spec, response_schema(spec, "/api/session", "get", "200"), r.json(), "GET /api/session")
    assert r.json()["substations"] == ["SUB001"] and r.json()["role"] == "operator"
    wrong = requests.post(contract_hub.url + "/login", json={"email": "contract@example.com", "password": "nope nope nope"}, timeout=10)
    assert wrong.status_code == 401
    assert_valid(spec, response_schema(spec, "/login", "post", "401"), wrong.json(), "POST /login 401")
    anonymous = requests.get(contract_hub.url + "/api/session", timeout=10)
    assert anonymous.status_code == 401
    assert_valid(spec, response_schema(spec, "/api/session", "get", "401"), anonymous.json(), "GET /api/session 401")
    out = s.post(contract_hub.url + "/logout", headers={"X-CSRF-Token": r.json()["csrf_token"]}, timeout=10)
    assert out.status_code == 204
    assert s.get(contract_hub.url + "/api/session", timeout=10).status_code == 401
