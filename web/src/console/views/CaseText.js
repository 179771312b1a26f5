// Labels of the penalty-case views (states, procedures, deadlines, actions and
// the fields each action asks for), in the console's two languages.
import { isZh } from '../../common/i18n.js';

const STATES = {
  filing: ['立案审批', 'Awaiting filing approval'],
  not_filed: ['不予立案', 'Not filed'],
  investigating: ['调查取证', 'Investigating'],
  correcting: ['责令限期改正', 'Order to correct'],
  review: ['法制审核', 'Legal review'],
  reviewed: ['审核通过', 'Review passed'],
  notified: ['已告知', 'Party notified'],
  hearing_requested: ['听证申请', 'Hearing requested'],
  hearing_scheduled: ['听证已通知', 'Hearing scheduled'],
  heard: ['已听证', 'Heard'],
  decided: ['已决定', 'Decided'],
  served: ['已送达', 'Served'],
  executed: ['已执行', 'Executed'],
  closed: ['已结案', 'Closed'],
  archived: ['已归档', 'Archived'],
  transfer_pending: ['移送审批', 'Transfer pending'],
  transferring: ['待移交', 'Being handed over'],
  transferred: ['已移送', 'Transferred'],
};

const DEADLINES = {
  decision: ['作出处罚决定（立案起90日）', 'Decision (90 days from filing)'],
  evidence_decision: ['登记保存处理决定（7个工作日）', 'Decision on registered evidence (7 working days)'],
  correction: ['责令改正期限', 'Correction deadline'],
  hearing_request: ['陈述申辩及听证申请（5个工作日）', 'Statement and hearing request (5 working days)'],
  hearing: ['举行听证', 'Hearing'],
  service: ['送达决定书（7个工作日）', 'Service of the decision (7 working days)'],
  payment: ['缴纳罚款（15日）', 'Payment (15 days)'],
  transfer_approval: ['移送审批（3个工作日）', 'Transfer approval (3 working days)'],
  transfer_handover: ['移交公安（24小时）', 'Hand-over to the police (24 hours)'],
};

const ACTIONS = {
  approve_filing: ['批准立案', 'Approve filing'],
  reject_filing: ['不予立案', 'Refuse filing'],
  register_evidence: ['先行登记保存', 'Register evidence'],
  decide_evidence: ['登记保存处理决定', 'Decide on evidence'],
  order_correction: ['责令限期改正', 'Order to correct'],
  correction_result: ['改正情况复查', 'Correction checked'],
  propose_transfer: ['提请移送', 'Propose transfer'],
  approve_transfer: ['批准移送', 'Approve transfer'],
  reject_transfer: ['不批准移送', 'Refuse transfer'],
  hand_over: ['移送公安机关', 'Hand over to police'],
  submit_review: ['提交法制审核', 'Submit for legal review'],
  complete_review: ['法制审核', 'Legal review'],
  notify: ['告知', 'Prior notice'],
  request_hearing: ['听证申请', 'Hearing requested'],
  waive_rights: ['放弃陈述申辩及听证', 'Rights waived'],
  schedule_hearing: ['听证通知', 'Hearing scheduled'],
  record_hearing: ['听证笔录', 'Hearing record'],
  collective_decision: ['集体讨论', 'Collective decision'],
  decide: ['作出处罚决定', 'Decision'],
  extend: ['延长办案期限', 'Period extended'],
  record_consent: ['电子送达确认', 'E-service consent'],
  serve: ['送达', 'Service'],
  defer_payment: ['延期/分期缴纳', 'Deferral / instalments'],
  pay: ['缴纳罚款', 'Payment'],
  close: ['结案', 'Close'],
  archive: ['归档', 'Archive'],
  recuse: ['回避', 'Recusal'],
  create: ['立案申请', 'Case opened'],
  decide_on_spot: ['当场处罚决定', 'Decided on the spot'],
};

const DOCUMENTS = {
  filing_approval: ['立案审批表', 'Filing approval'],
  prior_notice: ['行政处罚事先告知书', 'Prior notice of penalty'],
  decision: ['行政处罚决定书', 'Penalty decision'],
  service_receipt: ['送达回证', 'Service receipt'],
};

export const CATEGORIES = [
  '店外经营',
  '占道经营',
  '户外广告',
  '乱堆物料',
  '乱张贴',
  '运输撒漏',
  '建筑垃圾',
  '工地围挡',
  '门前责任区',
  '乱倒垃圾',
  '饲养家禽',
];

