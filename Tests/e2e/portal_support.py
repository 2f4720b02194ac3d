"""A hop-hub seeded for portal tests: substations with positions and site names, feeders with
readings over the last half hour (enough for the z-score scorer), events, outages, an edge's health,
portal users (operator, executive, a restricted operator), and helpers to ingest during a test.

The seed is deterministic: every value a test asserts on is a constant in this module.
"""
import json
import pathlib
import time

import requests
from selenium.webdriver.common.by import By

from browser import login
from conftest import Hub
from waiting import wait_until

PASSWORD = "Portal-test-2026!"
ORG = "Pacific Power Co."

# id, site name, latitude, longitude, base voltage (kV)
SUBSTATIONS = [
    ("SUB001", "Portland North", 45.5231, -122.6765, 229.8),
    ("SUB002", "Salem East", 44.9429, -123.0351, 115.2),
    ("SUB003", "Eugene West", 44.0521, -123.0868, 69.1),
]
FEEDERS = ["FDR001", "FDR002"]
# The newest reading of every substation/feeder: what the live panels show.
LATEST = {
    ("SUB001", "FDR001"): {"voltage_kv": 229.8, "current_a": 1187.4, "power_mw": 274.2, "frequency_hz": 60.002},
    ("SUB001", "FDR002"): {"voltage_kv": 230.1, "current_a": 1042.6, "power_mw": 241.7, "frequency_hz": 60.004},
    ("SUB002", "FDR001"): {"voltage_kv": 115.2, "current_a": 612.3, "power_mw": 70.5, "frequency_hz": 59.998},
    ("SUB002", "FDR002"): {"voltage_kv": 114.9, "current_a": 598.1, "power_mw": 68.8, "frequency_hz": 60.001},
    # SUB003 ends far outside the normal band: frequency "High" and an ANOMALY score.
    ("SUB003", "FDR001"): {"voltage_kv": 69.1, "current_a": 301.9, "power_mw": 20.8, "frequency_hz": 60.42},
    ("SUB003", "FDR002"): {"voltage_kv": 68.7, "current_a": 288.4, "power_mw": 19.6, "frequency_hz": 60.42},
}
HISTORY_MINUTES = 30
OUTAGES = [
    {"outage_id": "OUT-2026-0042", "substation_id": "SUB001", "feeder_id": "FDR002", "customers_out": 1250,
     "mw_interrupted": 4.5, "status": "ACTIVE", "cause": "storm", "region": "North", "latitude": 45.53, "longitude": -122.66},
    {"outage_id": "OUT-2026-0043", "substation_id": "SUB002", "feeder_id": "FDR001", "customers_out": 310,
     "mw_interrupted": 1.2, "status": "ACTIVE", "cause": "vehicle", "region": "Valley"},
]
EVENTS = [
    {"substation_id": "SUB001", "device_id": "SUB001-FDR002", "feeder_id": "FDR002", "severity": "ALARM",
     "event_type": "FEEDER_TRIP", "old_state": "CLOSED", "new_state": "OPEN", "message": "Feeder FDR002 tripped on overcurrent"},
    {"substation_id": "SUB002", "device_id": "SUB002-RTU1", "severity": "WARNING", "event_type": "COMM_FAIL",
     "message": "RTU1 stopped answering polls"},
    {"substation_id": "SUB002", "device_id": "SUB002-FDR001", "feeder_id": "FDR001", "severity": "INFO",
     "event_type": "FEEDER_RESTORE", "old_state": "OPEN", "new_state": "CLOSED", "message": "Feeder FDR001 restored"},
]
EDGE = {"edge_id": "edge-north", "journal_depth": 17, "oldest_unsent_age_s": 42, "agent_version": "0.1.0"}

USERS = {
    "operator": ("olivia.operator@example.com", "Olivia Operator", "operator", "SUB001,SUB002,SUB003"),
    "executive": ("evan.exec@example.com", "Evan Executive", "executive", "SUB001,SUB002,SUB003"),
    "restricted": ("rita.restricted@example.com", "Rita Restricted", "operator", "SUB001,SUB003"),
    "admin": ("ada.admin@example.com", "Ada Admin", "admin", None),
}


