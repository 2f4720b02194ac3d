"""Property-based fuzzing of the hub's HTTP API from its own OpenAPI document (schemathesis).

ONE `hop-hub serve` (real SQLite data directory, loopback port picked by the test) is fuzzed twice
from its OpenAPI document (the file it serves at /api/openapi.json; checked first):

1. authenticated with an API key of every scope (`ingest,read,admin`, all substations) in `X-API-Key`;
2. authenticated as a portal admin: the `hop_session` cookie from `POST /login` plus the session's
   `X-CSRF-Token` on every request.

Every generated request (the document's examples, then generated valid and invalid inputs) must get
an answer that is not a 5xx, whose status the operation documents, whose `Content-Type` is one the
operation documents for that status, and whose body validates against that status's schema; the
hub must not die. `/api/stream` gets the same checks with a bounded read (it never ends by itself).
At the end the same hub process is alive, `/api/health` is 200, and the fuzzing key and session still
work. Generation is deterministic (fixed seed, derandomized Hypothesis) and bounded
(`HOP_FUZZ_MAX_EXAMPLES` generated cases per operation and run, default below), so a failure
reproduces on the next run; each failure prints the request as a curl command.

Uses the existing `.build/debug/hop-hub` (never builds); skips with a reason when it is missing.
"""
import gzip
import json
import os
import time

import pytest
import requests

schemathesis = pytest.importorskip("schemathesis", reason="pip install schemathesis into .venv (scripts/setup)")
from hypothesis import HealthCheck, Phase, settings  # noqa: E402 (schemathesis brings hypothesis)
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance, response_schema_conformance, status_code_conformance)

from conftest import BIN, ROOT, Hub  # noqa: E402

SEED = 20261126
MAX_EXAMPLES = int(os.environ.get("HOP_FUZZ_MAX_EXAMPLES", "25"))
REQUEST_TIMEOUT = 15


@schemathesis.check
def status_code_listed(ctx, response, case):
    """The status is one the operation lists itself. Stricter than status_code_conformance, which
    accepts any status once an operation has a `default` response (every error-answering operation
    here has one), so that a status the document does not name for this operation fails too."""
    if case.method.upper() != case.operation.method.upper():
        return None  # the coverage phase's probes with a method the path does not have (405 + Allow)
    listed = {str(code) for code in case.operation.responses.status_codes}
    status = str(response.status_code)
    if status not in listed and f"{status[0]}XX" not in listed:
        raise AssertionError(f"{case.operation.label} answered {status}, which it does not list "
                             f"(it lists {', '.join(sorted(listed - {'default'}))})")
    return True


CHECKS = [not_a_server_error, status_code_conformance, status_code_listed, content_type_conformance,
          response_schema_conformance]

# The identities the fuzzer uses. No operation may be aimed at them (see `aims_at_the_fuzzer`): the
# hub would rightly revoke the key, rotate its secret, deactivate or demote the user or end its
# sessions, and every later request would be a 401 instead of a test of the endpoint.
FUZZ_KEY_NAME = "fuzz-all-scopes"
FUZZ_EMAIL = "fuzzer@hop-fuzz.test"
FUZZ_PASSWORD = "Fuzzing-Is-Fun-2026"

HUB_ENV = {
    # Cheap bcrypt: the fuzzer creates users and resets passwords; the cost is no part of what is tested.
    "HOP_HUB_ACCOUNTS_BCRYPT_COST": "4",
}

FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,  # the same cases on every run: a failure found once is found again
    deadline=None,  # a debug build on a shared 2-core machine; speed is not what is checked here
    database=None,  # no example database in the work tree; derandomize makes it useless anyway
    phases=[Phase.explicit, Phase.generate],  # no shrinking: it would spend the budget on one failure
    # The health checks judge the generator's own speed and filtering (slow on a busy machine), not the hub.
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)


