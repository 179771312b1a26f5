// State exposed as window.__slScreen for browser tests and on-site diagnosis.
export const hook = {
  townsLoaded: false, // the towns GeoJSON source is loaded and rendered by MapLibre
  townCount: 0,
  townLabels: 0,
  gridsLoaded: false,
  gridCount: 0,
  statsLoaded: false,
  fleetLoaded: false, // GET /fleet/live answered
  casesLoaded: false, // GET /cases/stats answered (the cases tile)
  truckCount: 0, // trucks in the map's truck source
  truckUpdates: 0, // fleet.positions events applied
  liveState: 'connecting',
  liveEvents: 0,
  map: null,
  errors: [],
};

if (typeof window !== 'undefined') window.__slScreen = hook;
