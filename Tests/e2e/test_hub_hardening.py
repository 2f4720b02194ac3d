"""The hub against hostile and broken input, as a real process: records that crashed it, a database
written by the previous release holding such records, malformed HTTP, static-file path tricks, and
slow clients. Every case must get a 4xx (or be closed) while the hub stays up."""
import gzip
import os
import pathlib
import shutil
import socket
import threading

import pytest
import requests

from conftest import Hub
from waiting import wait_until

FIXTURES = pathlib.Path(__file__).parent / "fixtures"


def raw(port: int, data: bytes, timeout: float = 10.0) -> bytes:
    """Sends `data` on a fresh connection and returns everything the hub answers until it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
        return out


def status_of(answer: bytes) -> int:
    assert answer.startswith(b"HTTP/1.1 "), f"not an HTTP answer: {answer[:200]!r}"
    return int(answer.split(b" ", 2)[1])


def assert_alive(hub: Hub):
    assert hub.proc.poll() is None, f"hub exited with {hub.proc.returncode}"
    assert requests.get(hub.url + "/api/health", timeout=5).status_code == 200


def test_a_database_written_by_the_previous_release_with_crashing_records_is_served(tmp_path):
    """The fixture was written by the release before these checks: outage X has etr_time
    Int64.min (reading it killed that release), Y an etr_time in year 2,010,561, and edge-poison a
    health report with markup, a negative counter and an unparseable last_poll_at."""
    data = tmp_path / "hub-data"
    data.mkdir()
    shutil.copy(FIXTURES / "release-0-poisoned" / "hop.sqlite", data / "hop.sqlite")
    hub = Hub(data)
    key = hub.create_key("reader", scope="read")
    hub.start()
    try:
        stream = requests.get(hub.url + "/api/stream", headers={"X-API-Key": key}, stream=True, timeout=10)
        assert stream.status_code == 200
        first = next(stream.iter_lines(decode_unicode=True))  # the stream's opening snapshot is formatted too
        assert first is not None
        outages = requests.get(hub.url + "/api/query/outages/active", headers={"X-API-Key": key}, timeout=5)
        assert outages.status_code == 200, outages.text
        by_id = {o["outage_id"]: o for o in outages.json()}
        assert set(by_id) == {"X", "Y", "Z"}
        assert "etr_time" not in by_id["X"] and "etr_time" not in by_id["Y"], by_id
        assert by_id["Z"]["etr_time"] == "2026-12-03T10:00:00.000Z"
        edges = requests.get(hub.url + "/api/query/edges", headers={"X-API-Key": key}, timeout=5)
        assert edges.status_code == 200 and edges.json()[0]["edge_id"] == "edge-poison"
        assert "health" not in edges.json()[0], "an undecodable stored report is shown as none"
        stream.close()
        assert_alive(hub)
        log = hub.log.read_text()
        assert "outages X: etr_time -9223372036854775808 is outside the years 0001…9999" in log
        assert "edges edge-poison" in log
    finally:
        hub.stop()


HEALTH = '"journal_depth":0,"oldest_unsent_age_s":0,"evicted_total":0,"quarantined_total":0'
REPRODUCERS = [
    ("/api/ingest/outage", '{"outage_id":"X","substation_id":"SUB001","status":"ACTIVE","etr_time":-9223372036854775808}',
     422, "etr_time"),
    ("/api/ingest/outage", '{"outage_id":"X","substation_id":"SUB001","status":"ACTIVE","etr_time":63385034031864710}', 422, "etr_time"),
    ("/api/ingest/outage", '{"outage_id":"X","substation_id":"SUB001","status":"ACTIVE","etr_time":-62198755200000}', 422, "etr_time"),
    ("/api/ingest/batch", '{"edge_id":"e1","seq":1,"health":{%s,"devices":[{"name":"r","substation_id":"SUB001",'
     '"comm_state":"ok","last_poll_at":-9223372036854775808}]}}' % HEALTH, 422, "health.devices[0].last_poll_at"),
    ("/api/ingest/batch", '{"edge_id":"e1","seq":1,"health":{%s,"devices":[{"name":"r","substation_id":"S\\u0007<b>",'
     '"comm_state":"ok"}]}}' % HEALTH, 422, "health.devices[0].substation_id"),
    ("/api/ingest/batch", '{"edge_id":"e1","seq":1,"health":{%s,"devices":[%s]}}'
     % (HEALTH, ",".join(['{"name":"r","substation_id":"SUB001","comm_state":"ok"}'] * 100_000)), 422, "health.devices"),
    ("/api/ingest/batch", '{"edge_id":"e1","seq":1,"health":{"journal_depth":-7,"oldest_unsent_age_s":0,"evicted_total":0,'
     '"quarantined_total":0,"devices":[]}}', 422, "health.journal_depth"),
    ("/api/ingest/batch", '{"edge_id":"e1","seq":1,"x":' + "[" * 100_000 + "]" * 100_000 + "}", 400, None),
]


def test_every_reproducer_is_a_4xx_and_the_hub_stays_up(hub):
    key = hub.create_key("all", scope="ingest,read")
    headers = {"X-API-Key": key, "Content-Type": "application/json"}
    for path, body, status, field in REPRODUCERS:
        r = requests.post(hub.url + path, data=body.encode(), headers=headers, timeout=30)
        assert r.status_code == status, f"{path} {body[:120]}: {r.status_code} {r.text[:300]}"
        assert r.json()["error"].get("field") == field, r.text[:300]
    deep = gzip.compress(('{"x":' + "[" * 200_000 + "]" * 200_000 + "}").encode())
    assert len(deep) < 1000
    r = requests.post(hub.url + "/api/ingest/telemetry", data=deep, headers=headers | {"Content-Encoding": "gzip"}, timeout=30)
    assert r.status_code == 400 and "64 levels" in r.json()["error"]["message"], r.text
    active = requests.get(hub.url + "/api/query/outages/active", headers=headers, timeout=5)
    assert active.status_code == 200 and active.json() == []
    assert_alive(hub)


@pytest.mark.parametrize("size", [b"zz", b"-1", b"ffffffffffffffffffffffff"])
@pytest.mark.parametrize("path", ["/login", "/api/ingest/telemetry"])
def test_a_malformed_chunk_size_is_a_400_not_a_500(hub, path, size):
    key = b"X-API-Key: " + hub.create_key("ingest").encode() + b"\r\n" if path.startswith("/api") else b""
    answer = raw(hub.port, b"POST " + path.encode() + b" HTTP/1.1\r\nHost: hub\r\nTransfer-Encoding: chunked\r\n" + key +
                 b"Content-Type: application/json\r\nConnection: close\r\n\r\n" + size + b"\r\n{}\r\n0\r\n\r\n")
    assert status_of(answer) == 400, answer[:300]
    assert b'"malformed_request"' in answer
    assert b"internal error" not in hub.log.read_bytes()
    assert_alive(hub)


@pytest.mark.parametrize("headers", [b"", b"Host: a\r\nHost: b\r\n"])
def test_a_request_needs_exactly_one_host(hub, headers):
    answer = raw(hub.port, b"GET /api/health HTTP/1.1\r\n" + headers + b"Connection: close\r\n\r\n")
    assert status_of(answer) == 400 and b"Host header" in answer, answer[:300]


def test_static_paths_cannot_be_cut_short_or_redirected_off_site(hub):
    def get(path):
        return requests.get(hub.url + path, allow_redirects=False, timeout=5)

    nul = get("/portal/app/live.js%00.html")
    assert nul.status_code == 400 and nul.json()["error"]["code"] == "malformed_request"
    directory = get("/portal/admin")
    assert directory.status_code == 301 and directory.headers["Location"] == "/portal/admin/"
    assert get("/portal/admin/").status_code == 200
    assert get("/portal/app?x=1").headers["Location"] == "/portal/app/?x=1"
    double = get("/portal//app")
    assert double.status_code == 404 and "Location" not in double.headers
    assert get("/vendor//leaflet").status_code == 404
    assert get("/portal/app/live.js").headers["Content-Type"].startswith(("application/javascript", "text/javascript"))


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def test_slow_clients_are_closed_and_one_address_cannot_take_every_connection(tmp_path):
    hub = Hub(tmp_path / "hub-data", HOP_HUB_HTTP_IDLE_TIMEOUT_S="2", HOP_HUB_HTTP_READ_TIMEOUT_S="2",
              HOP_HUB_HTTP_MAX_CONNECTIONS_PER_ADDRESS="20")
    key = hub.create_key("all", scope="ingest,read")
    hub.start()
    try:
        # Headers that never finish, and a body that stops: both are closed by the hub (recv → b"").
        for partial in [b"GET /api/health HTTP/1.1\r\nHost: hub\r\nX-Slow: 1",
                        b"POST /api/ingest/telemetry HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\n"
                        b"X-API-Key: " + key.encode() + b"\r\nContent-Length: 100\r\n\r\n{\"substation_id\""]:
            assert raw(hub.port, partial, timeout=20) == b"", "the hub answered instead of closing"
        # Both took at least one idle timeout, so the start-up probe's connection is gone too.
        baseline = open_fds(hub.proc.pid)
        # 20 silent connections are the cap: the 21st is refused with 429 at once.
        held = [socket.create_connection(("127.0.0.1", hub.port), timeout=20) for _ in range(20)]
        wait_until(lambda: open_fds(hub.proc.pid) >= baseline + 20, timeout=10, what="the hub to accept 20 connections")
        refused = raw(hub.port, b"")
        assert status_of(refused) == 429 and b"Retry-After: " in refused and b"too many open connections" in refused
        # The idle timeout closes the silent ones; then the address may connect again.
        for s in held:
            assert s.recv(1) == b"", "an idle connection was not closed"
            s.close()
        wait_until(lambda: open_fds(hub.proc.pid) <= baseline, timeout=10, what="the hub to release the closed connections")
        assert_alive(hub)
    finally:
        hub.stop()


def test_a_live_stream_outlives_the_idle_and_read_timeouts(tmp_path):
    hub = Hub(tmp_path / "hub-data", HOP_HUB_HTTP_IDLE_TIMEOUT_S="1", HOP_HUB_HTTP_READ_TIMEOUT_S="1")
    key = hub.create_key("all", scope="ingest,read")
    hub.start()
    try:
        stream = requests.get(hub.url + "/api/stream", headers={"X-API-Key": key}, stream=True, timeout=30)
        assert stream.status_code == 200
        lines = stream.iter_lines(decode_unicode=True)
        seen = threading.Event()

        def read():
            for line in lines:
                if "SUB777" in (line or ""):
                    seen.set()
                    return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        # A silent connection opened now is closed by the idle timeout; the stream opened before it is not.
        with socket.create_connection(("127.0.0.1", hub.port), timeout=20) as idle:
            assert idle.recv(1) == b""
        r = requests.post(hub.url + "/api/ingest/telemetry", json={"substation_id": "SUB777", "voltage_kv": 230},
                          headers={"X-API-Key": key}, timeout=5)
        assert r.status_code == 200
        assert seen.wait(20), "the stream stopped delivering after the idle timeout"
        stream.close()
    finally:
        hub.stop()
