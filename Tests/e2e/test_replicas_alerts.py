"""Alert decisions across hub replicas on one PostgreSQL database (docs/hub-storage.md, "Alert
decisions"): a trip committed through a replica that does not decide it — alerting off there, the
state a replica killed between its commit and its decision leaves — is claimed from its pending row
and mailed once by the other replica, within its claim poll.

Real processes on loopback only: PostgreSQL 15 (scripts/pg-throwaway), two hop-hub, aiosmtpd."""
import time

import pytest
import requests

from alert_support import SMTPServer
from replica_support import PgHub
from waiting import wait_until


@pytest.fixture(scope="module")
def cluster(postgres_cluster):
    return postgres_cluster


def event(hub, key, event_type, feeder, severity="ALARM"):
    body = {"substation_id": "SUB001", "feeder_id": feeder, "device_id": f"SUB001-{feeder}", "severity": severity,
            "event_type": event_type, "old_state": "CLOSED", "new_state": "OPEN"}
    requests.post(hub.url + "/api/ingest/event", json=body, headers={"X-API-Key": key}, timeout=5).raise_for_status()


def test_a_trip_committed_by_a_replica_that_does_not_decide_it_is_mailed_once_by_the_other(tmp_path, cluster):
    url = cluster.fresh_database()
    smtp = SMTPServer().start()
    mail = {"HOP_HUB_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}", "HOP_HUB_SMTP_FROM": "hop@example.com",
            "HOP_HUB_ALERTS_RECIPIENTS": "ops@example.com"}
    silent = PgHub(tmp_path, "silent", url, HOP_HUB_ALERTS_ENABLED="false", **mail)
    decider = PgHub(tmp_path, "decider", url, **mail)
    try:
        silent.start()
        decider.start()
        key = silent.create_key("ops")

        started = time.monotonic()
        event(silent, key, "FEEDER_TRIP", "FDR003")
        wait_until(lambda: smtp.messages, what="the trip mail from the other replica")
        print(f"trip committed through one replica, mailed by the other after {time.monotonic() - started:.2f} s")
        assert time.monotonic() - started < 15  # the decider claims every 5 s
        assert [msg["Subject"] for _, msg in smtp.messages] == ["[Hop] TRIP SUB001 FDR003"]
        assert cluster.sql(url, "SELECT count(*) FROM alert_pending") == "0"

        # The restore goes through the deciding replica itself (woken by its own commit); the trip
        # is not mailed a second time meanwhile.
        event(decider, key, "FEEDER_RESTORE", "FDR003", severity="INFO")
        wait_until(lambda: len(smtp.messages) == 2, what="the restore mail")
        subjects = [msg["Subject"] for _, msg in smtp.messages]
        assert subjects == ["[Hop] TRIP SUB001 FDR003", "[Hop] RESTORED SUB001 FDR003"]
        log = requests.get(decider.url + "/api/query/alerts", headers={"X-API-Key": key}, timeout=5).json()
        assert [(e["kind"], e["outcome"]) for e in log] == [("FEEDER_RESTORE", "sent"), ("FEEDER_TRIP", "sent")]
    finally:
        silent.stop()
        decider.stop()
        smtp.stop()
