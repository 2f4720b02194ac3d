"""hop-edge against the real hub: store-and-forward through a hub outage, SIGKILL while uploading,
RTU loss and recovery, breaker trips, quota eviction, quarantine of refused batches, SIGTERM flush.

Every reading carries a counter (the pymodbus peer increments FDR001.current_a on every read), so
"exactly once and in order" is checked on the hub's store: counters unique, contiguous where no
reading can have been lost, and increasing with source time."""
import json
import random
import socket
import time

import pytest

from edge_support import Edge, Hub, ModbusServer, counters, encode, run_edge, sim_registers, wait_until, write_config

DEVICE = "SUB001-FDR001"


@pytest.fixture
def rtu(tmp_path):
    server = ModbusServer(tmp_path, holding=sim_registers(), coils=[True] * 8, counter_address=2).start()
    yield server
    server.stop()


@pytest.fixture
def hub(tmp_path):
    h = Hub(tmp_path)
    key = h.create_key()
    h.start()
    h.key = key
    yield h
    h.stop()


def assert_exactly_once_in_order(rows, max_gaps=0):
    values = counters(rows)
    assert values, "no readings at the hub"
    assert len(values) == len(set(values)), f"duplicates at the hub: {len(values) - len(set(values))}"
    assert values == sorted(values), "readings out of order"
    gaps = sum(1 for a, b in zip(values, values[1:]) if b != a + 1)
    assert gaps <= max_gaps, f"{gaps} gaps in {values[:5]}…{values[-5:]}"
    return values


def test_hub_outage_then_restart_delivers_every_reading_exactly_once_in_order(tmp_path, rtu, hub):
    edge = Edge(write_config(tmp_path, hub_url=hub.url, key=hub.key, modbus_port=rtu.port, poll="50ms")).start()
    try:
        wait_until(lambda: len(hub.telemetry(DEVICE)) >= 10, what="first readings at the hub")
        hub.stop()
        # While the hub is down the journal grows and the in-flight batch collects failed attempts.
        status = wait_until(lambda: (s := edge.status())["depth"] >= 100 and s["in_flight"] and s, what="journal depth")
        assert status["in_flight"]["attempts"] >= 1
        hub.start()
        wait_until(lambda: edge.status()["depth"] < 20, timeout=30, what="journal drained")
    finally:
        assert edge.stop() == 0
    after = edge.status()
    assert after["depth"] == 0  # SIGTERM flushed the rest
    values = assert_exactly_once_in_order(hub.telemetry(DEVICE))
    assert len(values) >= 110
    # Everything the edge journaled and had acknowledged is at the hub, once (no events in this test).
    assert after["acked_records"] == len(values) and after["evicted_telemetry"] == 0
    edges = hub.get("/api/query/edges", hub.key)
    text = json.dumps(edges)
    assert "edge-e2e" in text and "rtu-1" in text


def test_sigkill_while_uploading_loses_and_duplicates_nothing(tmp_path, rtu, hub):
    config = write_config(tmp_path, hub_url=hub.url, key=hub.key, modbus_port=rtu.port, poll="20ms",
                          upload={"max_records": 7, "max_age": "50ms"})
    edge = Edge(config)
    kills = 6
    rng = random.Random(42)
    for _ in range(kills):
        edge.start()
        before = len(hub.telemetry(DEVICE))
        wait_until(lambda: len(hub.telemetry(DEVICE)) > before + 5, what="uploads before the kill")
        time.sleep(rng.uniform(0.0, 0.3))  # land the kill at an arbitrary point of the upload cycle
        edge.kill9()
    edge.start()
    before = len(hub.telemetry(DEVICE))
    wait_until(lambda: len(hub.telemetry(DEVICE)) > before + 5 and edge.status()["depth"] < 10,
               what="drain after the last restart")
    assert edge.stop() == 0
    assert edge.status()["depth"] == 0
    # A kill can only lose the poll in progress (read from the RTU, never committed): at most one
    # missing counter per kill. Nothing committed is lost, nothing is stored twice.
    values = assert_exactly_once_in_order(hub.telemetry(DEVICE), max_gaps=kills)
    assert len(values) >= 6 * kills