class PortalHub(Hub):
    """A hop-hub started with HOP_HUB_* settings in its environment (fast bcrypt, 1 s scoring)."""

    def __init__(self, data_dir: pathlib.Path, port: int | None = None, **settings: str):
        # No tile server unless a test sets one: the machine has no internet, and a blank base is valid.
        super().__init__(data_dir, port, **{"HOP_HUB_ACCOUNTS_BCRYPT_COST": "4", "HOP_HUB_SCORING_INTERVAL_S": "1",
                                            "HOP_HUB_PORTAL_TILE_URL": "", **settings})

    def start(self):
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return super().start()

    def create_user(self, email: str, name: str, role: str, substations: str | None, password: str = PASSWORD):
        where = ["--substations", substations] if substations else ["--all-substations"]
        self.cli("users", "create", "--email", email, "--name", name, "--org", ORG, "--role", role, *where,
                 "--password-stdin", stdin=password + "\n")

    def post(self, key: str, path: str, body: dict) -> dict:
        r = requests.post(self.url + path, json=body, headers={"X-API-Key": key}, timeout=30)
        assert r.ok, f"POST {path}: {r.status_code} {r.text}"
        return r.json()


class SSE:
    """Reads a `GET /api/stream` response (requests, `stream=True`) event by event."""

    def __init__(self, response: requests.Response):
        assert response.status_code == 200, f"stream: {response.status_code} {response.text}"
        self.chunks = response.iter_content(chunk_size=None)
        self.buffer = b""

    def next_event(self) -> tuple[str, str]:
        """The next event's `event:` and `data:` (comments and the preamble are skipped).
        Raises AssertionError when the hub ends the body first."""
        while True:
            while b"\n\n" not in self.buffer:
                chunk = next(self.chunks, None)
                assert chunk is not None, f"the stream ended; unread: {self.buffer!r}"
                self.buffer += chunk
            block, self.buffer = self.buffer.split(b"\n\n", 1)
            fields = [(name, value.removeprefix(" ")) for name, _, value in
                      (line.partition(":") for line in block.decode().split("\n") if line and not line.startswith(":"))]
            data = "\n".join(value for name, value in fields if name == "data")
            if data:
                return next((value for name, value in fields if name == "event"), "message"), data

    def wait_for(self, kind: str) -> dict:
        """Reads until an event of `kind` and returns its JSON data."""
        while True:
            event, data = self.next_event()
            if event == kind:
                return json.loads(data)


def open_stream(hub: PortalHub, email: str, password: str = PASSWORD) -> SSE:
    """Signs `email` in (a session of its own) and opens a live stream with it."""
    session = requests.Session()
    r = session.post(hub.url + "/login", json={"email": email, "password": password}, timeout=10)
    assert r.status_code == 200, f"login as {email}: {r.status_code} {r.text}"
    return SSE(session.get(hub.url + "/api/stream", stream=True, timeout=(5, 30)))


def reading(sub: str, feeder: str, values: dict, ts_ms: int | None = None, site: str | None = None) -> dict:
    """One telemetry record of the seed's shape (site name and position from SUBSTATIONS)."""
    info = next(s for s in SUBSTATIONS if s[0] == sub)
    body = {"substation_id": sub, "feeder_id": feeder, "device_id": f"{sub}-{feeder}", "site_name": site or info[1],
            "latitude": info[2], "longitude": info[3], **values}
    if ts_ms is not None:
        body["ts"] = ts_ms
    return body


def history(now_ms: int) -> list[dict]:
    """HISTORY_MINUTES readings per feeder, one a minute, ending with LATEST (frequency wobbles ±0.01 Hz)."""
    out = []
    for (sub, feeder), last in LATEST.items():
        for i in range(HISTORY_MINUTES, 0, -1):
            wobble = ((i * 7) % 5 - 2) * 0.005
            values = {k: round(v * (1 + 0.001 * ((i % 3) - 1)), 3) for k, v in last.items() if k != "frequency_hz"}
            values["frequency_hz"] = round(60.0 + wobble, 3)
            out.append(reading(sub, feeder, values, now_ms - i * 60_000))
        out.append(reading(sub, feeder, dict(last), now_ms - 1_000))
    return out


def seed(hub: PortalHub, scored: bool = True) -> str:
    """Seeds the hub (readings, events, outages, edge health, users) and returns an ingest+read key."""
    key = hub.create_key("portal-seed", scope="ingest,read")
    now_ms = int(time.time() * 1000)
    health = {"journal_depth": EDGE["journal_depth"], "oldest_unsent_age_s": EDGE["oldest_unsent_age_s"],
              "evicted_total": 0, "quarantined_total": 0, "agent_version": EDGE["agent_version"],
              "devices": [{"name": "rtu-1", "substation_id": "SUB001", "comm_state": "ok", "last_poll_latency_ms": 12.5},
                          {"name": "rtu-2", "substation_id": "SUB002", "comm_state": "failed"}]}
    hub.post(key, "/api/ingest/batch", {"edge_id": EDGE["edge_id"], "seq": 1, "telemetry": history(now_ms),
                                        "events": [], "outages": [], "health": health})
    for event in EVENTS:
        hub.post(key, "/api/ingest/event", event)
    for outage in OUTAGES:
        hub.post(key, "/api/ingest/outage", outage)
    for email, name, role, subs in USERS.values():
        hub.create_user(email, name, role, subs)
    if scored:
        wait_until(lambda: len(requests.get(hub.url + "/api/query/ml/latest", headers={"X-API-Key": key}, timeout=5).json()) == 3,
                   timeout=30, what="a score for each seeded substation")
    return key


