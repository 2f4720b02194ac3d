#!/usr/bin/env python3
"""hop-edge benchmarks — prints numbers against the edge's targets.

    .venv/bin/python bench/edge/run_bench.py [--readings 1000000] [--rss-seconds 30] [--cycles 5000]

Builds release binaries into .build-edge-release if missing (or uses $HOP_EDGE / $HOP_HUB), compiles
bench/edge/modbus_server.c (a select-based libmodbus server) and runs, on this machine:

1. poll: one 125-register poll cycle of the agent (read + decode + telemetry records, on the
   device thread as the poller runs) against a bare modbus_read_registers of the same registers,
   interleaved in blocks in one process; also the cycle including the journal commit.
2. rss: steady resident memory of `hop-edge run` polling 4 devices (4 feeders each, 100 ms) and
   uploading to a local hub, sampled for --rss-seconds.
3. drain: 1,000,000 readings journaled, then uploaded by the real uploader (libcurl, gzip,
   20,000-reading batches) into a local hub; plus the same drain into an in-process hub double,
   which is the edge's own ceiling. The hub's stored row count is checked afterwards.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def binary(env, product):
    if os.environ.get(env):
        return os.environ[env]
    path = REPO / ".build-edge-release" / "release" / product
    if not path.exists():
        # --static-swift-stdlib: how an edge is shipped (docs/edge-agent.md "Building for a substation");
        # no Swift runtime on the box, and 4 MiB less RSS than linking the runtime dynamically.
        subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--scratch-path", ".build-edge-release",
                        "--product", product],
                       cwd=REPO, check=True)
    return str(path)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"port {port} never opened")


def start(cmd, log):
    return subprocess.Popen(cmd, stdout=open(log, "ab"), stderr=subprocess.STDOUT)


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def rollup(pid):
    """Anonymous (private heap/stack) and PSS from smaps_rollup, KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        values[name] = int(value.split()[0])
    return values


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--readings", type=int, default=1_000_000)
    ap.add_argument("--rss-seconds", type=int, default=30)
    ap.add_argument("--cycles", type=int, default=5000)
    args = ap.parse_args()

    edge, hub = binary("HOP_EDGE", "hop-edge"), binary("HOP_HUB", "hop-hub")
    work = Path(tempfile.mkdtemp(prefix="hop-edge-bench-"))
    server_bin = work / "modbus_server"
    subprocess.run(["cc", "-O2", "-o", str(server_bin), str(REPO / "bench/edge/modbus_server.c"),
                    *subprocess.run(["pkg-config", "--cflags", "--libs", "libmodbus"], capture_output=True, text=True,
                                    check=True).stdout.split()], check=True)
    procs = []
    results = {}
    try:
        # --- 1. poll cycle vs bare read ---
        port = free_port()
        procs.append(start([str(server_bin), str(port)], work / "modbus-poll.log"))
        wait_port(port)
        out = subprocess.run([edge, "bench", "poll", "--port", str(port), "--cycles", str(args.cycles),
                              "--journal", str(work / "poll-journal.sqlite")], capture_output=True, text=True, check=True)
        results["poll"] = json.loads(out.stdout.strip().splitlines()[-1])

        # --- hub for 2 and 3 ---
        data = work / "hub-data"
        key = subprocess.run([hub, "keys", "create", "--data-dir", str(data), "--name", "bench", "--substations",
                              "SUB001,SUB002,SUB003,SUB004", "--scope", "ingest,read"],
                             capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
        (work / "api-key").write_text(key + "\n")
        hub_port = free_port()
        hub_proc = start([hub, "serve", "--data-dir", str(data), "--listen", f"127.0.0.1:{hub_port}"], work / "hub.log")
        procs.append(hub_proc)
        wait_port(hub_port)

        # --- 2. steady RSS with 4 devices ---
        ports = []
        for _ in range(4):
            p = free_port()
            procs.append(start([str(server_bin), str(p)], work / f"modbus-{p}.log"))
            wait_port(p)
            ports.append(p)
        devices = "".join(f"""
  - name: rtu-{i + 1}
    protocol: modbus-tcp
    host: 127.0.0.1
    port: {p}
    unit_id: {i + 1}
    substation_id: SUB00{i + 1}
    poll_interval: 100ms
    feeders:
""" + "".join(f"      - {{feeder_id: FDR00{k + 1}, profile: hop-sim-feeder, register_base: {20 * k}, bit_base: {k}}}\n"
              for k in range(4)) for i, p in enumerate(ports))
        config = work / "edge.yaml"
        config.write_text(f"""edge_id: edge-bench
hub: {{url: "http://127.0.0.1:{hub_port}", api_key_file: api-key}}
journal: {{path: {work}/rss-journal.sqlite}}
upload: {{max_age: 1s}}
profiles_dir: {REPO}/edge-configs/profiles
devices:{devices}""")
        agent = start([edge, "run", "--config", str(config)], work / "edge.log")
        procs.append(agent)
        time.sleep(3)  # start-up
        samples = []
        for _ in range(args.rss_seconds):
            time.sleep(1)
            samples.append(rss_kib(agent.pid))
        memory = rollup(agent.pid)
        stop(agent)
        with sqlite3.connect(f"file:{data}/hop.sqlite?mode=ro", uri=True) as db:
            stored = db.execute("SELECT COUNT(*) FROM telemetry").fetchone()[0]
        results["rss"] = {"devices": 4, "feeders": 16, "poll_ms": 100, "seconds": args.rss_seconds,
                          "steady_kib": statistics.median(samples[len(samples) // 2:]), "max_kib": max(samples),
                          "exit_code": agent.returncode, "readings_at_hub": stored,
                          "anonymous_kib": memory.get("Anonymous"), "pss_kib": memory.get("Pss"),
                          "file_backed_kib": memory.get("Rss", 0) - memory.get("Anonymous", 0)}

        # --- 3. drain ---
        out = subprocess.run([edge, "bench", "drain", "--hub", f"http://127.0.0.1:{hub_port}", "--api-key-file",
                              str(work / "api-key"), "--journal", str(work / "drain-journal.sqlite"), "--readings",
                              str(args.readings)], capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(f"drain failed: {out.stderr}")
        results["drain"] = json.loads(out.stdout.strip().splitlines()[-1])
        with sqlite3.connect(f"file:{data}/hop.sqlite?mode=ro", uri=True) as db:
            results["drain"]["hub_rows_for_drain"] = db.execute(
                "SELECT COUNT(*) FROM telemetry WHERE substation_id = 'SUB001' AND device_id LIKE 'SUB001-FDR00_' "
                "AND site_name = 'Portland North'").fetchone()[0]
        out = subprocess.run([edge, "bench", "drain", "--hub", "http://127.0.0.1:9", "--api-key-file",
                              str(work / "api-key"), "--journal", str(work / "null-journal.sqlite"), "--readings",
                              str(args.readings), "--null-hub"], capture_output=True, text=True, check=True)
        results["drain_null_hub"] = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        for p in procs:
            stop(p)

    poll, rss, drain, null = results["poll"], results["rss"], results["drain"], results["drain_null_hub"]
    print(f"machine: {os.cpu_count()} cores; work dir {work}")
    print(f"poll cycle, 125 registers: agent {poll['pollMeanMicros']:.1f} µs mean / {poll['pollP50Micros']:.1f} µs p50; "
          f"bare libmodbus read {poll['bareMeanMicros']:.1f} / {poll['bareP50Micros']:.1f} µs; "
          f"ratio {poll['ratioMean']:.2f}× mean, {poll['ratioP50']:.2f}× p50 (target ≤ 1.5×) "
          f"[{poll['cycles']} cycles; with journal commit: {poll['pollJournalMeanMicros']:.0f} µs]")
    print(f"steady RSS of hop-edge run, 4 devices × 4 feeders at 100 ms: {rss['steady_kib'] / 1024:.1f} MiB "
          f"(max {rss['max_kib'] / 1024:.1f} MiB; target ≤ 25 MB) [{rss['readings_at_hub']} readings at the hub, "
          f"exit {rss['exit_code']}]")
    print(f"  of which private anonymous memory {rss['anonymous_kib'] / 1024:.1f} MiB and file-backed (shared library "
          f"and binary text) {rss['file_backed_kib'] / 1024:.1f} MiB; PSS {rss['pss_kib'] / 1024:.1f} MiB")
    print(f"drain of {drain['readings']:,} journaled readings into the local hub: {drain['drainPerSecond']:,.0f} readings/s "
          f"({drain['drainSeconds']:.1f} s, {drain['batches']} batches, {drain['bytesSent'] / 1e6:.1f} MB gzip sent, "
          f"{drain['retries']} retries; hub stored {drain['hub_rows_for_drain']:,}) (target ≥ 100,000/s)")
    print(f"  same drain into an in-process hub double (the edge's own ceiling): {null['drainPerSecond']:,.0f} readings/s")
    print(f"  journal fill: {drain['fillPerSecond']:,.0f} readings/s")
    print(json.dumps(results, indent=1, sort_keys=True))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
