"""A real SMTP server (aiosmtpd) capturing mail, and a hop-hub process configured for alerting."""
import email
import email.policy
import os
import pathlib
import subprocess
import threading

import requests
from aiosmtpd.controller import Controller

from waiting import free_port, start_process, stop_process

REPO = pathlib.Path(__file__).resolve().parents[2]


def hub_binary() -> pathlib.Path:
    """$HOP_HUB, else the newest hop-hub among .build/debug and .build-alerts/debug."""
    if os.environ.get("HOP_HUB"):
        return pathlib.Path(os.environ["HOP_HUB"])
    found = [p for p in (REPO / ".build" / "debug" / "hop-hub", REPO / ".build-alerts" / "debug" / "hop-hub") if p.exists()]
    if not found:
        raise RuntimeError("no hop-hub binary: run `swift build --scratch-path .build-alerts` first")
    return max(found, key=lambda p: p.stat().st_mtime)


class _Capture:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 OK"


class SMTPServer:
    """aiosmtpd on a fixed loopback port; stop() then start() again simulates a relay outage."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.capture = _Capture()
        self.controller = None

    @property
    def messages(self):
        with self.capture.lock:
            return list(self.capture.messages)

    def start(self):
        self.controller = Controller(self.capture, hostname="127.0.0.1", port=self.port, ready_timeout=30)
        self.controller.start()
        return self

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


class AlertHub:
    """hop-hub serve with alerting settings passed as HOP_HUB_* environment variables."""

    def __init__(self, data_dir: pathlib.Path, smtp_port: int, **env: str):
        self.data_dir = data_dir
        self.port = free_port()
        self.env = {
            **os.environ,
            "HOP_HUB_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
            "HOP_HUB_SMTP_FROM": "hop@example.com",
            "HOP_HUB_ALERTS_RECIPIENTS": "ops@example.com",
            "HOP_HUB_PORTAL_URL": "https://portal.example.com",
            "HOP_HUB_SMTP_RETRY_INITIAL_S": "1",
            "HOP_HUB_SMTP_RETRY_MAX_S": "1",
            **env,
        }
        self.proc = None
        self.log = data_dir.parent / f"alert-hub-{self.port}.log"

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *args: str) -> str:
        out = subprocess.run([str(hub_binary()), *args, "--data-dir", str(self.data_dir)],
                             check=True, capture_output=True, text=True, env=self.env)
        return out.stdout

    def create_key(self, name="ops") -> str:
        return self.cli("keys", "create", "--name", name, "--all-substations", "--scope", "ingest,read").strip().splitlines()[-1]

    def start(self):
        log = open(self.log, "ab")
        self.proc = start_process(
            [str(hub_binary()), "serve", "--data-dir", str(self.data_dir), "--listen", f"127.0.0.1:{self.port}"],
            lambda: requests.get(self.url + "/api/health", timeout=1).ok, f"hub on {self.url} (log {self.log})",
            log, env=self.env)
        return self

    def stop(self):
        proc, self.proc = self.proc, None
        stop_process(proc)

    def event(self, key: str, event_type: str, feeder: str, substation="SUB001", severity="ALARM"):
        body = {"substation_id": substation, "feeder_id": feeder, "device_id": f"{substation}-{feeder}",
                "severity": severity, "event_type": event_type, "old_state": "CLOSED", "new_state": "OPEN"}
        r = requests.post(self.url + "/api/ingest/event", json=body, headers={"X-API-Key": key}, timeout=5)
        r.raise_for_status()

    def alerts(self, key: str):
        r = requests.get(self.url + "/api/query/alerts", headers={"X-API-Key": key}, timeout=5)
        r.raise_for_status()
        return r.json()
