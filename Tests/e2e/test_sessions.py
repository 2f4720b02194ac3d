"""Portal sessions against a real hub process: login/logout, cookie flags, rotation, CSRF, lockout
and unlock through the CLI, deactivation ending an open session, and the audit rows of each."""
import json
import subprocess

import pytest
import requests

from account_support import FAST_BCRYPT, PASSWORD, create_user, login, users_cli
from conftest import BIN

pytestmark = pytest.mark.both_backends


@pytest.fixture
def hub(hub_factory, monkeypatch):
    for k, v in FAST_BCRYPT.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("HOP_HUB_LOGIN_MAX_FAILURES", "3")
    # Heartbeats (which also re-check a stream's access) only every 5 minutes: an open stream that
    # ends within a test was ended by what the test did, not by the next heartbeat.
    monkeypatch.setenv("HOP_HUB_LIVE_HEARTBEAT_S", "300")
    h = hub_factory().start()
    create_user(h, "op@example.com", "operator", "SUB001")
    create_user(h, "Admin@Example.com", "admin")
    return h


def audit(hub, action=None):
    sql = "SELECT actor, action, target, source_address, outcome, detail FROM audit_log"
    return hub.sql(sql + (" WHERE action = ?" if action else "") + " ORDER BY id", *((action,) if action else ()))


def test_login_cookie_flags_session_and_logout(hub):
    s = requests.Session()
    r = s.post(hub.url + "/login", json={"email": "op@example.com", "password": PASSWORD}, timeout=10)
    assert r.status_code == 200
    header = r.headers["Set-Cookie"]
    assert header.startswith("hop_session=")
    flags = [p.strip().lower() for p in header.split(";")]
    assert "httponly" in flags and "samesite=strict" in flags and "path=/" in flags
    assert "secure" not in flags  # plain HTTP from a peer that is not a trusted proxy
    cookie = s.cookies["hop_session"]
    assert len(cookie) >= 43
    user = r.json()["user"]
    assert user["email"] == "op@example.com" and user["substations"] == ["SUB001"] and user["role"] == "operator"
    info = s.get(hub.url + "/api/session", timeout=5).json()
    assert info["csrf_token"] == user["csrf_token"] and info["default_tab"] == "telemetry"
    # The database holds only a digest of the id.
    stored = [row[0] for row in hub.sql("SELECT id_hash FROM sessions")]
    assert cookie not in stored and len(stored) == 1
    assert s.post(hub.url + "/logout", timeout=5).status_code == 403  # no CSRF token
    out = s.post(hub.url + "/logout", headers={"X-CSRF-Token": user["csrf_token"]}, timeout=5)
    assert out.status_code == 204
    assert "hop_session" not in s.cookies
    again = requests.get(hub.url + "/api/session", cookies={"hop_session": cookie}, timeout=5)
    assert again.status_code == 401
    assert [(a, act, o) for a, act, _, _, o, _ in audit(hub, "logout")] == [("op@example.com", "logout", "success")]
    logins = audit(hub, "login")
    assert logins[-1][0] == "op@example.com" and logins[-1][3] == "127.0.0.1" and logins[-1][4] == "success"


def test_trusted_proxy_makes_cookie_secure(hub_factory, monkeypatch):
    for k, v in FAST_BCRYPT.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("HOP_HUB_HTTP_TRUSTED_PROXIES", "127.0.0.1")
    h = hub_factory("proxied").start()
    create_user(h, "op@example.com", "operator", "SUB001")
    r = requests.post(h.url + "/login", json={"email": "op@example.com", "password": "Wrong password 1"},
                      headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}, timeout=10)
    assert r.status_code == 401
    r = requests.post(h.url + "/login", json={"email": "op@example.com", "password": PASSWORD},
                      headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}, timeout=10)
    assert r.status_code == 200
    assert "secure" in [p.strip().lower() for p in r.headers["Set-Cookie"].split(";")]
    # The audit shows the browser's address from X-Forwarded-For, not the proxy's.
    assert {row[3] for row in audit(h, "login")} == {"203.0.113.9"}