def test_rtu_loss_records_comm_fail_then_comm_restored_and_polling_resumes(tmp_path, rtu, hub):
    edge = Edge(write_config(tmp_path, hub_url=hub.url, key=hub.key, modbus_port=rtu.port, poll="50ms")).start()
    try:
        wait_until(lambda: len(hub.telemetry(DEVICE)) >= 5, what="readings")
        rtu.stop()
        fail = wait_until(lambda: hub.events("COMM_FAIL"), what="COMM_FAIL at the hub")
        assert len(fail) == 1 and fail[0][2] == "WARNING" and fail[0][3] == "rtu-1"
        during = len(hub.telemetry(DEVICE))
        status = edge.status()
        assert status["devices"][0]["comm_state"] == "failed"
        rtu.start()
        restored = wait_until(lambda: hub.events("COMM_RESTORED"), timeout=40, what="COMM_RESTORED at the hub")
        assert restored[0][0] > fail[0][0]
        wait_until(lambda: len(hub.telemetry(DEVICE)) > during + 5, what="polling resumed")
        assert len(hub.events("COMM_FAIL")) == 1  # one failure, however many polls failed
        # No reading was invented while the RTU was down.
        rows = hub.telemetry(DEVICE)
        assert not [r for r in rows if fail[0][0] < r[0] < restored[0][0]]
    finally:
        edge.stop()


def test_breaker_open_and_close_become_trip_and_restore_events(tmp_path, rtu, hub):
    edge = Edge(write_config(tmp_path, hub_url=hub.url, key=hub.key, modbus_port=rtu.port, poll="50ms")).start()
    try:
        wait_until(lambda: len(hub.telemetry(DEVICE)) >= 3, what="readings")
        rtu.write_coil(0, False)
        trip = wait_until(lambda: hub.events("FEEDER_TRIP"), what="FEEDER_TRIP")
        assert trip[0][2:7] == ("ALARM", DEVICE, "FDR001", "CLOSED", "OPEN")
        rtu.write_coil(0, True)
        restore = wait_until(lambda: hub.events("FEEDER_RESTORE"), what="FEEDER_RESTORE")
        assert restore[0][2:7] == ("INFO", DEVICE, "FDR001", "OPEN", "CLOSED")
        assert restore[0][0] > trip[0][0]
        api = hub.get("/api/query/events", hub.key, minutes=5)
        assert "FEEDER_TRIP" in json.dumps(api)
    finally:
        edge.stop()


def test_quota_reached_evicts_oldest_readings_keeps_events_and_reports_counts(tmp_path, rtu, hub):
    hub.stop()
    config = write_config(tmp_path, hub_url=hub.url, key=hub.key, modbus_port=rtu.port, poll="10ms",
                          journal={"quota": "64KiB"}, upload={"max_records": 20})
    edge = Edge(config).start()
    try:
        wait_until(lambda: edge.status()["evicted_telemetry"] > 50, timeout=60, what="eviction")
        rtu.write_coil(0, False)  # an event while the journal is full
        wait_until(lambda: edge.status()["event_rows"] >= 1, what="trip journaled")
        status = edge.status()
        assert status["bytes"] <= 64 * 1024
        assert status["evicted_events"] == 0
        hub.start()
        wait_until(lambda: hub.events("FEEDER_TRIP"), timeout=30, what="trip delivered despite eviction")
        edges = wait_until(lambda: (e := json.dumps(hub.get("/api/query/edges", hub.key))) and '"evicted_total": 0' not in e
                           and "evicted_total" in e and e, what="eviction count at the hub")
        assert "evicted_total" in edges
    finally:
        edge.stop()
    values = assert_exactly_once_in_order(hub.telemetry(DEVICE), max_gaps=10_000)
    # Oldest go first: what survived is the newest part of the outage.
    assert values[-1] > status["evicted_telemetry"]


def test_a_refused_batch_is_quarantined_and_does_not_block_the_rest(tmp_path, rtu, hub):
    config = write_config(tmp_path, hub_url=hub.url, key=hub.key, modbus_port=rtu.port, poll="50ms",
                          upload={"max_records": 5, "max_age": "100ms"})
    edge = Edge(config).start()
    try:
        wait_until(lambda: len(hub.telemetry(DEVICE)) >= 5, what="readings")
        rtu.write_registers(6, encode(99.0, "float32"))  # 99 Hz: outside the hub's 40…70 Hz limit → 422
        wait_until(lambda: edge.status()["quarantined_total"] >= 1, what="quarantine")
        rtu.write_registers(6, encode(60.0, "float32"))
        count = len(hub.telemetry(DEVICE))
        wait_until(lambda: len(hub.telemetry(DEVICE)) > count + 5, what="later batches delivered")
    finally:
        edge.stop()
    status = edge.status()
    q = status["quarantine"][0]
    assert q["status"] == 422 and "frequency_hz" in q["reason"]
    assert all(abs(r[2] - 99.0) > 1 for r in hub.telemetry(DEVICE))
    out = run_edge("status", "--config", str(config), "--export-quarantine", str(tmp_path / "q"))
    assert out.returncode == 0 and "quarantined" in out.stdout
    exported = json.loads((tmp_path / "q" / f"quarantine-{q['seq']}.json").read_text())
    assert any(t["frequency_hz"] == 99.0 for t in exported["telemetry"])
    edges = json.dumps(hub.get("/api/query/edges", hub.key))
    assert "quarantined_total" in edges


