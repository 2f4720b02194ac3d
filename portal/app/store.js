// What the portal knows right now: substations, newest readings, scores, active outages, events,
// alert decisions and edges. Filled by the query endpoints and kept current by the live feed.
// Everything here already passed the hub's per-user filter: the portal never asks for a substation
// outside the session's grants.

import { getJSON, ApiError } from './api.js';

const RESOLVED = new Set(['RESOLVED', 'RESTORED', 'CLOSED', 'CANCELLED']);
const MAX_EVENTS = 1000;
const MAX_ALERTS = 500;
const MAX_ALARMS = 10000;
/** Alarm priorities, most urgent first (docs/alarms.md). */
export const PRIORITIES = ['critical', 'high', 'medium', 'low'];
const PRIORITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 };
/** States an operator still has to acknowledge. */
export const UNACKNOWLEDGED = new Set(['unacknowledged_active', 'returned_unacknowledged']);

/** True for an outage status that ends the outage. */
export function isResolved(status) {
  return RESOLVED.has(String(status || '').toUpperCase());
}

/** GET that answers `fallback` when the endpoint does not exist (404) on this hub. */
export async function getOptional(path, fallback = null) {
  try {
    return await getJSON(path);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404 && err.code === 'not_found') return fallback;
    throw err;
  }
}

