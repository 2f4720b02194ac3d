"""/admin in headless Chromium against a real hub: users (create with a grant, the grant seen by
the new user's own session, deactivation ending that session), API keys (secret shown once,
rotate, revoke, checked against the API), the audit log with filters and CSV, and the
"administrators only" view for everyone else."""
import csv
import json
import io

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from admin_support import (ADMIN_EMAIL, ADMIN_PASSWORD, OPERATOR_PASSWORD, ApiSession, admin_hub,  # noqa: F401
                           by_id, confirm, create_user, form_login, json_body, open_admin, open_user_edit, page_fetch,
                           report_substations, table_rows, visible_text, wait_path, wait_text)
from browser import browser, console_errors, make_browser, screenshot  # noqa: F401
from waiting import wait_until

pytestmark = pytest.mark.both_backends

OPERATOR = "olga.operator@example-utility.net"


def script_errors(browser) -> list[str]:
    return [e for e in console_errors(browser) if "Failed to load resource" not in e]


def row_of(browser, table_id: str, first_cell: str) -> str:
    return next((r for r in table_rows(browser, table_id) if r.startswith(first_cell)), "")


def test_admin_creates_operator_whose_session_sees_the_grant_then_deactivates_them(admin_hub, browser):
    report_substations(admin_hub, {"SUB001": "Portland North", "SUB002": "Salem <b>East</b>"})
    form_login(browser, admin_hub.url, ADMIN_EMAIL, ADMIN_PASSWORD, next_path="/admin")
    wait_path(browser, "/admin")
    wait_until(lambda: row_of(browser, "users-table", ADMIN_EMAIL), what="the admin listed")
    screenshot(browser, "admin-users")
    by_id(browser, "theme-toggle").click()
    wait_until(lambda: browser.execute_script("return localStorage.getItem('hop.theme')") == "dark",
               what="dark theme remembered")
    screenshot(browser, "admin-users-dark")
    by_id(browser, "theme-toggle").click()

    by_id(browser, "user-new").click()
    by_id(browser, "uc-email").send_keys(OPERATOR)
    by_id(browser, "uc-name").send_keys("Olga <img src=x onerror=alert(1)>")
    by_id(browser, "uc-org").send_keys("Example Utility")
    Select(by_id(browser, "uc-role")).select_by_value("operator")
    # The grant list comes from /api/query/substations; site names are text.
    wait_until(lambda: by_id(browser, "uc-grant-SUB002").is_displayed(), what="substation checkboxes")
    assert "Salem <b>East</b>" in by_id(browser, "uc-grants").text
    by_id(browser, "uc-grant-SUB001").click()
    by_id(browser, "uc-password").send_keys("short")
    by_id(browser, "uc-submit").click()
    policy = wait_text(browser, "user-create-error", "password")
    assert "12 characters" in policy, policy  # the server's policy message, verbatim
    screenshot(browser, "admin-user-create-policy")
    by_id(browser, "uc-password").clear()
    by_id(browser, "uc-password").send_keys(OPERATOR_PASSWORD)
    by_id(browser, "uc-submit").click()
    wait_text(browser, "users-result", f"Created operator {OPERATOR}")
    row = wait_until(lambda: row_of(browser, "users-table", OPERATOR), what="the operator listed")
    assert "Olga <img src=x onerror=alert(1)>" in row and "SUB001" in row and "active" in row
    assert browser.find_elements(By.CSS_SELECTOR, "#users-table img") == []  # text, not markup

    # The operator signs in in a second, independent browser; the server-side session has the grant.
    second = make_browser()
    try:
        form_login(second, admin_hub.url, OPERATOR, OPERATOR_PASSWORD)
        wait_path(second, "/portal/")
        session = json_body(page_fetch(second, "GET", "/api/session"))
        assert session["role"] == "operator" and session["substations"] == ["SUB001"], session

        # The admin deactivates them (with a confirmation) ...
        open_user_edit(browser, OPERATOR)
        by_id(browser, "ue-active").click()
        screenshot(browser, "admin-user-edit")
        by_id(browser, "ue-save").click()
        confirm(browser, f"Deactivate {OPERATOR}")
        wait_text(browser, "users-result", f"Updated {OPERATOR}")
        wait_until(lambda: "inactive" in row_of(browser, "users-table", OPERATOR), what="inactive shown")

        # ... and the operator's open session is refused on its very next request.
        answer = page_fetch(second, "GET", "/api/session")
        assert answer["status"] == 401, answer
    finally:
        second.quit()
    assert script_errors(browser) == []


