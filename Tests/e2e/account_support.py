"""Portal users for end-to-end tests: create them with the real CLI, log in with requests."""
import subprocess

import requests

from conftest import BIN

PASSWORD = "Correct horse 42"
# Cheap bcrypt for tests; the hub and the CLI both read it from the environment.
FAST_BCRYPT = {"HOP_HUB_ACCOUNTS_BCRYPT_COST": "4"}


def create_user(hub, email, role="operator", substations=None, password=PASSWORD, extra=()):
    where = ["--substations", substations] if substations else (["--all-substations"] if role != "admin" else [])
    return subprocess.run(
        [str(BIN / "hop-hub"), "users", "create", "--data-dir", str(hub.data_dir), "--email", email,
         "--name", email.split("@")[0], "--role", role, *where, *extra, "--password-stdin"],
        input=password + "\n", capture_output=True, text=True, check=True, env=hub.env).stdout


def users_cli(hub, *args, check=True):
    return subprocess.run([str(BIN / "hop-hub"), "users", *args, "--data-dir", str(hub.data_dir)],
                          capture_output=True, text=True, check=check, env=hub.env)


def login(hub, email, password=PASSWORD, session=None):
    """A requests.Session logged in as `email` (raises on failure) with its CSRF token set."""
    s = session or requests.Session()
    r = s.post(hub.url + "/login", json={"email": email, "password": password}, timeout=10)
    assert r.status_code == 200, r.text
    s.headers["X-CSRF-Token"] = r.json()["user"]["csrf_token"]
    return s
