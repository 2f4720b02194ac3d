// Executive View: one screen of grid health. Totals (grid health %, active outages, MW interrupted,
// customers out, anomalies) come from the hub's /api/query/summary (computed on the server over the
// caller's substations); on a hub without it they are computed from the lists the portal already
// holds. Below: per-substation status and edge health (journal backlog, last contact).

import { el, fmt, fmtDateTime, fmtInt, replace } from '../dom.js';
import { badge, substationState, scoreClass } from '../status.js';
import { getOptional, query } from '../store.js';

export default {
  id: 'executive',

  mount(panel, ctx) {
    this.ctx = ctx;
    this.cards = el('div', { class: 'cards kpis', id: 'exec-kpis' });
    this.source = el('p', { class: 'muted small', id: 'exec-source' });
    this.statusBox = el('div', { class: 'table-wrap', id: 'exec-substations' });
    this.edgeBox = el('div', { class: 'table-wrap', id: 'exec-edges' });
    replace(panel,
      el('section', { class: 'section' }, el('h2', {}, 'Grid health'), this.cards, this.source),
      el('div', { class: 'two-col' },
        el('section', { class: 'section' }, el('h2', {}, 'Substations'), this.statusBox),
        el('section', { class: 'section' }, el('h2', {}, 'Edge health'), this.edgeBox)));
  },

  async load(ctx) {
    this.summary = await getOptional(query('/api/query/summary', { minutes: ctx.state.minutes }), null);
    this.render(ctx, new Set(['all']));
  },

  render(ctx) {
    const t = this.totals(ctx);
    replace(this.cards,
      kpi('Grid health', t.health === null ? '—' : `${fmt(t.health, 1)} %`, t.health === null ? 'state-info' : t.health >= 95 ? 'state-ok' : t.health >= 80 ? 'state-warn' : 'state-bad', 'exec-health'),
      kpi('Active outages', fmtInt(t.outages), t.outages ? 'state-bad' : 'state-ok', 'exec-outages'),
      kpi('MW interrupted', fmt(t.mw, 1), t.mw ? 'state-bad' : 'state-ok', 'exec-mw'),
      kpi('Customers out', fmtInt(t.customers), t.customers ? 'state-bad' : 'state-ok', 'exec-customers'),
      kpi('Anomalies now', fmtInt(t.anomalies), t.anomalies ? 'state-warn' : 'state-ok', 'exec-anomalies'),
      kpi('Substations reporting', `${fmtInt(t.reporting)} / ${fmtInt(t.substations)}`, t.reporting < t.substations ? 'state-warn' : 'state-ok', 'exec-reporting'));
    replace(this.source, t.fromServer
      ? `Totals computed by the hub over your substations (last ${ctx.state.range}).`
      : 'Totals computed in the browser from current data (this hub has no summary endpoint).');
    this.renderSubstations(ctx);
    this.renderEdges(ctx);
  },

  /** Server totals (docs/live.md) when the hub has /api/query/summary, else computed locally. */
  totals(ctx) {
    const s = this.summary;
    if (s) {
      return {
        substations: s.substations?.total ?? 0, reporting: s.substations?.online ?? 0, outages: s.active_outages,
        mw: s.mw_interrupted, customers: s.customers_out, anomalies: s.anomalies, health: s.grid_health_pct ?? null,
        fromServer: true,
      };
    }
    const store = ctx.store;
    const subs = store.substationIds();
    const outages = store.outagesOf('');
    const states = subs.map((id) => substationState(store, id).key);
    return {
      substations: subs.length,
      reporting: subs.filter((id) => store.substations.get(id).active !== false).length,
      outages: outages.length,
      mw: outages.reduce((a, o) => a + (o.mw_interrupted || 0), 0),
      customers: outages.reduce((a, o) => a + (o.customers_out || 0), 0),
      anomalies: subs.filter((id) => scoreClass(store.scores.get(id)).key === 'anomaly').length,
      health: subs.length ? (100 * states.filter((k) => k === 'normal' || k === 'elevated').length) / subs.length : null,
      fromServer: false,
    };
  },

  renderSubstations(ctx) {
    const store = ctx.store;
    const rows = new Map((this.summary?.substation_status || []).map((r) => [r.substation_id, r]));
    const subs = ctx.state.sub ? [ctx.state.sub] : [...new Set([...store.substationIds(), ...rows.keys()])].sort();
    if (!subs.length) {
      replace(this.statusBox, el('p', { class: 'muted pad' }, 'No substation has reported yet.'));
      return;
    }
    replace(this.statusBox, el('table', {},
      el('thead', {}, el('tr', {}, ['Substation', 'Site', 'Status', 'Score', 'Frequency (Hz)', 'Outages', 'Customers out', 'Last seen']
        .map((h, i) => el('th', { scope: 'col', class: i === 3 || i === 4 || i === 6 ? 'num' : null }, h)))),
      el('tbody', {}, subs.map((sub) => {
        const info = store.substations.get(sub) || {};
        const outages = store.outagesOf(sub);
        const score = store.scores.get(sub);
        const row = rows.get(sub);
        const state = row && row.comm_fail && !outages.length ? { label: 'Comm failure', css: 'state-warn' } : substationState(store, sub);
        return el('tr', { dataset: { sub } },
          el('td', {}, sub), el('td', { class: 'site-name' }, info.site_name || row?.site_name || ''), el('td', {}, badge(state)),
          el('td', { class: 'num' }, score ? fmt(score.anomaly_score, 2) : '—'), el('td', { class: 'num' }, fmt(store.frequencyOf(sub), 3)),
          el('td', {}, outages.length ? outages.map((o) => o.outage_id).join(', ') : '—'),
          el('td', { class: 'num' }, fmtInt(outages.reduce((a, o) => a + (o.customers_out || 0), 0))),
          el('td', { class: 'nowrap' }, fmtDateTime(info.last_seen || row?.last_contact)));
      }))));
  },

  renderEdges(ctx) {
    const edges = [...ctx.store.edges.values()].sort((a, b) => a.edge_id.localeCompare(b.edge_id));
    if (!edges.length) {
      replace(this.edgeBox, el('p', { class: 'muted pad' }, 'No edge agent has uploaded yet.'));
      return;
    }
    replace(this.edgeBox, el('table', {},
      el('thead', {}, el('tr', {}, ['Edge', 'Substations', 'Last contact', 'Backlog', 'Oldest unsent', 'Devices OK', 'Version']
        .map((h, i) => el('th', { scope: 'col', class: i === 3 || i === 4 ? 'num' : null }, h)))),
      el('tbody', {}, edges.map((e) => {
        const h = { ...(e.health || {}) };
        const fromSummary = (this.summary?.edges || []).find((x) => x.edge_id === e.edge_id);
        if (fromSummary && fromSummary.journal_backlog !== undefined) h.journal_depth = fromSummary.journal_backlog;
        const devices = h.devices || [];
        const ok = devices.filter((d) => String(d.comm_state).toLowerCase() === 'ok').length;
        const ageS = e.last_contact ? (Date.now() - Date.parse(e.last_contact)) / 1000 : null;
        const contactCls = ageS === null ? 'info' : ageS > 300 ? 'bad' : ageS > 60 ? 'warn' : 'ok';
        return el('tr', { dataset: { edge: e.edge_id } },
          el('td', { class: 'mono' }, e.edge_id), el('td', {}, (e.substations || []).join(', ')),
          el('td', {}, el('span', { class: `badge ${contactCls}` }, fmtDateTime(e.last_contact))),
          el('td', { class: 'num' }, fmtInt(h.journal_depth)), el('td', { class: 'num' }, h.oldest_unsent_age_s === undefined ? '—' : `${fmtInt(h.oldest_unsent_age_s)} s`),
          el('td', {}, devices.length ? `${ok} / ${devices.length}` : '—'), el('td', { class: 'mono' }, h.agent_version || ''));
      }))));
  },
};

function kpi(label, value, css, id) {
  return el('div', { class: `card kpi ${css}-edge`, id },
    el('div', { class: 'label' }, label), el('div', { class: 'value' }, value));
}
