"""The portal's six tabs in headless Chromium against a real, seeded hub: role default tabs, the seeded
values in each tab, deep links, the theme surviving a reload, screenshots of every tab in both themes."""
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from browser import browser, console_errors, low_contrast_texts, make_browser, screenshot, text_of  # noqa: F401 (browser: fixture)
from portal_support import (EDGE, LATEST, PASSWORD, TAB_IDS, USERS, PortalHub, active_tab, click_tab, open_portal,
                            page_text, seed, wait_tab)
from waiting import wait_until


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, backend):
    # `backend`: one seeded hub per store for the tests marked both_backends.
    hub = PortalHub(tmp_path_factory.mktemp(f"portal-tabs-{backend}") / "hub-data").start()
    seed(hub)
    yield hub
    hub.stop()


@pytest.mark.both_backends
def test_operator_lands_on_telemetry_with_live_values(seeded, browser):
    open_portal(browser, seeded, "operator")
    assert active_tab(browser) == "telemetry"
    text = wait_tab(browser, "telemetry")
    for (sub, feeder), values in LATEST.items():
        row = text_of(browser, f".live-panel[data-sub={sub}] tr[data-feeder={feeder}]")
        assert f"{values['voltage_kv']:.1f}" in row and f"{values['current_a']:.1f}" in row
        assert f"{values['power_mw']:.1f}" in row and f"{values['frequency_hz']:.3f}" in row
    assert "Portland North" in text and "Salem East" in text
    # SUB003's newest frequency is far off its baseline: its panel says Anomaly.
    assert "Anomaly" in text_of(browser, ".live-panel[data-sub=SUB003] .score")
    # Charts of the first substation were drawn by dygraphs (a canvas per quantity).
    wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, "#chart-voltage_kv canvas"), what="the voltage chart")
    assert "SUB001 · Portland North" in text_of(browser, "#telemetry-chart-title")
    header = text_of(browser, "#header")
    assert USERS["operator"][1] in header and "operator" in header and "Pacific Power Co." in header
    assert console_errors(browser) == []


def test_only_admins_get_the_admin_link(seeded, browser):
    open_portal(browser, seeded, "operator")
    wait_tab(browser, "telemetry")
    assert browser.find_elements(By.ID, "admin-link") == []
    browser.delete_all_cookies()
    open_portal(browser, seeded, "admin")
    wait_tab(browser, "telemetry")
    link = browser.find_element(By.ID, "admin-link")
    link.click()
    wait_until(lambda: browser.current_url.endswith("/admin") and "Users" in browser.find_element(By.TAG_NAME, "body").text,
               what="the admin page after following the portal's Admin link")


@pytest.mark.both_backends
def test_executive_lands_on_executive_view_with_totals(seeded, browser):
    open_portal(browser, seeded, "executive")
    assert active_tab(browser) == "executive"
    wait_tab(browser, "executive")
    kpi = lambda i: text_of(browser, "#" + i)  # noqa: E731
    assert "2" in kpi("exec-outages").splitlines()[-1]
    assert kpi("exec-customers").splitlines()[-1] == "1,560"
    assert kpi("exec-mw").splitlines()[-1] == "5.7"
    assert kpi("exec-anomalies").splitlines()[-1] == "1"
    # SUB001 and SUB002 have outages, SUB003 an anomaly: no healthy substation.
    assert kpi("exec-health").splitlines()[-1] == "0.0 %"
    edges = text_of(browser, "#exec-edges")
    assert EDGE["edge_id"] in edges and str(EDGE["journal_depth"]) in edges and "1 / 2" in edges
    rows = text_of(browser, "#exec-substations")
    assert "Portland North" in rows and "OUT-2026-0042" in rows and "Anomaly" in rows


@pytest.mark.both_backends
def test_every_tab_shows_the_seeded_values(seeded, browser):
    open_portal(browser, seeded, "operator", "#tab=alarms&range=1h")
    text = wait_tab(browser, "alarms")
    assert "Feeder FDR002 tripped on overcurrent" in text and "RTU1 stopped answering polls" in text
    assert "OUT-2026-0042" in text and "1,250" in text and "4.5" in text and "OUT-2026-0043" in text
    assert text_of(browser, "#outage-summary") == "2 active · 1,560 customers out · 5.7 MW interrupted"
    classes = browser.execute_script(
        "return [...document.querySelectorAll('#event-log tbody tr')].map(r => r.className + ':' + r.cells[5].textContent)")
    assert "row-bad:ALARM FEEDER_TRIP" in classes and "row-warn:WARNING COMM_FAIL" in classes
    assert "row-ok:INFO FEEDER_RESTORE" in classes
    alerts = text_of(browser, "#alert-log")
    assert "FEEDER_TRIP" in alerts and ("sent" in alerts or "suppressed" in alerts)

    text = click_tab(browser, "frequency")
    assert "Normal band 59.85–60.15 Hz" in text
    sub3 = text_of(browser, ".dial-card[data-sub=SUB003]")
    assert "60.420 Hz" in sub3 and "High" in sub3
    assert "Normal" in text_of(browser, ".dial-card[data-sub=SUB001]")
    assert "3 substations" in text_of(browser, "#panel-frequency .section:nth-child(2) p")
    wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, "#frequency-chart canvas"), what="the threshold plot")

    text = click_tab(browser, "ml")
    counts = text_of(browser, "#ml-counts")
    assert "Anomaly\n1" in counts
    card = text_of(browser, ".score-card[data-sub=SUB003]")
    assert "Anomaly" in card
    table = text_of(browser, "#ml-table")
    assert "zscore-v1" in table and "60.420" in table
    assert "scores" in text_of(browser, "#ml-trend-note")

    click_tab(browser, "maps")
    wait_until(lambda: len(browser.find_elements(By.CSS_SELECTOR, "#map path.marker")) == 3, what="three substation markers")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#map path.outage-area")) == 2
    markers = browser.execute_script("return document.getElementById('map-marker-list').textContent")
    assert "SUB001 Portland North: Outage" in markers and "SUB003 Eugene West: Anomaly" in markers
    assert console_errors(browser) == []