def test_login_rotates_the_session_id(hub):
    s = login(hub, "op@example.com")
    first = s.cookies["hop_session"]
    s2 = login(hub, "op@example.com", session=s)  # presents the old cookie
    second = s2.cookies["hop_session"]
    assert second != first
    assert requests.get(hub.url + "/api/session", cookies={"hop_session": first}, timeout=5).status_code == 401
    assert requests.get(hub.url + "/api/session", cookies={"hop_session": second}, timeout=5).status_code == 200


def test_csrf_required_for_state_changes(hub):
    s = login(hub, "op@example.com")
    token = s.headers.pop("X-CSRF-Token")
    body = {"substation_id": "SUB001", "feeder_id": "FDR001", "voltage_kv": 230}
    r = s.post(hub.url + "/api/ingest/telemetry", json=body, timeout=5)
    assert r.status_code == 403 and "CSRF" in r.json()["error"]["message"]
    r = s.post(hub.url + "/api/ingest/telemetry", json=body, headers={"X-CSRF-Token": "x" * len(token)}, timeout=5)
    assert r.status_code == 403 and "CSRF" in r.json()["error"]["message"]
    cross = requests.post(hub.url + "/login", json={"email": "op@example.com", "password": PASSWORD},
                          headers={"Origin": "https://evil.example"}, timeout=5)
    assert cross.status_code == 403 and "Set-Cookie" not in cross.headers
    same = requests.post(hub.url + "/login", json={"email": "op@example.com", "password": PASSWORD},
                         headers={"Origin": hub.url}, timeout=5)
    assert same.status_code == 200 and "hop_session=" in same.headers["Set-Cookie"]


def test_lockout_then_unlock_with_the_cli(hub):
    for _ in range(2):
        r = requests.post(hub.url + "/login", json={"email": "op@example.com", "password": "Wrong password 1"}, timeout=10)
        assert r.status_code == 401 and r.json()["error"]["message"] == "wrong email or password"
    r = requests.post(hub.url + "/login", json={"email": "op@example.com", "password": "Wrong password 1"}, timeout=10)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) == 900
    message = r.json()["error"]["message"]
    assert "locked" in message and "15 minutes" in message and "administrator" in message
    r = requests.post(hub.url + "/login", json={"email": "op@example.com", "password": PASSWORD}, timeout=10)
    assert r.status_code == 429
    listed = users_cli(hub, "list").stdout
    assert "locked until" in listed
    assert "unlocked 'op@example.com'" in users_cli(hub, "unlock", "op@example.com").stdout
    login(hub, "op@example.com")
    assert [row[4] for row in audit(hub, "lockout")] == ["success"]
    unlocks = audit(hub, "unlock")
    assert unlocks[-1][0] == "cli" and unlocks[-1][2] == "op@example.com"
    reasons = [row[5] for row in audit(hub, "login") if row[4] != "success"]
    assert reasons == ["wrong password"] * 3 + ["account locked"]


def test_deactivated_users_session_is_401_at_once(hub):
    s = login(hub, "op@example.com")
    assert s.get(hub.url + "/api/query/substations", timeout=5).status_code == 200
    out = users_cli(hub, "deactivate", "op@example.com")
    assert "deactivated" in out.stdout
    r = s.get(hub.url + "/api/query/substations", timeout=5)
    assert r.status_code == 401
    r = requests.post(hub.url + "/login", json={"email": "op@example.com", "password": PASSWORD}, timeout=10)
    assert r.status_code == 401 and r.json()["error"]["message"] == "account is deactivated; ask an administrator"
    rows = audit(hub, "user.deactivate")
    assert rows[0][0] == "cli" and rows[0][2] == "op@example.com"


