"""Alert mail end to end: a real hop-hub, a real SMTP server (aiosmtpd), trips over HTTP."""
import json
import time

import requests

from alert_support import AlertHub, SMTPServer
from waiting import wait_until


def telemetry(hub, key, substation, site):
    body = {"substation_id": substation, "feeder_id": "FDR002", "site_name": site, "frequency_hz": 60.0}
    requests.post(hub.url + "/api/ingest/telemetry", json=body, headers={"X-API-Key": key}, timeout=5).raise_for_status()


def test_trip_mails_once_with_a_triageable_subject(tmp_path):
    smtp = SMTPServer().start()
    hub = AlertHub(tmp_path / "data", smtp.port).start()
    try:
        key = hub.create_key()
        telemetry(hub, key, "SUB001", "Portland North")
        hub.event(key, "FEEDER_TRIP", "FDR002")
        wait_until(lambda: smtp.messages, what="the trip mail")
        time.sleep(0.5)
        assert len(smtp.messages) == 1
        rcpt, msg = smtp.messages[0]
        assert rcpt == ["ops@example.com"]
        assert msg["Subject"] == "[Hop] TRIP SUB001 FDR002 — Portland North"
        body = msg.get_content()
        assert "Feeder: FDR002" in body and "https://portal.example.com/portal/#tab=alarms&sub=SUB001" in body
        # A second trip on the same feeder is within the 30 min cooldown: logged, not mailed.
        hub.event(key, "FEEDER_TRIP", "FDR002")
        log = hub.alerts(key)
        assert [e["outcome"] for e in log] == ["suppressed", "sent"] and log[0]["reason"] == "cooldown"
        # The restore is mailed because the trip was.
        hub.event(key, "FEEDER_RESTORE", "FDR002", severity="INFO")
        wait_until(lambda: len(smtp.messages) == 2, what="the restore mail")
        assert smtp.messages[1][1]["Subject"].startswith("[Hop] RESTORED SUB001 FDR002")
        metrics = requests.get(hub.url + "/metrics", timeout=5).text
        assert 'hop_alert_decisions_total{kind="FEEDER_TRIP",outcome="sent",reason="-"} 1' in metrics
        assert 'hop_alert_decisions_total{kind="FEEDER_TRIP",outcome="suppressed",reason="cooldown"} 1' in metrics
        wait_until(lambda: 'hop_alert_mail_attempts_total{result="delivered"} 2' in requests.get(hub.url + "/metrics", timeout=5).text,
                   what="two delivered attempts in /metrics")
    finally:
        hub.stop()
        smtp.stop()


def test_relay_down_then_up_delivers_once_and_restart_remembers(tmp_path):
    smtp = SMTPServer()  # not started: the relay is down
    hub = AlertHub(tmp_path / "data", smtp.port).start()
    try:
        key = hub.create_key()
        hub.event(key, "FEEDER_TRIP", "FDR007")
        assert hub.alerts(key)[0]["outcome"] == "sent"  # decided and queued although the relay is down
        time.sleep(1.5)  # at least one failed attempt
        smtp.start()
        wait_until(lambda: smtp.messages, what="delivery after the relay came back")
        time.sleep(2.5)  # further retry windows pass: no second copy
        assert len(smtp.messages) == 1

        hub.stop()
        hub.start()
        hub.event(key, "FEEDER_TRIP", "FDR007")  # same feeder, after the restart: cooldown remembered
        time.sleep(1.5)
        assert len(smtp.messages) == 1
        log = json.loads(hub.cli("alerts", "log", "--json"))
        assert [(e["outcome"], e.get("reason")) for e in log] == [("suppressed", "cooldown"), ("sent", None)]
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
