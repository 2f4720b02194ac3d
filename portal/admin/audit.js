// Audit log section of /admin: filters (actor, action, target, outcome, since/until), newest first,
// paged by `before_id` (the last id shown), and a CSV download link carrying the same filters
// (GET /api/admin/audit.csv).

import { getJSON } from '../app/api.js';
import { el, clear, text, fmtDateTime } from '../app/dom.js';
import { $, notify, dismiss, errorText } from './ui.js';

/** The hub's largest `limit` (AuditFilter.maxLimit); `hop-hub audit export` has no cap. */
const CSV_LIMIT = 10000;

/** Every audited action (AuditAction raw values, docs/audit.md). */
export const AUDIT_ACTIONS = [
  'login', 'logout', 'session.expired', 'lockout', 'unlock',
  'user.create', 'user.update', 'user.deactivate', 'user.grant', 'user.password_reset', 'user.sessions_end',
  'key.create', 'key.rotate', 'key.revoke', 'alerts.recipients_change', 'map.layer_upload', 'map.layer_delete',
  'admin.denied',
  'alarm.acknowledge', 'alarm.shelve', 'alarm.unshelve', 'alarm.out_of_service', 'alarm.return_to_service',
];

/** RFC 3339 (UTC) of a `datetime-local` value, or null when empty/invalid. */
export function localToRFC3339(value) {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

const outcomeKind = { success: 'ok', failure: 'bad', denied: 'warn' };

/** The audit log section: call `load()` whenever the section is shown. */
export class AuditSection {
  constructor(onForbidden) {
    this.onForbidden = onForbidden;
    this.firstPage();
    this.result = $('audit-result');
  }

  /** Back to the newest page. `pages` holds, per page visited, its `before_id` cursor (null: newest). */
  firstPage() {
    this.pages = [null];
  }

  init() {
    const select = $('af-action');
    for (const action of AUDIT_ACTIONS) select.appendChild(el('option', { value: action }, action));
    $('audit-filter').addEventListener('submit', (e) => { e.preventDefault(); this.firstPage(); this.load(); });
    // 'reset' fires before the inputs are cleared: reload on the next turn.
    $('audit-filter').addEventListener('reset', () => setTimeout(() => { this.firstPage(); this.load(); }));
    $('audit-older').addEventListener('click', () => {
      this.pages.push(this.oldestID);
      this.load();
    });
    $('audit-newer').addEventListener('click', () => { if (this.pages.length > 1) this.pages.pop(); this.load(); });
    this.updateCSV();
  }

  /** The filters as query parameters (without paging). */
  filters() {
    const params = new URLSearchParams();
    for (const key of ['actor', 'action', 'target', 'outcome']) {
      const value = $(`af-${key}`).value.trim();
      if (value) params.set(key, value);
    }
    const since = localToRFC3339($('af-since').value);
    const until = localToRFC3339($('af-until').value);
    if (since) params.set('since', since);
    if (until) params.set('until', until);
    return params;
  }

  /** The CSV link: the same filters, the most rows the hub exports at once (newest first). */
  updateCSV() {
    const params = this.filters();
    params.set('limit', String(CSV_LIMIT));
    $('audit-csv').href = `/api/admin/audit.csv?${params}`;
  }

  async load() {
    dismiss(this.result);
    this.updateCSV();
    const params = this.filters();
    const limit = Number($('af-limit').value);
    params.set('limit', String(limit));
    const beforeID = this.pages[this.pages.length - 1];
    if (beforeID !== null) params.set('before_id', String(beforeID));
    let entries;
    try {
      const answer = await getJSON(`/api/admin/audit?${params}`);
      entries = Array.isArray(answer) ? answer : [];
    } catch (error) {
      if (error.status === 403) return this.onForbidden(error);
      return notify(this.result, `Could not load the audit log: ${errorText(error)}`, 'error');
    }
    this.render(entries);
    // Keyset paging: the next page is everything older than the last id shown (ids only grow), so
    // rows sharing a millisecond are neither skipped nor repeated.
    this.oldestID = entries.length ? entries[entries.length - 1].id : null;
    $('audit-older').disabled = entries.length < limit || !Number.isInteger(this.oldestID);
    $('audit-newer').disabled = this.pages.length <= 1;
    text($('audit-page'), entries.length
      ? `Page ${this.pages.length}: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, newest first`
      : 'No entries match these filters.');
  }

  render(entries) {
    const body = $('audit-table').querySelector('tbody');
    clear(body);
    for (const entry of entries) {
      body.appendChild(el('tr', { dataset: { action: entry.action, outcome: entry.outcome } },
        el('td', { class: 'nowrap' }, fmtDateTime(entry.at)),
        el('td', {}, entry.actor ?? ''),
        el('td', { class: 'mono' }, entry.action ?? ''),
        el('td', {}, entry.target ?? ''),
        el('td', {}, el('span', { class: `badge ${outcomeKind[entry.outcome] || 'info'}` }, entry.outcome ?? '')),
        el('td', { class: 'mono' }, entry.source_address ?? '—'),
        el('td', { class: 'detail' }, entry.detail ?? '')));
    }
  }
}
