// Urban events on the big screen: open events as a map layer, today's counts
// and closing rates, refreshed from GET /events/live and on every
// events.created / events.step live event. A role without events.read leaves
// `summary` null and the module tile says "not connected".
import { shallowRef, ref, watch } from 'vue';
import * as maplibregl from 'maplibre-gl';
import { api } from '../common/api.js';
import { hook } from './hook.js';
import { et, fmtTime } from '../console/views/EventCommon.js';

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
  map.on('click', 'events-dot', (e) => showEventPopup(map, e));
  map.on('mouseenter', 'events-dot', () => (map.getCanvas().style.cursor = 'pointer'));
  map.on('mouseleave', 'events-dot', () => (map.getCanvas().style.cursor = ''));
  return watch(open, (fc) => {
    const source = map.getSource('events');
    if (source) source.setData(fc || EMPTY);
  });
}

const escapeHtml = (v) =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

// Where an event came from; an escalated truck alarm names its alarm.
export function eventSource(p) {
  const source = et('sources.' + p.source);
  const alarm = /^fleet-alarm:(\d+)$/.exec(p.source_ref || '');
  return alarm ? `${source} · ${et('fleetAlarm')} #${alarm[1]}` : source;
}

let popup = null;
// The dot's facts and a link to the event in the console.
function showEventPopup(map, e) {
  const f = e.features && e.features[0];
  if (!f) return;
  const p = f.properties;
  const overdue = p.overdue === true || p.overdue === 'true';
  const row = (label, value, cls = '') =>
    `<div class="tp-row"><span>${escapeHtml(label)}</span><b class="${cls}">${escapeHtml(value)}</b></div>`;
  const html =
    `<div class="tp-title" data-testid="event-popup-title">${escapeHtml(p.category_name)}</div>` +
    (p.title && p.title !== p.category_name ? `<div class="tp-sub">${escapeHtml(p.title)}</div>` : '') +
    row(et('status'), et('statuses.' + p.status)) +
    row(et('source'), eventSource(p)) +
    row(et('deadline'), fmtTime(p.deadline) + (overdue ? ' · ' + et('overdue') : ''), overdue ? 'tp-bad' : '') +
    `<a class="tp-link" data-testid="event-popup-open" href="/console.html#/events/${Number(p.id)}" target="_blank" rel="noopener">` +
    `${escapeHtml(p.code)} · ${escapeHtml(et('openInConsole'))} →</a>`;
  if (popup) popup.remove();
  popup = new maplibregl.Popup({ closeButton: true, className: 'town-popup event-popup', maxWidth: '300px' })
    .setLngLat(f.geometry.coordinates)
    .setHTML(html)
    .addTo(map);
  hook.eventPopup = Number(p.id);
}
