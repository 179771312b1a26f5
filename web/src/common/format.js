// Formatting helpers. Times are shown in Asia/Shanghai whatever the browser's zone.
import { locale } from './i18n.js';

export const TIME_ZONE = 'Asia/Shanghai';

function parts(date, options) {
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, hourCycle: 'h23', ...options });
  const out = {};
  for (const p of fmt.formatToParts(date)) out[p.type] = p.value;
  return out;
}

function toDate(value) {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  if (typeof value === 'string' && value) return new Date(value);
  return null;
}

/** 2024-05-01 08:30:00 (Asia/Shanghai). */
export function formatDateTime(value) {
  const d = toDate(value);
  if (!d || Number.isNaN(d.getTime())) return value ? String(value) : '—';
  const p = parts(d, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** 08:30:00 (Asia/Shanghai). */
export function formatTime(value) {
  const d = toDate(value);
  if (!d || Number.isNaN(d.getTime())) return '—';
  const p = parts(d, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return `${p.hour}:${p.minute}:${p.second}`;
}

/** 2024-05-01 (Asia/Shanghai). */
export function formatDate(value) {
  const d = toDate(value);
  if (!d || Number.isNaN(d.getTime())) return '—';
  const p = parts(d, { year: 'numeric', month: '2-digit', day: '2-digit' });
  return `${p.year}-${p.month}-${p.day}`;
}

const WEEKDAYS_ZH = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

/** 星期三 / Wednesday, in Asia/Shanghai. */
export function formatWeekday(value) {
  const d = toDate(value) || new Date();
  if (locale.value === 'en') {
    return new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, weekday: 'long' }).format(d);
  }
  const name = new Intl.DateTimeFormat('en-US', { timeZone: TIME_ZONE, weekday: 'short' }).format(d);
  const idx = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(name);
  return WEEKDAYS_ZH[idx < 0 ? 0 : idx];
}

/** 12,345 — or '—' for missing values. */
export function formatNumber(value, digits = 0) {
  if (value === null || value === undefined || value === '' || Number.isNaN(Number(value))) return '—';
  return Number(value).toLocaleString(locale.value === 'en' ? 'en-US' : 'zh-CN', {
    maximumFractionDigits: digits,
    minimumFractionDigits: 0,
  });
}
