// Alarms & Outages tab: colour-coded event log (trip / restore / comm-fail), the active outage
// table with MW and customers (and totals), and the alert log (sent / suppressed and why).
// Lists come from /api/query/events, /outages/active and /alerts; the live feed prepends new items.

import { el, fmt, fmtDateTime, fmtInt, replace, text } from '../dom.js';
import { badge, eventClass } from '../status.js';

const REASONS = {
  cooldown: 'cooldown (same source alerted recently)',
  global_cap: 'global hourly cap reached',
  no_trip_alert: 'no trip alert was sent for this feeder',
  no_recipients: 'no recipient is subscribed',
};

export default {
  id: 'alarms',

  mount(panel, ctx) {
    this.ctx = ctx;
    this.outageSummary = el('p', { class: 'summary', id: 'outage-summary' });
    this.outageBox = el('div', { class: 'table-wrap', id: 'outage-table' });
    this.eventBox = el('div', { class: 'table-wrap tall', id: 'event-log' });
    this.eventCount = el('span', { class: 'muted' });
    this.alertBox = el('div', { class: 'table-wrap', id: 'alert-log' });
    this.alertCount = el('span', { class: 'muted' });
    replace(panel,
      el('section', { class: 'section' }, el('h2', {}, 'Active outages'), this.outageSummary, this.outageBox),
      el('div', { class: 'two-col' },
        el('section', { class: 'section' }, el('h2', {}, 'Event log ', this.eventCount), this.eventBox),
        el('section', { class: 'section' }, el('h2', {}, 'Alert log ', this.alertCount), this.alertBox)));
  },

  async load(ctx) {
    await ctx.store.loadLogs(ctx.state.minutes, ctx.state.sub);
    this.render(ctx, new Set(['event', 'alert', 'outage']));
  },

  render(ctx, kinds) {
    if (kinds.has('outage')) this.renderOutages(ctx);
    if (kinds.has('event')) this.renderEvents(ctx);
    if (kinds.has('alert')) this.renderAlerts(ctx);
  },

  renderOutages(ctx) {
    const outages = ctx.store.outagesOf(ctx.state.sub);
    const customers = outages.reduce((a, o) => a + (o.customers_out || 0), 0);
    const mw = outages.reduce((a, o) => a + (o.mw_interrupted || 0), 0);
    text(this.outageSummary, `${outages.length} active · ${fmtInt(customers)} customers out · ${fmt(mw, 1)} MW interrupted`);
    if (!outages.length) {
      replace(this.outageBox, el('p', { class: 'muted pad' }, 'No active outage.'));
      return;
    }
    replace(this.outageBox, el('table', {},
      el('thead', {}, el('tr', {}, ['Outage', 'Substation', 'Feeder', 'Status', 'Customers out', 'MW interrupted',
        'Cause', 'Region', 'Est. restoration', 'Updated'].map((h, i) =>
        el('th', { scope: 'col', class: i === 4 || i === 5 ? 'num' : null }, h)))),
      el('tbody', {}, outages.map((o) => el('tr', { class: 'state-bad-row', dataset: { outage: o.outage_id } },
        el('td', { class: 'mono' }, o.outage_id), el('td', {}, o.substation_id || '—'), el('td', {}, o.feeder_id || '—'),
        el('td', {}, el('span', { class: 'badge bad' }, o.status)),
        el('td', { class: 'num' }, fmtInt(o.customers_out)), el('td', { class: 'num' }, fmt(o.mw_interrupted, 1)),
        el('td', {}, o.cause || '—'), el('td', {}, o.region || '—'),
        el('td', {}, fmtDateTime(o.etr_time)), el('td', {}, fmtDateTime(o.time)))))));
  },

  renderEvents(ctx) {
    const events = ctx.store.events.filter((e) => !ctx.state.sub || e.substation_id === ctx.state.sub);
    text(this.eventCount, `(${events.length})`);
    if (!events.length) {
      replace(this.eventBox, el('p', { class: 'muted pad' }, 'No event in this range.'));
      return;
    }
    replace(this.eventBox, el('table', {},
      el('thead', {}, el('tr', {}, ['Time', 'Kind', 'Substation', 'Feeder', 'Device', 'Event', 'State', 'Message']
        .map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, events.map((e) => {
        const cls = eventClass(e);
        const states = e.old_state || e.new_state ? `${e.old_state || '?'} → ${e.new_state || '?'}` : '';
        return el('tr', { class: cls.css.replace('state-', 'row-') },
          el('td', { class: 'nowrap' }, fmtDateTime(e.time)), el('td', {}, badge(cls)),
          el('td', {}, e.substation_id || '—'), el('td', {}, e.feeder_id || '—'), el('td', { class: 'mono' }, e.device_id || '—'),
          el('td', {}, `${e.severity} ${e.event_type}`), el('td', {}, states), el('td', { class: 'message' }, e.message || ''));
      }))));
  },

  renderAlerts(ctx) {
    const alerts = ctx.store.alerts.filter((a) => !ctx.state.sub || a.substation_id === ctx.state.sub);
    const sent = alerts.filter((a) => a.outcome === 'sent').length;
    text(this.alertCount, `(${sent} sent, ${alerts.length - sent} suppressed)`);
    if (!alerts.length) {
      replace(this.alertBox, el('p', { class: 'muted pad' }, 'No alert decision in this range.'));
      return;
    }
    replace(this.alertBox, el('table', {},
      el('thead', {}, el('tr', {}, ['Decided', 'Alert', 'Substation', 'Feeder', 'Outcome', 'Why suppressed', 'Detail']
        .map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, alerts.map((a) => el('tr', {},
        el('td', { class: 'nowrap' }, fmtDateTime(a.decided_at)), el('td', {}, a.kind),
        el('td', {}, a.substation_id || '—'), el('td', {}, a.feeder_id || '—'),
        el('td', {}, el('span', { class: `badge ${a.outcome === 'sent' ? 'ok' : 'warn'}` }, a.outcome)),
        el('td', {}, a.reason ? (REASONS[a.reason] || a.reason) : ''),
        el('td', { class: 'message' }, typeof a.detail === 'string' ? a.detail : JSON.stringify(a.detail ?? '')))))));
  },
};