@pytest.mark.both_backends
def test_deep_link_opens_tab_substation_and_range(seeded, browser):
    open_portal(browser, seeded, "operator", "#tab=frequency&sub=SUB002&range=6h")
    assert active_tab(browser) == "frequency"
    wait_tab(browser, "frequency")
    assert browser.find_element(By.ID, "sub-select").get_attribute("value") == "SUB002"
    assert browser.find_element(By.ID, "range-select").get_attribute("value") == "6h"
    assert browser.execute_script("return [...document.querySelectorAll('.dial-card')].map(d => d.dataset.sub)") == ["SUB002"]
    # Changing the selection rewrites the link.
    browser.find_element(By.ID, "tab-telemetry").click()
    wait_tab(browser, "telemetry")
    assert browser.execute_script("return location.hash") == "#tab=telemetry&sub=SUB002&range=6h"
    assert "Salem East" in text_of(browser, "#telemetry-chart-title")


def test_tabs_are_keyboard_reachable(seeded, browser):
    open_portal(browser, seeded, "operator", "#tab=telemetry")
    wait_tab(browser, "telemetry")
    browser.find_element(By.ID, "tab-telemetry").send_keys(Keys.ARROW_RIGHT)
    wait_tab(browser, "alarms")
    assert browser.switch_to.active_element.get_attribute("id") == "tab-alarms"
    browser.switch_to.active_element.send_keys(Keys.END)
    wait_tab(browser, "maps")
    assert browser.execute_script("return location.hash").startswith("#tab=maps")


def test_theme_survives_reload(seeded, browser):
    open_portal(browser, seeded, "operator")
    wait_tab(browser, "telemetry")
    before = browser.execute_script("return document.documentElement.dataset.theme")
    browser.find_element(By.ID, "theme-toggle").click()
    after = browser.execute_script("return document.documentElement.dataset.theme")
    assert {before, after} == {"light", "dark"}
    browser.refresh()
    wait_until(lambda: browser.execute_script("return document.body.dataset.ready === 'true'"), what="reload")
    assert browser.execute_script("return document.documentElement.dataset.theme") == after
    assert browser.find_element(By.ID, "theme-toggle").get_attribute("aria-pressed") == str(after == "dark").lower()


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_screenshots_of_every_tab_in_both_themes(seeded, size):
    driver = make_browser(*size)
    try:
        open_portal(driver, seeded, "operator")
        for theme in ("light", "dark"):
            driver.execute_script("localStorage.setItem('hop.theme', arguments[0])", theme)
            for tab in TAB_IDS:
                driver.get(f"{seeded.url}/portal/#tab={tab}&range=1h")
                driver.refresh()  # the same page with another hash is not reloaded by get()
                wait_until(lambda: driver.execute_script("return document.body.dataset.ready === 'true'"), what="portal")
                wait_tab(driver, tab)
                assert driver.execute_script("return document.documentElement.dataset.theme") == theme
                # Text stays readable: every text meets WCAG AA contrast (4.5:1) in both themes.
                assert low_contrast_texts(driver) == [], f"{tab}/{theme}"
                # Nothing overflows the window horizontally at this size.
                assert driver.execute_script(
                    "const d = document.documentElement; return d.scrollWidth <= d.clientWidth + 1"), f"{tab} overflows"
                path = screenshot(driver, f"portal-{tab}-{theme}-{size[0]}x{size[1]}")
                assert path.stat().st_size > 10_000
        assert page_text(driver)
        assert console_errors(driver) == []
    finally:
        driver.quit()


def test_signed_out_deep_link_goes_through_login_and_back(seeded, browser):
    browser.get(f"{seeded.url}/portal/#tab=ml&sub=SUB003&range=6h")
    wait_until(lambda: browser.execute_script("return location.pathname") == "/login", what="the redirect to /login")
    assert "next=" in browser.current_url
    browser.find_element(By.ID, "login-email").send_keys(USERS["operator"][0])
    browser.find_element(By.ID, "login-password").send_keys(PASSWORD)
    browser.find_element(By.ID, "login-submit").click()
    wait_until(lambda: browser.execute_script("return location.pathname === '/portal/' && document.body.dataset.ready === 'true'"),
               what="the portal after signing in")
    assert active_tab(browser) == "ml"
    wait_tab(browser, "ml")
    assert browser.execute_script("return [...document.querySelectorAll('.score-card')].map(c => c.dataset.sub)") == ["SUB003"]
    assert browser.find_element(By.ID, "range-select").get_attribute("value") == "6h"


