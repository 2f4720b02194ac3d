"""hub-deploy/nginx-hop.conf is a working TLS front for the hub.

The shipped file is rendered for the test with plain string replacements (host name, certificate
paths, ports, log paths; every replacement must match, so the test fails loudly if the file drifts),
wrapped in a minimal nginx main configuration in a temporary directory, and:

- checked with `nginx -t`;
- run with a certificate from a CA the test generates (openssl): HTTPS verifies against that CA,
  a host name the certificate does not name is refused, a different CA is refused, port 80
  redirects to HTTPS, an unreachable hub is a JSON 503 with Retry-After;
- when `.build/debug/hop-hub` exists, run in front of a real hub: /api/health and an ingest through
  TLS, /metrics allowed from the allow-list and denied otherwise, an oversized body refused by nginx
  with the hub's JSON error shape.

Loopback only. Never builds the hub.
"""
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import time

import pytest

import waiting

requests = pytest.importorskip("requests")

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "hub-deploy"
HUB_BIN = ROOT / ".build" / "debug" / "hop-hub"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
OPENSSL = shutil.which("openssl")
SHIPPED_HOST = "hop.example-utility.net"
TEST_HOST = "hop.test"

pytestmark = [
    pytest.mark.skipif(not os.path.exists(NGINX), reason="nginx is not installed (apt-get install nginx-light)"),
    pytest.mark.skipif(OPENSSL is None, reason="openssl is not installed"),
]


def free_port() -> int:
    return waiting.free_port()


def run(*args, cwd=None):
    return subprocess.run(list(args), check=True, capture_output=True, text=True, cwd=cwd, timeout=60)


# ---------------------------------------------------------------- certificates

