// ML Anomaly tab: score cards per substation (Normal / Elevated / Anomaly, newest score from
// /api/query/ml/latest and the live feed), the score trend as a scatter plot over the range
// (/api/query/ml/trend, Chart.js) and the z-score detail table (baseline mean/std, latest value).

import { getJSON } from '../api.js';
import { el, fmt, fmtDateTime, replace, text } from '../dom.js';
import { PALETTE, hasChartJS, timeTick } from '../charts.js';
import { badge, scoreClass } from '../status.js';
import { query } from '../store.js';
import { cssVar } from '../theme.js';

const TREND_LIMIT = 20000;

export default {
  id: 'ml',

  mount(panel, ctx) {
    this.ctx = ctx;
    this.counts = el('div', { class: 'cards', id: 'ml-counts' });
    this.cards = el('div', { class: 'cards', id: 'ml-cards' });
    this.canvas = el('canvas', { id: 'ml-trend', role: 'img', 'aria-label': 'Anomaly score trend' });
    this.note = el('p', { class: 'muted', id: 'ml-trend-note' });
    this.tableBox = el('div', { class: 'table-wrap', id: 'ml-table' });
    replace(panel,
      el('section', { class: 'section' }, el('h2', {}, 'Scores now'), this.counts, this.cards),
      el('section', { class: 'section' }, el('h2', {}, 'Score trend'), this.note,
        el('figure', { class: 'card chart-card' }, el('div', { class: 'canvas-box' }, this.canvas))),
      el('section', { class: 'section' }, el('h2', {}, 'z-score detail'), this.tableBox));
  },

  async load(ctx) {
    this.setTrend(await getJSON(query('/api/query/ml/trend',
      { minutes: ctx.state.minutes, substation_id: ctx.state.sub, limit: TREND_LIMIT })));
    this.trendMinutes = ctx.state.minutes;
    if (this.trend.length >= TREND_LIMIT) {
      // The hub thins long ranges to a chart's worth per substation, keeps every anomaly, and when
      // that still exceeds the limit sends the newest scores: draw the window they cover.
      const first = Date.parse(this.trend[0].time);
      this.trendMinutes = Math.min(ctx.state.minutes, Math.max(1, Math.ceil((Date.now() - first) / 60000)));
    }
    this.renderNow(ctx);
    this.renderTrend(ctx);
  },

  /** The trend and the keys (substation|time) of its scores, so live scores are not added twice. */
  setTrend(trend) {
    this.trend = trend;
    this.trendKeys = new Set(trend.map(trendKey));
  },

  render(ctx, kinds) {
    if (kinds.has('score') || kinds.has('substations')) {
      this.renderNow(ctx);
      if (kinds.has('score') && this.trend) this.appendTrend(ctx);
    }
    if (kinds.has('theme')) this.renderTrend(ctx);
  },

  scoresShown(ctx) {
    const subs = ctx.state.sub ? [ctx.state.sub] : ctx.store.substationIds();
    return subs.map((sub) => ({ sub, score: ctx.store.scores.get(sub) }));
  },

  renderNow(ctx) {
    const shown = this.scoresShown(ctx);
    const tally = { normal: 0, elevated: 0, anomaly: 0, unknown: 0 };
    for (const { score } of shown) tally[scoreClass(score).key] += 1;
    replace(this.counts,
      countCard('Normal', tally.normal, 'state-ok'), countCard('Elevated', tally.elevated, 'state-warn'),
      countCard('Anomaly', tally.anomaly, 'state-bad'), countCard('Not scored', tally.unknown, 'state-info'));
    replace(this.cards, shown.map(({ sub, score }) => {
      const cls = scoreClass(score);
      return el('article', { class: `card score-card ${cls.css}-edge`, dataset: { sub } },
        el('div', { class: 'label' }, sub, ' ', el('span', { class: 'site-name' }, ctx.store.substations.get(sub)?.site_name || '')),
        el('div', { class: 'value mono' }, score ? fmt(score.anomaly_score, 2) : '—'),
        el('div', {}, badge(cls), ' ', el('span', { class: 'muted' }, score ? `z = ${fmt(score.z_score, 2)}` : '')));
    }));
    const rows = shown.filter((s) => s.score);
    if (!rows.length) {
      replace(this.tableBox, el('p', { class: 'muted pad' }, 'No score yet: the scorer needs 20 frequency readings per substation.'));
      return;
    }
    replace(this.tableBox, el('table', {},
      el('thead', {}, el('tr', {}, ['Substation', 'Scored', 'Class', 'Score', 'z', 'Baseline mean (Hz)', 'Baseline std (Hz)',
        'Latest (Hz)', 'Anomaly', 'Model'].map((h, i) => el('th', { scope: 'col', class: i >= 3 && i <= 7 ? 'num' : null }, h)))),
      el('tbody', {}, rows.map(({ sub, score: s }) => el('tr', { dataset: { sub } },
        el('td', {}, sub), el('td', { class: 'nowrap' }, fmtDateTime(s.time)), el('td', {}, badge(scoreClass(s))),
        el('td', { class: 'num' }, fmt(s.anomaly_score, 3)), el('td', { class: 'num' }, fmt(s.z_score, 3)),
        el('td', { class: 'num' }, fmt(s.baseline_mean, 4)), el('td', { class: 'num' }, fmt(s.baseline_std, 4)),
        el('td', { class: 'num' }, fmt(s.latest_value, 3)), el('td', {}, s.is_anomaly ? 'yes' : 'no'),
        el('td', { class: 'mono' }, s.model_version || ''))))));
  },

  renderTrend(ctx) {
    const trend = this.trend || [];
    const shortened = this.trendMinutes < ctx.state.minutes;
    text(this.note, `${trend.length.toLocaleString('en-US')} scores` + (shortened
      ? ` of the last ${spanText(this.trendMinutes)} only (the hub sends at most ${TREND_LIMIT.toLocaleString('en-US')} per request; choose a substation to see the whole range)`
      : '') +
      ' · dashed: elevated 0.4 and anomaly 0.7');
    if (!hasChartJS()) {
      text(this.note, 'Chart library (Chart.js) did not load from /vendor/chart.js.');
      return;
    }
    const bySub = new Map();
    for (const s of trend) {
      if (!bySub.has(s.substation_id)) bySub.set(s.substation_id, []);
      bySub.get(s.substation_id).push({ x: Date.parse(s.time), y: s.anomaly_score });
    }
    const datasets = [...bySub.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([sub, data], i) => ({
      label: sub, data, parsing: false, showLine: false, pointRadius: 2.5, pointHoverRadius: 4, clip: 5, // scores of 1.0 stay visible
      backgroundColor: PALETTE[i % PALETTE.length], borderColor: PALETTE[i % PALETTE.length],
    }));
    const now = Date.now();
    const from = now - (this.trendMinutes || ctx.state.minutes) * 60000;
    for (const [y, color] of [[0.4, cssVar('--warn')], [0.7, cssVar('--bad')]]) {
      datasets.push({ label: `${y}`, data: [{ x: from, y }, { x: now, y }], parsing: false, showLine: true, pointRadius: 0,
        borderDash: [5, 5], borderWidth: 1, borderColor: color, backgroundColor: color, isThreshold: true });
    }
    const minutes = ctx.state.minutes;
    const textColor = cssVar('--text-muted');
    const grid = cssVar('--chart-grid');
    const config = {
      type: 'scatter',
      data: { datasets },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false, normalized: true,
        scales: {
          x: { type: 'linear', min: from, max: now, ticks: { color: textColor, maxTicksLimit: 8, callback: (v) => timeTick(v, minutes) }, grid: { color: grid } },
          y: { min: 0, max: 1, ticks: { color: textColor }, grid: { color: grid }, title: { display: true, text: 'anomaly score', color: textColor } },
        },
        plugins: {
          legend: { labels: { color: textColor, filter: (item, data) => !data.datasets[item.datasetIndex].isThreshold } },
          tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${c.parsed.y.toFixed(2)} at ${timeTick(c.parsed.x, 0)}` } },
        },
      },
    };
    if (this.chart) this.chart.destroy();
    this.chart = new window.Chart(this.canvas, config);
    this.canvas.__chart = this.chart;
  },

  /** Adds live scores to the scatter without refetching. */
  appendTrend(ctx) {
    if (!this.chart) return;
    let added = false;
    for (const { score } of this.scoresShown(ctx)) {
      if (score && !this.trendKeys.has(trendKey(score))) {
        this.trend.push(score);
        this.trendKeys.add(trendKey(score));
        added = true;
      }
    }
    if (added) this.renderTrend(ctx);
  },

  shown() {
    if (this.chart) this.chart.resize();
  },
};

function trendKey(score) {
  return `${score.substation_id}|${score.time}`;
}

function spanText(minutes) {
  return minutes >= 120 ? `${(minutes / 60).toFixed(minutes >= 1440 ? 0 : 1)} h` : `${minutes} min`;
}

function countCard(label, n, css) {
  return el('div', { class: `card count-card ${css}-edge` }, el('div', { class: 'label' }, label), el('div', { class: 'value' }, String(n)));
}
