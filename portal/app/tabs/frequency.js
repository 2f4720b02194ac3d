// Frequency tab: a dial per substation (newest frequency, averaged over its feeders, against the
// normal band — 59.85–60.15 Hz by default, from the hub's configuration), a multi-substation
// threshold plot over the range (/api/query/frequency/thresholds, rolled up for long ranges) and
// the rate of change of frequency per substation against the hub's RoCoF limit
// (/api/query/frequency/rocof).

import { getJSON } from '../api.js';
import { el, fmt, fmtTime, replace, text } from '../dom.js';
import { mergeSeries, timeChart, resizeCharts } from '../charts.js';
import { badge, frequencyClass } from '../status.js';
import { query } from '../store.js';

const SVG = 'http://www.w3.org/2000/svg';

export default {
  id: 'frequency',

  mount(panel, ctx) {
    this.ctx = ctx;
    this.bandText = el('p', { class: 'muted', id: 'frequency-band' });
    this.dials = el('div', { class: 'dials', id: 'frequency-dials' });
    this.chart = el('div', { class: 'chart tall', id: 'frequency-chart', role: 'img', 'aria-label': 'Frequency of every substation over time' });
    this.legend = el('div', { class: 'chart-legend' });
    this.note = el('p', { class: 'muted' });
    this.rocofNote = el('p', { class: 'muted', id: 'frequency-rocof-note' });
    this.rocofChart = el('div', { class: 'chart', id: 'frequency-rocof-chart', role: 'img', 'aria-label': 'Rate of change of frequency of every substation over time' });
    this.rocofLegend = el('div', { class: 'chart-legend' });
    this.rocofPeaks = el('p', { class: 'muted small mono', id: 'frequency-rocof-peaks' });
    replace(panel,
      el('section', { class: 'section' }, el('h2', {}, 'Frequency now'), this.bandText, this.dials),
      el('section', { class: 'section' }, el('h2', {}, 'Threshold plot'), this.note,
        el('figure', { class: 'card chart-card' }, this.chart, this.legend)),
      el('section', { class: 'section' }, el('h2', {}, 'Rate of change of frequency (RoCoF)'), this.rocofNote,
        el('figure', { class: 'card chart-card' }, this.rocofChart, this.rocofLegend), this.rocofPeaks));
  },

  band(ctx) {
    const a = this.answer;
    const cfg = ctx.config.band;
    return {
      low: a?.band_low_hz ?? cfg.low, high: a?.band_high_hz ?? cfg.high, nominal: a?.nominal_hz ?? cfg.nominal,
    };
  },

  async load(ctx) {
    const params = { minutes: ctx.state.minutes, substation_id: ctx.state.sub };
    [this.answer, this.rocof] = await Promise.all([
      getJSON(query('/api/query/frequency/thresholds', params)),
      getJSON(query('/api/query/frequency/rocof', params)).catch(() => null),
    ]);
    this.renderDials(ctx);
    this.renderPlot(ctx);
    this.renderRoCoF();
  },

  render(ctx, kinds) {
    if (kinds.has('substations') || kinds.has('all') || kinds.has('theme')) this.renderDials(ctx);
    else if (kinds.has('reading')) {
      for (const k of kinds) {
        if (!k.startsWith('sub:')) continue;
        const sub = k.slice(4);
        const card = this.dials.querySelector(`.dial-card[data-sub="${CSS.escape(sub)}"]`);
        if (card) card.replaceWith(this.dialCard(ctx, sub, this.band(ctx)));
      }
    }
  },

  shown() {
    resizeCharts(this.chart.parentElement);
    resizeCharts(this.rocofChart.parentElement);
  },

  renderDials(ctx) {
    const band = this.band(ctx);
    text(this.bandText, `Normal band ${fmt(band.low, 2)}–${fmt(band.high, 2)} Hz (nominal ${fmt(band.nominal, 2)} Hz)${judgeText(ctx.config.judge)}`);
    const subs = ctx.state.sub ? [ctx.state.sub] : ctx.store.substationIds();
    if (!subs.length) {
      replace(this.dials, el('p', { class: 'muted' }, 'No substation has reported yet.'));
      return;
    }
    replace(this.dials, subs.map((sub) => this.dialCard(ctx, sub, band)));
  },

  /** One substation's dial; without a reading in the last minute, the range's newest value. */
  dialCard(ctx, sub, band) {
    const series = (this.answer?.series || []).find((x) => x.substation_id === sub);
    const newestInRange = series && series.points.length ? series.points[series.points.length - 1] : null;
    let hz = ctx.store.frequencyOf(sub);
    let when = null;
    if (hz === null && newestInRange) {
      hz = newestInRange.frequency_hz;
      when = newestInRange.time;
    }
    const cls = frequencyClass(hz, band);
    return el('figure', { class: 'card dial-card', dataset: { sub } },
      dial(hz, band),
      el('figcaption', {},
        el('div', { class: 'dial-value mono' }, hz === null ? '—' : `${fmt(hz, 3)} Hz`),
        el('div', {}, el('strong', {}, sub), ' ', badge(cls)),
        el('div', { class: 'muted site-name' }, ctx.store.substations.get(sub)?.site_name || ''),
        when ? el('div', { class: 'muted small' }, `not live: last at ${fmtTime(when)}`) : null));
  },

  renderPlot(ctx) {
    const a = this.answer;
    const bars = a.resolution_s > 0;
    const total = a.series.reduce((n, s) => n + s.points.length, 0);
    text(this.note, `${a.series.length} substations · ${bars ? `averages per ${Math.round(a.resolution_s / 60)} min; grey: min–max of all substations` : 'raw readings'} · ${total.toLocaleString('en-US')} points · shaded: normal band`);
    const series = a.series.map((s) => ({
      name: s.substation_id,
      points: s.points.map((p) => ({ t: Date.parse(p.time), v: p.frequency_hz, lo: p.min_hz, hi: p.max_hz })),
    }));
    const band = this.band(ctx);
    timeChart(this.chart, mergeSeries(series, bars, true), bars, { legend: this.legend, valueDigits: 3, ylabel: 'Hz', band });
  },

  /** RoCoF per substation with the ±limit shaded; the peak of each substation under the chart. */
  renderRoCoF() {
    const r = this.rocof;
    if (!r) {
      text(this.rocofNote, 'This hub does not compute RoCoF.');
      return;
    }
    const limit = r.limit_hz_per_s;
    const source = r.resolution_s > 0
      ? `slopes between ${Math.round(r.resolution_s / 60)}-min averages (smoothed; not comparable with the limit)`
      : 'consecutive readings';
    text(this.rocofNote, `Hz/s from ${source} · shaded: within ±${fmt(limit, 3)} Hz/s; beyond it for ${fmt(r.persistence_s, 1)} s raises a ROCOF event`);
    const series = r.series.map((s) => ({ name: s.substation_id, points: s.points.map((p) => ({ t: Date.parse(p.time), v: p.rocof_hz_per_s })) }));
    timeChart(this.rocofChart, mergeSeries(series, false), false,
      { legend: this.rocofLegend, valueDigits: 3, ylabel: 'Hz/s', band: { low: -limit, high: limit }, emptyText: `No RoCoF in this range: no substation has two readings less than ${fmt(r.max_gap_s, 0)} s apart.` });
    text(this.rocofPeaks, r.series.map((s) => `${s.substation_id} peak ${signed(s.peak_hz_per_s)} Hz/s${Math.abs(s.peak_hz_per_s) > limit ? ' (over the limit)' : ''}`).join(' · '));
  },
};

