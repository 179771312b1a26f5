// Urban events on the big screen: open events as a map layer, today's counts
// and closing rates, refreshed from GET /events/live and on every
// events.created / events.step live event. A role without events.read leaves
// `summary` null and the module tile says "not connected".
import { shallowRef, ref, watch } from 'vue';
import { api } from '../common/api.js';
import { hook } from './hook.js';

const EMPTY = { type: 'FeatureCollection', features: [] };
export const EVENT_OPEN = '#ff9f43';
export const EVENT_OVERDUE = '#ff4d5e';

export function useEvents() {
  const open = shallowRef(EMPTY);
  const summary = ref(null); // { today, year, open, overdue_open, closed_today }
  let timer = null;

  async function load() {
    try {
      const fc = await api.get('/events/live');
      open.value = { type: 'FeatureCollection', features: fc.features || [] };
      summary.value = { today: fc.today, year: fc.year, open: fc.open, overdue_open: fc.overdue_open, closed_today: fc.closed_today };
      hook.eventsOnMap = open.value.features.length;
      hook.eventsLoaded = true;
    } catch (err) {
      hook.errors.push('events: ' + err.message);
    }
  }

  // Coalesces bursts of live events into one reload.
  function onEvent() {
    clearTimeout(timer);
    timer = setTimeout(load, 800);
  }

  return { open, summary, load, onEvent };
}

// Adds the open-event layer to a MapLibre map and keeps it in step with `open`.
export function attachEventLayer(map, open) {
  const add = () => {
    if (map.getSource('events')) return;
    map.addSource('events', { type: 'geojson', data: open.value || EMPTY });
    map.addLayer({
      id: 'events-dot',
      type: 'circle',
      source: 'events',
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 3.2, 15, 8],
        'circle-color': ['case', ['get', 'overdue'], EVENT_OVERDUE, EVENT_OPEN],
        'circle-stroke-color': '#fff',
        'circle-stroke-width': 0.8,
        'circle-opacity': 0.9,
      },
    });
  };
  if (map.isStyleLoaded()) add();
  else map.once('load', add);
  return watch(open, (fc) => {
    const source = map.getSource('events');
    if (source) source.setData(fc || EMPTY);
  });
}
