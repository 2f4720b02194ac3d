"""hop-edge's DNP3 master against real, independent outstations (opendnp3 through PyPI `yadnp3`),
the real hop-hub and loopback only: integrity and event polls, unsolicited responses, multi-fragment
answers with confirms, time sync on NEED_TIME, DEVICE_RESTART, extra object types in class 0, an
outstation restarted mid-session, a silent outstation, a corrupted frame, and a breaker trip at the
outstation reaching the hub as FEEDER_TRIP with the outstation's own event time."""
import json
import time

import pytest

from dnp3_support import FlippingProxy, Outstation, SerialPair
from edge_support import Edge, Hub, run_edge, wait_until

DEVICE = "SUB001-FDR001"


@pytest.fixture
def hub(tmp_path):
    h = Hub(tmp_path)
    key = h.create_key()
    h.start()
    h.key = key
    yield h
    h.stop()


@pytest.fixture
def outstation(tmp_path):
    o = Outstation(tmp_path, points=8).start()
    yield o
    o.stop()


def config(tmp, port, *, hub_url="http://127.0.0.1:9", key="unused", extra="", polls="{class1: 200ms, class2: off, class3: off}"):
    (tmp / "api-key").write_text(key + "\n")
    path = tmp / "edge.yaml"
    path.write_text(f"""edge_id: edge-dnp3
hub: {{url: "{hub_url}", api_key_file: api-key, connect_timeout: 1s, request_timeout: 5s}}
journal: {{path: {tmp}/journal.sqlite, min_free_disk: 0}}
upload: {{max_records: 50, max_age: 100ms, backoff_initial: 100ms, backoff_max: 1s}}
devices:
  - name: rtu-dnp3
    protocol: dnp3-tcp
    host: 127.0.0.1
    port: {port}
    master_address: 1
    outstation_address: 1024
    timeout: 500ms
    retries: 0
    substation_id: SUB001
    event_polls: {polls}
    event_variations: [g2v2, g32v7]
{extra}    feeders:
      - feeder_id: FDR001
        points:
          voltage_kv: {{group: 30, index: 0, scale: 0.001}}
          current_a: {{group: 30, index: 1}}
          frequency_hz: {{group: 30, index: 7, scale: 0.01}}
        breaker: {{group: 1, index: 0}}
      - feeder_id: FDR002
        points:
          frequency_hz: {{group: 30, index: 7, scale: 0.01}}
""")
    return path


def probe(path):
    out = run_edge("probe", "--config", str(path), "--json")
    assert out.stdout.strip().startswith("["), out.stderr + out.stdout
    return out.returncode, json.loads(out.stdout)[0]


def hub_rows(hub, sql, *args):
    with hub.db() as db:
        return db.execute(sql, args).fetchall()


def voltages(hub):
    return [r[0] for r in hub_rows(hub, "SELECT voltage_kv FROM telemetry WHERE device_id = ? AND voltage_kv IS NOT NULL ORDER BY ts", DEVICE)]


def test_check_prints_the_dnp3_plan_and_bad_keys_name_file_line_and_problem(tmp_path):
    path = config(tmp_path, 20000)
    out = run_edge("check", "--config", str(path))
    assert out.returncode == 0, out.stderr
    assert "dnp3-tcp 127.0.0.1:20000 master 1 → outstation 1024" in out.stdout
    assert "poll class1 every 200ms" in out.stdout and "read-only" in out.stdout
    bad = path.read_text().replace("{group: 30, index: 1}", "{group: 32, index: 1}")
    path.write_text(bad)
    out = run_edge("check", "--config", str(path))
    assert out.returncode == 1
    line = next(i + 1 for i, l in enumerate(bad.splitlines()) if "group: 32" in l)
    assert f"{path}:{line}: devices[0].feeders[0].points.current_a.group: write the static group" in out.stderr


