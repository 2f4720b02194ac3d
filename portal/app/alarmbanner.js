// The alarm banner shown above every tab: unacknowledged alarms by priority (the session's
// substations only, as the hub filters them), updated from the store on every live `alarm`
// message. A click opens the Alarms & Outages tab. docs/alarms.md.

import { el, replace, text } from './dom.js';
import { PRIORITIES } from './store.js';

/** Fills `#alarm-banner`; returns `update(store)` to call whenever alarms change. */
export function buildAlarmBanner(onOpen) {
  const root = document.getElementById('alarm-banner');
  if (!root) return () => {};
  const total = el('span', { class: 'alarm-total', id: 'alarm-total' });
  const chips = Object.fromEntries(PRIORITIES.map((p) => [p, el('span', {
    class: `alarm-chip prio-${p}`, id: `alarm-count-${p}`, dataset: { priority: p },
  })]));
  const open = el('button', { type: 'button', id: 'alarm-banner-open', class: 'link-button' }, 'Show alarms');
  open.addEventListener('click', () => onOpen());
  replace(root, el('span', { class: 'alarm-label' }, 'Unacknowledged alarms'), total,
    PRIORITIES.map((p) => chips[p]), open);
  return (store) => {
    const counts = store.unacknowledgedCounts();
    const sum = PRIORITIES.reduce((a, p) => a + (counts[p] || 0), 0);
    text(total, String(sum));
    for (const p of PRIORITIES) {
      const n = counts[p] || 0;
      text(chips[p], `${p} ${n}`);
      chips[p].dataset.count = String(n);
      chips[p].classList.toggle('zero', n === 0);
    }
    root.dataset.total = String(sum);
    root.classList.toggle('quiet', sum === 0);
    root.classList.toggle('urgent', (counts.critical || 0) + (counts.high || 0) > 0);
  };
}
