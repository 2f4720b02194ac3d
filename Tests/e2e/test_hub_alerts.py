"""Alert mail end to end: a real hop-hub, a real SMTP server (aiosmtpd), trips over HTTP."""
import json
import re
import sqlite3
import time

import requests

from alert_support import AlertHub, SMTPServer
from waiting import wait_until


def telemetry(hub, key, substation, site):
    body = {"substation_id": substation, "feeder_id": "FDR002", "site_name": site, "frequency_hz": 60.0}
    requests.post(hub.url + "/api/ingest/telemetry", json=body, headers={"X-API-Key": key}, timeout=5).raise_for_status()


def mail_attempts(hub, result):
    """The hub's count of SMTP delivery attempts with `result` (delivered / failed), from /metrics."""
    metrics = requests.get(hub.url + "/metrics", timeout=5).text
    found = re.search(r'^hop_alert_mail_attempts_total\{result="%s"\} (\d+)' % result, metrics, re.M)
    return int(found.group(1)) if found else 0


def undelivered(hub):
    """Outbox rows not (yet) marked delivered; a delivered row is never sent again."""
    with sqlite3.connect(hub.data_dir / "hop.sqlite", timeout=10) as db:
        return db.execute("SELECT count(*) FROM alert_outbox WHERE delivered_at IS NULL").fetchone()[0]


def subjects(smtp, feeder):
    return [msg["Subject"] for _, msg in smtp.messages if feeder in msg["Subject"].split()]


def test_trip_mails_once_with_a_triageable_subject(tmp_path):
    smtp = SMTPServer().start()
    hub = AlertHub(tmp_path / "data", smtp.port).start()
    try:
        key = hub.create_key()
        telemetry(hub, key, "SUB001", "Portland North")
        hub.event(key, "FEEDER_TRIP", "FDR002")
        wait_until(lambda: smtp.messages, what="the trip mail")
        assert len(smtp.messages) == 1  # a second copy would also show below, as the second mail
        rcpt, msg = smtp.messages[0]
        assert rcpt == ["ops@example.com"]
        assert msg["Subject"] == "[Hop] TRIP SUB001 FDR002 — Portland North"
        body = msg.get_content()
        assert "Feeder: FDR002" in body and "https://portal.example.com/portal/#tab=alarms&sub=SUB001" in body
        # A second trip on the same feeder is within the 30 min cooldown: logged, not mailed.
        hub.event(key, "FEEDER_TRIP", "FDR002")
        # Decisions are made after the commit, off the writer's path: wait for the second one.
        log = wait_until(lambda: entries if len(entries := hub.alerts(key)) >= 2 else None, what="the second decision")
        assert [e["outcome"] for e in log] == ["suppressed", "sent"] and log[0]["reason"] == "cooldown"
        # The restore is mailed because the trip was.
        hub.event(key, "FEEDER_RESTORE", "FDR002", severity="INFO")
        wait_until(lambda: len(smtp.messages) == 2, what="the restore mail")
        assert smtp.messages[1][1]["Subject"].startswith("[Hop] RESTORED SUB001 FDR002")
        metrics = requests.get(hub.url + "/metrics", timeout=5).text
        assert 'hop_alert_decisions_total{kind="FEEDER_TRIP",outcome="sent",reason="-"} 1' in metrics
        assert 'hop_alert_decisions_total{kind="FEEDER_TRIP",outcome="suppressed",reason="cooldown"} 1' in metrics
        wait_until(lambda: mail_attempts(hub, "delivered") == 2, what="two delivered attempts in /metrics")
        assert mail_attempts(hub, "failed") == 0
        assert len(smtp.messages) == 2
    finally:
        hub.stop()
        smtp.stop()


def pending(hub):
    """Stored trips and restores not yet decided (alert_pending rows)."""
    with sqlite3.connect(hub.data_dir / "hop.sqlite", timeout=10) as db:
        return db.execute("SELECT count(*) FROM alert_pending").fetchone()[0]


def test_trip_stored_by_a_hub_that_did_not_decide_it_is_mailed_once_after_restart(tmp_path):
    # The first hub stores the trip and its pending row but decides nothing (alerting off: the same
    # state a hub killed between the commit and the decision leaves); the next one decides it.
    smtp = SMTPServer().start()
    first = AlertHub(tmp_path / "data", smtp.port, HOP_HUB_ALERTS_ENABLED="false").start()
    try:
        key = first.create_key()
        first.event(key, "FEEDER_TRIP", "FDR007")
        assert pending(first) == 1
    finally:
        first.stop()
    assert smtp.messages == []
    hub = AlertHub(tmp_path / "data", smtp.port).start()
    try:
        wait_until(lambda: smtp.messages, what="the trip mail from the restarted hub")
        assert [msg["Subject"] for _, msg in smtp.messages] == ["[Hop] TRIP SUB001 FDR007"]
        wait_until(lambda: pending(hub) == 0, what="the pending row deleted with the decision")
        assert [e["outcome"] for e in hub.alerts(key)] == ["sent"]
        assert len(smtp.messages) == 1
    finally:
        hub.stop()
        smtp.stop()


