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
        assert "Feeder: FDR002" in body and "https://portal.example.com/?substation_id=SUB001" in body
        # A second trip on the same feeder is within the 30 min cooldown: logged, not mailed.
        hub.event(key, "FEEDER_TRIP", "FDR002")
        log = hub.alerts(key)
        assert [e["outcome"] for e in log] == ["suppressed", "sent"] and log[0]["reason"] == "cooldown"
        # The restore is mailed because the trip was.
        hub.event(key, "FEEDER_RESTORE", "FDR002", severity="INFO")
        wait_until(lambda: len(smtp.messages) == 2, what="the restore mail")
        assert smtp.messages[1][1]["Subject"].startswith("[Hop] RESTORED SUB001 FDR002")
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
