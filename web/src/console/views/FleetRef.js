// Shared pieces of the construction-waste office pages: the page's own
// dictionary (falls back to the common one), the companies / vehicles /
// permits lookups (cached per page load), and China-time helpers for the
// date inputs (every time is entered and shown in +08:00).
import { api, request } from '../../common/api.js';
import { t, locale } from '../../common/i18n.js';

const MESSAGES = {
  'zh-CN': {
    'fleet.title': '渣土车监管',
    'fleet.note': '建筑垃圾运输：处置核准证、车辆与运输企业、电子联单、报警处置、轨迹回放、运输诚信评价。',
    'fleet.tab.permits': '处置核准证',
    'fleet.tab.vehicles': '车辆与企业',
    'fleet.tab.trips': '电子联单',
    'fleet.tab.alarms': '报警',
    'fleet.tab.track': '轨迹回放',
    'fleet.tab.stats': '统计与诚信评价',
    'fleet.code': '证号',
    'fleet.company': '运输企业',
    'fleet.vehicles': '核准车辆',
    'fleet.validity': '有效期',
    'fleet.validFrom': '生效日期',
    'fleet.validTo': '截止日期（不含）',
    'fleet.windows': '核准时段',
    'fleet.windowsHint': '如 20:00-06:00，多个用逗号分隔；留空为全天',
    'fleet.buffer': '路线宽度（单侧，米）',
    'fleet.sourceSite': '出土工地（多边形）',
    'fleet.disposalSite': '消纳场（多边形）',
    'fleet.corridor': '核准路线（折线）',
    'fleet.geometryHint': 'WGS-84 坐标数组 [[经度, 纬度], ...]',
    'fleet.newPermit': '新建核准证',
    'fleet.editPermit': '修改核准证 {code}',
    'fleet.save': '保存',
    'fleet.cancel': '取消',
    'fleet.edit': '修改',
    'fleet.delete': '删除',
    'fleet.confirmDelete': '删除核准证 {code}？已有电子联单引用的核准证不能删除。',
    'fleet.saved': '已保存',
    'fleet.deleted': '已删除',
    'fleet.plate': '车牌',
    'fleet.phone': '终端号',
    'fleet.capacity': '核载（吨）',
    'fleet.creditCode': '统一社会信用代码',
    'fleet.contactPhone': '联系电话',
    'fleet.companies': '运输企业',
    'fleet.vehicleList': '车辆',
    'fleet.newCompany': '登记企业',
    'fleet.newVehicle': '登记车辆',
    'fleet.name': '名称',
    'fleet.permit': '核准证',
    'fleet.loadTime': '装载时间',
    'fleet.unloadTime': '卸载时间',
    'fleet.distance': '里程（km）',
    'fleet.compliant': '合规',
    'fleet.yes': '合规',
    'fleet.no': '不合规',
    'fleet.track': '轨迹',
    'fleet.from': '起',
    'fleet.to': '止',
    'fleet.type': '类型',
    'fleet.state': '状态',
    'fleet.state.open': '待处置',
    'fleet.state.acknowledged': '已确认',
    'fleet.state.escalated': '已转事件',
    'fleet.time': '时间',
    'fleet.tier': '级别',
    'fleet.detail': '详情',
    'fleet.acknowledge': '确认',
    'fleet.escalate': '转城市事件',
    'fleet.escalated': '已转城市事件',
    'fleet.offBy': '偏离 {m} 米',
    'fleet.speedOver': '{v} km/h，限速 {l}',
    'fleet.load': '查询',
    'fleet.play': '播放',
    'fleet.pause': '暂停',
    'fleet.speed': '倍速',
    'fleet.points': '{n} 个定位点',
    'fleet.noTrack': '该时段没有定位点',
    'fleet.alarmsOnTrack': '{n} 条报警',
    'fleet.permitsOnMap': '{n} 张核准证',
    'fleet.draw.source': '画工地',
    'fleet.draw.disposal': '画消纳场',
    'fleet.draw.corridor': '画核准线路',
    'fleet.draw.undo': '撤销上一点',
    'fleet.draw.clear': '清除',
    'fleet.draw.hint': '在地图上单击添加顶点，拖动顶点移动；下方坐标可直接编辑',
    'fleet.legendCorridor': '核准线路（缓冲区）',
    'fleet.legendSource': '工地',
    'fleet.legendDisposal': '消纳场',
    'fleet.legendTrack': '轨迹',
    'fleet.legendAlarm': '报警',
    'fleet.openAlarm': '未处置',
    'fleet.acknowledgedAt': '已确认 {t}',
    'fleet.escalatedAt': '已转事件 {t}',
    'fleet.loadState': '载重',
    'fleet.group': '统计维度',
    'fleet.group.company': '企业',
    'fleet.group.vehicle': '车辆',
    'fleet.group.site': '核准证（工地→消纳场）',
    'fleet.trips': '联单',
    'fleet.nonCompliant': '不合规',
    'fleet.alarms': '报警',
    'fleet.points.label': '扣分',
    'fleet.score': '得分',
    'fleet.grade': '等级',
    'fleet.capped': '有消纳场外卸载，最高 C 级',
    'fleet.ratings': '运输诚信评价',
    'fleet.ratingRule':
      '依据《嘉兴市建筑垃圾管理条例》第十条（建筑垃圾运输诚信评价制度）。扣分 = 各类报警分值之和（消纳场外卸载 10，无有效核准证 8，无证进场 4，偏离路线 3/二级 6，非核准时段 3，未密闭 3，超速 2/二级 4，终端离线 1）+ 每张不合规联单 2；得分 = 100 − 100 × 扣分 ÷ max(联单数, 10)。A ≥ 90，B ≥ 75，C ≥ 60，D < 60；发生消纳场外卸载的企业最高 C 级；期间无联单且无报警的不评价。',
    'fleet.ratingRuleFrom':
      '依据《嘉兴市建筑垃圾管理条例》第十条（建筑垃圾运输诚信评价制度）。扣分 = 各类报警分值之和（{weights}）+ 每张不合规联单 {trip}；得分 = 100 − 100 × 扣分 ÷ max(联单数, {min})。A ≥ {a}，B ≥ {b}，C ≥ {c}，D < {c}；{cap}期间无联单且无报警的不评价。',
    'fleet.ratingCap': '发生消纳场外卸载的企业最高 C 级；',
    'fleet.tier2': '二级',
    'fleet.grade.-': '不评价',
    'fleet.badPhone': '终端号应为 1 至 20 位数字',
    'fleet.statsBy': '统计（按{g}）',
    'fleet.tab.zones': '限速区域',
    'fleet.limit': '限速（km/h）',
    'fleet.area': '区域（多边形）',
    'fleet.vertices': '{n} 个顶点',
    'fleet.zonesNote': '区域超速报警：超过限速 10% 为一级，超过 50% 为二级；区域重叠时取最低限速。',
  },
  en: {
    'fleet.title': 'Construction-waste trucks',
    'fleet.note': 'Permits, vehicles and companies, electronic manifests, alarms, track playback and the transport integrity rating.',
    'fleet.tab.permits': 'Permits',
    'fleet.tab.vehicles': 'Vehicles & companies',
    'fleet.tab.trips': 'Manifests',
    'fleet.tab.alarms': 'Alarms',
    'fleet.tab.track': 'Track playback',
    'fleet.tab.stats': 'Statistics & rating',
    'fleet.code': 'Code',
    'fleet.company': 'Company',
    'fleet.vehicles': 'Vehicles',
    'fleet.validity': 'Valid',
    'fleet.validFrom': 'Valid from',
    'fleet.validTo': 'Valid to (exclusive)',
    'fleet.windows': 'Hours',
    'fleet.windowsHint': 'e.g. 20:00-06:00, comma separated; empty: all day',
    'fleet.buffer': 'Corridor half-width (m)',
    'fleet.sourceSite': 'Source site (polygon)',
    'fleet.disposalSite': 'Disposal site (polygon)',
    'fleet.corridor': 'Route (polyline)',
    'fleet.geometryHint': 'WGS-84 [[lon, lat], ...]',
    'fleet.newPermit': 'New permit',
    'fleet.editPermit': 'Edit permit {code}',
    'fleet.save': 'Save',
    'fleet.cancel': 'Cancel',
    'fleet.edit': 'Edit',
    'fleet.delete': 'Delete',
    'fleet.confirmDelete': 'Delete permit {code}? A permit cited by manifests cannot be deleted.',
    'fleet.saved': 'Saved',
    'fleet.deleted': 'Deleted',
    'fleet.plate': 'Plate',
    'fleet.phone': 'Terminal',
    'fleet.capacity': 'Capacity (t)',
    'fleet.creditCode': 'Credit code',
    'fleet.contactPhone': 'Phone',
    'fleet.companies': 'Companies',
    'fleet.vehicleList': 'Vehicles',
    'fleet.newCompany': 'Register company',
    'fleet.newVehicle': 'Register vehicle',
    'fleet.name': 'Name',
    'fleet.permit': 'Permit',
    'fleet.loadTime': 'Loaded',
    'fleet.unloadTime': 'Unloaded',
    'fleet.distance': 'Distance (km)',
    'fleet.compliant': 'Compliant',
    'fleet.yes': 'compliant',
    'fleet.no': 'non-compliant',
    'fleet.track': 'Track',
    'fleet.from': 'From',
    'fleet.to': 'To',
    'fleet.type': 'Type',
    'fleet.state': 'State',
    'fleet.state.open': 'open',
    'fleet.state.acknowledged': 'acknowledged',
    'fleet.state.escalated': 'escalated',
    'fleet.time': 'Time',
    'fleet.tier': 'Tier',
    'fleet.detail': 'Detail',
    'fleet.acknowledge': 'Acknowledge',
    'fleet.escalate': 'Escalate to event',
    'fleet.escalated': 'Escalated to an urban event',
    'fleet.offBy': '{m} m off',
    'fleet.speedOver': '{v} km/h, limit {l}',
    'fleet.load': 'Load',
    'fleet.play': 'Play',
    'fleet.pause': 'Pause',
    'fleet.speed': 'Speed',
    'fleet.points': '{n} fixes',
    'fleet.noTrack': 'No fixes in this period',
    'fleet.alarmsOnTrack': '{n} alarms',
    'fleet.permitsOnMap': '{n} permits',
    'fleet.draw.source': 'Draw source site',
    'fleet.draw.disposal': 'Draw disposal site',
    'fleet.draw.corridor': 'Draw corridor',
    'fleet.draw.undo': 'Undo last point',
    'fleet.draw.clear': 'Clear',
    'fleet.draw.hint': 'Click the map to add a vertex, drag a vertex to move it; the coordinates below stay editable',
    'fleet.legendCorridor': 'approved corridor (buffer)',
    'fleet.legendSource': 'source site',
    'fleet.legendDisposal': 'disposal site',
    'fleet.legendTrack': 'track',
    'fleet.legendAlarm': 'alarm',
    'fleet.openAlarm': 'open',
    'fleet.acknowledgedAt': 'acknowledged {t}',
    'fleet.escalatedAt': 'escalated {t}',
    'fleet.loadState': 'Load',
    'fleet.group': 'Group by',
    'fleet.group.company': 'company',
    'fleet.group.vehicle': 'vehicle',
    'fleet.group.site': 'permit (site → disposal)',
    'fleet.trips': 'Manifests',
    'fleet.nonCompliant': 'Non-compliant',
    'fleet.alarms': 'Alarms',
    'fleet.points.label': 'Points',
    'fleet.score': 'Score',
    'fleet.grade': 'Grade',
    'fleet.capped': 'Unloaded outside a disposal site: at most C',
    'fleet.ratings': 'Transport integrity rating',
    'fleet.ratingRule':
      'Jiaxing construction waste regulation Art. 10 (transport integrity rating). Points = sum of alarm weights (unloading outside a disposal site 10, no valid permit 8, site without permit 4, off corridor 3 / tier 2 6, outside hours 3, uncovered 3, overspeed 2 / tier 2 4, terminal offline 1) + 2 per non-compliant manifest; score = 100 − 100 × points ÷ max(manifests, 10). A ≥ 90, B ≥ 75, C ≥ 60, D < 60; a company that unloaded outside a disposal site gets at most C; no manifest and no alarm: not rated.',
    'fleet.ratingRuleFrom':
      'Jiaxing construction waste regulation Art. 10 (transport integrity rating). Points = sum of alarm weights ({weights}) + {trip} per non-compliant manifest; score = 100 − 100 × points ÷ max(manifests, {min}). A ≥ {a}, B ≥ {b}, C ≥ {c}, D < {c}; {cap}no manifest and no alarm: not rated.',
    'fleet.ratingCap': 'a company that unloaded outside a disposal site gets at most C; ',
    'fleet.tier2': 'tier 2',
    'fleet.grade.-': 'not rated',
    'fleet.badPhone': 'The terminal number must be 1 to 20 digits',
    'fleet.statsBy': 'Statistics by {g}',
    'fleet.tab.zones': 'Speed zones',
    'fleet.limit': 'Limit (km/h)',
    'fleet.area': 'Area (polygon)',
    'fleet.vertices': '{n} vertices',
    'fleet.zonesNote': 'Overspeed alarms: tier 1 more than 10 % over the limit, tier 2 more than 50 % over; overlapping zones: the lowest limit holds.',
  },
};

