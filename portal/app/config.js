// The hub's portal configuration (GET /api/portal/config, docs/live.md), with defaults for a hub
// that does not serve it: frequency band, map tiles and layers, stale-data threshold.

/** Normalises the config answer (null when the hub has no such endpoint). */
export function readConfig(raw) {
  const r = raw || {};
  const f = r.frequency || r;
  const map = r.map || r;
  const layers = (map.layers || r.layers || []).map((l) => (typeof l === 'string' ? l : l && l.name)).filter(Boolean);
  return {
    present: raw !== null,
    band: { low: f.band_low_hz ?? 59.85, high: f.band_high_hz ?? 60.15, nominal: f.nominal_hz ?? 60 },
    // How the hub judges frequency (docs/frequency.md); null where an older hub does not say.
    judge: {
      preset: f.preset ?? null,
      alarmLow: f.alarm_low_hz ?? null,
      alarmHigh: f.alarm_high_hz ?? null,
      persistenceS: f.persistence_s ?? null,
      ufls: f.ufls_warning_hz ?? null,
      rocofLimit: f.rocof_limit_hz_per_s ?? null,
    },
    tileURL: raw === null ? 'https://tile.openstreetmap.org/{z}/{x}/{y}.png' : (map.tile_url ?? r.tile_url ?? ''),
    tileAttribution: raw === null ? '© OpenStreetMap contributors' : (map.tile_attribution ?? r.tile_attribution ?? ''),
    layers,
    staleAfterS: Number(r.stale_after_s ?? 60),
  };
}
