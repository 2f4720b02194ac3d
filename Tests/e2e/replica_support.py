"""Hub replicas on PostgreSQL behind nginx, for the replica and failover end-to-end tests.

- `PgHub`: conftest's Hub on PostgreSQL at a given URL, named after the replica.
- `ReplicaProxy`: nginx on a loopback port over several replicas, with the shipped upstream block
  (hub-deploy/nginx-hop-replicas.upstream, ports rewritten) and the proxy rules of
  hub-deploy/nginx-hop.conf that matter here (next upstream, the batch location, the JSON 503).
  TLS is left out: test_deploy_nginx.py runs the shipped file with TLS.
- `postgres_url`: a libpq-style URL naming several servers.
"""
import os
import pathlib
import re
import shutil
import signal

import requests

from conftest import ROOT, Hub
from waiting import free_port, start_process, stop_process, wait_until
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def postgres_url(*servers, database="hop") -> str:
    return "postgres://postgres@" + ",".join(f"127.0.0.1:{s.port}" for s in servers) + f"/{database}"


class PgHub(Hub):
    """hop-hub serve on PostgreSQL at `url` (conftest's Hub: restartable, killable, `run_cli`), with its
    data directory and log named after the replica; `settings` are extra HOP_HUB_* variables."""

    def __init__(self, base: pathlib.Path, name: str, url: str, **settings: str):
        # HOP_HUB_LOG_LEVEL=debug in the test's environment shows, among others, each service stopping.
        level = os.environ.get("HOP_HUB_LOG_LEVEL", "info")
        super().__init__(base / name, postgres_url=url, **{"HOP_HUB_LOG_LEVEL": level, **settings})
        self.name = name
        self.log = base / f"hub-{name}.log"

    def stop(self, sig=signal.SIGTERM, timeout=30):
        return super().stop(sig, timeout)


def _shipped(path: str) -> str:
    return (ROOT / "hub-deploy" / path).read_text()


def _upstream(ports: list[int]) -> str:
    """The shipped upstream block with its two servers pointed at `ports`."""
    block = _shipped("nginx-hop-replicas.upstream")
    servers = re.findall(r"^    server 127\.0\.0\.1:\d+ .*;$", block, re.M)
    assert len(servers) == len(ports) == 2, f"nginx-hop-replicas.upstream should name two servers: {servers}"
    for line, port in zip(servers, ports):
        block = block.replace(line, re.sub(r"127\.0\.0\.1:\d+", f"127.0.0.1:{port}", line), 1)
    return block


class ReplicaProxy:
    """nginx on plain HTTP over the replicas, with the shipped file's proxy rules."""

    def __init__(self, base: pathlib.Path, ports: list[int]):
        self.dir = base / "nginx"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        site = _shipped("nginx-hop.conf")
        # The rules taken over as they are (each must still be in the shipped file).
        rules = []
        for rule in ("proxy_next_upstream error timeout;", "proxy_next_upstream_tries 2;", "proxy_http_version 1.1;",
                     "proxy_set_header Connection \"\";", "proxy_connect_timeout 5s;", "proxy_read_timeout 60s;",
                     "client_max_body_size 8m;"):
            assert rule in site, f"nginx-hop.conf no longer says {rule!r}: update replica_support.py"
            rules.append("    " + rule)
        batch = re.search(r"location = /api/ingest/batch \{.*?\n    \}", site, re.S)
        assert batch, "nginx-hop.conf has no `location = /api/ingest/batch` block"
        unavailable = re.search(r"location @hop_unavailable \{.*?\n    \}", site, re.S)
        user = "user root;\n" if os.geteuid() == 0 else ""
        d = self.dir
        (d / "nginx.conf").write_text(f"""{user}worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
daemon off;
events {{ worker_connections 256; }}
http {{
    log_format upstreams '$status $upstream_addr';
    access_log {d}/access.log upstreams;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
{_upstream(ports)}
    server {{
        listen 127.0.0.1:{self.port};
{chr(10).join(rules)}
        error_page 502 504 = @hop_unavailable;
    {unavailable.group(0)}
        location / {{
            proxy_pass http://hop_hub;
        }}
    {batch.group(0)}
        location /api/stream {{
            proxy_pass http://hop_hub;
            proxy_buffering off;
            proxy_read_timeout 1h;
        }}
    }}
}}
""")
        self.log = open(d / "nginx.out", "ab")
        self.proc = start_process([NGINX, "-p", f"{d}/", "-c", str(d / "nginx.conf")],
                                  lambda: requests.get(self.url + "/api/health", timeout=2).status_code in (200, 503),
                                  f"nginx on {self.port}", self.log)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def upstreams(self) -> list[str]:
        """For each request logged so far, the replica(s) nginx tried (`$upstream_addr`: a failed
        try and the next one are `A, B`)."""
        lines = (self.dir / "access.log").read_text().splitlines()
        return [line.split(" ", 1)[1] for line in lines if " " in line]

    def stop(self):
        stop_process(self.proc, signal.SIGQUIT)
        self.log.close()


def http_statuses(log_text: str) -> list[int]:
    """Every `HTTP <status>` an edge logged for an answer it did not accept."""
    return [int(s) for s in re.findall(r"\bHTTP (\d{3})\b", log_text)]


def keys_supported(hub: PgHub) -> bool:
    """Whether API keys work on PostgreSQL in this build (the accounts/keys store is a separate
    piece of work; until it is merged, `keys create` fails)."""
    out = hub.run_cli("keys", "list")
    return out.returncode == 0


def wait_healthy(hub: PgHub, timeout: float, what: str):
    return wait_until(lambda: hub.health().status_code == 200, timeout=timeout, what=what)
