// The portal's view state (tab, substation, range) and its deep-link form in the URL hash:
//   #tab=telemetry&sub=SUB001&range=1h
// A small observable: setState(patch) notifies subscribers with the keys that changed.

/** The six tabs, in display order. */
export const TABS = [
  { id: 'telemetry', label: 'Telemetry' },
  { id: 'alarms', label: 'Alarms & Outages' },
  { id: 'frequency', label: 'Frequency' },
  { id: 'ml', label: 'ML Anomaly' },
  { id: 'executive', label: 'Executive View' },
  { id: 'maps', label: 'Maps' },
];

/** The range selector's choices and their length in minutes (the query endpoints' `minutes`). */
export const RANGES = [
  { id: '5m', minutes: 5 },
  { id: '15m', minutes: 15 },
  { id: '30m', minutes: 30 },
  { id: '1h', minutes: 60 },
  { id: '6h', minutes: 360 },
  { id: '24h', minutes: 1440 },
  { id: '7d', minutes: 10080 },
];

export const DEFAULT_RANGE = '1h';
const SUB_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Minutes of a range id (default range when unknown). */
export function rangeMinutes(id) {
  return (RANGES.find((r) => r.id === id) || RANGES.find((r) => r.id === DEFAULT_RANGE)).minutes;
}

/** Reads `#tab=..&sub=..&range=..`; unknown or malformed values are dropped (null). */
export function parseHash(hash) {
  const params = new URLSearchParams(String(hash || '').replace(/^#/, ''));
  const tab = params.get('tab');
  const sub = params.get('sub');
  const range = params.get('range');
  const feeder = params.get('feeder');
  return {
    tab: TABS.some((t) => t.id === tab) ? tab : null,
    sub: sub && SUB_PATTERN.test(sub) ? sub : null,
    range: RANGES.some((r) => r.id === range) ? range : null,
    feeder: feeder && SUB_PATTERN.test(feeder) ? feeder : null,
  };
}

/** The hash for a state (sub and feeder omitted when "all"). */
export function formatHash(state) {
  const params = new URLSearchParams();
  params.set('tab', state.tab);
  if (state.sub) params.set('sub', state.sub);
  params.set('range', state.range);
  if (state.feeder) params.set('feeder', state.feeder);
  return '#' + params.toString();
}

/** Observable view state. */
export class ViewState {
  constructor(initial) {
    this.value = { tab: 'telemetry', sub: '', range: DEFAULT_RANGE, feeder: '', ...initial };
    this.listeners = new Set();
  }

  get tab() { return this.value.tab; }
  get sub() { return this.value.sub; }
  get range() { return this.value.range; }
  get feeder() { return this.value.feeder; }
  get minutes() { return rangeMinutes(this.value.range); }

  /** Applies `patch`; listeners get (state, changedKeys) when anything changed. */
  set(patch) {
    const changed = [];
    for (const [key, value] of Object.entries(patch)) {
      if (value !== undefined && this.value[key] !== value) {
        this.value[key] = value;
        changed.push(key);
      }
    }
    if (changed.length) for (const fn of this.listeners) fn(this, changed);
    return changed;
  }

  /** Subscribes; returns an unsubscribe function. */
  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
