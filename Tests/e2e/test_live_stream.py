"""GET /api/stream against a real hop-hub process: Server-Sent Events, scoped by the caller's grants.

- a reading POSTed during the test arrives as an SSE `reading` event within 2 s (latency printed);
- a key (and a portal user) limited to SUB001 never receives SUB002 data;
- `?substation_id=` outside the grants is a 403; no credentials a 401;
- heartbeats, `retry:` and `id:` lines; Last-Event-ID replay after a reconnect;
- SIGTERM with open streams exits 0 quickly and ends the streams.
"""
import json
import os
import queue
import signal
import statistics
import subprocess
import threading
import time

import pytest
import requests

from conftest import BIN, Hub
from waiting import wait_until


class EnvHub(Hub):
    """A Hub whose process gets extra HOP_HUB_* settings."""

    def __init__(self, data_dir, **settings):
        super().__init__(data_dir)
        self.settings = settings

    def start(self):
        saved = {k: os.environ.get(k) for k in self.settings}
        os.environ.update(self.settings)
        try:
            return super().start()
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


class Stream:
    """An open /api/stream response read on a thread; parsed events land in `events`."""

    def __init__(self, url: str, headers: dict, path: str = "/api/stream"):
        self.response = requests.get(url + path, headers=headers, stream=True, timeout=(5, 60))
        self.events = queue.Queue()
        self.comments = []
        self.retry = None
        self.ended = threading.Event()
        if self.response.status_code == 200:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        event = {}
        try:
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
        except Exception:  # noqa: BLE001 - the connection closing ends the stream either way
            pass
        finally:
            self.ended.set()

    def next_matching(self, predicate, timeout: float, seen: list | None = None):
        """The first event satisfying `predicate` within `timeout` s; other events go to `seen`."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no matching event within {timeout}s; saw {[e.get('event') for e in (seen or [])]}")
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                continue
            if predicate(event):
                return event
            if seen is not None:
                seen.append(event)

    def close(self):
        self.response.close()


def reading(sub: str, feeder: str = "FDR001", frequency: float = 60.0, **extra) -> dict:
    return {"substation_id": sub, "feeder_id": feeder, "site_name": f"Site {sub}", "latitude": 45.5, "longitude": -122.6,
            "voltage_kv": 230.0, "current_a": 1000.0, "power_mw": 250.0, "frequency_hz": frequency, **extra}


OPERATOR = ("rita.restricted@example.com", "Restricted-Shift-2026")


def create_operator(hub, email: str, password: str, substations: str):
    result = subprocess.run(
        [str(BIN / "hop-hub"), "users", "create", "--data-dir", str(hub.data_dir), "--email", email, "--name", "Rita",
         "--role", "operator", "--substations", substations, "--password-stdin"],
        input=password + "\n", capture_output=True, text=True, env={**os.environ, **hub.settings})
    assert result.returncode == 0, result.stderr


@pytest.fixture
def live_hub(tmp_path):
    hub = EnvHub(tmp_path / "hub-data", HOP_HUB_LIVE_HEARTBEAT_S="1", HOP_HUB_ACCOUNTS_BCRYPT_COST="4",
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


def test_posted_reading_arrives_as_sse_event_within_two_seconds(live_hub):
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
                lambda e: e.get("event") == "reading" and e["json"]["feeder_id"] == f"FDR{i:03d}", timeout=2.0)
            latencies.append(event["received"] - sent)
            item = event["json"]
            assert item["substation_id"] == "SUB001" and item["frequency_hz"] == frequency
            assert set(item) >= {"time", "substation_id", "feeder_id", "site_name", "voltage_kv", "frequency_hz"}
            assert event["id"].count("-") == 1
        latencies.sort()
        p50, p95 = statistics.median(latencies), latencies[int(len(latencies) * 0.95) - 1]
        print(f"\ningest→SSE latency over {len(latencies)} readings: p50 {p50 * 1000:.1f} ms, "
              f"p95 {p95 * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms")
        assert latencies[-1] < 2.0
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
        assert stream.ended.wait(5), "the deactivated user's stream stayed open"
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
        assert doomed.ended.wait(5), "the revoked key's stream stayed open"
        assert not survivor.ended.is_set()
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
    rc = live_hub.stop(signal.SIGTERM, timeout=15)
    took = time.monotonic() - started
    print(f"\nSIGTERM with 3 open streams: exit {rc} after {took:.2f} s")
    assert rc == 0
    assert took < 10
    for s in streams:
        assert s.ended.wait(5), "stream still open after the hub exited"
