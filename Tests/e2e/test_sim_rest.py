"""hop-sim REST mode against a real hop-hub: seed-format telemetry equal to the truth, trip/restore events."""
import sys
from datetime import datetime
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).parent))
from sim_support import Sim, wait_until  # noqa: E402


def epoch_ms(rfc3339: str) -> int:
    return round(datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp() * 1000)


def get(hub, key, path, **params):
    r = requests.get(hub.url + path, headers={"X-API-Key": key}, params=params, timeout=5)
    r.raise_for_status()
    return r.json()


def test_rest_mode_posts_truth_and_breaker_events(hub, tmp_path):
    key = hub.create_key("sim-rest", scope="ingest,read")
    key_file = tmp_path / "key"
    key_file.write_text(key + "\n")
    sim = Sim("--post-to", hub.url, "--api-key-file", str(key_file), "--interval", "0.5",
              substations=2, feeders=2, seed=11, modbus=False, log_path=tmp_path / "sim.log")
    try:
        latest = wait_until(lambda: (lambda rows: rows if len(rows) == 4 else None)(
            get(hub, key, "/api/query/telemetry/latest")), timeout=20, what="4 feeders in telemetry/latest")
        for row in latest:
            truth = sim.control.truth(row["substation_id"], epoch_ms(row["time"]))
            feeder = next(f for f in truth["feeders"] if f["feeder_id"] == row["feeder_id"])
            assert row["site_name"] == truth["site_name"]
            assert (row["latitude"], row["longitude"]) == (truth["latitude"], truth["longitude"])
            for field in ("voltage_kv", "current_a", "power_mw", "frequency_hz"):
                assert abs(row[field] - feeder[field]) <= 1e-9 * abs(feeder[field]), (field, row, feeder)

        before = sim.control.status()["now_ms"]
        sim.control.send("trip SUB002 FDR001")
        after = sim.control.status()["now_ms"]

        def trip_event():
            events = get(hub, key, "/api/query/events", minutes=10)
            return next((e for e in events if e["event_type"] == "FEEDER_TRIP"), None)

        trip = wait_until(trip_event, timeout=10, what="FEEDER_TRIP at the hub")
        assert trip["substation_id"] == "SUB002" and trip["feeder_id"] == "FDR001"
        assert trip["device_id"] == "SUB002-FDR001" and trip["severity"] == "ALARM"
        assert (trip["old_state"], trip["new_state"]) == ("CLOSED", "OPEN")
        at = epoch_ms(trip["time"])
        assert before <= at <= after  # the source time is the trip's, not the post's
        assert sim.control.truth("SUB002", at - 1)["feeders"][0]["breaker_closed"]
        assert not sim.control.truth("SUB002", at)["feeders"][0]["breaker_closed"]

        def tripped_reading():
            rows = get(hub, key, "/api/query/telemetry/latest", substation_id="SUB002")
            row = next((r for r in rows if r["feeder_id"] == "FDR001" and epoch_ms(r["time"]) > at), None)
            return row if row and row["current_a"] == 0 and row["power_mw"] == 0 else None

        wait_until(tripped_reading, timeout=10, what="I = P = 0 for the tripped feeder")

        # As an outage management system would: an ACTIVE outage for the trip, with its impact.
        outage = wait_until(lambda: next(iter(get(hub, key, "/api/query/outages/active")), None),
                            timeout=10, what="an active outage")
        assert outage["outage_id"] == f"OUT-SUB002-FDR001-{at}"
        assert (outage["substation_id"], outage["feeder_id"]) == ("SUB002", "FDR001")
        assert outage["customers_out"] >= 5 and outage["mw_interrupted"] > 50
        power_before = sim.control.truth("SUB002", at - 1)["feeders"][0]["power_mw"]
        assert outage["mw_interrupted"] == round(power_before, 1)

        sim.control.send("restore SUB002 FDR001")
        restore = wait_until(lambda: next((e for e in get(hub, key, "/api/query/events", minutes=10)
                                           if e["event_type"] == "FEEDER_RESTORE"), None),
                             timeout=10, what="FEEDER_RESTORE at the hub")
        assert restore["feeder_id"] == "FDR001" and (restore["old_state"], restore["new_state"]) == ("OPEN", "CLOSED")
        wait_until(lambda: get(hub, key, "/api/query/outages/active") == [], timeout=10, what="the outage resolved")

        # A silent substation posts nothing while silent.
        sim.control.send("silent SUB001")
        quiet_from = sim.control.status()["now_ms"]
        wait_until(lambda: any(epoch_ms(r["time"]) > quiet_from + 1000
                               for r in get(hub, key, "/api/query/telemetry/latest", substation_id="SUB002")),
                   timeout=10, what="SUB002 still posting")
        # SUB001 went silent before `quiet_from` (the command returned first): nothing of it is newer.
        assert all(epoch_ms(r["time"]) < quiet_from
                   for r in get(hub, key, "/api/query/telemetry/latest", substation_id="SUB001"))
    finally:
        assert sim.stop() == 0


def test_rest_mode_with_a_wrong_key_keeps_running_and_says_why(hub, tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text("not-a-key\n")
    log = tmp_path / "sim.log"
    sim = Sim("--post-to", hub.url, "--api-key-file", str(key_file), "--interval", "0.2",
              substations=1, feeders=1, modbus=False, log_path=log)
    try:
        wait_until(lambda: "HTTP 401" in log.read_text(errors="replace"), timeout=10, what="401 in the sim log")
        assert sim.proc.poll() is None
    finally:
        assert sim.stop() == 0
