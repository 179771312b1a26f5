// ECharts options for the big screen's dark theme.
import { t, tCode, locale, localName } from '../common/i18n.js';

export const FONT = "'Microsoft YaHei', 'PingFang SC', 'WenQuanYi Micro Hei', sans-serif";
const AXIS = '#6f93bd';
const SPLIT = 'rgba(80, 140, 210, 0.15)';
const TEXT = '#b8d4f0';

const tooltip = {
  backgroundColor: 'rgba(4, 22, 48, 0.94)',
  borderColor: 'rgba(46, 230, 255, 0.5)',
  textStyle: { color: '#e6f4ff', fontFamily: FONT, fontSize: 13 },
};

function gradient(from, to, horizontal = true) {
  return {
    type: 'linear',
    x: 0,
    y: 0,
    x2: horizontal ? 1 : 0,
    y2: horizontal ? 0 : 1,
    colorStops: [
      { offset: 0, color: from },
      { offset: 1, color: to },
    ],
  };
}

function truncate(s, n) {
  s = String(s ?? '');
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

/** Horizontal bars: subjects per town, largest on top. */
export function subjectsByTownOption(list, nameOf) {
  const rows = [...(list || [])].sort((a, b) => (a.count || 0) - (b.count || 0));
  return {
    textStyle: { fontFamily: FONT },
    tooltip: { ...tooltip, trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 56, top: 6, bottom: 4, containLabel: true },
    xAxis: {
      type: 'value',
      axisLabel: { color: AXIS, fontSize: 12 },
      splitLine: { lineStyle: { color: SPLIT } },
    },
    yAxis: {
      type: 'category',
      data: rows.map((r) => truncate(nameOf(r), locale.value === 'en' ? 12 : 8)),
      axisLine: { lineStyle: { color: 'rgba(111, 147, 189, 0.4)' } },
      axisTick: { show: false },
      axisLabel: { color: TEXT, fontSize: 14 },
    },
    series: [
      {
        type: 'bar',
        name: t('kpi.subjects'),
        data: rows.map((r) => r.count || 0),
        barWidth: 12,
        showBackground: true,
        backgroundStyle: { color: 'rgba(30, 80, 140, 0.18)' },
        itemStyle: { color: gradient('#1565c0', '#2ee6ff'), borderRadius: [0, 6, 6, 0] },
        label: { show: true, position: 'right', color: '#7fe9ff', fontSize: 13, fontFamily: FONT },
      },
    ],
  };
}

/** Stacked bars: officers and auxiliaries per department. */
export function staffByDepartmentOption(list, nameOf) {
  const rows = [...(list || [])]
    .map((r) => ({ ...r, total: (r.officers || 0) + (r.auxiliaries || 0) }))
    .sort((a, b) => a.total - b.total)
    .slice(-9);
  return {
    textStyle: { fontFamily: FONT },
    tooltip: { ...tooltip, trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: {
      top: 0,
      right: 4,
      itemWidth: 12,
      itemHeight: 8,
      textStyle: { color: TEXT, fontSize: 13 },
    },
    grid: { left: 8, right: 28, top: 28, bottom: 4, containLabel: true },
    xAxis: {
      type: 'value',
      axisLabel: { color: AXIS, fontSize: 12 },
      splitLine: { lineStyle: { color: SPLIT } },
    },
    yAxis: {
      type: 'category',
      data: rows.map((r) => truncate(nameOf ? nameOf(r) : localName(r), locale.value === 'en' ? 18 : 9)),
      axisTick: { show: false },
      axisLine: { lineStyle: { color: 'rgba(111, 147, 189, 0.4)' } },
      axisLabel: { color: TEXT, fontSize: 13 },
    },
    series: [
      {
        type: 'bar',
        name: t('screen.officers'),
        stack: 'staff',
        data: rows.map((r) => r.officers || 0),
        barWidth: 11,
        itemStyle: { color: gradient('#1e6fd9', '#3ea0ff') },
      },
      {
        type: 'bar',
        name: t('screen.auxiliaries'),
        stack: 'staff',
        data: rows.map((r) => r.auxiliaries || 0),
        barWidth: 11,
        itemStyle: { color: gradient('#0fb5a8', '#4ff2d2'), borderRadius: [0, 5, 5, 0] },
      },
    ],
  };
}

const PIE_COLORS = ['#2ee6ff', '#3ea0ff', '#4ff2d2', '#ffc94d', '#ff8a5c', '#a98bff', '#7be07b', '#ff6f91'];

/** Ring chart: devices by kind. */
export function devicesByKindOption(list, total) {
  const rows = (list || []).map((r) => ({ name: tCode('device.', r.kind), value: r.count || 0 }));
  return {
    textStyle: { fontFamily: FONT },
    color: PIE_COLORS,
    tooltip: { ...tooltip, trigger: 'item', formatter: '{b}<br/>{c} ({d}%)' },
    legend: {
      orient: 'vertical',
      left: '57%',
      top: 'middle',
      itemWidth: 10,
      itemHeight: 10,
      itemGap: 10,
      textStyle: { color: TEXT, fontSize: 13 },
      formatter: (name) => {
        const r = rows.find((x) => x.name === name);
        return `${truncate(name, locale.value === 'en' ? 18 : 8)}  ${r ? r.value.toLocaleString() : ''}`;
      },
    },
    title: {
      text: Number(total || 0).toLocaleString(),
      subtext: t('kpi.devices'),
      left: '29%',
      top: '38%',
      textAlign: 'center',
      itemGap: 4,
      textStyle: { color: '#e8fbff', fontSize: 24, fontWeight: 'bold', fontFamily: FONT },
      subtextStyle: { color: '#7fa6cc', fontSize: 13, fontFamily: FONT },
    },
    series: [
      {
        type: 'pie',
        radius: ['48%', '72%'],
        center: ['30%', '52%'],
        avoidLabelOverlap: true,
        label: { show: false },
        labelLine: { show: false },
        itemStyle: { borderColor: '#061a38', borderWidth: 2 },
        data: rows,
      },
    ],
  };
}
