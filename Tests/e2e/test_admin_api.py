"""The admin API and audit log against a real `hop-hub serve` process (docs/admin-api.md, docs/audit.md).

A user created through `POST /api/admin/users` logs in and sees only their substations; changing their
grants through the API changes what their own session's queries return; keys are created, rotated (old
secret 401 at once, new one 200) and revoked through the API and the CLI; `hop-hub audit export` writes
CSV and JSON that parse and hold one row per action with the right actor, target and outcome.
"""
import csv
import io
import json
import subprocess
import time

import pytest
import requests

from conftest import BIN, StoreError

pytestmark = pytest.mark.both_backends

PASSWORD = "Correct horse 42"
ENV = {"HOP_HUB_ACCOUNTS_BCRYPT_COST": "4"}


@pytest.fixture
def admin_hub(hub_factory, monkeypatch):
    """A running hub with an admin key (read,admin), a writer key for both substations, and data in SUB001 and SUB002."""
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    hub = hub_factory()
    hub.admin_key = hub.create_key("root", scope="read,admin")
    hub.write_key = hub.create_key("writer", scope="ingest,read")
    hub.start()
    for sub in ("SUB001", "SUB002"):
        r = requests.post(hub.url + "/api/ingest/telemetry", headers={"X-API-Key": hub.write_key},
                          json={"substation_id": sub, "feeder_id": "FDR001", "frequency_hz": 60.01}, timeout=10)
        assert r.status_code == 200, r.text
    return hub


def admin(hub, method, path, **kw):
    return requests.request(method, hub.url + "/api/admin" + path, headers={"X-API-Key": hub.admin_key},
                            timeout=10, **kw)


def login(hub, email, password=PASSWORD):
    s = requests.Session()
    r = s.post(hub.url + "/login", json={"email": email, "password": password}, timeout=10)
    assert r.status_code == 200, r.text
    s.headers["X-CSRF-Token"] = r.json()["user"]["csrf_token"]
    return s


def substations_seen(hub, session):
    r = session.get(hub.url + "/api/query/substations", timeout=10)
    assert r.status_code == 200, r.text
    return {row["substation_id"] for row in r.json()}


def audit_cli(hub, *args, check=True):
    return subprocess.run([str(BIN / "hop-hub"), "audit", *args, "--data-dir", str(hub.data_dir)],
                          capture_output=True, text=True, check=check, timeout=120, env=hub.env)


def test_user_created_by_api_logs_in_and_grants_change_their_queries(admin_hub):
    hub = admin_hub
    r = admin(hub, "POST", "/users", json={"email": "olga@example.com", "name": "Olga", "role": "operator",
                                           "substations": ["SUB001"], "password": PASSWORD, "alert_opt_in": False})
    assert r.status_code == 201, r.text
    assert r.json()["substations"] == ["SUB001"]
    listed = admin(hub, "GET", "/users").json()
    assert [u["email"] for u in listed] == ["olga@example.com"]
    assert not any("hash" in key for u in listed for key in u) and "$2" not in json.dumps(listed)

    olga = login(hub, "olga@example.com")
    assert substations_seen(hub, olga) == {"SUB001"}
    assert olga.get(hub.url + "/api/query/events", params={"substation_id": "SUB002"}, timeout=10).status_code == 403
    # Olga is no admin: the admin API refuses her session.
    assert olga.get(hub.url + "/api/admin/users", timeout=10).status_code == 403

    r = admin(hub, "PATCH", "/users/olga%40example.com", json={"substations": ["SUB002"], "alert_opt_in": True})
    assert r.status_code == 200, r.text
    assert substations_seen(hub, olga) == {"SUB002"}          # the same session, new grants
    r = admin(hub, "PATCH", "/users/olga@example.com", json={"substations": "all"})
    assert r.status_code == 200, r.text
    assert substations_seen(hub, olga) == {"SUB001", "SUB002"}

    assert admin(hub, "PATCH", "/users/nobody@example.com", json={"name": "x"}).status_code == 404
    dup = admin(hub, "POST", "/users", json={"email": "OLGA@example.com", "name": "O", "role": "operator",
                                             "substations": "all", "password": PASSWORD})
    assert dup.status_code == 409 and dup.json()["error"]["field"] == "email"
    weak = admin(hub, "POST", "/users", json={"email": "new@example.com", "name": "N", "role": "operator",
                                              "substations": "all", "password": "short"})
    assert weak.status_code == 422 and weak.json()["error"]["field"] == "password"

    # End her sessions: the open session stops at once.
    r = admin(hub, "DELETE", "/users/olga@example.com/sessions")
    assert r.status_code == 200 and r.json()["sessions_ended"] == 1, r.text
    assert olga.get(hub.url + "/api/query/substations", timeout=10).status_code == 401

    rows = admin(hub, "GET", "/audit", params={"actor": "key:root", "target": "olga@example.com"}).json()
    assert [(row["action"], row["outcome"]) for row in reversed(rows)] == [
        ("user.create", "success"), ("user.update", "success"), ("alerts.recipients_change", "success"),
        ("user.update", "success"), ("user.create", "failure"), ("user.sessions_end", "success")]
    assert all(row["source_address"] == "127.0.0.1" for row in rows)


