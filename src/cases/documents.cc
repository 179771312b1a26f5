#include "cases/documents.h"

#include <qrencode.h>

#include <cctype>
#include <cstdio>

#include "common/time.h"

namespace sl::cases {

namespace {

const char* kStyle = R"CSS(
<style>
@page { size: A4; margin: 20mm 18mm; }
body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", serif; color: #000; background: #eef1f5; margin: 0; }
.sheet { width: 174mm; min-height: 257mm; margin: 12px auto; padding: 20mm 18mm; background: #fff;
         box-shadow: 0 1px 6px rgba(0,0,0,.2); box-sizing: content-box; position: relative; }
h1 { text-align: center; font-size: 22pt; letter-spacing: 2px; margin: 0 0 4px; }
h2 { text-align: center; font-size: 18pt; letter-spacing: 6px; margin: 0 0 10px; }
.no { text-align: right; font-size: 11pt; margin-bottom: 14px; }
p { font-size: 12.5pt; line-height: 1.9; text-indent: 2em; margin: 6px 0; }
p.flat { text-indent: 0; }
table { width: 100%; border-collapse: collapse; font-size: 11.5pt; }
td.hash { font-family: monospace; font-size: 8pt; word-break: break-all; width: 50%; }
table.evidence th { width: auto; }
td, th { border: 1px solid #000; padding: 6px 8px; vertical-align: top; }
th { width: 22%; font-weight: normal; text-align: center; }
.sign { margin-top: 36px; text-align: right; font-size: 12.5pt; line-height: 2; }
.qr { position: absolute; right: 18mm; bottom: 20mm; text-align: center; font-size: 9pt; }
.qr svg { display: block; width: 30mm; height: 30mm; }
.print { position: fixed; top: 10px; right: 10px; }
@media print { body { background: #fff; } .sheet { margin: 0; box-shadow: none; padding: 0; } .print { display: none; } }
</style>
)CSS";

std::string Page(const std::string& title, const std::string& body) {
  return "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" + Html(title) + "</title>" +
         kStyle + "</head><body><button class=\"print\" onclick=\"window.print()\">打印</button><div class=\"sheet\">" +
         body + "</div></body></html>";
}

std::string PartyLine(const CaseRecord& r) {
  std::string out = "<p class=\"flat\">当事人：" + Html(r.party_name) + "</p>";
  out += std::string("<p class=\"flat\">") + (r.party_kind == "organisation" ? "统一社会信用代码：" : "身份证件号码：") +
         Html(r.party_id_no) + "</p>";
  out += "<p class=\"flat\">住所（地址）：" + Html(r.party_address) + "</p>";
  return out;
}

std::string PenaltyText(const CaseRecord& r, int64_t fine_fen) {
  if (r.penalty == "warning") return "警告";
  if (r.penalty == "confiscation") return "没收违法所得、非法财物（价值人民币" + Yuan(fine_fen) + "元）";
  if (r.penalty == "downgrade") return "降低资质等级";
  if (r.penalty == "revocation") return "吊销许可证件";
  if (r.penalty == "suspension") return "责令停产停业";
  if (r.penalty == "closure") return "责令关闭";
  if (r.penalty == "restriction") return "限制从业";
  return "罚款人民币" + Yuan(fine_fen) + "元";
}

std::string Remedies() {
  return "<p>如不服本决定，可以在收到本决定书之日起六十日内向桐乡市人民政府申请行政复议，或者在六个月内依法向人民法院"
         "提起行政诉讼。行政复议和行政诉讼期间，本决定不停止执行（《中华人民共和国行政处罚法》第七十三条）。</p>";
}

}  // namespace

std::string Html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Yuan(int64_t fen) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%lld.%02lld", fen < 0 ? "-" : "", static_cast<long long>((fen < 0 ? -fen : fen) / 100),
                static_cast<long long>((fen < 0 ? -fen : fen) % 100));
  return buf;
}

std::string ChineseDate(int64_t epoch_ms) {
  if (epoch_ms <= 0) return "    年  月  日";
  int year;
  unsigned month, day;
  CivilFromDays(ChinaCivilDay(epoch_ms), year, month, day);
  return std::to_string(year) + "年" + std::to_string(month) + "月" + std::to_string(day) + "日";
}

namespace {
std::string UrlEncode(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}
}  // namespace

std::string DecisionVerifyUrl(std::string_view public_url, std::string_view host, std::string_view forwarded_proto,
                              std::string_view decision_no, std::string_view verify_code) {
  std::string base(public_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (base.empty()) {
    base = std::string(forwarded_proto == "https" ? "https" : "http") + "://" +
           (host.empty() ? std::string("localhost") : std::string(host));
  }
  return base + "/verify/decision?no=" + UrlEncode(decision_no) + "&code=" + UrlEncode(verify_code);
}

Result<std::string> QrSvg(const std::string& text, int module_px) {
  QRcode* code = QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M);
  if (!code) return Error::Internal("cannot encode the QR code");
  const int n = code->width, quiet = 4, size = (n + 2 * quiet) * module_px;
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(size) + " " +
                    std::to_string(size) + "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" "
                    "fill=\"#fff\"/><path fill=\"#000\" d=\"";
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x)
      if (code->data[y * n + x] & 1)
        out += "M" + std::to_string((x + quiet) * module_px) + " " + std::to_string((y + quiet) * module_px) + "h" +
               std::to_string(module_px) + "v" + std::to_string(module_px) + "h-" + std::to_string(module_px) + "z";
  QRcode_free(code);
  return out + "\"/></svg>";
}

