"""Ingest → SSE latency with many open streams under background load (docs/live.md).

Starts a real `hop-hub serve`, opens --streams EventSource-like clients on /api/stream, keeps a
background load of --load readings/s (edge batches of 100 readings over --substations substations),
and every 100 ms posts one probe reading on a fresh feeder; each probe's latency runs from sending
its POST to its `reading` event arriving on a stream, over every stream. Prints p50/p95/max, resync
events and the hub's dropped-message counter.

    .venv/bin/python bench/portal-live/run_bench.py --hub .build/debug/hop-hub --streams 50 --load 2000
"""
import argparse
import json
import pathlib
import queue
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import requests

ROOT = pathlib.Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def reader(url, key, out: queue.Queue, stop: threading.Event, counts: dict, ready: threading.Semaphore, path: str):
    """One stream, read by `curl -N` (a Python byte-at-a-time reader cannot keep up with a full feed)."""
    curl = subprocess.Popen(["curl", "-sN", "-H", f"X-API-Key: {key}", url + path], stdout=subprocess.PIPE,
                            bufsize=0)
    kind = None
    first = True
    for raw in iter(curl.stdout.readline, b""):
        if first:
            ready.release()
            first = False
        if stop.is_set():
            break
        line = raw.decode().rstrip("\n")
        if line.startswith("event:"):
            kind = line[6:].strip()
        elif line.startswith("data:") and kind == "reading":
            if '"PROBE' in line:
                out.put((json.loads(line[5:])["feeder_id"], time.monotonic()))
        elif line.startswith("data:") and kind == "resync":
            counts["resync"] += 1
    curl.kill()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hub", default=str(ROOT / ".build" / "debug" / "hop-hub"))
    ap.add_argument("--streams", type=int, default=50)
    ap.add_argument("--load", type=int, default=2000, help="background readings per second")
    ap.add_argument("--substations", type=int, default=200)
    ap.add_argument("--probes", type=int, default=50)
    ap.add_argument("--full", action="store_true",
                    help="streams receive everything (default: ?substation_id=SUB0000, so a Python client keeps up; "
                         "the hub still processes, coalesces and filters the whole load for every stream)")
    args = ap.parse_args()

    tmp = pathlib.Path(tempfile.mkdtemp(prefix="hop-live-bench-"))
    data, port = tmp / "data", free_port()
    url = f"http://127.0.0.1:{port}"

    def key(name, scope):
        out = subprocess.run([args.hub, "keys", "create", "--data-dir", str(data), "--name", name, "--all-substations",
                              "--scope", scope], check=True, capture_output=True, text=True)
        return out.stdout.strip().splitlines()[-1]

    ingest, read = key("bench-ingest", "ingest"), key("bench-read", "read")
    log = open(tmp / "hub.log", "ab")
    hub = subprocess.Popen([args.hub, "serve", "--data-dir", str(data), "--listen", f"127.0.0.1:{port}"],
                           stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(url + "/api/health", timeout=1).ok:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            sys.exit(f"hub did not start; see {tmp / 'hub.log'}")
        time.sleep(0.05)

    stop = threading.Event()
    arrivals: queue.Queue = queue.Queue()
    counts = {"resync": 0}
    ready = threading.Semaphore(0)
    for _ in range(args.streams):
        path = "/api/stream" if args.full else "/api/stream?substation_id=SUB0000"
        threading.Thread(target=reader, args=(url, read, arrivals, stop, counts, ready, path), daemon=True).start()
    for _ in range(args.streams):
        ready.acquire()

    def load():
        seq, session = 0, requests.Session()
        per_batch = 100
        interval = per_batch / args.load if args.load else None
        while interval and not stop.is_set():
            started = time.monotonic()
            seq += 1
            now_ms = int(time.time() * 1000)
            body = {"edge_id": "bench-edge", "seq": seq, "telemetry": [
                {"substation_id": f"SUB{(seq * per_batch + i) % args.substations:04d}", "feeder_id": "FDR001",
                 "voltage_kv": 230.0, "frequency_hz": 60.0, "ts": now_ms} for i in range(per_batch)]}
            session.post(url + "/api/ingest/batch", json=body, headers={"X-API-Key": ingest}, timeout=10)
            time.sleep(max(0.0, interval - (time.monotonic() - started)))

    threading.Thread(target=load, daemon=True).start()
    time.sleep(1)
    sent, session = {}, requests.Session()
    for i in range(args.probes):
        feeder = f"PROBE{i:04d}"
        sent[feeder] = time.monotonic()
        session.post(url + "/api/ingest/telemetry", headers={"X-API-Key": ingest}, timeout=10, json={
            "substation_id": "SUB0000", "feeder_id": feeder, "voltage_kv": 230.0, "frequency_hz": 60.0})
        time.sleep(0.1)
    latencies, expected = [], args.probes * args.streams
    deadline = time.monotonic() + 10
    while len(latencies) < expected and time.monotonic() < deadline:
        try:
            feeder, at = arrivals.get(timeout=0.5)
            latencies.append(at - sent[feeder])
        except queue.Empty:
            pass
    metrics = requests.get(url + "/metrics", timeout=10).text
    dropped = next((line.split()[-1] for line in metrics.splitlines() if line.startswith("hop_live_dropped_messages_total")), "0")
    stop.set()
    hub.send_signal(signal.SIGTERM)
    rc = hub.wait(timeout=30)
    latencies.sort()
    print(f"streams {args.streams} ({'unfiltered' if args.full else 'filtered to SUB0000'}), background {args.load} readings/s over {args.substations} substations, "
          f"{args.probes} probes")
    print(f"delivered {len(latencies)}/{expected}; latency p50 {statistics.median(latencies) * 1000:.1f} ms, "
          f"p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms")
    print(f"resync events {counts['resync']}, hop_live_dropped_messages_total {dropped}, hub exit {rc}")


if __name__ == "__main__":
    main()
