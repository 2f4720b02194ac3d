"""Live updates in the portal: readings, outages and events pushed over SSE appear without a reload;
the feed's state is shown, it reconnects by itself after a hub restart, and a silent feed is flagged stale."""
import statistics
import time

import pytest
from selenium.webdriver.common.by import By

from browser import browser, console_errors, text_of  # noqa: F401 (browser: fixture)
from portal_support import PortalHub, live_state, open_portal, reading, seed, wait_live_messages, wait_tab
from waiting import wait_until

pytestmark = pytest.mark.both_backends


def cell(browser, sub, feeder, quantity) -> str:
    return browser.execute_script(
        "const c = document.querySelector(`.live-panel[data-sub=${arguments[0]}] tr[data-feeder=${arguments[1]}] td[data-q=${arguments[2]}]`);"
        "return c ? c.textContent : null", sub, feeder, quantity)


def test_reading_posted_during_the_test_appears_without_a_reload(tmp_path, browser):
    hub = PortalHub(tmp_path / "hub-data").start()
    try:
        key = seed(hub, scored=False)
        open_portal(browser, hub, "operator")
        wait_tab(browser, "telemetry")
        wait_until(lambda: live_state(browser) == "live", what="the live feed to connect")
        wait_live_messages(browser)
        assert cell(browser, "SUB001", "FDR001", "voltage_kv") == "229.8"
        reloads = browser.execute_script("return performance.getEntriesByType('navigation').length")
        marker = browser.execute_script("window.__sameDocument = 1; return 1")
        # Ingest → shown in the live panel, five times, carried by the live feed (it stays "live", so
        # the 5 s refresh of a portal without its feed cannot explain the updates).
        latencies = []
        for i, volts in enumerate((231.1, 231.2, 231.3, 231.4, 233.3)):
            extra = {"current_a": 1201.9, "power_mw": 281.4, "frequency_hz": 59.987} if i == 4 else {}
            hub.post(key, "/api/ingest/telemetry", reading("SUB001", "FDR001", {"voltage_kv": volts, **extra}))
            posted = time.monotonic()
            wait_until(lambda: cell(browser, "SUB001", "FDR001", "voltage_kv") == str(volts), timeout=10,
                       what=f"voltage {volts} in the live panel")
            latencies.append(time.monotonic() - posted)
        print(f"ingest → live panel: {', '.join(f'{s * 1000:.0f} ms' for s in latencies)}")
        assert live_state(browser) == "live"
        # A sanity bound, not the target: "within 2 s" is measured by bench/portal-live (ingest → SSE)
        # and bench/portal; a median of 5 s here would mean the push is broken, not a slow machine.
        assert statistics.median(latencies) < 5.0, latencies
        assert cell(browser, "SUB001", "FDR001", "frequency_hz") == "59.987"
        assert cell(browser, "SUB001", "FDR001", "power_mw") == "281.4"
        # Same document: no reload happened.
        assert browser.execute_script("return window.__sameDocument") == marker
        assert browser.execute_script("return performance.getEntriesByType('navigation').length") == reloads
        last = text_of(browser, "#last-update")
        assert last.startswith("last update ") and last != "last update —"

        # A new outage and a trip show up in Alarms & Outages without a reload.
        browser.find_element(By.ID, "tab-alarms").click()
        wait_tab(browser, "alarms")
        hub.post(key, "/api/ingest/outage", {"outage_id": "OUT-LIVE-1", "substation_id": "SUB003", "customers_out": 4321,
                                              "mw_interrupted": 9.9, "status": "ACTIVE", "cause": "tree"})
        hub.post(key, "/api/ingest/event", {"substation_id": "SUB003", "device_id": "SUB003-FDR001", "feeder_id": "FDR001",
                                             "severity": "ALARM", "event_type": "FEEDER_TRIP", "message": "live trip on FDR001"})
        wait_until(lambda: "OUT-LIVE-1" in text_of(browser, "#outage-table"), timeout=10,
                   what="the new outage")
        wait_until(lambda: "live trip on FDR001" in text_of(browser, "#event-log"), timeout=10,
                   what="the new event")
        assert text_of(browser, "#outage-summary").startswith("3 active · 5,881 customers out")
        # Resolving it removes it from the active table.
        hub.post(key, "/api/ingest/outage", {"outage_id": "OUT-LIVE-1", "status": "RESTORED", "customers_out": 0})
        wait_until(lambda: "OUT-LIVE-1" not in text_of(browser, "#outage-table"), timeout=10,
                   what="the restored outage to leave the table")
        assert console_errors(browser) == []
    finally:
        hub.stop()