def test_admin_session_needs_csrf(admin_hub):
    hub = admin_hub
    r = admin(hub, "POST", "/users", json={"email": "ada@example.com", "name": "Ada", "role": "admin",
                                           "password": PASSWORD})
    assert r.status_code == 201 and r.json()["substations"] == "all", r.text
    ada = login(hub, "ada@example.com")
    token = ada.headers.pop("X-CSRF-Token")
    body = {"name": "dms", "scopes": ["read"], "substations": "all"}
    refused = ada.post(hub.url + "/api/admin/keys", json=body, timeout=10)
    assert refused.status_code == 403 and "CSRF" in refused.json()["error"]["message"]
    made = ada.post(hub.url + "/api/admin/keys", json=body, headers={"X-CSRF-Token": token}, timeout=10)
    assert made.status_code == 201, made.text
    rows = admin(hub, "GET", "/audit", params={"action": "key.create", "target": "dms"}).json()
    assert [(row["actor"], row["outcome"]) for row in rows] == [("ada@example.com", "success")]


def test_keys_rotate_and_revoke_through_api_and_cli(admin_hub):
    hub = admin_hub
    made = admin(hub, "POST", "/keys", json={"name": "edge-north", "scopes": ["ingest", "read"],
                                             "substations": ["SUB001"]})
    assert made.status_code == 201, made.text
    first = made.json()["key"]

    def status(key):
        return requests.get(hub.url + "/api/query/substations", headers={"X-API-Key": key}, timeout=10).status_code

    assert status(first) == 200
    rotated = admin(hub, "POST", "/keys/edge-north/rotate")
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()["key"]
    assert rotated.json()["substations"] == ["SUB001"] and rotated.json()["scopes"] == ["ingest", "read"]
    assert status(first) == 401 and status(second) == 200

    out = subprocess.run([str(BIN / "hop-hub"), "keys", "rotate", "edge-north", "--data-dir", str(hub.data_dir)],
                         capture_output=True, text=True, check=True, timeout=60, env=hub.env)
    third = out.stdout.strip().splitlines()[-1]
    assert second not in out.stdout + out.stderr
    assert status(second) == 401 and status(third) == 200

    assert admin(hub, "DELETE", "/keys/edge-north").status_code == 200
    assert status(third) == 401
    assert admin(hub, "POST", "/keys/edge-north/rotate").status_code == 404
    listed = {k["name"]: k for k in admin(hub, "GET", "/keys").json()}
    assert listed["edge-north"]["active"] is False and "key" not in listed["edge-north"]

    rows = admin(hub, "GET", "/audit", params={"target": "edge-north"}).json()
    assert [(r["actor"], r["action"], r["outcome"]) for r in reversed(rows)] == [
        ("key:root", "key.create", "success"), ("key:root", "key.rotate", "success"),
        ("cli", "key.rotate", "success"), ("key:root", "key.revoke", "success"),
        ("key:root", "key.rotate", "failure")]
    # No secret ever reaches the audit log or the hub's log.
    everything = admin(hub, "GET", "/audit.csv", params={"limit": "10000"}).text + hub.log.read_text()
    for key in (first, second, third):
        assert key not in everything and key.split("_")[2] not in everything


