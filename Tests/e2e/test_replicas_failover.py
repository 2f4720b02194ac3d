"""Several hub replicas on one PostgreSQL database, and database failover (docs/hub-storage.md,
"Several replicas and failover"; hub-deploy/README.md, section 13).

Runs now, with the PostgreSQL telemetry store alone:
- a stopped database makes every API request a JSON 503 with Retry-After (never a 500) and
  /api/health report the store down; the hub reconnects by itself when the database is back;
- with `postgres.url` naming a primary and its standby, stopping the primary and promoting the
  standby brings the hub back on the promoted server by itself (time measured and printed);
- requests in flight during that failover do not keep the hub from stopping on SIGTERM.

Needs the whole PostgreSQL store (API keys, accounts, alerts; skipped until `hop-hub keys` works on
PostgreSQL): two replicas behind nginx, three edges uploading at 1 Hz through nginx, one replica
killed with SIGKILL and restarted, the primary stopped and the standby promoted; then every
reading polled is stored exactly once and in order, no alert mail went out twice, the edges saw no
5xx other than 503, and a stream on one replica saw readings ingested through the other.

Real processes on loopback only: PostgreSQL 15 (pg_support), hop-hub, nginx, hop-edge, pymodbus, aiosmtpd.
"""
import json
import os
import signal
import threading
import time

import pytest
import requests

import pg_support
from replica_support import NGINX, PgHub, ReplicaProxy, http_statuses, keys_supported, postgres_url, wait_healthy
from waiting import wait_until

pytestmark = [
    pytest.mark.skipif(not pg_support.available(), reason="PostgreSQL 15 is not installed (scripts/setup)"),
]

API_PATHS = [("GET", "/api/query/edges"), ("GET", "/api/query/telemetry/latest"), ("POST", "/api/ingest/batch"),
             ("GET", "/api/stream"), ("GET", "/api/session")]


@pytest.fixture
def primary(tmp_path):
    server = pg_support.PgServer(tmp_path, "db1").init().start()
    server.psql("CREATE DATABASE hop")
    yield server
    server.stop(signal.SIGQUIT)


@pytest.fixture
def standby(tmp_path, primary):
    server = pg_support.PgServer(tmp_path, "db2").standby_of(primary).start()
    wait_until(lambda: server.psql("SELECT count(*) FROM pg_database WHERE datname = 'hop'", "postgres") == "1",
               what="the standby to replay the primary")
    yield server
    server.stop(signal.SIGQUIT)


def expect_503(hub_url: str, method: str, path: str):
    r = requests.request(method, hub_url + path, headers={"X-API-Key": "hop_x_notarealkeybutaskstheStore0000"},
                         data=b'{"edge_id":"e","seq":1}' if method == "POST" else None, timeout=15)
    assert r.status_code == 503, f"{method} {path}: {r.status_code} {r.text}"
    assert int(r.headers["Retry-After"]) >= 1
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json()["error"]["code"] == "unavailable", r.text


def test_a_stopped_database_is_a_503_everywhere_and_the_hub_reconnects_by_itself(tmp_path, primary):
    hub = PgHub(tmp_path, "a", postgres_url(primary)).start()
    try:
        assert hub.health().json()["database"] == "ok"
        primary.stop()  # fast shutdown: connections are closed by the server
        down = wait_until(lambda: (r := hub.health()).status_code == 503 and r.json(), timeout=15,
                          what="health to report the store down")
        assert down["status"] == "degraded" and down["database"] == "unavailable"
        for method, path in API_PATHS:
            expect_503(hub.url, method, path)
        assert hub.proc.poll() is None, "the hub must keep running without its database"
        primary.start()
        started = time.monotonic()
        wait_healthy(hub, timeout=20, what="the hub to reconnect")
        print(f"\nreconnected {time.monotonic() - started:.2f} s after the database was back")
        assert "request failed" not in hub.log_text(), "an outage must not produce 500s"
    finally:
        hub.stop()


def test_the_hub_follows_the_promoted_standby_by_itself(tmp_path, primary, standby):
    hub = PgHub(tmp_path, "a", postgres_url(primary, standby)).start()
    try:
        assert hub.health().ok
        assert primary.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'hop-hub'", "hop") != "0"
        primary.stop()
        wait_until(lambda: hub.health().status_code == 503, timeout=15, what="health to report the store down")
        # The standby alone does not take writes: the hub must not use it before its promotion.
        time_unpromoted = time.monotonic()
        wait_until(lambda: time.monotonic() - time_unpromoted > 3 and hub.health().status_code == 503, timeout=10,
                   what="3 s without a primary")
        for method, path in API_PATHS[:3]:
            expect_503(hub.url, method, path)
        standby.promote()
        promoted = time.monotonic()
        wait_healthy(hub, timeout=20, what="the hub on the promoted standby")
        print(f"\nserving again {time.monotonic() - promoted:.2f} s after pg_ctl promote returned")
        assert standby.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'hop-hub'", "hop") != "0"
        assert "PostgreSQL primary found" in hub.log_text()
        assert "request failed" not in hub.log_text()
    finally:
        hub.stop()


