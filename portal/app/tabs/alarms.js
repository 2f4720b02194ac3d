// Alarms & Outages tab: the alarm list (state, priority; acknowledge one or all visible with a
// comment, shelve / unshelve, out of service; filters), colour-coded event log (trip / restore /
// comm-fail), the active outage table with MW and customers (and totals), and the alert log (sent /
// suppressed and why). Alarms come from the store (/api/alarms and live `alarm` messages), the rest
// from /api/query/events, /outages/active and /alerts; the live feed prepends new items.

import { sendJSON } from '../api.js';
import { el, fmt, fmtDateTime, fmtInt, replace, text } from '../dom.js';
import { badge, eventClass } from '../status.js';
import { PRIORITIES, UNACKNOWLEDGED } from '../store.js';

const STATE_LABELS = {
  unacknowledged_active: 'Unacknowledged',
  acknowledged_active: 'Acknowledged',
  returned_unacknowledged: 'Returned, unacknowledged',
  shelved: 'Shelved',
  out_of_service: 'Out of service',
};
const STATE_CLASSES = {
  unacknowledged_active: 'bad', acknowledged_active: 'warn', returned_unacknowledged: 'info', shelved: 'info', out_of_service: 'info',
};
const SHELVE_CHOICES = [['900', '15 min'], ['3600', '1 h'], ['14400', '4 h'], ['28800', '8 h']];

const REASONS = {
  cooldown: 'cooldown (same source alerted recently)',
  global_cap: 'global hourly cap reached',
  no_trip_alert: 'no trip alert was sent for this feeder',
  no_recipients: 'no recipient is subscribed',
  shelved: 'the alarm is shelved',
  out_of_service: 'the alarm is out of service',
};

