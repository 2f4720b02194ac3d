"""The portal's ES modules, run in the real browser (imported from the hub, under its CSP):
deep-link parsing, series merging and envelopes, text-only DOM helpers, classifications, the API
client's timeout, and the live feed client against the hub ending its streams."""
import pytest

from browser import browser, login  # noqa: F401 (browser: fixture)
from portal_support import PASSWORD, USERS, PortalHub, open_stream, reading
from waiting import wait_until


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    h = PortalHub(tmp_path_factory.mktemp("portal-modules") / "hub-data").start()
    yield h
    h.stop()


def run(browser, hub, body: str):
    """Runs `body` (async JS with `m` = the imported modules) on a hub page and returns its result."""
    browser.get(hub.url + "/portal/css/theme.css")
    result = browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        (async () => {
          const m = {
            state: await import('/portal/app/state.js'), charts: await import('/portal/app/series.js'),
            dom: await import('/portal/app/dom.js'), status: await import('/portal/app/status.js'),
            store: await import('/portal/app/store.js'), live: await import('/portal/app/live.js'),
          };
          window.__m = m;
          return await (async () => { %s })();
        })().then((v) => done({ok: v}), (e) => done({error: String(e && e.stack || e)}));
        """ % body)
    assert "error" not in result, result.get("error")
    return result["ok"]


def test_deep_links_round_trip_and_reject_bad_values(browser, hub):
    out = run(browser, hub, """
      const p = m.state.parseHash('#tab=frequency&sub=SUB001&range=6h&feeder=FDR002');
      const bad = m.state.parseHash('#tab=admin&sub=%3Cimg%3E&range=9y');
      return {p, bad, back: m.state.formatHash({tab: 'ml', sub: '', range: '7d', feeder: ''}),
              minutes: m.state.RANGES.map((r) => [r.id, m.state.rangeMinutes(r.id)])};""")
    assert out["p"] == {"tab": "frequency", "sub": "SUB001", "range": "6h", "feeder": "FDR002"}
    assert out["bad"] == {"tab": None, "sub": None, "range": None, "feeder": None}
    assert out["back"] == "#tab=ml&range=7d"
    assert out["minutes"] == [["5m", 5], ["15m", 15], ["30m", 30], ["1h", 60], ["6h", 360], ["24h", 1440], ["7d", 10080]]


def test_merge_series_aligns_times_and_splits_envelopes_at_gaps(browser, hub):
    out = run(browser, hub, """
      const a = {name: 'A', points: [{t: 0, v: 1, lo: 0, hi: 2}, {t: 60, v: 2, lo: 1, hi: 3}, {t: 120, v: 3, lo: 2, hi: 4},
                                     {t: 600, v: 4, lo: 3, hi: 5}, {t: 660, v: 5, lo: 4, hi: 6}]};
      const b = {name: 'B', points: [{t: 60, v: 10, lo: 9, hi: 12}]};
      const merged = m.charts.mergeSeries([a, b], true);
      const combined = m.charts.mergeSeries([a, b], true, true);
      return {labels: merged.labels, rows: merged.rows.map((r) => [r[0].getTime(), r[1], r[2]]),
              runs: merged.envelopes[0].map((run) => run.length), combined: combined.envelopes.length,
              combinedAt60: combined.envelopes[0][0][1]};""")
    assert out["labels"] == ["Time", "A", "B"]
    assert out["rows"][:2] == [[0, 1, None], [60, 2, 10]]
    assert len(out["rows"]) == 5
    assert out["runs"] == [3, 2]  # the 480 s hole splits A's envelope
    assert out["combined"] == 1 and out["combinedAt60"] == [60, 1, 12]  # min of minima, max of maxima


def test_dom_helpers_never_interpret_markup(browser, hub):
    out = run(browser, hub, """
      const payload = '<img src=x onerror=window.__xss=1>';
      const node = m.dom.el('div', {class: 'c', title: payload, dataset: {sub: payload}}, payload, 7, null, [m.dom.el('b', {}, payload)]);
      document.body.appendChild(node);
      await new Promise((r) => setTimeout(r, 50));
      return {text: node.textContent, imgs: node.querySelectorAll('img').length, title: node.title, xss: window.__xss ?? null,
              fmt: [m.dom.fmt(1.234, 2), m.dom.fmt(null), m.dom.fmt('x'), m.dom.fmtInt(1560)]};""")
    assert out["text"] == "<img src=x onerror=window.__xss=1>7<img src=x onerror=window.__xss=1>"
    assert out["imgs"] == 0 and out["xss"] is None and out["title"].startswith("<img")
    assert out["fmt"] == ["1.23", "—", "—", "1,560"]


def test_classifications_follow_the_seed_thresholds(browser, hub):
    out = run(browser, hub, """
      const s = (x) => m.status.scoreClass({anomaly_score: x}).key;
      const band = {low: 59.85, high: 60.15};
      return {scores: [s(0.39), s(0.4), s(0.69), s(0.7), s(1)], hub: m.status.scoreClass({anomaly_score: 0.1, classification: 'ANOMALY'}).key,
              freq: [59.84, 59.85, 60.0, 60.15, 60.16].map((hz) => m.status.frequencyClass(hz, band).key),
              events: [{event_type: 'FEEDER_TRIP', severity: 'ALARM'}, {event_type: 'COMM_FAIL', severity: 'WARNING'},
                       {event_type: 'FEEDER_RESTORE', severity: 'INFO'}, {event_type: 'NOTE', severity: 'INFO'}]
                .map((e) => m.status.eventClass(e).css),
              resolved: ['RESOLVED', 'restored', 'Closed', 'CANCELLED', 'ACTIVE'].map(m.store.isResolved)};""")
    assert out["scores"] == ["normal", "elevated", "elevated", "anomaly", "anomaly"]
    assert out["hub"] == "anomaly"  # the hub's classification wins
    assert out["freq"] == ["low", "normal", "normal", "normal", "high"]
    assert out["events"] == ["state-bad", "state-warn", "state-ok", "state-info"]
    assert out["resolved"] == [True, True, True, True, False]


def test_api_calls_fail_with_a_timeout_instead_of_hanging(browser, hub):
    """A hub that answers the headers but never finishes the body (the live stream stands in for a
    stuck request) makes getJSON fail with code `timeout` after options.timeoutMs, naming the path.
    The page (a stylesheet) opens no stream of its own, and the hub ends a stream opened with the
    user's current rights for none of its reasons within the timeout: not the CLI's creation of the
    user just before (test_a_user_change_made_by_the_cli_ends_only_the_streams_opened_before_it)."""
    email, name, role, subs = USERS["operator"]
    hub.create_user(email, name, role, subs)
    login(browser, hub.url, email, PASSWORD)
    out = run(browser, hub, """
      const api = await import('/portal/app/api.js');
      const t0 = performance.now();
      try { await api.getJSON('/api/stream', {timeoutMs: 400}); return {resolved: true}; }
      catch (e) { return {code: e.code, status: e.status, message: e.message, ms: performance.now() - t0,
                          default: api.REQUEST_TIMEOUT_MS}; }""")
    assert out.get("code") == "timeout", out
    assert out["status"] == 0
    assert "GET /api/stream" in out["message"] and "0.4 s" in out["message"]
    assert 400 <= out["ms"] < 5000
    assert out["default"] == 30000


def test_a_snapshot_never_steps_back_over_newer_live_data(browser, hub):
    """store.loadBase (a resync or reconnect) keeps a live reading or score newer than the snapshot,
    drops older ones and those of substations no longer listed."""
    key = hub.create_key("modules-store", scope="ingest,read")
    hub.post(key, "/api/ingest/telemetry", reading("SUB001", "FDR001", {"voltage_kv": 230.0}))
    email, name, role, subs = USERS["executive"]
    hub.create_user(email, name, role, subs)
    login(browser, hub.url, email, PASSWORD)
    out = run(browser, hub, """
      const s = new m.store.Store();
      await s.loadBase();
      const snap = s.latest.get('SUB001|FDR001');
      const later = new Date(Date.parse(snap.time) + 1000).toISOString();
      const earlier = new Date(Date.parse(snap.time) - 1000).toISOString();
      s.apply('reading', {...snap, time: later, voltage_kv: 999.9});
      s.apply('reading', {...snap, substation_id: 'SUB999', time: later, voltage_kv: 1.0});
      s.apply('score', {substation_id: 'SUB001', time: later, anomaly_score: 0.5});
      await s.loadBase();
      const kept = s.latest.get('SUB001|FDR001').voltage_kv;
      const unlisted = s.latestBySub.has('SUB999') || s.latest.has('SUB999|FDR001');
      s.apply('reading', {...snap, time: earlier, voltage_kv: 111.1});
      await s.loadBase();
      return {kept, unlisted, score: s.scores.get('SUB001')?.anomaly_score,
              stepped: s.latest.get('SUB001|FDR001').voltage_kv};""")
    assert out == {"kept": 999.9, "unlisted": False, "score": 0.5, "stepped": 230.0}


def start_feed(browser, hub, name: str) -> None:
    """Starts a portal LiveFeed as `window[name]` on a module page (states in `window[name].states`,
    message kinds in `.kinds`), and waits until it is live."""
    script = """
      const f = new window.__m.live.LiveFeed({onMessage: (kind) => f.kinds.push(kind), onState: (st) => f.states.push(st)});
      f.states = []; f.kinds = []; window[arguments[0]] = f; f.start();"""
    if browser.execute_script("return !window.__m"):
        run(browser, hub, "return true;")
    browser.execute_script(script, name)
    wait_until(lambda: browser.execute_script("return window[arguments[0]].state", name) == "live",
               what=f"{name}'s stream to open")


def feed(browser, name: str) -> dict:
    return browser.execute_script(
        "const f = window[arguments[0]];"
        "return {state: f.state, states: f.states, kinds: f.kinds, closed: f.lastClosed, source: !!f.source, timer: f.timer}",
        name)


def test_a_user_change_made_by_the_cli_ends_only_the_streams_opened_before_it(browser, hub):
    """The CLI writes users straight into the database; the hub notices within 2 s and ends the
    streams opened with the old row, each told why (`closed`, `access_changed`). A stream opened
    after the change — right after the user was created, as tests and new operators do — already has
    the new rights: it stays open (it used to be ended, without a word, when the hub noticed).
    Synchronised on the hub: the witness's `closed` event shows the hub has taken in every change up
    to the witness's, the page user's creation included."""
    w_email, w_name, w_role, w_subs = USERS["restricted"]
    hub.create_user(w_email, w_name, w_role, w_subs)
    witness = open_stream(hub, w_email)
    hub.create_user("nora.new@example.com", "Nora New", "operator", "SUB001,SUB002")
    login(browser, hub.url, "nora.new@example.com", PASSWORD)
    start_feed(browser, hub, "nora")
    hub.cli("users", "grant", w_email, "SUB001")  # after Nora's creation; the witness's stream predates it
    closed = witness.wait_for("closed")
    assert closed["reason"] == "access_changed" and "access changed" in closed["message"], closed

    key = hub.create_key("modules-live", scope="ingest,read")
    hub.post(key, "/api/ingest/telemetry", reading("SUB001", "FDR001", {"voltage_kv": 231.0}))
    wait_until(lambda: "reading" in feed(browser, "nora")["kinds"], what="the reading on Nora's stream")
    nora = feed(browser, "nora")
    assert nora["states"] == ["connecting", "live"] and nora["closed"] is None, nora


def test_a_replaced_stream_is_told_so_and_does_not_reconnect(tmp_path, browser):
    """At the per-user limit (1 here) a page's first stream replaces the session's oldest. The old
    one gets `closed` / `replaced` and stays closed: reconnecting would take the stream back from the
    newer page (or, refused with 429, retry forever). The newer one carries on."""
    limited = PortalHub(tmp_path / "hub-data", HOP_HUB_LIVE_MAX_STREAMS_PER_CALLER="1").start()
    try:
        email, name, role, subs = USERS["operator"]
        limited.create_user(email, name, role, subs)
        login(browser, limited.url, email, PASSWORD)
        start_feed(browser, limited, "older")
        start_feed(browser, limited, "newer")
        wait_until(lambda: feed(browser, "older")["state"] == "replaced", what="the older stream to be replaced")
        older = feed(browser, "older")
        assert older["closed"]["reason"] == "replaced", older
        assert older["states"] == ["connecting", "live", "replaced"], older
        assert not older["source"] and older["timer"] is None, "no connection and no reconnect pending"

        key = limited.create_key("modules-live", scope="ingest,read")
        limited.post(key, "/api/ingest/telemetry", reading("SUB001", "FDR001", {"voltage_kv": 231.0}))
        wait_until(lambda: "reading" in feed(browser, "newer")["kinds"], what="the reading on the newer stream")
        assert feed(browser, "newer")["states"] == ["connecting", "live"]
        assert feed(browser, "older") == older, "the replaced feed stayed closed"
    finally:
        limited.stop()
