"""Grants enforced on the server: a SUB001 operator (session) and a SUB001 read key see nothing of
SUB002 from any query endpoint, and naming SUB002 is a 403 — with data of both substations stored."""
import time

import pytest
import requests

from account_support import FAST_BCRYPT, create_user, login
from conftest import wait_until

pytestmark = pytest.mark.both_backends

ENDPOINTS = [
    # (path, parameters for "the caller's own data", whether it takes substation_id)
    ("/api/query/telemetry/latest", {}, True),
    ("/api/query/telemetry/timeseries", {"substation_id": "SUB001", "minutes": 10}, True),
    ("/api/query/ml/latest", {}, True),
    ("/api/query/ml/trend", {"minutes": 10}, True),
    ("/api/query/events", {"minutes": 10}, True),
    ("/api/query/outages/active", {}, True),
    ("/api/query/frequency/thresholds", {"minutes": 10}, True),
    ("/api/query/frequency/rocof", {"minutes": 10}, True),
    ("/api/query/substations", {}, False),
    ("/api/query/edges", {}, False),
    ("/api/query/alerts", {"minutes": 10}, True),
    ("/api/query/summary", {"minutes": 10}, True),
]


@pytest.fixture
def seeded(hub_factory, monkeypatch):
    for k, v in FAST_BCRYPT.items():
        monkeypatch.setenv(k, v)
    hub = hub_factory().start()
    admin_key = hub.create_key("seeder", scope="ingest,read")
    now = int(time.time() * 1000)
    for sub in ("SUB001", "SUB002"):
        batch = {
            "edge_id": f"edge-{sub}", "seq": 1,
            "telemetry": [{"substation_id": sub, "feeder_id": "FDR001", "site_name": f"Site {sub}", "latitude": 45.5,
                           "longitude": -122.6, "voltage_kv": 230.1, "current_a": 1000, "power_mw": 300,
                           "frequency_hz": 60.2, "ts": now - i * 1000} for i in range(5)],
            "events": [{"substation_id": sub, "feeder_id": "FDR001", "device_id": f"{sub}-FDR001", "severity": "ALARM",
                        "event_type": "FEEDER_TRIP", "old_state": "CLOSED", "new_state": "OPEN", "ts": now}],
            "outages": [{"outage_id": f"OUT-{sub}", "substation_id": sub, "feeder_id": "FDR001", "customers_out": 10,
                         "status": "ACTIVE", "ts": now}],
            "health": {"journal_depth": 0, "oldest_unsent_age_s": 0, "evicted_total": 0, "quarantined_total": 0,
                       "devices": [{"name": "rtu", "substation_id": sub, "comm_state": "ok"}]},
        }
        r = requests.post(hub.url + "/api/ingest/batch", json=batch, headers={"X-API-Key": admin_key}, timeout=10)
        assert r.status_code in (200, 202), r.text
    # Scores for both (the scorer needs minutes of history; write them as it would).
    hub.sql_many("INSERT INTO scores (ts, substation_id, anomaly_score, is_anomaly, z_score, baseline_mean, baseline_std, "
                 "latest_value, model_version) VALUES (?, ?, 0.9, TRUE, 3.5, 60, 0.01, 60.2, 'zscore-v1')",
                 [(now, sub) for sub in ("SUB001", "SUB002")])
    all_headers = {"X-API-Key": admin_key}
    wait_until(lambda: len(requests.get(hub.url + "/api/query/alerts", headers=all_headers, timeout=5).json()) >= 2,
               what="alert decisions for both substations")
    for path, params, _ in ENDPOINTS:
        body = requests.get(hub.url + path, params=params | ({"substation_id": "SUB002"} if "substation_id" in params else {}),
                            headers=all_headers, timeout=5).text
        assert "SUB002" in body, f"seeding left {path} without SUB002 data: {body}"
    create_user(hub, "op@example.com", "operator", "SUB001")
    return hub, hub.create_key("reader-sub1", substations="SUB001", scope="read")


def callers(hub, read_key):
    op = login(hub, "op@example.com")
    keyed = requests.Session()
    keyed.headers["X-API-Key"] = read_key
    return {"operator session": op, "read key": keyed}


@pytest.mark.parametrize("who", ["operator session", "read key"])
def test_no_sub002_data_from_any_query_endpoint(seeded, who):
    hub, key = seeded
    s = callers(hub, key)[who]
    for path, params, _ in ENDPOINTS:
        r = s.get(hub.url + path, params=params, timeout=5)
        assert r.status_code == 200, f"{who} {path}: {r.status_code} {r.text}"
        assert "SUB001" in r.text, f"{who} {path} lost its own data: {r.text}"
        assert "SUB002" not in r.text, f"{who} {path} leaked SUB002: {r.text}"


@pytest.mark.parametrize("who", ["operator session", "read key"])
def test_asking_for_sub002_is_403(seeded, who):
    hub, key = seeded
    s = callers(hub, key)[who]
    for path, params, takes_substation in ENDPOINTS:
        if not takes_substation:
            continue
        r = s.get(hub.url + path, params=params | {"substation_id": "SUB002"}, timeout=5)
        assert r.status_code == 403, f"{who} {path}?substation_id=SUB002: {r.status_code} {r.text}"
        assert r.json()["error"]["code"] == "forbidden"
        assert "SUB002" in r.json()["error"]["message"]


@pytest.mark.parametrize("who", ["operator session", "read key"])
def test_summary_totals_count_only_the_granted_substation(seeded, who):
    hub, key = seeded
    s = callers(hub, key)[who]
    r = s.get(hub.url + "/api/query/summary", params={"minutes": 10}, timeout=5)
    assert r.status_code == 200, f"{who}: {r.status_code} {r.text}"
    summary = r.json()
    # Both substations stored one trip and one outage of 10 customers: only SUB001's are counted.
    assert summary["substations"]["total"] == 1, summary
    assert (summary["active_outages"], summary["customers_out"], summary["trips"]) == (1, 10, 1), summary
    assert [row["substation_id"] for row in summary["substation_status"]] == ["SUB001"], summary


@pytest.mark.parametrize("who", ["operator session", "read key"])
def test_stream_carries_no_sub002(seeded, who):
    hub, key = seeded
    s = callers(hub, key)[who]
    probe = s.get(hub.url + "/api/stream", stream=True, timeout=5)
    assert probe.status_code == 200, f"{who} /api/stream: {probe.status_code} {probe.text}"
    assert probe.headers["Content-Type"].startswith("text/event-stream")
    denied = s.get(hub.url + "/api/stream", params={"substation_id": "SUB002"}, stream=True, timeout=5)
    assert denied.status_code == 403
    denied.close()
    # New readings for both substations while the stream is open: only SUB001's may arrive.
    seeder = hub.create_key("stream-seeder")
    lines = probe.iter_lines(decode_unicode=True)
    seen = []

    def saw_sub001():
        for sub in ("SUB002", "SUB001"):
            requests.post(hub.url + "/api/ingest/telemetry", headers={"X-API-Key": seeder}, timeout=5,
                          json={"substation_id": sub, "feeder_id": "FDR009", "voltage_kv": 230, "frequency_hz": 60})
        line = next(lines)
        seen.append(line)
        return "FDR009" in line and "SUB001" in line

    wait_until(saw_sub001, timeout=30, what="a SUB001 reading on the stream")
    probe.close()
    assert not any("SUB002" in line for line in seen), seen
