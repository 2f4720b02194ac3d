"""Storage benchmark: the hub's SQLite store next to VictoriaMetrics, fed the same readings.

Generates a deterministic dataset (--substations × --feeders feeders × --hours at 1 Hz, random-walk
values at realistic precision, source timestamps in epoch ms ending now), then:

* hub: starts a real `hop-hub serve` (release build) on a loopback port with a temp data dir,
  ingests the dataset through POST /api/ingest/batch as --edges concurrent edges (gzip, increasing
  seq, --batch readings each), waits until compaction has moved the head into chunks (a hub with
  chunked telemetry), measures the dashboard queries (p50/p95 over --runs runs on one
  persistent connection), stops the hub with SIGTERM, folds the WAL in
  (`PRAGMA wal_checkpoint(TRUNCATE)`) and reports bytes/reading of the whole data dir, plus the size
  of every table and index from sqlite's dbstat;
* VictoriaMetrics (Debian's package, installed if missing): starts it on a loopback port with a temp
  storage dir, imports the same readings as Influx line protocol on /write (precision=ms; metrics
  telemetry_voltage_kv, …_current_a, …_power_mw, …_frequency_hz, labels substation and feeder), forces
  flush and merge, waits for merges to settle (its /metrics), checks the stored sample count and
  reports bytes/reading and bytes/sample.

    .venv/bin/python bench/storage/run_bench.py [--hours 6] [--hub PATH] [--skip-vm] [--keep]

Exits non-zero only on errors (a refused batch, a missing reading, a process that would not start).
See bench/storage/README.md.
"""
import argparse
import gzip
import math
import multiprocessing
import os
import pathlib
import random
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time

import requests

ROOT = pathlib.Path(__file__).resolve().parents[2]
QUANTITIES = ("voltage_kv", "current_a", "power_mw", "frequency_hz")
TARGET_BYTES_PER_READING = 6.0
TARGET_P95_MS = {"latest": 5.0, "timeseries": 50.0, "thresholds": 50.0, "ml_trend": 50.0}


class BenchError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Dataset


def substation_id(i: int) -> str:
    return f"SUB{i + 1:03d}"


def feeder_id(j: int) -> str:
    return f"FDR{j + 1:03d}"


class Series:
    """One feeder's random walk; its own RNG, so the values do not depend on how series are grouped."""

    def __init__(self, seed: int, sub: int, feeder: int):
        self.rng = random.Random(f"hop-storage-bench:{seed}:{sub}:{feeder}")
        r = self.rng
        self.sub, self.feeder = substation_id(sub), feeder_id(feeder)
        self.v = 230.0 + r.uniform(-2.0, 2.0)
        self.i = 1000.0 + r.uniform(-150.0, 150.0)
        self.p = 275.0 + r.uniform(-15.0, 15.0)
        self.f = 60.0 + r.uniform(-0.01, 0.01)

    def step(self):
        """Advances one second; returns (jitter_ms, V, I, P, f) with the precision an RTU reports."""
        r = self.rng
        g = r.gauss
        self.v = min(240.0, max(220.0, self.v + g(0.0, 0.04) + (230.0 - self.v) * 0.002))
        self.i = min(1400.0, max(600.0, self.i + g(0.0, 1.5) + (1000.0 - self.i) * 0.001))
        self.p = min(330.0, max(220.0, self.p + g(0.0, 0.25) + (275.0 - self.p) * 0.001))
        self.f = min(60.1, max(59.9, self.f + g(0.0, 0.0015) + (60.0 - self.f) * 0.01))
        return r.randrange(0, 6), round(self.v, 2), round(self.i, 1), round(self.p, 2), round(self.f, 3)


def edge_substations(edge: int, edges: int, substations: int) -> list[int]:
    return [s for s in range(substations) if s % edges == edge]