@pytest.mark.both_backends
def test_sign_out_sends_the_csrf_token_and_ends_the_session(seeded, browser):
    open_portal(browser, seeded, "operator")
    wait_tab(browser, "telemetry")
    browser.find_element(By.ID, "sign-out").click()
    wait_until(lambda: browser.execute_script("return location.pathname") == "/login", what="the login page")
    status = browser.execute_async_script(
        "const done = arguments[0]; fetch('/api/session').then(r => done(r.status), () => done(0))")
    assert status == 401  # the hub accepted the logout (it needs the CSRF token) and dropped the session
    browser.get(seeded.url + "/portal/#tab=alarms")
    wait_until(lambda: browser.execute_script("return location.pathname") == "/login", what="the portal to send us to /login")
    assert "next=%2Fportal%2F%23tab%3Dalarms" in browser.current_url


@pytest.mark.both_backends
def test_range_selector_refetches_rolled_up_series(seeded, browser):
    open_portal(browser, seeded, "operator", "#tab=telemetry&sub=SUB001&range=1h")
    wait_tab(browser, "telemetry")
    assert text_of(browser, "#telemetry-chart-note").startswith("Raw readings")
    before = browser.execute_script("return window.__hopRenders.length")
    Select(browser.find_element(By.ID, "range-select")).select_by_value("7d")
    wait_until(lambda: browser.execute_script(
        "return window.__hopRenders.slice(arguments[0]).some(r => r.tab === 'telemetry' && r.range === '7d')", before),
        what="the 7-day reload")
    assert text_of(browser, "#telemetry-chart-note").startswith("Averages per 10 min with min–max envelope")
    assert browser.execute_script("return location.hash") == "#tab=telemetry&sub=SUB001&range=7d"
    urls = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert any("timeseries?substation_id=SUB001&minutes=10080" in u for u in urls)


def insert_scores(hub, rows):
    """Scores written straight into the hub's database (scoring is off in these hubs, so none clash)."""
    hub.sql_many("INSERT INTO scores (ts, substation_id, anomaly_score, is_anomaly, z_score, baseline_mean, baseline_std, "
                 "latest_value, model_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


@pytest.mark.both_backends
def test_ml_trend_of_a_week_over_20_substations_covers_the_whole_week(tmp_path, browser):
    """20 substations x one score every 5 minutes over 7 days (40,320 scores): the hub thins them to
    at most the 240 buckets per substation the scatter can draw apart (42 minutes asked, one-hour
    buckets taken: 168, the partial first one and the newest score besides), so the whole week fits
    the 20,000 a request returns, and the chart draws all of it."""
    hub = PortalHub(tmp_path / "hub-data", HOP_HUB_SCORING_ENABLED="false").start()
    try:
        seed(hub, scored=False)
        now = int(time.time() * 1000)
        rows = [(now - m * 60_000, f"SUB{s:03d}", 0.1 + (m % 7) / 100, False, 0.2, 60.0, 0.01, 60.001, "zscore-v1")
                for s in range(1, 21) for m in range(0, 7 * 1440, 5)]
        insert_scores(hub, rows)
        open_portal(browser, hub, "admin", "#tab=ml&range=7d")
        wait_tab(browser, "ml")
        note = text_of(browser, "#ml-trend-note")
        count = int(note.split(" scores")[0].replace(",", ""))
        assert 20 * 168 <= count <= 20 * (168 + 2) and "choose a substation" not in note, note
        assert console_errors(browser) == []
    finally:
        hub.stop()


def test_ml_trend_beyond_the_hubs_limit_draws_the_newest_window_it_covers(tmp_path, browser):
    """Every anomaly is kept: 20 substations x an anomaly every 5 minutes over 7 days are 40,320,
    over the 20,000 a request returns: the hub sends the newest and the chart says which window
    they cover."""
    hub = PortalHub(tmp_path / "hub-data", HOP_HUB_SCORING_ENABLED="false").start()
    try:
        seed(hub, scored=False)
        now = int(time.time() * 1000)
        rows = [(now - m * 60_000, f"SUB{s:03d}", 0.9, True, 4.2, 60.0, 0.01, 60.05, "zscore-v1")
                for s in range(1, 21) for m in range(0, 7 * 1440, 5)]
        insert_scores(hub, rows)
        open_portal(browser, hub, "admin", "#tab=ml&range=7d")
        wait_tab(browser, "ml")
        note = text_of(browser, "#ml-trend-note")
        assert note.startswith("20,000 scores of the last ") and "choose a substation" in note, note
        hours = float(note.split("of the last ")[1].split(" h")[0])
        assert 24 < hours < 7 * 24, note  # the newest part of the week, not its oldest
        assert console_errors(browser) == []
    finally:
        hub.stop()