def test_a_hub_stops_at_once_after_a_failover_under_load(tmp_path, primary, standby):
    """Requests in flight while the primary stops must not hold the hub's shutdown: a statement the
    pool writes to a connection the server just closed is never answered by postgres-nio, so every
    read ends when its connection closes. Twelve clients read through API keys (a key lookup and
    a read per request) while the primary stops and the standby is promoted; then SIGTERM."""
    hub = PgHub(tmp_path, "a", postgres_url(primary, standby)).start()
    key = hub.create_key("reader", scope="read")
    done = threading.Event()

    def read():
        with requests.Session() as session:
            while not done.is_set():
                try:
                    session.get(hub.url + "/api/query/edges", headers={"X-API-Key": key}, timeout=3)
                except requests.RequestException:
                    pass

    readers = [threading.Thread(target=read, daemon=True) for _ in range(12)]
    try:
        for reader in readers:
            reader.start()
        time.sleep(1)
        primary.stop()
        standby.promote()
        wait_healthy(hub, timeout=30, what="the hub on the promoted standby")
        time.sleep(1)
        started = time.monotonic()
        assert hub.stop(timeout=15) == 0
        print(f"\nstopped {time.monotonic() - started:.2f} s after SIGTERM")
    finally:
        done.set()
        for reader in readers:
            reader.join(5)
        if hub.proc:
            hub.stop(signal.SIGKILL)


def test_nginx_over_two_replicas_hides_a_killed_replica(tmp_path, primary):
    """The shipped upstream block: with one replica killed, requests through nginx still succeed
    (refused connections go to the other replica) and come back to it once it is restarted."""
    if not os.path.exists(NGINX):
        pytest.skip("nginx is not installed")
    url = postgres_url(primary)
    a, b = PgHub(tmp_path, "a", url).start(), PgHub(tmp_path, "b", url).start()
    proxy = ReplicaProxy(tmp_path, [a.port, b.port])
    try:
        assert all(requests.get(proxy.url + "/api/health", timeout=10).status_code == 200 for _ in range(10))
        a.kill9()
        statuses = [requests.get(proxy.url + "/api/health", timeout=10).status_code for _ in range(20)]
        assert statuses == [200] * 20, statuses
        assert f"127.0.0.1:{b.port}" in proxy.upstreams()[-1]
        a.start()

        # nginx tries a failed server again after fail_timeout (5 s); then A answers again.
        def a_answers():
            assert requests.get(proxy.url + "/api/health", timeout=10).status_code == 200
            return proxy.upstreams()[-1] == f"127.0.0.1:{a.port}"
        wait_until(a_answers, timeout=30, interval=0.2, what="nginx to send requests to the restarted replica")
    finally:
        proxy.stop()
        for hub in (a, b):
            if hub.proc:
                hub.stop()


# ------------------------------------------------------------------------------------------------
# The whole story: needs the complete PostgreSQL store.

class StreamWatcher:
    """Reads one replica's /api/stream in a thread and records when each reading arrived."""

    def __init__(self, url: str, key: str):
        self.arrivals = []  # (monotonic time, reading)
        self.response = requests.get(url + "/api/stream", headers={"X-API-Key": key, "Accept": "text/event-stream"},
                                     stream=True, timeout=(5, 60))
        assert self.response.status_code == 200, self.response.text
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        event = None
        try:
            for line in self.response.iter_lines(decode_unicode=True):
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event == "reading":
                    self.arrivals.append((time.monotonic(), json.loads(line[6:])))
        except (requests.RequestException, AttributeError):
            pass  # closed by close(): urllib3 drops its socket under the reading thread (AttributeError)

    def close(self):
        self.response.close()