def test_probe_shows_points_with_flags_and_skips_extra_class_0_objects(tmp_path, outstation):
    outstation.send(op="analog", index=0, value=138000.0)
    outstation.send(op="analog", index=7, value=6001.0)
    outstation.send(op="binary", index=0, value=True)
    outstation.send(op="analog", index=1, value=0.0, flags=0x05)  # ONLINE + COMM_LOST
    rc, report = probe(config(tmp_path, outstation.port))
    assert rc == 0 and report["ok"] is True, report
    assert report["protocol"] == "dnp3" and report["outstation_address"] == 1024
    assert "DEVICE_RESTART" in report["iin"]  # opendnp3 starts with IIN1.7 set
    feeders = {f["feeder_id"]: f for f in report["feeders"]}
    assert feeders["FDR001"]["values"] == {"voltage_kv": pytest.approx(138.0), "frequency_hz": pytest.approx(60.01)}
    assert feeders["FDR001"]["breaker_closed"] is True
    assert feeders["FDR002"]["values"] == {"frequency_hz": pytest.approx(60.01)}  # one point, two feeders
    static = {(p["type"], p["index"]): p for p in report["points"] if not p["event"]}
    assert static[("analog", 1)]["flags"] == ["ONLINE", "COMM_LOST"]
    assert static[("analog", 1)]["outcome"] == "rejected"  # not stored as a good value
    assert static[("analog", 2)]["flags"] == ["RESTART"] and static[("analog", 2)]["outcome"] == "unmapped"
    # Frozen counters, binary output status, analog output status, time-and-interval and octet strings
    # ride in opendnp3's class 0 answer: stepped over, not a failure.
    assert {"g21v1", "g10v2", "g40v1", "g110v1"} <= set(report["skipped_objects"])


def test_a_multi_fragment_integrity_answer_is_confirmed_and_read_whole(tmp_path):
    o = Outstation(tmp_path, points=300, max_tx_fragment=512).start()
    try:
        for i in range(0, 300, 50):
            o.send(op="analog", index=i, value=float(i))
        rc, report = probe(config(tmp_path, o.port))
        assert rc == 0, report
        analogs = [p for p in report["points"] if p["type"] == "analog" and not p["event"]]
        assert [p["index"] for p in analogs] == list(range(300))
        counters = [p for p in report["points"] if p["type"] == "counter"]
        assert len(counters) == 300  # after the analogs, in later fragments
        assert {p["index"]: p["value"] for p in analogs if p["index"] % 50 == 0} == {i: f"{float(i)}" for i in range(0, 300, 50)}
    finally:
        o.stop()


def test_readings_and_a_breaker_trip_reach_the_hub_with_the_outstations_event_time(tmp_path, hub, outstation):
    outstation.send(op="analog", index=0, value=138000.0)
    outstation.send(op="binary", index=0, value=True)
    edge = Edge(config(tmp_path, outstation.port, hub_url=hub.url, key=hub.key)).start()
    try:
        wait_until(lambda: 138.0 in voltages(hub), what="first reading")
        trip_ms = int(time.time() * 1000) - 7_000  # clearly not the poll's time
        outstation.send(op="binary", index=0, value=False, time=trip_ms)
        trip = wait_until(lambda: hub.events("FEEDER_TRIP"), what="FEEDER_TRIP")
        assert trip[0][0] == trip_ms  # the RTU's millisecond time
        assert trip[0][2:7] == ("ALARM", DEVICE, "FDR001", "CLOSED", "OPEN")
        assert "g1 index 0" in trip[0][7]
        outstation.send(op="analog", index=0, value=139500.0, time=trip_ms + 20)
        wait_until(lambda: 139.5 in voltages(hub), what="analog event")
        ts = hub_rows(hub, "SELECT ts FROM telemetry WHERE device_id = ? AND voltage_kv = 139.5", DEVICE)
        assert ts[0][0] == trip_ms + 20
        device = edge.status()["devices"][0]  # `status` reads the journal, agent running or not
        assert (device["name"], device["comm_state"], device["breakers"]) == ("rtu-dnp3", "ok", {"FDR001": False})
    finally:
        edge.stop()


def test_unsolicited_events_are_confirmed_and_stored_without_event_polls(tmp_path, hub):
    o = Outstation(tmp_path, points=8, unsolicited=True).start()
    try:
        o.send(op="binary", index=0, value=True)
        path = config(tmp_path, o.port, hub_url=hub.url, key=hub.key,
                      polls="{class1: off, class2: off, class3: off}", extra="    unsolicited: true\n")
        edge = Edge(path).start()
        try:
            wait_until(lambda: "unsolicited reporting enabled" in edge.log_text(), what="ENABLE_UNSOLICITED")
            for k, value in enumerate([131000.0, 132000.0, 133000.0]):
                o.send(op="analog", index=0, value=value)
                # The next unsolicited report is only sent once the previous one was confirmed.
                wait_until(lambda: value / 1000 in voltages(hub), what=f"unsolicited reading {k}")
            sent = int(time.time() * 1000)
            o.send(op="binary", index=0, value=False)
            trip = wait_until(lambda: hub.events("FEEDER_TRIP"), what="FEEDER_TRIP by unsolicited report")
            # opendnp3 reports g2v1 (no time) unsolicited: the master's receive time is used.
            assert sent - 50 <= trip[0][0] <= sent + 2_000
        finally:
            edge.stop()
        assert "poll class1" not in path.read_text()
    finally:
        o.stop()


