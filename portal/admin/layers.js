// Map layers section of /admin: the GeoJSON FeatureCollections (service territories, outage areas)
// drawn on the portal's Maps tab. Lists them (GET /api/portal/config), loads a file
// (PUT /api/admin/layers/{name}; the hub validates it and answers with the feature count) and deletes
// one (DELETE, confirmed first). Every upload and delete is in the audit log.

import { getJSON, sendJSON } from '../app/api.js';
import { el, clear } from '../app/dom.js';
import { $, notify, dismiss, errorText, confirmAction, busy } from './ui.js';

const layerPath = (name) => `/api/admin/layers/${encodeURIComponent(name)}`;
const NAME_PATTERN = /^[a-z0-9-]{1,40}$/;

/** The map layers section: call `load()` whenever the section is shown. */
export class LayersSection {
  constructor(onForbidden) {
    this.onForbidden = onForbidden;
    this.names = [];
    this.result = $('layers-result');
  }

  async init() {
    $('layer-upload').addEventListener('submit', (e) => { e.preventDefault(); this.upload(); });
  }

  async load() {
    try {
      const config = await getJSON('/api/portal/config');
      this.names = (config && config.map && config.map.layers) || [];
      this.render();
    } catch (error) {
      notify(this.result, `Could not load the map layers: ${errorText(error)}`, 'error');
    }
  }

  render() {
    const body = $('layers-table').querySelector('tbody');
    clear(body);
    for (const name of this.names) {
      const remove = el('button', { type: 'button', class: 'small danger', 'aria-label': `Delete ${name}` }, 'Delete');
      remove.addEventListener('click', () => this.remove(name, remove));
      body.appendChild(el('tr', { dataset: { name } },
        el('td', { class: 'mono' }, name),
        el('td', { class: 'row-actions' }, remove)));
    }
    $('layers-empty').hidden = this.names.length > 0;
  }

  async upload() {
    const problem = $('layer-upload-error');
    dismiss(problem);
    const name = $('lu-name').value.trim();
    const file = $('lu-file').files[0];
    if (!NAME_PATTERN.test(name)) {
      return notify(problem, 'The name must be 1 to 40 lower-case letters, digits or dashes (e.g. service-territory).', 'error');
    }
    if (!file) return notify(problem, 'Choose a GeoJSON file to load.', 'error');
    let geojson;
    try {
      geojson = JSON.parse(await file.text());
    } catch (error) {
      return notify(problem, `${file.name} is not JSON: ${error.message}`, 'error');
    }
    await busy($('lu-submit'), async () => {
      try {
        const receipt = await sendJSON('PUT', layerPath(name), geojson);
        notify(this.result, `Loaded layer ${receipt.name}: ${receipt.features} feature${receipt.features === 1 ? '' : 's'}` +
          `${receipt.replaced ? ' (replaced the previous version)' : ''}. It is on every user's Maps tab.`);
        $('layer-upload').reset();
        await this.load();
      } catch (error) {
        if (error.status === 403) return this.onForbidden(error);
        notify(problem, errorText(error), 'error');
      }
    });
  }

  async remove(name, button) {
    if (!(await confirmAction(`Delete layer ${name}?`, `The layer disappears from every user's Maps tab.`, 'Delete'))) return;
    await busy(button, async () => {
      try {
        await sendJSON('DELETE', layerPath(name));
        notify(this.result, `Deleted layer ${name}.`);
        await this.load();
      } catch (error) {
        if (error.status === 403) return this.onForbidden(error);
        notify(this.result, errorText(error), 'error');
      }
    });
  }
}
