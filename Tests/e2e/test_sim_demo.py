"""The one-command demo (scripts/demo), run headless: hub health, data from all five substations (SUB002
read over DNP3), trips' alert mail in the SMTP sink (one over Modbus, one over DNP3 with the simulator's
millisecond), then a clean stop that leaves no process behind.

Uses the binaries in $HOP_DEMO_BIN (default .build/debug, as built by scripts/test) with --no-build.
"""
import os
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).parent))
from sim_support import REPO, Control, free_port, wait_until  # noqa: E402


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is not running anything; the script reaps its children, so it should not linger.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_demo_runs_headless_and_stops_cleanly(tmp_path, sig):
    bin_dir = Path(os.environ.get("HOP_DEMO_BIN", REPO / ".build" / "debug"))
    for b in ("hop-hub", "hop-edge", "hop-sim"):
        if not (bin_dir / b).exists():
            pytest.skip(f"{bin_dir / b} not built (run swift build, or set HOP_DEMO_BIN)")
    data = tmp_path / "demo"
    hub_port = free_port()
    control_port = free_port()
    env = {**os.environ, "HOP_DEMO_BIN": str(bin_dir), "HOP_DEMO_DIR": str(data),
           "HOP_DEMO_HUB_PORT": str(hub_port), "HOP_DEMO_SIM_PORT": str(free_port()),
           "HOP_DEMO_CONTROL_PORT": str(control_port), "HOP_DEMO_MAIL_PORT": str(free_port()),
           "HOP_DEMO_DNP3_PORT": str(free_port())}
    log = open(tmp_path / "demo.out", "wb")
    # SIGINT as in a terminal: a test run started in the background by a non-interactive shell
    # (nohup … &) passes SIGINT on ignored, and bash cannot trap a signal ignored on entry.
    proc = subprocess.Popen([str(REPO / "scripts" / "demo"), "--no-setup", "--no-build"], env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    pids: list[int] = []
    try:
        wait_until(lambda: (data / "run" / "ready").exists() or proc.poll() is not None,
                   timeout=150, interval=0.2, what="the demo's ready marker")
        assert proc.poll() is None, (tmp_path / "demo.out").read_text()
        hub = f"http://127.0.0.1:{hub_port}"
        assert requests.get(hub + "/api/health", timeout=5).ok
        key = (data / "read-key").read_text().strip()
        rows = requests.get(hub + "/api/query/telemetry/latest", headers={"X-API-Key": key}, timeout=5).json()
        assert {r["substation_id"] for r in rows} == {f"SUB00{i}" for i in range(1, 6)}
        assert {r["site_name"] for r in rows} >= {"Portland North", "Bend East"}
        out = (tmp_path / "demo.out").read_text()
        assert f"Portal:      {hub}/login" in out
        # The printed credentials log in as the admin, and the portal and /admin pages are served.
        banner = out.split("Login:", 1)[1].splitlines()[:3]  # "email / password   (role, …)" per line
        credentials = {line.split()[0]: line.split()[2] for line in banner}
        sessions = {}
        for email, password in credentials.items():
            sessions[email] = requests.Session()
            answer = sessions[email].post(hub + "/login", json={"email": email, "password": password}, timeout=30)
            assert answer.status_code == 200, answer.text
        session = sessions["admin@hop.local"]
        me = session.get(hub + "/api/session", timeout=5).json()
        assert (me["role"], me["substations"]) == ("admin", "all")
        assert sessions["exec@hop.local"].get(hub + "/api/session", timeout=5).json()["default_tab"] == "executive"
        # The operator's grants are enforced by the hub: three substations, never SUB004/SUB005.
        seen = sessions["operator@hop.local"].get(hub + "/api/query/telemetry/latest", timeout=5).json()
        assert {r["substation_id"] for r in seen} == {"SUB001", "SUB002", "SUB003"}
        for page in ("/portal/", "/login", "/admin"):
            answer = session.get(hub + page, timeout=5)
            assert answer.status_code == 200 and "text/html" in answer.headers["Content-Type"], page
        # SUB002's edge reads the simulator's DNP3 outstation; the others Modbus.
        protocols = {d.name: next(line.split(":")[1].strip() for line in (d / "config.yaml").read_text().splitlines()
                                  if line.strip().startswith("protocol:"))
                     for d in (data / "edges").iterdir()}
        assert protocols == {"sub001": "modbus-tcp", "sub002": "dnp3-tcp", "sub003": "modbus-tcp",
                             "sub004": "modbus-tcp", "sub005": "modbus-tcp"}
        pids = [int(p.read_text()) for p in (data / "run").glob("*.pid")]
        assert len(pids) == 8  # mail sink, hub, simulator, five edges
        assert all(alive(p) for p in pids)
        # A trip (through the simulator's control port, as the banner suggests) becomes a FEEDER_TRIP
        # at the hub and an alert mail in the demo's SMTP sink (the scripted one comes at +45 s).
        trip = subprocess.run([str(bin_dir / "hop-sim"), "control", "--to", f"127.0.0.1:{control_port}",
                               "trip", "SUB003", "FDR002"], capture_output=True, text=True, timeout=30)
        assert trip.returncode == 0, trip.stdout + trip.stderr
        mail_log = data / "logs" / "mail.log"
        wait_until(lambda: all(line in mail_log.read_text(errors="replace")
                               for line in ("Alert: FEEDER_TRIP", "Substation: SUB003 (Eugene West)", "Feeder: FDR002")),
                   timeout=60, what="the trip alert mail in the demo's SMTP sink")
        # The same over DNP3: the trip reaches the hub with the simulator's millisecond, and its mail follows.
        control = Control(control_port)
        before = control.status()["now_ms"]
        control.send("trip SUB002 FDR001")
        after = control.status()["now_ms"]
        control.close()

        def dnp3_trip():
            events = requests.get(hub + "/api/query/events", headers={"X-API-Key": key}, params={"minutes": 10},
                                  timeout=5).json()
            return next((e for e in events if e["event_type"] == "FEEDER_TRIP" and e["substation_id"] == "SUB002"
                         and e["feeder_id"] == "FDR001"), None)
        event = wait_until(dnp3_trip, timeout=30, what="SUB002 FDR001's FEEDER_TRIP at the hub")
        seen = round(datetime.fromisoformat(event["time"].replace("Z", "+00:00")).timestamp() * 1000)
        assert before <= seen <= after, (before, seen, after)
        wanted = ("Alert: FEEDER_TRIP", "Substation: SUB002 (Salem South)", "Feeder: FDR001")
        wait_until(lambda: any(all(line in message for line in wanted)
                               for message in mail_log.read_text(errors="replace").split("MESSAGE FOLLOWS")),
                   timeout=60, what="the DNP3 trip's alert mail in the demo's SMTP sink")
    finally:
        if proc.poll() is None:
            proc.send_signal(sig)
        try:
            rc = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
        log.close()
    assert rc in (130, 143), (tmp_path / "demo.out").read_text()
    assert not [p for p in pids if alive(p)]
    # Nothing else of the demo's session survives either.
    leftovers = subprocess.run(["pgrep", "-s", str(proc.pid)], capture_output=True, text=True).stdout.split()
    assert not leftovers
    assert "demo: stopped" in (tmp_path / "demo.out").read_text()
