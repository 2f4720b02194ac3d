"""Helpers for the login and /admin browser tests: a hub with a first admin created by the CLI,
users created with `hop-hub users create --password-stdin`, and page-driving helpers that wait on
what the page shows (never on sleeps)."""
import json
import subprocess

import pytest
import requests
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By

from conftest import BIN, Hub
from waiting import wait_until

ADMIN_EMAIL = "ada.admin@example-utility.net"
ADMIN_PASSWORD = "Admin-Console-2026"
OPERATOR_PASSWORD = "Operator-Shift-77"
# Fast hashes and a small lockout threshold keep the browser tests quick and deterministic.
HUB_ENV = {"HOP_HUB_ACCOUNTS_BCRYPT_COST": "4", "HOP_HUB_LOGIN_MAX_FAILURES": "3"}


def create_user(hub: Hub, email: str, name: str, role: str, password: str,
                substations: list[str] | None = None, org: str | None = None) -> None:
    """`hop-hub users create … --password-stdin` against the hub's data directory."""
    where = ["--substations", ",".join(substations)] if substations else ["--all-substations"]
    args = [str(BIN / "hop-hub"), "users", "create", "--data-dir", str(hub.data_dir), "--email", email,
            "--name", name, "--role", role, *where, "--password-stdin"]
    if org:
        args += ["--org", org]
    result = subprocess.run(args, input=password + "\n", capture_output=True, text=True, env=hub.env)
    assert result.returncode == 0, f"users create {email}: {result.stderr}"


@pytest.fixture
def admin_hub(tmp_path):
    """A running hub whose first admin (ADMIN_EMAIL) was created with the CLI before it started."""
    hub = Hub(tmp_path / "hub-data", **HUB_ENV)
    hub.data_dir.mkdir(parents=True)
    create_user(hub, ADMIN_EMAIL, "Ada Admin", "admin", ADMIN_PASSWORD, org="Example Utility")
    hub.start()
    yield hub
    hub.stop()


def report_substations(hub: Hub, sites: dict[str, str]) -> None:
    """Makes the hub know these substations (id -> site name): one telemetry reading each, ingested
    with an ingest key, so they appear in GET /api/query/substations and the admin grant pickers."""
    key = hub.create_key("admin-ui-seed", scope="ingest")
    for sub, site in sites.items():
        r = requests.post(hub.url + "/api/ingest/telemetry", headers={"X-API-Key": key}, timeout=10, json={
            "substation_id": sub, "feeder_id": "FDR001", "device_id": f"{sub}-FDR001", "site_name": site,
            "latitude": 45.52, "longitude": -122.68, "voltage_kv": 229.8, "current_a": 1187.4,
            "power_mw": 274.2, "frequency_hz": 60.002})
        assert r.status_code < 300, f"ingest {sub}: {r.status_code} {r.text}"


class ApiSession:
    """A `requests` session signed in through POST /login, sending X-CSRF-Token on writes."""

    def __init__(self, hub: Hub, email: str, password: str):
        self.hub = hub
        self.http = requests.Session()
        r = self.http.post(hub.url + "/login", json={"email": email, "password": password}, timeout=10)
        assert r.status_code == 200, f"login {email}: {r.status_code} {r.text}"
        self.csrf = self.http.get(hub.url + "/api/session", timeout=10).json()["csrf_token"]

    def call(self, method: str, path: str, body=None) -> requests.Response:
        headers = {} if method in ("GET", "HEAD") else {"X-CSRF-Token": self.csrf}
        return self.http.request(method, self.hub.url + path, json=body, headers=headers, timeout=10)


# --- page helpers -------------------------------------------------------------------------------

def by_id(browser, element_id: str):
    return browser.find_element(By.ID, element_id)


def visible_text(browser, element_id: str) -> str:
    """The text of #element_id when it is displayed, else ''."""
    try:
        node = by_id(browser, element_id)
        return node.text if node.is_displayed() else ""
    except (NoSuchElementException, StaleElementReferenceException):
        return ""


def wait_text(browser, element_id: str, contains: str = "", timeout: float = 20.0) -> str:
    """Waits until #element_id is displayed with non-empty text containing `contains`; returns it."""
    return wait_until(lambda: (t := visible_text(browser, element_id)) and contains in t and t,
                      timeout=timeout, what=f"#{element_id} showing {contains!r}")


def form_login(browser, hub_url: str, email: str, password: str, next_path: str | None = None) -> None:
    """Types the credentials into the login page and presses Enter in the password field."""
    url = hub_url + "/login" + (f"?next={requests.utils.quote(next_path, safe='')}" if next_path else "")
    browser.get(url)
    wait_until(lambda: by_id(browser, "login-email").is_displayed(), what="login form")
    by_id(browser, "login-email").clear()
    by_id(browser, "login-email").send_keys(email)
    by_id(browser, "login-password").clear()
    by_id(browser, "login-password").send_keys(password + "\n")


def wait_path(browser, path: str, timeout: float = 20.0) -> str:
    """Waits until the browser is at `path` on the hub (URL without query/hash); returns the URL."""
    def there():
        url = browser.current_url
        return url if url.split("#")[0].split("?")[0].endswith(path) else None
    return wait_until(there, timeout=timeout, what=f"navigation to {path} (at {browser.current_url})")


def open_admin(browser, hub_url: str, section: str = "users"):
    """Opens /admin#section and waits until its table has been drawn at least once."""
    browser.get(f"{hub_url}/admin#{section}")
    wait_until(lambda: by_id(browser, f"section-{section}").is_displayed(), what=f"admin section {section}")


def table_rows(browser, table_id: str) -> list[str]:
    """The visible text of each body row of #table_id."""
    try:
        return [r.text for r in browser.find_elements(By.CSS_SELECTOR, f"#{table_id} tbody tr")]
    except StaleElementReferenceException:
        return []


def open_user_edit(browser, email: str) -> None:
    """Clicks Edit on `email`'s row of the users table and waits for the edit dialog."""
    wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, f'#users-table tr[data-email="{email}"] button'),
               what=f"users row of {email}")
    browser.find_element(By.CSS_SELECTOR, f'#users-table tr[data-email="{email}"] button').click()
    wait_until(lambda: by_id(browser, "user-edit").is_displayed(), what="edit dialog")


def confirm(browser, expect_title: str) -> None:
    """Presses the red button of the confirmation dialog after checking its title."""
    wait_until(lambda: by_id(browser, "confirm-dialog").is_displayed(), what="confirmation dialog")
    assert expect_title in by_id(browser, "confirm-title").text
    by_id(browser, "confirm-ok").click()
    wait_until(lambda: not by_id(browser, "confirm-dialog").is_displayed(), what="dialog closed")


def page_fetch(browser, method: str, path: str, csrf: bool = False) -> dict:
    """fetch() from inside the page with the browser's cookie; returns {status, body}."""
    return browser.execute_async_script(
        """
        const [method, path, csrf, done] = arguments;
        (async () => {
          const headers = {'Accept': 'application/json'};
          if (csrf) {
            const s = await fetch('/api/session', {credentials: 'same-origin'});
            if (s.ok) headers['X-CSRF-Token'] = (await s.json()).csrf_token;
          }
          const r = await fetch(path, {method, headers, credentials: 'same-origin'});
          done({status: r.status, body: await r.text()});
        })().catch(e => done({status: 0, body: String(e)}));
        """, method, path, csrf)


def json_body(result: dict):
    return json.loads(result["body"]) if result["body"] else None