std::vector<std::string> AvailableDocuments(const CaseRecord& r) {
  std::vector<std::string> out;
  if (r.procedure == "general" && r.filed_at) out.push_back("filing_approval");
  if (r.procedure == "general" && r.notified_at) out.push_back("prior_notice");
  if (r.decided_at && !r.decision_no.empty()) {
    out.push_back("decision");
    out.push_back("service_receipt");
  }
  return out;
}

// The decision's list of field evidence: each item with its SHA-256 and log
// index, so a reader can check it against the verification bundle.
std::string EvidenceList(const DocumentContext& c) {
  if (c.evidence.empty()) return "";
  static const std::pair<const char*, const char*> kModes[] = {
      {"photo", "照片"}, {"video", "视频"}, {"audio", "录音"}, {"scan", "书证扫描件"}, {"record", "笔录"},
      {"signature", "电子签名"}, {"track", "位置轨迹"}, {"bodycam", "执法记录仪视频"}};
  std::string rows;
  for (const auto& e : c.evidence) {
    std::string mode = e.mode;
    for (const auto& [k, zh] : kModes)
      if (mode == k) mode = zh;
    rows += "<tr><td>" + std::to_string(e.id) + "</td><td>" + Html(mode) + "</td><td>" + ChineseDate(e.captured_at) +
            "</td><td class=\"hash\">" + Html(e.sha256) + "</td><td>" + std::to_string(e.ledger_index) + "</td></tr>";
  }
  return "<p>证据：</p><table class=\"evidence\" data-testid=\"decision-evidence\"><tr><th>编号</th><th>类型</th>"
         "<th>取证日期</th><th>SHA-256</th><th>存证序号</th></tr>" + rows + "</table>";
}