def test_admin_keys_secret_shown_once_rotated_and_revoked(admin_hub, browser):
    form_login(browser, admin_hub.url, ADMIN_EMAIL, ADMIN_PASSWORD, next_path="/admin#keys")
    wait_path(browser, "/admin")
    wait_until(lambda: by_id(browser, "section-keys").is_displayed(), what="keys section")

    by_id(browser, "key-new").click()
    by_id(browser, "kc-name").send_keys("dms-reader")
    for box in browser.find_elements(By.CSS_SELECTOR, "#key-create input[name=scope]"):
        if box.is_selected() != (box.get_attribute("value") == "read"):
            box.click()
    by_id(browser, "kc-grant-other").send_keys("SUB001")
    by_id(browser, "kc-submit").click()
    wait_until(lambda: by_id(browser, "key-secret").is_displayed(), what="secret panel")
    secret = by_id(browser, "key-secret-value").get_attribute("value")
    assert secret.startswith("hop_"), secret
    assert "only this once" in by_id(browser, "key-secret").text
    by_id(browser, "key-secret-copy").click()
    wait_text(browser, "key-secret-copied", "Copied")
    screenshot(browser, "admin-key-secret")
    row = wait_until(lambda: row_of(browser, "keys-table", "dms-reader"), what="key listed")
    assert "read" in row and "SUB001" in row and "ingest" not in row

    read = lambda key: requests.get(admin_hub.url + "/api/query/substations",  # noqa: E731
                                    headers={"X-API-Key": key}, timeout=10).status_code
    assert read(secret) == 200

    # Stored: the secret leaves the page and is not shown again after a reload.
    by_id(browser, "key-secret-done").click()
    wait_until(lambda: not by_id(browser, "key-secret").is_displayed(), what="secret hidden")
    browser.refresh()
    wait_until(lambda: row_of(browser, "keys-table", "dms-reader"), what="key listed after reload")
    assert secret not in browser.page_source
    assert secret not in json_body(page_fetch(browser, "GET", "/api/admin/keys")).__repr__()

    # Rotate: a new secret, shown once; the old one stops working.
    browser.find_element(By.CSS_SELECTOR, 'tr[data-name="dms-reader"] button[aria-label="Rotate dms-reader"]').click()
    confirm(browser, "Rotate key dms-reader")
    wait_until(lambda: by_id(browser, "key-secret").is_displayed(), what="rotated secret panel")
    rotated = by_id(browser, "key-secret-value").get_attribute("value")
    assert rotated.startswith("hop_") and rotated != secret
    wait_text(browser, "keys-result", "Rotated key dms-reader")
    assert read(secret) == 401 and read(rotated) == 200
    by_id(browser, "key-secret-done").click()

    # Revoke (confirmed): the key stops working and the table says so.
    browser.find_element(By.CSS_SELECTOR, 'tr[data-name="dms-reader"] button[aria-label="Revoke dms-reader"]').click()
    confirm(browser, "Revoke key dms-reader")
    wait_text(browser, "keys-result", "Revoked key dms-reader")
    wait_until(lambda: "revoked" in row_of(browser, "keys-table", "dms-reader"), what="revoked shown")
    assert read(rotated) == 401
    screenshot(browser, "admin-keys")
    assert script_errors(browser) == []


