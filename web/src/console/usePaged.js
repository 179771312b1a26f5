// Paged list state for the back-office tables: items/total/offset with
// filters; a filter change goes back to the first page. Stale responses
// (an older request finishing after a newer one) are dropped.
import { reactive, ref, computed, watch } from 'vue';

export function usePaged(fetchPage, { limit = 20, filters = {}, debounceMs = 300 } = {}) {
  const state = reactive({ items: [], total: 0, offset: 0, limit, loading: false, error: null });
  const f = reactive({ ...filters });
  let seq = 0;
  let controller = null;

  async function load() {
    const mine = ++seq;
    if (controller) controller.abort();
    controller = new AbortController();
    state.loading = true;
    state.error = null;
    try {
      const res = await fetchPage({ ...f, limit: state.limit, offset: state.offset }, controller.signal);
      if (mine !== seq) return;
      state.items = Array.isArray(res && res.items) ? res.items : [];
      state.total = Number(res && res.total) || 0;
    } catch (err) {
      if (err && err.name === 'AbortError') return;
      if (mine !== seq) return;
      state.error = err;
      state.items = [];
    } finally {
      if (mine === seq) state.loading = false;
    }
  }

  const page = computed(() => Math.floor(state.offset / state.limit) + 1);
  const pages = computed(() => Math.max(1, Math.ceil(state.total / state.limit)));

  function go(p) {
    const target = Math.min(Math.max(1, p), pages.value);
    state.offset = (target - 1) * state.limit;
    load();
  }

  let timer = null;
  watch(
    () => ({ ...f }),
    () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        state.offset = 0;
        load();
      }, debounceMs);
    },
  );

  const ready = ref(false);
  load().then(() => {
    ready.value = true;
  });

  return { state, filters: f, page, pages, go, reload: load, ready };
}