export default {
  id: 'alarms',

  mount(panel, ctx) {
    this.ctx = ctx;
    this.canAct = ctx.session.role === 'operator' || ctx.session.role === 'admin';
    this.filter = { state: '', priority: '' };
    const stateSelect = el('select', { id: 'alarm-state-filter', 'aria-label': 'Alarm state' },
      el('option', { value: '' }, 'All open states'),
      Object.entries(STATE_LABELS).map(([v, label]) => el('option', { value: v }, label)));
    const prioritySelect = el('select', { id: 'alarm-priority-filter', 'aria-label': 'Alarm priority' },
      el('option', { value: '' }, 'All priorities'), PRIORITIES.map((p) => el('option', { value: p }, p)));
    stateSelect.addEventListener('change', () => { this.filter.state = stateSelect.value; this.renderAlarms(ctx); });
    prioritySelect.addEventListener('change', () => { this.filter.priority = prioritySelect.value; this.renderAlarms(ctx); });
    this.comment = el('input', { type: 'text', id: 'alarm-comment', placeholder: 'Comment (acknowledge) or reason (shelve, out of service)',
      'aria-label': 'Comment or reason', maxlength: '1000' });
    this.duration = el('select', { id: 'alarm-shelve-duration', 'aria-label': 'Shelve for' },
      SHELVE_CHOICES.map(([v, label]) => el('option', { value: v }, label)));
    this.duration.value = '3600';
    this.ackAll = el('button', { type: 'button', id: 'alarm-ack-all' }, 'Acknowledge all visible');
    this.ackAll.addEventListener('click', () => {
      const ids = this.visibleAlarms(ctx).filter((a) => UNACKNOWLEDGED.has(a.state)).map((a) => a.id);
      if (ids.length) this.act('/api/alarms/acknowledge', { ids, comment: this.comment.value || undefined });
    });
    this.alarmMessage = el('p', { id: 'alarm-message', class: 'small', role: 'status' });
    this.alarmCount = el('span', { class: 'muted' });
    this.alarmBox = el('div', { class: 'table-wrap', id: 'alarm-table' });
    const tools = el('div', { class: 'alarm-tools' },
      el('label', {}, 'State ', stateSelect), el('label', {}, 'Priority ', prioritySelect),
      this.canAct ? [this.comment, el('label', {}, 'Shelve for ', this.duration), this.ackAll] : null);
    this.outageSummary = el('p', { class: 'summary', id: 'outage-summary' });
    this.outageBox = el('div', { class: 'table-wrap', id: 'outage-table' });
    this.eventBox = el('div', { class: 'table-wrap tall', id: 'event-log' });
    this.eventCount = el('span', { class: 'muted' });
    this.alertBox = el('div', { class: 'table-wrap', id: 'alert-log' });
    this.alertCount = el('span', { class: 'muted' });
    replace(panel,
      el('section', { class: 'section', id: 'alarm-section' }, el('h2', {}, 'Alarms ', this.alarmCount), tools,
        this.alarmMessage, this.alarmBox),
      el('section', { class: 'section' }, el('h2', {}, 'Active outages'), this.outageSummary, this.outageBox),
      el('div', { class: 'two-col' },
        el('section', { class: 'section' }, el('h2', {}, 'Event log ', this.eventCount), this.eventBox),
        el('section', { class: 'section' }, el('h2', {}, 'Alert log ', this.alertCount), this.alertBox)));
  },

  async load(ctx) {
    await ctx.store.loadLogs(ctx.state.minutes, ctx.state.sub);
    this.render(ctx, new Set(['event', 'alert', 'outage', 'alarm']));
  },

  render(ctx, kinds) {
    if (kinds.has('alarm') || kinds.has('all')) this.renderAlarms(ctx);
    if (kinds.has('outage')) this.renderOutages(ctx);
    if (kinds.has('event')) this.renderEvents(ctx);
    if (kinds.has('alert')) this.renderAlerts(ctx);
  },

  /** Open alarms passing the substation selector and the tab's filters. */
  visibleAlarms(ctx) {
    return ctx.store.alarmsOf(ctx.state.sub).filter((a) =>
      (!this.filter.state || a.state === this.filter.state) && (!this.filter.priority || a.priority === this.filter.priority));
  },

  renderAlarms(ctx) {
    const alarms = this.visibleAlarms(ctx);
    const unacked = alarms.filter((a) => UNACKNOWLEDGED.has(a.state)).length;
    text(this.alarmCount, `(${alarms.length} shown, ${unacked} unacknowledged)`);
    this.ackAll.disabled = unacked === 0;
    if (!alarms.length) {
      replace(this.alarmBox, el('p', { class: 'muted pad' }, 'No open alarm.'));
      return;
    }
    replace(this.alarmBox, el('table', {},
      el('thead', {}, el('tr', {}, ['Priority', 'State', 'Alarm', 'Substation', 'Feeder / device', 'Raised', 'Count', 'Message',
        this.canAct ? 'Actions' : null].filter(Boolean).map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, alarms.map((a) => el('tr', {
        class: UNACKNOWLEDGED.has(a.state) ? 'alarm-unacked' : null, dataset: { alarmId: String(a.id), state: a.state, priority: a.priority },
      },
      el('td', {}, el('span', { class: `alarm-chip prio-${a.priority}` }, a.priority)),
      el('td', {}, el('span', { class: `badge ${STATE_CLASSES[a.state] || 'info'}`, title: this.stateTitle(a) }, STATE_LABELS[a.state] || a.state)),
      el('td', { class: 'mono' }, a.type), el('td', {}, a.substation_id), el('td', {}, a.feeder_id || a.device_id || '—'),
      el('td', { class: 'nowrap' }, fmtDateTime(a.raised_at)), el('td', { class: 'num' }, fmtInt(a.raise_count)),
      el('td', { class: 'message' }, a.message || ''),
      this.canAct ? el('td', {}, this.actions(a)) : null)))));
  },

  stateTitle(a) {
    if (a.state === 'shelved') return `until ${fmtDateTime(a.shelved_until)} by ${a.shelved_by}: ${a.shelve_reason}`;
    if (a.state === 'out_of_service') return `by ${a.out_of_service_by}: ${a.out_of_service_reason}`;
    if (a.acknowledged_by) return `acknowledged by ${a.acknowledged_by}${a.acknowledge_comment ? ': ' + a.acknowledge_comment : ''}`;
    return a.active ? 'condition active' : 'condition returned to normal';
  },

  /** The buttons an operator has for `a` in its state. */
  actions(a) {
    const button = (action, label, handler) => el('button', { type: 'button', dataset: { action } , on: { click: handler } }, label);
    const base = `/api/alarms/${a.id}`;
    const reason = () => this.comment.value.trim();
    const out = [];
    if (UNACKNOWLEDGED.has(a.state)) out.push(button('acknowledge', 'Acknowledge', () => this.act(`${base}/acknowledge`, { comment: reason() || undefined })));
    if (a.state === 'shelved') out.push(button('unshelve', 'Unshelve', () => this.act(`${base}/unshelve`, {})));
    else if (a.state === 'out_of_service') out.push(button('return-to-service', 'Return to service', () => this.act(`${base}/return-to-service`, {})));
    else {
      out.push(button('shelve', 'Shelve', () => this.act(`${base}/shelve`, { duration_s: Number(this.duration.value), reason: reason() })));
      out.push(button('out-of-service', 'Out of service', () => this.act(`${base}/out-of-service`, { reason: reason() })));
    }
    return el('div', { class: 'alarm-actions' }, out);
  },

  /** POSTs an action; the answer (one alarm or a list) updates the store, a refusal is shown. */
  async act(path, body) {
    const { store } = this.ctx;
    try {
      const answer = await sendJSON('POST', path, body);
      const changed = Array.isArray(answer) ? answer : [answer];
      for (const a of changed) store.putAlarm(a);
      this.alarmMessage.className = 'small state-ok';
      text(this.alarmMessage, `${changed.length} alarm${changed.length === 1 ? '' : 's'} updated`);
      store.emit(['alarm']);
    } catch (err) {
      this.alarmMessage.className = 'small state-bad';
      text(this.alarmMessage, `Refused: ${err.message}`);
    }
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
