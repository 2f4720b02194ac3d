"""Headless Debian Chromium for browser end-to-end tests (selenium).

- `browser` fixture: a fresh headless Chromium per test (1366x768), quit afterwards.
- `make_browser(width, height)`: the same for other window sizes (bench, 1920x1080 screenshots).
- `login(browser, hub_url, email, password)`: signs in through POST /login from inside the page,
  so the browser holds the real `hop_session` cookie (independent of the login page's markup).
- `screenshot(browser, name)`: PNG under artifacts/screenshots/ (gitignored).
- `record_network(browser)`: from the next navigation on, every fetch response body and every
  EventSource message is kept in `window.__hopNet` (read with `network_log(browser)`), so tests can
  assert what the page *received*, not only what it shows; `window.__hopInflight` holds the URLs of
  fetches still waiting for their answer (failure diagnostics). Injected through DevTools, so the
  page's CSP (script-src 'self') does not apply to it.
"""
import json
import pathlib

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def make_browser(width: int = 1366, height: int = 768) -> webdriver.Chrome:
    """A headless Chromium window of the given size."""
    options = Options()
    options.binary_location = CHROMIUM
    # The backgrounding switches keep timers and animation frames running at full rate whatever the
    # (headless) window's visibility, so a loaded CI machine does not throttle the page under test.
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", f"--window-size={width},{height}",
                "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions",
                "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows",
                "--disable-background-timer-throttling"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


@pytest.fixture
def browser():
    driver = make_browser()
    yield driver
    driver.quit()


def login(browser, hub_url: str, email: str, password: str) -> dict:
    """Signs `email` in with POST /login from a page on the hub's origin; returns the JSON answer.

    Raises AssertionError with the hub's status and body when the login is refused."""
    browser.get(hub_url + "/api/health")
    result = browser.execute_async_script(
        """
        const [email, password, done] = arguments;
        fetch('/login', {method: 'POST', headers: {'Content-Type': 'application/json'},
                         body: JSON.stringify({email, password}), credentials: 'same-origin'})
          .then(async r => done({status: r.status, body: await r.text()}))
          .catch(e => done({status: 0, body: String(e)}));
        """, email, password)
    assert result["status"] == 200, f"login as {email} failed: {result['status']} {result['body']}"
    return json.loads(result["body"])


def screenshot(browser, name: str) -> pathlib.Path:
    """Saves a PNG of the current window to artifacts/screenshots/<name>.png and returns its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    assert browser.save_screenshot(str(path)), f"screenshot {path} not written"
    return path


_RECORDER = r"""
(() => {
  const log = window.__hopNet = [];
  const inflight = window.__hopInflight = new Map();  // request number → URL, until its body is read
  let requests = 0;
  const origFetch = window.fetch;
  window.fetch = async function (...args) {
    const url = String(typeof args[0] === 'string' ? args[0] : (args[0] && args[0].url));
    const n = ++requests;
    inflight.set(n, url);
    let response;
    try {
      response = await origFetch.apply(this, args);
    } catch (e) {
      inflight.delete(n);
      throw e;
    }
    try {
      response.clone().text().then(t => log.push({kind: 'fetch', url, status: response.status, body: t}))
        .finally(() => inflight.delete(n));
    } catch (e) { inflight.delete(n); /* keep the page working */ }
    return response;
  };
  const OrigES = window.EventSource;
  if (OrigES) {
    const origAdd = OrigES.prototype.addEventListener;
    OrigES.prototype.addEventListener = function (type, listener, opts) {
      const wrapped = function (ev) {
        log.push({kind: 'sse', url: this.url, type, body: String(ev.data ?? '')});
        return listener.call(this, ev);
      };
      return origAdd.call(this, type, wrapped, opts);
    };
    const desc = Object.getOwnPropertyDescriptor(OrigES.prototype, 'onmessage');
    if (desc && desc.set) {
      Object.defineProperty(OrigES.prototype, 'onmessage', {
        configurable: true, get: desc.get,
        set(fn) { desc.set.call(this, fn && function (ev) {
          log.push({kind: 'sse', url: this.url, type: 'message', body: String(ev.data ?? '')});
          return fn.call(this, ev); }); },
      });
    }
  }
})();
"""


def record_network(browser) -> None:
    """Records fetch bodies and SSE messages of every page loaded after this call (window.__hopNet)."""
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _RECORDER})


def network_log(browser) -> list[dict]:
    """What the current page received so far (see record_network), plus every resource URL it loaded."""
    entries = browser.execute_script("return window.__hopNet || []")
    urls = browser.execute_script("return performance.getEntries().map(e => e.name)")
    return entries + [{"kind": "resource", "url": u, "body": ""} for u in urls]


def console_errors(browser, ignore: tuple[str, ...] = ()) -> list[str]:
    """SEVERE browser console messages (JS exceptions, failed module loads, CSP violations) since the
    last call, without the browser's own /favicon.ico probe and messages containing any of `ignore`."""
    return [e["message"] for e in browser.get_log("browser") if e.get("level") == "SEVERE"
            and "/favicon.ico" not in e["message"] and not any(i in e["message"] for i in ignore)]


def text_of(browser, css: str) -> str | None:
    """innerText of the first element matching `css`, read in one step (live re-renders replace
    elements, so a found WebElement can go stale before its text is read)."""
    return browser.execute_script("const e = document.querySelector(arguments[0]); return e ? e.innerText : null", css)


# WCAG 2.x contrast of every visible element that has its own text, against the first opaque
# background behind it (ancestors' background colours; images and canvases are not considered).
_CONTRAST_JS = r"""
const parse = (c) => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
  const p = m[1].split(',').map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
const lum = ({r, g, b}) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
const background = (el) => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
  if (c && c.a >= 0.99) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
const out = [];
for (const el of document.querySelectorAll('body *')) {
  if (el.closest('.leaflet-container, canvas, svg, .sr-only, option, select')) continue;
  const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  if (!own) continue;
  const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
  if (!r.width || !r.height || s.visibility === 'hidden' || s.display === 'none' || +s.opacity === 0) continue;
  const fg = parse(s.color); if (!fg) continue;
  const bg = background(el);
  const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
  const ratio = (l1 + 0.05) / (l2 + 0.05);
  if (ratio < arguments[0]) out.push(`${el.tagName}.${el.className} "${el.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
}
return out;
"""


def low_contrast_texts(browser, minimum: float = 4.5) -> list[str]:
    """Texts on the page whose contrast ratio is below `minimum` (WCAG AA: 4.5 for normal text)."""
    return browser.execute_script(_CONTRAST_JS, minimum)
