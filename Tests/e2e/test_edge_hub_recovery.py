"""A trip made while the hub is down reaches it within seconds of the hub answering again.

The real hub is SIGKILLed for 30 s while the edge polls a pymodbus RTU; a breaker opens during the
outage; the hub is restarted over the same data directory. The edge's upload retries stay within
its reconnect cap (probes of /api/health while the hub is away), so the journaled FEEDER_TRIP is
stored at the hub at most 5 s after the hub's health check first answers. The edge runs with the
shipped backoff defaults (500 ms doubling to 60 s), under which the delay used to grow to ~30 s."""
import signal
import time

import pytest

from edge_support import Edge, Hub, ModbusServer, sim_registers, wait_until, write_config

OUTAGE_S = 30
TARGET_S = 5.0


@pytest.fixture
def rtu(tmp_path):
    server = ModbusServer(tmp_path, holding=sim_registers(), coils=[True] * 8).start()
    yield server
    server.stop()


def test_a_trip_made_during_a_hub_outage_is_at_the_hub_within_5_s_of_its_return(tmp_path, rtu):
    hub = Hub(tmp_path)
    hub.key = hub.create_key()
    hub.start()
    config = write_config(tmp_path, hub_url=hub.url, key=hub.key, modbus_port=rtu.port, poll="100ms",
                          upload={"backoff_initial": "500ms", "backoff_max": "60s"})
    edge = Edge(config).start()
    try:
        wait_until(lambda: len(hub.telemetry("SUB001-FDR001")) >= 5, what="readings at the hub")
        hub.stop(signal.SIGKILL)
        killed = time.monotonic()
        # The trip happens a few seconds into the outage, once the edge has started retrying.
        wait_until(lambda: (s := edge.status())["in_flight"] and s["in_flight"]["attempts"] >= 2, what="the edge retrying")
        rtu.write_coil(0, False)
        wait_until(lambda: edge.status()["event_rows"] >= 1, what="the trip journaled at the edge")
        assert not hub.events("FEEDER_TRIP")  # the hub's store, read while the hub is down
        # The rest of the outage: nothing to synchronise with, the hub is simply away this long.
        wait_until(lambda: time.monotonic() - killed >= OUTAGE_S, timeout=OUTAGE_S + 5, interval=0.2,
                   what="the outage to last its length")
        attempts = edge.status()["in_flight"]["attempts"]  # the batch's, and the probes made for it
        hub.start()  # returns when GET /api/health first answers (polled every 50 ms)
        ready = time.monotonic()
        trip = wait_until(lambda: hub.events("FEEDER_TRIP"), timeout=30, interval=0.02, what="the trip at the hub")
        delay = time.monotonic() - ready
        print(f"trip stored {delay:.2f} s after the hub answered; {attempts} failed attempts in a {OUTAGE_S} s outage")
        assert trip[0][2:7] == ("ALARM", "SUB001-FDR001", "FDR001", "CLOSED", "OPEN")
        assert delay <= TARGET_S, f"trip reached the hub {delay:.2f} s after it answered"
        # Not hammering: full jitter under a 4 s cap is ~1 attempt per 2 s, however long the outage.
        assert 5 <= attempts <= OUTAGE_S, attempts
    finally:
        edge.stop()
        hub.stop()
