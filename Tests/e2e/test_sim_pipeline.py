"""hop-sim → hop-edge → hop-hub: what the edge decodes equals the simulator's truth for the same instant,
a scripted trip reaches the hub as FEEDER_TRIP with the right feeder and source time, and a silent RTU
gives COMM_FAIL then COMM_RESTORED. Real processes on loopback; the hub comes from conftest's fixture."""
import signal
import struct
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).parent))
from sim_support import REPO, Sim, binary, wait_until  # noqa: E402

POLL_S = 0.5
SCRIPTED_TRIP_S = 8  # late enough for the edge to be polling already


def epoch_ms(rfc3339: str) -> int:
    return round(datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp() * 1000)


def f32(x: float) -> float:
    return struct.unpack(">f", struct.pack(">f", x))[0]


@pytest.fixture
def pipeline(hub, tmp_path):
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(f"events:\n  - {{at: {SCRIPTED_TRIP_S}, do: trip SUB002 FDR003}}\n")
    sim = Sim("--scenario", str(scenario), substations=2, feeders=4, seed=21, log_path=tmp_path / "sim.log")
    ingest = hub.create_key("edge-sub002", substations="SUB002", scope="ingest")
    reader = hub.create_key("reader", scope="read")
    (tmp_path / "api-key").write_text(ingest + "\n")
    site = sim.control.truth("SUB002")
    feeders = "\n".join(
        f"      - {{feeder_id: FDR{k + 1:03d}, profile: hop-sim-feeder, register_base: {20 * k}, bit_base: {k}}}"
        for k in range(4))
    config = tmp_path / "edge.yaml"
    config.write_text(f"""edge_id: edge-sub002
hub: {{url: "{hub.url}", api_key_file: api-key}}
journal: {{path: journal.sqlite}}
profiles_dir: {REPO / "edge-configs" / "profiles"}
upload: {{max_age: 100ms, backoff_initial: 100ms, backoff_max: 1s}}
devices:
  - name: rtu-sub002
    protocol: modbus-tcp
    host: 127.0.0.1
    port: {sim.modbus_port}
    unit_id: 2
    timeout: 300ms
    retries: 0
    substation_id: SUB002
    site_name: {site["site_name"]}
    latitude: {site["latitude"]}
    longitude: {site["longitude"]}
    poll_interval: {int(POLL_S * 1000)}ms
    feeders:
{feeders}
""")
    log = open(tmp_path / "edge.log", "wb")
    edge = subprocess.Popen([str(binary("hop-edge")), "run", "--config", str(config)], stdout=log,
                            stderr=subprocess.STDOUT)

    def get(path, **params):
        r = requests.get(hub.url + path, headers={"X-API-Key": reader}, params=params, timeout=5)
        r.raise_for_status()
        return r.json()

    try:
        yield sim, get
    finally:
        if edge.poll() is None:
            edge.send_signal(signal.SIGTERM)
            edge.wait(timeout=20)
        log.close()
        assert sim.stop() == 0


def test_edge_values_equal_simulator_truth(pipeline):
    sim, get = pipeline
    rows = wait_until(lambda: (lambda r: r if len(r) == 4 else None)(get("/api/query/telemetry/latest")),
                      timeout=30, what="four feeders of SUB002 at the hub")
    for row in rows:
        ts = epoch_ms(row["time"])
        truth = sim.control.truth("SUB002", ts)
        feeder = next(f for f in truth["feeders"] if f["feeder_id"] == row["feeder_id"])
        for field in ("voltage_kv", "current_a", "power_mw", "frequency_hz"):
            assert row[field] == f32(feeder[field]), (row["feeder_id"], field, row[field], feeder[field], ts)
        assert row["site_name"] == truth["site_name"]


def trips(get, feeder):
    return [e for e in get("/api/query/events", minutes=10) if e["event_type"] == "FEEDER_TRIP" and e["feeder_id"] == feeder]


def polls_between(get, feeder, start, end):
    """Source times of the feeder's readings in [start, end): the edge's polls in that span (a poll's
    readings and events share its time; readings before an event are at the hub before it)."""
    body = get("/api/query/telemetry/timeseries", substation_id="SUB002", minutes=10)
    assert body["resolution_s"] == 0, body["resolution_s"]
    return [t for p in body["points"] if p.get("feeder_id") == feeder and start <= (t := epoch_ms(p["time"])) < end]


def test_scripted_trip_reaches_the_hub_with_feeder_and_source_time(pipeline):
    sim, get = pipeline
    tripped_at = sim.control.status()["started_ms"] + SCRIPTED_TRIP_S * 1000  # exact, by construction
    event = wait_until(lambda: next(iter(trips(get, "FDR003")), None), timeout=30, what="scripted FEEDER_TRIP at the hub")
    assert (event["substation_id"], event["feeder_id"], event["severity"]) == ("SUB002", "FDR003", "ALARM")
    seen = epoch_ms(event["time"])
    # Source time = the first poll that saw the open breaker: after the trip, and no poll between.
    assert tripped_at <= seen, (tripped_at, seen)
    assert polls_between(get, "FDR003", tripped_at, seen) == [], (tripped_at, seen)
    assert sim.control.truth("SUB002", tripped_at - 1)["feeders"][2]["breaker_closed"]
    assert not sim.control.truth("SUB002", seen)["feeders"][2]["breaker_closed"]


def test_live_trip_reaches_the_hub_with_feeder_and_source_time(pipeline):
    sim, get = pipeline
    wait_until(lambda: get("/api/query/telemetry/latest"), timeout=30, what="first readings")
    before = sim.control.status()["now_ms"]
    sim.control.send("trip SUB002 FDR001")
    after = sim.control.status()["now_ms"]
    event = wait_until(lambda: next(iter(trips(get, "FDR001")), None), timeout=15, what="FEEDER_TRIP at the hub")
    assert (event["substation_id"], event["severity"]) == ("SUB002", "ALARM")
    seen = epoch_ms(event["time"])
    # Not before the command, and no poll that started after it (so saw the open breaker) went unreported.
    assert before <= seen, (before, seen, after)
    assert polls_between(get, "FDR001", after, seen) == [], (before, seen, after)
    assert not sim.control.truth("SUB002", seen)["feeders"][0]["breaker_closed"]


def test_silent_rtu_gives_comm_fail_then_comm_restored(pipeline):
    sim, get = pipeline
    wait_until(lambda: get("/api/query/telemetry/latest"), timeout=30, what="first readings")
    sim.control.send("silent SUB002")

    def events(kind):
        return [e for e in get("/api/query/events", minutes=10) if e["event_type"] == kind]

    wait_until(lambda: events("COMM_FAIL"), timeout=20, what="COMM_FAIL at the hub")
    assert not events("COMM_RESTORED")
    sim.control.send("resume SUB002")
    wait_until(lambda: events("COMM_RESTORED"), timeout=40, what="COMM_RESTORED at the hub")