def test_need_time_is_answered_with_a_time_write(tmp_path):
    o = Outstation(tmp_path, points=8, need_time=True).start()
    try:
        before = int(time.time() * 1000)
        rc, report = probe(config(tmp_path, o.port))
        assert rc == 0, report
        written = wait_until(lambda: [e for e in o.events if e["event"] == "time_written"], what="time written")
        assert before - 1_000 <= written[0]["ms"] <= int(time.time() * 1000) + 1_000
        assert not [e for e in o.events if e["event"] == "command_begin"]  # read-only: no control ever sent
    finally:
        o.stop()


def test_device_restart_is_cleared_and_followed_by_an_integrity_poll(tmp_path, hub, outstation):
    outstation.send(op="analog", index=0, value=138000.0)
    edge = Edge(config(tmp_path, outstation.port, hub_url=hub.url, key=hub.key)).start()
    try:
        wait_until(lambda: 138.0 in voltages(hub), what="first reading")
        wait_until(lambda: edge.log_text().count("DEVICE_RESTART") == 1, what="start-up restart cleared")
        static_polls = len(voltages(hub))
        outstation.send(op="restart")
        wait_until(lambda: edge.log_text().count("DEVICE_RESTART") == 2, what="second DEVICE_RESTART seen")
        # The integrity poll re-reads the static value (no event was generated for it).
        wait_until(lambda: len(voltages(hub)) > static_polls, what="integrity poll after restart")
    finally:
        edge.stop()


def test_outstation_restart_mid_session_records_comm_fail_and_restored(tmp_path, hub, outstation):
    outstation.send(op="analog", index=0, value=138000.0)
    edge = Edge(config(tmp_path, outstation.port, hub_url=hub.url, key=hub.key)).start()
    try:
        wait_until(lambda: 138.0 in voltages(hub), what="first reading")
        outstation.stop()
        wait_until(lambda: hub.events("COMM_FAIL"), what="COMM_FAIL")
        outstation.start()
        outstation.send(op="analog", index=0, value=141000.0)
        wait_until(lambda: hub.events("COMM_RESTORED"), what="COMM_RESTORED")
        wait_until(lambda: 141.0 in voltages(hub), what="reading after restart")
    finally:
        edge.stop()
    assert len(hub.events("COMM_FAIL")) == 1


def test_a_silent_outstation_is_comm_fail_then_comm_restored(tmp_path, hub, outstation):
    proxy = FlippingProxy(outstation.port)
    outstation.send(op="analog", index=0, value=138000.0)
    edge = Edge(config(tmp_path, proxy.port, hub_url=hub.url, key=hub.key)).start()
    try:
        wait_until(lambda: 138.0 in voltages(hub), what="first reading")
        proxy.mute()
        fail = wait_until(lambda: hub.events("COMM_FAIL"), what="COMM_FAIL")
        assert "no complete response" in fail[0][7] or "timed out" in fail[0][7]
        count = len(voltages(hub))
        proxy.mute(False)
        wait_until(lambda: hub.events("COMM_RESTORED"), what="COMM_RESTORED")
        wait_until(lambda: len(voltages(hub)) > count, what="readings again")
    finally:
        edge.stop()
        proxy.close()


def test_a_corrupted_frame_is_dropped_never_stored_and_polling_recovers(tmp_path, hub, outstation):
    proxy = FlippingProxy(outstation.port)
    outstation.send(op="analog", index=0, value=138000.0)
    path = config(tmp_path, proxy.port, hub_url=hub.url, key=hub.key).read_text().replace("retries: 0", "retries: 1")
    (tmp_path / "edge.yaml").write_text(path)
    edge = Edge(tmp_path / "edge.yaml").start()
    try:
        wait_until(lambda: 138.0 in voltages(hub), what="first reading")
        proxy.flip_next()
        outstation.send(op="analog", index=0, value=140000.0)
        wait_until(lambda: proxy.flipped == 1, what="a frame corrupted")
        wait_until(lambda: "corrupted frame" in edge.log_text(), what="the drop logged")
        outstation.send(op="analog", index=0, value=142000.0)
        wait_until(lambda: 142.0 in voltages(hub), what="polling recovered")
    finally:
        edge.stop()
        proxy.close()
    assert set(voltages(hub)) <= {138.0, 140.0, 142.0}  # nothing corrupted reached the hub


