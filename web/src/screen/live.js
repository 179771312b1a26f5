// Live events over SSE: EventSource('/api/v1/live?access_token=…').
// EventSource reconnects by itself after a dropped connection; when the
// server refuses the stream (EventSource gives up: readyState CLOSED) we try
// again on a timer, and an expired token is caught by the KPI refresh (401).
import { ref, shallowRef, onMounted, onBeforeUnmount } from 'vue';
import { liveUrl } from '../common/api.js';
import { hook } from './hook.js';

const MAX_EVENTS = 20;
// Named SSE event types we display; unnamed "message" events are shown too.
const TYPES = ['hello', 'audit', 'event', 'alert', 'case', 'truck', 'parking', 'device', 'fleet.alarm', 'events.created', 'events.deadline'];
const RETRY_MS = 5000;

let seq = 0;

// handlers.positions(list) receives each fleet.positions event (truck moves,
// at most one a second: not shown in the ticker); handlers.alarm(data) each
// fleet.alarm (shown in the ticker too).
export function useLive(handlers = {}) {
  const state = ref('connecting'); // connecting | open | lost
  const events = shallowRef([]);
  const serverTime = ref(null);
  let source = null;
  let retryTimer = null;
  let stopped = false;

  function push(type, raw) {
    let data = null;
    try {
      data = raw ? JSON.parse(raw) : null;
    } catch {
      data = { text: String(raw) };
    }
    if (type === 'hello' && data && data.server_time) serverTime.value = data.server_time;
    const at = (data && (data.at || data.server_time)) || new Date().toISOString();
    events.value = [{ key: ++seq, type, at, data: data || {} }, ...events.value].slice(0, MAX_EVENTS);
    hook.liveEvents += 1;
  }

  function connect() {
    if (stopped) return;
    state.value = 'connecting';
    hook.liveState = 'connecting';
    source = new EventSource(liveUrl());
    source.onopen = () => {
      state.value = 'open';
      hook.liveState = 'open';
    };
    source.onerror = () => {
      if (!source) return;
      state.value = 'lost';
      hook.liveState = 'lost';
      if (source.readyState === EventSource.CLOSED) {
        source = null;
        clearTimeout(retryTimer);
        retryTimer = setTimeout(connect, RETRY_MS);
      }
    };
    source.onmessage = (e) => push('message', e.data);
    for (const type of TYPES) source.addEventListener(type, (e) => push(type, e.data));
    source.addEventListener('fleet.positions', (e) => {
      try {
        const data = JSON.parse(e.data);
        if (handlers.positions && data && Array.isArray(data.positions)) handlers.positions(data.positions);
      } catch {
        hook.errors.push('fleet.positions: bad JSON');
      }
    });
    // Urban events: new ones are in the ticker (TYPES); any step refreshes the layer and counts.
    for (const type of ['events.created', 'events.step']) source.addEventListener(type, () => handlers.event && handlers.event());
    source.addEventListener('fleet.alarm', (e) => {
      try {
        if (handlers.alarm) handlers.alarm(JSON.parse(e.data));
      } catch {
        /* shown in the ticker as text */
      }
    });
  }

  function close() {
    stopped = true;
    clearTimeout(retryTimer);
    if (source) source.close();
    source = null;
  }

  onMounted(() => {
    connect();
    // Close before the page goes away, so the browser does not report the
    // stream as a failed request on navigation.
    window.addEventListener('pagehide', close);
  });
  onBeforeUnmount(() => {
    window.removeEventListener('pagehide', close);
    close();
  });

  return { state, events, serverTime };
}