Result<std::string> RenderDocument(std::string_view kind, const CaseRecord& r, const DocumentContext& c) {
  if (kind != "filing_approval" && kind != "prior_notice" && kind != "decision" && kind != "service_receipt")
    return Error::BadRequest("kind must be filing_approval, prior_notice, decision or service_receipt", "kind");
  const std::vector<std::string> available = AvailableDocuments(r);
  if (std::find(available.begin(), available.end(), kind) == available.end()) {
    const char* needs = kind == "filing_approval" ? "filing approval (APL Art. 54)"
                        : kind == "prior_notice"  ? "the prior notice (APL Art. 44)"
                                                  : "the penalty decision (APL Art. 59)";
    return Error::Conflict("case " + r.number + " has not reached " + needs + " yet", "kind");
  }
  const std::string officers = Html(c.officer1) + "（执法证号 " + Html(c.officer1_badge) + "）" +
                               (c.officer2.empty() ? "" : "、" + Html(c.officer2) + "（执法证号 " +
                                                              Html(c.officer2_badge) + "）");
  if (kind == "filing_approval") {
    std::string approval;
    for (const StepRecord& s : c.steps)
      if (s.action == "approve_filing")
        approval = Html(s.actor) + "　" + ChineseDate(s.at) + (s.note.empty() ? "" : "<br>" + Html(s.note));
    std::string body = "<h1>" + std::string(kBureau) + "</h1><h2>立案审批表</h2><div class=\"no\">" + Html(r.number) +
                       "</div><table>"
                       "<tr><th>案由</th><td colspan=\"3\">" + Html(r.cause) + "</td></tr>"
                       "<tr><th>案件来源</th><td colspan=\"3\">" +
                       (r.source_event_id ? "城市管理事件 #" + std::to_string(r.source_event_id) : std::string("巡查发现")) +
                       "</td></tr>"
                       "<tr><th>当事人</th><td>" + Html(r.party_name) + "</td><th>证件号码</th><td>" +
                       Html(r.party_id_no) + "</td></tr>"
                       "<tr><th>地址</th><td colspan=\"3\">" + Html(r.party_address) + "</td></tr>"
                       "<tr><th>所属乡镇（街道）</th><td>" + Html(c.town) + "</td><th>案件类别</th><td>" +
                       Html(r.category) + "</td></tr>"
                       "<tr><th>违反的规定</th><td colspan=\"3\">" + Html(r.legal_basis) + "</td></tr>"
                       "<tr><th>重大案件</th><td colspan=\"3\">" + (r.major ? "是（须法制审核、集体讨论）" : "否") +
                       "</td></tr>"
                       "<tr><th>承办人</th><td colspan=\"3\">" + officers + "</td></tr>"
                       "<tr><th>立案申请日期</th><td colspan=\"3\">" + ChineseDate(r.created_at) + "</td></tr>"
                       "<tr><th>负责人审批意见</th><td colspan=\"3\" style=\"height:30mm\">同意立案。<br>" + approval +
                       "</td></tr>"
                       "<tr><th>立案日期</th><td colspan=\"3\">" + ChineseDate(r.filed_at) + "</td></tr></table>";
    return Page("立案审批表 " + r.number, body);
  }
  if (kind == "prior_notice") {
    std::string body = "<h1>" + std::string(kBureau) + "</h1><h2>行政处罚事先告知书</h2><div class=\"no\">" +
                       Html(r.number) + "</div>" + PartyLine(r) + "<p>经查，" + Html(r.facts.empty() ? r.cause : r.facts) +
                       "。</p><p>你（单位）的上述行为违反了" + Html(r.legal_basis) + "的规定。根据《中华人民共和国行政处罚法》"
                       "第四十四条的规定，本机关拟对你（单位）作出如下行政处罚：" + PenaltyText(r, r.proposed_fine_fen) +
                       "。</p>" +
                       (c.hearing_right.empty()
                            ? std::string("<p>根据《中华人民共和国行政处罚法》第四十五条的规定，你（单位）享有陈述、申辩的权利，"
                                          "可以在收到本告知书之日起五个工作日内提出；逾期视为放弃上述权利。")
                            : std::string("<p>根据《中华人民共和国行政处罚法》第四十五条、第六十三条、第六十四条的规定，你（单位）"
                                          "享有陈述、申辩的权利，并有权要求举行听证。如要求听证，应当在收到本告知书之日起五个"
                                          "工作日内提出；逾期视为放弃上述权利。")) +
                       "本机关不因你（单位）陈述、申辩而给予更重的处罚。</p><div class=\"sign\">" + kBureau + "<br>" +
                       ChineseDate(r.notified_at) + "</div>";
    return Page("行政处罚事先告知书 " + r.number, body);
  }
  if (kind == "decision") {
    std::string payment =
        r.penalty == "fine"
            ? "<p>限你（单位）自收到本决定书之日起十五日内，将罚款缴至指定银行或者通过电子支付系统缴纳。到期不缴纳罚款的，"
              "本机关将依据《中华人民共和国行政处罚法》第七十二条第一款第（一）项的规定，每日按罚款数额的百分之三加处罚款，"
              "加处罚款的数额不超出罚款的数额。</p>"
            : "";
    std::string qr;
    if (!c.verify_url.empty()) {
      SL_ASSIGN_OR_RETURN(std::string svg, QrSvg(c.verify_url, 4));
      qr = "<div class=\"qr\" data-verify-url=\"" + Html(c.verify_url) + "\">" + svg + "扫码核验真伪</div>";
    }
    std::string body = "<h1>" + std::string(kBureau) + "</h1><h2>" +
                       (r.procedure == "summary" ? "当场行政处罚决定书" : "行政处罚决定书") +
                       "</h2><div class=\"no\">" + Html(r.decision_no) + "</div>" + PartyLine(r) + "<p>经查，" +
                       Html(r.facts.empty() ? r.cause : r.facts) + "。</p><p>以上事实违反了" + Html(r.legal_basis) +
                       "的规定。" +
                       (r.procedure == "general"
                            ? std::string("本机关已于") + ChineseDate(r.notified_at) +
                                  "依法告知你（单位）拟作出行政处罚的内容及事实、理由、依据和依法享有的陈述、申辩、要求听证的权利。"
                            : std::string("执法人员已当场出示执法证件，告知了拟作出的行政处罚及陈述、申辩的权利（《中华人民共和国行政处罚法》第五十二条）。")) +
                       "</p><p>本机关决定对你（单位）作出如下行政处罚：" + PenaltyText(r, r.fine_fen) + "。</p>" + payment +
                       EvidenceList(c) + Remedies() + "<p class=\"flat\">执法人员：" + officers + "</p><div class=\"sign\">" + kBureau +
                       "（印章）<br>" + ChineseDate(r.decided_at) + "</div>" + qr;
    return Page("行政处罚决定书 " + r.decision_no, body);
  }
  // service_receipt
  std::string method = "直接送达";
  for (const StepRecord& s : c.steps)
    if (s.action == "serve") {
      if (s.note.find("electronic") != std::string::npos) method = "电子送达（当事人已签署同意书）";
      else if (s.note.find("post") != std::string::npos) method = "邮寄送达";
      else if (s.note.find("public") != std::string::npos) method = "公告送达";
    }
  std::string body = "<h1>" + std::string(kBureau) + "</h1><h2>送达回证</h2><table>"
                     "<tr><th>送达文书名称及文号</th><td colspan=\"3\">行政处罚决定书 " + Html(r.decision_no) + "</td></tr>"
                     "<tr><th>受送达人</th><td colspan=\"3\">" + Html(r.party_name) + "</td></tr>"
                     "<tr><th>送达地点</th><td colspan=\"3\">" + Html(r.party_address) + "</td></tr>"
                     "<tr><th>送达方式</th><td colspan=\"3\">" + method + "</td></tr>"
                     "<tr><th>送达时间</th><td colspan=\"3\">" + ChineseDate(r.served_at) + "</td></tr>"
                     "<tr><th>受送达人签名</th><td style=\"height:22mm\"></td><th>送达人</th><td>" + officers +
                     "</td></tr><tr><th>备注</th><td colspan=\"3\" style=\"height:22mm\">依据《中华人民共和国行政处罚法》"
                     "第六十一条，决定书应在宣告后当场交付；当事人不在场的，在七个工作日内送达。</td></tr></table>";
  return Page("送达回证 " + r.decision_no, body);
}

