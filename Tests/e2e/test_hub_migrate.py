"""`hop-hub migrate` with the real binaries: an SQLite hub ingests and stops, its data directory is
copied into a fresh PostgreSQL database, and a hub on PostgreSQL serves the same readings with the
same key and answers `duplicate` for a batch the SQLite hub had stored."""
import json
import os
import subprocess

import pytest
import requests

from conftest import BIN, Hub
from test_hub_durability import batch, post_batch

PASSWORD = "never-shown-5d1e7b"


@pytest.fixture(scope="module")
def cluster(postgres_cluster):
    return postgres_cluster


def readings(hub, key):
    r = requests.get(f"{hub.url}/api/query/telemetry/timeseries", params={"substation_id": "SUB001", "minutes": 180},
                     headers={"X-API-Key": key}, timeout=10)
    r.raise_for_status()
    latest = requests.get(f"{hub.url}/api/query/telemetry/latest", headers={"X-API-Key": key}, timeout=10)
    latest.raise_for_status()
    return r.json(), latest.json()


def migrate(data_dir, url, *extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOP_HUB_")}
    env.update({"HOP_HUB_POSTGRES_TLS": "disable", "HOP_HUB_POSTGRES_PASSWORD": PASSWORD})
    return subprocess.run([str(BIN / "hop-hub"), "migrate", "--data-dir", str(data_dir), "--postgres-url", url, *extra],
                          capture_output=True, text=True, env=env, timeout=300)


def test_a_pilot_moves_to_postgres_with_its_readings_key_and_sequence_numbers(tmp_path, cluster):
    sqlite_hub = Hub(tmp_path / "pilot")
    key = sqlite_hub.create_key("edge-1", "SUB001")
    sqlite_hub.start()
    for seq in (1, 2, 3):
        assert post_batch(sqlite_hub, key, batch("edge-1", seq, 40)).json()["duplicate"] is False
    before = readings(sqlite_hub, key)
    assert len(before[0]["points"]) == 120
    running = migrate(sqlite_hub.data_dir, cluster.fresh_database())
    assert running.returncode != 0 and "(a hub running on this data directory?)" in running.stderr, running.stderr
    assert sqlite_hub.stop() == 0

    url = cluster.fresh_database()
    out = migrate(sqlite_hub.data_dir, url, "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["verified"] is True and report["mismatches"] == []
    checks = {c["table"]: c for c in report["checks"]}
    assert checks["api_keys"]["targetRows"] == 1 and checks["edges"]["targetRows"] == 1
    assert all(c["sourceChecksum"] == c["targetChecksum"] for c in report["checks"])
    assert "telemetry: 120 rows copied" in out.stderr, out.stderr
    assert PASSWORD not in out.stdout + out.stderr and key not in out.stdout + out.stderr

    again = migrate(sqlite_hub.data_dir, url)
    assert again.returncode == 0, again.stderr
    assert "verified: every table has the same rows on both sides" in again.stdout

    pg_hub = Hub(tmp_path / "cluster", HOP_HUB_STORE="postgres", HOP_HUB_POSTGRES_URL=url, HOP_HUB_POSTGRES_TLS="disable",
                 HOP_HUB_POSTGRES_PASSWORD=PASSWORD).start()
    try:
        assert readings(pg_hub, key) == before
        assert post_batch(pg_hub, key, batch("edge-1", 3, 40)).json()["duplicate"] is True
        assert post_batch(pg_hub, key, batch("edge-1", 4, 40)).json()["duplicate"] is False
    finally:
        assert pg_hub.stop() == 0


def test_a_target_holding_rows_is_refused_with_the_table_named(tmp_path, cluster):
    sqlite_hub = Hub(tmp_path / "pilot")
    sqlite_hub.create_key("edge-1", "SUB001")
    url = cluster.fresh_database()
    assert migrate(sqlite_hub.data_dir, url).returncode == 0
    cluster.sql(url, "DROP TABLE hop_migration_progress")
    out = migrate(sqlite_hub.data_dir, url)
    assert out.returncode != 0
    assert "the target database is not empty: audit_log (1 row), api_keys (1 row)" in out.stderr, out.stderr
    assert migrate(sqlite_hub.data_dir, url, "--into-non-empty").returncode == 0
