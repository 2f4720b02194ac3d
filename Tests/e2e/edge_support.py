"""Helpers for the hop-edge end-to-end tests (Tests/e2e/test_edge_*.py).

Real peers only: a pymodbus TCP server as the RTU (run as a subprocess of this file, so stopping
the RTU is stopping a process), the real hop-hub binary over a real data directory, and the real
hop-edge binary. Everything listens on 127.0.0.1.

Binaries: $HOP_EDGE / $HOP_HUB, else the newer of .build/debug and .build-edge/debug, else built
into .build-edge on demand.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import time
from pathlib import Path

import requests

from waiting import free_port, start_process, stop_process, wait_until  # noqa: F401 (re-exported to test modules)

REPO = Path(__file__).resolve().parents[2]
PYTHON = str(REPO / ".venv" / "bin" / "python") if (REPO / ".venv" / "bin" / "python").exists() else sys.executable
PROFILES = REPO / "edge-configs" / "profiles"


def _binary(env: str, product: str) -> Path:
    """$ENV, else the newer of .build/debug/PRODUCT (what scripts/test builds) and
    .build-edge/debug/PRODUCT (the edge's own scratch path), else built into .build-edge."""
    if os.environ.get(env):
        return Path(os.environ[env])
    candidates = [p for p in (REPO / ".build" / "debug" / product, REPO / ".build-edge" / "debug" / product) if p.exists()]
    if candidates:
        return max(candidates, key=lambda p: p.stat().st_mtime)
    subprocess.run(["swift", "build", "--scratch-path", ".build-edge", "--product", product], cwd=REPO, check=True)
    return REPO / ".build-edge" / "debug" / product


def edge_bin() -> Path:
    return _binary("HOP_EDGE", "hop-edge")


def hub_bin() -> Path:
    return _binary("HOP_HUB", "hop-hub")


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


# ---------------------------------------------------------------------------------------------
# Register encoding (the test's own, independent of the Swift decoder)

def encode(value, type_: str, order: str = "ABCD") -> list[int]:
    """Registers holding `value` as `type_` in byte order `order` (A = most significant byte)."""
    fmt = {"int16": ">h", "uint16": ">H", "int32": ">i", "uint32": ">I", "float32": ">f", "float64": ">d"}[type_]
    raw = struct.pack(fmt, value)
    words = [raw[i:i + 2] for i in range(0, len(raw), 2)]
    if order in ("CDAB", "DCBA"):
        words.reverse()
    if order in ("BADC", "DCBA"):
        words = [w[::-1] for w in words]
    return [struct.unpack(">H", w)[0] for w in words]


def sim_registers(feeders=1, frequency=60.0):
    """Holding registers of hop-sim-feeder feeders (voltage, current, power, frequency as float32 from
    register 20k), so a polled reading is a plausible one."""
    holding = [0] * (20 * feeders)
    for k in range(feeders):
        for j, value in enumerate([13.8, 0.0, 4.2, frequency]):
            holding[20 * k + 2 * j:20 * k + 2 * j + 2] = encode(value, "float32")
    return holding


# ---------------------------------------------------------------------------------------------
# The RTU: a pymodbus server in a subprocess

class ModbusServer:
    """A pymodbus TCP server with four separate tables. Optionally a float32 ABCD counter register
    pair that increments on every holding read covering it, so every poll is a distinct reading."""

    def __init__(self, tmp: Path, *, unit=1, coils=None, discrete=None, holding=None, input_=None,
                 counter_address=None, port=None):
        self.port = port or free_port()
        self.spec = tmp / f"modbus-{self.port}.json"
        self.spec.write_text(json.dumps({
            "unit": unit, "coils": coils or [False] * 8, "discrete": discrete or [False] * 8,
            "holding": holding or [0] * 8, "input": input_ or [0] * 8, "counter": counter_address,
        }))
        self.log = tmp / f"modbus-{self.port}.log"
        self.proc = None
        self.unit = unit

    def start(self):
        log = open(self.log, "ab")
        self.proc = subprocess.Popen([PYTHON, __file__, "modbus", str(self.spec), str(self.port)],
                                     stdout=log, stderr=subprocess.STDOUT)
        wait_until(lambda: self.proc.poll() is None and port_open(self.port), what=f"pymodbus on {self.port}")
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None

    def client(self):
        from pymodbus.client import ModbusTcpClient
        c = ModbusTcpClient("127.0.0.1", port=self.port)
        assert c.connect()
        return c

    def write_coil(self, address: int, value: bool):
        c = self.client()
        try:
            assert not c.write_coil(address, value, device_id=self.unit).isError()
        finally:
            c.close()

    def write_registers(self, address: int, values: list[int]):
        c = self.client()
        try:
            assert not c.write_registers(address, values, device_id=self.unit).isError()
        finally:
            c.close()


def _serve_modbus(spec_path: str, port: str):
    from pymodbus.server import StartTcpServer
    from pymodbus.simulator import DataType, SimData, SimDevice

    spec = json.loads(Path(spec_path).read_text())
    counter = spec.get("counter")
    state = {"n": 0}

    async def action(function_code, start_address, address, count, current_registers, set_values):
        if counter is not None and function_code == 3 and address <= counter < address + count:
            state["n"] += 1
            hi, lo = encode(float(state["n"]), "float32")
            current_registers[counter - start_address] = hi
            current_registers[counter + 1 - start_address] = lo
        return None

    def blocks(table):
        # A list is one block from address 0; a {"address": [values]} mapping is several blocks
        # with undefined addresses between them (reads touching those get an exception).
        return [SimData(address=int(a), values=v, datatype=DataType.REGISTERS)
                for a, v in (table.items() if isinstance(table, dict) else [(0, table)])]

    device = SimDevice(id=spec["unit"], action=action, simdata=(
        [SimData(address=0, values=[bool(b) for b in spec["coils"]], datatype=DataType.BITS)],
        [SimData(address=0, values=[bool(b) for b in spec["discrete"]], datatype=DataType.BITS)],
        blocks(spec["holding"]),
        blocks(spec["input"]),
    ))
    StartTcpServer(context=device, address=("127.0.0.1", int(port)))


# ---------------------------------------------------------------------------------------------
# The hub

class Hub:
    """A hop-hub process over one data directory; restartable on the same port."""

    def __init__(self, tmp: Path, port=None):
        self.data_dir = tmp / "hub-data"
        self.port = port or free_port()
        self.proc = None
        self.log = tmp / f"hub-{self.port}.log"

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def create_key(self, name="edge", substations="SUB001", scope="ingest,read") -> str:
        out = subprocess.run([str(hub_bin()), "keys", "create", "--data-dir", str(self.data_dir), "--name", name,
                              "--substations", substations, "--scope", scope],
                             check=True, capture_output=True, text=True).stdout
        return out.strip().splitlines()[-1]

    def start(self):
        log = open(self.log, "ab")
        self.proc = start_process([str(hub_bin()), "serve", "--data-dir", str(self.data_dir),
                                   "--listen", f"127.0.0.1:{self.port}"],
                                  lambda: requests.get(self.url + "/api/health", timeout=1).ok,
                                  f"hub on {self.url} (log {self.log})", log)
        return self

    def stop(self, sig=signal.SIGTERM):
        proc, self.proc = self.proc, None
        stop_process(proc, sig, timeout=30)

    def get(self, path: str, key: str, **params):
        r = requests.get(self.url + path, headers={"X-API-Key": key}, params=params, timeout=10)
        r.raise_for_status()
        return r.json()

    def db(self):
        """Read-only view of the hub's store, to count exactly what was stored."""
        return sqlite3.connect(f"file:{self.data_dir / 'hop.sqlite'}?mode=ro", uri=True, timeout=10)

    def telemetry(self, device_id: str):
        with self.db() as db:
            return db.execute("SELECT ts, current_a, frequency_hz FROM telemetry WHERE device_id = ? ORDER BY ts",
                              (device_id,)).fetchall()

    def events(self, event_type=None):
        with self.db() as db:
            rows = db.execute("SELECT ts, event_type, severity, device_id, feeder_id, old_state, new_state, message "
                              "FROM events ORDER BY ts, id").fetchall()
        return [r for r in rows if event_type is None or r[1] == event_type]


# ---------------------------------------------------------------------------------------------
# The edge

def write_config(tmp: Path, *, hub_url: str, key: str, modbus_port: int, unit=1, feeders=1, poll="100ms",
                 upload=None, journal=None, name="edge-e2e", device_extra="", hub_extra=None,
                 substation="SUB001", metrics_port=None) -> Path:
    """An edge config for hop-sim-feeder feeders (feeder k at register 20k, bit k)."""
    (tmp / "api-key").write_text(key + "\n")
    upload = {"max_records": 50, "max_age": "200ms", "backoff_initial": "100ms", "backoff_max": "1s", **(upload or {})}
    journal = {"path": str(tmp / "journal.sqlite"), "quota": "64MiB", "min_free_disk": "0", **(journal or {})}
    hub = {"url": hub_url, "api_key_file": "api-key", "connect_timeout": "1s", "request_timeout": "5s",
           **(hub_extra or {})}
    feeder_lines = "\n".join(
        f"      - {{feeder_id: FDR00{k + 1}, profile: hop-sim-feeder, register_base: {20 * k}, bit_base: {k}}}"
        for k in range(feeders))
    text = f"""edge_id: {name}
hub: {json.dumps(hub)}
journal: {json.dumps(journal)}
upload: {json.dumps(upload)}
profiles_dir: {PROFILES}
{f"metrics: {{listen: '127.0.0.1:{metrics_port}'}}" if metrics_port else ""}
devices:
  - name: rtu-1
    protocol: modbus-tcp
    host: 127.0.0.1
    port: {modbus_port}
    unit_id: {unit}
    timeout: 300ms
    retries: 0
    substation_id: {substation}
    site_name: E2E Substation
    latitude: 45.5
    longitude: -122.6
    poll_interval: {poll}
{device_extra}    feeders:
{feeder_lines}
"""
    path = tmp / "edge.yaml"
    path.write_text(text)
    return path


class Edge:
    """A hop-edge run process."""

    def __init__(self, config: Path, env=None):
        self.config = config
        self.proc = None
        self.log = config.parent / "edge.log"
        self.env = env

    def start(self, level="info"):
        log = open(self.log, "ab")
        self.proc = subprocess.Popen([str(edge_bin()), "run", "--config", str(self.config), "--log-level", level],
                                     stdout=log, stderr=subprocess.STDOUT, env=self.env)
        return self

    def stop(self, sig=signal.SIGTERM, timeout=30):
        rc = None
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            rc = self.proc.wait(timeout=timeout)
        elif self.proc:
            rc = self.proc.returncode
        self.proc = None
        return rc

    def kill9(self):
        return self.stop(signal.SIGKILL)

    def status(self) -> dict:
        out = subprocess.run([str(edge_bin()), "status", "--config", str(self.config), "--json"],
                             capture_output=True, text=True, timeout=30)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def run_edge(*args, check=False, timeout=60):
    return subprocess.run([str(edge_bin()), *args], capture_output=True, text=True, timeout=timeout, check=check)


def counters(rows) -> list[int]:
    """The counter values (current_a) of stored readings, in source-time order."""
    return [int(round(r[1])) for r in rows]


if __name__ == "__main__":
    if sys.argv[1] == "modbus":
        _serve_modbus(sys.argv[2], sys.argv[3])


class RawModbusServer:
    """A hand-written Modbus/TCP responder (function 3 only) that can misbehave on purpose: answer
    the first `bad_tid` requests with a wrong transaction id, or answer the first `late` requests
    only after `delay` seconds. Counts connections. Runs in a thread of the test process."""

    def __init__(self, registers, bad_tid=0, late=0, delay=0.0, silent=False):
        import threading
        self.registers = registers
        self.silent = silent
        self.bad_tid, self.late, self.delay = bad_tid, late, delay
        self.connections = 0
        self.requests = 0
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        import threading
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with self.lock:
                self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        with conn:
            while True:
                head = self._read(conn, 7)
                if not head:
                    return
                tid, _proto, length, unit = struct.unpack(">HHHB", head)
                pdu = self._read(conn, length - 1)
                if not pdu:
                    return
                with self.lock:
                    self.requests += 1
                    n = self.requests
                if self.silent:
                    continue  # a hung RTU: takes requests, never answers
                function, start, count = struct.unpack(">BHH", pdu[:5])
                if function != 3:
                    body = struct.pack(">BB", function | 0x80, 1)
                else:
                    values = self.registers[start:start + count]
                    body = struct.pack(">BB", 3, 2 * len(values)) + b"".join(struct.pack(">H", v) for v in values)
                if n <= self.late:
                    time.sleep(self.delay)
                reply_tid = (tid + 1000) & 0xFFFF if n <= self.bad_tid else tid
                try:
                    conn.sendall(struct.pack(">HHHB", reply_tid, 0, len(body) + 1, unit) + body)
                except OSError:
                    return

    @staticmethod
    def _read(conn, n):
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                return None
            data += chunk
        return data

    def close(self):
        self.sock.close()


def crc16(data: bytes) -> int:
    """Modbus RTU CRC-16 (poly 0xA001, init 0xFFFF)."""
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


class RtuResponder:
    """A Modbus RTU slave (function 3) on a pseudo-terminal: hop-edge opens `device` as its serial
    line; this side answers framed requests with CRCs, as a serial RTU would. Counts requests."""

    def __init__(self, registers, unit=5):
        import threading
        self.registers, self.unit = registers, unit
        self.master, self.slave = os.openpty()
        self.device = os.ttyname(self.slave)
        self.requests = 0
        self.bad_frames = 0
        self.running = True
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        buffer = b""
        while self.running:
            try:
                chunk = os.read(self.master, 256)
            except OSError:
                return
            buffer += chunk
            while len(buffer) >= 8:
                frame, buffer = buffer[:8], buffer[8:]
                if crc16(frame[:6]) != struct.unpack("<H", frame[6:8])[0]:
                    self.bad_frames += 1
                    buffer = b""
                    break
                unit, function, start, count = struct.unpack(">BBHH", frame[:6])
                if unit != self.unit:
                    continue  # not addressed to us: a real slave stays silent
                self.requests += 1
                if function == 3 and start + count <= len(self.registers):
                    payload = struct.pack(">BBB", unit, 3, 2 * count) + b"".join(
                        struct.pack(">H", v) for v in self.registers[start:start + count])
                else:
                    payload = struct.pack(">BBB", unit, function | 0x80, 2)
                os.write(self.master, payload + struct.pack("<H", crc16(payload)))

    def close(self):
        self.running = False
        os.close(self.slave)
        os.close(self.master)
