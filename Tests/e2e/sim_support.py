"""Helpers for the hop-sim end-to-end tests: find/build the binary, run it, talk to its control port.

Used by Tests/e2e/test_sim_*.py. Everything listens on 127.0.0.1 only.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from waiting import free_port, wait_until  # noqa: E402,F401 (re-exported to the test modules)

REPO = Path(__file__).resolve().parents[2]


def binary(name: str) -> Path:
    """A Hop binary: $HOP_SIM for hop-sim if set, else the newer of .build/debug and .build-sim/debug
    (a helper's scratch path), else built into .build on demand."""
    env = os.environ.get("HOP_SIM") if name == "hop-sim" else None
    if env:
        return Path(env)
    candidates = [p for p in (REPO / ".build" / "debug" / name, REPO / ".build-sim" / "debug" / name) if p.exists()]
    if candidates:
        return max(candidates, key=lambda p: p.stat().st_mtime)
    subprocess.run(["swift", "build", "--product", name], cwd=REPO, check=True)
    return REPO / ".build" / "debug" / name


def hop_sim_binary() -> Path:
    return binary("hop-sim")


class Control:
    """A line-based connection to the simulator's control port."""

    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.file = self.sock.makefile("rwb")

    def send(self, line: str) -> str:
        self.file.write((line + "\n").encode())
        self.file.flush()
        answer = self.file.readline().decode().rstrip("\n")
        if answer.startswith("error"):
            raise RuntimeError(f"control {line!r}: {answer}")
        return answer

    def truth(self, substation: str, at_ms: int | None = None) -> dict:
        return json.loads(self.send(f"truth {substation}" + (f" {at_ms}" if at_ms is not None else "")))

    def status(self) -> dict:
        return json.loads(self.send("status"))

    def close(self):
        try:
            self.file.close()
        finally:
            self.sock.close()


class Sim:
    """A running hop-sim process (Modbus + control on free loopback ports)."""

    def __init__(self, *args: str, substations: int = 3, feeders: int = 4, seed: int = 7,
                 modbus: bool = True, extra_env: dict | None = None, log_path: Path | None = None):
        self.modbus_port = free_port() if modbus else None
        self.control_port = free_port()
        cmd = [str(hop_sim_binary()), "--substations", str(substations), "--feeders", str(feeders),
               "--seed", str(seed), "--control", f"127.0.0.1:{self.control_port}", *args]
        if modbus:
            cmd += ["--listen", f"127.0.0.1:{self.modbus_port}"]
        self.log_path = log_path
        self.log = open(log_path, "wb") if log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                     env={**os.environ, **(extra_env or {})})
        wait_until(self._control_up, timeout=30, what="hop-sim control port")
        self.control = Control(self.control_port)

    def _control_up(self) -> bool:
        if self.proc.poll() is not None:
            raise RuntimeError(f"hop-sim exited with {self.proc.returncode}")
        with socket.socket() as s:
            s.settimeout(0.2)
            return s.connect_ex(("127.0.0.1", self.control_port)) == 0

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> int:
        """Sends `sig` and waits for a clean exit; returns the exit code."""
        try:
            self.control.close()
        except OSError:
            pass
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("hop-sim did not exit after signal")
        if self.log is not subprocess.DEVNULL:
            self.log.close()
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def decode_feeder(registers: list[int], feeder: int) -> dict:
    """Decodes one feeder's four float32 ABCD values from a holding-register block starting at 0."""
    import struct

    base = 20 * feeder

    def f32(i: int) -> float:
        return struct.unpack(">f", struct.pack(">HH", registers[base + i], registers[base + i + 1]))[0]

    return {"voltage_kv": f32(0), "current_a": f32(2), "power_mw": f32(4), "frequency_hz": f32(6)}


def f32(x: float) -> float:
    """`x` rounded to float32, as the registers carry it."""
    import struct

    return struct.unpack(">f", struct.pack(">f", x))[0]


def dnp3_device(port: int, site: dict, *, unsolicited: bool, class1: str = "1s", feeders: int = 4) -> str:
    """An edge device block for SUB002 served by hop-sim over DNP3 (point map: docs/sim.md, "DNP3")."""
    lines = [
        "  - name: rtu-sub002", "    protocol: dnp3-tcp", "    host: 127.0.0.1", f"    port: {port}",
        "    outstation_address: 10", "    master_address: 1", "    timeout: 500ms", "    retries: 0",
        "    substation_id: SUB002", f"    site_name: {site['site_name']}",
        f"    latitude: {site['latitude']}", f"    longitude: {site['longitude']}",
        f"    event_polls: {{class1: {class1}, class2: off, class3: off}}",
        f"    unsolicited: {'true' if unsolicited else 'false'}", "    feeders:"]
    for k in range(feeders):
        lines += [f"      - feeder_id: FDR{k + 1:03d}", "        points:"]
        lines += [f"          {field}: {{group: 30, index: {4 * k + i}}}"
                  for i, field in enumerate(("voltage_kv", "current_a", "power_mw", "frequency_hz"))]
        lines += [f"        breaker: {{group: 1, index: {k}, closed_value: 1}}"]
    return "\n".join(lines) + "\n"