def test_sigterm_flushes_what_is_journaled_and_exits_cleanly(tmp_path, rtu, hub):
    # max_age 1h: nothing is sent by age; only the shutdown flush sends it.
    config = write_config(tmp_path, hub_url=hub.url, key=hub.key, modbus_port=rtu.port, poll="50ms",
                          upload={"max_records": 5000, "max_age": "1h"})
    edge = Edge(config).start()
    wait_until(lambda: edge.status()["depth"] >= 20, what="readings journaled")
    assert hub.telemetry(DEVICE) == []
    assert edge.stop() == 0
    assert edge.status()["depth"] == 0
    values = assert_exactly_once_in_order(hub.telemetry(DEVICE))
    assert len(values) >= 20
    assert "flushed" in edge.log_text()


def test_metrics_endpoint_reports_journal_upload_and_device_health(tmp_path, rtu, hub):
    import requests

    from edge_support import free_port

    port = free_port()
    config = write_config(tmp_path, hub_url=hub.url, key=hub.key, modbus_port=rtu.port, poll="50ms", metrics_port=port)
    edge = Edge(config).start()
    try:
        def scrape():
            text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
            return text if 'hop_edge_device_up{device="rtu-1"} 1' in text and "hop_edge_upload_records_total 0" not in text else None

        text = wait_until(scrape, what="metrics with an up device and uploads")
        assert "# TYPE hop_edge_journal_depth gauge" in text
        assert "# TYPE hop_edge_evicted_records_total counter" in text
        assert 'hop_edge_device_polls_total{device="rtu-1",result="ok"}' in text
        assert requests.get(f"http://127.0.0.1:{port}/other", timeout=2).status_code == 404
    finally:
        assert edge.stop() == 0


def test_a_second_agent_on_the_same_journal_is_refused(tmp_path, rtu, hub):
    config = write_config(tmp_path, hub_url=hub.url, key=hub.key, modbus_port=rtu.port, poll="50ms")
    first = Edge(config).start()
    try:
        wait_until(lambda: len(hub.telemetry(DEVICE)) >= 3, what="first agent uploading")
        second = run_edge("run", "--config", str(config), timeout=30)
        assert second.returncode == 1
        assert f"another hop-edge (pid {first.proc.pid})" in second.stderr
        status = first.status()
        assert status["agent_running"] is True and status["agent_pid"] == first.proc.pid
    finally:
        assert first.stop() == 0
    assert Edge(config).status()["agent_running"] is False


def test_batches_refused_for_a_wrong_key_grant_can_be_requeued_once_it_is_fixed(tmp_path, rtu, hub):
    wrong = hub.create_key(name="wrong-grant", substations="SUB002")
    config = write_config(tmp_path, hub_url=hub.url, key=wrong, modbus_port=rtu.port, poll="50ms",
                          upload={"max_records": 10, "max_age": "100ms"})
    edge = Edge(config).start()
    try:
        status = wait_until(lambda: (s := edge.status())["quarantined_total"] >= 3 and s, what="403s quarantined")
        assert all(q["status"] == 403 for q in status["quarantine"])
        refused = run_edge("requeue", "--config", str(config))
        assert refused.returncode == 1 and "another hop-edge" in refused.stderr  # not while it runs
    finally:
        assert edge.stop() == 0
    assert hub.telemetry(DEVICE) == []
    quarantined = sum(q["records"] for q in edge.status()["quarantine"])
    (tmp_path / "api-key").write_text(hub.key + "\n")  # the right key
    out = run_edge("requeue", "--config", str(config))
    assert out.returncode == 0 and f"({quarantined} records)" in out.stdout, out.stdout + out.stderr
    assert edge.status()["quarantine"] == []
    edge.start()
    try:
        wait_until(lambda: len(hub.telemetry(DEVICE)) >= quarantined + 5, what="requeued readings at the hub")
    finally:
        assert edge.stop() == 0
    # Quarantined batches were sealed in order, so the requeued readings are the oldest counters.
    assert_exactly_once_in_order(hub.telemetry(DEVICE), max_gaps=1)