# ---------------------------------------------------------------------------------------------
# py1815: an independent pure-Python outstation

def test_py1815_floats_timed_events_and_unsolicited_with_common_time_reach_the_hub(tmp_path, hub):
    o = Outstation(tmp_path, kind="py1815", points=8, unsolicited=True).start()
    try:
        o.send(op="analog", index=0, value=138000.0)
        o.send(op="analog", index=7, value=6001.5)
        o.send(op="binary", index=0, value=True)
        # Explicit variations py1815 does not serve: refused (OBJECT_UNKNOWN), then classes only.
        path = config(tmp_path, o.port, hub_url=hub.url, key=hub.key,
                      polls="{class1: off, class2: off, class3: off}", extra="    unsolicited: true\n")
        edge = Edge(path).start()
        try:
            wait_until(lambda: 138.0 in voltages(hub), what="static g30v5 reading")
            freq = [r[0] for r in hub_rows(hub, "SELECT frequency_hz FROM telemetry WHERE device_id = ? AND frequency_hz IS NOT NULL", DEVICE)]
            # The static g30v5 float; py1815's int32 event of the same change says 6002 (60.02).
            assert 60.015 in [round(f, 6) for f in freq], freq
            assert "does not know g2v2, g32v7 (OBJECT_UNKNOWN)" in edge.log_text()
            wait_until(lambda: "unsolicited reporting enabled" in edge.log_text(), what="ENABLE_UNSOLICITED")
            trip_ms = int(time.time() * 1000) - 4_321
            o.send(op="binary", index=0, value=False, time=trip_ms)
            trip = wait_until(lambda: hub.events("FEEDER_TRIP"), what="FEEDER_TRIP by unsolicited report")
            assert trip[0][0] == trip_ms
            o.send(op="analog", index=0, value=136500.0, time=trip_ms + 5)
            wait_until(lambda: 136.5 in voltages(hub), what="unsolicited analog event")
            ts = hub_rows(hub, "SELECT ts FROM telemetry WHERE device_id = ? AND voltage_kv = 136.5", DEVICE)
            assert ts[0][0] == trip_ms + 5
        finally:
            edge.stop()
    finally:
        o.stop()


def test_py1815_time_sync_on_need_time_and_event_polls(tmp_path):
    o = Outstation(tmp_path, kind="py1815", points=8, need_time=True).start()
    try:
        o.send(op="analog", index=0, value=138000.0)
        before = int(time.time() * 1000)
        rc, report = probe(config(tmp_path, o.port))
        assert rc == 0, report
        written = wait_until(lambda: [e for e in o.events if e["event"] == "time_written"], what="time written")
        assert before - 1_000 <= written[0]["ms"] <= int(time.time() * 1000) + 1_000
        assert {p["object"] for p in report["points"] if not p["event"]} == {"g30v5", "g1v2"}
        assert report["feeders"][0]["values"]["voltage_kv"] == pytest.approx(138.0)
    finally:
        o.stop()


def test_dnp3_serial_over_a_pseudo_terminal_pair(tmp_path):
    line = SerialPair()
    o = Outstation(tmp_path, points=8, serial=line.a, baud=19200).start()
    try:
        o.send(op="analog", index=0, value=138000.0)
        o.send(op="binary", index=0, value=True)
        path = config(tmp_path, 20000)
        text = path.read_text().replace("    protocol: dnp3-tcp\n    host: 127.0.0.1\n    port: 20000\n",
                                        f"    protocol: dnp3-serial\n    serial: {{device: {line.b}, baud: 19200}}\n")
        path.write_text(text)
        rc, report = probe(path)
        assert rc == 0, report
        assert report["transport"].startswith(f"dnp3-serial {line.b} 19200")
        assert report["feeders"][0]["values"]["voltage_kv"] == pytest.approx(138.0)
        assert report["feeders"][0]["breaker_closed"] is True
        assert line.bytes > 300  # the answer really crossed the line
    finally:
        o.stop()
