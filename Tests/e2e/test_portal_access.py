"""What the portal may show: a user without a grant for SUB002 never receives or shows SUB002 (DOM
text, fetched bodies, SSE messages, request URLs), and device text is rendered as text (XSS)."""
import json

import pytest
from selenium.webdriver.common.by import By

from browser import browser, console_errors, network_log, record_network, text_of  # noqa: F401 (browser: fixture)
from portal_support import (TAB_IDS, PortalHub, click_tab, live_state, open_portal, page_text, reading, seed,
                            wait_live_messages, wait_tab)
from waiting import wait_until

pytestmark = pytest.mark.both_backends

XSS = "<img src=x onerror=window.__xss=1>"


def cell(browser, sub, feeder, quantity):
    return browser.execute_script(
        "const c = document.querySelector(`.live-panel[data-sub=${arguments[0]}] tr[data-feeder=${arguments[1]}] td[data-q=${arguments[2]}]`);"
        "return c ? c.textContent : null", sub, feeder, quantity)


def everything_seen(browser) -> str:
    """The whole DOM's text (incl. hidden and attribute values) plus everything received over the network."""
    dom = browser.execute_script("return document.documentElement.outerHTML")
    return dom + "\n" + json.dumps(network_log(browser))


def test_user_without_grant_never_sees_sub002(tmp_path, browser):
    hub = PortalHub(tmp_path / "hub-data").start()
    try:
        key = seed(hub)
        record_network(browser)
        open_portal(browser, hub, "restricted")
        for tab in TAB_IDS:
            click_tab(browser, tab)
            text = page_text(browser)
            assert "SUB002" not in text and "Salem East" not in text, f"SUB002 visible on {tab}"
        wait_until(lambda: live_state(browser) == "live", what="the live feed")
        wait_live_messages(browser)  # the stream is subscribed before SUB002's data arrives
        # Data of SUB002 arrives at the hub during the session; then a SUB001 reading as a marker.
        hub.post(key, "/api/ingest/telemetry", reading("SUB002", "FDR001", {"voltage_kv": 111.1}))
        hub.post(key, "/api/ingest/event", {"substation_id": "SUB002", "severity": "ALARM", "event_type": "FEEDER_TRIP",
                                             "feeder_id": "FDR001", "message": "SUB002 trip"})
        hub.post(key, "/api/ingest/outage", {"outage_id": "OUT-SUB002", "substation_id": "SUB002", "status": "ACTIVE",
                                              "customers_out": 9})
        click_tab(browser, "telemetry")
        hub.post(key, "/api/ingest/telemetry", reading("SUB001", "FDR002", {"voltage_kv": 232.2}))
        wait_until(lambda: cell(browser, "SUB001", "FDR002", "voltage_kv") == "232.2", timeout=10, what="the marker reading")
        seen = everything_seen(browser)
        assert "232.2" in seen  # the recorder did capture the live feed...
        assert any(e["kind"] == "sse" for e in network_log(browser))
        assert any(e["kind"] == "fetch" and "/api/query/" in e["url"] for e in network_log(browser))
        for secret in ("SUB002", "Salem East", "OUT-SUB002"):  # ...and nothing of SUB002
            assert secret not in seen, f"{secret} seen: ...{seen[max(0, seen.find(secret) - 300):seen.find(secret) + 100]}..."
        assert "SUB001" in seen and "SUB003" in seen
        options = [o.get_attribute("value") for o in browser.find_elements(By.CSS_SELECTOR, "#sub-select option")]
        assert options == ["", "SUB001", "SUB003"]

        # A deep link naming SUB002 is refused in the browser: no request ever names it.
        browser.get(hub.url + "/portal/#tab=telemetry&sub=SUB002&range=1h")
        browser.refresh()
        wait_until(lambda: browser.execute_script("return document.body.dataset.ready === 'true'"), what="reload")
        wait_tab(browser, "telemetry")
        assert "not available to your account" in text_of(browser, "#app-status")
        assert browser.find_element(By.ID, "sub-select").get_attribute("value") == ""
        urls = browser.execute_script("return performance.getEntries().map(e => e.name)")
        assert not [u for u in urls if "SUB002" in u.split("#")[0]]
        assert "Salem East" not in everything_seen(browser)
        assert console_errors(browser) == []
    finally:
        hub.stop()


def test_device_text_is_rendered_as_text(tmp_path, browser):
    hub = PortalHub(tmp_path / "hub-data").start()
    try:
        key = seed(hub)
        hub.post(key, "/api/ingest/telemetry", reading("SUB001", "FDR001", {"voltage_kv": 229.9}, site=XSS))
        hub.post(key, "/api/ingest/event", {"substation_id": "SUB001", "severity": "ALARM", "event_type": "FEEDER_TRIP",
                                             "message": XSS, "old_state": XSS})
        hub.post(key, "/api/ingest/outage", {"outage_id": "OUT-XSS", "substation_id": "SUB001", "status": "ACTIVE",
                                              "cause": XSS, "region": XSS, "customers_out": 1})
        open_portal(browser, hub, "operator")
        for tab in TAB_IDS:
            click_tab(browser, tab)
            if tab in ("telemetry", "frequency", "ml", "executive", "alarms"):
                assert XSS in page_text(browser), f"payload not shown as text on {tab}"
        # The map's tooltip and popup for SUB001 are built from text too: open the popup.
        browser.execute_script("document.querySelector('#map path.sub-SUB001').dispatchEvent(new MouseEvent('click', {bubbles: true}))")
        wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content"), what="the marker popup")
        popups = browser.execute_script(
            "return [...document.querySelectorAll('.leaflet-popup-content')].map(p => p.textContent).join(' ')")
        assert XSS in popups and "SUB001" in popups
        assert XSS in browser.execute_script("return document.getElementById('map-marker-list').textContent")
        assert XSS in [o.text for o in browser.find_elements(By.CSS_SELECTOR, "#sub-select option")][1]
        assert browser.execute_script("return window.__xss") is None
        assert browser.execute_script("return document.querySelectorAll('img[src=\"x\"]').length") == 0
        assert console_errors(browser) == []
    finally:
        hub.stop()