def test_audit_export_csv_and_json_parse(admin_hub, tmp_path):
    hub = admin_hub
    assert admin(hub, "POST", "/keys", json={"name": "k1", "scopes": ["read"], "substations": "all"}).status_code == 201
    bad = requests.post(hub.url + "/login", json={"email": "=hyperlink(1)@x.org", "password": "nope nope nope"}, timeout=10)
    assert bad.status_code == 401

    csv_path, json_path = tmp_path / "audit.csv", tmp_path / "audit.json"
    out = audit_cli(hub, "export", "--format", "csv", "--output", str(csv_path))
    assert "exported" in out.stderr and out.stdout == ""
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text(), newline="")))
    assert list(rows[0].keys()) == ["id", "at", "actor", "action", "target", "source_address", "outcome", "detail"]
    by_action = {(r["action"], r["target"]): r for r in rows}
    assert by_action[("key.create", "k1")]["actor"] == "key:root"
    assert by_action[("key.create", "root")]["actor"] == "cli"
    failed = [r for r in rows if r["action"] == "login" and r["outcome"] == "failure"]
    assert [r["actor"] for r in failed] == ["'=hyperlink(1)@x.org"]   # formula guard
    assert failed[0]["source_address"] == "127.0.0.1"
    ids = [int(r["id"]) for r in rows]
    assert ids == sorted(ids)                                          # oldest first

    audit_cli(hub, "export", "--format", "json", "--output", str(json_path), "--action", "key.create")
    entries = json.loads(json_path.read_text())
    assert {e["target"] for e in entries} == {"root", "writer", "k1"}
    assert all(e["action"] == "key.create" and e["at"].endswith("Z") and isinstance(e["at_ms"], int) for e in entries)

    listing = audit_cli(hub, "list", "--action", "login", "--outcome", "failure").stdout.splitlines()
    assert listing[0].split()[:4] == ["ID", "AT", "ACTOR", "ACTION"] and "=hyperlink(1)@x.org" in listing[1]

    refused = audit_cli(hub, "export", "--since", "yesterday", check=False)
    assert refused.returncode != 0 and "--since" in refused.stderr


def test_audit_pages_by_before_id_over_rows_sharing_a_millisecond(admin_hub):
    """Keyset paging: rows written in the same millisecond are neither skipped nor repeated."""
    hub = admin_hub
    at = int(time.time() * 1000) - 60_000
    hub.sql_many("INSERT INTO audit_log (at, actor, action, target, source_address, outcome, detail) "
                 "VALUES (?, 'burst@example.com', 'lockout', ?, '10.0.0.9', 'success', '')",
                 [(at, f"t{i}") for i in range(30)])
    seen, cursor = [], None
    while True:
        params = {"actor": "burst@example.com", "limit": "7", **({"before_id": str(cursor)} if cursor else {})}
        page = admin(hub, "GET", "/audit", params=params).json()
        if not page:
            break
        seen += [e["target"] for e in page]
        cursor = page[-1]["id"]
    assert seen == [f"t{i}" for i in reversed(range(30))]
    csv_page = admin(hub, "GET", "/audit.csv", params={"actor": "burst@example.com", "before_id": str(cursor + 3)})
    assert csv_page.status_code == 200 and len(csv_page.text.strip().splitlines()) == 1 + 3
    bad = admin(hub, "GET", "/audit", params={"before_id": "-1"})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "before_id"
    listed = audit_cli(hub, "list", "--actor", "burst@example.com", "--before-id", str(cursor + 2), "--limit", "5")
    lines = listed.stdout.splitlines()
    assert [int(line.split()[0]) for line in lines[1:]] == [cursor + 1, cursor]
    as_json = json.loads(audit_cli(hub, "list", "--actor", "burst@example.com", "--limit", "2", "--json").stdout)
    assert [e["target"] for e in as_json] == ["t29", "t28"]
    more = audit_cli(hub, "list", "--actor", "burst@example.com", "--limit", "2")
    assert f"--before-id {as_json[-1]['id']}" in more.stderr
    refused = audit_cli(hub, "list", "--before-id", "zero", check=False)
    assert refused.returncode != 0 and "--before-id" in refused.stderr