/** "+0.012" / "−0.300": three decimals with a sign. */
function signed(v) {
  if (typeof v !== 'number') return '—';
  return `${v < 0 ? '−' : '+'}${Math.abs(v).toFixed(3)}`;
}

/** The alarm limits, persistence and UFLS level the hub judges by (empty for an older hub). */
function judgeText(j) {
  if (!j || j.alarmLow === null) return '';
  const preset = j.preset ? `; preset ${j.preset}` : '';
  return ` · alarm outside ${fmt(j.alarmLow, 2)}–${fmt(j.alarmHigh, 2)} Hz for ${fmt(j.persistenceS, 0)} s · UFLS warning at ${fmt(j.ufls, 2)} Hz · RoCoF limit ±${fmt(j.rocofLimit, 3)} Hz/s${preset}`;
}

/** A semicircular SVG dial: grey track, green normal band, needle at `hz`. */
function dial(hz, band) {
  const width = band.high - band.low;
  const min = band.low - width;
  const max = band.high + width;
  const angle = (v) => Math.PI * (1 - (Math.min(Math.max(v, min), max) - min) / (max - min));
  const cx = 60;
  const cy = 60;
  const r = 48;
  const pt = (v, radius = r) => [cx + radius * Math.cos(angle(v)), cy - radius * Math.sin(angle(v))];
  const arc = (from, to) => {
    const [x0, y0] = pt(from);
    const [x1, y1] = pt(to);
    return `M ${x0.toFixed(2)} ${y0.toFixed(2)} A ${r} ${r} 0 0 1 ${x1.toFixed(2)} ${y1.toFixed(2)}`;
  };
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 120 70');
  svg.setAttribute('class', 'dial');
  svg.setAttribute('aria-hidden', 'true');
  const path = (d, cls) => {
    const p = document.createElementNS(SVG, 'path');
    p.setAttribute('d', d);
    p.setAttribute('class', cls);
    svg.appendChild(p);
  };
  path(arc(min, max), 'dial-track');
  path(arc(band.low, band.high), 'dial-band');
  if (hz !== null && hz !== undefined) {
    const [x, y] = pt(hz, r - 6);
    const line = document.createElementNS(SVG, 'line');
    for (const [k, v] of [['x1', cx], ['y1', cy], ['x2', x.toFixed(2)], ['y2', y.toFixed(2)]]) line.setAttribute(k, String(v));
    line.setAttribute('class', hz < band.low || hz > band.high ? 'dial-needle out' : 'dial-needle');
    svg.appendChild(line);
  }
  const hub = document.createElementNS(SVG, 'circle');
  hub.setAttribute('cx', String(cx));
  hub.setAttribute('cy', String(cy));
  hub.setAttribute('r', '3.5');
  hub.setAttribute('class', 'dial-hub');
  svg.appendChild(hub);
  return svg;
}
