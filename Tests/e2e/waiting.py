"""Loopback ports, condition polling and process start/stop shared by every end-to-end test module."""
import collections
import pathlib
import random
import signal
import socket
import subprocess
import time


def _ephemeral_low() -> int:
    try:
        return int(pathlib.Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


_EPHEMERAL_LOW = _ephemeral_low()
_RECENT: collections.deque[int] = collections.deque(maxlen=256)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago, chosen below the kernel's ephemeral range:
    a port the test binds only later (a hub restart, the demo's processes) cannot meanwhile be taken
    as the source port of some outgoing connection."""
    low, high = 15000, max(15001, _EPHEMERAL_LOW - 1)
    for _ in range(200):
        port = random.randint(low, high)
        if port in _RECENT:  # handed out a moment ago and maybe not bound yet
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _RECENT.append(port)
        return port
    with socket.socket() as s:  # the range is crowded: let the kernel pick
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout=20.0, interval=0.05, what="condition"):
    """Polls `predicate` until it returns a truthy value (returned) or the deadline passes."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except Exception as exc:  # noqa: BLE001 - keep polling until the deadline
            last = exc
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}; last: {last!r}")


def start_process(cmd, ready, what: str, log, timeout: float = 30, **popen) -> subprocess.Popen:
    """Starts `cmd` (stdout and stderr to the open file `log`) and waits until it runs and `ready()`
    is true. A process that does not get ready is killed before the failure is raised, so it cannot
    outlive the test and load the machine for the ones after it."""
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, **popen)
    try:
        wait_until(lambda: proc.poll() is None and ready(), timeout=timeout, what=what)
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    return proc


def stop_process(proc: subprocess.Popen | None, sig=signal.SIGTERM, timeout: float = 20) -> int | None:
    """Sends `sig` and waits for the exit code; a process still running after `timeout` seconds is
    killed and the timeout re-raised."""
    if proc is None:
        return None
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise
    return proc.returncode