def test_audit_page_lists_logins_user_and_key_actions_with_filters_and_csv(admin_hub, browser):
    # A failed login, a user creation and key create/rotate/revoke, through the real endpoints.
    bad = requests.post(admin_hub.url + "/login", json={"email": ADMIN_EMAIL, "password": "Wrong-password-99"},
                        timeout=10)
    assert bad.status_code == 401
    admin = ApiSession(admin_hub, ADMIN_EMAIL, ADMIN_PASSWORD)
    created = admin.call("POST", "/api/admin/users", {
        "email": OPERATOR, "name": "Olga", "role": "operator", "substations": ["SUB001"],
        "password": OPERATOR_PASSWORD})
    assert created.status_code == 201, created.text
    for method, path, body in (("POST", "/api/admin/keys", {"name": "edge-north", "scopes": ["ingest"],
                                                           "substations": ["SUB001"]}),
                               ("POST", "/api/admin/keys/edge-north/rotate", None),
                               ("DELETE", "/api/admin/keys/edge-north", None)):
        r = admin.call(method, path, body)
        assert r.status_code < 300, f"{method} {path}: {r.status_code} {r.text}"

    form_login(browser, admin_hub.url, ADMIN_EMAIL, ADMIN_PASSWORD, next_path="/admin#audit")
    wait_path(browser, "/admin")
    rows = wait_until(lambda: (r := table_rows(browser, "audit-table")) and len(r) >= 6 and r,
                      what="audit rows")
    text = "\n".join(rows)
    assert any("login" in r and "failure" in r and ADMIN_EMAIL in r and "127.0.0.1" in r for r in rows), text
    assert any("user.create" in r and OPERATOR in r for r in rows), text
    for action in ("key.create", "key.rotate", "key.revoke"):
        assert any(action in r and "edge-north" in r for r in rows), f"{action} missing in\n{text}"
    # Newest first: the revoke was the last action before this session's login.
    actions = [r.split("\n")[0] for r in rows]
    assert rows.index(next(r for r in rows if "key.revoke" in r)) < rows.index(
        next(r for r in rows if "key.create" in r)), actions
    screenshot(browser, "admin-audit")

    # Filter by action: only key rotations; the CSV link carries the same filter.
    Select(by_id(browser, "af-action")).select_by_value("key.rotate")
    by_id(browser, "af-apply").click()
    wait_until(lambda: (r := table_rows(browser, "audit-table")) and all("key.rotate" in x for x in r),
               what="only key.rotate rows")
    href = by_id(browser, "audit-csv").get_attribute("href")
    assert href.startswith(admin_hub.url + "/api/admin/audit.csv?") and "action=key.rotate" in href
    cookies = {c["name"]: c["value"] for c in browser.get_cookies()}
    download = requests.get(href, cookies=cookies, timeout=10)
    assert download.status_code == 200 and "csv" in download.headers.get("Content-Type", "")
    records = list(csv.reader(io.StringIO(download.text)))
    assert len(records) >= 2 and all("key.rotate" in rec for rec in records[1:]), download.text

    # Filter by outcome: the failed login.
    Select(by_id(browser, "af-action")).select_by_value("")
    Select(by_id(browser, "af-outcome")).select_by_value("failure")
    by_id(browser, "af-apply").click()
    wait_until(lambda: (r := table_rows(browser, "audit-table")) and all("failure" in x for x in r)
               and any("login" in x for x in r), what="only failures")

    # Time range (local time in the form, RFC 3339 UTC on the wire): a future `since` matches nothing.
    Select(by_id(browser, "af-outcome")).select_by_value("")
    browser.execute_script("document.getElementById('af-since').value = '2099-01-01T00:00:00'")
    by_id(browser, "af-apply").click()
    wait_text(browser, "audit-page", "No entries match")
    assert table_rows(browser, "audit-table") == []
    assert "since=2099-01-01T" in requests.utils.unquote(by_id(browser, "audit-csv").get_attribute("href"))
    # Clearing the form brings every entry back; an `until` far in the past matches nothing either.
    by_id(browser, "af-reset").click()
    wait_until(lambda: len(table_rows(browser, "audit-table")) >= 6, what="all entries after Clear")
    browser.execute_script("document.getElementById('af-until').value = '2000-01-01T00:00:00'")
    by_id(browser, "af-apply").click()
    wait_text(browser, "audit-page", "No entries match")
    by_id(browser, "af-reset").click()
    wait_until(lambda: len(table_rows(browser, "audit-table")) >= 6, what="all entries after Clear")
    assert script_errors(browser) == []


