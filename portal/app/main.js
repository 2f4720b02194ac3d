// Portal entry point. Data flow:
//   1. GET /api/session (401 → /login), /api/portal/config, and the base lists (store.loadBase).
//   2. The active tab fetches its range-dependent data (tab.load) — again on range/substation change.
//   3. GET /api/stream pushes readings/events/outages/scores/alerts/edges; each message updates the
//      store and the visible tab re-renders on the next animation frame. Chart tabs refetch their
//      series at most every few seconds while live data arrives. `resync` reloads everything.
//   4. Without a live feed (404) the portal refetches every 5 s.
// View state lives in the URL hash (#tab=…&sub=…&range=…) so views can be bookmarked and shared.

import { session as getSession } from './api.js';
import { el, replace } from './dom.js';
import { Freshness, LiveFeed } from './live.js';
import { buildShell } from './shell.js';
import { TABS, ViewState, formatHash, parseHash } from './state.js';
import { Store, getOptional } from './store.js';
import { onThemeChange } from './theme.js';
import telemetry from './tabs/telemetry.js';
import alarms from './tabs/alarms.js';
import frequency from './tabs/frequency.js';
import ml from './tabs/ml.js';
import executive from './tabs/executive.js';
import maps from './tabs/maps.js';

const TAB_MODULES = { telemetry, alarms, frequency, ml, executive, maps };
/** Live kinds after which a tab's range data is refetched (throttled), beyond its cheap re-render. */
const RELOAD_ON = { telemetry: ['reading'], frequency: ['reading'], executive: ['outage', 'score', 'substations', 'edge', 'event'] };
const RELOAD_MS = 5000;
const POLL_MS = 5000;

/** Timings of every tab load (fetch + render + one frame): window.__hopRenders = [{tab, range, sub, ms, start, end}]
 * (performance.now() stamps; the bench and the tests read it). */
window.__hopRenders = [];

/** The hub's portal configuration, with defaults for a hub that does not serve /api/portal/config. */
export function readConfig(raw) {
  const r = raw || {};
  const f = r.frequency || r;
  const map = r.map || r;
  const layers = (map.layers || r.layers || []).map((l) => (typeof l === 'string' ? l : l && l.name)).filter(Boolean);
  return {
    present: raw !== null,
    band: { low: f.band_low_hz ?? 59.85, high: f.band_high_hz ?? 60.15, nominal: f.nominal_hz ?? 60 },
    tileURL: raw === null ? 'https://tile.openstreetmap.org/{z}/{x}/{y}.png' : (map.tile_url ?? r.tile_url ?? ''),
    tileAttribution: raw === null ? '© OpenStreetMap contributors' : (map.tile_attribution ?? r.tile_attribution ?? ''),
    layers,
    staleAfterS: Number(r.stale_after_s ?? 60),
  };
}

