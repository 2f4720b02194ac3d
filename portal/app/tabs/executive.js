// Executive View: one screen of grid health. Totals (grid health %, active outages, MW interrupted,
// customers out, anomalies) come from the hub's /api/query/summary (computed on the server over the
// caller's substations); on a hub without it they are computed from the lists the portal already
// holds. Then alarm KPIs (/api/alarms/kpis, the caller's substations, last 24 h) against the
// ISA-18.2 benchmarks (docs/alarms.md). Below: per-substation status and edge health.

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
    this.alarmCards = el('div', { class: 'cards kpis', id: 'exec-alarm-kpis' });
    this.alarmLists = el('div', { class: 'two-col', id: 'exec-alarm-lists' });
    replace(panel,
      el('section', { class: 'section' }, el('h2', {}, 'Grid health'), this.cards, this.source),
      el('section', { class: 'section' }, el('h2', {}, 'Alarm system (last 24 h)'), this.alarmCards,
        el('p', { class: 'muted small' },
          'ISA-18.2 benchmarks per operator: about 1 alarm per 10 minutes is acceptable, 2 the most manageable; 10 or more in 10 minutes is a flood; '
          + 'no chattering alarms; fewer than 5 standing alarms (active over 24 h).'),
        this.alarmLists),
      el('div', { class: 'two-col' },
        el('section', { class: 'section' }, el('h2', {}, 'Substations'), this.statusBox),
        el('section', { class: 'section' }, el('h2', {}, 'Edge health'), this.edgeBox)));
  },

  async load(ctx) {
    [this.summary, this.alarmKPIs] = await Promise.all([
      getOptional(query('/api/query/summary', { minutes: ctx.state.minutes }), null),
      getOptional(query('/api/alarms/kpis', { substation_id: ctx.state.sub }), null),
    ]);
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
    this.renderAlarmKPIs();
    this.renderSubstations(ctx);
    this.renderEdges(ctx);
  },

  renderAlarmKPIs() {
    const k = this.alarmKPIs;
    if (!k) {
      replace(this.alarmCards, el('p', { class: 'muted pad' }, 'This hub keeps no alarms.'));
      replace(this.alarmLists);
      return;
    }
    const rateCss = { acceptable: 'state-ok', manageable: 'state-ok', demanding: 'state-warn', flood: 'state-bad' }[k.rate_status] || 'state-info';
    const secs = (v) => (v === null || v === undefined ? '—' : v < 120 ? `${fmt(v, 0)} s` : `${fmt(v / 60, 1)} min`);
    replace(this.alarmCards,
      kpi(`Alarms, last 10 min · ${k.rate_status}`, fmtInt(k.last_10_min), rateCss, 'exec-alarm-rate'),
      kpi('Alarms, last hour', fmtInt(k.last_hour), k.last_hour > 12 ? 'state-warn' : 'state-ok', 'exec-alarm-hour'),
      kpi('Busiest 10 min / floods', `${fmtInt(k.max_10_min)} / ${fmt(k.flood_percent, 1)} %`, k.flood_percent > 1 ? 'state-bad' : 'state-ok', 'exec-alarm-flood'),
      kpi('Standing > 24 h', fmtInt(k.standing), k.standing >= 5 ? 'state-bad' : k.standing ? 'state-warn' : 'state-ok', 'exec-alarm-standing'),
      kpi('Chattering points', fmtInt(k.chattering.length), k.chattering.length ? 'state-bad' : 'state-ok', 'exec-alarm-chattering'),
      kpi('Time to acknowledge (mean / median)', `${secs(k.mean_seconds_to_acknowledge)} / ${secs(k.median_seconds_to_acknowledge)}`,
        'state-info', 'exec-alarm-tta'));
    const table = (id, heads, rows) => el('div', { class: 'table-wrap', id }, rows.length
      ? el('table', {}, el('thead', {}, el('tr', {}, heads.map((h) => el('th', { scope: 'col' }, h)))), el('tbody', {}, rows))
      : el('p', { class: 'muted pad' }, 'None.'));
    replace(this.alarmLists,
      el('section', {}, el('h3', {}, 'Most frequent alarms'), table('exec-alarm-frequent', ['Alarm', 'Substation', 'Point', 'Raises', 'Share'],
        k.most_frequent.map((f) => el('tr', {}, el('td', { class: 'mono' }, f.type), el('td', {}, f.substation_id), el('td', {}, f.point || '—'),
          el('td', { class: 'num' }, fmtInt(f.raises)), el('td', { class: 'num' }, `${fmt(f.share_percent, 1)} %`))))),
      el('section', {}, el('h3', {}, 'Chattering (3 or more in 1 min)'), table('exec-alarm-chatter', ['Alarm', 'Substation', 'Point', 'Most per minute'],
        k.chattering.map((c) => el('tr', {}, el('td', { class: 'mono' }, c.type), el('td', {}, c.substation_id), el('td', {}, c.point || '—'),
          el('td', { class: 'num' }, fmtInt(c.max_per_minute)))))));
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