def generate_edge(job) -> tuple[int, int, int, int, int]:
    """Writes one edge's batches to two files of length-prefixed gzip bodies: the hub's JSON batches
    and the same readings as Influx line protocol. Returns (edge, batches, readings, hub bytes, vm bytes).
    With args["vm"] false no Influx lines are written; with args["csv"] set (a received_at in epoch ms)
    the same readings also go to edge{k}.csv as rows of the hub's head table `telemetry`, for COPY."""
    edge, edges, args, start_ms, seconds, out_dir, edge_fields = job
    with_vm, received_at = args.get("vm", True), args.get("csv")
    subs = edge_substations(edge, edges, args["substations"])
    series = [Series(args["seed"], s, f) for s in subs for f in range(args["feeders"])]
    per_batch_s = max(1, args["batch"] // len(series))
    hub_path, vm_path = out_dir / f"edge{edge}.hub", out_dir / f"edge{edge}.vm"
    batches = readings = hub_bytes = vm_bytes = 0
    edge_name = f"bench-edge-{edge + 1:02d}"
    csv_out = open(out_dir / f"edge{edge}.csv", "w") if received_at is not None else None
    with open(hub_path, "wb") as hub_out, open(vm_path, "wb") as vm_out:
        for t0 in range(0, seconds, per_batch_s):
            records, lines = [], []
            for t in range(t0, min(seconds, t0 + per_batch_s)):
                base = start_ms + t * 1000
                for s in series:
                    jitter, v, i, p, f = s.step()
                    ts = base + jitter
                    extra = (f'"device_id":"{s.sub}-{s.feeder}","site_name":"Site {s.sub}",'
                             f'"latitude":45.5231,"longitude":-122.6765,') if edge_fields else ""
                    records.append(
                        f'{{"substation_id":"{s.sub}","feeder_id":"{s.feeder}",{extra}"voltage_kv":{v:.2f},'
                        f'"current_a":{i:.1f},"power_mw":{p:.2f},"frequency_hz":{f:.3f},"ts":{ts}}}')
                    if with_vm:
                        lines.append(
                            f"telemetry,substation={s.sub},feeder={s.feeder} voltage_kv={v:.2f},current_a={i:.1f},"
                            f"power_mw={p:.2f},frequency_hz={f:.3f} {ts}\n")
                    if csv_out:
                        place = (f"{s.sub}-{s.feeder},Site {s.sub},45.5231,-122.6765" if edge_fields else ",,,")
                        csv_out.write(f"{s.sub},{ts},{s.feeder},{place},{v:.2f},{i:.1f},{p:.2f},{f:.3f},{received_at}\n")
            batches += 1
            readings += len(records)
            body = gzip.compress(
                (f'{{"edge_id":"{edge_name}","seq":{batches},"telemetry":[' + ",".join(records) + "]}").encode(), 6)
            hub_out.write(struct.pack("<II", len(body), len(records)) + body)
            hub_bytes += len(body)
            if with_vm:
                body = gzip.compress("".join(lines).encode(), 6)
                vm_out.write(struct.pack("<II", len(body), len(lines)) + body)
                vm_bytes += len(body)
    if csv_out:
        csv_out.close()
    return edge, batches, readings, hub_bytes, vm_bytes


def read_batches(path: pathlib.Path):
    with open(path, "rb") as f:
        while header := f.read(8):
            size, count = struct.unpack("<II", header)
            yield f.read(size), count


# ---------------------------------------------------------------------------------------------
# Helpers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dir_bytes(path: pathlib.Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def wait_http(url: str, proc: subprocess.Popen, log: pathlib.Path, what: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise BenchError(f"{what} exited with {proc.returncode} at start; see {log}")
        try:
            if requests.get(url, timeout=1).ok:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise BenchError(f"{what} did not answer {url} within {timeout:.0f} s; see {log}")
        time.sleep(0.1)


class Processes:
    """Every process this run started; all are ended on exit, error or Ctrl-C."""

    def __init__(self):
        self.procs: list[subprocess.Popen] = []

    def start(self, argv, log: pathlib.Path, env=None) -> subprocess.Popen:
        out = open(log, "ab")
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=env,
                                start_new_session=True)
        out.close()
        self.procs.append(proc)
        return proc

    @staticmethod
    def stop(proc: subprocess.Popen, timeout: float = 60.0) -> int:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        return proc.returncode

    def stop_all(self):
        for proc in self.procs:
            self.stop(proc, timeout=30)


def post_all(url: str, files: list[pathlib.Path], headers: dict, check) -> float:
    """One thread per edge posts its batches in order on its own persistent connection; returns the
    wall time from the first POST to the last answer."""
    errors: list[str] = []
    barrier = threading.Barrier(len(files) + 1)

    def edge(path: pathlib.Path):
        session = requests.Session()
        barrier.wait()
        try:
            for body, count in read_batches(path):
                if errors:
                    return
                r = session.post(url, data=body, headers=headers, timeout=300)
                problem = check(r, count)
                if problem:
                    errors.append(f"{path.name}: {problem}")
                    return
        except Exception as e:  # noqa: BLE001 - reported and fails the run
            errors.append(f"{path.name}: {e!r}")

    threads = [threading.Thread(target=edge, args=(p,), daemon=True) for p in files]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.monotonic()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    if errors:
        raise BenchError("ingest failed: " + "; ".join(errors[:5]))
    return elapsed


# ---------------------------------------------------------------------------------------------
# Hub


def choose_hub(args) -> pathlib.Path:
    if args.hub:
        hub = pathlib.Path(args.hub).resolve()
        if not os.access(hub, os.X_OK):
            raise BenchError(f"--hub {hub} is not an executable")
        return hub
    print("building the hub: swift build -c release --product hop-hub", flush=True)
    started = time.monotonic()
    build = subprocess.run(["swift", "build", "-c", "release", "--product", "hop-hub"], cwd=ROOT,
                           capture_output=True, text=True)
    if build.returncode != 0:
        sys.stderr.write(build.stdout[-4000:] + build.stderr[-4000:])
        raise BenchError("release build failed (others' work in progress? retry, or pass --hub PATH)")
    print(f"  built in {time.monotonic() - started:.0f} s", flush=True)
    bin_dir = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout.strip()
    return pathlib.Path(bin_dir) / "hop-hub"


def score_rows(substations: int, start_ms: int, end_ms: int, seed: int) -> list[tuple]:
    """One anomaly score per substation per minute over the dataset, as the hub's scorer writes them
    (scoring.interval_s 60), so ml/trend is measured on a realistic table: rows of `scores` (ts,
    substation_id, anomaly_score, is_anomaly 0/1, z_score, baseline_mean, baseline_std, latest_value,
    model_version)."""
    rng = random.Random(f"hop-storage-bench-scores:{seed}")
    rows = []
    for minute in range(start_ms - start_ms % 60_000 + 60_000, end_ms, 60_000):
        for s in range(substations):
            z = rng.gauss(0.0, 1.0)
            score = min(abs(z) / 2.5, 1.0)
            mean = round(60.0 + rng.gauss(0.0, 0.01), 6)
            rows.append((minute + rng.randrange(0, 50), substation_id(s), score, int(abs(z) >= 2.5), z, mean,
                         abs(rng.gauss(0.01, 0.003)), round(mean + z * 0.01, 3), "zscore-v1"))
    return rows