std::string RenderVerifyPage(const CaseRecord* r, std::string_view number) {
  std::string body;
  if (r) {
    body = "<h1>" + std::string(kBureau) + "</h1><h2>行政处罚决定书核验</h2>"
           "<p class=\"flat\" data-testid=\"verify-result\" style=\"color:#0a7d32;font-size:16pt;text-indent:0\">"
           "✔ 本决定书真实有效 · genuine</p><table>"
           "<tr><th>决定书文号</th><td data-testid=\"verify-number\">" + Html(r->decision_no) + "</td></tr>"
           "<tr><th>当事人</th><td>" + Html(MaskPartyName(r->party_name, r->party_kind)) + "</td></tr>"
           "<tr><th>处罚内容</th><td>" + PenaltyText(*r, r->fine_fen) + "</td></tr>"
           "<tr><th>决定日期</th><td>" + ChineseDate(r->decided_at) + "</td></tr>"
           "<tr><th>作出机关</th><td>" + kBureau + "</td></tr></table>";
  } else {
    body = "<h1>" + std::string(kBureau) + "</h1><h2>行政处罚决定书核验</h2>"
           "<p class=\"flat\" data-testid=\"verify-result\" style=\"color:#b00020;font-size:16pt;text-indent:0\">"
           "✘ 未找到该决定书 · not found</p><p class=\"flat\">查询的文号：" + Html(number) +
           "</p><p>文号或核验码与本机关作出的任何决定书都不相符。该文书可能是伪造或被篡改的，请向" + kBureau +
           "（电话 12345）核实。</p>";
  }
  return "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
         "content=\"width=device-width, initial-scale=1\"><title>决定书核验</title>" +
         std::string(kStyle) + "<style>.sheet{min-height:auto;width:auto;max-width:174mm}</style></head><body><div "
         "class=\"sheet\">" + body + "</div></body></html>";
}

}  // namespace sl::cases
