"""DNP3 outstations for the hop-edge end-to-end tests (Tests/e2e/test_edge_dnp3.py).

Real, independent peers only: opendnp3 (the reference C++ stack, PyPI `yadnp3`, imported as
`opendnp3`) and `py1815` (pure Python). Each outstation runs in a subprocess of this file, so
stopping or restarting it is stopping a process; the test drives it over stdin/stdout JSON lines
(`{"op": "analog", "index": 0, "value": 1.5}` → `{"ok": true}`), and the outstation reports what the
master did to it (`{"event": "time_written", "ms": ...}`) on the same stdout.
Also a byte-flipping TCP proxy for the corrupted-frame test. Everything listens on 127.0.0.1.
"""
from __future__ import annotations

import json
import queue
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from waiting import free_port, wait_until

REPO = Path(__file__).resolve().parents[2]
PYTHON = str(REPO / ".venv" / "bin" / "python") if (REPO / ".venv" / "bin" / "python").exists() else sys.executable

MASTER_ADDRESS = 1
OUTSTATION_ADDRESS = 1024


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class Outstation:
    """An outstation subprocess (`kind`: "yadnp3" or "py1815") on a loopback port."""

    def __init__(self, tmp: Path, kind: str = "yadnp3", port: int | None = None, **options):
        self.kind = kind
        self.port = port or free_port()
        self.options = options
        self.log = tmp / f"{kind}-{self.port}.log"
        self.proc = None
        self.replies: queue.Queue = queue.Queue()
        self.events: list[dict] = []

    def start(self):
        log = open(self.log, "ab")
        self.proc = subprocess.Popen(
            [PYTHON, __file__, self.kind, str(self.port), json.dumps(self.options)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True, bufsize=1)
        threading.Thread(target=self._read, args=(self.proc,), daemon=True).start()
        if self.options.get("serial"):
            wait_until(lambda: self.proc.poll() is None and any(e.get("state") == "ChannelState.OPEN" for e in self.events),
                       what=f"{self.kind} outstation on {self.options['serial']}")
        else:
            wait_until(lambda: self.proc.poll() is None and port_open(self.port), what=f"{self.kind} outstation on {self.port}")
        return self

    def _read(self, proc):
        for line in proc.stdout:
            message = json.loads(line)
            if "event" in message:
                self.events.append(message)
            else:
                self.replies.put(message)

    def send(self, **command):
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        reply = self.replies.get(timeout=10)
        assert reply.get("ok"), reply
        return reply

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None

    def restart(self):
        self.stop()
        self.replies = queue.Queue()
        return self.start()


# ---------------------------------------------------------------------------------------------
# opendnp3 (yadnp3)

def _serve_yadnp3(port: int, options: dict):
    import opendnp3 as o

    out_lock = threading.Lock()

    def emit(message):
        with out_lock:
            sys.stdout.write(json.dumps(message) + "\n")
            sys.stdout.flush()

    state = {"need_time": bool(options.get("need_time", False))}

    class Application(o.IOutstationApplication):
        def SupportsWriteAbsoluteTime(self):
            return True

        def WriteAbsoluteTime(self, timestamp):
            state["need_time"] = False
            emit({"event": "time_written", "ms": timestamp.msSinceEpoch, "at": int(time.time() * 1000)})
            return True

        def GetApplicationIIN(self):
            iin = o.ApplicationIIN()
            iin.needTime = state["need_time"]
            return iin

        def SupportsAssignClass(self):
            return True

    class Commands(o.ICommandHandler):
        def Begin(self):
            emit({"event": "command_begin"})

        def End(self):
            pass

    class Listener(o.IChannelListener):
        def OnStateChange(self, s):
            emit({"event": "channel", "state": str(s)})

    manager = o.DNP3Manager(1)
    if options.get("serial"):
        settings = o.SerialSettings()
        settings.deviceName = options["serial"]
        settings.baud = int(options.get("baud", 19200))
        channel = manager.AddSerial("serial", o.levels.NOTHING, o.ChannelRetry.Default(), settings, Listener())
    else:
        channel = manager.AddTCPServer("server", o.levels.NOTHING, o.ServerAcceptMode.CloseExisting,
                                       o.IPEndpoint("127.0.0.1", port), Listener())
    cfg = o.OutstationStackConfig(o.DatabaseConfig(int(options.get("points", 8))))
    cfg.outstation.eventBufferConfig = o.EventBufferConfig.AllTypes(200)
    cfg.outstation.params.allowUnsolicited = bool(options.get("unsolicited", False))
    if options.get("max_tx_fragment"):
        cfg.outstation.params.maxTxFragSize = int(options["max_tx_fragment"])
    cfg.link.LocalAddr = OUTSTATION_ADDRESS
    cfg.link.RemoteAddr = MASTER_ADDRESS
    application, commands = Application(), Commands()
    outstation = channel.AddOutstation("outstation", commands, application, cfg)
    outstation.Enable()

    def apply(update):
        builder = o.UpdateBuilder()
        update(builder)
        outstation.Apply(builder.Build())

    def timed(command):
        if command.get("time") is None:
            return ()
        return (o.DNPTime(int(command["time"]), o.TimestampQuality.SYNCHRONIZED),)

    for line in sys.stdin:
        c = json.loads(line)
        op = c["op"]
        flags = o.Flags(int(c.get("flags", 1)))
        if op == "analog":
            apply(lambda b: b.Update(o.Analog(float(c["value"]), flags, *timed(c)), int(c["index"])))
        elif op == "binary":
            apply(lambda b: b.Update(o.Binary(bool(c["value"]), flags, *timed(c)), int(c["index"])))
        elif op == "counter":
            apply(lambda b: b.Update(o.Counter(int(c["value"]), flags, *timed(c)), int(c["index"])))
        elif op == "restart":
            outstation.SetRestartIIN()
        elif op == "need_time":
            state["need_time"] = bool(c["value"])
        emit({"ok": True, "op": op})


# ---------------------------------------------------------------------------------------------
# A serial line on loopback: two pseudo-terminals joined by a thread

class SerialPair:
    """Two raw pseudo-terminals whose master sides are copied into each other, so a program that
    opens `a` and one that opens `b` talk as over a null-modem cable."""

    def __init__(self):
        import os
        import tty
        (self.ma, sa), (self.mb, sb) = os.openpty(), os.openpty()
        for fd in (sa, sb):
            tty.setraw(fd)
        self.a, self.b = os.ttyname(sa), os.ttyname(sb)
        self._slaves = (sa, sb)  # held open so neither side sees a hang-up between opens
        self.bytes = 0
        for src, dst in ((self.ma, self.mb), (self.mb, self.ma)):
            threading.Thread(target=self._copy, args=(src, dst), daemon=True).start()

    def _copy(self, src, dst):
        import os
        while True:
            try:
                data = os.read(src, 4096)
            except OSError:
                time.sleep(0.01)  # no process has the other end open yet
                continue
            self.bytes += len(data)
            os.write(dst, data)


# ---------------------------------------------------------------------------------------------
# A TCP proxy that can corrupt one byte of the next frame from the outstation

class FlippingProxy:
    """Forwards 127.0.0.1:port ↔ the outstation. `flip_next()` arms it to XOR one byte inside the
    user data of the next frame the outstation sends with more than `min_length` bytes."""

    def __init__(self, target_port: int):
        self.port = free_port()
        self.target = target_port
        self.armed = threading.Event()
        self.muted = threading.Event()
        self.flipped = 0
        self.server = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    def flip_next(self):
        self.armed.set()

    def mute(self, on: bool = True):
        """While muted, nothing the outstation sends reaches the master: a silent outstation."""
        (self.muted.set if on else self.muted.clear)()

    def _accept(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target))
            except OSError:
                client.close()
                continue
            threading.Thread(target=self._pump, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, True), daemon=True).start()

    def _pump(self, src, dst, from_outstation):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if from_outstation and self.muted.is_set():
                    continue
                if from_outstation and self.armed.is_set() and len(data) > 30:
                    data = bytearray(data)
                    data[15] ^= 0x10  # inside the first user-data block of the first frame
                    data = bytes(data)
                    self.armed.clear()
                    self.flipped += 1
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.close()
                except OSError:
                    pass

    def close(self):
        self.server.close()


