// The substation grant picker used by the user and key forms: "all substations (present and
// future)" or an explicit list, chosen from GET /api/query/substations plus IDs typed by hand
// (a substation that has not reported yet).

import { getJSON } from '../app/api.js';
import { el, append, clear } from '../app/dom.js';

const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
let knownPromise = null;

/** Substation IDs (with site names) the hub knows, fetched once per page. */
export function knownSubstations() {
  if (!knownPromise) {
    knownPromise = getJSON('/api/query/substations')
      .then((list) => (Array.isArray(list) ? list : []).map((s) => ({ id: s.substation_id, site: s.site_name || '' })))
      .catch(() => []);
  }
  return knownPromise;
}

/** A human-readable text for a grant value: "all" or "SUB001, SUB002" (or "none"). */
export function grantText(value) {
  if (value === 'all') return 'all substations';
  if (!Array.isArray(value) || value.length === 0) return 'none';
  return value.join(', ');
}

/**
 * Builds the picker inside `fieldset` (keeping its <legend>); `prefix` makes element IDs unique.
 * Returns { value(), set(value), error() }: value() is "all" or a sorted array of IDs; error() is a
 * message when the typed IDs are malformed or the list is empty, else null.
 */
export async function grantPicker(fieldset, prefix) {
  const legend = fieldset.querySelector('legend');
  clear(fieldset);
  if (legend) fieldset.appendChild(legend);
  const name = `${prefix}-grant-mode`;
  const allRadio = el('input', { type: 'radio', name, value: 'all', id: `${prefix}-grant-all` });
  const listRadio = el('input', { type: 'radio', name, value: 'list', id: `${prefix}-grant-list`, checked: true });
  const boxes = el('div', { class: 'grant-boxes', id: `${prefix}-grant-boxes` });
  const other = el('input', {
    type: 'text', id: `${prefix}-grant-other`, autocomplete: 'off', placeholder: 'SUB010, SUB011',
  });
  append(fieldset, [
    el('label', {}, allRadio, 'All substations, present and future'),
    el('label', {}, listRadio, 'Only these substations:'),
    boxes,
    el('label', { for: `${prefix}-grant-other`, class: 'sub-label' }, 'Other substation IDs (comma-separated)'),
    other,
  ]);

  const known = await knownSubstations();
  for (const s of known) {
    const box = el('input', { type: 'checkbox', value: s.id, id: `${prefix}-grant-${s.id}` });
    boxes.appendChild(el('label', {}, box, s.id, s.site ? el('span', { class: 'muted' }, ` ${s.site}`) : null));
  }
  if (known.length === 0) boxes.appendChild(el('span', { class: 'muted' }, 'No substation has reported yet.'));

  const sync = () => {
    const listMode = listRadio.checked;
    for (const input of boxes.querySelectorAll('input')) input.disabled = !listMode;
    other.disabled = !listMode;
  };
  allRadio.addEventListener('change', sync);
  listRadio.addEventListener('change', sync);
  sync();

  const typed = () => other.value.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
  const picker = {
    value() {
      if (allRadio.checked) return 'all';
      const ids = new Set([...boxes.querySelectorAll('input:checked')].map((b) => b.value));
      for (const id of typed()) ids.add(id);
      return [...ids].sort();
    },
    set(value) {
      const ids = value === 'all' || !Array.isArray(value) ? [] : value;
      allRadio.checked = value === 'all';
      listRadio.checked = value !== 'all';
      const extra = [];
      const boxByID = new Map([...boxes.querySelectorAll('input')].map((b) => [b.value, b]));
      for (const b of boxByID.values()) b.checked = false;
      for (const id of ids) {
        if (boxByID.has(id)) boxByID.get(id).checked = true;
        else extra.push(id);
      }
      other.value = extra.join(', ');
      sync();
    },
    error() {
      if (allRadio.checked) return null;
      const bad = typed().filter((id) => !ID_PATTERN.test(id));
      if (bad.length) return `Not a substation ID: ${bad.join(', ')} (1-64 of A-Z a-z 0-9 _ . : -)`;
      if (picker.value().length === 0) return 'Choose at least one substation, or all substations.';
      return null;
    },
  };
  return picker;
}
