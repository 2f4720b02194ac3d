"""PostgreSQL benchmark: the hub's PostgreSQL store (`store: postgres`) fed the storage bench's dataset.

Generates the dataset of run_bench.py (same generator, same seed: --substations × --feeders × --hours
at 1 Hz ending now), starts a throwaway PostgreSQL 15 cluster with durable commits
(`scripts/pg-throwaway start --durable`: fsync, synchronous_commit, full_page_writes on) and prints,
side by side in one run:

* raw COPY: the same rows `\\copy`d by psql into `bench_copy`, a table of one row per reading with the
  columns and primary key `(substation_id, ts, feeder_id)` of SQLite's head, in the hub's database,
  one psql per edge in parallel, one COPY (one durable commit) each;
* HTTP with one replica: `hop-hub serve` on that database, the batches posted as --edges edges
  (gzip, POST /api/ingest/batch), then compaction awaited, the dashboard queries measured twice
  (right after compaction, and again once autovacuum has finished with the bulk load), and
  bytes/reading after VACUUM (the hub's tables incl. indexes and TOAST, and pg_database_size);
* HTTP with two replicas: two `hop-hub serve` processes on a second database, edge k posting to
  replica k mod 2.

    .venv/bin/python bench/storage/run_pg_bench.py [--hours 6] [--hub PATH] [--replicas 1,2] [--skip-copy] [--keep]

Exits non-zero only on errors (a refused batch, a missing reading, a process that would not start).
See bench/storage/README.md.
"""
import multiprocessing
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import requests

from run_bench import (BATCH_HEADERS, ROOT, BenchError, Processes, check_batch, choose_hub, create_key, dataset_args,
                       dataset_parser, generate_edge, hub_env, mb, measure_queries, post_all, score_rows, TARGET_P95_MS,
                       free_port, wait_compaction, wait_http)

TARGET_BYTES_PER_READING = 8.0
TARGET_HTTP_OF_COPY = 0.5


def load() -> str:
    return open("/proc/loadavg").read().split()[0]


# ---------------------------------------------------------------------------------------------
# PostgreSQL


