"""Loopback ports, condition polling and process start/stop shared by every end-to-end test module."""
import signal
import socket
import subprocess
import time


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
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
