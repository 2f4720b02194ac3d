// Chart helpers over Debian's libraries (loaded as globals by index.html):
//   dygraphs (window.Dygraph) for long time series, Chart.js (window.Chart) for the score scatter.
// Series are merged into one row table per chart; bucketed answers (resolution_s > 0) are drawn as
// the average with a min/max envelope. The envelope is one filled polygon per series drawn in the
// underlay: dygraphs' own customBars fill costs ~0.5 s per 1,440-point series in software-rendered
// Chromium (it fills every segment separately), which would break the 1 s budget for 7 days.

import { cssVar } from './theme.js';
import { el } from './dom.js';
import { extent } from './series.js';

export { mergeSeries } from './series.js';

/** Distinguishable series colours that read on both themes. */
export const PALETTE = ['#2f7ed8', '#e4572e', '#17a363', '#a25ddc', '#d4a017', '#00a3b4', '#d6336c', '#6c8a12',
  '#8d6e63', '#5c6bc0', '#f08c00', '#0ca678', '#c2255c', '#4c6ef5', '#868e96', '#e8590c', '#2b8a3e', '#9c36b5',
  '#1098ad', '#f59f00'];

/** Whether the chart libraries loaded (a missing /vendor file shows a message instead of a chart). */
export function hasDygraph() {
  const D = window.Dygraph;
  if (typeof D !== 'function') return false;
  // dygraphs' legend plugin sets style attributes (blocked by the hub's CSP, style-src 'self'):
  // take it out; the portal draws its own legend.
  if (!D.__hopNoLegend && D.Plugins && D.Plugins.Legend) {
    D.PLUGINS = D.PLUGINS.filter((p) => p !== D.Plugins.Legend);
    D.__hopNoLegend = true;
  }
  return true;
}
export function hasChartJS() { return typeof window.Chart === 'function'; }

/** Fills each series' min–max envelope as one translucent polygon per run (underlay). */
function drawEnvelopes(ctx, area, g, envelopes) {
  ctx.save();
  ctx.beginPath();
  ctx.rect(area.x, area.y, area.w, area.h);
  ctx.clip();
  ctx.globalAlpha = 0.18;
  const neutral = cssVar('--text-muted');
  envelopes.forEach((runs, i) => {
    ctx.fillStyle = envelopes.combined ? neutral : PALETTE[i % PALETTE.length];
    for (const run of runs) {
      if (run.length < 2) continue;
      ctx.beginPath();
      ctx.moveTo(g.toDomXCoord(run[0][0]), g.toDomYCoord(run[0][2]));
      for (let k = 1; k < run.length; k++) ctx.lineTo(g.toDomXCoord(run[k][0]), g.toDomYCoord(run[k][2]));
      for (let k = run.length - 1; k >= 0; k--) ctx.lineTo(g.toDomXCoord(run[k][0]), g.toDomYCoord(run[k][1]));
      ctx.closePath();
      ctx.fill();
    }
  });
  ctx.restore();
}

/**
 * A dygraph in `container` (reused across refreshes: only its data and options change).
 * options: { title, ylabel, band: {low, high}, valueDigits, legend: element }
 */
export function timeChart(container, merged, bars, options = {}) {
  if (!hasDygraph()) {
    container.replaceChildren(el('p', { class: 'notice error' }, 'Chart library (dygraphs) did not load from /vendor/dygraphs.'));
    return null;
  }
  if (!merged.rows.length) {
    if (container.__dygraph) { container.__dygraph.destroy(); container.__dygraph = null; }
    container.replaceChildren(el('p', { class: 'muted empty' }, options.emptyText || 'No data in this range.'));
    return null;
  }
  const band = options.band;
  const gridColor = cssVar('--chart-grid');
  const axisColor = cssVar('--text-muted');
  const opts = {
    labels: merged.labels,
    colors: merged.labels.slice(1).map((_, i) => PALETTE[i % PALETTE.length]),
    ylabel: options.ylabel || '',
    title: options.title || '',
    // dygraphs' own legend writes HTML with style attributes, which the hub's CSP (style-src 'self')
    // blocks: the legend is ours, built with textContent (see legendFor).
    legend: 'never',
    highlightCallback: options.legend ? (e, x, points) => showValues(options.legend, merged.labels, x, points, options.valueDigits ?? 2) : null,
    unhighlightCallback: options.legend ? () => showValues(options.legend, merged.labels, null, [], 0) : null,
    connectSeparatedPoints: false,
    strokeWidth: 1.4,
    gridLineColor: gridColor,
    axisLineColor: axisColor,
    axisLabelFontSize: 12,
    digitsAfterDecimal: options.valueDigits ?? 2,
    animatedZooms: false,
    interactionModel: window.Dygraph.defaultInteractionModel,
    valueRange: options.valueRange || extent(merged, band),
    underlayCallback: (band || merged.envelopes) ? (canvas, area, g) => {
      if (merged.envelopes) drawEnvelopes(canvas, area, g, merged.envelopes);
      if (!band) return;
      const top = g.toDomYCoord(band.high);
      const bottom = g.toDomYCoord(band.low);
      canvas.fillStyle = cssVar('--ok-bg');
      canvas.fillRect(area.x, Math.min(top, bottom), area.w, Math.abs(bottom - top));
      canvas.strokeStyle = cssVar('--ok');
      canvas.setLineDash([4, 4]);
      for (const y of [top, bottom]) {
        canvas.beginPath();
        canvas.moveTo(area.x, y);
        canvas.lineTo(area.x + area.w, y);
        canvas.stroke();
      }
      canvas.setLineDash([]);
    } : null,
  };
  if (options.legend) showValues(options.legend, merged.labels, null, [], 0);
  let g = container.__dygraph;
  if (g && g.__labelsKey === merged.labels.join('|') && g.__bars === bars) {
    g.updateOptions({ file: merged.rows, ...opts });
  } else {
    if (g) g.destroy();
    container.replaceChildren();
    g = new window.Dygraph(container, merged.rows, opts);
    g.__labelsKey = merged.labels.join('|');
    g.__bars = bars;
    container.__dygraph = g;
  }
  return g;
}

/** Legend: a swatch and name per series; while hovering, the time and each series' value there. */
function showValues(legend, labels, x, points, digits) {
  const byName = new Map(points.map((p) => [p.name, p.yval]));
  const items = labels.slice(1).map((name, i) => {
    const swatch = el('span', { class: 'swatch' });
    swatch.style.backgroundColor = PALETTE[i % PALETTE.length];
    const value = byName.get(name);
    return el('span', { class: 'legend-entry' }, swatch, name,
      x !== null && value !== undefined && value !== null && !Number.isNaN(value) ? `: ${Number(value).toFixed(digits)}` : '');
  });
  const when = x === null ? null : el('span', { class: 'legend-time' }, new Date(x).toLocaleString('en-GB', { hour12: false }));
  legend.replaceChildren(...[when, ...items].filter(Boolean));
}

/** Resizes every dygraph under `root` (after its tab became visible). */
export function resizeCharts(root) {
  for (const node of root.querySelectorAll('.chart')) if (node.__dygraph) node.__dygraph.resize();
  for (const node of root.querySelectorAll('canvas')) if (node.__chart) node.__chart.resize();
}

/** Formats epoch ms as a short axis label (hh:mm, or dd hh:mm over multi-day spans). */
export function timeTick(ms, spanMinutes) {
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, '0');
  const hm = `${p(d.getHours())}:${p(d.getMinutes())}`;
  return spanMinutes > 1440 ? `${p(d.getMonth() + 1)}-${p(d.getDate())} ${hm}` : hm;
}