def test_non_admin_sees_administrators_only_and_gets_403(admin_hub, browser):
    create_user(admin_hub, OPERATOR, "Olga Operator", "operator", OPERATOR_PASSWORD, substations=["SUB001"])
    form_login(browser, admin_hub.url, OPERATOR, OPERATOR_PASSWORD, next_path="/admin")
    wait_path(browser, "/admin")
    wait_text(browser, "admins-only", "administrators only")
    for section in ("users", "keys", "audit"):
        assert not by_id(browser, f"section-{section}").is_displayed()
    assert table_rows(browser, "users-table") == []
    screenshot(browser, "admin-admins-only")
    for path in ("/api/admin/users", "/api/admin/keys", "/api/admin/audit"):
        answer = page_fetch(browser, "GET", path)
        assert answer["status"] == 403, f"{path}: {answer}"
        assert json_body(answer)["error"]["code"] == "forbidden"


def test_admin_unlocks_a_locked_user_and_logs_out(admin_hub, browser):
    create_user(admin_hub, OPERATOR, "Olga Operator", "operator", OPERATOR_PASSWORD, substations=["SUB001"])
    for attempt in range(10):
        r = requests.post(admin_hub.url + "/login", json={"email": OPERATOR, "password": f"Bad-guess-{attempt:03d}"},
                          timeout=10)
        if r.status_code == 429:
            break
    assert r.status_code == 429, r.text

    form_login(browser, admin_hub.url, ADMIN_EMAIL, ADMIN_PASSWORD, next_path="/admin")
    wait_path(browser, "/admin")
    wait_until(lambda: "locked until" in row_of(browser, "users-table", OPERATOR), what="locked shown")
    open_user_edit(browser, OPERATOR)
    by_id(browser, "ue-unlock").click()
    wait_text(browser, "users-result", f"Sign-in of {OPERATOR} unlocked")
    wait_until(lambda: "locked" not in row_of(browser, "users-table", OPERATOR), what="unlocked shown")
    ok = requests.post(admin_hub.url + "/login", json={"email": OPERATOR, "password": OPERATOR_PASSWORD}, timeout=10)
    assert ok.status_code == 200, ok.text

    # Logout from the header: POST /logout with the CSRF token, back to the login page, session gone.
    by_id(browser, "logout-button").click()
    wait_path(browser, "/login")
    assert page_fetch(browser, "GET", "/api/session")["status"] == 401


