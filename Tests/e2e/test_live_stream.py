"""GET /api/stream against a real hop-hub process: Server-Sent Events, scoped by the caller's grants.

- a reading POSTed during the test arrives as an SSE `reading` event (latency printed; bench/portal-live measures it);
- a key (and a portal user) limited to SUB001 never receives SUB002 data;
- `?substation_id=` outside the grants is a 403; no credentials a 401;
- heartbeats, `retry:` and `id:` lines; Last-Event-ID replay after a reconnect;
- SIGTERM with open streams exits 0 quickly and ends the streams;
- logout ends that session's stream; rotating a key ends the old secret's stream;
- one caller cannot take every stream (live.max_streams_per_caller → 429 + Retry-After);
- layer upload/delete audits the client address behind a trusted proxy;
- /api/query/ml/trend over 7 days is bounded, keeps every anomaly and ends at the newest score.
"""
import json
import queue
import signal
import statistics
import threading
import time
from datetime import datetime

import pytest
import requests

from conftest import Hub
from waiting import wait_until

pytestmark = pytest.mark.both_backends


class Stream:
    """An open /api/stream response read on a thread; parsed events land in `events`.

    `ended` is set when the hub ends the stream (the response completes or the hub closes the
    connection). Anything else that stops the reader (an event that does not parse, a read timeout)
    is kept in `error` and raised by the next call of `next_matching`, `wait_ended` or `close`."""

    def __init__(self, url: str, headers: dict, path: str = "/api/stream"):
        self.response = requests.get(url + path, headers=headers, stream=True, timeout=(5, 60))
        self.events = queue.Queue()
        self.comments = []
        self.retry = None
        self.ended = threading.Event()
        self.error = None
        self._stopped = threading.Event()
        self._closing = False
        if self.response.status_code == 200:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        try:
            self._parse()
            self.ended.set()
        except requests.exceptions.ChunkedEncodingError:  # the hub closed the connection
            self.ended.set()
        except Exception as exc:  # noqa: BLE001 - handed to the test's thread
            if not self._closing:  # reading a response the test closed fails in many ways
                self.error = exc
        finally:
            self._stopped.set()

    def _raise_reader_error(self):
        if self.error is not None:
            raise AssertionError(f"the stream's reader failed: {self.error!r}") from self.error

    def _parse(self):
        event = {}
        for line in self.response.iter_lines(chunk_size=1, decode_unicode=True):
            if line == "":
                if "data" in event:
                    event["received"] = time.monotonic()
                    event["json"] = json.loads(event["data"])
                    self.events.put(event)
                event = {}
            elif line.startswith(":"):
                self.comments.append(line[1:].strip())
            else:
                field, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if field == "retry":
                    self.retry = int(value)
                elif field == "data":
                    event["data"] = event.get("data", "") + value
                else:
                    event[field] = value

    def next_matching(self, predicate, timeout: float, seen: list | None = None):
        """The first event satisfying `predicate` within `timeout` s; other events go to `seen`."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self._raise_reader_error()
                raise AssertionError(f"no matching event within {timeout}s; saw {[e.get('event') for e in (seen or [])]}")
            try:
                event = self.events.get(timeout=min(left, 0.1))
            except queue.Empty:
                self._raise_reader_error()
                continue
            if predicate(event):
                return event
            if seen is not None:
                seen.append(event)

    def wait_ended(self, timeout: float) -> bool:
        """Whether the hub ended the stream within `timeout` s; a failed reader is raised instead."""
        self._stopped.wait(timeout)
        self._raise_reader_error()
        return self.ended.is_set()

    def close(self):
        self._closing = not self._stopped.is_set()
        self.response.close()
        self._raise_reader_error()


def reading(sub: str, feeder: str = "FDR001", frequency: float = 60.0, **extra) -> dict:
    return {"substation_id": sub, "feeder_id": feeder, "site_name": f"Site {sub}", "latitude": 45.5, "longitude": -122.6,
            "voltage_kv": 230.0, "current_a": 1000.0, "power_mw": 250.0, "frequency_hz": frequency, **extra}


OPERATOR = ("rita.restricted@example.com", "Restricted-Shift-2026")


def create_operator(hub, email: str, password: str, substations: str):
    hub.cli("users", "create", "--email", email, "--name", "Rita", "--role", "operator", "--substations", substations,
            "--password-stdin", stdin=password + "\n")


@pytest.fixture
def live_hub(tmp_path):
    hub = Hub(tmp_path / "hub-data", HOP_HUB_LIVE_HEARTBEAT_S="1", HOP_HUB_ACCOUNTS_BCRYPT_COST="4",
                 HOP_HUB_SCORING_INTERVAL_S="1")
    hub.data_dir.mkdir(parents=True)
    hub.keys = {
        "ingest": hub.create_key("ingester", scope="ingest"),
        "edge": hub.create_key("edge-north", scope="ingest"),
        "all": hub.create_key("reader", scope="read"),
        "sub1": hub.create_key("sub1-reader", substations="SUB001", scope="read"),
        "admin": hub.create_key("admin", scope="read,admin"),
    }
    create_operator(hub, *OPERATOR, substations="SUB001")
    hub.start()
    yield hub
    hub.stop(signal.SIGKILL) if hub.proc else None


def post(hub, path: str, body: dict):
    r = requests.post(hub.url + path, json=body, headers={"X-API-Key": hub.keys["ingest"]}, timeout=10)
    assert r.status_code == 200, r.text
    return r


def test_posted_reading_arrives_as_an_sse_event(live_hub):
    stream = Stream(live_hub.url, {"X-API-Key": live_hub.keys["all"]})
    try:
        assert stream.response.status_code == 200
        assert stream.response.headers["Content-Type"].startswith("text/event-stream")
        assert stream.response.headers["Cache-Control"] == "no-cache"
        latencies = []
        for i in range(20):
            # Distinct feeders: one reading per substation+feeder per 250 ms goes out at once.
            frequency = round(60.0 + i / 1000, 3)
            sent = time.monotonic()
            post(live_hub, "/api/ingest/telemetry", reading("SUB001", feeder=f"FDR{i:03d}", frequency=frequency))
            event = stream.next_matching(
                lambda e: e.get("event") == "reading" and e["json"]["feeder_id"] == f"FDR{i:03d}", timeout=10)
            latencies.append(event["received"] - sent)
            item = event["json"]
            assert item["substation_id"] == "SUB001" and item["frequency_hz"] == frequency
            assert set(item) >= {"time", "substation_id", "feeder_id", "site_name", "voltage_kv", "frequency_hz"}
            assert event["id"].count("-") == 1
        latencies.sort()
        p50, p95 = statistics.median(latencies), latencies[int(len(latencies) * 0.95) - 1]
        print(f"\ningest→SSE latency over {len(latencies)} readings: p50 {p50 * 1000:.1f} ms, "
              f"p95 {p95 * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms")
        # A sanity bound, not the target: the portal's "within 2 s" is measured by bench/portal-live;
        # here a median of 5 s would only mean the push is broken, never a slow machine.
        assert p50 < 5.0, latencies
        assert stream.retry == 2000
        # Same shape as /api/query/telemetry/latest items.
        latest = requests.get(live_hub.url + "/api/query/telemetry/latest", headers={"X-API-Key": live_hub.keys["all"]},
                              timeout=10).json()
        pushed = event["json"]
        fetched = next(x for x in latest if x["feeder_id"] == pushed["feeder_id"])
        assert pushed == fetched
        # Heartbeat comments (1 s here, 15 s by default) keep idle streams alive.
        wait_until(lambda: "heartbeat" in stream.comments, timeout=5, what="a heartbeat comment")
    finally:
        stream.close()


def test_stream_limited_to_sub001_never_carries_sub002(live_hub):
    limited = Stream(live_hub.url, {"X-API-Key": live_hub.keys["sub1"]})
    everything = Stream(live_hub.url, {"X-API-Key": live_hub.keys["all"]})
    try:
        assert limited.response.status_code == 200 and everything.response.status_code == 200
        post(live_hub, "/api/ingest/telemetry", reading("SUB002", site_name="Secret Site"))
        post(live_hub, "/api/ingest/event", {"substation_id": "SUB002", "feeder_id": "FDR001", "severity": "ALARM",
                                             "event_type": "FEEDER_TRIP", "message": "SUB002 tripped"})
        post(live_hub, "/api/ingest/outage", {"outage_id": "OUT-SUB002", "substation_id": "SUB002", "status": "ACTIVE",
                                              "customers_out": 99})
        post(live_hub, "/api/ingest/event", {"severity": "INFO", "event_type": "NOTE", "message": "unattributed"})
        post(live_hub, "/api/ingest/event", {"substation_id": "SUB001", "severity": "ALARM", "event_type": "FEEDER_TRIP",
                                             "message": "marker"})
        seen = []
        marker = limited.next_matching(lambda e: e.get("event") == "event" and e["json"].get("message") == "marker",
                                       timeout=5, seen=seen)
        assert marker["json"]["substation_id"] == "SUB001" and isinstance(marker["json"]["id"], int)
        assert all("SUB002" not in e["data"] and "Secret" not in e["data"] and "unattributed" not in e["data"]
                   for e in seen), seen
        # The unrestricted reader got all of it (so the filter, not a lost message, explains the silence).
        kinds = set()
        everything.next_matching(lambda e: kinds.add((e.get("event"), e["json"].get("substation_id"))) or
                                 e["json"].get("message") == "marker", timeout=5)
        assert {("reading", "SUB002"), ("event", "SUB002"), ("outage", "SUB002"), ("event", None)} <= kinds
        # And nothing SUB002 shows up later either.
        post(live_hub, "/api/ingest/telemetry", reading("SUB001", feeder="FDR009"))
        limited.next_matching(lambda e: e["json"].get("feeder_id") == "FDR009", timeout=5, seen=seen)
        assert all("SUB002" not in e["data"] for e in seen)
    finally:
        limited.close()
        everything.close()


def test_portal_user_limited_to_sub001_never_gets_sub002_and_deactivation_ends_the_stream(live_hub):
    session = requests.Session()
    login = session.post(live_hub.url + "/login", json={"email": OPERATOR[0], "password": OPERATOR[1]}, timeout=10)
    assert login.status_code == 200, login.text
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    stream = Stream(live_hub.url, {"Cookie": cookie})
    try:
        assert stream.response.status_code == 200
        post(live_hub, "/api/ingest/telemetry", reading("SUB002", site_name="Secret Site"))
        post(live_hub, "/api/ingest/event", {"substation_id": "SUB002", "severity": "ALARM", "event_type": "FEEDER_TRIP",
                                             "message": "SUB002 tripped"})
        post(live_hub, "/api/ingest/telemetry", reading("SUB001", feeder="FDR777"))
        seen = []
        stream.next_matching(lambda e: e["json"].get("feeder_id") == "FDR777", timeout=5, seen=seen)
        assert all("SUB002" not in e["data"] and "Secret" not in e["data"] for e in seen), seen
        forbidden = session.get(live_hub.url + "/api/stream?substation_id=SUB002", timeout=10)
        assert forbidden.status_code == 403
        # Deactivating the user ends their open stream at once (the browser then gets a 401 on reconnect).
        r = requests.patch(live_hub.url + "/api/admin/users/" + OPERATOR[0], json={"active": False},
                           headers={"X-API-Key": live_hub.keys["admin"]}, timeout=10)
        assert r.status_code == 200, r.text
        assert stream.wait_ended(5), "the deactivated user's stream stayed open"
        assert requests.get(live_hub.url + "/api/stream", headers={"Cookie": cookie}, timeout=10).status_code == 401
    finally:
        stream.close()


def test_every_event_kind_is_pushed_in_the_shape_the_queries_answer(live_hub):
    """edge (batch health), reading, score (the scorer's pass), event + alert (a trip), outage."""
    stream = Stream(live_hub.url, {"X-API-Key": live_hub.keys["all"]})
    try:
        now_ms = int(time.time() * 1000)
        telemetry = [dict(reading("SUB001", frequency=60.0 + (0.05 if i == 19 else 0.001 * (i % 3))), ts=now_ms - (20 - i) * 1000)
                     for i in range(20)]
        health = {"journal_depth": 17, "oldest_unsent_age_s": 4.5, "evicted_total": 0, "quarantined_total": 0,
                  "devices": [{"name": "rtu-1", "substation_id": "SUB001", "comm_state": "ok"}]}
        r = requests.post(live_hub.url + "/api/ingest/batch", headers={"X-API-Key": live_hub.keys["edge"]}, timeout=10,
                          json={"edge_id": "edge-north", "seq": 1, "telemetry": telemetry, "health": health})
        assert r.status_code == 200, r.text
        post(live_hub, "/api/ingest/event", {"substation_id": "SUB001", "feeder_id": "FDR001", "severity": "ALARM",
                                             "event_type": "FEEDER_TRIP", "message": "FDR001 tripped"})
        post(live_hub, "/api/ingest/outage", {"outage_id": "OUT-1", "substation_id": "SUB001", "status": "ACTIVE",
                                              "customers_out": 1250, "mw_interrupted": 4.5})
        got = {}
        stream.next_matching(lambda e: got.setdefault(e["event"], e["json"]) is None or
                             {"edge", "reading", "score", "event", "alert", "outage"} <= set(got), timeout=10)
        read = {"X-API-Key": live_hub.keys["all"]}
        q = lambda path: requests.get(live_hub.url + path, headers=read, timeout=10).json()
        assert got["edge"] == q("/api/query/edges")[0]
        assert got["edge"]["health"]["journal_depth"] == 17
        assert got["reading"]["substation_id"] == "SUB001"
        assert got["score"] in q("/api/query/ml/trend?minutes=5")
        assert got["event"] in q("/api/query/events?minutes=5")
        assert got["alert"] in q("/api/query/alerts?minutes=5"), got["alert"]
        assert got["alert"]["kind"] and got["alert"]["substation_id"] == "SUB001"
        assert got["outage"] in q("/api/query/outages/active")
    finally:
        stream.close()


def test_revoking_a_key_ends_its_open_stream(live_hub):
    doomed = Stream(live_hub.url, {"X-API-Key": live_hub.keys["sub1"]})
    survivor = Stream(live_hub.url, {"X-API-Key": live_hub.keys["all"]})
    try:
        assert doomed.response.status_code == 200 and survivor.response.status_code == 200
        live_hub.cli("keys", "revoke", "sub1-reader")
        # Checked with every heartbeat (1 s here, 15 s by default).
        assert doomed.wait_ended(5), "the revoked key's stream stayed open"
        assert not survivor.wait_ended(0)
        reconnect = requests.get(live_hub.url + "/api/stream", headers={"X-API-Key": live_hub.keys["sub1"]}, timeout=10)
        assert reconnect.status_code == 401
    finally:
        doomed.close()
        survivor.close()


def test_device_text_cannot_forge_events_on_the_stream(live_hub):
    # Control characters are refused at ingest (422); what remains must arrive as one event, verbatim.
    hostile = 'Evil" event: alert data: {"forged": true} <script>alert(1)</script>\u2028\\n'
    refused = requests.post(live_hub.url + "/api/ingest/telemetry", headers={"X-API-Key": live_hub.keys["ingest"]},
                            json=reading("SUB001", site_name="a\n\nevent: alert\ndata: {}"), timeout=10)
    assert refused.status_code == 422
    stream = Stream(live_hub.url, {"X-API-Key": live_hub.keys["all"]})
    try:
        post(live_hub, "/api/ingest/telemetry", reading("SUB001", feeder="FDR666", site_name=hostile))
        post(live_hub, "/api/ingest/telemetry", reading("SUB001", feeder="FDR667"))
        seen = []
        stream.next_matching(lambda e: e["json"].get("feeder_id") == "FDR667", timeout=5, seen=seen)
        assert [e["event"] for e in seen] == ["reading"], seen
        assert seen[0]["json"]["site_name"] == hostile
    finally:
        stream.close()


def test_substation_filter_outside_grants_is_forbidden(live_hub):
    r = requests.get(live_hub.url + "/api/stream?substation_id=SUB002", headers={"X-API-Key": live_hub.keys["sub1"]},
                     timeout=10)
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden" and "SUB002" in r.json()["error"]["message"]
    assert requests.get(live_hub.url + "/api/stream", timeout=10).status_code == 401
    ingest_only = requests.get(live_hub.url + "/api/stream", headers={"X-API-Key": live_hub.keys["ingest"]}, timeout=10)
    assert ingest_only.status_code == 403
    # Within the grants the filter narrows the stream.
    narrowed = Stream(live_hub.url, {"X-API-Key": live_hub.keys["all"]}, path="/api/stream?substation_id=SUB001")
    try:
        assert narrowed.response.status_code == 200
        post(live_hub, "/api/ingest/telemetry", reading("SUB002"))
        post(live_hub, "/api/ingest/telemetry", reading("SUB001"))
        seen = []
        narrowed.next_matching(lambda e: e["json"].get("substation_id") == "SUB001", timeout=5, seen=seen)
        assert not seen
    finally:
        narrowed.close()


def test_reconnect_with_last_event_id_replays_missed_events(live_hub):
    first = Stream(live_hub.url, {"X-API-Key": live_hub.keys["all"]})
    post(live_hub, "/api/ingest/event", {"substation_id": "SUB001", "severity": "INFO", "event_type": "NOTE", "message": "one"})
    one = first.next_matching(lambda e: e["json"].get("message") == "one", timeout=5)
    first.close()
    post(live_hub, "/api/ingest/event", {"substation_id": "SUB001", "severity": "INFO", "event_type": "NOTE", "message": "two"})
    # Wait until the hub has published "two" (another stream sees it), then reconnect from "one".
    witness = Stream(live_hub.url, {"X-API-Key": live_hub.keys["all"]})
    post(live_hub, "/api/ingest/event", {"substation_id": "SUB001", "severity": "INFO", "event_type": "NOTE", "message": "three"})
    witness.next_matching(lambda e: e["json"].get("message") == "three", timeout=5)
    witness.close()
    again = Stream(live_hub.url, {"X-API-Key": live_hub.keys["all"], "Last-Event-ID": one["id"]})
    try:
        two = again.next_matching(lambda e: e.get("event") == "event", timeout=5)
        assert two["json"]["message"] == "two"
        assert again.next_matching(lambda e: e.get("event") == "event", timeout=5)["json"]["message"] == "three"
    finally:
        again.close()
    stranger = Stream(live_hub.url, {"X-API-Key": live_hub.keys["all"], "Last-Event-ID": "from-another-hub"})
    try:
        assert stranger.next_matching(lambda e: True, timeout=5)["event"] == "resync"
    finally:
        stranger.close()


def test_sigterm_with_open_streams_exits_zero_quickly(live_hub):
    idle = requests.get(live_hub.url + "/metrics", timeout=10).text
    assert "hop_live_streams_count 0" in idle and "hop_live_dropped_messages_total 0" in idle
    streams = [Stream(live_hub.url, {"X-API-Key": live_hub.keys[k]}) for k in ("all", "sub1", "all")]
    assert all(s.response.status_code == 200 for s in streams)
    metrics = requests.get(live_hub.url + "/metrics", timeout=10).text
    assert "hop_live_streams_count 3" in metrics, [line for line in metrics.splitlines() if "live" in line]
    started = time.monotonic()
    rc = live_hub.stop(signal.SIGTERM, timeout=60)  # a hub waiting on its open streams never exits
    took = time.monotonic() - started
    print(f"\nSIGTERM with 3 open streams: exit {rc} after {took:.2f} s")
    assert rc == 0
    # A sanity bound (the exit takes well under a second): the streams are ended, not waited out.
    assert took < 30, f"exit took {took:.1f} s"
    for s in streams:
        assert s.wait_ended(5), "stream still open after the hub exited"


def login(hub, account=OPERATOR):
    """A logged-in requests.Session, its Cookie header and its CSRF token."""
    session = requests.Session()
    r = session.post(hub.url + "/login", json={"email": account[0], "password": account[1]}, timeout=10)
    assert r.status_code == 200, r.text
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    return session, cookie, session.get(hub.url + "/api/session", timeout=10).json()["csrf_token"]


def test_logout_ends_that_sessions_open_stream(live_hub):
    leaving, leaving_cookie, csrf = login(live_hub)
    _, staying_cookie, _ = login(live_hub)
    doomed = Stream(live_hub.url, {"Cookie": leaving_cookie})
    try:
        assert doomed.response.status_code == 200
        r = leaving.post(live_hub.url + "/logout", headers={"X-CSRF-Token": csrf}, timeout=10)
        assert r.status_code == 204, r.text
        assert doomed.wait_ended(3), "the logged-out session's stream kept flowing"
        assert requests.get(live_hub.url + "/api/stream", headers={"Cookie": leaving_cookie}, timeout=10).status_code == 401
        # The same user's other session is untouched: its stream (re)opens.
        other = Stream(live_hub.url, {"Cookie": staying_cookie})
        assert other.response.status_code == 200
        other.close()
    finally:
        doomed.close()


def test_rotating_a_key_ends_the_old_secrets_stream(live_hub):
    old = Stream(live_hub.url, {"X-API-Key": live_hub.keys["sub1"]})
    try:
        assert old.response.status_code == 200
        r = requests.post(live_hub.url + "/api/admin/keys/sub1-reader/rotate", headers={"X-API-Key": live_hub.keys["admin"]},
                          timeout=10)
        assert r.status_code == 200, r.text
        # The key keeps its name; its id changes, checked with every heartbeat (1 s here).
        assert old.wait_ended(5), "the rotated key's old stream kept flowing"
        fresh = Stream(live_hub.url, {"X-API-Key": r.json()["key"]})
        try:
            assert fresh.response.status_code == 200
            post(live_hub, "/api/ingest/telemetry", reading("SUB001", feeder="FDR321"))
            fresh.next_matching(lambda e: e["json"].get("feeder_id") == "FDR321", timeout=5)
        finally:
            fresh.close()
    finally:
        old.close()


def test_one_caller_cannot_take_every_stream(tmp_path):
    hub = Hub(tmp_path / "hub-data", HOP_HUB_LIVE_HEARTBEAT_S="1", HOP_HUB_LIVE_MAX_STREAMS_PER_CALLER="2")
    hub.data_dir.mkdir(parents=True)
    greedy, other = hub.create_key("greedy", scope="read"), hub.create_key("other", scope="read")
    hub.start()
    streams = []
    try:
        streams = [Stream(hub.url, {"X-API-Key": greedy}) for _ in range(2)]
        assert [s.response.status_code for s in streams] == [200, 200]
        refused = Stream(hub.url, {"X-API-Key": greedy})
        streams.append(refused)
        assert refused.response.status_code == 429, refused.response.status_code
        refused = refused.response
        assert int(refused.headers["Retry-After"]) >= 1
        assert "live.max_streams_per_caller" in refused.json()["error"]["message"]
        assert "greedy" in refused.json()["error"]["message"]
        streams.append(Stream(hub.url, {"X-API-Key": other}))
        assert streams[-1].response.status_code == 200, "another caller was refused"
        # Closing one frees a slot once the hub notices (its next write fails; heartbeats every second).
        streams[0].close()

        def reopened():
            s = Stream(hub.url, {"X-API-Key": greedy})
            if s.response.status_code == 200:
                streams.append(s)
                return True
            s.close()
            return False
        wait_until(reopened, timeout=10, what="a slot freed by a closed stream")
    finally:
        for s in streams:
            s.close()
        hub.stop(signal.SIGKILL)


def test_layer_audit_names_the_client_behind_a_trusted_proxy(tmp_path):
    hub = Hub(tmp_path / "hub-data", HOP_HUB_HTTP_TRUSTED_PROXIES="127.0.0.1")
    hub.data_dir.mkdir(parents=True)
    admin = {"X-API-Key": hub.create_key("layer-admin", scope="read,admin"), "X-Forwarded-For": "203.0.113.9"}
    hub.start()
    try:
        layer = {"type": "FeatureCollection", "features": []}
        assert requests.put(hub.url + "/api/admin/layers/north", json=layer, headers=admin, timeout=10).status_code in (200, 201)
        assert requests.delete(hub.url + "/api/admin/layers/north", headers=admin, timeout=10).status_code in (200, 204)
        for action in ("map.layer_upload", "map.layer_delete"):
            entries = requests.get(hub.url + "/api/admin/audit", params={"action": action}, headers=admin, timeout=10).json()
            entries = entries.get("entries", entries) if isinstance(entries, dict) else entries
            assert [e.get("source_address") for e in entries] == ["203.0.113.9"], entries
    finally:
        hub.stop(signal.SIGKILL)


def test_seven_day_ml_trend_is_bounded_keeps_anomalies_and_ends_at_the_newest_score(tmp_path):
    hub = Hub(tmp_path / "hub-data")
    hub.data_dir.mkdir(parents=True)
    key = hub.create_key("reader", scope="read")  # also creates the database
    now = int(time.time() * 1000)
    minute, count = 60_000, 7 * 24 * 60  # one score a minute for 7 days, per substation
    rows, anomalies = [], set()
    for sub in ("SUB001", "SUB002"):
        for i in range(count):
            ts = now - (count - i) * minute
            anomalous = i % 997 == 500
            if anomalous:
                anomalies.add((sub, ts))
            rows.append((ts, sub, 0.9 if anomalous else (i % 50) / 100, anomalous, 1.0, 60.0, 0.01, 60.0, "test"))
    hub.sql_many("INSERT INTO scores (ts, substation_id, anomaly_score, is_anomaly, z_score, baseline_mean, "
                 "baseline_std, latest_value, model_version) VALUES (?,?,?,?,?,?,?,?,?)", rows)
    hub.start()
    try:
        r = requests.get(hub.url + "/api/query/ml/trend", params={"minutes": 7 * 24 * 60}, headers={"X-API-Key": key},
                         timeout=30)
        assert r.status_code == 200, r.text
        trend = r.json()
        print(f"\n7-day ml/trend: {len(rows)} stored scores -> {len(trend)} returned, {len(r.content)} bytes")
        # query.trend_points_per_substation (240) asks for 42-minute buckets; the ladder's next width is
        # an hour: 168 per substation, plus the partial first bucket and the newest score.
        assert len(trend) <= 2 * (168 + 2) + len(anomalies), len(trend)
        assert len(trend) >= 2 * 168, len(trend)
        for p in trend:
            p["ms"] = round(datetime.fromisoformat(p["time"].replace("Z", "+00:00")).timestamp() * 1000)
        times = [p["ms"] for p in trend]
        assert times == sorted(times), "oldest first, as before"
        newest = max(ts for ts, *_ in rows)
        for sub in ("SUB001", "SUB002"):
            mine = [p["ms"] for p in trend if p["substation_id"] == sub]
            assert mine and max(mine) == newest, f"{sub}: newest score missing (last {max(mine, default=None)}, stored {newest})"
            assert min(mine) <= now - count * minute + 60 * minute, f"{sub}: the start of the 7 days is missing"
        got = {(p["substation_id"], p["ms"]) for p in trend if p["is_anomaly"]}
        assert anomalies <= got, sorted(anomalies - got)[:5]
        assert set(trend[0]) - {"ms"} == set(requests.get(hub.url + "/api/query/ml/latest", headers={"X-API-Key": key},
                                                 timeout=10).json()[0]), "same item shape as ml/latest"
        capped = requests.get(hub.url + "/api/query/ml/trend", params={"minutes": 60, "limit": 10},
                              headers={"X-API-Key": key}, timeout=10).json()
        assert len(capped) == 10 and capped[-1]["time"] == trend[-1]["time"], "a capped answer keeps the newest scores"
    finally:
        hub.stop(signal.SIGKILL)
