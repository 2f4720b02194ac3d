"""Hub durability against the real binary and real SQLite files: idempotency across restarts,
kill -9 right after a 2xx, graceful shutdown under load."""
import gzip
import json
import sqlite3
import threading
import time

import pytest
import requests

from conftest import wait_until


def batch(edge, seq, n, sub="SUB001", start_ms=None, feeder="FDR001"):
    start = start_ms if start_ms is not None else int(time.time() * 1000) - 3_600_000
    return {
        "edge_id": edge, "seq": seq,
        "telemetry": [{"substation_id": sub, "feeder_id": feeder, "voltage_kv": 230.0, "frequency_hz": 60.0,
                       "ts": start + seq * 10_000 + i - sum(map(ord, edge)) % 100 * 10_000} for i in range(n)],
    }


def raw_count(hub, key, sub="SUB001"):
    r = requests.get(f"{hub.url}/api/query/telemetry/timeseries", params={"substation_id": sub, "minutes": 120},
                     headers={"X-API-Key": key}, timeout=10)
    r.raise_for_status()
    body = r.json()
    assert body["resolution_s"] == 0, body["resolution_s"]
    return len(body["points"]), body["points"]


def stored_rows(hub):
    """Counts readings straight from the hub's SQLite file (the hub must be stopped): the rows still
    in the head plus the points in chunks, and every write as the head's per-minute rollups counted
    it — a reading stored twice would be counted twice there while it is in the head (a chunk and
    its minute statistics keep one reading per source time, so once compacted it could not show)."""
    with sqlite3.connect(hub.data_dir / "hop.sqlite") as db:
        head = db.execute("SELECT count(*) FROM telemetry").fetchone()[0]
        chunked = db.execute("SELECT coalesce(sum(points), 0) FROM telemetry_chunks").fetchone()[0]
        written = db.execute("SELECT coalesce(sum(max(v_n, i_n, p_n, f_n)), 0) FROM telemetry_1m").fetchone()[0]
    return head + chunked, written


def post_batch(hub, key, body, gz=False):
    data = json.dumps(body).encode()
    headers = {"X-API-Key": key, "Content-Type": "application/json"}
    if gz:
        data = gzip.compress(data)
        headers["Content-Encoding"] = "gzip"
    return requests.post(f"{hub.url}/api/ingest/batch", data=data, headers=headers, timeout=10)


def test_resent_batch_is_stored_once_even_after_a_restart(hub_factory):
    hub = hub_factory()
    key = hub.create_key("edge-1", "SUB001")
    hub.start()
    first = post_batch(hub, key, batch("edge-1", 1, 50), gz=True)
    assert first.status_code == 200 and first.json()["duplicate"] is False
    again = post_batch(hub, key, batch("edge-1", 1, 50))
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert hub.stop() == 0, "graceful shutdown must exit 0"
    hub.start()
    after_restart = post_batch(hub, key, batch("edge-1", 1, 50), gz=True)
    assert after_restart.status_code == 200 and after_restart.json()["duplicate"] is True
    assert post_batch(hub, key, batch("edge-1", 2, 50)).json()["duplicate"] is False
    count, _ = raw_count(hub, key)
    assert count == 100


@pytest.mark.parametrize("compaction", [True, False], ids=["compacting", "head-only"])
def test_kill_9_right_after_a_2xx_loses_nothing(hub_factory, compaction):
    hub = hub_factory()
    if not compaction:
        # Everything stays in the head, where a reading stored twice would be two rows.
        hub.env["HOP_HUB_STORAGE_HEAD_S"] = "86400"
    key = hub.create_key("edge-1", "SUB001")
    acknowledged = 0
    seq = 0
    for _round in range(3):
        hub.start()
        for _ in range(5):
            seq += 1
            r = post_batch(hub, key, batch("edge-1", seq, 200))
            assert r.status_code == 200, r.text
            acknowledged += r.json()["telemetry"]
        hub.kill9()  # immediately after the last 2xx
    total, written = stored_rows(hub)
    assert total == acknowledged == 3 * 5 * 200
    if not compaction:
        assert written == total, "no reading stored twice"
    hub.start()
    # The high-water mark survived every kill: the last batch is a duplicate now.
    assert post_batch(hub, key, batch("edge-1", seq, 200)).json()["duplicate"] is True


