// The construction-waste trucks on the big screen: the latest position of
// every truck from GET /fleet/live, then moved by fleet.positions live events.
// A role without fleet.read (or a city without trucks) leaves `summary` null,
// and the module tile keeps saying "not connected".
import { shallowRef, ref } from 'vue';
import { api } from '../common/api.js';
import { hook } from './hook.js';

const LOADED = new Set(['half', 'full']);

function feature(p) {
  return {
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [Number(p.lon), Number(p.lat)] },
    properties: { ...p, loaded: LOADED.has(p.load) },
  };
}

export function useFleet() {
  const trucks = shallowRef({ type: 'FeatureCollection', features: [] });
  const summary = ref(null); // { online, loaded, alarms_today }
  const byPhone = new Map();
  const plates = new Map();

  function publish() {
    const features = [...byPhone.values()];
    trucks.value = { type: 'FeatureCollection', features };
    hook.truckCount = features.length;
    if (summary.value || features.length) {
      const loaded = features.filter((f) => f.properties.loaded).length;
      summary.value = { ...(summary.value || { alarms_today: 0 }), online: features.length, loaded };
    }
  }

  async function load() {
    try {
      const fc = await api.get('/fleet/live');
      byPhone.clear();
      for (const f of (fc && fc.features) || []) {
        const p = f.properties || {};
        byPhone.set(p.phone, feature(p));
        if (p.plate) plates.set(p.phone, p.plate);
      }
      summary.value =
        byPhone.size || fc.alarms_today
          ? { online: fc.online, loaded: fc.loaded, alarms_today: fc.alarms_today }
          : null;
      trucks.value = { type: 'FeatureCollection', features: [...byPhone.values()] };
      hook.truckCount = byPhone.size;
      hook.fleetLoaded = true;
    } catch (err) {
      hook.errors.push('fleet: ' + err.message);
    }
  }

  function onPositions(list) {
    for (const p of list) {
      byPhone.set(p.phone, feature(p));
      if (p.plate) plates.set(p.phone, p.plate);
    }
    hook.truckUpdates += 1;
    publish();
  }

  function onAlarm() {
    const s = summary.value || { online: byPhone.size, loaded: 0, alarms_today: 0 };
    summary.value = { ...s, alarms_today: (s.alarms_today || 0) + 1 };
  }

  // Reads trucks.value so a ticker line rendered before the plates arrived
  // (replayed alarms) re-renders with the plate once they do.
  const plateOf = (phone) => (trucks.value && plates.get(phone)) || '';

  return { trucks, summary, load, onPositions, onAlarm, plateOf };
}
