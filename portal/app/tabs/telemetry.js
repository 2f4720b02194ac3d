// Telemetry tab: a live panel per substation (anomaly score, V, I, P, f of each feeder's newest
// reading, updated from the live feed) and time-series charts of one substation over the range,
// with a feeder selector. Charts come from /api/query/telemetry/timeseries (rolled up by the hub
// for long ranges: average with a min/max envelope).

import { getJSON } from '../api.js';
import { el, fmt, fmtTime, replace, text } from '../dom.js';
import { mergeSeries, timeChart, resizeCharts } from '../charts.js';
import { badge, scoreClass } from '../status.js';
import { query } from '../store.js';

const QUANTITIES = [
  { key: 'voltage_kv', label: 'Voltage', unit: 'kV', digits: 1 },
  { key: 'current_a', label: 'Current', unit: 'A', digits: 1 },
  { key: 'power_mw', label: 'Power', unit: 'MW', digits: 1 },
  { key: 'frequency_hz', label: 'Frequency', unit: 'Hz', digits: 3 },
];

export default {
  id: 'telemetry',

  mount(panel, ctx) {
    this.ctx = ctx;
    this.panels = el('div', { class: 'live-panels', id: 'telemetry-live' });
    this.feederSelect = el('select', { id: 'feeder-select', 'aria-label': 'Feeder' });
    this.feederSelect.addEventListener('change', () => ctx.state.set({ feeder: this.feederSelect.value }));
    this.chartTitle = el('h2', { id: 'telemetry-chart-title' });
    this.chartNote = el('p', { class: 'muted', id: 'telemetry-chart-note' });
    this.charts = QUANTITIES.map((q) => {
      const box = el('div', { class: 'chart', id: `chart-${q.key}`, role: 'img', 'aria-label': `${q.label} over time` });
      const legend = el('div', { class: 'chart-legend' });
      return { q, box, legend, wrap: el('figure', { class: 'chart-card card' }, el('figcaption', {}, `${q.label} (${q.unit})`), box, legend) };
    });
    replace(panel,
      el('section', { class: 'section' }, el('h2', {}, 'Live readings'), this.panels),
      el('section', { class: 'section' },
        el('div', { class: 'section-head' }, this.chartTitle,
          el('label', {}, 'Feeder', this.feederSelect)),
        this.chartNote,
        el('div', { class: 'chart-grid' }, this.charts.map((c) => c.wrap))));
  },

  /** The substation whose charts are shown: the selected one, else the first. */
  chartSub(ctx) {
    return ctx.state.sub || ctx.store.substationIds()[0] || '';
  },

  async load(ctx) {
    this.renderPanels(ctx);
    const sub = this.chartSub(ctx);
    if (!sub) {
      text(this.chartTitle, 'Charts');
      text(this.chartNote, 'No substation has reported yet.');
      for (const c of this.charts) timeChart(c.box, { labels: [], rows: [] }, false);
      return;
    }
    const answer = await getJSON(query('/api/query/telemetry/timeseries', { substation_id: sub, minutes: ctx.state.minutes }));
    this.series = answer;
    this.renderCharts(ctx);
  },

  render(ctx, kinds) {
    if (kinds.has('feeder')) this.renderCharts(ctx);
    if (kinds.has('feeder') || kinds.has('substations') || kinds.has('all')) {
      this.renderPanels(ctx);
    } else if (kinds.has('reading') || kinds.has('score')) {
      // Only the substations that changed: a large fleet streams readings all the time.
      for (const k of kinds) {
        if (!k.startsWith('sub:')) continue;
        const sub = k.slice(4);
        const card = this.panels.querySelector(`.live-panel[data-sub="${CSS.escape(sub)}"]`);
        if (card) card.replaceWith(livePanel(ctx, sub));
      }
    }
  },

  shown() {
    resizeCharts(this.charts[0].box.closest('.chart-grid'));
  },

  renderPanels(ctx) {
    const subs = ctx.state.sub ? [ctx.state.sub] : ctx.store.substationIds();
    if (!subs.length) {
      replace(this.panels, el('p', { class: 'muted' }, 'No substation has reported yet.'));
      return;
    }
    replace(this.panels, subs.map((sub) => livePanel(ctx, sub)));
  },

  renderCharts(ctx) {
    const answer = this.series;
    if (!answer) return;
    const sub = answer.substation_id;
    const site = ctx.store.substations.get(sub)?.site_name;
    text(this.chartTitle, site ? `${sub} · ${site}` : sub);
    const feeders = [...new Set(answer.points.map((p) => p.feeder_id || '—'))].sort();
    const chosen = feeders.includes(ctx.state.feeder) ? ctx.state.feeder : '';
    replace(this.feederSelect, el('option', { value: '' }, 'All feeders'),
      feeders.map((f) => el('option', { value: f === '—' ? '' : f, selected: f === chosen }, f)));
    this.feederSelect.value = chosen;
    const bars = answer.resolution_s > 0;
    text(this.chartNote, bars
      ? `Averages per ${Math.round(answer.resolution_s / 60)} min with min–max envelope · ${answer.points.length.toLocaleString('en-US')} points`
      : `Raw readings · ${answer.points.length.toLocaleString('en-US')} points`);
    const shownFeeders = chosen ? [chosen] : feeders;
    for (const c of this.charts) {
      const series = shownFeeders.map((f) => ({ name: f, points: [] }));
      const index = new Map(shownFeeders.map((f, i) => [f, i]));
      for (const p of answer.points) {
        const i = index.get(p.feeder_id || '—');
        if (i === undefined) continue;
        const v = p[c.q.key];
        if (v === undefined || v === null) continue;
        series[i].points.push({ t: Date.parse(p.time), v, lo: p.min?.[c.q.key], hi: p.max?.[c.q.key] });
      }
      timeChart(c.box, mergeSeries(series, bars), bars, { legend: c.legend, valueDigits: c.q.digits, ylabel: c.q.unit });
    }
  },
};

function livePanel(ctx, sub) {
  const info = ctx.store.substations.get(sub) || {};
  const score = ctx.store.scores.get(sub);
  const cls = scoreClass(score);
  const readings = ctx.store.readingsOf(sub).filter((r) => !ctx.state.feeder || r.feeder_id === ctx.state.feeder);
  const newest = readings.reduce((a, r) => (!a || r.time > a ? r.time : a), null);
  const rows = readings.map((r) => el('tr', { dataset: { feeder: r.feeder_id || '' } },
    el('th', { scope: 'row' }, r.feeder_id || '—'),
    QUANTITIES.map((q) => el('td', { class: 'num', dataset: { q: q.key } }, fmt(r[q.key], q.digits)))));
  return el('article', { class: 'card live-panel', dataset: { sub } },
    el('header', { class: 'live-head' },
      el('div', {}, el('strong', { class: 'sub-id' }, sub), ' ', el('span', { class: 'site-name muted' }, info.site_name || '')),
      el('div', { class: 'score' }, badge(cls), ' ',
        el('span', { class: 'mono', title: 'anomaly score (0–1)' }, score ? fmt(score.anomaly_score, 2) : '—'))),
    readings.length
      ? el('table', { class: 'compact' },
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Feeder'),
          QUANTITIES.map((q) => el('th', { scope: 'col', class: 'num' }, `${q.label} (${q.unit})`)))),
        el('tbody', {}, rows))
      : el('p', { class: 'muted' }, 'No reading in the last minute.'),
    el('footer', { class: 'muted small' }, 'newest reading ', fmtTime(newest)));
}
