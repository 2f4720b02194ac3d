"""Frequency judged like a grid operator, end to end against a real hub (docs/frequency.md): a dip
shorter than the persistence stores no event, a longer excursion stores one FREQUENCY_EXCURSION alarm
and its return to normal, a fast step stores a ROCOF event; GET /api/query/frequency/rocof answers the
exact slope per substation within the caller's grants, and the Frequency tab draws it."""
import time

import pytest
import requests
from selenium.webdriver.common.by import By

from browser import browser, console_errors, screenshot  # noqa: F401 (browser: fixture)
from portal_support import USERS, PortalHub, open_portal, reading, wait_tab
from waiting import wait_until

PERSISTENCE_S = 5


def series(base_ms: int) -> list[tuple[int, float]]:
    """SUB001, one reading a second: a dip outside the band for 2 s (shorter than the persistence), an
    excursion outside it for 10 s (longer), both entered and left in steps of at most 0.07 Hz (RoCoF
    below the 0.1 Hz/s limit), then a +0.12 Hz step within the band (RoCoF 0.12 Hz/s, over it)."""
    hz = {s: 60.0 for s in range(60)}
    hz.update({10: 59.93, 11: 59.86, 12: 59.80, 13: 59.80, 14: 59.86, 15: 59.93})
    hz.update({20: 59.93, 21: 59.86, **{s: 59.80 for s in range(22, 32)}, 32: 59.86, 33: 59.93})
    hz.update({s: 60.12 for s in range(41, 60)})
    return [(base_ms + s * 1000, hz[s]) for s in range(60)]


@pytest.fixture(scope="module")
def judged(tmp_path_factory):
    hub = PortalHub(tmp_path_factory.mktemp("frequency") / "hub-data", HOP_HUB_FREQUENCY_PERSISTENCE_S=str(PERSISTENCE_S)).start()
    key = hub.create_key("frequency-e2e", scope="ingest,read")
    sub2_key = hub.create_key("sub2-only", substations="SUB002", scope="read")
    for email, name, role, subs in (USERS["operator"],):
        hub.create_user(email, name, role, subs)
    base = (int(time.time()) - 120) * 1000
    points = series(base)
    # Ten readings per batch, as an edge would send them; SUB002 stays flat.
    for seq, i in enumerate(range(0, len(points), 10), start=1):
        telemetry = [reading("SUB001", "FDR001", {"frequency_hz": hz}, ts) for ts, hz in points[i:i + 10]]
        telemetry += [reading("SUB002", "FDR001", {"frequency_hz": 60.01}, ts) for ts, _ in points[i:i + 10]]
        hub.post(key, "/api/ingest/batch", {"edge_id": "edge-frequency", "seq": seq, "telemetry": telemetry, "events": [], "outages": []})

    def frequency_events():
        events = requests.get(hub.url + "/api/query/events", params={"minutes": 10}, headers={"X-API-Key": key}, timeout=5).json()
        return sorted((e for e in events if e["event_type"] in ("FREQUENCY_EXCURSION", "ROCOF")), key=lambda e: e["time"])

    wait_until(lambda: len(frequency_events()) >= 4, timeout=20, what="the excursion and RoCoF events")
    time.sleep(1)  # anything else the judge would (wrongly) add has arrived by now
    yield hub, key, sub2_key, base, frequency_events()
    hub.stop()


def ms(event) -> int:
    from datetime import datetime
    return int(datetime.fromisoformat(event["time"].replace("Z", "+00:00")).timestamp() * 1000)


def test_only_the_excursion_longer_than_the_persistence_alarms(judged):
    hub, key, _, base, events = judged
    excursion = [e for e in events if e["event_type"] == "FREQUENCY_EXCURSION"]
    # The dip outside from +12 s to +13 s left nothing; the excursion outside from +22 s alarmed at
    # +27 s (5 s later) and ended at +32 s, the first reading back inside.
    assert [(e["severity"], e["old_state"], e["new_state"], ms(e) - base) for e in excursion] == [
        ("ALARM", "NORMAL", "ALARM_LOW", 27_000), ("INFO", "ALARM_LOW", "NORMAL", 32_000)], excursion
    assert all(e["substation_id"] == "SUB001" for e in excursion)
    assert "59.800 Hz below the 59.850 Hz alarm limit for 5.0 s" in excursion[0]["message"]
    assert "after 10.0 s; lowest 59.800 Hz" in excursion[1]["message"]


