"""The hub on PostgreSQL (`store: postgres`): replicas starting together migrate once, answer, stop
cleanly, and never show the password; bad settings name their key."""
import os
import subprocess
import threading

import pytest
import requests

from conftest import BIN, Hub

PASSWORD = "never-shown-3f9c1a"


@pytest.fixture
def cluster(postgres_cluster):
    return postgres_cluster


def postgres_hub(tmp_path, name: str, url: str) -> Hub:
    # Trust authentication ignores the password: it is set to prove it never reaches the log.
    return Hub(tmp_path / name, postgres_url=url, HOP_HUB_POSTGRES_POOL_SIZE="4", HOP_HUB_POSTGRES_PASSWORD=PASSWORD)


def test_two_replicas_starting_together_migrate_once_answer_and_stop_cleanly(tmp_path, cluster):
    url = cluster.fresh_database()
    hubs = [postgres_hub(tmp_path, f"replica-{i}", url) for i in range(2)]
    errors = []

    def start(h):
        try:
            h.start()
        except BaseException as e:  # noqa: BLE001 (reported below)
            errors.append(e)

    threads = [threading.Thread(target=start, args=(h,)) for h in hubs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert not errors, errors
        applied = cluster.sql(url, "SELECT name || ':' || count(*) FROM hop_migrations GROUP BY name ORDER BY name")
        # Every migration applied once, though both hubs ran the migrator at the same moment.
        assert applied.splitlines() == [f"{name}:1" for name in sorted([
            "telemetry-v1", "scores-v1", "audit-v1", "accounts-v1", "keys-v1", "alerting-v1", "alarms-v1",
            "live-streams-v1", "alert-pending-v1", "score-peaks-v2", "score-peaks-hour-v1", "telemetry-head-v1"])]
        for h in hubs:
            health = requests.get(h.url + "/api/health", timeout=5).json()
            assert health["database"] == "ok"
    finally:
        codes = [h.stop() for h in hubs]
    assert codes == [0, 0]
    for h in hubs:
        log = h.log.read_text()
        assert "store=postgres" in log and "database closed" in log
        assert PASSWORD not in log


@pytest.mark.parametrize("settings, origin, key, problem", [
    ({"HOP_HUB_POSTGRES_URL": f"postgres://hop:{PASSWORD}@127.0.0.1/hop"}, "environment HOP_HUB_POSTGRES_URL", "postgres.url",
     "must not hold a password"),
    ({}, "environment HOP_HUB_STORE", "postgres.url", "is required with store: postgres"),
    ({"HOP_HUB_POSTGRES_URL": "postgres://hop@127.0.0.1/hop", "HOP_HUB_POSTGRES_TLS": "verify"}, "environment HOP_HUB_POSTGRES_TLS",
     "postgres.tls", "'verify' is not one of disable, prefer, require"),
])
def test_bad_postgres_settings_name_origin_key_and_problem(tmp_path, settings, origin, key, problem):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOP_HUB_")}
    env.update({"HOP_HUB_STORE": "postgres", "HOP_HUB_POSTGRES_PASSWORD": PASSWORD, **settings})
    out = subprocess.run([str(BIN / "hop-hub"), "serve", "--data-dir", str(tmp_path / "d"), "--listen", "127.0.0.1:1"],
                         capture_output=True, text=True, env=env, timeout=30)
    assert out.returncode != 0
    assert f"configuration error: {origin}: {key}: {problem}" in out.stderr, out.stderr
    assert PASSWORD not in out.stderr + out.stdout