def make_ca(d: pathlib.Path, name: str):
    key, pem = d / f"{name}.key", d / f"{name}.pem"
    run(OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", str(key), "-out", str(pem), "-days", "2", "-subj", f"/CN=Hop test {name}",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    return key, pem


def make_server_cert(d: pathlib.Path, ca_key, ca_pem, san: str):
    key, csr, crt = d / "server.key", d / "server.csr", d / "server.crt"
    run(OPENSSL, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", str(key), "-out", str(csr), "-subj", f"/CN={TEST_HOST}")
    ext = d / "server.ext"
    ext.write_text(f"subjectAltName={san}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n")
    run(OPENSSL, "x509", "-req", "-in", str(csr), "-CA", str(ca_pem), "-CAkey", str(ca_key), "-CAcreateserial",
        "-out", str(crt), "-days", "2", "-extfile", str(ext))
    return key, crt


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    d = tmp_path_factory.mktemp("pki")
    ca_key, ca_pem = make_ca(d, "ca")
    _, other_ca = make_ca(d, "other-ca")
    key, crt = make_server_cert(d, ca_key, ca_pem, f"DNS:{TEST_HOST},IP:127.0.0.1")
    return {"ca": ca_pem, "other_ca": other_ca, "key": key, "crt": crt}


# ---------------------------------------------------------------- rendering

def replace_exactly(text: str, old: str, new: str, count: int) -> str:
    found = text.count(old)
    assert found == count, f"nginx-hop.conf: expected {count}× {old!r}, found {found}: update the test's template substitutions"
    return text.replace(old, new)


def render_site(d: pathlib.Path, pki, *, hub_port: int, https_port: int, http_port: int,
                metrics_from_loopback: bool = True) -> str:
    text = (DEPLOY / "nginx-hop.conf").read_text()
    text = replace_exactly(text, "server 127.0.0.1:8080;", f"server 127.0.0.1:{hub_port};", 1)
    text = replace_exactly(text, "listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;", 1)
    text = replace_exactly(text, "    listen [::]:443 ssl http2;\n", "", 1)
    text = replace_exactly(text, "listen 80;", f"listen 127.0.0.1:{http_port};", 1)
    text = replace_exactly(text, "    listen [::]:80;\n", "", 1)
    text = replace_exactly(text, f"/etc/letsencrypt/live/{SHIPPED_HOST}/fullchain.pem", str(pki["crt"]), 1)
    text = replace_exactly(text, f"/etc/letsencrypt/live/{SHIPPED_HOST}/privkey.pem", str(pki["key"]), 1)
    text = replace_exactly(text, f"server_name {SHIPPED_HOST};", f"server_name {TEST_HOST};", 2)
    text = replace_exactly(text, "/var/log/nginx/", f"{d}/", 2)
    text = replace_exactly(text, "/var/www/letsencrypt", f"{d}/acme", 1)
    if not metrics_from_loopback:
        text = replace_exactly(text, "        allow 127.0.0.1;\n        allow ::1;\n", "", 1)
    return text


def write_main_conf(d: pathlib.Path, site: str) -> pathlib.Path:
    (d / "site.conf").write_text(site)
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must reach the private temp dir
    main = d / "nginx.conf"
    main.write_text(f"""{user}worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
daemon off;
events {{ worker_connections 128; }}
http {{
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    include {d}/site.conf;
}}
""")
    return main


def nginx_test(d: pathlib.Path, main: pathlib.Path):
    return subprocess.run([NGINX, "-t", "-p", f"{d}/", "-c", str(main)], capture_output=True, text=True, timeout=30)


class Nginx:
    def __init__(self, d: pathlib.Path, main: pathlib.Path, https_port: int, http_port: int):
        self.https = f"https://127.0.0.1:{https_port}"
        self.http = f"http://127.0.0.1:{http_port}"
        self.https_port = https_port
        self.log = open(d / "nginx.out", "wb")
        self.proc = subprocess.Popen([NGINX, "-p", f"{d}/", "-c", str(main)], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while True:
            assert self.proc.poll() is None, f"nginx exited: {(d / 'nginx.out').read_text()} {(d / 'error.log').read_text()}"
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=0.5).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "nginx did not listen within 15 s"
                time.sleep(0.05)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def start_nginx(d: pathlib.Path, pki, hub_port: int, **kw) -> Nginx:
    https_port, http_port = free_port(), free_port()
    main = write_main_conf(d, render_site(d, pki, hub_port=hub_port, https_port=https_port, http_port=http_port, **kw))
    return Nginx(d, main, https_port, http_port)


# ---------------------------------------------------------------- tests: the file itself

def test_shipped_config_passes_nginx_t(tmp_path, pki):
    main = write_main_conf(tmp_path, render_site(tmp_path, pki, hub_port=8080, https_port=free_port(), http_port=free_port()))
    result = nginx_test(tmp_path, main)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr


def test_nginx_t_catches_a_broken_config(tmp_path, pki):
    """Guards the check above: the same harness fails on a real mistake."""
    site = render_site(tmp_path, pki, hub_port=8080, https_port=free_port(), http_port=free_port())
    main = write_main_conf(tmp_path, site.replace("proxy_read_timeout 60s;", "proxy_read_timeout 60s", 1))
    assert nginx_test(tmp_path, main).returncode != 0


def test_body_limit_matches_the_hub_batch_limit():
    conf = (DEPLOY / "nginx-hop.conf").read_text()
    m = re.search(r"client_max_body_size (\d+)m;", conf)
    assert m, "client_max_body_size must be given in MiB (e.g. 8m)"
    proxy_bytes = int(m.group(1)) * 1024 * 1024
    hub_yaml = (DEPLOY / "hub.yaml").read_text()
    yaml_bytes = int(re.search(r"^\s*max_batch_bytes:\s*([\d_]+)", hub_yaml, re.M).group(1).replace("_", ""))
    swift = (ROOT / "Sources/HopHubCore/Configuration/HubConfiguration.swift").read_text()
    default = re.search(r"maxBatchBytes = ([\d\s*_]+)\n", swift).group(1)
    default_bytes = eval(default.replace("_", ""))  # noqa: S307 - a product of integer literals from our source
    assert proxy_bytes == yaml_bytes == default_bytes


# ---------------------------------------------------------------- tests: TLS without a hub

@pytest.fixture
def nginx_without_hub(tmp_path, pki):
    proxy = start_nginx(tmp_path, pki, hub_port=free_port())  # nothing listens there
    yield proxy
    proxy.stop()


def test_tls_verifies_against_the_generated_ca(nginx_without_hub, pki):
    r = requests.get(nginx_without_hub.https + "/api/health", verify=str(pki["ca"]), timeout=10)
    # No hub behind it: nginx answers in the hub's error shape, as a temporary failure.
    assert r.status_code == 503
    assert r.headers["Retry-After"] == "5"
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json()["error"]["code"] == "unavailable"


def test_certificate_for_another_host_name_is_refused(nginx_without_hub, pki):
    # The certificate names hop.test and 127.0.0.1, not localhost: verification must fail.
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(f"https://localhost:{nginx_without_hub.https_port}/api/health", verify=str(pki["ca"]), timeout=10)


def test_certificate_from_another_ca_is_refused(nginx_without_hub, pki):
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(nginx_without_hub.https + "/api/health", verify=str(pki["other_ca"]), timeout=10)


def test_only_tls_1_2_and_1_3_are_offered(nginx_without_hub, pki):
    def handshake(version):
        # SECLEVEL=0 so that it is the server, not this client, that refuses old versions.
        return subprocess.run(
            [OPENSSL, "s_client", "-connect", f"127.0.0.1:{nginx_without_hub.https_port}", version,
             "-cipher", "DEFAULT@SECLEVEL=0", "-CAfile", str(pki["ca"]), "-verify_return_error"],
            input="", capture_output=True, text=True, timeout=30)
    for version in ("-tls1", "-tls1_1"):
        result = handshake(version)
        assert result.returncode != 0 and "Cipher is (NONE)" in result.stdout, (version, result.stdout[-500:])
    for version, name in (("-tls1_2", "TLSv1.2"), ("-tls1_3", "TLSv1.3")):
        result = handshake(version)
        assert result.returncode == 0 and f"New, {name}, Cipher is" in result.stdout, (version, result.stderr[-500:])


def test_http_redirects_to_https(nginx_without_hub):
    r = requests.get(nginx_without_hub.http + "/api/health?x=1", headers={"Host": TEST_HOST}, allow_redirects=False, timeout=10)
    assert r.status_code == 301
    assert r.headers["Location"] == f"https://{TEST_HOST}/api/health?x=1"


# ---------------------------------------------------------------- tests: in front of a real hub

@pytest.fixture(scope="module")
def hub_behind_nginx(tmp_path_factory):
    if not HUB_BIN.exists():
        pytest.skip(f"{HUB_BIN} is missing: build it first with `swift build` (this test never builds)")
    d = tmp_path_factory.mktemp("hub-behind-nginx")
    data = d / "data"
    key = run(str(HUB_BIN), "keys", "create", "--data-dir", str(data), "--name", "t", "--all-substations",
              "--scope", "ingest,read").stdout.strip().splitlines()[-1]
    port = free_port()
    log = open(d / "hub.log", "wb")
    proc = subprocess.Popen([str(HUB_BIN), "serve", "--data-dir", str(data), "--listen", f"127.0.0.1:{port}"],
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, (d / "hub.log").read_text()
            try:
                if requests.get(f"http://127.0.0.1:{port}/api/health", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, "hub did not start"
            time.sleep(0.1)
        yield {"port": port, "key": key}
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()


def test_health_and_ingest_through_tls(tmp_path, pki, hub_behind_nginx):
    proxy = start_nginx(tmp_path, pki, hub_port=hub_behind_nginx["port"])
    try:
        ca = str(pki["ca"])
        r = requests.get(proxy.https + "/api/health", verify=ca, timeout=10)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "ok"
        assert r.headers["Strict-Transport-Security"].startswith("max-age=")
        headers = {"X-API-Key": hub_behind_nginx["key"]}
        seed = {"substation_id": "SUB001", "feeder_id": "FDR002", "device_id": "SUB001-FDR002",
                "site_name": "Portland North", "latitude": 45.5231, "longitude": -122.6765, "voltage_kv": 229.8,
                "current_a": 1187.4, "power_mw": 274.2, "frequency_hz": 60.002}
        r = requests.post(proxy.https + "/api/ingest/telemetry", json=seed, headers=headers, verify=ca, timeout=10)
        assert r.status_code == 200 and r.json() == {"status": "ok", "stored": 1}, r.text
        r = requests.get(proxy.https + "/api/query/telemetry/latest", headers=headers, verify=ca, timeout=10)
        assert r.status_code == 200 and r.json()[0]["substation_id"] == "SUB001"
        # Hub errors pass through untouched (JSON from the hub, not an nginx page).
        r = requests.get(proxy.https + "/api/query/events", verify=ca, timeout=10)
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"
        # The allow-list includes loopback in the shipped file.
        r = requests.get(proxy.https + "/metrics", verify=ca, timeout=10)
        assert r.status_code == 200 and "hop_http_request_duration_seconds" in r.text
        # A body above client_max_body_size is refused by nginx, in the hub's error shape.
        big = b"{" + b" " * (9 * 1024 * 1024) + b"}"
        r = requests.post(proxy.https + "/api/ingest/batch", data=big, verify=ca, timeout=30,
                          headers={**headers, "Content-Type": "application/json"})
        assert r.status_code == 413
        assert r.json()["error"]["code"] == "payload_too_large"
    finally:
        proxy.stop()


def test_metrics_denied_outside_the_allow_list(tmp_path, pki, hub_behind_nginx):
    proxy = start_nginx(tmp_path, pki, hub_port=hub_behind_nginx["port"], metrics_from_loopback=False)
    try:
        ca = str(pki["ca"])
        assert requests.get(proxy.https + "/metrics", verify=ca, timeout=10).status_code == 403
        assert requests.get(proxy.https + "/api/health", verify=ca, timeout=10).status_code == 200
    finally:
        proxy.stop()


# ---------------------------------------------------------------- the sample hub.yaml and its reference

def _hub_keys() -> list[str]:
    """The configuration keys the sample sets: every key list but the portal's (`portal.*`, `live.*`:
    their defaults depend on where the hub is installed, so the sample leaves them out)."""
    blocks = ""
    for swift in sorted((ROOT / "Sources/HopHubCore/Configuration").glob("HubConfiguration*.swift")):
        for name, block in re.findall(r"public static let (\w*)[kK]eys: \[String\] = \[(.*?)\]", swift.read_text(), re.S):
            if name != "portal":
                blocks += block
    return re.findall(r'"([a-z_.]+)"', blocks)


def test_sample_hub_yaml_and_reference_cover_every_key():
    keys = _hub_keys()
    assert len(keys) > 10
    sample = (DEPLOY / "hub.yaml").read_text()
    reference = (ROOT / "docs" / "hub-configuration.md").read_text()
    for key in keys:
        leaf = key.split(".")[-1]
        # A commented-out key counts: the frequency preset's overrides are shown that way.
        assert re.search(rf"^\s*(#\s*)?{re.escape(leaf)}:", sample, re.M), f"hub-deploy/hub.yaml lacks {key}"
        env = "HOP_HUB_" + key.upper().replace(".", "_")
        assert f"| `{key}` | `{env}` |" in reference, f"docs/hub-configuration.md lacks the row of {key}"
    # The reference embeds the sample verbatim.
    assert sample in reference


def test_sample_hub_yaml_is_accepted_by_the_hub(tmp_path):
    if not HUB_BIN.exists():
        pytest.skip(f"{HUB_BIN} is missing: build it first with `swift build` (this test never builds)")
    config = tmp_path / "hub.yaml"
    config.write_text((DEPLOY / "hub.yaml").read_text().replace("data_dir: /var/lib/hop-hub", f"data_dir: {tmp_path}/data"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOP_HUB_")}
    ok = subprocess.run([str(HUB_BIN), "keys", "list", "--config", str(config)], capture_output=True, text=True, env=env, timeout=60)
    assert ok.returncode == 0, ok.stderr
    # A typo is refused with the file and line, not silently ignored.
    config.write_text(config.read_text().replace("  max_past_days: 400", "  max_past_days: 400\n  max_pastdays: 1"))
    bad = subprocess.run([str(HUB_BIN), "keys", "list", "--config", str(config)], capture_output=True, text=True, env=env, timeout=60)
    assert bad.returncode != 0 and f"{config}:" in bad.stderr and "limits.max_pastdays: unknown key" in bad.stderr


# ---------------------------------------------------------------- the portal behind the shipped nginx file

def test_portal_login_and_live_stream_through_tls(tmp_path, pki):
    """A portal user behind the shipped nginx file: the session cookie is Secure (the hub trusts the
    proxy's X-Forwarded-Proto), and a reading posted while the user's /api/stream is open arrives
    through nginx within 2 s (the hub answers X-Accel-Buffering: no; the file also turns
    proxy_buffering off there, and allows an hour between reads)."""
    if not HUB_BIN.exists():
        pytest.skip(f"{HUB_BIN} is missing: build it first with `swift build` (this test never builds)")
    data = tmp_path / "data"
    env = {**os.environ, "HOP_HUB_ACCOUNTS_BCRYPT_COST": "4", "HOP_HUB_HTTP_TRUSTED_PROXIES": "127.0.0.1"}
    password = "correct horse battery 42"
    subprocess.run([str(HUB_BIN), "users", "create", "--data-dir", str(data), "--email", "op@example.net",
                    "--name", "Op", "--role", "operator", "--substations", "SUB001", "--password-stdin"],
                   input=password, text=True, env=env, check=True, capture_output=True)
    key = run(str(HUB_BIN), "keys", "create", "--data-dir", str(data), "--name", "edge", "--all-substations",
              "--scope", "ingest").stdout.strip().splitlines()[-1]
    port = free_port()
    log = open(tmp_path / "hub.log", "wb")
    hub = subprocess.Popen([str(HUB_BIN), "serve", "--data-dir", str(data), "--listen", f"127.0.0.1:{port}"],
                           stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    proxy = None
    try:
        deadline = time.monotonic() + 30
        while not _healthy(port):
            assert hub.poll() is None and time.monotonic() < deadline, (tmp_path / "hub.log").read_text()
            time.sleep(0.1)
        proxy = start_nginx(tmp_path, pki, hub_port=port)
        ca = str(pki["ca"])
        session = requests.Session()
        answer = session.post(proxy.https + "/login", json={"email": "op@example.net", "password": password},
                              verify=ca, timeout=10)
        assert answer.status_code == 200, answer.text
        cookie = answer.headers["Set-Cookie"]
        assert "hop_session=" in cookie and "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert session.get(proxy.https + "/portal/", verify=ca, timeout=10).status_code == 200
        stream = session.get(proxy.https + "/api/stream", stream=True, verify=ca, timeout=(5, 30))
        assert stream.status_code == 200 and stream.headers["Content-Type"].startswith("text/event-stream")
        sent = time.monotonic()
        reading = {"substation_id": "SUB001", "feeder_id": "FDR009", "site_name": "Portland North",
                   "latitude": 45.5, "longitude": -122.6, "voltage_kv": 229.8, "current_a": 1187.4,
                   "power_mw": 274.2, "frequency_hz": 60.007}
        r = requests.post(proxy.https + "/api/ingest/telemetry", json=reading, headers={"X-API-Key": key},
                          verify=ca, timeout=10)
        assert r.status_code == 200, r.text
        for line in stream.iter_lines(chunk_size=1, decode_unicode=True):
            if line.startswith("data:") and '"FDR009"' in line:
                break
            # Well under the 15 s heartbeat: a buffering proxy would hold this small event back.
            assert time.monotonic() - sent < 10, "the reading did not come through nginx within 10 s"
        assert time.monotonic() - sent < 10
        stream.close()
    finally:
        if proxy:
            proxy.stop()
        hub.send_signal(signal.SIGTERM)
        hub.wait(timeout=30)
        log.close()


def _healthy(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/api/health", timeout=1).ok
    except requests.RequestException:
        return False