def test_relay_down_then_up_delivers_once_and_restart_remembers(tmp_path):
    smtp = SMTPServer()  # not started: the relay is down
    hub = AlertHub(tmp_path / "data", smtp.port).start()
    try:
        key = hub.create_key()
        hub.event(key, "FEEDER_TRIP", "FDR007")
        decided = wait_until(lambda: hub.alerts(key), what="the trip decision")
        assert decided[0]["outcome"] == "sent"  # decided and queued although the relay is down
        wait_until(lambda: mail_attempts(hub, "failed") >= 1, what="a failed delivery attempt in /metrics")
        smtp.start()
        wait_until(lambda: smtp.messages, what="delivery after the relay came back")
        # Marked delivered, so no retry sends it again; a trip on another feeder, mailed after it,
        # shows the outbox went on delivering without a second copy.
        wait_until(lambda: undelivered(hub) == 0, what="the outbox row marked delivered")
        hub.event(key, "FEEDER_TRIP", "FDR008")
        wait_until(lambda: subjects(smtp, "FDR008"), what="the FDR008 trip mail")
        assert len(subjects(smtp, "FDR007")) == 1, [m["Subject"] for _, m in smtp.messages]
        assert mail_attempts(hub, "delivered") == 2

        hub.stop()
        hub.start()
        hub.event(key, "FEEDER_TRIP", "FDR007")  # same feeder, after the restart: cooldown remembered
        hub.event(key, "FEEDER_TRIP", "FDR009")  # mailed after anything the FDR007 trip could have queued
        wait_until(lambda: subjects(smtp, "FDR009"), what="the FDR009 trip mail")
        assert len(subjects(smtp, "FDR007")) == 1, [m["Subject"] for _, m in smtp.messages]
        assert len(smtp.messages) == 3
        log = json.loads(hub.cli("alerts", "log", "--json"))
        assert [(e.get("feeder_id"), e["outcome"], e.get("reason")) for e in log] == [
            ("FDR009", "sent", None), ("FDR007", "suppressed", "cooldown"), ("FDR008", "sent", None), ("FDR007", "sent", None)]
        assert "cooldown" in hub.cli("alerts", "log")
    finally:
        hub.stop()
        smtp.stop()


def test_scored_anomaly_is_mailed_once_and_served(tmp_path):
    smtp = SMTPServer().start()
    hub = AlertHub(tmp_path / "data", smtp.port, HOP_HUB_SCORING_INTERVAL_S="1").start()
    try:
        key = hub.create_key()
        now = int(time.time() * 1000)
        readings = [{"substation_id": "SUB001", "feeder_id": "FDR002", "site_name": "Portland North",
                     "frequency_hz": 62.0 if i == 19 else 60.0, "ts": now - (20 - i) * 1000} for i in range(20)]
        requests.post(hub.url + "/api/ingest/batch", json={"edge_id": "e1", "seq": 1, "telemetry": readings},
                      headers={"X-API-Key": key}, timeout=5).raise_for_status()
        wait_until(lambda: smtp.messages, what="the anomaly mail")
        msg = smtp.messages[0][1]
        assert msg["Subject"] == "[Hop] ANOMALY SUB001 z=+4.36 — Portland North"  # z = √19
        body = msg.get_content()
        assert "Baseline: mean 60.1000 Hz" in body and "z-score: +4.359" in body
        latest = requests.get(hub.url + "/api/query/ml/latest", headers={"X-API-Key": key}, timeout=5).json()
        assert latest[0]["is_anomaly"] and latest[0]["model_version"] == "zscore-v1"
        assert latest[0]["classification"] == "ANOMALY" and abs(latest[0]["z_score"] - 19 ** 0.5) < 1e-9
        # Later passes score the same window again: suppressed by the 1 h cooldown, never mailed twice.
        wait_until(lambda: any(e.get("reason") == "cooldown" for e in hub.alerts(key)), what="a cooldown decision")
        assert len(smtp.messages) == 1
    finally:
        hub.stop()
        smtp.stop()
