// Maps tab: Leaflet map with a marker per substation coloured by state, a circle per active outage
// (sized by customers out) and the GeoJSON layers an admin loaded (/api/portal/config lists them,
// /api/portal/layers/{name} serves them). The tile URL comes from the hub's configuration; when
// tiles cannot be fetched (or no tile URL is set) the markers stay on a blank base.
// Popups, tooltips, layer names and the attribution are DOM elements built with textContent
// (Leaflet would otherwise insert strings as HTML).

import { getJSON } from '../api.js';
import { el, fmt, fmtInt, replace, text } from '../dom.js';
import { substationState, stateColorVar } from '../status.js';
import { cssVar } from '../theme.js';

const DEFAULT_CENTER = [45.52, -122.68];

export default {
  id: 'maps',

  mount(panel, ctx) {
    this.ctx = ctx;
    this.mapBox = el('div', { class: 'map', id: 'map', role: 'application', 'aria-label': 'Map of substations and outages' });
    this.attribution = el('p', { class: 'muted small', id: 'map-attribution' });
    this.layerBox = el('div', { class: 'layer-list', id: 'map-layers' });
    this.legend = el('div', { class: 'map-legend' },
      ['Normal', 'Elevated', 'Anomaly / outage', 'Not reporting'].map((l, i) =>
        el('span', { class: `legend-item legend-${['ok', 'warn', 'bad', 'muted'][i]}` }, l)));
    this.notice = el('p', { class: 'muted', id: 'map-notice' });
    this.markerList = el('ul', { class: 'sr-only', id: 'map-marker-list' });
    replace(panel, el('div', { class: 'map-layout' },
      el('div', { class: 'map-main' }, this.mapBox, this.attribution),
      el('aside', { class: 'card map-side' }, el('h2', {}, 'Legend'), this.legend, el('h2', {}, 'Layers'), this.layerBox, this.notice, this.markerList)));
  },

  ensureMap(ctx) {
    if (this.map || typeof window.L === 'undefined') return this.map;
    const L = window.L;
    this.map = L.map(this.mapBox, { attributionControl: false, zoomControl: true, preferCanvas: false }).setView(DEFAULT_CENTER, 8);
    const tileURL = ctx.config.tileURL;
    if (tileURL) {
      this.tiles = L.tileLayer(tileURL, { maxZoom: 19 });
      this.tileErrors = 0;
      this.tiles.on('tileerror', () => {
        this.tileErrors += 1;
        text(this.notice, 'Map tiles could not be loaded; substations are shown on a blank base.');
      });
      this.tiles.addTo(this.map);
      text(this.attribution, ctx.config.tileAttribution || '');
    } else {
      text(this.attribution, 'No tile server configured: blank base map.');
    }
    this.markers = L.layerGroup().addTo(this.map);
    this.outageLayer = L.layerGroup().addTo(this.map);
    this.overlays = new Map();
    this.fitted = false;
    return this.map;
  },

  async load(ctx) {
    if (typeof window.L === 'undefined') {
      replace(this.mapBox, el('p', { class: 'notice error' }, 'Map library (Leaflet) did not load from /vendor/leaflet.'));
      return;
    }
    this.ensureMap(ctx);
    this.renderMarkers(ctx);
    await this.loadLayers(ctx);
  },

  render(ctx, kinds) {
    if (!this.map) return;
    if (kinds.has('reading') || kinds.has('score') || kinds.has('outage') || kinds.has('substations') || kinds.has('theme')) {
      this.renderMarkers(ctx);
    }
  },

  shown() {
    if (this.map) {
      this.map.invalidateSize();
      if (!this.fitted) this.fit();
    }
  },

  renderMarkers(ctx) {
    const L = window.L;
    const store = ctx.store;
    const subs = ctx.state.sub ? [ctx.state.sub] : store.substationIds();
    // Rebuild only when what the map shows changed (states, positions, names, outages, theme); new
    // scores and readings arrive every few seconds and would otherwise close an open popup.
    // Each substation's state is worked out once per render, for the signature and the markers.
    const states = new Map(subs.map((sub) => [sub, substationState(store, sub)]));
    const signature = JSON.stringify([document.documentElement.dataset.theme, subs.map((sub) => {
      const i = store.substations.get(sub) || {};
      return [sub, i.site_name, i.latitude, i.longitude, states.get(sub).key];
    }), store.outagesOf(ctx.state.sub).map((o) => [o.outage_id, o.customers_out, o.mw_interrupted, o.cause, o.latitude, o.longitude])]);
    if (signature === this.signature) {
      for (const [sub, marker] of this.bySub) {
        if (!marker.isPopupOpen()) {
          const popup = popupFor(sub, store.substations.get(sub) || {}, states.get(sub), store);
          marker.setPopupContent(popup);
          marker.setTooltipContent(popup.cloneNode(true));
        }
      }
      return;
    }
    this.signature = signature;
    this.bySub = new Map();
    this.markers.clearLayers();
    this.outageLayer.clearLayers();
    const items = [];
    this.bounds = [];
    let withoutPosition = 0;
    for (const sub of subs) {
      const info = store.substations.get(sub) || {};
      if (typeof info.latitude !== 'number' || typeof info.longitude !== 'number') { withoutPosition += 1; continue; }
      const state = states.get(sub);
      const color = cssVar(stateColorVar(state.key));
      const marker = L.circleMarker([info.latitude, info.longitude], {
        radius: 9, color: cssVar('--text'), weight: 1.5, fillColor: color, fillOpacity: 0.9,
        className: `marker marker-${state.key} sub-${sub}`,
      });
      // One popup element; the tooltip gets a copy (a DOM node can only be shown in one place).
      const popup = popupFor(sub, info, state, store);
      marker.bindTooltip(popup.cloneNode(true));
      marker.bindPopup(popup);
      marker.addTo(this.markers);
      this.bySub.set(sub, marker);
      this.bounds.push([info.latitude, info.longitude]);
      items.push(el('li', { dataset: { sub } }, `${sub} ${info.site_name || ''}: ${state.label}`));
    }
    for (const o of store.outagesOf(ctx.state.sub)) {
      const site = store.substations.get(o.substation_id) || {};
      const lat = typeof o.latitude === 'number' ? o.latitude : site.latitude;
      const lon = typeof o.longitude === 'number' ? o.longitude : site.longitude;
      if (typeof lat !== 'number' || typeof lon !== 'number') continue;
      const radius = 2000 + 150 * Math.sqrt(o.customers_out || 0); // metres: visible at region zoom, grows with impact
      L.circle([lat, lon], { radius, color: cssVar('--bad'), weight: 2, fillColor: cssVar('--bad'), fillOpacity: 0.18, className: 'outage-area' })
        .bindTooltip(el('div', {}, el('strong', {}, o.outage_id), el('br'), `${fmtInt(o.customers_out)} customers · ${fmt(o.mw_interrupted, 1)} MW`,
          el('br'), o.cause || ''))
        .addTo(this.outageLayer);
      items.push(el('li', { dataset: { outage: o.outage_id } }, `Outage ${o.outage_id}: ${fmtInt(o.customers_out)} customers`));
    }
    replace(this.markerList, items);
    text(this.notice, withoutPosition ? `${withoutPosition} substation(s) have not reported a position.` : (this.tileErrors ? this.notice.textContent : ''));
    if (!this.fitted && this.bounds.length && this.mapBox.offsetWidth) this.fit();
  },

  fit() {
    if (!this.bounds || !this.bounds.length) return;
    if (this.bounds.length === 1) this.map.setView(this.bounds[0], 11, { animate: false });
    else this.map.fitBounds(this.bounds, { padding: [30, 30], maxZoom: 12, animate: false });
    this.fitted = true;
  },

  async loadLayers(ctx) {
    const names = ctx.config.layers;
    if (!names.length) {
      replace(this.layerBox, el('p', { class: 'muted' }, 'No GeoJSON layer loaded. An admin can add service territories or outage areas.'));
      return;
    }
    const L = window.L;
    const rows = [];
    for (const name of names) {
      if (!this.overlays.has(name)) {
        try {
          const geo = await getJSON(`/api/portal/layers/${encodeURIComponent(name)}`);
          const layer = L.geoJSON(geo, {
            style: () => ({ color: cssVar('--accent'), weight: 2, fillOpacity: 0.12, className: `geo-layer layer-${name}` }),
            pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 5, color: cssVar('--accent'), className: `geo-layer layer-${name}` }),
            onEachFeature: (feature, lyr) => {
              const props = feature && feature.properties ? feature.properties : {};
              const box = el('div', {}, el('strong', {}, name),
                Object.entries(props).slice(0, 12).map(([k, v]) => el('div', {}, `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`)));
              lyr.bindPopup(box);
            },
          });
          layer.addTo(this.map);
          this.overlays.set(name, layer);
        } catch (err) {
          rows.push(el('p', { class: 'notice error' }, `Layer ${name} could not be loaded: ${err.message}`));
          continue;
        }
      }
      const layer = this.overlays.get(name);
      const box = el('input', { type: 'checkbox', checked: this.map.hasLayer(layer), dataset: { layer: name } });
      box.addEventListener('change', () => (box.checked ? layer.addTo(this.map) : this.map.removeLayer(layer)));
      rows.push(el('label', { class: 'layer-toggle' }, box, name));
    }
    replace(this.layerBox, rows);
  },
};

function popupFor(sub, info, state, store) {
  const score = store.scores.get(sub);
  const hz = store.frequencyOf(sub);
  return el('div', { class: 'map-popup' },
    el('strong', {}, sub), ' ', el('span', {}, info.site_name || ''), el('br'),
    `Status: ${state.label}`, el('br'),
    `Score: ${score ? fmt(score.anomaly_score, 2) : '—'} · ${hz === null ? '—' : fmt(hz, 3) + ' Hz'}`);
}