def test_feed_reconnects_after_a_hub_restart_and_shows_its_state(tmp_path, browser):
    hub = PortalHub(tmp_path / "hub-data").start()
    try:
        key = seed(hub, scored=False)
        open_portal(browser, hub, "operator")
        wait_tab(browser, "telemetry")
        wait_until(lambda: live_state(browser) == "live", what="the live feed to connect")
        hub.stop()
        wait_until(lambda: live_state(browser) == "reconnecting", timeout=10, what="the portal to show the lost feed")
        assert "reconnecting" in text_of(browser, "#live-state").lower()
        hub.start()  # same port, same data
        wait_until(lambda: live_state(browser) == "live", timeout=40, what="the feed to come back by itself")
        hub.post(key, "/api/ingest/telemetry", reading("SUB002", "FDR002", {"voltage_kv": 117.7}))
        wait_until(lambda: cell(browser, "SUB002", "FDR002", "voltage_kv") == "117.7", timeout=10,
                   what="a reading after the reconnect")
    finally:
        hub.stop()


@pytest.mark.sqlite_only(reason="the page's own timer on a silent feed: no store query differs")
def test_silent_feed_shows_a_stale_warning_until_data_arrives(tmp_path, browser):
    hub = PortalHub(tmp_path / "hub-data", HOP_HUB_PORTAL_STALE_AFTER_S="5",
                     HOP_HUB_SCORING_ENABLED="false").start()  # scores would be live data too
    try:
        key = seed(hub, scored=False)
        open_portal(browser, hub, "operator")
        wait_tab(browser, "telemetry")
        warning = browser.find_element(By.ID, "stale-warning")
        wait_until(warning.is_displayed, timeout=30, what="the stale-data warning")
        assert "no new data" in warning.text.lower()
        hub.post(key, "/api/ingest/telemetry", reading("SUB001", "FDR002", {"voltage_kv": 231.0}))
        wait_until(lambda: not warning.is_displayed(), timeout=10, what="the warning to clear on new data")
    finally:
        hub.stop()


@pytest.mark.sqlite_only(reason="the browser blocks the request: the page's retry, not the store, is tested")
def test_a_tab_that_failed_to_load_retries_by_itself(tmp_path, browser):
    """A tab whose request fails (the browser blocks it; the live feed stays up, so no resync can
    rescue it) shows the error, then loads by itself once requests get through again."""
    hub = PortalHub(tmp_path / "hub-data").start()
    try:
        seed(hub, scored=False)
        open_portal(browser, hub, "operator")
        wait_tab(browser, "telemetry")
        wait_until(lambda: live_state(browser) == "live", what="the live feed")
        browser.execute_cdp_cmd("Network.enable", {})
        browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/api/query/ml/trend*"]})
        browser.find_element(By.ID, "tab-ml").click()
        failed = wait_until(lambda: browser.execute_script(
            "return document.getElementById('panel-ml').dataset.failed || null"), timeout=40, what="the failed load")
        assert "cannot reach the hub" in failed, failed
        assert "Could not load data" in text_of(browser, "#panel-ml .panel-error")
        assert "trying again in 5 s" in text_of(browser, "#panel-ml .panel-error")
        browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
        wait_tab(browser, "ml", timeout=20)  # the retry comes 5 s after the failure
        assert browser.execute_script("return document.getElementById('panel-ml').dataset.failed") is None
        assert not text_of(browser, "#panel-ml .panel-error")
        assert live_state(browser) == "live"
    finally:
        hub.stop()


def test_reloads_at_the_per_user_stream_limit_take_the_old_pages_place(tmp_path, browser):
    """With one stream allowed per user, each reload's first stream replaces the stream the page
    before it left behind (the hub would only notice that one closed at its next write): the feed is
    live again at once and the browser never sees a 429."""
    hub = PortalHub(tmp_path / "hub-data", HOP_HUB_LIVE_MAX_STREAMS_PER_CALLER="1",
                     HOP_HUB_SCORING_ENABLED="false").start()  # no writes that would reveal closed streams
    try:
        seed(hub, scored=False)
        open_portal(browser, hub, "operator")
        for _ in range(3):
            wait_until(lambda: live_state(browser) == "live", what="the live feed")
            browser.refresh()
            wait_until(lambda: browser.execute_script("return document.body.dataset.ready === 'true'"), what="reload")
        wait_until(lambda: live_state(browser) == "live", timeout=10, what="the live feed after the last reload")
        assert [e for e in console_errors(browser) if "429" in e] == []
    finally:
        hub.stop()
