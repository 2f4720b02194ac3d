"""hop-sim on the wire: a pymodbus client against a running simulator, checked against its truth."""
import math
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pymodbus.client import ModbusTcpClient
from pymodbus.exceptions import ModbusIOException

sys.path.insert(0, str(Path(__file__).parent))
from sim_support import Sim, decode_feeder, f32, hop_sim_binary, wait_until  # noqa: E402

FEEDERS = 4


@pytest.fixture
def sim():
    s = Sim(substations=3, feeders=FEEDERS, seed=7)
    yield s
    assert s.stop() == 0


def client(sim: Sim, timeout: float = 1.0) -> ModbusTcpClient:
    c = ModbusTcpClient("127.0.0.1", port=sim.modbus_port, timeout=timeout, retries=0)
    assert c.connect()
    return c


def read_unit(c: ModbusTcpClient, unit: int):
    regs = c.read_holding_registers(address=0, count=20 * FEEDERS, device_id=unit)
    assert not regs.isError(), regs
    coils = c.read_coils(address=0, count=FEEDERS, device_id=unit)
    assert not coils.isError(), coils
    return regs.registers, coils.bits[:FEEDERS]


def consistent_sample(sim: Sim, c: ModbusTcpClient, unit: int):
    """Reads a unit between two `truth` calls that fall in the same model step (retrying at step edges)."""
    sub = f"SUB{unit:03d}"

    def attempt():
        before = sim.control.truth(sub)
        regs, coils = read_unit(c, unit)
        after = sim.control.truth(sub)
        if before["step"] == after["step"] and before["feeders"] == after["feeders"]:
            return regs, coils, after
        return None

    return wait_until(attempt, timeout=10, what=f"a sample of {sub} within one step")


def assert_matches(regs, coils, truth):
    for k, feeder in enumerate(truth["feeders"]):
        decoded = decode_feeder(regs, k)
        for field in ("voltage_kv", "current_a", "power_mw", "frequency_hz"):
            assert decoded[field] == f32(feeder[field]), (feeder["feeder_id"], field, decoded[field], feeder[field])
        assert coils[k] == feeder["breaker_closed"]


def test_registers_equal_ground_truth_for_every_unit(sim):
    c = client(sim)
    try:
        for unit in (1, 2, 3):
            regs, coils, truth = consistent_sample(sim, c, unit)
            assert truth["unit_id"] == unit
            assert_matches(regs, coils, truth)
    finally:
        c.close()


def test_values_are_physically_consistent(sim):
    # Truth at any instant is a pure function of time: sample a whole day without waiting for it.
    now = sim.control.status()["now_ms"]
    residential_by_hour = {}
    for hour in range(24):
        at = now + hour * 3_600_000
        truth = sim.control.truth("SUB001", at)
        assert 59.85 < truth["frequency_hz"] < 60.15
        for f in truth["feeders"]:
            v, i, p = f["voltage_kv"], f["current_a"], f["power_mw"]
            assert 0.93 * 230 < v < 1.07 * 230
            assert 150 < i < 1500
            pf = p / (math.sqrt(3) * v * i / 1000)
            assert 0.92 <= pf <= 0.98, pf
            assert f["frequency_hz"] == truth["frequency_hz"]
        local = ((at / 3_600_000) + truth["longitude"] / 15) % 24
        residential_by_hour[int(local)] = [f["current_a"] for f in truth["feeders"] if f["load_class"] == "residential"]
    # Daily load curve: residential feeders carry clearly more at the evening peak than in the small hours.
    assert residential_by_hour[18], "seed 7 gives SUB001 at least one residential feeder"
    for evening, night in zip(residential_by_hour[18], residential_by_hour[3]):
        assert evening > 1.4 * night


def test_frequency_is_shared_across_substations(sim):
    now = sim.control.status()["now_ms"]
    diffs = []
    for s in range(60):
        at = now + s * 1000
        f1 = sim.control.truth("SUB001", at)["frequency_hz"]
        f2 = sim.control.truth("SUB002", at)["frequency_hz"]
        diffs.append(abs(f1 - f2))
    # Same interconnection: only the small local noise separates them.
    assert max(diffs) < 0.015


def test_trip_and_restore_via_control(sim):
    c = client(sim)
    try:
        assert sim.control.send("trip SUB002 FDR003").startswith("ok tripped")
        regs, coils, truth = consistent_sample(sim, c, 2)
        assert coils[2] is False
        assert decode_feeder(regs, 2)["current_a"] == 0 and decode_feeder(regs, 2)["power_mw"] == 0
        assert decode_feeder(regs, 2)["voltage_kv"] > 200  # bus voltage still measured
        assert coils[0] and decode_feeder(regs, 0)["current_a"] > 0  # others unaffected
        assert_matches(regs, coils, truth)
        assert sim.control.status()["open_breakers"] == ["SUB002 FDR003"]

        assert sim.control.send("restore SUB002 FDR003").startswith("ok restored")
        regs, coils, truth = consistent_sample(sim, c, 2)
        assert coils[2] is True and decode_feeder(regs, 2)["current_a"] > 0
        assert_matches(regs, coils, truth)
    finally:
        c.close()


