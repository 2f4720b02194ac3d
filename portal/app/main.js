// Portal entry point. Data flow (docs/portal.md#how-data-flows):
//   1. GET /api/session (401 → /login); open GET /api/stream; then the snapshot: /api/portal/config
//      and the base lists (store.loadBase). Stream messages that arrive meanwhile are applied after it.
//   2. The active tab fetches its range data (tab.load) — again on range/substation change.
//   3. Each stream message updates the store; the visible tab re-renders on the next animation frame;
//      chart tabs refetch their series, throttled (tabhost.js). `resync` reloads everything.
//   4. Without a live feed (404) the portal refetches every 5 s.
// View state lives in the URL hash (#tab=…&sub=…&range=…) so views can be bookmarked and shared.

import { buildAlarmBanner } from './alarmbanner.js';
import { session as getSession } from './api.js';
import { readConfig } from './config.js';
import { el, replace } from './dom.js';
import { Freshness, LiveFeed } from './live.js';
import { buildShell } from './shell.js';
import { ViewState, formatHash, parseHash } from './state.js';
import { Store, getOptional } from './store.js';
import { TabHost } from './tabhost.js';
import { onThemeChange } from './theme.js';

const POLL_MS = 5000;

async function start() {
  const status = document.getElementById('app-status');
  let session;
  try {
    session = await getSession();
  } catch (err) {
    if (err.status !== 401) notice(`Cannot load your session: ${err.message}`, 'error');
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
    store.loadBase().catch((err) => notice(`Could not load data: ${err.message}`, 'error')),
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
    else notice('The substation in this link is not available to your account; showing all of yours.', 'warn');
  }

  const freshness = new Freshness(config.staleAfterS);
  freshness.touch(false);
  const ctx = { state, store, config, session, freshness, feed };
  const shell = buildShell({ session, state, onTab: (tab) => state.set({ tab }) });
  const tabs = new TabHost(ctx, shell);
  const updateBanner = buildAlarmBanner(() => state.set({ tab: 'alarms' }));
  updateBanner(store);
  const listSubstations = () => [...store.substations.values()].sort((a, b) => a.substation_id.localeCompare(b.substation_id));
  shell.setSubstations(listSubstations(), state.sub);
  shell.setSelection(state.sub, state.range);
  document.body.dataset.role = session.role || '';

  state.subscribe((s, changed) => {
    history.replaceState(null, '', formatHash(s.value));
    shell.setSelection(s.sub, s.range);
    if (changed.includes('sub') || changed.includes('range')) {
      tabs.invalidate();
      shell.selectTab(s.tab);
      tabs.load(s.tab);
    } else if (changed.includes('tab')) {
      tabs.activate(s.tab);
    }
    if (changed.includes('feeder')) tabs.redraw('feeder');
  });
  window.addEventListener('hashchange', () => {
    const l = parseHash(location.hash);
    state.set({
      tab: l.tab || state.tab, range: l.range || state.range,
      sub: l.sub && allowed(session, store, l.sub) ? l.sub : (l.sub ? state.sub : ''), feeder: l.feeder || '',
    });
  });
  onThemeChange(() => {
    tabs.invalidate();
    tabs.redraw('theme');
    tabs.load(state.tab);
  });

  // Live updates: batch the store's changes per animation frame.
  let dirty = new Set();
  let frame = 0;
  store.subscribe((kinds) => {
    for (const k of kinds) dirty.add(k);
    if (!frame) {
      frame = requestAnimationFrame(() => {
        frame = 0;
        const batch = dirty;
        dirty = new Set();
        if (batch.has('substations')) shell.setSubstations(listSubstations(), state.sub);
        if (batch.has('alarm')) updateBanner(store);
        tabs.render(batch);
      });
    }
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
    if (st === 'unavailable' && !poller) poller = setInterval(() => reloadAll(), POLL_MS);
  };
  onLiveState(feed.state);
  for (const [kind, item] of early.splice(0)) onLive(kind, item);
  reloadAll = async () => {
    try {
      await store.loadBase();
      if (poller) freshness.touch(true); // polling is the feed when there is no stream
      tabs.invalidate();
      await tabs.load(state.tab);
    } catch (err) {
      notice(`Could not load data: ${err.message}`, 'error');
    }
  };
  setInterval(() => shell.setFreshness(freshness), 1000);
  shell.setFreshness(freshness);

  history.replaceState(null, '', formatHash(state.value));
  tabs.activate(state.tab);
  document.body.dataset.ready = 'true';

  function notice(message, kind) {
    replace(status, el('p', { class: `notice ${kind}` }, message));
  }
}

/** A deep-linked substation is used only when the session may see it (never asked of the hub otherwise). */
function allowed(session, store, sub) {
  if (store.substations.has(sub)) return true;
  return Array.isArray(session.substations) && session.substations.includes(sub);
}

start();