// The inputs each action asks for: [field, kind, zh, en]. kind: text | area |
// fen | bool | datetime | date | staff | select:<a>,<b> | int.
export const ACTION_FIELDS = {
  approve_filing: [['note', 'text', '审批意见', 'Opinion']],
  reject_filing: [['note', 'area', '不予立案理由', 'Reason']],
  register_evidence: [
    ['approver', 'text', '批准人', 'Approved by'],
    ['note', 'text', '登记保存物品', 'Items'],
  ],
  decide_evidence: [['note', 'text', '处理决定', 'Decision']],
  order_correction: [
    ['deadline', 'date', '改正期限', 'Correct by'],
    ['note', 'text', '改正要求', 'Requirement'],
  ],
  correction_result: [
    ['corrected', 'bool', '已按期改正', 'Corrected in time'],
    ['note', 'text', '复查情况', 'Findings'],
  ],
  propose_transfer: [['note', 'area', '涉嫌犯罪情况', 'Suspected crime']],
  approve_transfer: [['note', 'text', '审批意见', 'Opinion']],
  reject_transfer: [['note', 'area', '不批准理由', 'Reason']],
  hand_over: [['note', 'text', '接收单位', 'Received by']],
  submit_review: [
    ['penalty', 'select:fine,warning,confiscation,downgrade,revocation,suspension,closure,restriction', '拟处罚种类', 'Proposed penalty'],
    ['fine_fen', 'fen', '拟罚款 / 没收价值（元）', 'Proposed fine / confiscated value (yuan)'],
    ['facts', 'area', '违法事实', 'Facts found'],
  ],
  complete_review: [
    ['approved', 'bool', '审核通过', 'Approved'],
    ['note', 'area', '审核意见', 'Opinion'],
  ],
  notify: [
    ['penalty', 'select:fine,warning,confiscation,downgrade,revocation,suspension,closure,restriction', '拟处罚种类', 'Proposed penalty'],
    ['fine_fen', 'fen', '拟罚款 / 没收价值（元）', 'Proposed fine / confiscated value (yuan)'],
    ['facts', 'area', '违法事实', 'Facts found'],
  ],
  waive_rights: [['note', 'text', '当事人书面放弃（存档位置）', "Party's written waiver"]],
  request_hearing: [['note', 'text', '申请情况', 'Request']],
  schedule_hearing: [
    ['hearing_at', 'datetime', '听证时间', 'Hearing at'],
    ['chair_id', 'staff', '听证主持人', 'Chair'],
  ],
  record_hearing: [['note', 'area', '听证笔录摘要', 'Hearing record']],
  collective_decision: [['note', 'area', '集体讨论结论', 'Outcome']],
  decide: [
    ['penalty', 'select:fine,warning,confiscation,downgrade,revocation,suspension,closure,restriction', '处罚种类', 'Penalty'],
    ['fine_fen', 'fen', '罚款 / 没收价值（元）', 'Fine / confiscated value (yuan)'],
    ['note', 'text', '备注', 'Note'],
  ],
  extend: [
    ['days', 'int', '延长天数', 'Days'],
    ['approver', 'text', '批准人', 'Approved by'],
    ['note', 'text', '理由', 'Reason'],
  ],
  record_consent: [['note', 'text', '同意书', 'Consent form']],
  serve: [
    ['method', 'select:direct,electronic,post,public', '送达方式', 'Method'],
    ['note', 'text', '备注', 'Note'],
  ],
  defer_payment: [
    ['deadline', 'date', '缴纳期限', 'Pay by'],
    ['instalments', 'int', '分期数', 'Instalments'],
    ['note', 'text', '理由', 'Reason'],
  ],
  pay: [['amount_fen', 'fen', '缴纳金额（元）', 'Amount (yuan)']],
  close: [['note', 'text', '结案意见', 'Note']],
  archive: [['note', 'text', '归档号', 'Archive reference']],
  recuse: [
    ['staff_out_id', 'staff', '回避人员', 'Officer recused'],
    ['staff_in_id', 'staff', '替换人员', 'Replacement'],
    ['note', 'text', '回避理由', 'Ground'],
  ],
};

const OPTIONS = {
  fine: ['罚款', 'Fine'],
  warning: ['警告', 'Warning'],
  confiscation: ['没收违法所得、非法财物', 'Confiscation'],
  downgrade: ['降低资质等级', 'Qualification downgraded'],
  revocation: ['吊销许可证件', 'Permit revoked'],
  suspension: ['责令停产停业', 'Suspension of business'],
  closure: ['责令关闭', 'Closure'],
  restriction: ['限制从业', 'Restriction of practice'],
  direct: ['直接送达', 'In person'],
  electronic: ['电子送达', 'Electronic'],
  post: ['邮寄送达', 'Post'],
  public: ['公告送达', 'Public notice'],
  general: ['一般程序', 'General procedure'],
  summary: ['简易程序', 'Summary procedure'],
  citizen: ['公民', 'Citizen'],
  organisation: ['法人或其他组织', 'Organisation'],
};

const pick = (pair, code) => (pair ? pair[isZh() ? 0 : 1] : code);
export const stateLabel = (s) => pick(STATES[s], s);
export const deadlineLabel = (k) => pick(DEADLINES[k], k);
export const actionLabel = (k) => pick(ACTIONS[k], k);
export const documentLabel = (k) => pick(DOCUMENTS[k], k);
export const optionLabel = (k) => pick(OPTIONS[k], k);
export const fieldLabel = (f) => f[isZh() ? 2 : 3];
export const stateCodes = Object.keys(STATES);
export const L = (zh, en) => (isZh() ? zh : en);

export function yuan(fen) {
  const n = Number(fen) || 0;
  return (n / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}
