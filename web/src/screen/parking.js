// Smart parking on the big screen: the KPIs (free spaces now, occupancy,
// today's sessions and revenue from GET /parking/overview) and a map layer of
// the lots coloured by their share of free spaces (GET /public/parking/lots),
// refreshed on a timer and by parking.lots live events. A role without
// parking.read keeps the module tile "not connected".
import { ref } from 'vue';
import { api } from '../common/api.js';
import { hook } from './hook.js';

function collection(lots) {
  return {
    type: 'FeatureCollection',
    features: lots.map((l) => ({
      type: 'Feature',
      geometry: l.location,
      properties: { id: l.id, name: l.name, free: l.free, total: l.total, share: l.total ? l.free / l.total : 0 },
    })),
  };
}

export function useParking() {
  const summary = ref(null); // { free, occupancy, today_sessions, today_paid_fen }
  let lots = [];
  let attached = false;

  function draw() {
    const map = hook.map;
    if (!map || !map.isStyleLoaded()) return;
    if (!attached) {
      map.addSource('parking', { type: 'geojson', data: collection(lots) });
      map.addLayer({
        id: 'parking-lots',
        type: 'circle',
        source: 'parking',
        paint: {
          'circle-radius': ['interpolate', ['linear'], ['get', 'total'], 10, 3, 150, 7],
          'circle-color': ['step', ['get', 'share'], '#e4572e', 0.15, '#f2b134', 0.4, '#35c46a'],
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 0.6,
          'circle-opacity': 0.9,
        },
      });
      attached = true;
    } else {
      map.getSource('parking').setData(collection(lots));
    }
    hook.parkingLots = lots.length;
  }

  async function load() {
    try {
      const [overview, list] = await Promise.all([api.get('/parking/overview'), api.get('/public/parking/lots')]);
      summary.value = overview;
      lots = list;
      hook.parkingLoaded = true;
      draw();
    } catch (err) {
      if (err.status !== 403) hook.errors.push('parking: ' + err.message);
    }
  }

  function onLots(update) {
    const byId = new Map(update.lots.map((l) => [l.id, l]));
    lots = lots.map((l) => (byId.has(l.id) ? { ...l, ...byId.get(l.id) } : l));
    draw();
  }

  return { summary, load, draw, onLots };
}