def test_large_export_reports_progress(admin_hub, tmp_path):
    hub = admin_hub
    base = int(time.time() * 1000) - 86_400_000
    hub.sql_many("INSERT INTO audit_log (at, actor, action, target, source_address, outcome, detail) "
                 "VALUES (?, ?, 'login', ?, '10.0.0.7', 'success', 'bulk, \"quoted\"')",
                 [(base + i, f"user{i % 50}@example.com", f"user{i % 50}@example.com") for i in range(60_000)])
    # The table really is append-only, even to a direct connection.
    for sql in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(StoreError, match="append-only"):
            hub.sql(sql)
    out_path = tmp_path / "big.csv"
    started = time.monotonic()
    out = audit_cli(hub, "export", "--output", str(out_path), "--action", "login")
    elapsed = time.monotonic() - started
    assert "of 60000 entries" in out.stderr and "exported 60000 audit entries" in out.stderr, out.stderr
    rows = list(csv.reader(io.StringIO(out_path.read_text(), newline="")))
    assert len(rows) == 60_001 and rows[1][-1] == 'bulk, "quoted"'
    print(f"exported 60,000 audit rows as CSV in {elapsed:.2f} s")
    assert admin(hub, "GET", "/audit", params={"limit": "10001"}).status_code == 400
    assert len(admin(hub, "GET", "/audit", params={"limit": "10000"}).json()) == 10_000


def test_admin_answers_match_the_openapi_document(admin_hub):
    """Every admin answer validates against Sources/HopHub/Resources/openapi.json (unknown keys fail)."""
    jsonschema = pytest.importorskip("jsonschema")
    import pathlib
    spec = json.loads((pathlib.Path(__file__).resolve().parents[2] / "Sources" / "HopHub" / "Resources" / "openapi.json").read_text())

    def check(path, method, status, body):
        schema = spec["paths"][path][method]["responses"][str(status)]
        if "$ref" in schema:
            schema = spec["components"]["responses"][schema["$ref"].split("/")[-1]]
        wrapped = dict(schema["content"]["application/json"]["schema"], components=spec["components"])
        errors = list(jsonschema.Draft202012Validator(wrapped).iter_errors(body))
        assert not errors, f"{method.upper()} {path} {status}: {errors[0].message}; body {json.dumps(body)[:500]}"

    hub = admin_hub
    r = admin(hub, "POST", "/users", json={"email": "olga@example.com", "name": "Olga", "role": "operator",
                                           "substations": ["SUB001"], "password": PASSWORD})
    check("/api/admin/users", "post", 201, r.json())
    check("/api/admin/users", "get", 200, admin(hub, "GET", "/users").json())
    r = admin(hub, "PATCH", "/users/olga@example.com", json={"org_name": "North"})
    check("/api/admin/users/{email}", "patch", 200, r.json())
    check("/api/admin/users/{email}/unlock", "post", 200, admin(hub, "POST", "/users/olga@example.com/unlock").json())
    check("/api/admin/users/{email}/sessions", "delete", 200, admin(hub, "DELETE", "/users/olga@example.com/sessions").json())
    assert admin(hub, "POST", "/users/olga@example.com/password", json={"password": "A new passphrase 7"}).status_code == 204
    r = admin(hub, "POST", "/keys", json={"name": "k", "scopes": ["read"], "substations": "all"})
    check("/api/admin/keys", "post", 201, r.json())
    check("/api/admin/keys/{name}/rotate", "post", 200, admin(hub, "POST", "/keys/k/rotate").json())
    check("/api/admin/keys/{name}", "delete", 200, admin(hub, "DELETE", "/keys/k").json())
    check("/api/admin/keys", "get", 200, admin(hub, "GET", "/keys").json())
    check("/api/admin/audit", "get", 200, admin(hub, "GET", "/audit").json())
    for path, method, call, status in [
        ("/api/admin/audit", "get", lambda: admin(hub, "GET", "/audit", params={"since": "x"}), 400),
        ("/api/admin/users/{email}", "patch", lambda: admin(hub, "PATCH", "/users/no@example.com", json={"name": "n"}), 404),
        ("/api/admin/keys", "post", lambda: admin(hub, "POST", "/keys", json={"name": "writer", "scopes": ["read"], "substations": "all"}), 409),
        ("/api/admin/users", "post", lambda: admin(hub, "POST", "/users", json={"email": "x@example.com", "name": "x", "role": "boss", "password": PASSWORD}), 422),
        ("/api/admin/keys", "get", lambda: requests.get(hub.url + "/api/admin/keys", headers={"X-API-Key": hub.write_key}, timeout=10), 403),
        ("/api/admin/keys", "get", lambda: requests.get(hub.url + "/api/admin/keys", timeout=10), 401),
    ]:
        r = call()
        assert r.status_code == status, (path, r.text)
        check(path, method, status, r.json())