def test_two_replicas_behind_nginx_survive_a_killed_replica_and_a_database_failover(tmp_path, primary, standby):
    import edge_support
    from alert_support import SMTPServer

    if not os.path.exists(NGINX):
        pytest.skip("nginx is not installed")
    url = postgres_url(primary, standby)
    smtp = SMTPServer().start()
    settings = {"HOP_HUB_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}", "HOP_HUB_SMTP_FROM": "hop@example.com",
                "HOP_HUB_ALERTS_RECIPIENTS": "ops@example.com", "HOP_HUB_STORAGE_HEAD_S": "86400",
                "HOP_HUB_SMTP_RETRY_INITIAL_S": "1", "HOP_HUB_SMTP_RETRY_MAX_S": "1"}
    a = PgHub(tmp_path, "a", url, **settings)
    b = PgHub(tmp_path, "b", url, **settings)
    rtus, edges, proxy, watcher = [], [], None, None
    try:
        a.start()
        if not keys_supported(a):
            pytest.skip("API keys are not on PostgreSQL in this build yet (the accounts/keys store); "
                        "the rest of this test needs them")
        b.start()
        proxy = ReplicaProxy(tmp_path, [a.port, b.port])
        reader = a.run_cli("keys", "create", "--name", "reader", "--all-substations", "--scope", "read").stdout.strip().splitlines()[-1]
        for n in (1, 2, 3):
            sub = f"SUB00{n}"
            key = a.run_cli("keys", "create", "--name", f"edge-{n}", "--substations", sub, "--scope", "ingest")
            assert key.returncode == 0, key.stderr
            base = tmp_path / f"edge-{n}"
            base.mkdir()
            rtu = edge_support.ModbusServer(base, holding=edge_support.sim_registers(), coils=[True] * 8, counter_address=2).start()
            rtus.append(rtu)
            config = edge_support.write_config(base, hub_url=proxy.url, key=key.stdout.strip().splitlines()[-1],
                                               modbus_port=rtu.port, poll="1s", name=f"edge-{n}", substation=sub)
            edges.append(edge_support.Edge(config).start())
        devices = [f"SUB00{n}-FDR001" for n in (1, 2, 3)]

        def stored(device):
            return [float(v) for v in
                    (standby if not standby.in_recovery() else primary).psql(
                        # every stored copy of a reading, from the head's rows (the view `telemetry` shows one per key)
                        "SELECT r.current_a FROM telemetry_head h, unnest(h.ts, h.device_id, h.current_a) AS r(ts, device_id, current_a) "
                        f"WHERE r.device_id = '{device}' ORDER BY r.ts", "hop").split()]

        def all_grow(by):
            before = {d: len(stored(d)) for d in devices}
            wait_until(lambda: all(len(stored(d)) >= before[d] + by for d in devices), timeout=by * 4 + 20,
                       what=f"{by} more readings from every edge")

        watcher = StreamWatcher(b.url, reader)
        all_grow(5)
        # Live updates cross replicas: whichever replica nginx gave the edges, B's stream sees them.
        assert {r["substation_id"] for _, r in watcher.arrivals} == {"SUB001", "SUB002", "SUB003"}

        rtus[0].write_coil(0, False)  # a trip → one alert mail
        wait_until(lambda: len(smtp.messages) >= 1, what="the first alert mail")

        a.kill9()
        all_grow(5)
        a.start()
        rtus[1].write_coil(0, False)
        wait_until(lambda: len(smtp.messages) >= 2, what="the second alert mail")

        primary.stop()
        standby.promote()
        promoted = time.monotonic()
        counts = {d: len(stored(d)) for d in devices}
        wait_until(lambda: any(len(stored(d)) > counts[d] for d in devices), timeout=60, what="a write on the promoted standby")
        print(f"\nfirst reading stored {time.monotonic() - promoted:.2f} s after promotion")
        all_grow(5)
        rtus[2].write_coil(0, False)
        wait_until(lambda: len(smtp.messages) >= 3, what="the third alert mail")

        for rtu in rtus:
            rtu.stop()  # nothing more to poll; the journals drain
        wait_until(lambda: all((s := e.status())["depth"] == 0 and not s.get("in_flight") for e in edges), timeout=60,
                   what="the edges' journals to drain")
        for device in devices:
            values = stored(device)
            assert len(values) == len(set(values)), f"{device}: {len(values) - len(set(values))} readings stored twice"
            assert values == sorted(values), f"{device}: readings out of order"
            gaps = [(x, y) for x, y in zip(values, values[1:]) if y != x + 1]
            assert not gaps, f"{device}: readings missing between {gaps[:5]}"
        # A mail sent twice has the same text (its substation, feeder and time); the three trips differ.
        texts = [m.get_body(preferencelist=("plain",)).get_content() for _, m in smtp.messages]
        assert len(texts) == len(set(texts)) == 3, [m["Subject"] for _, m in smtp.messages]
        for edge in edges:
            fives = [s for s in http_statuses(edge.log_text()) if s >= 500]
            assert set(fives) <= {503}, f"{edge.config}: {fives}"
    finally:
        if watcher:
            watcher.close()
        for edge in edges:
            edge.stop()
        for rtu in rtus:
            rtu.stop()
        if proxy:
            proxy.stop()
        stuck = []
        for hub in (a, b):
            if hub.proc:
                try:
                    hub.stop()
                except AssertionError as exc:  # stop the other replica all the same
                    stuck.append(exc)
        smtp.stop()
        if stuck:
            raise stuck[0]

