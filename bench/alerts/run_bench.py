#!/usr/bin/env python3
"""Alerting benchmarks against a real hop-hub and a real SMTP server (aiosmtpd).

1. trip → mail: POST /api/ingest/event (FEEDER_TRIP, ALARM) on 100 distinct feeders, one at a
   time; latency = from sending the POST to aiosmtpd accepting the message (end of DATA). Caps are
   lifted for the run (alerts.trip_cap_per_hour = 1000000); default intervals otherwise.
2. scoring pass: 10,000 substations × 20 frequency readings ingested by batch; the hub scores with
   `scoring.interval_s` = 5 and logs each pass's duration at debug level; the median of 3 passes
   over all 10,000 substations is reported.

Usage: .venv/bin/python bench/alerts/run_bench.py [--hub PATH] [--trips 100] [--substations 10000]
(PATH defaults to the newest hop-hub among .build-alerts/release, .build/release, .build-alerts/debug, .build/debug).
"""
import argparse
import json
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import requests
from aiosmtpd.controller import Controller

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests" / "e2e"))
from waiting import free_port, wait_until  # noqa: E402


def newest_hub() -> pathlib.Path:
    found = [REPO / d / "hop-hub" for d in (".build-alerts/release", ".build/release", ".build-alerts/debug", ".build/debug")]
    found = [p for p in found if p.exists()]
    if not found:
        sys.exit("no hop-hub binary; build one first (swift build -c release --scratch-path .build-alerts --product hop-hub)")
    return max(found, key=lambda p: p.stat().st_mtime)


class Arrivals:
    """aiosmtpd handler: the time each subject was accepted."""

    def __init__(self):
        self.at = {}
        self.cv = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        text = envelope.content.decode("utf-8", "replace")
        subject = re.search(r"^Subject: (.*)$", text, re.M).group(1).strip()
        with self.cv:
            self.at[subject] = time.perf_counter()
            self.cv.notify_all()
        return "250 OK"

    def wait_for(self, needle: str, timeout=30.0) -> float:
        deadline = time.monotonic() + timeout
        with self.cv:
            while True:
                for subject, t in self.at.items():
                    if needle in subject:
                        return t
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(needle)
                self.cv.wait(left)


def start_hub(binary, data_dir, env):
    port = free_port()
    log = open(data_dir.parent / f"hub-{port}.log", "wb")
    proc = subprocess.Popen([str(binary), "serve", "--data-dir", str(data_dir), "--listen", f"127.0.0.1:{port}"],
                            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **env})
    url = f"http://127.0.0.1:{port}"
    wait_until(lambda: requests.get(url + "/api/health", timeout=1).ok, what="hub")
    key = subprocess.run([str(binary), "keys", "create", "--name", "bench", "--all-substations", "--scope", "ingest,read",
                          "--data-dir", str(data_dir)], check=True, capture_output=True, text=True, env={**os.environ, **env}
                         ).stdout.strip().splitlines()[-1]
    return proc, url, key, data_dir.parent / f"hub-{port}.log"


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))]


def bench_trips(binary, tmp, trips):
    handler = Arrivals()
    smtp_port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    env = {"HOP_HUB_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}", "HOP_HUB_ALERTS_RECIPIENTS": "ops@example.com",
           "HOP_HUB_ALERTS_TRIP_CAP_PER_HOUR": "1000000", "HOP_HUB_SCORING_ENABLED": "false"}
    proc, url, key, _ = start_hub(binary, tmp / "trips", env)
    session = requests.Session()
    latencies = []
    try:
        for i in range(trips):
            feeder = f"FDR{i:04d}"
            body = {"substation_id": "SUB001", "feeder_id": feeder, "severity": "ALARM", "event_type": "FEEDER_TRIP"}
            t0 = time.perf_counter()
            session.post(url + "/api/ingest/event", json=body, headers={"X-API-Key": key}, timeout=10).raise_for_status()
            latencies.append((handler.wait_for(f" {feeder}") - t0) * 1000)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        controller.stop()
    return latencies


def bench_scoring(binary, tmp, substations):
    env = {"HOP_HUB_SCORING_INTERVAL_S": "5", "HOP_HUB_LOG_LEVEL": "debug", "HOP_HUB_ALERTS_ENABLED": "false"}
    proc, url, key, log = start_hub(binary, tmp / "scoring", env)
    try:
        now = int(time.time() * 1000)
        session = requests.Session()
        seq = 0
        per_batch = 500  # substations per batch, 20 readings each = 10,000 readings
        for start in range(0, substations, per_batch):
            seq += 1
            telemetry = [{"substation_id": f"S{n:05d}", "feeder_id": "F1", "frequency_hz": 60 + (r % 5) / 1000,
                          "ts": now - (20 - r) * 1000} for n in range(start, min(start + per_batch, substations)) for r in range(20)]
            session.post(url + "/api/ingest/batch", json={"edge_id": "bench", "seq": seq, "telemetry": telemetry},
                         headers={"X-API-Key": key}, timeout=60).raise_for_status()
        pattern = re.compile(r"duration_ms=([0-9.]+).*read_ms=([0-9.]+).*substations=(\d+).*write_ms=([0-9.]+)")

        def passes():
            found = []
            for line in log.read_text(errors="replace").splitlines():
                if "scoring pass" in line:
                    m = pattern.search(line)
                    if m and int(m.group(3)) == substations:
                        found.append((float(m.group(1)), float(m.group(2)), float(m.group(4))))
            return found if len(found) >= 3 else None

        durations = wait_until(passes, timeout=120, interval=0.5, what="three full scoring passes")
        scored = len(requests.get(url + "/api/query/ml/latest", headers={"X-API-Key": key}, timeout=30).json())
        return durations[:3], scored
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hub", type=pathlib.Path, default=None)
    ap.add_argument("--trips", type=int, default=100)
    ap.add_argument("--substations", type=int, default=10_000)
    args = ap.parse_args()
    binary = args.hub or newest_hub()
    with tempfile.TemporaryDirectory(prefix="hop-bench-alerts-") as d:
        tmp = pathlib.Path(d)
        (tmp / "trips").mkdir()
        (tmp / "scoring").mkdir()
        lat = bench_trips(binary, tmp, args.trips)
        durations, scored = bench_scoring(binary, tmp, args.substations)
    result = {
        "hub": str(binary.relative_to(REPO) if binary.is_relative_to(REPO) else binary),
        "trip_to_mail_ms": {"n": len(lat), "p50": round(pct(lat, 50), 1), "p95": round(pct(lat, 95), 1),
                            "max": round(max(lat), 1)},
        "scoring_pass_ms": {"substations": args.substations, "passes": [d[0] for d in durations],
                            "read_ms": [d[1] for d in durations], "write_ms": [d[2] for d in durations],
                            "median": statistics.median(d[0] for d in durations), "scores_served": scored},
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