def start_seeded(tmp_path: pathlib.Path, **settings: str) -> tuple[PortalHub, str]:
    hub = PortalHub(tmp_path / "hub-data", **settings).start()
    return hub, seed(hub)


# ---- driving the portal in the browser ----

TAB_IDS = ["telemetry", "alarms", "frequency", "ml", "executive", "maps"]


def open_portal(browser, hub, user: str = "operator", fragment: str = "") -> None:
    """Signs `user` (a key of USERS) in and opens /portal/ with `fragment` (e.g. '#tab=ml')."""
    login(browser, hub.url, USERS[user][0], PASSWORD)
    browser.get(hub.url + "/portal/" + fragment)
    wait_until(lambda: browser.execute_script("return document.body.dataset.ready === 'true'"), timeout=20,
               what="the portal to start")


def live_state(browser) -> str:
    """The live feed's state as the header shows it (connecting, live, reconnecting, …)."""
    return browser.find_element(By.ID, "live-state").get_attribute("data-state")


def active_tab(browser) -> str:
    return browser.execute_script(
        "const b = document.querySelector('[role=tab][aria-selected=true]'); return b ? b.dataset.tab : null")


def wait_tab(browser, tab: str, timeout: float = 40) -> str:
    """Waits until `tab` is shown and finished loading; returns its panel's text. The default outlasts
    the portal's 30 s request timeout, so a hub that does not answer ends as the page's own error."""
    def ready():
        return browser.execute_script(
            "const p = document.getElementById('panel-' + arguments[0]);"
            "return p && !p.hidden && p.dataset.loaded !== undefined", tab)
    try:
        wait_until(ready, timeout=timeout, what=f"the {tab} tab to render")
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{tab_diagnostics(browser, tab)}") from None
    return panel_text(browser, tab)


def tab_diagnostics(browser, tab: str) -> str:
    """What the page says about a tab that did not finish loading (for the failure message)."""
    state = browser.execute_script(
        "const p = document.getElementById('panel-' + arguments[0]);"
        "const err = p && p.querySelector('.panel-error');"
        "return {hidden: p ? p.hidden : null, loaded: p ? (p.dataset.loaded ?? null) : null,"
        " error: err ? err.innerText : null, status: (document.getElementById('app-status') || {}).innerText || null,"
        " hash: location.hash, active: (document.querySelector('[role=tab][aria-selected=true]') || {dataset: {}}).dataset.tab || null,"
        " renders: (window.__hopRenders || []).slice(-8).map(r => `${r.tab}:${Math.round(r.ms)}ms`),"
        " live: (document.getElementById('live-state') || {dataset: {}}).dataset.state || null,"
        " busy: p ? p.getAttribute('aria-busy') : null, failed: p ? (p.dataset.failed ?? null) : null,"
        " inflight: window.__hopInflight ? [...window.__hopInflight.values()] : 'not recorded'}", tab)
    logs = [e["message"] for e in browser.get_log("browser")][-20:]
    return f"page state: {state}\nbrowser console: {logs}"


def panel_text(browser, tab: str) -> str:
    return browser.find_element(By.ID, f"panel-{tab}").text


def click_tab(browser, tab: str) -> str:
    """Clicks the tab's button and waits for it to render. A click that did not select the tab (the
    header reflowed between chromedriver's hit test and the click) is repeated once, with a note."""
    browser.find_element(By.ID, f"tab-{tab}").click()
    try:
        wait_until(lambda: active_tab(browser) == tab, timeout=5, what=f"the {tab} tab to be selected")
    except AssertionError:
        print(f"click on tab-{tab} did not select it (active: {active_tab(browser)}); clicking again")
        browser.find_element(By.ID, f"tab-{tab}").click()
    return wait_tab(browser, tab)


def page_text(browser) -> str:
    return browser.find_element(By.TAG_NAME, "body").text


def wait_live_messages(browser, at_least: int = 1, timeout: float = 20) -> int:
    """Waits until the page's stream has delivered messages (proves the hub's subscription is active;
    the seeded hub scores every second, so score messages flow)."""
    return wait_until(lambda: int(browser.execute_script("return document.body.dataset.liveMessages || '0'")) >= at_least,
                      timeout=timeout, what=f"{at_least} live message(s)")