def test_cli_list_grant_and_errors(hub):
    listed = users_cli(hub, "list", "--json").stdout
    users = {u["email"]: u for u in json.loads(listed)}
    assert users["admin@example.com"]["substations"] == "all"  # emails are stored lower-case
    assert users["op@example.com"]["substations"] == ["SUB001"] and "password_hash" not in listed
    assert "may now see substations SUB001,SUB002" in users_cli(hub, "grant", "op@example.com", "SUB001", "SUB002").stdout
    s = login(hub, "op@example.com")
    assert s.get(hub.url + "/api/session", timeout=5).json()["substations"] == ["SUB001", "SUB002"]
    bad = users_cli(hub, "grant", "nobody@example.com", "SUB001", check=False)
    assert bad.returncode != 0 and "no user with email" in bad.stderr
    r = subprocess.run([str(BIN / "hop-hub"), "users", "create", "--data-dir", str(hub.data_dir), "--email", "x@example.com",
                        "--name", "X", "--role", "operator", "--substations", "SUB001", "--password-stdin"],
                       input="password\n", capture_output=True, text=True, env=hub.env)
    assert r.returncode != 0 and "at least 12 characters" in r.stderr
    grants = audit(hub, "user.grant")
    assert grants[-1][0] == "cli" and grants[-1][5] == "substations SUB001→SUB001,SUB002"


def test_deactivation_by_the_cli_ends_an_open_live_stream(hub):
    s = login(hub, "op@example.com")
    stream = s.get(hub.url + "/api/stream", stream=True, timeout=(5, 60))
    assert stream.status_code == 200, f"/api/stream: {stream.status_code}"
    lines = stream.iter_lines(decode_unicode=True)
    next(lines)  # the preamble: the stream is open
    users_cli(hub, "deactivate", "op@example.com")
    # The hub notices the CLI's change (AccessChangeWatcher, every 2 s) and ends the stream. Nothing
    # else would end it within the read timeout (60 s; the heartbeat is 300 s here).
    try:
        for _ in lines:
            pass
    except requests.ConnectionError as exc:
        raise AssertionError(f"the deactivated user's stream stayed open: {exc}") from exc
    assert s.get(hub.url + "/api/stream", timeout=5).status_code == 401


def test_parallel_guesses_enumeration_and_the_denied_flood(hub):
    """30 wrong passwords at once get at most max_failures (3) password checks; then even the right
    password, sent in parallel, is refused; the lock writes one `denied` row however often it is hit;
    an unknown email locks exactly like a real one."""
    from concurrent.futures import ThreadPoolExecutor

    def attempt(email, password):
        r = requests.post(hub.url + "/login", json={"email": email, "password": password}, timeout=30)
        return r.status_code, r.json()["error"]["message"] if r.status_code != 200 else ""

    with ThreadPoolExecutor(max_workers=30) as pool:
        wrong = list(pool.map(lambda _: attempt("op@example.com", "Wrong password 1")[0], range(30)))
    assert wrong.count(401) <= 3 and wrong.count(401) + wrong.count(429) == 30, wrong
    checked = [row for row in audit(hub, "login") if row[2] == "op@example.com" and row[4] == "failure"]
    assert len(checked) <= 3, checked
    with ThreadPoolExecutor(max_workers=10) as pool:
        right = list(pool.map(lambda _: attempt("op@example.com", PASSWORD)[0], range(10)))
    assert right == [429] * 10, right
    denied = [row for row in audit(hub, "login") if row[2] == "op@example.com" and row[4] == "denied"]
    assert len(denied) == 1, denied
    # The same answers, in the same order, for an email nobody has.
    known = [attempt("admin@example.com", "Wrong password 1") for _ in range(4)]
    unknown = [attempt("ghost@example.com", "Wrong password 1") for _ in range(4)]
    assert [c for c, _ in known] == [401, 401, 429, 429]
    assert known == unknown, (known, unknown)