/** The page's text, else the common dictionary's. */
export function ft(key, vars) {
  const table = MESSAGES[locale.value] || MESSAGES['zh-CN'];
  let text = table[key] ?? MESSAGES['zh-CN'][key];
  if (text === undefined) return t(key, vars);
  if (vars) text = text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
  return text;
}

export const ALARM_TYPES = [
  'unregistered_vehicle',
  'no_valid_permit',
  'off_corridor',
  'outside_hours',
  'unloading_outside_disposal',
  'site_without_permit',
  'terminal_offline',
  'uncovered_while_loaded',
  'overspeed',
];

export const fleetApi = {
  get: (path, params, opts) => api.get('/fleet' + path, params, opts),
  post: (path, body) => request('POST', '/fleet' + path, { body: body ?? {} }),
  put: (path, body) => request('PUT', '/fleet' + path, { body }),
  del: (path) => request('DELETE', '/fleet' + path),
};

// Every page of a paged list (the office has hundreds of vehicles).
async function all(path) {
  const out = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await fleetApi.get(path, { limit: 1000, offset });
    const items = (page && page.items) || [];
    out.push(...items);
    if (items.length < 1000 || out.length >= (page.total || 0)) return out;
  }
}

let cache = null;
/** {companies, vehicles, permits, companyName(id), plate(id), permitCode(id), byPhone(phone)} */
export function lookups(refresh = false) {
  if (!cache || refresh) {
    cache = Promise.all([all('/companies'), all('/vehicles'), all('/permits')]).then(([companies, vehicles, permits]) => {
      const c = new Map(companies.map((x) => [x.id, x]));
      const v = new Map(vehicles.map((x) => [x.id, x]));
      const p = new Map(permits.map((x) => [x.id, x]));
      const phones = new Map(vehicles.map((x) => [x.terminal_phone, x]));
      return {
        companies,
        vehicles,
        permits,
        companyName: (id) => (c.get(id) || {}).name || (id ? '#' + id : '—'),
        plate: (id) => (v.get(id) || {}).plate || (id ? '#' + id : '—'),
        permitCode: (id) => (p.get(id) || {}).code || (id ? '#' + id : '—'),
        byPhone: (phone) => phones.get(phone) || null,
      };
    });
    cache.catch(() => {
      cache = null;
    });
  }
  return cache;
}

const HOUR_MS = 3600 * 1000;
/** "2026-11-20T22:00" (China time) for a datetime-local input. */
export function chinaInput(ms) {
  return new Date(ms + 8 * HOUR_MS).toISOString().slice(0, 16);
}
/** A datetime-local / date input value (China time) as ISO 8601 +08:00; '' stays ''. */
export function chinaIso(value) {
  if (!value) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value + 'T00:00:00+08:00';
  return (value.length === 16 ? value + ':00' : value) + '+08:00';
}
/** The China calendar date of an ISO time, for a date input. */
export function chinaDate(iso) {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '' : new Date(ms + 8 * HOUR_MS).toISOString().slice(0, 10);
}