/** Query string from an object, skipping empty values. */
export function query(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** The portal's data cache. `onChange(kinds)` is called after each update with what changed. */
export class Store {
  constructor() {
    this.substations = new Map();
    this.latest = new Map();
    // substation id → (reading key → reading): the same readings as `latest`, grouped so
    // readingsOf does not scan every substation's feeders.
    this.latestBySub = new Map();
    this.scores = new Map();
    this.outages = new Map();
    this.events = [];
    this.alerts = [];
    this.edges = new Map();
    // alarm id → open alarm (cleared ones are dropped): the Alarms tab's list and the banner's counts.
    this.alarms = new Map();
    this.listeners = new Set();
    this.unknownSeen = false;
  }

  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(kinds) {
    for (const fn of this.listeners) fn(new Set(kinds));
  }

  /** Substation ids, sorted. */
  substationIds() {
    return [...this.substations.keys()].sort();
  }

  /** Readings of one substation's feeders (newest per feeder), sorted by feeder. */
  readingsOf(sub) {
    const feeders = this.latestBySub.get(sub);
    const out = feeders ? [...feeders.values()] : [];
    return out.sort((a, b) => String(a.feeder_id || '').localeCompare(String(b.feeder_id || '')));
  }

  /** Average frequency of a substation's newest readings (null without any). */
  frequencyOf(sub) {
    const values = this.readingsOf(sub).map((r) => r.frequency_hz).filter((v) => typeof v === 'number');
    return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
  }

  /** Active outages, newest first, of `sub` (all when empty). */
  outagesOf(sub = '') {
    return [...this.outages.values()]
      .filter((o) => !sub || o.substation_id === sub)
      .sort((a, b) => String(b.time || '').localeCompare(String(a.time || '')));
  }

  /** Records `r` as the newest reading of its feeder (in `latest` and its substation's index). */
  setLatest(r) {
    const key = readingKey(r);
    this.latest.set(key, r);
    let feeders = this.latestBySub.get(r.substation_id);
    if (!feeders) this.latestBySub.set(r.substation_id, (feeders = new Map()));
    feeders.set(key, r);
  }

  /** Loads the lists every tab relies on. */
  async loadBase() {
    const started = Date.now();
    const [subs, latest, scores, outages, edges, alarms] = await Promise.all([
      getJSON('/api/query/substations'),
      getJSON('/api/query/telemetry/latest'),
      getJSON('/api/query/ml/latest'),
      getJSON('/api/query/outages/active'),
      getOptional('/api/query/edges', []),
      getOptional(`/api/alarms?limit=${MAX_ALARMS}`, []),
    ]);
    this.substations = new Map(subs.map((s) => [s.substation_id, s]));
    // A live reading or score applied while these answers were on their way is newer than they
    // are: keep it (for substations still listed) rather than step back to the snapshot.
    const liveLatest = this.latest;
    const liveScores = this.scores;
    this.latest = new Map();
    this.latestBySub = new Map();
    for (const r of latest) this.setLatest(r);
    for (const [key, r] of liveLatest) {
      if (this.substations.has(r.substation_id) && isNewer(r, this.latest.get(key))) this.setLatest(r);
    }
    this.scores = new Map(scores.map((s) => [s.substation_id, s]));
    for (const [sub, s] of liveScores) {
      if (this.substations.has(sub) && isNewer(s, this.scores.get(sub))) this.scores.set(sub, s);
    }
    this.outages = new Map(outages.map((o) => [o.outage_id, o]));
    this.edges = new Map((edges || []).map((e) => [e.edge_id, e]));
    this.setAlarms(alarms || [], started);
    this.emit(['substations', 'reading', 'score', 'outage', 'edge', 'alarm']);
  }

  /** Replaces the open alarms with `list`, asked for at `started` (ms): a live change newer than
   *  the list is kept, and so is an alarm raised while the list was on its way. */
  setAlarms(list, started = Date.now()) {
    const live = this.alarms;
    this.alarms = new Map(list.map((a) => [a.id, a]));
    for (const [id, a] of live) {
      const listed = this.alarms.get(id);
      const changed = Date.parse(a.updated_at);
      if (listed ? changed > Date.parse(listed.updated_at) : changed >= started - 5000) this.alarms.set(id, a);
    }
  }

  /** Records one alarm as changed (an action's answer or a live message); cleared ones leave. */
  putAlarm(a) {
    const known = this.alarms.get(a.id);
    if (known && Date.parse(known.updated_at) > Date.parse(a.updated_at)) return;
    if (a.state === 'cleared') this.alarms.delete(a.id);
    else this.alarms.set(a.id, a);
  }

  /** Open alarms of `sub` (all when empty), most urgent then newest first. */
  alarmsOf(sub = '') {
    return [...this.alarms.values()]
      .filter((a) => !sub || a.substation_id === sub)
      .sort((a, b) => (PRIORITY_RANK[a.priority] ?? 9) - (PRIORITY_RANK[b.priority] ?? 9)
        || String(b.last_raised_at).localeCompare(String(a.last_raised_at)) || b.id - a.id);
  }

  /** Unacknowledged alarms (active or returned) by priority, every priority present. */
  unacknowledgedCounts() {
    const counts = { critical: 0, high: 0, medium: 0, low: 0 };
    for (const a of this.alarms.values()) {
      if (UNACKNOWLEDGED.has(a.state)) counts[a.priority] = (counts[a.priority] || 0) + 1;
    }
    return counts;
  }

  /** Loads the event log and alert decisions of the last `minutes`. */
  async loadLogs(minutes, sub = '') {
    const [events, alerts] = await Promise.all([
      getJSON(query('/api/query/events', { minutes, limit: MAX_EVENTS, substation_id: sub })),
      getOptional(query('/api/query/alerts', { minutes, limit: MAX_ALERTS, substation_id: sub }), []),
    ]);
    this.events = events;
    this.alerts = alerts || [];
    this.logsFor = { minutes, sub };
    this.emit(['event', 'alert']);
  }

  /** Applies one live message; returns false for messages that need a full reload (resync). */
  apply(kind, item) {
    if (kind === 'resync' || !item) return false;
    switch (kind) {
      case 'reading':
        this.setLatest(item);
        if (!this.substations.has(item.substation_id)) {
          this.substations.set(item.substation_id, {
            substation_id: item.substation_id, site_name: item.site_name, latitude: item.latitude,
            longitude: item.longitude, last_seen: item.time, active: true, feeders: [],
          });
          this.emit(['substations']);
        } else {
          const s = this.substations.get(item.substation_id);
          s.last_seen = item.time;
          s.active = true;
          if (item.site_name) s.site_name = item.site_name;
        }
        break;
      case 'score':
        this.scores.set(item.substation_id, item);
        break;
      case 'outage':
        if (isResolved(item.status)) this.outages.delete(item.outage_id);
        else this.outages.set(item.outage_id, item);
        break;
      case 'event':
        if (item.id !== undefined && this.events.some((e) => e.id === item.id)) return true;
        if (!this.logsFor || !this.logsFor.sub || this.logsFor.sub === item.substation_id) {
          this.events.unshift(item);
          if (this.events.length > MAX_EVENTS) this.events.length = MAX_EVENTS;
        }
        break;
      case 'alert':
        if (item.id !== undefined && this.alerts.some((a) => a.id === item.id)) return true;
        if (!this.logsFor || !this.logsFor.sub || this.logsFor.sub === item.substation_id) {
          this.alerts.unshift(item);
          if (this.alerts.length > MAX_ALERTS) this.alerts.length = MAX_ALERTS;
        }
        break;
      case 'edge':
        this.edges.set(item.edge_id, item);
        break;
      case 'alarm':
        this.putAlarm(item);
        break;
      default:
        return true;
    }
    // `sub:<id>` lets tabs redraw only the cards of the substations that changed.
    this.emit(item.substation_id ? [kind, `sub:${item.substation_id}`] : [kind]);
    return true;
  }
}

function readingKey(r) {
  return `${r.substation_id}|${r.feeder_id || ''}`;
}

/** Whether item `a` (a reading or score with an RFC 3339 `time`) is newer than `b` (or `b` is missing). */
function isNewer(a, b) {
  if (!b) return true;
  const ta = Date.parse(a.time);
  const tb = Date.parse(b.time);
  return Number.isFinite(ta) && (!Number.isFinite(tb) || ta > tb);
}
