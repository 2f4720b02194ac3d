// The portal's frame: header (user, substation and range selectors, live state, last update,
// stale warning, theme toggle, sign out) and the keyboard-reachable tab bar (WAI-ARIA tabs:
// buttons with role=tab; Left/Right/Home/End move between tabs).

import { el, fmtTime, replace, text } from './dom.js';
import { RANGES, TABS } from './state.js';
import { bindThemeToggle } from './theme.js';
import { logout } from './api.js';

const LIVE_LABELS = {
  idle: 'Live: starting', connecting: 'Live: connecting', live: 'Live', reconnecting: 'Live: reconnecting',
  unavailable: 'Live: off (refreshing every 5 s)', closed: 'Live: closed', stopped: 'Live: stopped',
  replaced: 'Live: off (a newer page has it; reload to resume)',
};
const LIVE_CLASSES = {
  live: 'ok', connecting: 'info', reconnecting: 'warn', unavailable: 'warn', closed: 'bad', stopped: 'bad', replaced: 'warn',
};

/** Builds the header and tab bar inside the page's placeholders; returns handles to update them. */
export function buildShell({ session, state, onTab }) {
  const header = document.getElementById('header');
  const nav = document.getElementById('tabs');
  const subSelect = el('select', { id: 'sub-select', 'aria-label': 'Substation' });
  const rangeSelect = el('select', { id: 'range-select', 'aria-label': 'Time range' },
    RANGES.map((r) => el('option', { value: r.id }, r.id)));
  const liveBadge = el('span', { id: 'live-state', class: 'badge info', role: 'status' }, LIVE_LABELS.idle);
  const lastUpdate = el('span', { id: 'last-update', class: 'muted' }, 'last update —');
  const stale = el('span', { id: 'stale-warning', class: 'badge bad hidden', role: 'alert' });
  const themeButton = el('button', { type: 'button', id: 'theme-toggle' });
  const signOut = el('button', { type: 'button', id: 'sign-out' }, 'Sign out');
  signOut.addEventListener('click', () => logout());
  bindThemeToggle(themeButton);

  const who = el('span', { id: 'user', class: 'user' },
    el('span', { id: 'user-name' }, session.name || session.email || ''),
    ' ', el('span', { id: 'user-role', class: 'badge info' }, session.role || ''));
  replace(header,
    el('span', { class: 'brand' }, 'Hop'),
    el('span', { id: 'org-name', class: 'muted' }, session.org_name || ''),
    el('label', {}, 'Substation', subSelect),
    el('label', {}, 'Range', rangeSelect),
    el('span', { class: 'spacer' }),
    liveBadge, lastUpdate, stale,
    who,
    // Admins reach /admin from the portal; the hub refuses /api/admin/* to everyone else anyway.
    session.role === 'admin' ? el('a', { id: 'admin-link', class: 'header-link', href: '/admin' }, 'Admin') : null,
    themeButton, signOut);

  const buttons = TABS.map((t) => el('button', {
    type: 'button', role: 'tab', id: `tab-${t.id}`, 'aria-controls': `panel-${t.id}`, 'aria-selected': 'false',
    tabindex: '-1', dataset: { tab: t.id },
  }, t.label));
  replace(nav, buttons);
  for (const b of buttons) b.addEventListener('click', () => onTab(b.dataset.tab));
  nav.addEventListener('keydown', (ev) => {
    const i = buttons.indexOf(document.activeElement);
    if (i < 0) return;
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: buttons.length - 1 }[ev.key];
    if (next === undefined) return;
    ev.preventDefault();
    const b = buttons[(next + buttons.length) % buttons.length];
    b.focus();
    onTab(b.dataset.tab);
  });

  subSelect.addEventListener('change', () => state.set({ sub: subSelect.value, feeder: '' }));
  rangeSelect.addEventListener('change', () => state.set({ range: rangeSelect.value }));

  return {
    /** Marks the active tab (aria-selected, roving tabindex) and shows its panel. */
    selectTab(id) {
      for (const b of buttons) {
        const on = b.dataset.tab === id;
        b.setAttribute('aria-selected', String(on));
        b.tabIndex = on ? 0 : -1;
        b.classList.toggle('active', on);
      }
      for (const t of TABS) document.getElementById(`panel-${t.id}`).hidden = t.id !== id;
    },
    /** Refills the substation selector (ids with site names; "All substations" first). */
    setSubstations(subs, selected) {
      replace(subSelect, el('option', { value: '' }, 'All substations'),
        subs.map((s) => el('option', { value: s.substation_id }, s.site_name ? `${s.substation_id} · ${s.site_name}` : s.substation_id)));
      subSelect.value = selected || '';
    },
    setSelection(sub, range) {
      if (subSelect.value !== (sub || '')) subSelect.value = sub || '';
      rangeSelect.value = range;
    },
    setLive(status, detail) {
      liveBadge.className = `badge ${LIVE_CLASSES[status] || 'info'}`;
      text(liveBadge, LIVE_LABELS[status] || status);
      liveBadge.title = detail || '';
      liveBadge.dataset.state = status;
    },
    setFreshness(freshness) {
      text(lastUpdate, `last update ${freshness.lastUpdateAt ? fmtTime(freshness.lastUpdateAt) : '—'}`);
      const isStale = freshness.isStale();
      stale.classList.toggle('hidden', !isStale);
      if (isStale) text(stale, `Stale: no new data for ${freshness.silentSeconds()} s`);
    },
  };
}