def test_sigterm_under_load_keeps_every_acknowledged_reading(hub_factory):
    hub = hub_factory()
    key = hub.create_key("loader", "SUB001")
    hub.start()
    acked = []
    failures = []  # what went wrong in a client thread, raised in the test's thread
    lock = threading.Lock()
    stop = threading.Event()

    def client(edge):
        seq = 0
        while not stop.is_set():
            seq += 1
            try:
                # A feeder per edge: the edges' source times overlap, and the hub keeps one
                # reading per series and source time (a later write replaces the earlier).
                r = post_batch(hub, key, batch(edge, seq, 100, feeder=f"FDR{edge[-1]}"))
            except requests.RequestException:
                return
            if r.status_code == 200:
                with lock:
                    acked.append((edge, seq, r.json()["telemetry"]))
            else:
                assert r.status_code == 503 and "Retry-After" in r.headers, f"{edge} seq {seq}: {r.status_code} {r.text}"
                return

    def guarded(edge):
        try:
            client(edge)
        except BaseException as exc:  # noqa: BLE001 - re-raised below in the test's thread
            with lock:
                failures.append(exc)

    def raise_failures():
        with lock:
            if failures:
                raise failures[0]

    threads = [threading.Thread(target=guarded, args=(f"edge-{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    try:
        wait_until(lambda: failures or len(acked) >= 20, what="20 acknowledged batches")
        raise_failures()
        assert hub.stop() == 0
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a client thread did not finish"
    raise_failures()
    total, _ = stored_rows(hub)
    assert total == sum(n for _, _, n in acked)


def test_seed_client_works_unchanged(hub):
    """A client written against the seed's table: requests.post(json=...) with X-API-Key."""
    key = hub.create_key("scada", "SUB001")
    seed = {"substation_id": "SUB001", "feeder_id": "FDR002", "device_id": "SUB001-FDR002",
            "site_name": "Portland North", "latitude": 45.5231, "longitude": -122.6765, "voltage_kv": 229.8,
            "current_a": 1187.4, "power_mw": 274.2, "frequency_hz": 60.002}
    r = requests.post(f"{hub.url}/api/ingest/telemetry", json=seed, headers={"X-API-Key": key}, timeout=5)
    assert r.status_code == 200, r.text
    event = {"device_id": "SUB001-FDR002", "feeder_id": "FDR002", "severity": "ALARM", "event_type": "FEEDER_TRIP",
             "old_state": "CLOSED", "new_state": "OPEN"}
    assert requests.post(f"{hub.url}/api/ingest/event", json=event, headers={"X-API-Key": key}, timeout=5).ok
    outage = {"outage_id": "OUT-7", "feeder_id": "FDR002", "customers_out": 1200, "mw_interrupted": 3.5,
              "status": "ACTIVE", "cause": "tree contact"}
    assert requests.post(f"{hub.url}/api/ingest/outage", json=outage, headers={"X-API-Key": key}, timeout=5).ok
    latest = requests.get(f"{hub.url}/api/query/telemetry/latest", headers={"X-API-Key": key}, timeout=5).json()
    assert latest[0]["power_mw"] == 274.2 and latest[0]["site_name"] == "Portland North"
    events = requests.get(f"{hub.url}/api/query/events", params={"minutes": 5}, headers={"X-API-Key": key}, timeout=5).json()
    assert events[0]["event_type"] == "FEEDER_TRIP" and events[0]["substation_id"] == "SUB001"
    outages = requests.get(f"{hub.url}/api/query/outages/active", headers={"X-API-Key": key}, timeout=5).json()
    assert outages[0]["outage_id"] == "OUT-7" and outages[0]["substation_id"] == "SUB001"


def test_revoked_key_stops_working_at_once(hub):
    key = hub.create_key("temp", "SUB001")
    assert requests.get(f"{hub.url}/api/query/substations", headers={"X-API-Key": key}, timeout=5).ok
    out = hub.cli("keys", "revoke", "temp")
    assert "revoked" in out
    r = requests.get(f"{hub.url}/api/query/substations", headers={"X-API-Key": key}, timeout=5)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"
    listing = json.loads(hub.cli("keys", "list", "--json"))
    assert listing[0]["name"] == "temp" and listing[0]["revoked_at"]
    assert key not in json.dumps(listing) and key.split("_")[2] not in hub.log.read_text()
