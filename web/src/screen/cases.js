// Penalty cases on the big screen: today's new cases (China day), the
// general-procedure share and the open cases past a statutory deadline, from
// GET /cases/stats. A role without cases.stats leaves `summary` null and the
// module tile keeps saying "not connected".
import { ref } from 'vue';
import { api } from '../common/api.js';
import { hook } from './hook.js';

// Midnight of today in China (UTC+8, no daylight saving) as ISO 8601.
export function chinaMidnightIso(nowMs) {
  const day = new Date(nowMs + 8 * 3600_000).toISOString().slice(0, 10);
  return day + 'T00:00:00+08:00';
}

export function useCases() {
  const summary = ref(null); // { today, general_share, overdue }

  async function load(nowMs = Date.now()) {
    try {
      const [all, today] = await Promise.all([
        api.get('/cases/stats'),
        api.get('/cases/stats', { from: chinaMidnightIso(nowMs) }),
      ]);
      summary.value = { today: today.total, general_share: all.general_share, overdue: all.overdue };
      hook.casesLoaded = true;
    } catch (err) {
      // 403 for roles without statistics: the tile stays "not connected".
      if (err.status !== 403) hook.errors.push('cases: ' + err.message);
    }
  }
  return { summary, load };
}
