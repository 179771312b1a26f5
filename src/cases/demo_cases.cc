// Every demo case is driven through the real rules (cases/rules.h): the
// generator only chooses when each step happens and what the actors enter,
// so the stored states, deadlines and timelines are the ones the product
// itself would have produced.
#include "cases/demo_cases.h"

#include <algorithm>
#include <chrono>
#include <map>

#include "cases/case_store.h"
#include "common/crypto.h"
#include "common/time.h"
#include "demo/names.h"
#include "demo/random.h"

namespace sl::cases {

namespace {

using auth::Role;

struct Category {
  const char* name;
  const char* cause;
  const char* basis;
  double weight;
  double organisation;  // share of organisations among the parties
  int64_t min_yuan, max_yuan;
};

// City-appearance offences, weighted roughly as a county's caseload runs.
const Category kCategories[] = {
    {"店外经营", "沿街经营者超出门窗进行店外经营", "《浙江省城市市容和环境卫生管理条例》第十七条", 0.22, 0.45, 50, 500},
    {"占道经营", "擅自占用人行道摆摊经营", "《浙江省城市市容和环境卫生管理条例》第十六条", 0.18, 0.05, 50, 1000},
    {"户外广告", "擅自设置户外广告设施、招牌", "《浙江省城市市容和环境卫生管理条例》第十八条", 0.11, 0.8, 500, 10000},
    {"乱堆物料", "在街道两侧和公共场地堆放物料", "《浙江省城市市容和环境卫生管理条例》第十二条", 0.08, 0.4, 100, 2000},
    {"乱张贴", "在建筑物、电杆等处张贴、涂写、刻画", "《浙江省城市市容和环境卫生管理条例》第二十条", 0.07, 0.3, 50, 500},
    {"运输撒漏", "运输散装货物、垃圾未密闭致使沿途撒漏", "《浙江省城市市容和环境卫生管理条例》第二十二条", 0.09, 0.9, 1000, 20000},
    {"建筑垃圾", "施工单位未按规定清运、处置建筑垃圾", "《浙江省城市市容和环境卫生管理条例》第二十八条", 0.08, 1.0, 5000, 50000},
    {"工地围挡", "施工现场未设置硬质密闭围挡", "《浙江省城市市容和环境卫生管理条例》第二十九条", 0.05, 1.0, 2000, 20000},
    {"门前责任区", "未履行环境卫生责任区责任", "《浙江省城市市容和环境卫生管理条例》第二十三条", 0.06, 0.7, 100, 1000},
    {"乱倒垃圾", "乱倒生活垃圾、污水", "《浙江省城市市容和环境卫生管理条例》第三十二条", 0.04, 0.2, 50, 500},
    {"饲养家禽", "在城市建成区内饲养家禽家畜", "《浙江省城市市容和环境卫生管理条例》第三十三条", 0.02, 0.0, 50, 500},
};

struct Officer {
  int64_t id;
  std::string name;
  int64_t town_id;
};
struct Subject {
  int64_t id;
  std::string name, address, credit_code, phone;
};

// A time between 09:00 and 17:00 of a working day, not before `ms`.
int64_t WorkingTime(demo::Random& rng, const WorkingCalendar& cal, int64_t ms) {
  int64_t day = ChinaCivilDay(ms);
  for (;;) {
    while (!cal.IsWorkingDay(day)) ++day;
    const int64_t lo = std::max<int64_t>(ms, ChinaDayStartMs(day) + 9 * 3600'000LL);
    const int64_t hi = ChinaDayStartMs(day) + 17 * 3600'000LL;
    if (lo <= hi) return lo + rng.Int(0, (hi - lo) / 1000) * 1000;
    ++day;
  }
}

struct Planned {
  CaseRecord record;
  std::vector<StepRecord> steps;
};

// Runs the steps of one case until `now` or until a step is refused.
class Driver {
 public:
  Driver(Planned& p, int64_t now, const WorkingCalendar& cal, std::map<int, int>& decision_seq, demo::Random& rng)
      : p_(p), now_(now), cal_(cal), seq_(decision_seq), rng_(rng) {}

  // Takes `action` at `at` (moved to working hours); a step refused because
  // a window is still open is retried a few days later. False when the step
  // lies in the future or is refused for good: the case stops there.
  bool Take(const char* action, int64_t at, const Actor& actor, StepInput in = {}) {
    for (int attempt = 0; attempt < 6; ++attempt) {
      const int64_t t = std::max<int64_t>(WorkingTime(rng_, cal_, at), last_ + 60'000);
      if (t > now_) return false;
      CaseRecord copy = p_.record;
      auto out = Apply(copy, action, in, actor, t, cal_);
      if (out.ok()) {
        if (out->needs_decision_number) {
          const int year = ChinaYear(t);
          char tail[32];
          std::snprintf(tail, sizeof tail, "%05d号", ++seq_[year]);
          copy.decision_no = "桐综执罚决字〔" + std::to_string(year) + "〕第" + tail;
          copy.verify_code = HexEncode(std::string(reinterpret_cast<const char*>(&code_bits_), 5));
        }
        p_.record = std::move(copy);
        p_.steps.push_back({0, t, action, out->from_state, out->to_state, 0, actor.name,
                            std::string(auth::RoleName(actor.role)), out->note.empty() ? in.note : out->note});
        last_ = t;
        return true;
      }
      if (out.error().code != ErrorCode::kConflict) return false;
      at = t + 3 * kDayMs;
    }
    return false;
  }
  int64_t last() const { return last_; }
  void set_last(int64_t t) { last_ = t; }
  void set_code_bits(uint64_t bits) { code_bits_ = bits; }

 private:
  Planned& p_;
  int64_t now_;
  const WorkingCalendar& cal_;
  std::map<int, int>& seq_;
  demo::Random& rng_;
  int64_t last_ = 0;
  uint64_t code_bits_ = 0;
};

StepInput Note(std::string note) {
  StepInput in;
  in.note = std::move(note);
  return in;
}

}  // namespace

Result<DemoCasesReport> LoadDemoCases(store::Database& db, const DemoCasesOptions& options, int64_t now_ms,
                                      const WorkingCalendar& cal) {
  const auto started = std::chrono::steady_clock::now();
  // Everything is generated up to the start of today (China time), so two
  // runs on the same day give the same rows whatever the hour.
  now_ms = ChinaDayStartMs(ChinaCivilDay(now_ms));
  if (options.cases < 0 || options.cases > 200000)
    return Error::BadRequest("cases must be between 0 and 200000", "cases");
  auto lease = db.Acquire();
  SL_ASSIGN_OR_RETURN(auto existing, lease->QueryOne("SELECT COUNT(*) AS n FROM cases"));
  if (existing->i64("n") > 0) return Error::Conflict("the store already holds penalty cases");
  SL_ASSIGN_OR_RETURN(auto town_rows, lease->Query("SELECT id FROM towns ORDER BY id"));
  SL_ASSIGN_OR_RETURN(auto officer_rows,
                      lease->Query("SELECT s.id, s.name, COALESCE(s.town_id, 0) AS town_id, s.legal_qualified, "
                                   "d.kind FROM staff s JOIN departments d ON d.id = s.department_id WHERE s.kind = "
                                   "'officer' AND s.status = 'active' AND s.badge <> '' ORDER BY s.id"));
  if (town_rows.empty() || officer_rows.size() < 4)
    return Error::Conflict("the demo cases need the demo city's towns and officers first");
  std::vector<int64_t> towns;
  for (const auto& r : town_rows) towns.push_back(r.i64("id"));
  std::vector<Officer> all, legal;
  std::map<int64_t, std::vector<Officer>> squad;  // field officers by town
  for (const auto& r : officer_rows) {
    Officer o{r.i64("id"), r.str("name"), r.i64("town_id")};
    all.push_back(o);
    if (r.i64("legal_qualified") && r.str("kind") == "legal") legal.push_back(o);
    if (r.str("kind") == "squad" && o.town_id) squad[o.town_id].push_back(o);
  }
  if (legal.empty())
    for (const auto& r : officer_rows)
      if (r.i64("legal_qualified")) legal.push_back({r.i64("id"), r.str("name"), r.i64("town_id")});
  if (legal.empty()) legal.push_back(all.back());
  std::map<int64_t, std::vector<Subject>> subjects;  // by town
  SL_ASSIGN_OR_RETURN(auto subject_rows, lease->Query("SELECT id, name, address, credit_code, contact_phone, town_id "
                                                      "FROM subjects ORDER BY id"));
  for (const auto& r : subject_rows)
    subjects[r.i64("town_id")].push_back(
        {r.i64("id"), r.str("name"), r.str("address"), r.str("credit_code"), r.str("contact_phone")});

  demo::Random rng(options.seed * 0x9E3779B97F4A7C15ULL + 0xCA5E5);
  const int64_t start = ChinaDayStartMs(DaysFromCivil(2022, 1, 1));
  const int64_t span_end = now_ms - 3600'000;
  std::vector<int64_t> opened;
  for (int i = 0; i < options.cases; ++i) opened.push_back(start + rng.Int(0, std::max<int64_t>(1, span_end - start)));
  std::sort(opened.begin(), opened.end());

  std::vector<double> weights;
  for (const Category& c : kCategories) weights.push_back(c.weight);
  const Actor leader{0, "局长 沈国平", Role::kLeader, 0, false, false};
  std::map<int, int> decision_seq, general_seq, summary_seq;
  std::vector<Planned> planned;
  planned.reserve(opened.size());
  DemoCasesReport report;

  // Exactly the asked share of general-procedure cases, spread at random.
  std::vector<char> is_general(opened.size(), 0);
  const auto general_count = static_cast<size_t>(static_cast<double>(opened.size()) * options.general_share + 0.5);
  for (size_t i = 0; i < general_count && i < is_general.size(); ++i) is_general[i] = 1;
  rng.Shuffle(is_general);
  size_t index = 0;
  for (int64_t t0 : opened) {
    Planned p;
    CaseRecord& r = p.record;
    const bool general = is_general[index++] != 0;
    const Category& cat = kCategories[rng.Weighted(weights)];
    const int64_t town = towns[static_cast<size_t>(rng.Int(0, static_cast<int64_t>(towns.size()) - 1))];
    const std::vector<Officer>& pool = squad.count(town) && squad[town].size() >= 2 ? squad[town] : all;
    const Officer& o1 = pool[static_cast<size_t>(rng.Int(0, static_cast<int64_t>(pool.size()) - 1))];
    const Officer* o2 = &o1;
    while (o2->id == o1.id) o2 = &pool[static_cast<size_t>(rng.Int(0, static_cast<int64_t>(pool.size()) - 1))];
    r.town_id = town;
    r.category = cat.name;
    r.cause = cat.cause;
    r.legal_basis = cat.basis;
    const bool organisation = rng.Chance(general ? cat.organisation : cat.organisation * 0.5);
    auto& town_subjects = subjects[town];
    if (organisation && !town_subjects.empty()) {
      const Subject& s = town_subjects[static_cast<size_t>(rng.Int(0, static_cast<int64_t>(town_subjects.size()) - 1))];
      r.party_kind = "organisation";
      r.party_name = s.name;
      r.party_address = s.address;
      r.party_id_no = s.credit_code;
      r.party_phone = s.phone;
      r.subject_id = s.id;
    } else {
      r.party_kind = "citizen";
      r.party_name = demo::PersonName(rng, rng.Chance(0.7));
      r.party_id_no = "330483" + rng.Digits(12);
      r.party_phone = demo::MobilePhone(rng);
      r.party_address = "桐乡市";
    }
    const Actor officer{0, o1.name, Role::kOfficer, o1.id, true, false};
    const Actor auxiliary{0, "协管员", Role::kAuxiliary, 0, false, false};
    StaffFacts f1{o1.id, true, true}, f2{o2->id, true, true};
    std::map<int, int>& seq = general ? general_seq : summary_seq;
    char tail[32];
    std::snprintf(tail, sizeof tail, "%05d号", ++seq[ChinaYear(t0)]);
    r.number = std::string(general ? "桐综执立〔" : "桐综执简〔") + std::to_string(ChinaYear(t0)) + "〕第" + tail;
    Driver drive(p, now_ms, cal, decision_seq, rng);
    drive.set_code_bits(rng.Next());
    const int64_t age_days = (now_ms - t0) / kDayMs;

    if (!general) {
      // On the spot (APL Art. 51): a warning, or a small fine.
      const int64_t limit = r.party_kind == "organisation" ? kSummaryOrganisationMaxFen : kSummaryCitizenMaxFen;
      r.penalty = rng.Chance(0.35) ? "warning" : "fine";
      r.fine_fen = r.penalty == "fine" ? std::min(limit, rng.Int(1, 20) * 1000) : 0;
      const bool cash = r.penalty == "fine" && r.fine_fen <= kOnSpotCashMaxFen && rng.Chance(0.4);
      if (!DecideSummary(r, officer, f1, f2.id ? f2 : StaffFacts{}, cash, t0, cal).ok()) continue;
      const int year = ChinaYear(t0);
      std::snprintf(tail, sizeof tail, "%05d号", ++decision_seq[year]);
      r.decision_no = "桐综执罚决字〔" + std::to_string(year) + "〕第" + tail;
      const uint64_t bits = rng.Next();
      r.verify_code = HexEncode(std::string(reinterpret_cast<const char*>(&bits), 5));
      p.steps.push_back({0, t0, "decide_on_spot", "", r.state, 0, officer.name, "officer",
                         "当场作出行政处罚决定（APL Art. 51）"});
      drive.set_last(t0);
      const bool unpaid = r.state == "served" && age_days > 20 && rng.Chance(0.01);
      if (r.state == "served" && !unpaid) {
        StepInput pay;
        const int64_t at = t0 + rng.Int(1, 12) * kDayMs;
        pay.amount_fen = r.fine_fen + LateSurchargeFen(r.fine_fen, r.FindDeadline("payment")->due_ms,
                                                       WorkingTime(rng, cal, at));
        drive.Take("pay", at, officer, pay);
      }
      if (r.state == "executed" && drive.Take("close", drive.last() + rng.Int(1, 10) * kDayMs, leader))
        drive.Take("archive", drive.last() + rng.Int(3, 30) * kDayMs, officer);
    } else {
      r.procedure = "general";
      r.state = "filing";
      r.officer1_id = o1.id;
      r.officer2_id = o2->id;
      r.created_at = r.updated_at = t0;
      r.source_event_id = 0;
      p.steps.push_back({0, t0, "create", "", "filing", 0, officer.name, "officer", "立案申请"});
      drive.set_last(t0);
      const double path = rng.Unit();
      // A stuck share makes overdue work for the deadline views: a case left
      // in investigation past its 90 days, or a fine left unpaid.
      const bool stuck_investigating = age_days > 95 && age_days < 500 && rng.Chance(0.012);
      const bool stuck_unpaid = age_days > 60 && age_days < 500 && rng.Chance(0.012);
      if (path < 0.01) {
        drive.Take("reject_filing", t0 + kDayMs, leader, Note("不符合立案条件"));
      } else if (drive.Take("approve_filing", t0 + rng.Int(0, 2) * kDayMs, leader, Note("同意立案"))) {
        if (rng.Chance(0.06)) {
          StepInput ev;
          ev.approver = leader.name;
          ev.note = "先行登记保存经营工具";
          if (drive.Take("register_evidence", drive.last() + rng.Int(0, 3) * kDayMs, officer, ev))
            drive.Take("decide_evidence", drive.last() + rng.Int(2, 6) * kDayMs, officer, Note("解除登记保存，予以退还"));
        }
        if (stuck_investigating) {
          // no further step
        } else if (path < 0.04) {
          StepInput order;
          order.deadline_ms = ChinaDayEndMs(ChinaCivilDay(drive.last()) + rng.Int(3, 10));
          if (drive.Take("order_correction", drive.last() + kDayMs, officer, order)) {
            StepInput result;
            result.corrected = true;
            drive.Take("correction_result", order.deadline_ms - 12 * 3600'000LL, officer, result);
          }
        } else if (path < 0.055) {
          if (drive.Take("propose_transfer", drive.last() + rng.Int(5, 20) * kDayMs, officer,
                         Note("涉嫌非法经营，达到刑事立案标准")) &&
              drive.Take("approve_transfer", drive.last() + kDayMs, leader) &&
              drive.Take("hand_over", drive.last() + 3600'000LL * 2, officer, Note("已移送桐乡市公安局")))
            drive.Take("archive", drive.last() + rng.Int(3, 20) * kDayMs, officer);
        } else {
          // A penalty: fine (mostly) or warning; large fines are major cases.
          StepInput proposal;
          proposal.penalty = rng.Chance(0.05) ? "warning" : "fine";
          const int64_t yuan = cat.min_yuan + rng.Int(0, (cat.max_yuan - cat.min_yuan) / 50) * 50;
          if (proposal.penalty == "fine") proposal.fine_fen = yuan * 100;
          proposal.facts = std::string(cat.cause) + "，经现场检查、询问笔录及照片证据证实";
          r.major = proposal.penalty == "fine" && yuan >= 20000;
          const int64_t investigated = drive.last() + rng.Int(8, 45) * kDayMs;
          bool ok;
          if (r.major || rng.Chance(0.2)) {
            const Officer& rv = legal[static_cast<size_t>(rng.Int(0, static_cast<int64_t>(legal.size()) - 1))];
            const Actor reviewer{0, rv.name, Role::kLegalReviewer, rv.id, true, true};
            StepInput verdict;
            verdict.approved = true;
            verdict.note = "事实清楚，证据确凿，适用依据正确，程序合法";
            ok = drive.Take("submit_review", investigated, officer, proposal) &&
                 drive.Take("complete_review", drive.last() + rng.Int(1, 4) * kDayMs, reviewer, verdict) &&
                 drive.Take("notify", drive.last() + kDayMs, officer);
          } else {
            ok = drive.Take("notify", investigated, officer, proposal);
          }
          if (ok) {
            // Only a penalty APL Art. 63 lists opens a hearing.
            const bool hearing = r.major && rng.Chance(0.3) &&
                                 !HearingRight(proposal.penalty, proposal.fine_fen.value_or(0), r.party_kind, {}).empty();
            if (hearing) {
              const Officer* chair = &all[static_cast<size_t>(rng.Int(0, static_cast<int64_t>(all.size()) - 1))];
              while (r.IsOfficer(chair->id)) chair = &all[static_cast<size_t>(rng.Int(0, static_cast<int64_t>(all.size()) - 1))];
              StepInput schedule;
              schedule.chair = {chair->id, true, true};
              if (drive.Take("request_hearing", drive.last() + kDayMs, auxiliary, Note("当事人书面申请听证"))) {
                schedule.hearing_at_ms = WorkingTime(rng, cal, drive.last() + 21 * kDayMs);
                if (drive.Take("schedule_hearing", drive.last() + kDayMs, officer, schedule))
                  ok = drive.Take("record_hearing", schedule.hearing_at_ms, officer, Note("听证笔录经当事人核对签字"));
                else
                  ok = false;
              } else {
                ok = false;
              }
            } else if (rng.Chance(0.4)) {
              drive.Take("waive_rights", drive.last() + rng.Int(0, 2) * kDayMs, auxiliary,
                         Note("当事人书面放弃陈述、申辩和听证"));
            }
            const int64_t decide_at = drive.last() + (hearing ? rng.Int(3, 10) : rng.Int(8, 16)) * kDayMs;
            if (ok && r.major) ok = drive.Take("collective_decision", decide_at - kDayMs, leader, Note("局务会集体讨论通过"));
            StepInput decision;
            if (proposal.penalty == "fine" && rng.Chance(0.1)) decision.fine_fen = *proposal.fine_fen * 8 / 10 / 100 * 100;
            if (decision.fine_fen) decision.penalty = "fine";
            if (ok && drive.Take("decide", decide_at, leader, decision)) {
              StepInput serve;
              serve.method = rng.Chance(0.7) ? "direct" : "post";
              if (drive.Take("serve", drive.last() + rng.Int(0, 4) * kDayMs, rng.Chance(0.3) ? auxiliary : officer,
                             serve) &&
                  !stuck_unpaid) {
                if (r.state == "served") {
                  const bool late = rng.Chance(0.04);
                  const int64_t at = WorkingTime(rng, cal, drive.last() + (late ? rng.Int(17, 30) : rng.Int(1, 13)) * kDayMs);
                  if (rng.Chance(0.03)) {
                    StepInput defer;
                    defer.deadline_ms = r.FindDeadline("payment")->due_ms + 60 * kDayMs;
                    defer.instalments = 3;
                    defer.note = "经济困难，申请分期缴纳";
                    drive.Take("defer_payment", drive.last() + 5 * kDayMs, leader, defer);
                  }
                  StepInput pay;
                  const Deadline* due = r.FindDeadline("payment");
                  pay.amount_fen = r.fine_fen + (due ? LateSurchargeFen(r.fine_fen, due->due_ms, at) : 0);
                  drive.Take("pay", at, officer, pay);
                }
                if (r.state == "executed" && drive.Take("close", drive.last() + rng.Int(1, 10) * kDayMs, leader))
                  drive.Take("archive", drive.last() + rng.Int(3, 30) * kDayMs, officer);
              }
            }
          }
        }
      }
      if (r.state == "not_filed" || r.state == "closed")
        if (drive.last() + 5 * kDayMs < now_ms) drive.Take("archive", drive.last() + rng.Int(3, 20) * kDayMs, officer);
    }
    // The history's alerts went out when they fell due: a fresh demo does not
    // flood the bus (and the screens' ticker) with years of past reminders.
    for (Deadline& d : r.deadlines)
      if (d.closed_at == 0 && !IsPartyWindow(d.kind)) d.alerted = d.due_ms < now_ms ? 2 : d.due_ms <= now_ms + 2 * kDayMs ? 1 : 0;
    ++report.cases;
    if (general) ++report.general;
    if (!IsTerminal(r.state) && r.state != "archived") ++report.open;
    if (r.NextDue() && r.NextDue() < now_ms) ++report.overdue;
    report.steps += static_cast<int>(p.steps.size());
    planned.push_back(std::move(p));
  }

  // Write: cases in one batch, then their ids by number for steps and deadlines.
  SL_TRY(lease->Begin());
  auto fail = [&](Error e) -> Result<DemoCasesReport> {
    (void)lease->Rollback();
    return e;
  };
  {
    std::vector<CaseRecord> records;
    records.reserve(planned.size());
    for (const Planned& p : planned) records.push_back(p.record);
    Status s = InsertCases(*lease, records);
    if (!s.ok()) return fail(std::move(s).error());
  }
  auto ids = lease->Query("SELECT id, number FROM cases");
  if (!ids.ok()) return fail(std::move(ids).error());
  std::map<std::string, int64_t> by_number;
  for (const auto& row : *ids) by_number[row.str("number")] = row.i64("id");
  std::vector<store::Params> steps, deadlines;
  for (const Planned& p : planned) {
    const int64_t id = by_number[p.record.number];
    for (const StepRecord& s : p.steps)
      steps.push_back({id, s.at, s.action, s.from_state, s.to_state, store::Value(), s.actor, s.role, s.note});
    for (const Deadline& d : p.record.deadlines)
      deadlines.push_back({id, d.kind, d.due_ms, d.article, d.started_at, d.closed_at, int64_t{d.alerted}});
  }
  if (auto s = lease->ExecuteBatch("INSERT INTO case_steps (case_id, at, action, from_state, to_state, actor_id, "
                                   "actor, role, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                   steps);
      !s.ok())
    return fail(std::move(s).error());
  if (auto s = lease->ExecuteBatch("INSERT INTO case_deadlines (case_id, kind, due_ms, article, started_at, closed_at, "
                                   "alerted) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                   deadlines);
      !s.ok())
    return fail(std::move(s).error());
  SL_TRY(lease->Commit());
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace sl::cases
