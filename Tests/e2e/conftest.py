"""Shared end-to-end fixtures: real hop-hub processes on loopback, each on a store of its own (a SQLite
data directory, or a fresh database of the session's throwaway PostgreSQL cluster).

Backends: a test module (or test) marked `pytest.mark.both_backends` runs every test twice, with the
ids `[sqlite]` and `[postgres]`; every `Hub` the test (or a module fixture) makes without naming a
store then stores on that backend. `--backends sqlite` (or `postgres`) runs one backend only; see
docs/testing.md."""
import json
import os
import pathlib
import signal
import sqlite3
import subprocess

import pytest
import requests

from postgres_support import PSQL, Cluster
from waiting import free_port, start_process, stop_process, wait_until  # noqa: F401 (re-exported to test modules)

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(os.environ.get("HOP_BIN_DIR", ROOT / ".build" / "debug"))
BACKENDS = ("sqlite", "postgres")


# Lines of a hub's log quoted when it does not stop in time.
STOP_LOG_TAIL_LINES = 60


class StoreError(Exception):
    """A statement `Hub.sql` ran was refused by the database (sqlite3's or PostgreSQL's error text)."""


class _Backend:
    """The store that hubs made without an explicit one use: SQLite, or PostgreSQL with one fresh
    database per data directory (a hub restarted on its data directory finds its database again)."""

    def __init__(self):
        self.name = "sqlite"
        self.cluster = None
        self.databases: dict[pathlib.Path, str] = {}

    def postgres_url(self, data_dir: pathlib.Path) -> str | None:
        if self.name != "postgres":
            return None
        key = pathlib.Path(data_dir).resolve()
        if key not in self.databases:
            self.databases[key] = self.cluster.fresh_database()
        return self.databases[key]

    def drop_databases(self):
        """Drops the databases of the hubs made so far (their tests are over): a whole run would
        otherwise leave a hundred databases on the cluster's disk."""
        for url in self.databases.values():
            self.cluster.drop_database(url)
        self.databases.clear()


_BACKEND = _Backend()