class FuzzTarget:
    def __init__(self, hub: Hub, key: str, session_id: str, csrf: str):
        self.hub = hub
        self.key = key
        self.session_id = session_id
        self.csrf = csrf
        self.cases = {"key": 0, "session": 0, "stream": 0}
        self.statuses: dict[int, int] = {}

    @property
    def url(self) -> str:
        return self.hub.url

    def log_tail(self, size: int = 6000) -> str:
        try:
            return self.hub.log.read_bytes()[-size:].decode(errors="replace")
        except OSError as exc:
            return f"(no hub log: {exc})"

    def assert_alive(self, after: str):
        code = self.hub.proc.poll()
        assert code is None, f"hop-hub exited with status {code} after {after}\nhub log tail:\n{self.log_tail()}"


def seed_data(url: str, key: str):
    """A little of everything, so the query endpoints answer with rows the response schemas check."""
    now = int(time.time() * 1000)
    headers = {"X-API-Key": key}
    reading = {"substation_id": "SUB001", "feeder_id": "FDR002", "device_id": "SUB001-FDR002",
               "site_name": "Portland North", "latitude": 45.5231, "longitude": -122.6765, "voltage_kv": 229.8,
               "current_a": 1187.4, "power_mw": 274.2, "frequency_hz": 60.002}
    r = requests.post(url + "/api/ingest/telemetry", json=reading, headers=headers, timeout=10)
    assert r.status_code == 200, r.text
    batch = {
        "edge_id": "edge-fuzz", "seq": 1,
        "telemetry": [{"substation_id": "SUB002", "frequency_hz": 60 + i / 100, "voltage_kv": 115.0,
                       "ts": now - i * 60_000} for i in range(1, 30)],
        "events": [{"substation_id": "SUB001", "feeder_id": "FDR002", "severity": "ALARM", "event_type": "FEEDER_TRIP",
                    "old_state": "CLOSED", "new_state": "OPEN", "message": "trip", "ts": now - 60_000}],
        "outages": [{"outage_id": "OUT-FUZZ-1", "substation_id": "SUB001", "status": "ACTIVE", "customers_out": 120,
                     "ts": now - 30_000}],
        "health": {"journal_depth": 0, "oldest_unsent_age_s": 0, "evicted_total": 0, "quarantined_total": 0,
                   "devices": [{"name": "rtu-1", "substation_id": "SUB001", "comm_state": "ok",
                                "last_poll_latency_ms": 12.5, "last_poll_at": now - 1000}],
                   "agent_version": "0.1.0"},
    }
    r = requests.post(url + "/api/ingest/batch", data=gzip.compress(json.dumps(batch).encode()), timeout=10,
                      headers={**headers, "Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert r.status_code == 200, r.text


@pytest.fixture(scope="module")
def fuzz_hub(tmp_path_factory):
    if not (BIN / "hop-hub").exists():
        pytest.skip(f"{BIN / 'hop-hub'} is missing: build it first with `swift build` (this test never builds)")
    hub = Hub(tmp_path_factory.mktemp("fuzz") / "hub-data", **HUB_ENV)
    hub.data_dir.mkdir(parents=True)
    key = hub.create_key(FUZZ_KEY_NAME, scope="ingest,read,admin")
    hub.cli("users", "create", "--email", FUZZ_EMAIL, "--name", "Fuzz Admin", "--role", "admin",
            "--password-stdin", stdin=FUZZ_PASSWORD + "\n")
    hub.start()
    try:
        # Logged in before any fuzzing: the fuzzed POST /login attempts lock the loopback address out.
        r = requests.post(hub.url + "/login", json={"email": FUZZ_EMAIL, "password": FUZZ_PASSWORD}, timeout=10)
        assert r.status_code == 200, r.text
        target = FuzzTarget(hub, key, r.cookies["hop_session"], r.json()["user"]["csrf_token"])
        seed_data(hub.url, key)
        yield target
    finally:
        if hub.proc:
            hub.stop()


# The document is loaded from its source at collection time (pytest needs the operations before any
# hub runs, to make one test per operation); test_the_hub_serves_the_fuzzed_document checks first
# that the hub under test serves exactly this document.
SPEC_PATH = ROOT / "Sources" / "HopHub" / "Resources" / "openapi.json"
SCHEMA = schemathesis.openapi.from_path(SPEC_PATH, config=schemathesis.Config.from_dict({
    "seed": SEED,
    "request-timeout": REQUEST_TIMEOUT,
    "generation": {"deterministic": True, "max-examples": MAX_EXAMPLES},
}))


def test_the_hub_serves_the_fuzzed_document(fuzz_hub):
    r = requests.get(fuzz_hub.url + "/api/openapi.json", timeout=10)
    assert r.status_code == 200, r.text
    assert r.json() == json.loads(SPEC_PATH.read_text(encoding="utf-8")), (
        "the hub serves another openapi.json than the one fuzzed: rebuild it (swift build)")


def aims_at_the_fuzzer(case) -> bool:
    """True when the case names the fuzzing key or user in its path: such a case would revoke or
    rotate the key, or deactivate, demote or log out the user (see FUZZ_KEY_NAME)."""
    params = case.path_parameters or {}
    name = str(params.get("name", "")).strip().lower()
    email = str(params.get("email", "")).strip().lower()
    return ("/keys/" in case.path and name == FUZZ_KEY_NAME) or email == FUZZ_EMAIL


def send(case, target: FuzzTarget, headers: dict, cookies: dict, **transport) -> requests.Response:
    """Sends the case as schemathesis would, except that a body declared `Content-Encoding: gzip`
    (the ingest endpoints document that header) really is gzip-compressed, as a client sending that
    header does: otherwise nearly every case carrying it would stop at the gzip decoder's 400 and
    never reach the body's validation. A failing case's curl command shows the body uncompressed."""
    kwargs = case.as_transport_kwargs(base_url=target.url, headers=headers)
    kwargs["cookies"] = {**(kwargs.get("cookies") or {}), **cookies}
    if cookies:
        # schemathesis fills in the first security alternative, X-API-Key (empty, or invalid in
        # negative cases); the hub would use that key and ignore the cookie, so a cookie-authenticated
        # request never carries the header.
        kwargs["headers"] = {k: v for k, v in kwargs["headers"].items() if k.lower() != "x-api-key"}
    encoding = next((str(v) for k, v in kwargs["headers"].items() if k.lower() == "content-encoding"), "")
    if encoding.strip().lower() in ("gzip", "x-gzip"):
        if kwargs.get("json") is not None:
            raw = json.dumps(kwargs.pop("json"), allow_nan=False).encode()
        else:
            raw = kwargs.pop("data", None)
            raw = raw.encode() if isinstance(raw, str) else raw
        if isinstance(raw, bytes):
            kwargs["data"] = gzip.compress(raw, mtime=0)
            print(f"{case.operation.label}: body sent gzip-compressed; uncompressed: {raw[:2000]!r}")
    kwargs.update(timeout=REQUEST_TIMEOUT, allow_redirects=False, **transport)
    try:
        return requests.request(**kwargs)
    except requests.RequestException as exc:
        target.assert_alive(f"{case.operation.label}: {exc!r}")
        raise


def call_and_check(case, target: FuzzTarget, run: str, headers: dict, cookies: dict | None = None):
    response = send(case, target, headers, cookies or {})
    target.cases[run] += 1
    target.statuses[response.status_code] = target.statuses.get(response.status_code, 0) + 1
    case.validate_response(response, checks=CHECKS)
    return response


# Excluded from both runs, with the reason:
# - GET /api/stream: a Server-Sent Events stream that never ends by itself; schemathesis reads a
#   body to its end. It is fuzzed below with a bounded read (test_fuzz_live_stream).
key_schema = SCHEMA.exclude(name="GET /api/stream")
# Excluded from the session run only (the key run covers them, with no cookie):
# - POST /login: ends the session the request presents (login always makes a new one), so it would
#   log the fuzzing user out;
# - POST /logout: ends the presented session, by design.
session_schema = key_schema.exclude(name=["POST /login", "POST /logout"])


@key_schema.parametrize()
@FUZZ_SETTINGS
def test_fuzz_with_an_admin_api_key(case, fuzz_hub):
    if aims_at_the_fuzzer(case):
        return
    call_and_check(case, fuzz_hub, "key", headers={"X-API-Key": fuzz_hub.key})


@session_schema.parametrize()
@FUZZ_SETTINGS
def test_fuzz_with_a_session_cookie_and_csrf_token(case, fuzz_hub):
    if aims_at_the_fuzzer(case):
        return
    call_and_check(case, fuzz_hub, "session", headers={"X-CSRF-Token": fuzz_hub.csrf},
                   cookies={"hop_session": fuzz_hub.session_id})


stream_schema = SCHEMA.include(name="GET /api/stream")


@stream_schema.parametrize()
@FUZZ_SETTINGS
def test_fuzz_live_stream(case, fuzz_hub):
    """/api/stream with generated parameters, once per caller kind: an error answer is read whole and
    checked like any other; a 200 must be `text/event-stream` and start its preamble within the
    timeout, then the stream is closed (its body is not a JSON document to validate)."""
    for run, headers, cookies in (("key", {"X-API-Key": fuzz_hub.key}, {}),
                                  ("session", {}, {"hop_session": fuzz_hub.session_id})):
        with send(case, fuzz_hub, headers, cookies, stream=True) as r:
            fuzz_hub.cases["stream"] += 1
            fuzz_hub.statuses[r.status_code] = fuzz_hub.statuses.get(r.status_code, 0) + 1
            if r.status_code != 200:
                r.content  # an error answer ends: read it whole, then check it like the others
                case.validate_response(r, checks=CHECKS)
                continue
            assert r.headers.get("Content-Type", "").startswith("text/event-stream"), (run, r.headers)
            first = next(r.iter_content(chunk_size=None), b"")
            assert first.startswith((b"retry:", b":", b"event:", b"id:")), (run, first[:200])


def test_the_hub_survived_the_fuzzing(fuzz_hub, request):
    """Runs last: the very process that took every fuzzed request still answers, and the fuzzing
    identities were never hit (the exclusions above did their job)."""
    fuzz_hub.assert_alive("the fuzz runs")
    health = requests.get(fuzz_hub.url + "/api/health", timeout=10)
    assert health.status_code == 200 and health.json()["status"] == "ok", health.text
    key = requests.get(fuzz_hub.url + "/api/query/substations", headers={"X-API-Key": fuzz_hub.key}, timeout=10)
    assert key.status_code == 200, key.text
    session = requests.get(fuzz_hub.url + "/api/session", cookies={"hop_session": fuzz_hub.session_id}, timeout=10)
    assert session.status_code == 200 and session.json()["email"] == FUZZ_EMAIL, session.text
    # The runs really ran: every operation got its cases (a filter or fixture mistake would otherwise
    # let this module pass having fuzzed nothing). Only checked when the fuzz tests were collected.
    collected = {getattr(item, "originalname", item.name) for item in request.session.items}
    for run, test in (("key", "test_fuzz_with_an_admin_api_key"),
                      ("session", "test_fuzz_with_a_session_cookie_and_csrf_token"), ("stream", "test_fuzz_live_stream")):
        if test in collected:
            assert fuzz_hub.cases[run] >= (2 if run == "stream" else 30) * min(MAX_EXAMPLES, 10), fuzz_hub.cases
    print(f"fuzzed requests: {fuzz_hub.cases}; statuses: {dict(sorted(fuzz_hub.statuses.items()))}")
