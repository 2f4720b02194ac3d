"""The login page in headless Chromium against a real hub: server errors shown verbatim, landing
page and `next` (with the open-redirect guard), lockout and deactivation messages, saved theme."""
import re
import subprocess

import pytest

from admin_support import (ADMIN_EMAIL, ADMIN_PASSWORD, OPERATOR_PASSWORD, HUB_ENV, admin_hub,  # noqa: F401
                           by_id, create_user, form_login, page_fetch, json_body, visible_text,
                           wait_path, wait_text)
from browser import browser, console_errors, screenshot  # noqa: F401
from conftest import BIN
from waiting import wait_until

OPERATOR = "oscar.operator@example-utility.net"


def test_login_form_is_labelled_and_shows_wrong_password_verbatim(admin_hub, browser):
    form_login(browser, admin_hub.url, ADMIN_EMAIL, "not-the-password-1")
    error = wait_text(browser, "login-error")
    assert error == "wrong email or password"
    assert wait_path(browser, "/login")
    # An unknown email gets the very same message (no account probing).
    form_login(browser, admin_hub.url, "nobody@example-utility.net", "Whatever-pass-12")
    wait_until(lambda: visible_text(browser, "login-error") == "wrong email or password", what="same message")
    # Labels and autocomplete hints, for password managers and screen readers.
    email, password = by_id(browser, "login-email"), by_id(browser, "login-password")
    assert email.get_attribute("autocomplete") == "username" and email.get_attribute("type") == "email"
    assert password.get_attribute("autocomplete") == "current-password"
    labels = {l.get_attribute("for"): l.text for l in browser.find_elements("css selector", "label")}
    assert labels.get("login-email") and labels.get("login-password")
    screenshot(browser, "login-error")
    # The 401s are expected answers; anything else in the console is a script error.
    assert [e for e in console_errors(browser) if "Failed to load resource" not in e] == []


@pytest.mark.both_backends
def test_successful_login_lands_on_portal_or_next(admin_hub, browser):
    form_login(browser, admin_hub.url, ADMIN_EMAIL, ADMIN_PASSWORD)
    assert wait_path(browser, "/portal/").startswith(admin_hub.url + "/portal/")
    session = json_body(page_fetch(browser, "GET", "/api/session"))
    assert session["email"] == ADMIN_EMAIL and session["role"] == "admin"

    browser.delete_all_cookies()
    form_login(browser, admin_hub.url, ADMIN_EMAIL, ADMIN_PASSWORD, next_path="/admin#audit")
    wait_until(lambda: browser.current_url == admin_hub.url + "/admin#audit", what="landing on next")


def test_next_never_leaves_the_hub(admin_hub, browser):
    for hostile in ("https://evil.example/phish", "//evil.example/x", "/\\evil.example", "javascript:alert(1)",
                    "/login"):
        browser.delete_all_cookies()
        form_login(browser, admin_hub.url, ADMIN_EMAIL, ADMIN_PASSWORD, next_path=hostile)
        url = wait_until(lambda: browser.current_url if "/login" not in browser.current_url else None,
                         what=f"leaving the login page for next={hostile!r}")
        assert url.split("#")[0] == admin_hub.url + "/portal/", f"next={hostile!r} led to {url}"


@pytest.mark.both_backends
def test_repeated_failures_show_the_lockout_message(admin_hub, browser):
    create_user(admin_hub, OPERATOR, "Oscar Operator", "operator", OPERATOR_PASSWORD, substations=["SUB001"])
    threshold = int(HUB_ENV["HOP_HUB_LOGIN_MAX_FAILURES"])
    for attempt in range(threshold):
        form_login(browser, admin_hub.url, OPERATOR, f"Wrong-guess-{attempt:04d}")
        wait_until(lambda: visible_text(browser, "login-error"), what=f"error after attempt {attempt + 1}")
    # Now even the right password is refused, with the server's lockout message.
    form_login(browser, admin_hub.url, OPERATOR, OPERATOR_PASSWORD)
    message = wait_text(browser, "login-error", "locked")
    assert re.search(r"\d", message), f"no wait time in {message!r}"
    assert "admin" in message.lower(), message
    assert "/login" in browser.current_url
    screenshot(browser, "login-locked")


@pytest.mark.both_backends
def test_deactivated_account_is_told_so(admin_hub, browser):
    create_user(admin_hub, OPERATOR, "Oscar Operator", "operator", OPERATOR_PASSWORD, substations=["SUB001"])
    subprocess.run([str(BIN / "hop-hub"), "users", "deactivate", OPERATOR, "--data-dir", str(admin_hub.data_dir)],
                   check=True, capture_output=True, env=admin_hub.env)
    form_login(browser, admin_hub.url, OPERATOR, OPERATOR_PASSWORD)
    assert wait_text(browser, "login-error") == "account is deactivated; ask an administrator"


def test_login_page_follows_the_saved_theme(admin_hub, browser):
    browser.get(admin_hub.url + "/login")
    wait_until(lambda: by_id(browser, "login-form").is_displayed(), what="login form")
    assert browser.execute_script("return document.documentElement.dataset.theme") == "light"
    screenshot(browser, "login-light")
    browser.execute_script("localStorage.setItem('hop.theme', 'dark')")
    browser.refresh()
    wait_until(lambda: browser.execute_script("return document.documentElement.dataset.theme") == "dark",
               what="dark theme from the saved preference")
    background = browser.execute_script("return getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(14, 20, 27)", background  # theme.css --bg of the dark theme
    screenshot(browser, "login-dark")