class Hub:
    """A hop-hub process over one data directory; restartable, killable. `settings` are HOP_HUB_*
    environment variables for this hub's processes (serve and CLI), e.g. HOP_HUB_ACCOUNTS_BCRYPT_COST="4".

    The store: PostgreSQL at `postgres_url` when given, else the test's backend (SQLite in the data
    directory, or a fresh PostgreSQL database for this data directory)."""

    def __init__(self, data_dir: pathlib.Path, port: int | None = None, *, postgres_url: str | None = None,
                 **settings: str):
        self.data_dir = data_dir
        self.port = port or free_port()
        self.proc = None
        self.log = data_dir.parent / f"hub-{self.port}.log"
        self.postgres_url = postgres_url or _BACKEND.postgres_url(data_dir)
        store = {}
        if self.postgres_url:
            store = {"HOP_HUB_STORE": "postgres", "HOP_HUB_POSTGRES_URL": self.postgres_url,
                     "HOP_HUB_POSTGRES_TLS": "disable"}
        self.env = {**os.environ, **store, **settings}

    @property
    def store(self) -> str:
        return "postgres" if self.postgres_url else "sqlite"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def run_cli(self, *args: str, stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
        """`hop-hub ARGS --data-dir DATA_DIR` on this hub's store; the exit code is the caller's to check."""
        return subprocess.run([str(BIN / "hop-hub"), *args, "--data-dir", str(self.data_dir)], input=stdin,
                              capture_output=True, text=True, env=self.env, timeout=timeout)

    def cli(self, *args: str, stdin: str | None = None) -> str:
        out = self.run_cli(*args, stdin=stdin)
        if out.returncode != 0:
            raise subprocess.CalledProcessError(out.returncode, out.args, out.stdout, out.stderr)
        return out.stdout

    def create_key(self, name: str, substations: str | None = None, scope: str = "ingest,read") -> str:
        where = ["--substations", substations] if substations else ["--all-substations"]
        return self.cli("keys", "create", "--name", name, *where, "--scope", scope).strip().splitlines()[-1]

    def health(self) -> requests.Response:
        return requests.get(self.url + "/api/health", timeout=5)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def start(self):
        self.log_file = open(self.log, "ab")
        self.proc = start_process(
            [str(BIN / "hop-hub"), "serve", "--data-dir", str(self.data_dir), "--listen", f"127.0.0.1:{self.port}"],
            lambda: requests.get(self.url + "/api/health", timeout=1).ok, f"hub on {self.url} (log {self.log})",
            self.log_file, cwd=ROOT, env=self.env)  # cwd: portal.directory defaults to ./portal
        return self

    def stop(self, sig=signal.SIGTERM, timeout=20):
        """Stops the hub with `sig` and returns its exit code (see waiting.stop_process). A hub still
        running after `timeout` seconds is killed, and the failure quotes the end of its log (what it
        was doing when it did not stop)."""
        proc, self.proc = self.proc, None
        try:
            return stop_process(proc, sig, timeout)
        except subprocess.TimeoutExpired:
            tail = "\n".join(self.log_text().splitlines()[-STOP_LOG_TAIL_LINES:])
            raise AssertionError(f"hub on {self.url} still ran {timeout} s after {signal.Signals(sig).name} and was killed; "
                                 f"the last {STOP_LOG_TAIL_LINES} lines of {self.log}:\n{tail}") from None

    def kill9(self):
        return self.stop(signal.SIGKILL)

    def sql(self, statement: str, *params) -> list[tuple]:
        """Runs one statement directly on the hub's database (the way an operator with a database
        client would) and returns its rows as tuples. Parameters are `?` placeholders; write SQL both
        databases accept (e.g. TRUE for a boolean). Refusals raise StoreError."""
        return self.sql_many(statement, [params])

    def sql_many(self, statement: str, rows: list[tuple]) -> list[tuple]:
        """`statement` once per parameter tuple of `rows`, in one transaction; the rows of the last."""
        if self.postgres_url is None:
            db = sqlite3.connect(self.data_dir / "hop.sqlite", timeout=30)
            try:
                with db:
                    result = []
                    for params in rows:
                        result = db.execute(statement, params).fetchall()
                    return result
            except sqlite3.DatabaseError as exc:
                raise StoreError(str(exc)) from exc
            finally:
                db.close()
        return _psql(self.postgres_url, statement, rows)


def _literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _bind(statement: str, params: tuple) -> str:
    parts = statement.split("?")
    assert len(parts) == len(params) + 1, f"{len(params)} parameters for {statement!r}"
    return parts[0] + "".join(_literal(p) + rest for p, rest in zip(params, parts[1:]))


def _psql(url: str, statement: str, rows: list[tuple]) -> list[tuple]:
    """Runs `statement` for each parameter tuple with psql in one transaction; a SELECT's rows come
    back as JSON (numbers stay numbers, NULL is None) and are returned as tuples."""
    head, values, tail = statement.rpartition("VALUES")
    if values and statement.lstrip().upper().startswith("INSERT") and len(rows) > 1:
        # One multi-row INSERT per thousand rows: a bulk seed takes seconds, not minutes, through psql.
        bound = [head + "VALUES " + ", ".join(_bind(tail, params) for params in rows[i:i + 1000])
                 for i in range(0, len(rows), 1000)]
    else:
        bound = [_bind(statement, params) for params in rows]
    selects = statement.lstrip().upper().startswith(("SELECT", "WITH"))
    if selects:
        bound[-1] = f"SELECT coalesce(json_agg(row_to_json(r)), '[]') FROM ({bound[-1]}) r"
    script = "BEGIN;\n" + ";\n".join(bound) + ";\nCOMMIT;\n"
    out = subprocess.run([PSQL, url, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"], input=script,
                         capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        raise StoreError(out.stderr.strip())
    if not selects:
        return []
    return [tuple(row.values()) for row in json.loads(out.stdout.strip().splitlines()[-1])]


# --- backends -----------------------------------------------------------------------------------

def pytest_addoption(parser):
    parser.addoption("--backends", default=",".join(BACKENDS),
                     help="stores to run the both_backends tests on, comma-separated (default: sqlite,postgres)")


def pytest_configure(config):
    config.addinivalue_line("markers", "both_backends: run each test on SQLite and on PostgreSQL (ids [sqlite], [postgres])")
    config.addinivalue_line("markers", "sqlite_only(reason): a test of a both_backends module that runs on SQLite only")
    chosen = [b.strip() for b in config.getoption("--backends").split(",") if b.strip()]
    unknown = set(chosen) - set(BACKENDS)
    if unknown or not chosen:
        raise pytest.UsageError(f"--backends: {sorted(unknown) or 'none given'}; choose from {', '.join(BACKENDS)}")
    config.hop_backends = chosen


def _has_both_backends(module) -> bool:
    marks = list(getattr(module, "pytestmark", []) if isinstance(getattr(module, "pytestmark", []), list)
                 else [module.pytestmark])
    for obj in vars(module).values():
        marks += getattr(obj, "pytestmark", []) if callable(obj) else []
    return any(m.name == "both_backends" for m in marks)


def pytest_generate_tests(metafunc):
    """Tests marked both_backends get one variant per chosen backend; the other tests of their module
    run on SQLite under the id [sqlite] too, so the module's SQLite fixtures are made once for all."""
    if not _has_both_backends(metafunc.module):
        return
    marked = metafunc.definition.get_closest_marker("both_backends")
    only_sqlite = metafunc.definition.get_closest_marker("sqlite_only")
    backends = metafunc.config.hop_backends if marked and not only_sqlite else ["sqlite"]
    # Module scope: a module fixture that takes `backend` (a seeded hub its tests share) is made once per backend.
    metafunc.parametrize("backend", backends, indirect=True, scope="module")


@pytest.fixture(scope="session")
def postgres_cluster():
    """The session's throwaway PostgreSQL cluster (postgres_support.Cluster), started on first use."""
    cluster = Cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module", autouse=True)
def backend(request):
    """The store of the hubs this test makes: the test's [sqlite]/[postgres] parameter, SQLite for
    tests not marked both_backends. Autouse at module scope, so it is in force before any module
    fixture starts a hub."""
    name = getattr(request, "param", "sqlite")
    if name == "postgres":
        _BACKEND.cluster = request.getfixturevalue("postgres_cluster")
    _BACKEND.name = name
    yield name
    _BACKEND.name = "sqlite"
    if name == "postgres":
        _BACKEND.drop_databases()


@pytest.fixture
def hub(tmp_path):
    h = Hub(tmp_path / "hub-data").start()
    yield h
    h.stop()


@pytest.fixture
def hub_factory(tmp_path):
    hubs = []

    def make(name="hub-data"):
        h = Hub(tmp_path / name)
        hubs.append(h)
        return h

    yield make
    for h in hubs:
        if h.proc:
            h.stop(signal.SIGKILL)


LOG_TAIL_BYTES = 6000


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test's report ends with the tail of every hub/edge/sim log in its tmp_path, so a
    failure seen only in CI carries the processes' side of the story."""
    outcome = yield
    report = outcome.get_result()
    tmp = item.funcargs.get("tmp_path") if hasattr(item, "funcargs") else None
    if not report.failed or tmp is None:
        return
    # Hub and simulator logs first: a demo's eight edge logs alone used to fill the report.
    logs = sorted(pathlib.Path(tmp).glob("**/*.log"), key=lambda p: ("edge" in p.name, str(p)))
    for log in logs[:16]:
        data = log.read_bytes()
        report.sections.append((f"log {log.relative_to(tmp)} (last {min(len(data), LOG_TAIL_BYTES)} bytes)",
                                data[-LOG_TAIL_BYTES:].decode(errors="replace")))