async function start() {
  const status = document.getElementById('app-status');
  let session;
  try {
    session = await getSession();
  } catch (err) {
    if (err.status !== 401) replace(status, el('p', { class: 'notice error' }, `Cannot load your session: ${err.message}`));
    return;
  }
  const store = new Store();
  // Subscribe first, then take the snapshot, then apply what arrived meanwhile: nothing is missed
  // between the query answers and the stream (duplicates are harmless: items are keyed).
  const early = [];
  let reloadAll = async () => {}; // replaced once the tabs exist
  let onLive = (kind, item) => early.push([kind, item]);
  let onLiveState = () => {};
  const feed = new LiveFeed({
    onMessage: (kind, item) => onLive(kind, item),
    onState: (st, detail) => onLiveState(st, detail),
    onFresh: () => reloadAll(),
  });
  feed.start();
  const [rawConfig] = await Promise.all([
    getOptional('/api/portal/config', null).catch(() => null),
    store.loadBase().catch((err) => showError(err)),
  ]);
  const config = readConfig(rawConfig);

  const link = parseHash(location.hash);
  const state = new ViewState({
    tab: link.tab || (session.default_tab === 'executive' ? 'executive' : 'telemetry'),
    range: link.range || '1h',
    sub: '',
    feeder: link.feeder || '',
  });
  if (link.sub) {
    if (allowed(session, store, link.sub)) state.value.sub = link.sub;
    else replace(status, el('p', { class: 'notice warn' }, 'The substation in this link is not available to your account; showing all of yours.'));
  }

  const freshness = new Freshness(config.staleAfterS);
  freshness.touch(false);
  const ctx = { state, store, config, session, freshness };
  const mounted = new Set();
  const loaded = new Map(); // tab id → "sub|range" it last loaded
  const running = new Map(); // tab id → Promise of the load in progress
  const pending = new Set();

  const shell = buildShell({ session, state, onTab: (tab) => state.set({ tab }) });
  shell.setSubstations([...store.substations.values()].sort((a, b) => a.substation_id.localeCompare(b.substation_id)), state.sub);
  shell.setSelection(state.sub, state.range);
  document.body.dataset.role = session.role || '';

  async function loadTab(id) {
    if (running.has(id)) { pending.add(id); return running.get(id); }
    const tab = TAB_MODULES[id];
    const panel = document.getElementById(`panel-${id}`);
    if (!mounted.has(id)) { tab.mount(panel.querySelector('.panel-body'), ctx); mounted.add(id); }
    const t0 = performance.now();
    const job = (async () => {
      try {
        await tab.load(ctx);
        clearError(id);
        loaded.set(id, `${state.sub}|${state.range}`);
        freshness.touch(false);
        await new Promise((r) => requestAnimationFrame(() => r()));
        if (state.tab === id && tab.shown) tab.shown(ctx);
        const end = performance.now();
        window.__hopRenders.push({ tab: id, range: state.range, sub: state.sub, ms: end - t0, start: t0, end });
        document.body.dataset.rendered = String(window.__hopRenders.length);
        panel.dataset.loaded = `${state.sub}|${state.range}`;
      } catch (err) {
        showError(err, id);
      }
    })();
    running.set(id, job);
    await job;
    running.delete(id);
    if (pending.delete(id)) await loadTab(id);
  }

  function activate(id) {
    shell.selectTab(id);
    const key = `${state.sub}|${state.range}`;
    if (loaded.get(id) !== key) loadTab(id);
    else {
      TAB_MODULES[id].render(ctx, new Set(['all', 'reading', 'score', 'outage', 'event', 'alert', 'edge', 'substations']));
      if (TAB_MODULES[id].shown) requestAnimationFrame(() => TAB_MODULES[id].shown(ctx));
    }
  }

  state.subscribe((s, changed) => {
    history.replaceState(null, '', formatHash(s.value));
    shell.setSelection(s.sub, s.range);
    if (changed.includes('sub') || changed.includes('range')) {
      loaded.clear();
      loadTab(s.tab);
      if (changed.includes('tab')) shell.selectTab(s.tab);
    } else if (changed.includes('tab')) {
      activate(s.tab);
    }
    if (changed.includes('feeder') && mounted.has(s.tab)) TAB_MODULES[s.tab].render(ctx, new Set(['feeder']));
  });
  window.addEventListener('hashchange', () => {
    const l = parseHash(location.hash);
    state.set({
      tab: l.tab || state.tab, range: l.range || state.range,
      sub: l.sub && allowed(session, store, l.sub) ? l.sub : (l.sub ? state.sub : ''), feeder: l.feeder || '',
    });
  });
  onThemeChange(() => {
    loaded.clear();
    if (mounted.has(state.tab)) {
      TAB_MODULES[state.tab].render(ctx, new Set(['theme']));
      loadTab(state.tab);
    }
  });

  // Live updates: batch messages per animation frame; refetch chart data at most every 5 s.
  let dirty = new Set();
  let frame = 0;
  const lastReload = new Map();
  const reloadTimers = new Map();
  /** Refetches a tab's range data at most once per interval, with a trailing reload after a burst. */
  const scheduleReload = (id) => {
    if (reloadTimers.has(id)) return;
    // Charts over long ranges are rolled up by the hub (about 1,500 points per series): refetching
    // them more often than one bucket width would redraw the same picture.
    const every = id === 'executive' ? RELOAD_MS : Math.max(RELOAD_MS, (state.minutes * 60000) / 1500);
    const wait = Math.max(0, (lastReload.get(id) || 0) + every - Date.now());
    reloadTimers.set(id, setTimeout(() => {
      reloadTimers.delete(id);
      lastReload.set(id, Date.now());
      if (state.tab === id) loadTab(id);
    }, wait));
  };
  const flush = () => {
    frame = 0;
    const kinds = dirty;
    dirty = new Set();
    if (kinds.has('substations')) {
      shell.setSubstations([...store.substations.values()].sort((a, b) => a.substation_id.localeCompare(b.substation_id)), state.sub);
    }
    const id = state.tab;
    if (mounted.has(id) && loaded.has(id)) {
      TAB_MODULES[id].render(ctx, kinds);
      const triggers = RELOAD_ON[id] || [];
      if (triggers.some((k) => kinds.has(k))) scheduleReload(id);
    }
    for (const other of loaded.keys()) if (other !== id) loaded.delete(other);
  };
  store.subscribe((kinds) => {
    for (const k of kinds) dirty.add(k);
    if (!frame) frame = requestAnimationFrame(flush);
  });

  let poller = 0;
  let received = early.length;
  onLive = (kind, item) => {
    // Diagnostics for tests and support: how many live messages this page has received.
    document.body.dataset.liveMessages = String(++received);
    freshness.touch(true);
    if (!store.apply(kind, item)) reloadAll();
  };
  onLiveState = (st, detail) => {
    shell.setLive(st, detail);
    if (st === 'live' && poller) { clearInterval(poller); poller = 0; }
    if (st === 'unavailable' && !poller) poller = setInterval(reloadAll, POLL_MS);
  };
  onLiveState(feed.state);
  for (const [kind, item] of early.splice(0)) onLive(kind, item);
  reloadAll = async () => {
    try {
      await store.loadBase();
      freshness.touch(!poller ? false : true);
      loaded.clear();
      await loadTab(state.tab);
    } catch (err) {
      showError(err);
    }
  };
  ctx.feed = feed;
  setInterval(() => shell.setFreshness(freshness), 1000);
  shell.setFreshness(freshness);

  history.replaceState(null, '', formatHash(state.value));
  activate(state.tab);
  document.body.dataset.ready = 'true';
}

/** A deep-linked substation is used only when the session may see it (never asked of the hub otherwise). */
function allowed(session, store, sub) {
  if (store.substations.has(sub)) return true;
  return Array.isArray(session.substations) && session.substations.includes(sub);
}

function showError(err, tab) {
  const where = tab ? document.querySelector(`#panel-${tab} .panel-error`) : document.getElementById('app-status');
  if (!where) return;
  replace(where, el('p', { class: 'notice error' }, `Could not load data: ${err && err.message ? err.message : err}`));
}

function clearError(tab) {
  const where = document.querySelector(`#panel-${tab} .panel-error`);
  if (where) replace(where);
}

export { TABS };
start();