# ---------------------------------------------------------------------------------------------
# py1815 (independent pure-Python outstation): static g30v5 floats and g1v2, timed events,
# unsolicited reports with a common time object

def _serve_py1815(port: int, options: dict):
    import asyncio

    from py1815 import OutstationServer, Session, UnknownObject
    from py1815.events import EventBuffers, EventClass
    from py1815.objects import AnalogPoint, AnalogVariation, BinaryPoint, analog_range, binary_range

    points = int(options.get("points", 8))
    analogs = [AnalogPoint(0.0) for _ in range(points)]
    binaries = [BinaryPoint(False) for _ in range(points)]
    events = EventBuffers()
    out_lock = threading.Lock()

    def emit(message):
        with out_lock:
            sys.stdout.write(json.dumps(message) + "\n")
            sys.stdout.flush()

    class Provider:
        def read(self, headers):
            body = b""
            for h in headers:
                if (h.group, h.variation) == (60, 1):
                    body += analog_range(0, analogs, variation=AnalogVariation.FLOAT32_WITH_FLAG)
                    body += binary_range(0, binaries)
                else:
                    raise UnknownObject(f"g{h.group}v{h.variation}")
            return body

    def time_written(ms):
        emit({"event": "time_written", "ms": ms})

    session = Session(Provider(), events=events, outstation_address=OUTSTATION_ADDRESS, master_address=MASTER_ADDRESS,
                      unsolicited=bool(options.get("unsolicited", False)), time_sink=time_written,
                      need_time=bool(options.get("need_time", False)))
    server = OutstationServer(session, bind=f"127.0.0.1:{port}", unsolicited_interval=0.05)

    async def main():
        loop = asyncio.get_running_loop()
        await server.start()

        def handle(c):
            op, i = c["op"], int(c.get("index", 0))
            stamp = c.get("time")
            if op == "analog":
                analogs[i] = AnalogPoint(float(c["value"]), int(c.get("flags", 1)))
                events.record_analog(i, analogs[i], event_class=EventClass.CLASS_1, timestamp_ms=stamp)
            elif op == "binary":
                binaries[i] = BinaryPoint(bool(c["value"]), int(c.get("flags", 1)))
                events.record_binary(i, binaries[i], event_class=EventClass.CLASS_1, timestamp_ms=stamp)
            server.notify()
            emit({"ok": True, "op": op})

        def read_stdin():
            for line in sys.stdin:
                loop.call_soon_threadsafe(handle, json.loads(line))

        threading.Thread(target=read_stdin, daemon=True).start()
        await asyncio.Event().wait()

    asyncio.run(main())


if __name__ == "__main__":
    kind, port, options = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
    if kind == "yadnp3":
        _serve_yadnp3(port, options)
    elif kind == "py1815":
        _serve_py1815(port, options)
    else:
        raise SystemExit(f"unknown outstation kind {kind}")
