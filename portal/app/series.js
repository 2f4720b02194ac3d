// Series preparation for the charts: merging per-series points into dygraph rows, min–max
// envelope runs (split at gaps), and a y range covering everything drawn. Pure functions.

/**
 * Merges series into dygraph rows (time + one average per series) and, with `bars`, keeps each
 * series' min/max envelope as [t, lo, hi] runs (split where the series has no value). With
 * `combine`, one envelope spans all series (min of the minima, max of the maxima per time): many
 * overlapping envelopes are unreadable and each costs a large translucent fill.
 * @param {Array<{name: string, points: Array<{t: number, v: number, lo?: number, hi?: number}>}>} series
 * @param {boolean} bars
 * @returns {{labels: string[], rows: Array, envelopes: Array<Array<Array<number>>>|null}}
 */
export function mergeSeries(series, bars, combine = false) {
  const names = series.map((s) => s.name);
  const times = new Map();
  series.forEach((s, i) => {
    for (const p of s.points) {
      if (p.v === null || p.v === undefined) continue;
      let row = times.get(p.t);
      if (!row) {
        row = new Array(series.length + 1).fill(null);
        row[0] = p.t;
        times.set(p.t, row);
      }
      row[i + 1] = p.v;
    }
  });
  const rows = [...times.values()].sort((a, b) => a[0] - b[0]);
  let envelopes = null;
  if (bars && combine && series.length > 1) {
    const byTime = new Map();
    for (const s of series) {
      for (const p of s.points) {
        if (p.v === null || p.v === undefined) continue;
        const lo = p.lo ?? p.v;
        const hi = p.hi ?? p.v;
        const e = byTime.get(p.t);
        if (!e) byTime.set(p.t, { t: p.t, v: p.v, lo, hi });
        else { if (lo < e.lo) e.lo = lo; if (hi > e.hi) e.hi = hi; }
      }
    }
    series = [{ name: 'all', points: [...byTime.values()] }];
    envelopes = envelopeRuns(series);
    envelopes.combined = true;
  } else if (bars) {
    envelopes = envelopeRuns(series);
  }
  for (const row of rows) row[0] = new Date(row[0]);
  return { labels: ['Time', ...names], rows, envelopes };
}

/** Per series: runs of [t, lo, hi], split where the series skips more than 3 (median) steps. */
export function envelopeRuns(series) {
  return series.map((s) => {
    const runs = [];
    let run = [];
    const sorted = s.points.filter((p) => p.v !== null && p.v !== undefined).sort((a, b) => a.t - b.t);
    const gaps = sorted.slice(1).map((p, k) => p.t - sorted[k].t).sort((x, y) => x - y);
    const step = gaps.length ? gaps[Math.floor(gaps.length / 2)] : 0; // median spacing
    let prev = null;
    for (const p of sorted) {
      if (prev !== null && step > 0 && p.t - prev > 3 * step && run.length) { runs.push(run); run = []; }
      run.push([p.t, p.lo ?? p.v, p.hi ?? p.v]);
      prev = p.t;
    }
    if (run.length) runs.push(run);
    return runs;
  });
}

/** y range covering the averages, the envelopes and the band (5 % margin); null lets dygraphs decide. */
export function extent(merged, band) {
  if (!merged.envelopes && !band) return null;
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of merged.rows) {
    for (let i = 1; i < row.length; i++) {
      const v = row[i];
      if (v === null) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  for (const runs of merged.envelopes || []) {
    for (const run of runs) {
      for (const [, l, h] of run) {
        if (l < lo) lo = l;
        if (h > hi) hi = h;
      }
    }
  }
  if (band) { lo = Math.min(lo, band.low); hi = Math.max(hi, band.high); }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return null;
  const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.01 || 1;
  return [lo - pad, hi + pad];
}
