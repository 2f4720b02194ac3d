"""Throwaway PostgreSQL 15 servers for end-to-end tests: a primary on a loopback port, a streaming
standby made from it by pg_basebackup, promotion, and stops by PID. Debian's postgresql-15 binaries
run as the `postgres` user (initdb refuses root); data and socket live in a temporary directory that
user owns, and every server listens on 127.0.0.1 only."""
import os
import pathlib
import shutil
import signal
import subprocess

from waiting import free_port, wait_until

PG_BIN = pathlib.Path(os.environ.get("HOP_PG_BIN", "/usr/lib/postgresql/15/bin"))

# Settings a test server needs beyond initdb's: replication for a standby, quick checkpoints, and no
# fsync on the test machine's disk (a crash of the test machine loses only the test).
_SETTINGS = """
listen_addresses = '127.0.0.1'
wal_level = replica
max_wal_senders = 5
max_replication_slots = 5
hot_standby = on
wal_keep_size = 256MB
fsync = off
synchronous_commit = on
full_page_writes = off
max_connections = 200
shared_buffers = 64MB
log_min_messages = warning
log_line_prefix = '%m [%p] '
"""


def _as_postgres(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Runs a PostgreSQL tool as the `postgres` user when we are root (the CI), as ourselves otherwise."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(prefix + args, check=True, capture_output=True, text=True, **kwargs)


def available() -> bool:
    return (PG_BIN / "initdb").exists() and (os.geteuid() != 0 or shutil.which("runuser") is not None)


class PgServer:
    """One PostgreSQL server: `init()` a new primary or `standby_of(primary)`, then `start()`."""

    def __init__(self, base: pathlib.Path, name: str = "pg", port: int | None = None):
        self.dir = base / name
        self.data = self.dir / "data"
        self.socket_dir = self.dir / "socket"
        self.log = self.dir / "server.log"
        self.port = port or free_port()

    def _prepare_dirs(self):
        self.dir.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        self.log.touch()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            shutil.chown(self.socket_dir, "postgres", "postgres")
            shutil.chown(self.log, "postgres", "postgres")
            # The tool runs as postgres and must reach its directory through pytest's temp folders.
            for parent in self.dir.parents:
                if parent == pathlib.Path("/"):
                    break
                parent.chmod(parent.stat().st_mode | 0o011)

    def init(self) -> "PgServer":
        self._prepare_dirs()
        _as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync",
                      "-E", "UTF8", "--locale", "C"])
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(_SETTINGS)
        with open(self.data / "pg_hba.conf", "a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
        return self

    def standby_of(self, primary: "PgServer") -> "PgServer":
        """A streaming replica of `primary` (which must run): a base backup with `-R`, which writes
        standby.signal and the primary's address into postgresql.auto.conf."""
        self._prepare_dirs()
        _as_postgres([str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
                      "-D", str(self.data), "-R", "-X", "stream", "--no-sync", "-c", "fast"])
        return self

    def start(self) -> "PgServer":
        _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                      "-o", f"-p {self.port} -k {self.socket_dir}", "start"])
        return self

    @property
    def pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def stop(self, sig=signal.SIGINT, timeout: float = 60) -> None:
        """Stops the postmaster by PID: SIGINT is PostgreSQL's fast shutdown, SIGQUIT its immediate
        one (no checkpoint, as after a crash)."""
        pid = self.pid
        if pid is None:
            return
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        wait_until(lambda: not _alive(pid), timeout=timeout, what=f"PostgreSQL {pid} to stop")

    def promote(self) -> None:
        _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60", "promote"])

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Runs `sql` and returns psql's unaligned, tuples-only output."""
        return _as_postgres([str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                             "-d", database, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql]).stdout.strip()

    def in_recovery(self) -> bool:
        return self.psql("SELECT pg_is_in_recovery()") == "t"

    def create_database(self, name: str) -> str:
        self.psql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
