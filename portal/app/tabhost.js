// Runs the six tab modules: mounts a tab on first use, loads its range data (one load at a time
// per tab, a change during a load queues one more; a load that failed for a passing reason is
// retried after 5 s, and its panel carries data-failed until one succeeds), re-renders the visible
// tab from the store, and refetches chart data while live data arrives (throttled). Records every
// load's timing in window.__hopRenders = [{tab, range, sub, ms, start, end}] (performance.now();
// bench and tests).

import { ApiError } from './api.js';
import { el, replace } from './dom.js';
import telemetry from './tabs/telemetry.js';
import alarms from './tabs/alarms.js';
import frequency from './tabs/frequency.js';
import ml from './tabs/ml.js';
import executive from './tabs/executive.js';
import maps from './tabs/maps.js';

const MODULES = { telemetry, alarms, frequency, ml, executive, maps };
/** Live kinds after which a tab's range data is refetched (throttled), beyond its cheap re-render. */
const RELOAD_ON = { telemetry: ['reading'], frequency: ['reading'], executive: ['outage', 'score', 'substations', 'edge', 'event', 'alarm'] };
const RELOAD_MS = 5000;
/** A load that failed for a passing reason (hub unreachable or busy) is tried again after this. */
const RETRY_MS = 5000;
const ALL = ['all', 'reading', 'score', 'outage', 'event', 'alert', 'edge', 'substations'];

window.__hopRenders = [];

/** The tab modules of one page, sharing `ctx` ({state, store, config, session, freshness}). */
export class TabHost {
  constructor(ctx, shell) {
    this.ctx = ctx;
    this.shell = shell;
    this.mounted = new Set();
    this.loaded = new Map(); // tab id → "sub|range" it last loaded
    this.running = new Map();
    this.pending = new Set();
    this.lastReload = new Map();
    this.reloadTimers = new Map();
    this.retryTimers = new Map();
  }

  key() {
    return `${this.ctx.state.sub}|${this.ctx.state.range}`;
  }

  /** Loads `id`'s data and renders it (mounting it first). */
  async load(id) {
    if (this.running.has(id)) { this.pending.add(id); return this.running.get(id); }
    const { ctx } = this;
    const tab = MODULES[id];
    const panel = document.getElementById(`panel-${id}`);
    if (!this.mounted.has(id)) { tab.mount(panel.querySelector('.panel-body'), ctx); this.mounted.add(id); }
    const t0 = performance.now();
    panel.setAttribute('aria-busy', 'true'); // assistive technology waits for the new content
    const job = (async () => {
      try {
        await tab.load(ctx);
        showError(id, null);
        delete panel.dataset.failed;
        this.loaded.set(id, this.key());
        ctx.freshness.touch(false);
        await nextFrame();
        if (ctx.state.tab === id && tab.shown) tab.shown(ctx);
        const end = performance.now();
        window.__hopRenders.push({ tab: id, range: ctx.state.range, sub: ctx.state.sub, ms: end - t0, start: t0, end });
        document.body.dataset.rendered = String(window.__hopRenders.length);
        panel.dataset.loaded = this.key();
      } catch (err) {
        panel.dataset.failed = err && err.message ? err.message : String(err);
        showError(id, err, this.retryLater(id, err));
      } finally {
        panel.removeAttribute('aria-busy');
      }
    })();
    this.running.set(id, job);
    await job;
    this.running.delete(id);
    if (this.pending.delete(id)) await this.load(id);
  }

  /** Tries a failed load again after RETRY_MS when the failure may pass (the hub's no answer, 429,
   *  5xx; not a refusal or a bug in the page) and the tab is still shown and still failed (for
   *  whichever substation and range it shows then). Returns the wait in ms (0: no retry). */
  retryLater(id, err) {
    if (!(err instanceof ApiError) || !(err.status === 0 || err.status === 429 || err.status >= 500)) return 0;
    const wait = err.retryAfter ? Math.max(RETRY_MS, err.retryAfter * 1000) : RETRY_MS;
    if (this.retryTimers.has(id)) return wait;
    this.retryTimers.set(id, setTimeout(() => {
      this.retryTimers.delete(id);
      // Whatever range or substation is shown now: its last load failed (a later success cleared it).
      const panel = document.getElementById(`panel-${id}`);
      if (this.ctx.state.tab === id && panel && panel.dataset.failed !== undefined) this.load(id);
    }, wait));
    return wait;
  }

  /** Shows `id`: loads it when its data is not for the current substation/range, else redraws it. */
  activate(id) {
    this.shell.selectTab(id);
    if (this.loaded.get(id) !== this.key()) {
      this.load(id);
    } else {
      MODULES[id].render(this.ctx, new Set(ALL));
      if (MODULES[id].shown) requestAnimationFrame(() => MODULES[id].shown(this.ctx));
    }
  }

  /** Forgets every tab's data (substation, range or theme changed; a resync). */
  invalidate() {
    this.loaded.clear();
  }

  /** Redraws the visible tab with what changed (`kinds`); other tabs reload when opened again. */
  render(kinds) {
    const id = this.ctx.state.tab;
    if (this.mounted.has(id) && this.loaded.has(id)) {
      MODULES[id].render(this.ctx, kinds);
      if ((RELOAD_ON[id] || []).some((k) => kinds.has(k))) this.scheduleReload(id);
    }
    for (const other of [...this.loaded.keys()]) if (other !== id) this.loaded.delete(other);
  }

  /** Redraws the visible tab for a view change that needs no data (feeder, theme). */
  redraw(kind) {
    const id = this.ctx.state.tab;
    if (this.mounted.has(id)) MODULES[id].render(this.ctx, new Set([kind]));
  }

  /** Refetches a tab's range data at most once per interval, with a trailing reload after a burst. */
  scheduleReload(id) {
    if (this.reloadTimers.has(id)) return;
    // Charts over long ranges are rolled up by the hub (about 1,500 points per series): refetching
    // them more often than one bucket width would redraw the same picture.
    const every = id === 'executive' ? RELOAD_MS : Math.max(RELOAD_MS, (this.ctx.state.minutes * 60000) / 1500);
    const wait = Math.max(0, (this.lastReload.get(id) || 0) + every - Date.now());
    this.reloadTimers.set(id, setTimeout(() => {
      this.reloadTimers.delete(id);
      this.lastReload.set(id, Date.now());
      if (this.ctx.state.tab === id) this.load(id);
    }, wait));
  }
}

/** The next animation frame, or 100 ms when the browser paints none (a background tab): the
 *  frame only orders `shown()` after layout, it must not hold a load up. */
function nextFrame() {
  return new Promise((resolve) => {
    requestAnimationFrame(() => resolve());
    setTimeout(resolve, 100);
  });
}

/** Shows (or clears, with `err` null) a load error above the tab's content, saying when it is
 *  tried again (`retryMs` > 0). */
function showError(id, err, retryMs = 0) {
  const where = document.querySelector(`#panel-${id} .panel-error`);
  if (!where) return;
  if (err === null) {
    replace(where);
    return;
  }
  const retry = retryMs > 0 ? ` — trying again in ${Math.round(retryMs / 1000)} s` : '';
  replace(where, el('p', { class: 'notice error' }, `Could not load data: ${err && err.message ? err.message : err}${retry}`));
}
