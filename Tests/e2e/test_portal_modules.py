"""The portal's pure ES modules, run in the real browser (imported from the hub, under its CSP):
deep-link parsing, series merging and envelopes, text-only DOM helpers, classifications."""
import pytest

from browser import browser, login  # noqa: F401 (browser: fixture)
from portal_support import PASSWORD, USERS, PortalHub, reading


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
            store: await import('/portal/app/store.js'),
          };
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
    stuck request) makes getJSON fail with code `timeout` after options.timeoutMs, naming the path."""
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