def test_transitions_raise_and_return_alarms_within_the_callers_grants(judged):
    hub, key, sub2_key, _, events = judged
    by_type = wait_until(lambda: (a := {a["type"]: a for a in requests.get(
        hub.url + "/api/alarms", headers={"X-API-Key": key}, timeout=5).json()}) and
        a.get("FREQUENCY_EXCURSION", {}).get("state") == "returned_unacknowledged" and
        a.get("ROCOF") and a, timeout=20, what="the frequency alarms")
    excursion = by_type["FREQUENCY_EXCURSION"]
    # Raised by the excursion's start, returned by its end; the message is the start event's sentence.
    assert (excursion["substation_id"], excursion["priority"], excursion["raise_count"]) == ("SUB001", "critical", 1)
    start = next(e for e in events if e["event_type"] == "FREQUENCY_EXCURSION" and e["severity"] == "ALARM")
    assert excursion["message"] == start["message"]
    assert by_type["ROCOF"]["substation_id"] == "SUB001" and by_type["ROCOF"]["priority"] == "critical"
    assert "UFLS_WARNING" not in by_type  # 59.80 Hz never reached the 59.5 Hz warning level
    # A key granted only SUB002 sees none of SUB001's alarms.
    own = requests.get(hub.url + "/api/alarms", headers={"X-API-Key": sub2_key}, timeout=5)
    assert own.status_code == 200 and own.json() == [], own.text


def test_a_fast_step_raises_a_rocof_event(judged):
    _, _, _, base, events = judged
    rocof = [e for e in events if e["event_type"] == "ROCOF"]
    assert [(e["severity"], e["new_state"], ms(e) - base) for e in rocof] == [
        ("ALARM", "ROCOF_RISING", 41_000), ("INFO", "NORMAL", 42_000)], rocof
    assert "RoCoF +0.120 Hz/s beyond ±0.100 Hz/s" in rocof[0]["message"]


def test_rocof_api_answers_exact_slopes_within_the_callers_grants(judged):
    hub, key, sub2_key, base, _ = judged
    r = requests.get(hub.url + "/api/query/frequency/rocof", params={"minutes": 5}, headers={"X-API-Key": key}, timeout=5)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["limit_hz_per_s"] == 0.1 and body["resolution_s"] == 0 and body["max_gap_s"] == 30
    by_sub = {s["substation_id"]: s for s in body["series"]}
    assert set(by_sub) == {"SUB001", "SUB002"}
    sub1 = {p["time"]: p["rocof_hz_per_s"] for p in by_sub["SUB001"]["points"]}
    assert len(sub1) == 59
    over = [v for _, v in sorted(sub1.items()) if abs(v) > 0.1]
    assert over == [pytest.approx(0.12, abs=1e-9)], over
    assert max(abs(v) for v in sub1.values() if v != over[0]) == pytest.approx(0.07, abs=1e-9)
    assert by_sub["SUB001"]["peak_hz_per_s"] == pytest.approx(0.12, abs=1e-9)
    assert by_sub["SUB001"]["latest_hz_per_s"] == 0
    assert all(p["rocof_hz_per_s"] == 0 for p in by_sub["SUB002"]["points"])
    # A key for SUB002 sees SUB002 only, and naming SUB001 is refused.
    own = requests.get(hub.url + "/api/query/frequency/rocof", headers={"X-API-Key": sub2_key}, timeout=5)
    assert [s["substation_id"] for s in own.json()["series"]] == ["SUB002"]
    refused = requests.get(hub.url + "/api/query/frequency/rocof", params={"substation_id": "SUB001"},
                           headers={"X-API-Key": sub2_key}, timeout=5)
    assert refused.status_code == 403


def test_frequency_tab_draws_rocof_against_the_limit(judged, browser):
    hub, _, _, _, _ = judged
    open_portal(browser, hub, "operator", "#tab=frequency&range=15m")
    text = wait_tab(browser, "frequency")
    assert "Normal band 59.85–60.15 Hz" in text and "alarm outside 59.85–60.15 Hz for 5 s" in text
    assert "UFLS warning at 59.50 Hz" in text and "preset seed" in text
    wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, "#frequency-rocof-chart canvas"), what="the RoCoF chart")
    note = browser.find_element(By.ID, "frequency-rocof-note").text
    assert "consecutive readings" in note and "±0.100 Hz/s" in note
    peaks = browser.find_element(By.ID, "frequency-rocof-peaks").text
    assert "SUB001 peak +0.120 Hz/s (over the limit)" in peaks and "SUB002 peak +0.000 Hz/s" in peaks
    # The chart holds both substations' series with the values the API gave.
    labels = browser.execute_script("return document.getElementById('frequency-rocof-chart').__dygraph.getLabels()")
    assert labels[1:] == ["SUB001", "SUB002"]
    browser.execute_script("document.getElementById('frequency-rocof-chart').scrollIntoView()")
    screenshot(browser, "frequency-rocof")
    assert console_errors(browser) == []
