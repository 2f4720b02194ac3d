"""Alarms end to end (docs/alarms.md): the Alarms & Outages tab acknowledges and shelves, the banner
counts unacknowledged alarms by priority and follows the live feed, an operator without a grant
neither sees nor acknowledges another substation's alarm (403 from the API too), an executive
sees but cannot act, every action is audited, and a shelved alarm sends no mail (aiosmtpd)."""
import time

import pytest
import requests
from selenium.webdriver.common.by import By

from alert_support import SMTPServer
from browser import browser  # noqa: F401 (fixture)
from portal_support import (PASSWORD, USERS, PortalHub, click_tab, open_portal, page_text, seed,
                            wait_live_messages)
from waiting import wait_until

pytestmark = pytest.mark.both_backends


def session(hub, user: str) -> tuple[requests.Session, str]:
    """A logged-in requests session of USERS[user] and its CSRF token."""
    s = requests.Session()
    r = s.post(hub.url + "/login", json={"email": USERS[user][0], "password": PASSWORD}, timeout=10)
    assert r.status_code == 200, r.text
    return s, r.json()["user"]["csrf_token"]


def alarms(hub, s: requests.Session, **params) -> list[dict]:
    r = s.get(hub.url + "/api/alarms", params=params, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def the_alarm(hub, s, alarm_type: str, sub: str) -> dict:
    return wait_until(lambda: next((a for a in alarms(hub, s) if a["type"] == alarm_type and a["substation_id"] == sub), None),
                      timeout=20, what=f"a {alarm_type} alarm on {sub}")


def banner(browser) -> dict:
    return browser.execute_script(
        "const out = {}; for (const c of document.querySelectorAll('#alarm-banner .alarm-chip'))"
        " out[c.dataset.priority] = Number(c.dataset.count); return out")


def row(browser, alarm_id: int):
    return browser.find_element(By.CSS_SELECTOR, f"#alarm-table tr[data-alarm-id='{alarm_id}']")


def row_state(browser, alarm_id: int):
    return browser.execute_script(
        "const r = document.querySelector(`#alarm-table tr[data-alarm-id='${arguments[0]}']`); return r ? r.dataset.state : null",
        alarm_id)


def test_operator_acknowledges_and_shelves_from_the_alarms_tab_and_the_banner_follows(tmp_path, browser):
    hub = PortalHub(tmp_path / "hub-data").start()
    try:
        key = seed(hub)
        admin, _ = session(hub, "admin")
        trip = the_alarm(hub, admin, "FEEDER_TRIP", "SUB001")
        comm = the_alarm(hub, admin, "COMM_FAIL", "SUB002")
        assert trip["priority"] == "high" and trip["feeder_id"] == "FDR002" and trip["state"] == "unacknowledged_active"
        assert comm["priority"] == "medium" and comm["device_id"] == "SUB002-RTU1"

        open_portal(browser, hub, "operator", "#tab=telemetry")
        wait_until(lambda: banner(browser).get("high") == 1, timeout=10, what="the banner's high count")
        assert banner(browser)["medium"] >= 1 and banner(browser)["critical"] == 0

        click_tab(browser, "alarms")
        assert "FEEDER_TRIP" in page_text(browser) and "COMM_FAIL" in page_text(browser)
        browser.find_element(By.ID, "alarm-comment").send_keys("crew dispatched")
        row(browser, trip["id"]).find_element(By.CSS_SELECTOR, "button[data-action=acknowledge]").click()
        wait_until(lambda: row_state(browser, trip["id"]) == "acknowledged_active", timeout=10, what="the trip acknowledged")
        wait_until(lambda: banner(browser).get("high") == 0, timeout=10, what="the banner's high count to drop")
        stored = admin.get(f"{hub.url}/api/alarms/{trip['id']}/history", timeout=10).json()
        assert stored["alarm"]["acknowledged_by"] == USERS["operator"][0]
        assert stored["alarm"]["acknowledge_comment"] == "crew dispatched"

        # A new trip arrives live: the banner counts it on any tab without a reload.
        wait_live_messages(browser)
        click_tab(browser, "telemetry")
        hub.post(key, "/api/ingest/event", {"substation_id": "SUB001", "feeder_id": "FDR001", "severity": "ALARM",
                                             "event_type": "FEEDER_TRIP", "message": "FDR001 tripped"})
        wait_until(lambda: banner(browser).get("high") == 1, timeout=10, what="the live trip in the banner")
        second = wait_until(lambda: next((a for a in alarms(hub, admin) if a["type"] == "FEEDER_TRIP" and a.get("feeder_id") == "FDR001"),
                                         None), timeout=10, what="the second trip's alarm")

        # Shelve it from the tab, with a reason and the default duration (1 h).
        click_tab(browser, "alarms")
        comment = browser.find_element(By.ID, "alarm-comment")
        comment.clear()
        comment.send_keys("switching in progress")
        row(browser, second["id"]).find_element(By.CSS_SELECTOR, "button[data-action=shelve]").click()
        wait_until(lambda: row_state(browser, second["id"]) == "shelved", timeout=10, what="the trip shelved")
        wait_until(lambda: banner(browser).get("high") == 0, timeout=10, what="a shelved alarm to leave the banner")
        shelved = admin.get(f"{hub.url}/api/alarms/{second['id']}/history", timeout=10).json()["alarm"]
        assert shelved["shelve_reason"] == "switching in progress" and shelved["shelved_by"] == USERS["operator"][0]
        until = time.mktime(time.strptime(shelved["shelved_until"][:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone
        assert 3500 < until - time.time() < 3700

        # Unshelve from the tab: the condition is still present, so it is unacknowledged again.
        row(browser, second["id"]).find_element(By.CSS_SELECTOR, "button[data-action=unshelve]").click()
        wait_until(lambda: row_state(browser, second["id"]) == "unacknowledged_active", timeout=10, what="the trip unshelved")

        # Acknowledge all visible: filters narrow what "visible" is.
        browser.find_element(By.ID, "alarm-ack-all").click()
        wait_until(lambda: banner(browser) == {"critical": 0, "high": 0, "medium": 0, "low": 0}, timeout=10,
                   what="every visible alarm acknowledged")

        audit = requests.get(hub.url + "/api/admin/audit", headers={"X-API-Key": hub.create_key("auditor", scope="read,admin")},
                             params={"actor": USERS["operator"][0]}, timeout=10).json()
        actions = [e["action"] for e in (audit["entries"] if isinstance(audit, dict) else audit)]
        for action in ("alarm.acknowledge", "alarm.shelve", "alarm.unshelve"):
            assert action in actions, actions
    finally:
        hub.stop()


def test_operator_without_a_grant_neither_sees_nor_acknowledges_and_an_executive_cannot_act(tmp_path, browser):
    hub = PortalHub(tmp_path / "hub-data").start()
    try:
        seed(hub)
        admin, _ = session(hub, "admin")
        comm = the_alarm(hub, admin, "COMM_FAIL", "SUB002")
        trip = the_alarm(hub, admin, "FEEDER_TRIP", "SUB001")

        rita, csrf = session(hub, "restricted")  # SUB001 and SUB003 only
        assert all(a["substation_id"] != "SUB002" for a in alarms(hub, rita))
        assert rita.get(f"{hub.url}/api/alarms/{comm['id']}/history", timeout=10).status_code == 403
        refused = rita.post(f"{hub.url}/api/alarms/{comm['id']}/acknowledge", json={"comment": "not mine"},
                            headers={"X-CSRF-Token": csrf}, timeout=10)
        assert refused.status_code == 403 and "SUB002" in refused.json()["error"]["message"]
        bulk = rita.post(f"{hub.url}/api/alarms/acknowledge", json={"ids": [trip["id"], comm["id"]]},
                         headers={"X-CSRF-Token": csrf}, timeout=10)
        assert bulk.status_code == 403
        assert admin.get(f"{hub.url}/api/alarms/{trip['id']}/history", timeout=10).json()["alarm"]["state"] == "unacknowledged_active"

        open_portal(browser, hub, "restricted", "#tab=alarms")
        click_tab(browser, "alarms")
        text = page_text(browser)
        assert "SUB002" not in text and "COMM_FAIL" not in text
        wait_until(lambda: row_state(browser, trip["id"]) == "unacknowledged_active", timeout=10, what="SUB001's trip listed")

        evan, ecsrf = session(hub, "executive")
        assert {a["id"] for a in alarms(hub, evan)} >= {trip["id"], comm["id"]}
        for path, body in ((f"/api/alarms/{trip['id']}/acknowledge", {}),
                           (f"/api/alarms/{trip['id']}/shelve", {"duration_s": 600, "reason": "x"}),
                           ("/api/alarms/acknowledge", {"ids": [trip["id"]]})):
            r = evan.post(hub.url + path, json=body, headers={"X-CSRF-Token": ecsrf}, timeout=10)
            assert r.status_code == 403 and "executive" in r.json()["error"]["message"], (path, r.text)
        browser.delete_all_cookies()
        open_portal(browser, hub, "executive", "#tab=alarms")
        click_tab(browser, "alarms")
        wait_until(lambda: row_state(browser, comm["id"]) == "unacknowledged_active", timeout=10, what="the executive's list")
        assert not browser.find_elements(By.CSS_SELECTOR, "#alarm-table button")
        assert not browser.find_elements(By.ID, "alarm-ack-all")
        assert banner(browser)["high"] >= 1
        kpis = evan.get(hub.url + "/api/alarms/kpis", timeout=10).json()
        assert kpis["last_10_min"] >= 2 and kpis["rate_status"] in ("manageable", "demanding", "flood", "acceptable")
        # /metrics carries the same KPIs over all substations, refreshed by the alarm sweep (every 10 s).
        wait_until(lambda: 'hop_alarms_unacknowledged{priority="high"} 1' in requests.get(hub.url + "/metrics", timeout=10).text,
                   timeout=25, what="the alarm gauges in /metrics")
        assert "hop_alarms_raised_last_10m" in requests.get(hub.url + "/metrics", timeout=10).text
        click_tab(browser, "executive")
        assert "Alarm system" in page_text(browser)
        assert browser.find_element(By.ID, "exec-alarm-rate").text
    finally:
        hub.stop()


def test_a_shelved_alarm_sends_no_mail(tmp_path):
    smtp = SMTPServer().start()
    hub = PortalHub(tmp_path / "hub-data", HOP_HUB_SMTP_URL=f"smtp://127.0.0.1:{smtp.port}",
                    HOP_HUB_SMTP_FROM="hop@example.com", HOP_HUB_ALERTS_RECIPIENTS="ops@example.com",
                    HOP_HUB_ALERTS_TRIP_COOLDOWN_S="0", HOP_HUB_ALERTS_TRIP_CAP_PER_HOUR="100").start()
    try:
        key = seed(hub, scored=False)

        def trip_mails():  # SUB003's seeded anomaly mails too; only trips count here
            return [m for _, m in smtp.messages if "TRIP SUB001 FDR002" in str(m["Subject"])]

        wait_until(lambda: len(trip_mails()) == 1, timeout=20, what="the seeded trip's mail")
        op, csrf = session(hub, "operator")

        def trip():
            hub.post(key, "/api/ingest/event", {"substation_id": "SUB001", "feeder_id": "FDR002", "severity": "ALARM",
                                                 "event_type": "FEEDER_TRIP", "message": "FDR002 tripped again"})

        def decisions():
            r = requests.get(hub.url + "/api/query/alerts", headers={"X-API-Key": key}, timeout=10)
            return [d for d in r.json() if d["kind"] == "FEEDER_TRIP" and d.get("feeder_id") == "FDR002"]

        alarm = the_alarm(hub, op, "FEEDER_TRIP", "SUB001")
        r = op.post(f"{hub.url}/api/alarms/{alarm['id']}/shelve", json={"duration_s": 900, "reason": "known fault"},
                    headers={"X-CSRF-Token": csrf}, timeout=10)
        assert r.status_code == 200 and r.json()["state"] == "shelved", r.text
        trip()
        wait_until(lambda: any(d["reason"] == "shelved" for d in decisions() if d["outcome"] == "suppressed"), timeout=20,
                   what="the shelved trip's suppressed decision")
        time.sleep(2)  # the outbox would have delivered by now
        assert len(trip_mails()) == 1
        again = requests.get(f"{hub.url}/api/alarms/{alarm['id']}/history", headers={"X-API-Key": key}, timeout=10).json()["alarm"]
        assert again["state"] == "shelved" and again["raise_count"] == 2

        r = op.post(f"{hub.url}/api/alarms/{alarm['id']}/unshelve", headers={"X-CSRF-Token": csrf}, timeout=10)
        assert r.status_code == 200 and r.json()["state"] == "unacknowledged_active"
        trip()
        wait_until(lambda: len(trip_mails()) == 2, timeout=20, what="mail again once unshelved")
    finally:
        hub.stop()
        smtp.stop()