def test_admin_changes_grants_resets_password_and_ends_sessions(admin_hub, browser):
    report_substations(admin_hub, {"SUB001": "Portland North", "SUB002": "Salem"})
    create_user(admin_hub, OPERATOR, "Olga Operator", "operator", OPERATOR_PASSWORD, substations=["SUB001"])
    operator = make_browser()
    try:
        form_login(operator, admin_hub.url, OPERATOR, OPERATOR_PASSWORD)
        wait_path(operator, "/portal/")

        form_login(browser, admin_hub.url, ADMIN_EMAIL, ADMIN_PASSWORD, next_path="/admin")
        wait_path(browser, "/admin")
        # Grants: add SUB002; the operator's open session has it at its next request.
        open_user_edit(browser, OPERATOR)
        wait_until(lambda: by_id(browser, "ue-grant-SUB002").is_displayed(), what="edit grants")
        assert by_id(browser, "ue-grant-SUB001").is_selected() and not by_id(browser, "ue-grant-SUB002").is_selected()
        by_id(browser, "ue-grant-SUB002").click()
        by_id(browser, "ue-save").click()
        wait_text(browser, "users-result", f"Updated {OPERATOR}: substations")
        wait_until(lambda: "SUB001, SUB002" in row_of(browser, "users-table", OPERATOR), what="grants shown")
        session = json_body(page_fetch(operator, "GET", "/api/session"))
        assert session["substations"] == ["SUB001", "SUB002"], session

        # End sessions (confirmed): the operator's browser is signed out.
        open_user_edit(browser, OPERATOR)
        by_id(browser, "ue-end-sessions").click()
        confirm(browser, f"End all sessions of {OPERATOR}")
        wait_text(browser, "users-result", f"All sessions of {OPERATOR} ended")
        assert page_fetch(operator, "GET", "/api/session")["status"] == 401

        # Reset password (confirmed): a policy refusal is shown in the dialog; then the old one fails.
        open_user_edit(browser, OPERATOR)
        by_id(browser, "ue-password").send_keys("alllowercaseletters")
        by_id(browser, "ue-reset").click()
        confirm(browser, f"Reset the password of {OPERATOR}")
        assert "one kind of character" in wait_text(browser, "ue-error")
        by_id(browser, "ue-password").clear()
        by_id(browser, "ue-password").send_keys("Night-Shift-Reset-42")
        by_id(browser, "ue-reset").click()
        confirm(browser, f"Reset the password of {OPERATOR}")
        wait_text(browser, "users-result", f"Password of {OPERATOR} reset")
        form_login(operator, admin_hub.url, OPERATOR, OPERATOR_PASSWORD)
        assert wait_text(operator, "login-error") == "wrong email or password"
        form_login(operator, admin_hub.url, OPERATOR, "Night-Shift-Reset-42")
        wait_path(operator, "/portal/")
    finally:
        operator.quit()

    # Each action is in the audit log, attributed to the admin.
    open_admin(browser, admin_hub.url, "audit")
    rows = wait_until(lambda: (r := table_rows(browser, "audit-table")) and any("user.password_reset" in x for x in r)
                      and r, what="audit rows")
    for action in ("user.update", "user.sessions_end", "user.password_reset"):
        assert any(action in r and OPERATOR in r and ADMIN_EMAIL in r for r in rows), f"{action}:\n" + "\n".join(rows)
    assert script_errors(browser) == []


def test_audit_pages_older_and_newer_without_gaps_or_repeats(admin_hub, browser):
    admin = ApiSession(admin_hub, ADMIN_EMAIL, ADMIN_PASSWORD)
    names = [f"edge-{i:03d}" for i in range(64)]
    for name in names:
        r = admin.call("POST", "/api/admin/keys", {"name": name, "scopes": ["ingest"], "substations": "all"})
        assert r.status_code == 201, r.text

    form_login(browser, admin_hub.url, ADMIN_EMAIL, ADMIN_PASSWORD, next_path="/admin#audit")
    wait_path(browser, "/admin")
    wait_until(lambda: table_rows(browser, "audit-table"), what="audit rows")
    Select(by_id(browser, "af-action")).select_by_value("key.create")
    Select(by_id(browser, "af-limit")).select_by_value("50")
    by_id(browser, "af-apply").click()

    def page() -> list[str]:
        rows = table_rows(browser, "audit-table")
        return rows if rows and all("key.create" in r for r in rows) else []

    first = wait_until(lambda: (p := page()) and len(p) == 50 and p, what="first page of 50")
    assert "Page 1" in by_id(browser, "audit-page").text and not by_id(browser, "audit-newer").is_enabled()
    by_id(browser, "audit-older").click()
    second = wait_until(lambda: (p := page()) and "Page 2" in by_id(browser, "audit-page").text and p,
                        what="second page")
    seen = [r.split("\n")[0] for r in first + second]
    targets = sorted(next(n for n in names if n in r) for r in first + second)
    assert targets == sorted(names), f"missing or repeated: {seen}"  # every key once, none twice
    assert targets[-1] in first[0] and "edge-000" in second[-1]  # newest first across pages
    assert not by_id(browser, "audit-older").is_enabled()
    by_id(browser, "audit-newer").click()
    wait_until(lambda: page() == first, what="back to the first page")


