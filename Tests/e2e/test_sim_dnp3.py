"""hop-sim as a DNP3 outstation → hop-edge's DNP3 master → hop-hub: the four feeders of a substation
served over DNP3 reach the hub, and a breaker trip in the simulator (scripted, or from the control
port) arrives as FEEDER_TRIP carrying the simulator's own millisecond, polled and unsolicited.
Real processes on loopback; the hub comes from conftest's fixture."""
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).parent))
from sim_support import Sim, binary, dnp3_device, free_port, wait_until  # noqa: E402

SCRIPTED_TRIP_S = 6  # late enough for the edge to be polling already


def epoch_ms(rfc3339: str) -> int:
    return round(datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp() * 1000)


class Pipeline:
    def __init__(self, hub, tmp: Path, *, unsolicited: bool, class1: str = "1s", scenario: str = ""):
        args = []
        if scenario:
            (tmp / "scenario.yaml").write_text(scenario)
            args = ["--scenario", str(tmp / "scenario.yaml")]
        self.dnp3_port = free_port()
        self.sim = Sim(*args, "--dnp3", f"SUB002=127.0.0.1:{self.dnp3_port},outstation=10,master=1",
                       substations=2, feeders=4, seed=21, modbus=False, log_path=tmp / "sim.log")
        ingest = hub.create_key("edge-sub002", substations="SUB002", scope="ingest")
        self.reader = hub.create_key("reader", scope="read")
        self.hub = hub
        (tmp / "api-key").write_text(ingest + "\n")
        site = self.sim.control.truth("SUB002")
        config = tmp / "edge.yaml"
        config.write_text(f"""edge_id: edge-sub002
hub: {{url: "{hub.url}", api_key_file: api-key}}
journal: {{path: journal.sqlite}}
upload: {{max_age: 100ms, backoff_initial: 100ms, backoff_max: 1s}}
devices:
{dnp3_device(self.dnp3_port, site, unsolicited=unsolicited, class1=class1)}""")
        self.log = open(tmp / "edge.log", "wb")
        self.edge = subprocess.Popen([str(binary("hop-edge")), "run", "--config", str(config)], cwd=tmp,
                                     stdout=self.log, stderr=subprocess.STDOUT)

    def get(self, path, **params):
        r = requests.get(self.hub.url + path, headers={"X-API-Key": self.reader}, params=params, timeout=5)
        r.raise_for_status()
        return r.json()

    def trips(self, feeder):
        return [e for e in self.get("/api/query/events", minutes=10)
                if e["event_type"] == "FEEDER_TRIP" and e["feeder_id"] == feeder]

    def close(self):
        if self.edge.poll() is None:
            self.edge.send_signal(signal.SIGTERM)
            self.edge.wait(timeout=20)
        self.log.close()
        assert self.sim.stop() == 0


@pytest.fixture
def pipeline(hub, tmp_path):
    made = []

    def make(**kw):
        made.append(Pipeline(hub, tmp_path, **kw))
        return made[-1]

    yield make
    for p in made:
        p.close()


def test_feeders_served_over_dnp3_reach_the_hub_close_to_truth(pipeline):
    p = pipeline(unsolicited=False)
    rows = wait_until(lambda: (lambda r: r if len(r) == 4 else None)(p.get("/api/query/telemetry/latest")),
                      timeout=30, what="four feeders of SUB002 at the hub")
    for row in rows:
        truth = p.sim.control.truth("SUB002", epoch_ms(row["time"]))
        feeder = next(f for f in truth["feeders"] if f["feeder_id"] == row["feeder_id"])
        # Static values are stamped with the poll's time and served a moment later: same model step, or the next.
        assert row["voltage_kv"] == pytest.approx(feeder["voltage_kv"], rel=0.01)
        assert row["frequency_hz"] == pytest.approx(feeder["frequency_hz"], abs=0.05)
        assert row["current_a"] == pytest.approx(feeder["current_a"], rel=0.1)


def test_scripted_trip_arrives_polled_with_the_simulators_millisecond(pipeline):
    p = pipeline(unsolicited=False, class1="500ms",
                 scenario=f"events:\n  - {{at: {SCRIPTED_TRIP_S}, do: trip SUB002 FDR003 2s}}\n")
    tripped_at = p.sim.control.status()["started_ms"] + SCRIPTED_TRIP_S * 1000  # exact, by construction
    event = wait_until(lambda: next(iter(p.trips("FDR003")), None), timeout=30, what="scripted FEEDER_TRIP at the hub")
    assert (event["substation_id"], event["feeder_id"], event["severity"]) == ("SUB002", "FDR003", "ALARM")
    assert epoch_ms(event["time"]) == tripped_at
    restore = wait_until(lambda: [e for e in p.get("/api/query/events", minutes=10)
                                  if e["event_type"] == "FEEDER_RESTORE" and e["feeder_id"] == "FDR003"],
                         timeout=30, what="the scripted reclose at the hub")
    assert epoch_ms(restore[0]["time"]) == tripped_at + 2000


def test_live_trip_arrives_unsolicited_with_the_simulators_millisecond(pipeline):
    # Event polls every 10 minutes: only an unsolicited report can bring the trip in time.
    p = pipeline(unsolicited=True, class1="10m")
    wait_until(lambda: p.get("/api/query/telemetry/latest"), timeout=30, what="first readings")
    before = p.sim.control.status()["now_ms"]
    p.sim.control.send("trip SUB002 FDR001")
    after = p.sim.control.status()["now_ms"]
    event = wait_until(lambda: next(iter(p.trips("FDR001")), None), timeout=15, what="unsolicited FEEDER_TRIP at the hub")
    assert before <= epoch_ms(event["time"]) <= after
    assert not p.sim.control.truth("SUB002", epoch_ms(event["time"]))["feeders"][0]["breaker_closed"]
    assert p.sim.control.truth("SUB002", epoch_ms(event["time"]) - 1)["feeders"][0]["breaker_closed"]
