"""hop-sim scenario files: faults take effect at exactly start + at, and the ground truth keeps history."""
import sys
from pathlib import Path

import pytest
from pymodbus.client import ModbusTcpClient

sys.path.insert(0, str(Path(__file__).parent))
from sim_support import REPO, Sim, wait_until  # noqa: E402


def test_scenario_faults_happen_at_their_times(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "events:\n"
        "  - {at: 0.3, do: trip SUB001 FDR001}\n"
        "  - {at: 600ms, do: excursion all -0.1 6s}\n"
        "  - {at: 900ms, do: exception SUB002 FDR001 3}\n"
        "  - {at: 1.2s, do: restore SUB001 FDR001}\n")
    a = Sim("--scenario", str(scenario), substations=2, seed=5)
    b = Sim(substations=2, seed=5)  # same seed, no scenario: the baseline
    try:
        start = a.control.status()["started_ms"]
        wait_until(lambda: a.control.status()["now_ms"] > start + 1_300, timeout=10, what="scenario played")

        def closed(at):
            return a.control.truth("SUB001", at)["feeders"][0]["breaker_closed"]

        assert closed(start + 299) and not closed(start + 300)
        assert not closed(start + 1_199) and closed(start + 1_200)
        # Tripped feeder carries nothing; others and the baseline do.
        t = a.control.truth("SUB001", start + 500)
        assert t["feeders"][0]["current_a"] == 0 and t["feeders"][0]["power_mw"] == 0
        assert t["feeders"][1]["current_a"] > 0

        # On the plateau of the excursion, frequency is exactly 0.1 Hz below the baseline run.
        for at in (start + 3_000, start + 4_000):
            for sub in ("SUB001", "SUB002"):
                fa = a.control.truth(sub, at)["frequency_hz"]
                fb = b.control.truth(sub, at)["frequency_hz"]
                assert fa - fb == pytest.approx(-0.1, abs=1e-9)
        assert a.control.truth("SUB001", start + 20_000)["frequency_hz"] == b.control.truth("SUB001", start + 20_000)["frequency_hz"]

        c = ModbusTcpClient("127.0.0.1", port=a.modbus_port, timeout=1, retries=0)
        assert c.connect()
        assert c.read_holding_registers(address=0, count=8, device_id=2).exception_code == 3
        assert not c.read_holding_registers(address=20, count=8, device_id=2).isError()
        c.close()
    finally:
        assert a.stop() == 0 and b.stop() == 0


def test_demo_scenario_loads():
    demo = REPO / "edge-configs" / "scenarios" / "demo.yaml"
    s = Sim("--scenario", str(demo), substations=5, seed=1)
    try:
        assert s.control.status()["substations"] == 5
    finally:
        assert s.stop() == 0
