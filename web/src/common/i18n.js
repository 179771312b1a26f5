// A small shared dictionary: zh-CN first, English second. The choice is kept
// in localStorage so every page (login, console, screen) follows it.
import { ref, watch } from 'vue';
import messages from './messages.js';

const STORAGE_KEY = 'sl.lang';
export const LOCALES = ['zh-CN', 'en'];

function initialLocale() {
  const saved = localStorage.getItem(STORAGE_KEY);
  return LOCALES.includes(saved) ? saved : 'zh-CN';
}

export const locale = ref(initialLocale());

function applyDocument(value) {
  document.documentElement.lang = value;
}
applyDocument(locale.value);

watch(locale, (value) => {
  localStorage.setItem(STORAGE_KEY, value);
  applyDocument(value);
});

export function setLocale(value) {
  if (LOCALES.includes(value)) locale.value = value;
}

export function toggleLocale() {
  setLocale(locale.value === 'zh-CN' ? 'en' : 'zh-CN');
}

export function isZh() {
  return locale.value === 'zh-CN';
}

/** t('nav.staff') or t('table.total', {n: 5}); falls back to zh-CN, then the key. */
export function t(key, vars) {
  const table = messages[locale.value] || messages['zh-CN'];
  let text = table[key] ?? messages['zh-CN'][key] ?? key;
  if (vars) {
    text = text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
  }
  return text;
}

// Picks the localized field of a record: name / name_en.
export function localName(item) {
  if (!item) return '';
  return (locale.value === 'en' && item.name_en) || item.name || '';
}

// A compact name for tight spots (map labels, chart axes): in English the
// administrative suffix goes ("Wutong Subdistrict" → "Wutong").
export function shortName(item) {
  const name = localName(item);
  if (locale.value !== 'en' || !item || !item.name_en) return name;
  return name.replace(/\s+(Subdistrict|Town|Township|Street|Sub-district)$/i, '');
}

// Keeps document.title in step with the language.
export function useTitle(key) {
  const apply = () => {
    document.title = `${t(key)} · ${t('app.product')}`;
  };
  apply();
  watch(locale, apply);
}

// Translates a server-side code when the dictionary knows it: tCode('role.', 'admin').
export function tCode(prefix, code) {
  if (code === undefined || code === null || code === '') return '—';
  const key = prefix + code;
  const table = messages[locale.value] || messages['zh-CN'];
  return table[key] ?? messages['zh-CN'][key] ?? String(code);
}
