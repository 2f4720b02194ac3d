"""A throwaway PostgreSQL 15 cluster for the end-to-end tests, and a fresh database per test.

The cluster is the one scripts/test started (HOP_TEST_POSTGRES_URL), else one this pytest session
starts with scripts/pg-throwaway and stops by PID when the session ends. PostgreSQL missing fails the
tests that need it (the script says to run scripts/setup); it is never a silent skip."""
import os
import pathlib
import subprocess
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[2]
PSQL = "/usr/lib/postgresql/15/bin/psql"


class Cluster:
    def __init__(self):
        self.dir = None
        url = os.environ.get("HOP_TEST_POSTGRES_URL")
        if url is None:
            out = subprocess.run([str(ROOT / "scripts" / "pg-throwaway"), "start", "--owner", str(os.getpid())],
                                 capture_output=True, text=True)
            assert out.returncode == 0, f"no PostgreSQL for the PostgreSQL tests: {out.stderr}"
            env = dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)
            self.dir = env["HOP_PG_DIR"]
            url = env["HOP_TEST_POSTGRES_URL"]
        self.admin_url = url
        self.server = url.rsplit("/", 1)[0]

    def sql(self, database_url: str, statement: str) -> str:
        out = subprocess.run([PSQL, database_url, "-At", "-v", "ON_ERROR_STOP=1", "-c", statement],
                             capture_output=True, text=True, check=True)
        return out.stdout.strip()

    def fresh_database(self) -> str:
        """URL of a new, empty database (the hub migrates it)."""
        name = "hop_e2e_" + uuid.uuid4().hex[:12]
        self.sql(self.admin_url, f"CREATE DATABASE {name}")
        return f"{self.server}/{name}"

    def drop_database(self, database_url: str):
        """Drops a database fresh_database made, even with a (killed) hub's connections still open."""
        name = database_url.rsplit("/", 1)[1]
        self.sql(self.admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self):
        if self.dir:
            subprocess.run([str(ROOT / "scripts" / "pg-throwaway"), "stop", self.dir], check=True)
