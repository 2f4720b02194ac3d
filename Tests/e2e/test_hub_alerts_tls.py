"""Alert mail over STARTTLS and SMTPS with AUTH, against aiosmtpd with a test CA; the password
never reaches the hub's log."""
import ssl
import subprocess

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from alert_support import AlertHub, _Capture
from waiting import free_port, wait_until

PASSWORD = "s3cret-Relay-pw"


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_pki(tmp):
    """A CA and a certificate for 127.0.0.1 signed by it."""
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key",
            "-out", "ca.pem", "-days", "2", "-subj", "/CN=Hop Test CA", cwd=tmp)
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "server.key",
            "-out", "server.csr", "-subj", "/CN=hop-test-smtp", cwd=tmp)
    (tmp / "ext.cnf").write_text("subjectAltName=IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf", cwd=tmp)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(tmp / "server.pem", tmp / "server.key")
    return ctx


class Logins:
    def __init__(self):
        self.seen = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"hop" and auth_data.password == PASSWORD.encode()
        self.seen.append((mechanism, ok))
        return AuthResult(success=ok)


def run_case(tmp, url, controller_kwargs, env):
    capture, logins = _Capture(), Logins()
    port = int(url.rsplit(":", 1)[1])
    controller = Controller(capture, hostname="127.0.0.1", port=port, authenticator=logins, auth_required=True,
                            ready_timeout=30, **controller_kwargs)
    controller.start()
    hub = AlertHub(tmp / "data", port, HOP_HUB_SMTP_URL=url, HOP_HUB_SMTP_CA_FILE=str(tmp / "ca.pem"),
                   HOP_HUB_SMTP_USERNAME="hop", HOP_HUB_SMTP_PASSWORD=PASSWORD, **env).start()
    try:
        key = hub.create_key()
        hub.event(key, "FEEDER_TRIP", "FDR002")
        wait_until(lambda: capture.messages, what=f"mail over {url}")
        assert capture.messages[0][1]["Subject"] == "[Hop] TRIP SUB001 FDR002"
        assert any(ok for _, ok in logins.seen)
    finally:
        hub.stop()
        controller.stop()
    assert PASSWORD not in hub.log.read_text(errors="replace")


def test_starttls_with_auth(tmp_path):
    ctx = make_pki(tmp_path)
    run_case(tmp_path, f"smtp://127.0.0.1:{free_port()}", {"tls_context": ctx, "require_starttls": True},
             {"HOP_HUB_SMTP_STARTTLS": "true"})


def test_smtps_with_auth(tmp_path):
    ctx = make_pki(tmp_path)
    # aiosmtpd does not count implicit TLS as TLS for AUTH (it only knows STARTTLS), so it is told
    # not to require it; the whole connection is TLS here.
    run_case(tmp_path, f"smtps://127.0.0.1:{free_port()}",
             {"ssl_context": ctx, "server_hostname": "127.0.0.1", "auth_require_tls": False}, {})


def test_starttls_required_never_falls_back_to_clear_text(tmp_path):
    make_pki(tmp_path)
    capture = _Capture()
    port = free_port()
    controller = Controller(capture, hostname="127.0.0.1", port=port, ready_timeout=30)  # offers no STARTTLS
    controller.start()
    hub = AlertHub(tmp_path / "data", port, HOP_HUB_SMTP_STARTTLS="true", HOP_HUB_SMTP_CA_FILE=str(tmp_path / "ca.pem")).start()
    try:
        key = hub.create_key()
        hub.event(key, "FEEDER_TRIP", "FDR002")
        wait_until(lambda: "will retry" in hub.log.read_text(errors="replace"), what="a refused delivery attempt")
        assert capture.messages == []
    finally:
        hub.stop()
        controller.stop()