def test_admin_loads_replaces_and_deletes_a_map_layer(admin_hub, browser, tmp_path):
    territory = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "North <script>territory</script>"},
         "geometry": {"type": "Polygon", "coordinates": [[[-123, 45], [-122, 45], [-122, 46], [-123, 45]]]}}]}
    good = tmp_path / "territory.geojson"
    good.write_text(json.dumps(territory))
    bad = tmp_path / "not-geojson.json"
    bad.write_text(json.dumps({"type": "Point", "coordinates": "nowhere"}))
    form_login(browser, admin_hub.url, ADMIN_EMAIL, ADMIN_PASSWORD, next_path="/admin#layers")
    wait_path(browser, "/admin")
    open_admin(browser, admin_hub.url, "layers")
    wait_until(lambda: by_id(browser, "layers-empty").is_displayed(), what="the empty layer list")

    def load(name: str, path) -> None:
        by_id(browser, "lu-name").clear()
        by_id(browser, "lu-name").send_keys(name)
        by_id(browser, "lu-file").send_keys(str(path))
        by_id(browser, "lu-submit").click()

    # A bad name and a file the hub refuses: the reason is shown, nothing is stored.
    load("Service Territory", good)
    wait_text(browser, "layer-upload-error", "lower-case")
    load("territory", bad)
    refusal = wait_text(browser, "layer-upload-error", "FeatureCollection")
    assert table_rows(browser, "layers-table") == [], refusal
    # A good file is loaded, then replaced under the same name.
    load("territory", good)
    assert "territory: 1 feature." in wait_text(browser, "layers-result", "Loaded layer territory")
    wait_until(lambda: row_of(browser, "layers-table", "territory"), what="the territory row")
    load("territory", good)
    wait_text(browser, "layers-result", "replaced")
    served = requests.get(admin_hub.url + "/api/portal/layers/territory",
                          headers={"X-API-Key": admin_hub.create_key("layer-reader", scope="read")}, timeout=5)
    assert served.status_code == 200 and served.json() == territory
    screenshot(browser, "admin-layers")
    # Delete, confirmed.
    browser.find_element(By.CSS_SELECTOR, '#layers-table tr[data-name="territory"] button').click()
    confirm(browser, "Delete layer territory")
    wait_text(browser, "layers-result", "Deleted layer territory")
    wait_until(lambda: by_id(browser, "layers-empty").is_displayed(), what="the empty layer list after delete")
    assert requests.get(admin_hub.url + "/api/portal/layers/territory", headers={"X-API-Key": admin_hub.create_key(
        "layer-reader-2", scope="read")}, timeout=5).status_code == 404
    # Each load and the delete are audited with the admin as actor.
    audit = ApiSession(admin_hub, ADMIN_EMAIL, ADMIN_PASSWORD).call("GET", "/api/admin/audit?target=territory").json()
    actions = [(row["action"], row["outcome"]) for row in audit]
    assert actions[0] == ("map.layer_delete", "success")
    assert actions.count(("map.layer_upload", "success")) == 2 and ("map.layer_upload", "failure") in actions
    assert {row["actor"] for row in audit} == {ADMIN_EMAIL}
    assert script_errors(browser) == []
