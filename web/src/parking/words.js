// The public parking page's words, zh-CN first; follows the shared language
// choice (common/i18n.js locale).
import { locale } from '../common/i18n.js';

const words = {
  'zh-CN': {
    title: '桐乡停车',
    subtitle: '实时空余车位 · 收费标准 · 就近引导',
    locate: '按我的位置排序',
    locating: '定位中…',
    located: '已按您的位置排序',
    nearest: '引导到最近空位',
    guidance: '最近空位：{lot} {space}，约 {d} 米',
    noFree: '附近暂无空余车位',
    free: '空位',
    total: '总车位',
    full: '已满',
    onStreet: '路内',
    offStreet: '停车场',
    updated: '更新于 {t}',
    live: '实时',
    offline: '连接中断，正在重连',
    tariff: '收费',
    freeMinutes: '{n} 分钟内免费',
    firstPeriod: '首 {m} 分钟 {p} 元',
    period: '之后每 {m} 分钟 {p} 元',
    cap: '每日封顶 {p} 元',
    night: '夜间 {a}–{b} 每 {m} 分钟 {p} 元',
    distance: '{d} 米',
    distanceKm: '{d} 公里',
    lots: '{n} 个停车点',
    totalFree: '全市空位 {n}',
    navigate: '导航',
  },
  en: {
    title: 'Tongxiang Parking',
    subtitle: 'Free spaces now · tariffs · guidance',
    locate: 'Sort by my location',
    locating: 'Locating…',
    located: 'Sorted by your location',
    nearest: 'Guide me to the nearest free space',
    guidance: 'Nearest free space: {lot} {space}, about {d} m',
    noFree: 'No free space nearby right now',
    free: 'free',
    total: 'spaces',
    full: 'Full',
    onStreet: 'Street',
    offStreet: 'Car park',
    updated: 'Updated {t}',
    live: 'Live',
    offline: 'Connection lost, reconnecting',
    tariff: 'Tariff',
    freeMinutes: 'First {n} min free',
    firstPeriod: 'first {m} min ¥{p}',
    period: 'then ¥{p} per {m} min',
    cap: 'at most ¥{p} a day',
    night: 'night {a}–{b} ¥{p} per {m} min',
    distance: '{d} m',
    distanceKm: '{d} km',
    lots: '{n} places',
    totalFree: '{n} free spaces in town',
    navigate: 'Route',
  },
};

export function w(key, vars) {
  const table = words[locale.value] || words['zh-CN'];
  let text = table[key] ?? words['zh-CN'][key] ?? key;
  if (vars) text = text.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return text;
}

export function yuan(fen) {
  const v = fen / 100;
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}