def seed_scores(db: pathlib.Path, substations: int, start_ms: int, end_ms: int, seed: int) -> int:
    """score_rows written into the hub's SQLite database before `serve`."""
    rows = score_rows(substations, start_ms, end_ms, seed)
    with sqlite3.connect(db) as con:
        con.executemany(
            "INSERT OR REPLACE INTO scores (ts, substation_id, anomaly_score, is_anomaly, z_score, baseline_mean,"
            " baseline_std, latest_value, model_version) VALUES (?,?,?,?,?,?,?,?,?)", rows)
    con.close()
    return len(rows)


def sqlite_cli(db: pathlib.Path, sql: str) -> str:
    out = subprocess.run(["sqlite3", str(db), sql], capture_output=True, text=True)
    if out.returncode != 0:
        raise BenchError(f"sqlite3 {db} {sql!r}: {out.stderr.strip()}")
    return out.stdout


def has_chunk_table(db: pathlib.Path) -> bool:
    return sqlite_cli(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'telemetry_chunks'").strip() == "1"


def stored_readings(db: pathlib.Path) -> tuple[int, int]:
    """Readings in the store: (head rows in `telemetry`, points in `telemetry_chunks`). A hub from before
    chunked storage has no chunk table (0)."""
    head = int(sqlite_cli(db, "SELECT count(*) FROM telemetry").strip())
    chunked = (int(sqlite_cli(db, "SELECT coalesce(sum(points), 0) FROM telemetry_chunks").strip())
               if has_chunk_table(db) else 0)
    return head, chunked


def wait_compaction(counts, quiet_s: float = 150.0, timeout_s: float = 3600.0) -> dict:
    """Waits until the hub's CompactionService has moved the head into chunks (docs/hub-storage.md, "Head
    and chunks"): the head is empty, or has not shrunk for `quiet_s` (readings younger than
    storage.head_s stay in it, and so does a block whose first readings arrived less than
    storage.head_s ago: 120 s + 30). `counts()` reads the live store: (head rows, points in chunks)."""
    started = time.monotonic()
    head, chunked = counts()
    last_change, previous = started, head
    while head > 0 and time.monotonic() - last_change < quiet_s:
        if time.monotonic() - started > timeout_s:
            raise BenchError(f"compaction did not settle within {timeout_s:.0f} s ({head:,} readings in the head)")
        time.sleep(1.0)
        head, chunked = counts()
        if head != previous:
            last_change, previous = time.monotonic(), head
    settled = (last_change if head > 0 else time.monotonic()) - started
    return {"seconds": settled, "head": head, "chunked": chunked}


def create_key(hub_bin: pathlib.Path, data: pathlib.Path, name: str, scope: str, env=None) -> str:
    """`hop-hub keys create` with every substation; returns the key. `env` selects the store (PostgreSQL)."""
    out = subprocess.run([str(hub_bin), "keys", "create", "--data-dir", str(data), "--name", name,
                          "--all-substations", "--scope", scope], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise BenchError(f"hop-hub keys create failed: {out.stderr.strip()}")
    return out.stdout.strip().splitlines()[-1]


def check_batch(r: requests.Response, count: int):
    """A batch answer that stored every reading, or what was wrong with it."""
    if not 200 <= r.status_code < 300:
        return f"HTTP {r.status_code}: {r.text[:300]}"
    answer = r.json()
    if answer.get("duplicate"):
        return f"answered duplicate: {answer}"
    if answer.get("telemetry") != count:
        return f"stored {answer.get('telemetry')} of {count}: {answer}"
    return None


BATCH_HEADERS = {"Content-Type": "application/json", "Content-Encoding": "gzip"}


def hub_env(args) -> dict:
    """The environment every measured hub runs with (the store's settings are added by the caller)."""
    env = dict(os.environ)
    # telemetry/latest answers readings of the last query.latest_window_s seconds (default 60); the
    # dataset ends when the run starts, so the window is widened for the answer to hold every feeder
    # (the query is the same: one row per feeder from telemetry_latest).
    env["HOP_HUB_QUERY_LATEST_WINDOW_S"] = "86400"
    # The dataset's last 2-hour block is "still being written" when the run starts; by default the
    # hub would compact it only 10 minutes later. Measured settled, as every earlier block is.
    env["HOP_HUB_STORAGE_OPEN_BLOCK_DELAY_S"] = "0"
    env["HOP_HUB_LOG_LEVEL"] = "warning"
    for setting in args.hub_env:
        name, _, value = setting.partition("=")
        env[name] = value
    return env


def run_hub(args, procs: Processes, work: pathlib.Path, files, readings: int, start_ms: int, end_ms: int) -> dict:
    result: dict = {}
    hub_bin = choose_hub(args)
    data, port = work / "hub-data", free_port()
    url = f"http://127.0.0.1:{port}"
    version = subprocess.run([str(hub_bin), "--version"], capture_output=True, text=True).stdout.strip()
    result["version"] = version
    print(f"hub: {hub_bin} ({version}), data dir {data}, {url}", flush=True)

    ingest_key = create_key(hub_bin, data, "bench-ingest", "ingest,read")
    read_key = create_key(hub_bin, data, "bench-read", "read")
    if args.scores:
        n = seed_scores(data / "hop.sqlite", args.substations, start_ms, end_ms, args.seed)
        print(f"  seeded {n:,} anomaly scores (1/substation/minute) for ml/trend", flush=True)
    env = hub_env(args)
    log = work / "hub.log"
    hub = procs.start([str(hub_bin), "serve", "--data-dir", str(data), "--listen", f"127.0.0.1:{port}"], log, env)
    wait_http(url + "/api/health", hub, log, "hop-hub")

    print(f"  ingesting {readings:,} readings as {len(files)} edges ...", flush=True)
    load_before = os.getloadavg()[0]
    elapsed = post_all(url + "/api/ingest/batch", files, {"X-API-Key": ingest_key, **BATCH_HEADERS}, check_batch)
    result["ingest_s"] = elapsed
    result["ingest_rate"] = readings / elapsed
    print(f"  ingested in {elapsed:.1f} s: {readings / elapsed:,.0f} readings/s "
          f"(load average {load_before:.1f} → {os.getloadavg()[0]:.1f})", flush=True)

    # Chunked storage: wait until compaction has caught up, so sizes and queries are of the settled store.
    db = data / "hop.sqlite"
    head, chunked = stored_readings(db)
    result["head_after_ingest"] = head
    if has_chunk_table(db):
        print(f"  after ingest: {head:,} readings in the head, {chunked:,} in chunks; waiting for compaction ...",
              flush=True)
        # the sqlite3 CLI reads the live database as a WAL reader
        result["compaction"] = wait_compaction(lambda: stored_readings(db))
        c = result["compaction"]
        print(f"  compaction settled {c['seconds']:.1f} s after ingest: {c['head']:,} in the head, "
              f"{c['chunked']:,} in chunks", flush=True)

    measure_queries(url, read_key, args, result)
    result["size_running"] = dir_bytes(data)

    started = time.monotonic()
    rc = Processes.stop(hub, timeout=120)
    result["stop_s"] = time.monotonic() - started
    if rc != 0:
        raise BenchError(f"hop-hub exited with {rc} after SIGTERM; see {log}")
    result["size_stopped"] = dir_bytes(data)
    sqlite_cli(db, "PRAGMA wal_checkpoint(TRUNCATE)")
    result["files"] = {p.name: p.stat().st_size for p in sorted(data.iterdir()) if p.is_file()}
    size = dir_bytes(data)
    head, chunked = stored_readings(db)
    stored = head + chunked
    if stored != readings:
        raise BenchError(f"hub stores {stored:,} readings ({head:,} in the head, {chunked:,} in chunks), "
                         f"sent {readings:,}")
    result["head"], result["chunked"] = head, chunked
    result["stored"] = stored
    result["size"] = size
    result["bytes_per_reading"] = size / stored
    page_size = int(sqlite_cli(db, "PRAGMA page_size").strip())
    free_pages = int(sqlite_cli(db, "PRAGMA freelist_count").strip())
    result["page_size"], result["free_bytes"] = page_size, free_pages * page_size
    try:
        rows = sqlite_cli(db, "SELECT name, SUM(pgsize), SUM(unused), COUNT(*) FROM dbstat GROUP BY name "
                              "ORDER BY 2 DESC")
        result["tables"] = [(n, int(b), int(u), int(c)) for n, b, u, c in
                            (line.split("|") for line in rows.splitlines() if line)]
        kinds = dict(line.split("|", 1) for line in sqlite_cli(
            db, "SELECT name, type || ' ' || tbl_name FROM sqlite_schema").splitlines() if "|" in line)
        result["kinds"] = kinds
    except BenchError as e:
        print(f"  dbstat not available ({e}); file sizes only", flush=True)
        result["tables"] = None
    result["rows_1m"] = int(sqlite_cli(db, "SELECT count(*) FROM telemetry_1m").strip())
    result["scores"] = int(sqlite_cli(db, "SELECT count(*) FROM scores").strip())
    return result


def measure_queries(url: str, read_key: str, args, result: dict):
    """The dashboard queries, each --runs times after two warm-up runs, on one persistent connection;
    sets result["queries"] (client-side p50/p95/max, answer shape, the hub's own mean), "minutes" and
    "metrics" (the hub's ingest, writer and compaction counters)."""
    session = requests.Session()
    session.headers["X-API-Key"] = read_key
    before = requests.get(url + "/metrics", timeout=10).text
    minutes = min(10080, max(1, args.hours * 60))
    subs = [substation_id(s) for s in range(args.substations)]
    queries = {
        "latest": lambda k: "/api/query/telemetry/latest",
        "timeseries": lambda k: f"/api/query/telemetry/timeseries?substation_id={subs[k % len(subs)]}&minutes={minutes}",
        "thresholds": lambda k: f"/api/query/frequency/thresholds?minutes={minutes}",
        "ml_trend": lambda k: f"/api/query/ml/trend?minutes={minutes}",
    }
    result["queries"] = {}
    result["minutes"] = minutes
    for name, path in queries.items():
        times, sizes, shape = [], [], ""
        for k in range(-2, args.runs):  # two warm-up runs, not counted
            started = time.perf_counter()
            r = session.get(url + path(k), timeout=60)
            body = r.content
            took = (time.perf_counter() - started) * 1000
            if r.status_code != 200:
                raise BenchError(f"GET {path(k)}: HTTP {r.status_code}: {body[:300]!r}")
            if k >= 0:
                times.append(took)
                sizes.append(len(body))
            if k == 0:
                answer = r.json()
                if name == "latest":
                    shape = f"{len(answer)} feeders"
                    if len(answer) != args.substations * args.feeders:
                        print(f"  note: latest answered {len(answer)} feeders, expected "
                              f"{args.substations * args.feeders}", flush=True)
                elif name == "timeseries":
                    shape = f"{len(answer['points'])} points, resolution {answer['resolution_s']} s"
                elif name == "thresholds":
                    shape = (f"{len(answer['series'])} series × {len(answer['series'][0]['points']) if answer['series'] else 0}"
                             f" points, resolution {answer['resolution_s']} s")
                else:
                    shape = f"{len(answer)} scores"
        result["queries"][name] = {"p50": percentile(times, 0.5), "p95": percentile(times, 0.95),
                                   "max": max(times), "bytes": sum(sizes) / len(sizes), "shape": shape,
                                   "path": path(0)}
    metrics = requests.get(url + "/metrics", timeout=10).text
    # The hub's own view (hop_http_request_duration): mean per query route over this call's runs
    # (warm-up runs included), from the counters' growth since the call began.
    server = route_sums(metrics)
    for route, (total, count) in route_sums(before).items():
        if route in server:
            server[route] = [server[route][0] - total, server[route][1] - count]
    for q in result["queries"].values():
        sums = server.get(q["path"].split("?", 1)[0])
        q["server_mean"] = sums[0] / sums[1] * 1000 if sums and sums[1] else None
    result["metrics"] = [line for line in metrics.splitlines()
                         if line.startswith(("hop_ingest_records", "hop_ingest_rejects", "hop_ingest_duplicate",
                                             "hop_writer_commit_seconds_sum", "hop_writer_commit_seconds_count",
                                             "hop_writer_group", "hop_database_size",
                                             "hop_compacted"))
                         and "_bucket{" not in line]


def route_sums(metrics: str) -> dict[str, list[float]]:
    """Per query route, the sum and count of hop_http_request_duration_seconds (GET, 200)."""
    server: dict[str, list[float]] = {}
    for line in metrics.splitlines():
        if line.startswith(("hop_http_request_duration_seconds_sum{", "hop_http_request_duration_seconds_count{")) \
                and 'method="GET"' in line and 'status="200"' in line and "/api/query/" in line:
            route = line.split('route="', 1)[1].split('"', 1)[0]
            entry = server.setdefault(route, [0.0, 0.0])
            entry[0 if "_sum{" in line else 1] += float(line.rsplit(" ", 1)[1])
    return server


def compacted_readings(url: str) -> float:
    for line in requests.get(url + "/metrics", timeout=10).text.splitlines():
        if line.startswith("hop_compacted_readings_total "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def run_compaction_rate(args, procs: Processes, work: pathlib.Path, files, readings: int) -> dict:
    """Ingest with compaction held off (HOP_HUB_STORAGE_HEAD_S=86400), then restart the hub with
    its defaults and time how fast compaction empties the head: the two rates side by side."""
    hub_bin = choose_hub(args)
    data, port = work / "hub-compaction", free_port()
    url = f"http://127.0.0.1:{port}"
    out = subprocess.run([str(hub_bin), "keys", "create", "--data-dir", str(data), "--name", "bench-ingest",
                          "--all-substations", "--scope", "ingest"], capture_output=True, text=True)
    if out.returncode != 0:
        raise BenchError(f"hop-hub keys create failed: {out.stderr.strip()}")
    key = out.stdout.strip().splitlines()[-1]
    env = dict(os.environ, HOP_HUB_LOG_LEVEL="warning", HOP_HUB_STORAGE_HEAD_S="86400")
    log = work / "hub-compaction.log"
    argv = [str(hub_bin), "serve", "--data-dir", str(data), "--listen", f"127.0.0.1:{port}"]
    hub = procs.start(argv, log, env)
    wait_http(url + "/api/health", hub, log, "hop-hub")

    def check(r: requests.Response, count: int):
        if not 200 <= r.status_code < 300 or r.json().get("duplicate") or r.json().get("telemetry") != count:
            return f"HTTP {r.status_code}: {r.text[:300]}"
        return None

    print(f"compaction rate: ingesting {readings:,} readings with compaction held off ...", flush=True)
    elapsed = post_all(url + "/api/ingest/batch", files,
                       {"X-API-Key": key, "Content-Type": "application/json", "Content-Encoding": "gzip"}, check)
    if Processes.stop(hub, timeout=120) != 0:
        raise BenchError(f"hop-hub exited non-zero after SIGTERM; see {log}")
    env.pop("HOP_HUB_STORAGE_HEAD_S")
    hub = procs.start(argv, log, env)
    wait_http(url + "/api/health", hub, log, "hop-hub")
    started = last_change = time.monotonic()
    done = 0.0
    while time.monotonic() - last_change < 10:
        n = compacted_readings(url)
        if n != done:
            done, last_change = n, time.monotonic()
        time.sleep(0.1)
    if Processes.stop(hub, timeout=120) != 0:
        raise BenchError(f"hop-hub exited non-zero after SIGTERM; see {log}")
    seconds = last_change - started
    result = {"ingest_rate": readings / elapsed, "compacted": done, "seconds": seconds, "rate": done / seconds}
    print(f"  ingest without compaction {result['ingest_rate']:,.0f} readings/s; then compaction moved "
          f"{done:,.0f} readings in {seconds:.1f} s: {result['rate']:,.0f} readings/s "
          f"({result['rate'] / result['ingest_rate']:.1f}× the ingest rate; target ≥ 5×)", flush=True)
    shutil.rmtree(data, ignore_errors=True)
    return result


# ---------------------------------------------------------------------------------------------
# VictoriaMetrics


def ensure_victoria_metrics() -> str:
    found = shutil.which("victoria-metrics")
    if found:
        return found
    print("installing Debian's victoria-metrics package", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = sudo + ["apt-get", "install", "-y", "--no-install-recommends", "victoria-metrics"]
    if subprocess.run(install, env=env).returncode != 0:
        subprocess.run(sudo + ["apt-get", "update"], env=env, check=False)
        if subprocess.run(install, env=env).returncode != 0:
            raise BenchError("could not install victoria-metrics (apt-get install victoria-metrics)")
    # The package enables a systemd unit; on a machine where it started, that instance listens on
    # :8428 with /var/lib/victoria-metrics: ours is separate (own port and storage dir).
    found = shutil.which("victoria-metrics")
    if not found:
        raise BenchError("victoria-metrics installed but not on PATH")
    return found


def vm_metrics(url: str) -> dict[str, float]:
    values = {}
    for line in requests.get(url + "/metrics", timeout=10).text.splitlines():
        if line.startswith("vm_") and " " in line:
            name, value = line.rsplit(" ", 1)
            try:
                values[name] = float(value)
            except ValueError:
                pass
    return values


def months(start_ms: int, end_ms: int) -> list[str]:
    out = []
    t = time.gmtime(start_ms / 1000)
    y, m = t.tm_year, t.tm_mon
    e = time.gmtime(end_ms / 1000)
    while (y, m) <= (e.tm_year, e.tm_mon):
        out.append(f"{y:04d}_{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def run_vm(args, procs: Processes, work: pathlib.Path, files, readings: int, start_ms: int, end_ms: int) -> dict:
    result: dict = {}
    vm_bin = ensure_victoria_metrics()
    version = subprocess.run([vm_bin, "-version"], capture_output=True, text=True)
    result["version"] = (version.stdout or version.stderr).strip() or "?"
    dpkg = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "victoria-metrics"], capture_output=True, text=True)
    if dpkg.returncode == 0:
        result["version"] = f"Debian package {dpkg.stdout.strip()}"
    data, port = work / "vm-data", free_port()
    url = f"http://127.0.0.1:{port}"
    log = work / "vm.log"
    print(f"victoria-metrics ({result['version']}): data dir {data}, {url}", flush=True)
    vm = procs.start([vm_bin, f"-storageDataPath={data}", f"-httpListenAddr=127.0.0.1:{port}",
                      "-retentionPeriod=100y", "-loggerLevel=WARN"], log)
    wait_http(url + "/health", vm, log, "victoria-metrics")

    def check(r: requests.Response, count: int):
        if not 200 <= r.status_code < 300:
            return f"HTTP {r.status_code}: {r.text[:300]}"
        return None

    print(f"  importing {readings:,} readings ({4 * readings:,} samples) as {len(files)} edges ...", flush=True)
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    accepted = post_all(url + "/write?precision=ms", files, {"Content-Encoding": "gzip"}, check)
    flush = requests.get(url + "/internal/force_flush", timeout=300)
    if flush.status_code != 200:
        raise BenchError(f"/internal/force_flush: HTTP {flush.status_code} {flush.text[:200]}")
    flushed = time.monotonic() - started
    result["accept_s"], result["ingest_s"] = accepted, flushed
    result["ingest_rate"] = readings / flushed
    print(f"  accepted in {accepted:.1f} s, flushed to parts after {flushed:.1f} s: {readings / flushed:,.0f} "
          f"readings/s ({4 * readings / flushed:,.0f} samples/s; load average {load_before:.1f} → "
          f"{os.getloadavg()[0]:.1f})", flush=True)

    # Merge every month partition the data touches into big parts, then wait until nothing merges.
    started = time.monotonic()
    for prefix in months(start_ms, end_ms):
        r = requests.get(url + f"/internal/force_merge?partition_prefix={prefix}", timeout=60)
        if r.status_code != 200:
            raise BenchError(f"/internal/force_merge?partition_prefix={prefix}: HTTP {r.status_code} {r.text[:200]}")
    settled, previous, deadline = 0, None, time.monotonic() + 1800
    while settled < 3:
        time.sleep(0.5)
        m = vm_metrics(url)
        busy = (m.get("vm_active_force_merges", 0)
                + sum(v for k, v in m.items() if k.startswith("vm_active_merges{"))
                + sum(v for k, v in m.items() if k.startswith("vm_pending_rows{")))
        parts = tuple(v for k, v in sorted(m.items()) if k.startswith("vm_parts{"))
        settled = settled + 1 if busy == 0 and parts == previous else 0
        previous = parts
        if time.monotonic() > deadline:
            raise BenchError("victoria-metrics merges did not settle within 30 minutes")
    result["merge_s"] = time.monotonic() - started
    m = vm_metrics(url)
    result["parts"] = {k: int(v) for k, v in m.items() if k.startswith("vm_parts{")}
    rows = int(m.get('vm_rows{type="storage/small"}', 0) + m.get('vm_rows{type="storage/big"}', 0))
    window_s = (end_ms - start_ms) // 1000 + 120
    query = requests.get(url + "/api/v1/query", timeout=600, params={
        "query": f'sum(count_over_time({{__name__=~"telemetry_.+"}}[{window_s}s]))', "time": f"{end_ms / 1000 + 60:.3f}"})
    answer = query.json()
    counted = int(float(answer["data"]["result"][0]["value"][1])) if answer["data"]["result"] else 0
    expected = 4 * readings
    if rows != expected or counted != expected:
        raise BenchError(f"victoria-metrics holds {rows:,} rows (vm_rows) and counts {counted:,} samples "
                         f"(count_over_time); expected {expected:,}")
    result["samples"] = counted
    result["size_running"] = dir_bytes(data)
    result["dirs_running"] = {d: dir_bytes(data / d) for d in ("data", "indexdb") if (data / d).exists()}
    print(f"  merged in {result['merge_s']:.1f} s; {counted:,} samples stored", flush=True)
    rc = Processes.stop(vm, timeout=120)
    if rc != 0:
        raise BenchError(f"victoria-metrics exited with {rc} after SIGTERM; see {log}")
    result["size"] = dir_bytes(data)
    result["dirs"] = {p.name: dir_bytes(p) for p in sorted(data.iterdir()) if p.is_dir()}
    result["bytes_per_reading"] = result["size"] / readings
    return result


# ---------------------------------------------------------------------------------------------
# Report


def report(args, readings: int, span: str, gen: dict, hub: dict | None, vm: dict | None, wall: float,
           compaction: dict | None = None):
    line = "-" * 78
    print()
    print(line)
    print(f"dataset: {args.substations} substations × {args.feeders} feeders × {args.hours} h at 1 Hz = "
          f"{readings:,} readings ({span}), seed {args.seed}"
          + (", with device_id/site_name/lat/lon" if args.edge_fields else "")
          + (f"; hub settings {' '.join(args.hub_env)}" if args.hub_env else ""))
    print(f"  {args.edges} edges, {gen['batches']:,} batches of ≤ {args.batch} readings; gzip bodies "
          f"{gen['hub_bytes'] / readings:.1f} B/reading (hub JSON), {gen['vm_bytes'] / readings:.1f} B/reading "
          f"(Influx lines); generated in {gen['seconds']:.0f} s")
    print(f"  machine: {os.cpu_count()} cores, load average now {os.getloadavg()[0]:.1f}; run took {wall:.0f} s")
    if hub:
        print(line)
        print(f"hub (SQLite, hop-hub {hub['version']}): {hub['stored']:,} readings, data dir {mb(hub['size'])} after checkpoint "
              f"({mb(hub['size_running'])} while running, {mb(hub['size_stopped'])} after SIGTERM); "
              f"files: " + ", ".join(f"{k} {mb(v)}" for k, v in hub["files"].items()))
        print(f"  readings: {hub['head']:,} in the head (telemetry), {hub['chunked']:,} in telemetry_chunks"
              + (f"; compaction settled {hub['compaction']['seconds']:.1f} s after ingest" if "compaction" in hub
                 else ""))
        print(f"  page size {hub['page_size']}, free pages {mb(hub['free_bytes'])}; "
              f"telemetry_1m rows {hub['rows_1m']:,}, scores {hub['scores']:,}")
        if hub["tables"]:
            print(f"  {'table / index (dbstat)':<42} {'bytes':>14} {'B/reading':>10} {'unused':>7} {'pages':>9}")
            small = [t for t in hub["tables"] if t[3] <= 2]
            for name, size, unused, pages in [t for t in hub["tables"] if t[3] > 2]:
                kind = hub["kinds"].get(name, "")
                label = name if not kind.startswith("index") else f"{name} (index on {kind.split()[1]})"
                print(f"  {label:<42} {size:>14,} {size / hub['stored']:>10.2f} {unused / max(size, 1):>7.0%} "
                      f"{pages:>9,}")
            if small:
                size = sum(t[1] for t in small)
                print(f"  {f'{len(small)} others of 1-2 pages':<42} {size:>14,} {size / hub['stored']:>10.2f} "
                      f"{sum(t[2] for t in small) / size:>7.0%} {sum(t[3] for t in small):>9,}")
            size = sum(t[1] for t in hub["tables"]) + hub["free_bytes"]
            print(f"  {'sum, with free pages':<42} {size:>14,} {size / hub['stored']:>10.2f}")
        print(f"  shutdown after SIGTERM {hub['stop_s']:.1f} s")
        print("  /metrics:")
        for m in hub["metrics"]:
            print(f"    {m}")
    if vm:
        print(line)
        print(f"VictoriaMetrics ({vm['version']}): {vm['samples']:,} samples, data dir {mb(vm['size'])} after stop "
              f"({mb(vm['size_running'])} running after merge: "
              + ", ".join(f"{k} {mb(v)}" for k, v in vm["dirs_running"].items()) + "); after stop: "
              + ", ".join(f"{k} {mb(v)}" for k, v in vm["dirs"].items() if v))
        print(f"  parts after merge: " + ", ".join(f"{k[9:-1]} {v}" for k, v in vm["parts"].items())
              + f"; import accepted in {vm['accept_s']:.1f} s, flushed at {vm['ingest_s']:.1f} s, "
              f"merge {vm['merge_s']:.1f} s")
    print(line)
    print(f"{'':<34} {'hub (SQLite)':>16} {'VictoriaMetrics':>16} {'target':>9}")
    hb = f"{hub['bytes_per_reading']:.1f}" if hub else "-"
    vb = f"{vm['bytes_per_reading']:.2f}" if vm else "-"
    print(f"{'bytes/reading (whole data dir)':<34} {hb:>16} {vb:>16} {'≤ 6':>9}")
    if hub or vm:
        hb = f"{(hub['size'] - hub['free_bytes']) / hub['stored']:.1f}" if hub else "-"
        vb = f"{vm['size_running'] / vm['samples'] * 4:.2f}" if vm else "-"
        print(f"{'  without free pages / VM caches':<34} {hb:>16} {vb:>16}")
    if vm:
        print(f"{'bytes/sample (4 per reading)':<34} {hub['bytes_per_reading'] / 4 if hub else 0:>16.1f} "
              f"{vm['size'] / vm['samples']:>16.2f}")
    hr = f"{hub['ingest_rate']:,.0f}" if hub else "-"
    vr = f"{vm['ingest_rate']:,.0f}" if vm else "-"
    print(f"{'ingest readings/s':<34} {hr:>16} {vr:>16}")
    if compaction:
        print(f"{'  hub without compaction':<34} {compaction['ingest_rate']:>16,.0f}")
        print(f"{'compaction alone, readings/s':<34} {compaction['rate']:>16,.0f} {'':>16} {'≥ 5×':>9}")
        print(f"{'  ratio to ingest without it':<34} {compaction['rate'] / compaction['ingest_rate']:>15.1f}×")
    if hub:
        print(f"query latency, hub, {args.runs} runs, minutes={hub['minutes']} (ms)")
        print(f"  {'(client-side; hub-side mean)':<32} {'p50':>6} {'p95':>8} {'max':>8} {'hub mean':>9} {'target p95':>11}   answer")
        for name, q in hub["queries"].items():
            mean = f"{q['server_mean']:.1f}" if q.get("server_mean") is not None else "-"
            print(f"  {name:<32} {q['p50']:>6.1f} {q['p95']:>8.1f} {q['max']:>8.1f} {mean:>9} {'≤ ' + format(TARGET_P95_MS[name], '.0f'):>11}"
                  f"   {q['shape']}, {q['bytes'] / 1000:,.0f} kB")
    print(line)


def dataset_parser(description: str) -> argparse.ArgumentParser:
    """The options of the dataset, the edges posting it, the query runs and the hub binary, shared
    with run_pg_bench.py (checked by `dataset_args`)."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--substations", type=int, default=20)
    ap.add_argument("--feeders", type=int, default=4, help="feeders per substation")
    ap.add_argument("--hours", type=int, default=6, help="span of the dataset, ending now (168 for the 7-day variant)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--edges", type=int, default=4, help="concurrent edges; edge k owns substations k, k+E, …")
    ap.add_argument("--batch", type=int, default=2000, help="readings per batch (rounded down to whole seconds)")
    ap.add_argument("--runs", type=int, default=30, help="runs of each query (after two warm-up runs)")
    ap.add_argument("--hub", help="hop-hub binary to use (default: swift build -c release --product hop-hub)")
    return ap


def dataset_args(ap: argparse.ArgumentParser) -> argparse.Namespace:
    """Parsed options, sizes checked; no more edges than substations."""
    args = ap.parse_args()
    if min(args.substations, args.feeders, args.hours, args.edges, args.batch, args.runs) < 1:
        ap.error("sizes must be ≥ 1")
    args.edges = min(args.edges, args.substations)
    return args


def main():
    ap = dataset_parser(__doc__.split("\n\n")[0])
    ap.add_argument("--skip-hub", action="store_true")
    ap.add_argument("--skip-vm", action="store_true")
    ap.add_argument("--no-scores", dest="scores", action="store_false",
                    help="do not seed one anomaly score per substation per minute before the hub starts")
    ap.add_argument("--edge-fields", action="store_true",
                    help="readings also carry device_id, site_name, latitude, longitude, as hop-edge sends them "
                         "when the config has them (hub only: VictoriaMetrics gets the same four quantities)")
    ap.add_argument("--hub-env", action="append", default=[], metavar="HOP_HUB_…=VALUE",
                    help="extra hub setting (docs/hub-configuration.md), e.g. HOP_HUB_STORAGE_HEAD_S=86400; repeatable")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (data dirs, logs, batch files)")
    ap.add_argument("--compaction-rate", action="store_true",
                    help="also measure compaction alone: ingest with compaction held off, restart, time the head "
                         "emptying (needs --hours ≤ 24: the held-off head keeps at most a day)")
    args = dataset_args(ap)

    wall = time.monotonic()
    work = pathlib.Path(tempfile.mkdtemp(prefix="hop-storage-bench-"))
    procs = Processes()

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        seconds = args.hours * 3600
        end_ms = int(time.time()) * 1000
        start_ms = end_ms - seconds * 1000
        readings = seconds * args.substations * args.feeders
        span = (time.strftime("%Y-%m-%d %H:%M", time.gmtime(start_ms / 1000)) + " … "
                + time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(end_ms / 1000)))
        print(f"work dir {work}", flush=True)
        print(f"generating {readings:,} readings ({span}) for {args.edges} edges ...", flush=True)
        started = time.monotonic()
        plain = {k: getattr(args, k) for k in ("substations", "feeders", "seed", "batch")}
        jobs = [(e, args.edges, plain, start_ms, seconds, work, args.edge_fields) for e in range(args.edges)]
        with multiprocessing.Pool(min(args.edges, os.cpu_count() or 1), initializer=signal.signal,
                                  initargs=(signal.SIGTERM, signal.SIG_DFL)) as pool:
            made = pool.map(generate_edge, jobs)
        gen = {"seconds": time.monotonic() - started, "batches": sum(m[1] for m in made),
               "hub_bytes": sum(m[3] for m in made), "vm_bytes": sum(m[4] for m in made)}
        if sum(m[2] for m in made) != readings:
            raise BenchError(f"generated {sum(m[2] for m in made)} readings, expected {readings}")
        print(f"  generated in {gen['seconds']:.0f} s", flush=True)
        hub = vm = None
        if not args.skip_hub:
            hub = run_hub(args, procs, work, [work / f"edge{e}.hub" for e in range(args.edges)], readings,
                          start_ms, end_ms)
        compaction = None
        if args.compaction_rate and not args.skip_hub:
            compaction = run_compaction_rate(args, procs, work, [work / f"edge{e}.hub" for e in range(args.edges)], readings)
        if not args.skip_vm:
            vm = run_vm(args, procs, work, [work / f"edge{e}.vm" for e in range(args.edges)], readings,
                        start_ms, end_ms)
        report(args, readings, span, gen, hub, vm, time.monotonic() - wall, compaction)
    except BenchError as e:
        print(f"error: {e}", file=sys.stderr)
        args.keep = True
        sys.exit(1)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    finally:
        procs.stop_all()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")


if __name__ == "__main__":
    main()