def test_a_hung_rtu_does_not_slow_down_another_device(tmp_path, rtu, hub):
    from edge_support import RawModbusServer

    hung = RawModbusServer([0] * 16, silent=True)
    try:
        config = write_config(tmp_path, hub_url=hub.url, key=hub.key, modbus_port=rtu.port, poll="50ms")
        config.write_text(config.read_text() + f"""  - name: rtu-hung
    protocol: modbus-tcp
    host: 127.0.0.1
    port: {hung.port}
    timeout: 1s
    retries: 2
    substation_id: SUB001
    poll_interval: 50ms
    feeders:
      - {{feeder_id: FDR009, profile: hop-sim-feeder}}
""")
        edge = Edge(config).start()
        try:
            wait_until(lambda: hub.events("COMM_FAIL"), timeout=30, what="COMM_FAIL of the hung RTU")
            # The other device's reads hang for 3 s at a time (timeout 1 s × 3 attempts). While it
            # takes 6 more requests (two hung polls), the healthy device keeps its 50 ms schedule: no
            # gap of 2 s in its readings' source times, where a device stalled behind the hung one
            # would show a gap of 3 s at every hung poll.
            since = hub.telemetry(DEVICE)[-1][0]
            asked = hung.requests
            wait_until(lambda: hung.requests >= asked + 6, timeout=60, what="two more polls of the hung RTU")
            until = int(time.time() * 1000)
            wait_until(lambda: hub.telemetry(DEVICE)[-1][0] >= until, timeout=30,
                       what="the healthy device's readings up to the end of the hung polls")
            times = [ts for ts, *_ in hub.telemetry(DEVICE) if since <= ts <= until]
            gap = max(b - a for a, b in zip(times, times[1:]))
            print(f"healthy device while the other hangs: {len(times)} readings in {(until - since) / 1000:.1f} s, "
                  f"longest gap {gap} ms")
            assert gap < 2000, f"the healthy device stalled for {gap} ms while the other one hung"
            status = edge.status()
            states = {d["name"]: d["comm_state"] for d in status["devices"]}
            assert states == {"rtu-1": "ok", "rtu-hung": "failed"}
            assert hung.requests >= 1
        finally:
            assert edge.stop() == 0
        fail = hub.events("COMM_FAIL")
        assert [e[3] for e in fail] == ["rtu-hung"] and "timed out" in fail[0][7].lower()
    finally:
        hung.close()


def test_sigterm_is_prompt_when_the_hub_accepts_but_never_answers(tmp_path, rtu):
    """A hub (or a proxy in front of it) that accepts the connection and never answers must not hold
    the agent's shutdown beyond the 5 s flush: the request in flight is abandoned, the journal keeps it."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # accepted by the kernel, never read, never answered
    url = f"http://127.0.0.1:{silent.getsockname()[1]}"
    config = write_config(tmp_path, hub_url=url, key="hop_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
                          modbus_port=rtu.port, poll="50ms", hub_extra={"request_timeout": "300s"})
    edge = Edge(config).start()
    try:
        wait_until(lambda: (s := edge.status())["in_flight"] is not None and s["depth"] >= 20, what="a batch in flight")
    finally:
        started = time.monotonic()
        assert edge.stop(timeout=120) == 0
        took = time.monotonic() - started
        silent.close()
    print(f"SIGTERM with a silent hub: exit after {took:.1f} s")
    # The 5 s flush deadline ends the request in flight. A sanity bound, far from both: an agent that
    # waited for the request timeout (300 s) instead would take minutes.
    assert took < 60, f"shutdown took {took:.1f} s"
    assert edge.status()["depth"] >= 20  # nothing lost: the journal keeps what was not acknowledged


def test_a_busy_metrics_port_stops_run_naming_the_setting_and_the_file(tmp_path, rtu, hub):
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    try:
        config = write_config(tmp_path, hub_url="http://127.0.0.1:1", key=hub.key, modbus_port=rtu.port,
                              metrics_port=busy.getsockname()[1])
        out = run_edge("run", "--config", str(config), timeout=30)
    finally:
        busy.close()
    assert out.returncode == 1, out
    assert f"(configuration {config})" in out.stderr and "metrics.listen" in out.stderr and "in use" in out.stderr, out.stderr


def test_run_logs_the_warnings_check_prints(tmp_path, rtu):
    """Plain http to a host that is not a loopback name sends the key unencrypted: check warns, and so
    does every start of the agent. 0.0.0.0 is not a loopback name, yet connecting to it stays on this
    machine (port 1: refused), so the test never reaches another address."""
    config = write_config(tmp_path, hub_url="http://0.0.0.0:1", key="hop_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
                          modbus_port=rtu.port)
    checked = run_edge("check", "--config", str(config))
    assert checked.returncode == 0 and "http://" in checked.stderr, checked
    edge = Edge(config).start()
    try:
        wait_until(lambda: "unencrypted" in edge.log_text(), timeout=20, what="the warning in the agent's log")
        wait_until(lambda: edge.status()["depth"] > 0, what="the agent polling (its signal handling is in place)")
    finally:
        assert edge.stop() == 0