class Cluster:
    """A throwaway cluster with durable commits (scripts/pg-throwaway start --durable), stopped at the end."""

    def __init__(self):
        out = subprocess.run([str(ROOT / "scripts" / "pg-throwaway"), "start", "--durable", "--owner", str(os.getpid())],
                             capture_output=True, text=True)
        if out.returncode != 0:
            raise BenchError(f"scripts/pg-throwaway start --durable failed: {out.stderr.strip()}")
        printed = dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)
        self.dir, self.port = printed["HOP_PG_DIR"], int(printed["HOP_PG_PORT"])
        self.pid = int(printed["HOP_PG_PID"])

    def url(self, db: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def sql(self, sql: str, db: str = "postgres") -> str:
        out = subprocess.run(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", "-d", self.url(db), "-c", sql],
                             capture_output=True, text=True)
        if out.returncode != 0:
            raise BenchError(f"psql {db}: {sql[:200]!r}: {out.stderr.strip()}")
        return out.stdout

    def settings(self) -> dict:
        names = ("server_version", "fsync", "synchronous_commit", "full_page_writes", "wal_level", "shared_buffers",
                 "wal_buffers", "max_wal_size", "checkpoint_timeout", "work_mem", "maintenance_work_mem",
                 "effective_cache_size", "autovacuum")
        return {n: self.sql(f"SHOW {n}").strip() for n in names}

    def cpu_seconds(self) -> float:
        """CPU time of the postmaster and its processes alive now (backends, WAL writer, checkpointer, …)."""
        return cpu_seconds([self.pid] + children(self.pid))

    def stop(self):
        subprocess.run([str(ROOT / "scripts" / "pg-throwaway"), "stop", self.dir], check=False)


def children(pid: int) -> list[int]:
    found = []
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


class ActivitySampler:
    """Samples pg_stat_activity of one database every 0.2 s from one psql (`\\watch`) while running:
    what the client backends are doing (wait event, or CPU when none; statement) — where the
    database's side of ingest spends its time."""

    def __init__(self, cluster: Cluster, db: str, path: pathlib.Path):
        script = ("SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') || '|' || "
                  "regexp_replace(left(query, 60), '\\s+', ' ', 'g') FROM pg_stat_activity "
                  f"WHERE datname = '{db}' AND state = 'active' AND pid <> pg_backend_pid() "
                  "AND backend_type = 'client backend' \\watch 0.2\n")
        self.out = open(path, "w")
        self.path = path
        self.proc = subprocess.Popen(["psql", "-XAtq", "-d", cluster.url(db)], stdin=subprocess.PIPE,
                                     stdout=self.out, stderr=subprocess.DEVNULL, text=True, start_new_session=True)
        self.proc.stdin.write(script)
        self.proc.stdin.flush()
        self.started = time.monotonic()

    def stop(self) -> dict:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.out.close()
        samples = int((time.monotonic() - self.started) / 0.2)
        counts: dict[str, int] = {}
        for line in self.path.read_text().splitlines():
            if "|" in line:
                counts[line] = counts.get(line, 0) + 1
        return {"samples": samples, "counts": sorted(counts.items(), key=lambda kv: -kv[1])[:8]}


def stored(cluster: Cluster, db: str) -> tuple[int, int]:
    head, chunked = cluster.sql("SELECT (SELECT count(*) FROM telemetry), (SELECT coalesce(sum(points), 0) "
                                "FROM telemetry_chunks)", db).strip().split("|")
    return int(head), int(chunked)


def table_sizes(cluster: Cluster, db: str) -> list[tuple]:
    """(table, total incl. indexes and TOAST, heap (+FSM/VM), indexes, TOAST, rows) of every table in public."""
    rows = cluster.sql(
        "SELECT c.relname, pg_total_relation_size(c.oid), pg_relation_size(c.oid, 'main') + "
        "pg_relation_size(c.oid, 'fsm') + pg_relation_size(c.oid, 'vm'), pg_indexes_size(c.oid), "
        "coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0), c.reltuples::bigint "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 2 DESC", db)
    return [(name, int(t), int(h), int(i), int(x), int(r)) for name, t, h, i, x, r in
            (line.split("|") for line in rows.splitlines() if line)]


def seed_scores_pg(cluster: Cluster, db: str, args, start_ms: int, end_ms: int, work: pathlib.Path) -> int:
    """run_bench's score rows, COPYd into `scores` (its trigger keeps score_peaks as the hub's writes do)."""
    rows = score_rows(args.substations, start_ms, end_ms, args.seed)
    path = work / "scores.csv"
    with open(path, "w") as f:
        for ts, sub, score, anomaly, z, mean, std, latest, model in rows:
            f.write(f"{ts},{sub},{score!r},{'t' if anomaly else 'f'},{z!r},{mean!r},{std!r},{latest!r},{model}\n")
    cluster.sql(f"\\copy scores (ts, substation_id, anomaly_score, is_anomaly, z_score, baseline_mean, baseline_std, "
                f"latest_value, model_version) FROM '{path}' WITH (FORMAT csv)", db)
    return len(rows)


# ---------------------------------------------------------------------------------------------
# Phases


# One row per reading with the key of SQLite's head (and of PostgreSQL's until its head kept a row
# per write): the columns of the CSV rows, in their order.
COPY_TABLE = """CREATE TABLE bench_copy (
  substation_id text NOT NULL, ts bigint NOT NULL, feeder_id text NOT NULL,
  device_id text, site_name text, latitude double precision, longitude double precision,
  voltage_kv double precision, current_a double precision, power_mw double precision, frequency_hz double precision,
  received_at bigint NOT NULL,
  PRIMARY KEY (substation_id, ts, feeder_id))"""


def run_copy(cluster: Cluster, db: str, csv_files: list[pathlib.Path], readings: int, work: pathlib.Path) -> dict:
    """The same rows COPYd into a table of readings keyed like SQLite's head, one psql per edge in
    parallel, each one COPY and one durable commit; wall time from the first psql start to the last exit."""
    cluster.sql(f"DROP TABLE IF EXISTS bench_copy; {COPY_TABLE}", db)
    cluster.sql("CHECKPOINT", db)
    print(f"raw COPY: {readings:,} rows into bench_copy (a row per reading, primary key (substation_id, ts, feeder_id)) as {len(csv_files)} "
          f"parallel psql \\copy (load average {load()}) ...", flush=True)
    load_before = load()
    sampler = ActivitySampler(cluster, db, work / "activity-copy.txt")
    started = time.monotonic()
    procs = [subprocess.Popen(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", "-d", cluster.url(db), "-c",
                               f"\\copy bench_copy FROM '{path}' WITH (FORMAT csv)"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for path in csv_files]
    errors = []
    for proc in procs:
        out, err = proc.communicate()
        if proc.returncode != 0:
            errors.append(err.strip())
    elapsed = time.monotonic() - started
    activity = sampler.stop()
    if errors:
        raise BenchError("COPY failed: " + "; ".join(errors[:3]))
    count = int(cluster.sql("SELECT count(*) FROM bench_copy", db).strip())
    if count != readings:
        raise BenchError(f"bench_copy holds {count:,} rows, copied {readings:,}")
    size = int(cluster.sql("SELECT pg_total_relation_size('bench_copy')", db).strip())
    result = {"seconds": elapsed, "rate": readings / elapsed, "load": (load_before, load()), "size": size,
              "activity": activity}
    print(f"  copied in {elapsed:.1f} s: {readings / elapsed:,.0f} rows/s (load average {load_before} → {load()}); "
          f"bench_copy {mb(size)} ({size / readings:.1f} B/row with its primary key)", flush=True)
    cluster.sql("DROP TABLE bench_copy", db)
    cluster.sql("CHECKPOINT", db)
    return result


def run_replicas(args, procs: Processes, cluster: Cluster, hub_bin: pathlib.Path, work: pathlib.Path, db: str,
                 replicas: int, files: list[pathlib.Path], readings: int, start_ms: int, end_ms: int,
                 sizes: bool, queries: bool, copy_csv: list[pathlib.Path] | None) -> dict:
    result: dict = {"replicas": replicas, "db": db}
    cluster.sql(f"CREATE DATABASE {db}")
    env = hub_env(args)
    env.update(HOP_HUB_STORE="postgres", HOP_HUB_POSTGRES_URL=cluster.url(db), HOP_HUB_POSTGRES_TLS="disable")
    for setting in args.hub_env:
        name, _, value = setting.partition("=")
        env[name] = value
    data = [work / f"{db}-hub{r + 1}" for r in range(replicas)]
    for d in data:
        d.mkdir()
    # keys create opens the store: the migrations run here, before any hub serves.
    ingest_key = create_key(hub_bin, data[0], "bench-ingest", "ingest,read", env)
    read_key = create_key(hub_bin, data[0], "bench-read", "read", env)
    if copy_csv:
        result["copy"] = run_copy(cluster, db, copy_csv, readings, work)
    if queries and args.scores:
        n = seed_scores_pg(cluster, db, args, start_ms, end_ms, work)
        print(f"  seeded {n:,} anomaly scores (1/substation/minute) for ml/trend", flush=True)
    hubs, urls = [], []
    for r in range(replicas):
        port = free_port()
        log = work / f"{db}-hub{r + 1}.log"
        hubs.append(procs.start([str(hub_bin), "serve", "--data-dir", str(data[r]), "--listen", f"127.0.0.1:{port}"],
                                log, env))
        urls.append(f"http://127.0.0.1:{port}")
        wait_http(urls[-1] + "/api/health", hubs[-1], log, f"hop-hub replica {r + 1}")
    print(f"HTTP, {replicas} replica{'s' if replicas > 1 else ''} on database {db}: ingesting {readings:,} readings "
          f"as {len(files)} edges (edge k → replica k mod {replicas}; load average {load()}) ...", flush=True)
    # post_all posts every file to one URL: one post_all per replica, started together.
    groups = [[f for k, f in enumerate(files) if k % replicas == r] for r in range(replicas)]
    load_before = load()
    cpu_before = (cpu_seconds([h.pid for h in hubs]), cluster.cpu_seconds())
    sampler = ActivitySampler(cluster, db, work / f"activity-{db}.txt")
    elapsed: list[float] = [0.0] * replicas
    errors: list[str] = []

    def replica(r: int):
        try:
            elapsed[r] = post_all(urls[r] + "/api/ingest/batch", groups[r], {"X-API-Key": ingest_key, **BATCH_HEADERS},
                                  check_batch)
        except BenchError as e:
            errors.append(f"replica {r + 1}: {e}")

    started = time.monotonic()
    threads = [threading.Thread(target=replica, args=(r,)) for r in range(replicas)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    activity = sampler.stop()
    cpu_after = (cpu_seconds([h.pid for h in hubs]), cluster.cpu_seconds())
    if errors:
        raise BenchError("; ".join(errors))
    # wall includes the threads' start (each post_all waits at its own barrier): below 0.1 s.
    result.update(seconds=wall, rate=readings / wall, load=(load_before, load()), activity=activity,
                  hub_cpu=cpu_after[0] - cpu_before[0], pg_cpu=cpu_after[1] - cpu_before[1])
    print(f"  ingested in {wall:.1f} s: {readings / wall:,.0f} readings/s (load average {load_before} → {load()}); "
          f"CPU during ingest: hub {result['hub_cpu']:.0f} s, PostgreSQL {result['pg_cpu']:.0f} s", flush=True)
    head, chunked = stored(cluster, db)
    print(f"  after ingest: {head:,} readings in the head, {chunked:,} in chunks; waiting for compaction ...",
          flush=True)
    result["compaction"] = c = wait_compaction(lambda: stored(cluster, db))
    print(f"  compaction settled {c['seconds']:.1f} s after ingest: {c['head']:,} in the head, {c['chunked']:,} in "
          f"chunks (load average {load()})", flush=True)
    if queries:
        print(f"  queries, {args.runs} runs each (load average {load()}) ...", flush=True)
        measure_queries(urls[0], read_key, args, result)
        result["query_load"] = load()
        # Again once autovacuum has finished with the bulk load (a transient a live hub, ingesting
        # at its sites' rate, does not have): both tables are printed.
        waited = wait_autovacuum(cluster, db)
        print(f"  autovacuum done {waited:.0f} s later; queries again (load average {load()}) ...", flush=True)
        settled: dict = {}
        measure_queries(urls[0], read_key, args, settled)
        result["queries_settled"], result["settled_load"], result["autovacuum_wait"] = settled["queries"], load(), waited
        if args.hold > 0:
            print(f"  holding {args.hold:.0f} s: hub {urls[0]} (pid {hubs[0].pid}), read key {read_key}, "
                  f"database {cluster.url(db)}", flush=True)
            time.sleep(args.hold)
    for r, hub in enumerate(hubs):
        rc = Processes.stop(hub, timeout=120)
        if rc != 0:
            raise BenchError(f"hop-hub replica {r + 1} exited with {rc} after SIGTERM; see {work / f'{db}-hub{r + 1}.log'}")
    head, chunked = stored(cluster, db)
    if head + chunked != readings:
        raise BenchError(f"database {db} stores {head + chunked:,} readings ({head:,} in the head, {chunked:,} in "
                         f"chunks), sent {readings:,}")
    result["head"], result["chunked"] = head, chunked
    if sizes:
        # Sizes of the settled store: VACUUM (ANALYZE) after the hub stopped, then VACUUM FULL for the
        # size without the head's emptied index pages (plain VACUUM recycles them but keeps them).
        # Autovacuum is let finish first, so that no vacuum of its is half done when sizes are read.
        # INDEX_CLEANUP ON: by default VACUUM skips index cleanup when under 2 % of a table's pages
        # hold dead line pointers, and those pointers then keep the emptied head's pages from being
        # truncated (6 h: 35 MB of empty heap, 21 B/reading, left in place).
        wait_autovacuum(cluster, db)
        cluster.sql("VACUUM (ANALYZE, INDEX_CLEANUP ON)", db)
        result["tables"] = table_sizes(cluster, db)
        result["db_size"] = int(cluster.sql(f"SELECT pg_database_size('{db}')").strip())
        cluster.sql("VACUUM FULL", db)
        result["tables_full"] = table_sizes(cluster, db)
        result["db_size_full"] = int(cluster.sql(f"SELECT pg_database_size('{db}')").strip())
    return result


def wait_autovacuum(cluster: Cluster, db: str, limit: float = 1200) -> float:
    """Seconds until no autovacuum worker runs on `db` (polled every 2 s; at most `limit`)."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        workers = cluster.sql(f"SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' "
                              f"AND datname = '{db}'").strip()
        if workers == "0":
            break
        time.sleep(2)
    return time.monotonic() - started


# ---------------------------------------------------------------------------------------------
# Report


def report(args, readings: int, span: str, gen: dict, settings: dict, runs: list[dict], empty_db: int, wall: float):
    line = "-" * 96
    print()
    print(line)
    print(f"dataset: {args.substations} substations × {args.feeders} feeders × {args.hours} h at 1 Hz = {readings:,} "
          f"readings ({span}), seed {args.seed}; {args.edges} edges, {gen['batches']:,} batches of ≤ {args.batch} "
          f"readings, gzip {gen['hub_bytes'] / readings:.1f} B/reading; generated in {gen['seconds']:.0f} s"
          + (f"; hub settings {' '.join(args.hub_env)}" if args.hub_env else ""))
    print(f"machine: {os.cpu_count()} cores (shared: numbers are noisy), load average now {load()}; run took "
          f"{wall:.0f} s")
    print("PostgreSQL: " + ", ".join(f"{k} {v}" for k, v in settings.items()))
    first = next((r for r in runs if "tables" in r), None)
    if first:
        print(line)
        print(f"sizes, database {first['db']} ({first['replicas']} replica), after the hubs stopped: "
              f"{first['chunked']:,} readings in chunks, {first['head']:,} in the head")
        print(f"  {'table (after VACUUM)':<28} {'total':>13} {'B/reading':>10} {'heap':>13} {'indexes':>13} "
              f"{'TOAST':>11} {'rows':>10} {'after VACUUM FULL':>18}")
        full = {t[0]: t for t in first["tables_full"]}

        def small(t) -> bool:
            return t[1] <= 262144 and full.get(t[0], (0, 0))[1] <= 262144

        for name, total, heap, index, toast, rows in first["tables"]:
            if not small((name, total)):
                print(f"  {name:<28} {total:>13,} {total / readings:>10.2f} {heap:>13,} {index:>13,} {toast:>11,} "
                      f"{rows:>10,} {full.get(name, (0, 0))[1]:>18,}")
        rest = [t for t in first["tables"] if small(t)]
        print(f"  {f'{len(rest)} tables of ≤ 256 kB':<28} {sum(t[1] for t in rest):>13,} "
              f"{sum(t[1] for t in rest) / readings:>10.2f} {'':>13} {'':>13} {'':>11} {'':>10} "
              f"{sum(full.get(t[0], (0, 0))[1] for t in rest):>18,}")
    print(line)
    names = [f"{r['replicas']} replica{'s' if r['replicas'] > 1 else ''}" for r in runs]
    copy = next((r["copy"] for r in runs if "copy" in r), None)
    print(f"{'':<44} " + " ".join(f"{n:>14}" for n in names) + f" {'raw COPY':>14} {'target':>9}")
    print(f"{'ingest, readings/s':<44} " + " ".join(f"{r['rate']:>14,.0f}" for r in runs)
          + f" {copy['rate'] if copy else 0:>14,.0f}")
    if copy:
        print(f"{'  HTTP / COPY':<44} " + " ".join(f"{r['rate'] / copy['rate']:>14.0%}" for r in runs)
              + f" {'':>14} {'≥ 50 %':>9}")
    one = next((r for r in runs if r["replicas"] == 1), None)
    if one:
        print(f"{'  ÷ 1 replica':<44} " + " ".join(f"{r['rate'] / one['rate']:>13.2f}×" for r in runs))
    print(f"{'  wall s':<44} " + " ".join(f"{r['seconds']:>14.1f}" for r in runs)
          + f" {copy['seconds'] if copy else 0:>14.1f}")
    print(f"{'  load average before → after':<44} " + " ".join(f"{r['load'][0] + ' → ' + r['load'][1]:>14}" for r in runs)
          + f" {(copy['load'][0] + ' → ' + copy['load'][1]) if copy else '':>14}")
    print(f"{'  CPU s during ingest: hub / PostgreSQL':<44} "
          + " ".join(f"{format(r['hub_cpu'], '.0f') + ' / ' + format(r['pg_cpu'], '.0f'):>14}" for r in runs))
    print(f"{'  compaction settled after ingest, s':<44} " + " ".join(f"{r['compaction']['seconds']:>14.1f}" for r in runs))
    if first:
        total = sum(t[1] for t in first["tables"])
        total_full = sum(t[1] for t in first["tables_full"])
        print(f"{'bytes/reading, hub tables + indexes + TOAST':<44} {total / readings:>14.2f} {'':>14} "
              f"{copy['size'] / readings if copy else 0:>14.1f} {'≤ 8':>9}")
        print(f"{'  after VACUUM FULL':<44} {total_full / readings:>14.2f}")
        print(f"{'  pg_database_size (VACUUM / VACUUM FULL)':<44} {first['db_size'] / readings:>14.2f} "
              f"{first['db_size_full'] / readings:>14.2f}")
        print(f"{'    of which an empty database':<44} {empty_db / readings:>14.2f}   ({mb(empty_db)})")
    if one and "queries" in one:
        rounds = [(f"right after compaction, load average {one['query_load']} at the end", one["queries"])]
        if "queries_settled" in one:
            rounds.append((f"after autovacuum finished ({one['autovacuum_wait']:.0f} s later), load average "
                           f"{one['settled_load']} at the end", one["queries_settled"]))
        for when, queries in rounds:
            print(f"query latency, {one['replicas']} replica, {args.runs} runs, minutes={one['minutes']} (ms; {when})")
            print(f"  {'(client-side; hub-side mean)':<32} {'p50':>6} {'p95':>8} {'max':>8} {'hub mean':>9} "
                  f"{'target p95':>11}   answer")
            for name, q in queries.items():
                mean = f"{q['server_mean']:.1f}" if q.get("server_mean") is not None else "-"
                print(f"  {name:<32} {q['p50']:>6.1f} {q['p95']:>8.1f} {q['max']:>8.1f} {mean:>9} "
                      f"{'≤ ' + format(TARGET_P95_MS[name], '.0f'):>11}   {q['shape']}, {q['bytes'] / 1000:,.0f} kB")
    print(line)
    print("where the database's client backends were, sampled every 0.2 s during ingest (wait event or CPU | statement):")
    phases = ([("raw COPY", copy["activity"])] if copy else []) + [(n, r["activity"]) for n, r in zip(names, runs)]
    for name, activity in phases:
        print(f"  {name} ({activity['samples']} samples):")
        for what, n in activity["counts"]:
            print(f"    {n:>6}  {what}")
    if one and "metrics" in one:
        print("hub /metrics (1 replica):")
        for m in one["metrics"]:
            print(f"    {m}")
    print(line)


def main():
    ap = dataset_parser(__doc__.split("\n\n")[0])
    ap.add_argument("--replicas", default="1,2",
                    help="comma-separated replica counts to run, each on a fresh database (default 1,2); the "
                         "first run with 1 replica also measures queries and sizes")
    ap.add_argument("--skip-copy", action="store_true", help="no raw COPY side")
    ap.add_argument("--no-queries", action="store_true", help="no query latency (sizes are still measured)")
    ap.add_argument("--no-scores", dest="scores", action="store_false",
                    help="do not seed one anomaly score per substation per minute")
    ap.add_argument("--hub-env", action="append", default=[], metavar="HOP_HUB_…=VALUE",
                    help="extra hub setting (docs/hub-configuration.md), e.g. HOP_HUB_POSTGRES_POOL_SIZE=20; repeatable")
    ap.add_argument("--keep", action="store_true",
                    help="keep the temp dir (hub logs, batch and CSV files, activity samples); the cluster is "
                         "stopped and removed when the run ends either way")
    ap.add_argument("--hold", type=float, default=0, metavar="SECONDS",
                    help="after the queries, keep the hub and the cluster running this long (their URLs and the "
                         "read key are printed), e.g. to profile queries by hand")
    args = dataset_args(ap)
    replica_counts = [int(n) for n in args.replicas.split(",") if n.strip()]
    if not replica_counts or min(replica_counts) < 1:
        ap.error("--replicas: counts ≥ 1")
    args.runs = max(args.runs, 1)

    wall = time.monotonic()
    work = pathlib.Path(tempfile.mkdtemp(prefix="hop-pg-bench-"))
    procs = Processes()
    cluster = None

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        hub_bin = choose_hub(args)
        version = subprocess.run([str(hub_bin), "--version"], capture_output=True, text=True).stdout.strip()
        seconds = args.hours * 3600
        end_ms = int(time.time()) * 1000
        start_ms = end_ms - seconds * 1000
        readings = seconds * args.substations * args.feeders
        span = (time.strftime("%Y-%m-%d %H:%M", time.gmtime(start_ms / 1000)) + " … "
                + time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(end_ms / 1000)))
        print(f"work dir {work}; hub {hub_bin} ({version})", flush=True)
        print(f"generating {readings:,} readings ({span}) for {args.edges} edges, as batches"
              + ("" if args.skip_copy else " and as CSV rows for COPY") + " ...", flush=True)
        started = time.monotonic()
        plain = {k: getattr(args, k) for k in ("substations", "feeders", "seed", "batch")}
        plain["vm"] = False
        if not args.skip_copy:
            plain["csv"] = end_ms  # received_at of every COPYd row
        jobs = [(e, args.edges, plain, start_ms, seconds, work, False) for e in range(args.edges)]
        with multiprocessing.Pool(min(args.edges, os.cpu_count() or 1), initializer=signal.signal,
                                  initargs=(signal.SIGTERM, signal.SIG_DFL)) as pool:
            made = pool.map(generate_edge, jobs)
        gen = {"seconds": time.monotonic() - started, "batches": sum(m[1] for m in made),
               "hub_bytes": sum(m[3] for m in made)}
        if sum(m[2] for m in made) != readings:
            raise BenchError(f"generated {sum(m[2] for m in made)} readings, expected {readings}")
        for e in range(args.edges):
            (work / f"edge{e}.vm").unlink(missing_ok=True)
        print(f"  generated in {gen['seconds']:.0f} s", flush=True)

        cluster = Cluster()
        settings = cluster.settings()
        print(f"PostgreSQL on 127.0.0.1:{cluster.port} ({cluster.dir}): "
              + ", ".join(f"{k} {v}" for k, v in settings.items()), flush=True)
        cluster.sql("CREATE DATABASE bench_empty")
        empty_db = int(cluster.sql("SELECT pg_database_size('bench_empty')").strip())
        cluster.sql("DROP DATABASE bench_empty")
        files = [work / f"edge{e}.hub" for e in range(args.edges)]
        csv_files = None if args.skip_copy else [work / f"edge{e}.csv" for e in range(args.edges)]
        runs = []
        for n in replica_counts:
            # the first run with one replica measures sizes and queries; the COPY goes into the first database
            first_single = n == 1 and not any(r["replicas"] == 1 for r in runs)
            runs.append(run_replicas(args, procs, cluster, hub_bin, work, f"hop_r{n}_{len(runs) + 1}", n, files,
                                     readings, start_ms, end_ms, first_single, first_single and not args.no_queries,
                                     csv_files if not runs else None))
        report(args, readings, span, gen, settings, runs, empty_db, time.monotonic() - wall)
    except BenchError as e:
        print(f"error: {e}", file=sys.stderr)
        args.keep = True
        sys.exit(1)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    finally:
        procs.stop_all()
        if cluster:
            cluster.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")


if __name__ == "__main__":
    main()