def test_silent_rtu_stops_answering_then_answers_again(sim):
    c = client(sim, timeout=0.5)
    try:
        sim.control.send("silent SUB001")
        with pytest.raises(ModbusIOException):
            c.read_holding_registers(address=0, count=8, device_id=1)
        # The other RTUs behind the same port still answer.
        c.close()
        c = client(sim, timeout=0.5)
        assert not c.read_holding_registers(address=0, count=8, device_id=2).isError()
        assert sim.control.truth("SUB001")["silent"] is True

        sim.control.send("resume SUB001")
        c.close()
        c = client(sim, timeout=0.5)
        assert not c.read_holding_registers(address=0, count=8, device_id=1).isError()
    finally:
        c.close()


def test_timed_silence_ends_by_itself(sim):
    sim.control.send("silent SUB003 3s")

    def answers():
        c = client(sim, timeout=0.3)
        try:
            return not c.read_holding_registers(address=0, count=8, device_id=3).isError()
        except ModbusIOException:
            return False
        finally:
            c.close()

    assert not answers()
    wait_until(answers, timeout=15, what="SUB003 answering again")


def test_register_exception(sim):
    c = client(sim)
    try:
        sim.control.send("exception SUB001 FDR002 2")
        rr = c.read_holding_registers(address=20, count=8, device_id=1)
        assert rr.isError() and rr.exception_code == 2
        # A read that does not touch those registers is answered.
        assert not c.read_holding_registers(address=0, count=8, device_id=1).isError()
        # A read spanning them is refused too.
        assert c.read_holding_registers(address=0, count=40, device_id=1).exception_code == 2

        sim.control.send("exception SUB001 66")  # default code 4: server device failure
        assert c.read_holding_registers(address=60, count=8, device_id=1).exception_code == 4

        assert sim.control.send("clear SUB001").startswith("ok")
        assert not c.read_holding_registers(address=0, count=80, device_id=1).isError()
    finally:
        c.close()


def test_unknown_unit_and_register_writes_are_refused(sim):
    c = client(sim)
    try:
        assert c.read_holding_registers(address=0, count=8, device_id=9).exception_code == 11
        assert c.write_register(0, 1, device_id=1).exception_code == 1
    finally:
        c.close()


def test_writing_a_breaker_coil_operates_the_breaker(sim):
    c = client(sim)
    try:
        assert not c.write_coil(1, False, device_id=3).isError()
        assert sim.control.status()["open_breakers"] == ["SUB003 FDR002"]
        assert c.read_coils(address=0, count=FEEDERS, device_id=3).bits[1] is False
        assert not c.write_coil(1, True, device_id=3).isError()
        assert sim.control.status()["open_breakers"] == []
    finally:
        c.close()


def test_same_seed_gives_the_same_values():
    a = Sim(substations=2, seed=42)
    b = Sim(substations=2, seed=42)
    c = Sim(substations=2, seed=43)
    try:
        at = a.control.status()["now_ms"] + 12_345
        for sub in ("SUB001", "SUB002"):
            ta, tb, tc = a.control.truth(sub, at), b.control.truth(sub, at), c.control.truth(sub, at)
            assert ta == tb
            assert ta["feeders"] != tc["feeders"]
        # And on the wire: both simulators serve identical registers in the same step.
        ca, cb = client(a), client(b)

        def same_step_read():
            s1 = a.control.truth("SUB001")["step"]
            ra, _ = read_unit(ca, 1)
            rb, _ = read_unit(cb, 1)
            s2 = b.control.truth("SUB001")["step"]
            return (ra, rb) if s1 == s2 else None

        ra, rb = wait_until(same_step_read, timeout=10, what="two reads within one step")
        assert ra == rb
        ca.close()
        cb.close()
    finally:
        for s in (a, b, c):
            assert s.stop() == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signals_exit_cleanly(sig):
    s = Sim(substations=1)
    c = client(s)
    read_unit(c, 1)  # with a client connected
    assert s.stop(sig) == 0
    c.close()


def test_control_subcommand(sim):
    run = lambda *words: subprocess.run([str(hop_sim_binary()), "control", "--to", f"127.0.0.1:{sim.control_port}", *words],
                                        capture_output=True, text=True, timeout=30)
    r = run("trip", "SUB001", "FDR004")
    assert r.returncode == 0 and r.stdout.strip() == "ok tripped SUB001 FDR004"
    assert sim.control.status()["open_breakers"] == ["SUB001 FDR004"]
    r = run("truth", "SUB001")
    assert r.returncode == 0 and '"breaker_closed":false' in r.stdout
    r = run("restore", "SUB009", "FDR001")
    assert r.returncode == 1 and r.stdout.startswith("error unknown substation")


def test_bad_arguments_fail_with_a_precise_message(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("events:\n  - at: 5s\n    do: trip SUB009 FDR001\n")
    r = subprocess.run([str(hop_sim_binary()), "--listen", "127.0.0.1:1", "--substations", "2",
                        "--scenario", str(bad)], capture_output=True, text=True, timeout=30)
    assert r.returncode != 0
    assert "events[0].do" in r.stderr and "SUB009" in r.stderr
    r = subprocess.run([str(hop_sim_binary()), "--substations", "2"], capture_output=True, text=True, timeout=30)
    assert r.returncode != 0 and "--listen" in r.stderr
