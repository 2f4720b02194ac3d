"""Shared end-to-end fixtures: real hop-hub processes on loopback with real SQLite data directories."""
import os
import pathlib
import signal
import subprocess

import pytest
import requests

from waiting import free_port, start_process, stop_process, wait_until  # noqa: F401 (re-exported to test modules)

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(os.environ.get("HOP_BIN_DIR", ROOT / ".build" / "debug"))


class Hub:
    """A hop-hub process over one data directory; restartable, killable. `settings` are HOP_HUB_*
    environment variables for this hub's processes (serve and CLI), e.g. HOP_HUB_ACCOUNTS_BCRYPT_COST="4"."""

    def __init__(self, data_dir: pathlib.Path, port: int | None = None, **settings: str):
        self.data_dir = data_dir
        self.port = port or free_port()
        self.proc = None
        self.log = data_dir.parent / f"hub-{self.port}.log"
        self.env = {**os.environ, **settings}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *args: str, stdin: str | None = None) -> str:
        out = subprocess.run([str(BIN / "hop-hub"), *args, "--data-dir", str(self.data_dir)], input=stdin,
                             check=True, capture_output=True, text=True, env=self.env)
        return out.stdout

    def create_key(self, name: str, substations: str | None = None, scope: str = "ingest,read") -> str:
        where = ["--substations", substations] if substations else ["--all-substations"]
        return self.cli("keys", "create", "--name", name, *where, "--scope", scope).strip().splitlines()[-1]

    def start(self):
        self.log_file = open(self.log, "ab")
        self.proc = start_process(
            [str(BIN / "hop-hub"), "serve", "--data-dir", str(self.data_dir), "--listen", f"127.0.0.1:{self.port}"],
            lambda: requests.get(self.url + "/api/health", timeout=1).ok, f"hub on {self.url} (log {self.log})",
            self.log_file, cwd=ROOT, env=self.env)  # cwd: portal.directory defaults to ./portal
        return self

    def stop(self, sig=signal.SIGTERM, timeout=20):
        """Stops the hub with `sig` and returns its exit code (see waiting.stop_process)."""
        proc, self.proc = self.proc, None
        return stop_process(proc, sig, timeout)

    def kill9(self):
        return self.stop(signal.SIGKILL)


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
    for log in sorted(pathlib.Path(tmp).glob("**/*.log"))[:8]:
        data = log.read_bytes()
        report.sections.append((f"log {log.relative_to(tmp)} (last {min(len(data), LOG_TAIL_BYTES)} bytes)",
                                data[-LOG_TAIL_BYTES:].decode(errors="replace")))
