// Shared classification of substations, scores, events and frequency into labelled states with a
// CSS class (state-ok / state-warn / state-bad / state-info), so every tab colours things alike.

import { el } from './dom.js';

/** Score classification (hub's `classification`, else the seed's thresholds 0.4 / 0.7). */
export function scoreClass(score) {
  if (!score) return { key: 'unknown', label: 'No score', css: 'state-info' };
  let c = String(score.classification || '').toUpperCase();
  if (!c) {
    const s = Number(score.anomaly_score);
    c = s >= 0.7 ? 'ANOMALY' : s >= 0.4 ? 'ELEVATED' : 'NORMAL';
  }
  if (c === 'ANOMALY') return { key: 'anomaly', label: 'Anomaly', css: 'state-bad' };
  if (c === 'ELEVATED') return { key: 'elevated', label: 'Elevated', css: 'state-warn' };
  return { key: 'normal', label: 'Normal', css: 'state-ok' };
}

/** Overall state of a substation: outage > anomaly > elevated > silent > normal. */
export function substationState(store, sub) {
  if (store.outagesOf(sub).length) return { key: 'outage', label: 'Outage', css: 'state-bad' };
  const score = scoreClass(store.scores.get(sub));
  if (score.key === 'anomaly' || score.key === 'elevated') return score;
  const s = store.substations.get(sub);
  if (s && s.active === false) return { key: 'silent', label: 'Not reporting', css: 'state-info' };
  return { key: 'normal', label: 'Normal', css: 'state-ok' };
}

/** Event colour by event type and severity (trip/alarm red, comm-fail amber, restore green). */
export function eventClass(event) {
  const type = String(event.event_type || '').toUpperCase();
  const severity = String(event.severity || '').toUpperCase();
  if (type.includes('RESTORE')) return { label: 'Restore', css: 'state-ok' };
  if (type.includes('TRIP') || severity === 'ALARM' || severity === 'CRITICAL') return { label: 'Alarm', css: 'state-bad' };
  if (type.includes('COMM') || severity === 'WARNING' || severity === 'WARN') return { label: 'Warning', css: 'state-warn' };
  return { label: 'Info', css: 'state-info' };
}

/** Frequency against the band: Low / Normal / High. */
export function frequencyClass(hz, band) {
  if (hz === null || hz === undefined) return { key: 'unknown', label: 'No data', css: 'state-info' };
  if (hz < band.low) return { key: 'low', label: 'Low', css: 'state-bad' };
  if (hz > band.high) return { key: 'high', label: 'High', css: 'state-bad' };
  return { key: 'normal', label: 'Normal', css: 'state-ok' };
}

/** A badge element for a state. */
export function badge(state) {
  const cls = state.css.replace('state-', '');
  return el('span', { class: `badge ${cls}` }, state.label);
}

/** Map marker colour (CSS variable of the theme) for a substation state key. */
export function stateColorVar(key) {
  return { outage: '--bad', anomaly: '--bad', elevated: '--warn', silent: '--text-muted', normal: '--ok' }[key] || '--info';
}
