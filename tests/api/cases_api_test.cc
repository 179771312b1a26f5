// Penalty cases over HTTP: a general-procedure case from filing to archive
// with a hearing, every role gate and the legal refusals (409 citing the
// article, 403 for the wrong role), the documents and the public
// verification of the decision; summary-procedure thresholds; list, filters,
// statistics and the xlsx export. The server runs on a manual clock so the
// statutory windows can pass.
#include <set>
#include <thread>

#include "api_test_util.h"
#include "common/time.h"

namespace sl::testing {
namespace {

namespace bj = boost::json;

class CasesApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    clock_ = new ManualClock(*ParseIso8601("2026-09-01T10:00:00+08:00"));
    TestServerOptions options;
    options.clock = clock_;
    options.auth.token_ttl_ms = 400LL * 24 * 3600 * 1000;
    server_ = new TestServer(options);
    auto& db = server_->app().db();
    auto lease = db.Acquire();
    auto staff = [&](const char* badge, const char* name, const char* kind, int legal) {
      auto rows = lease->Query(
          "INSERT INTO staff (badge, name, kind, department_id, town_id, rank, gender, phone, legal_qualified, "
          "hired_on, created_at) VALUES (?, ?, ?, ?, ?, 'r', 'male', '1', ?, '2020-01-01', 0) RETURNING id",
          {std::string(badge), std::string(name), std::string(kind), server_->squad_id, server_->town_id,
           int64_t{legal}});
      return rows->at(0).i64("id");
    };
    officer_a_ = server_->officer_staff_id;
    officer_b_ = staff("33048300002", "李明", "officer", 0);
    chair_ = staff("33048300003", "赵主持", "officer", 0);
    legal_ = staff("33048300004", "钱法制", "officer", 1);
    aux_ = staff("FZ200001", "孙协管", "auxiliary", 0);
    for (auto [user, staff_id] : {std::pair{"officer", officer_a_}, std::pair{"legal_reviewer", legal_},
                                  std::pair{"auxiliary", aux_}})
      EXPECT_TRUE(lease->Execute("UPDATE users SET staff_id = ? WHERE username = ?", {staff_id, std::string(user)}).ok());
    for (const char* user : {"admin", "officer", "legal_reviewer", "auxiliary", "leader"})
      tokens_[user] = server_->Login(user);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete clock_;
  }

  static httplib::Result Post(const std::string& who, const std::string& path, const std::string& body) {
    return server_->Client()->Post(path, Bearer(tokens_[who]), body, "application/json");
  }
  static httplib::Result Get(const std::string& who, const std::string& path) {
    return server_->Client()->Get(path, Bearer(tokens_[who]));
  }
  // Auxiliary staff take their (assisting) steps on /assist; everyone else on /steps.
  static httplib::Result Step(const std::string& who, int64_t id, const std::string& body) {
    return Post(who, "/api/v1/cases/" + std::to_string(id) + (who == "auxiliary" ? "/assist" : "/steps"), body);
  }
  static std::string State(const httplib::Result& r) {
    return std::string(ParseJson(r->body).at("state").as_string());
  }
  static std::string Message(const httplib::Result& r) {
    return std::string(ParseJson(r->body).at("error").at("message").as_string());
  }
  static std::string Iso(int64_t ms) { return FormatIso8601China(ms); }

  std::string NewCaseBody(const std::string& procedure, const std::string& extra = "") {
    return R"({"procedure":")" + procedure +
           R"(","party_kind":"organisation","party_name":"桐乡市梧桐餐饮有限公司","party_id_no":"91330483MA2B000001",)"
           R"("party_address":"梧桐街道庆丰中路1号","category":"占道经营","cause":"店外占道经营",)"
           R"("legal_basis":"《浙江省城市市容和环境卫生管理条例》第十七条","town_id":)" +
           std::to_string(server_->town_id) + R"(,"officer1_id":)" + std::to_string(officer_a_) +
           R"(,"officer2_id":)" + std::to_string(officer_b_) + extra + "}";
  }

  static inline ManualClock* clock_ = nullptr;
  static inline TestServer* server_ = nullptr;
  static inline std::map<std::string, std::string> tokens_;
  static inline int64_t officer_a_ = 0, officer_b_ = 0, chair_ = 0, legal_ = 0, aux_ = 0;
};

TEST_F(CasesApiTest, MajorGeneralCaseFromFilingToArchiveWithHearing) {
  auto created = Post("officer", "/api/v1/cases", NewCaseBody("general", R"(,"major":true,"source_event_id":42)"));
  ASSERT_EQ(created->status, 201) << created->body;
  const int64_t id = ParseJson(created->body).at("id").as_int64();
  EXPECT_EQ(State(created), "filing");

  // Auxiliary staff never decide (ZJ Art. 30); an officer is not the head.
  auto r = Step("auxiliary", id, R"({"action":"approve_filing"})");
  EXPECT_EQ(r->status, 403);
  EXPECT_NE(Message(r).find("Art. 30"), std::string::npos) << r->body;
  EXPECT_EQ(Post("auxiliary", "/api/v1/cases/" + std::to_string(id) + "/steps", R"({"action":"approve_filing"})")->status,
            403);
  EXPECT_EQ(Step("officer", id, R"({"action":"approve_filing"})")->status, 403);
  r = Step("leader", id, R"({"action":"approve_filing","note":"同意立案"})");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(State(r), "investigating");

  // Evidence registration: decided within 7 working days (Art. 56).
  ASSERT_EQ(Step("officer", id, R"({"action":"register_evidence","approver":"王局长","note":"遮阳棚一顶"})")->status,
            200);
  ASSERT_EQ(Step("officer", id, R"({"action":"decide_evidence","note":"解除登记保存，退还"})")->status, 200);

  // A major case cannot skip legal review (Art. 58).
  r = Step("officer", id, R"({"action":"notify","penalty":"fine","fine_fen":12000000,"facts":"占道经营"})");
  EXPECT_EQ(r->status, 409);
  EXPECT_NE(Message(r).find("Art. 58"), std::string::npos) << r->body;
  ASSERT_EQ(Step("officer", id, R"({"action":"submit_review","penalty":"fine","fine_fen":12000000,"facts":"占道经营"})")
                ->status,
            200);
  EXPECT_EQ(Step("officer", id, R"({"action":"complete_review","approved":true})")->status, 403);
  r = Step("legal_reviewer", id, R"({"action":"complete_review","approved":true,"note":"事实清楚"})");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(State(r), "reviewed");
  r = Step("officer", id, R"({"action":"notify"})");
  ASSERT_EQ(r->status, 200) << r->body;
  // 120,000 yuan is a large fine for an organisation: the party may ask for a hearing.
  EXPECT_EQ(ParseJson(r->body).at("hearing_right").as_string(), "APL Art. 63(1)");

  // Deciding inside the 5-working-day window is refused (Arts. 45, 62, 64).
  r = Step("leader", id, R"({"action":"decide"})");
  EXPECT_EQ(r->status, 409);
  EXPECT_NE(Message(r).find("64(1)"), std::string::npos) << r->body;

  // The auxiliary receives the party's hearing request (Art. 30 allows it).
  ASSERT_EQ(Step("auxiliary", id, R"({"action":"request_hearing","note":"当事人书面申请"})")->status, 200);
  const int64_t now = clock_->NowMs();
  r = Step("officer", id, R"({"action":"schedule_hearing","hearing_at":")" + Iso(now + 3 * 86400000LL) +
                              R"(","chair_id":)" + std::to_string(chair_) + "}");
  EXPECT_EQ(r->status, 409);
  EXPECT_NE(Message(r).find("64(2)"), std::string::npos) << r->body;
  const std::string later = Iso(now + 14 * 86400000LL);
  r = Step("officer", id, R"({"action":"schedule_hearing","hearing_at":")" + later + R"(","chair_id":)" +
                              std::to_string(officer_b_) + "}");
  EXPECT_EQ(r->status, 409);
  EXPECT_NE(Message(r).find("64(4)"), std::string::npos) << r->body;
  ASSERT_EQ(Step("officer", id, R"({"action":"schedule_hearing","hearing_at":")" + later + R"(","chair_id":)" +
                                    std::to_string(chair_) + "}")
                ->status,
            200);
  clock_->Advance(14 * 86400000LL);
  ASSERT_EQ(Step("officer", id, R"({"action":"record_hearing","note":"听证笔录已核对签字"})")->status, 200);

  // Major: collective discussion before the decision (Art. 57); never heavier (Art. 45).
  r = Step("leader", id, R"({"action":"decide"})");
  EXPECT_EQ(r->status, 409);
  EXPECT_NE(Message(r).find("Art. 57"), std::string::npos) << r->body;
  ASSERT_EQ(Step("leader", id, R"({"action":"collective_decision","note":"局务会讨论通过"})")->status, 200);
  r = Step("leader", id, R"({"action":"decide","penalty":"fine","fine_fen":13000000})");
  EXPECT_EQ(r->status, 409);
  r = Step("leader", id, R"({"action":"decide","penalty":"fine","fine_fen":11000000})");
  ASSERT_EQ(r->status, 200) << r->body;
  auto decided = ParseJson(r->body);
  const std::string number(decided.at("decision_no").as_string());
  EXPECT_EQ(decided.at("fine_fen").as_int64(), 11000000);

  // Service: electronic only with consent (Art. 61); the auxiliary may serve.
  r = Step("auxiliary", id, R"({"action":"serve","method":"electronic"})");
  EXPECT_EQ(r->status, 409);
  EXPECT_NE(Message(r).find("Art. 61"), std::string::npos);
  ASSERT_EQ(Step("auxiliary", id, R"({"action":"serve","method":"direct"})")->status, 200);

  // Paid three days after the 15-day period: 3% a day (Art. 72).
  clock_->Advance(18 * 86400000LL);
  auto detail = ParseJson(Get("officer", "/api/v1/cases/" + std::to_string(id))->body);
  const int64_t surcharge = detail.at("surcharge_now_fen").as_int64();
  EXPECT_GT(surcharge, 0);
  EXPECT_EQ(surcharge % 330000, 0);  // whole days of 3% of 110,000 yuan
  EXPECT_EQ(Step("auxiliary", id, R"({"action":"pay","amount_fen":11000000})")->status, 403);
  r = Step("officer", id, R"({"action":"pay","amount_fen":)" + std::to_string(11000000 + surcharge) + "}");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(State(r), "executed");
  EXPECT_EQ(Step("officer", id, R"({"action":"close"})")->status, 403);
  ASSERT_EQ(Step("leader", id, R"({"action":"close"})")->status, 200);
  r = Step("officer", id, R"({"action":"archive"})");
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(State(r), "archived");
  EXPECT_EQ(Step("officer", id, R"({"action":"archive"})")->status, 409);

  // The timeline holds every step; the audit log every write.
  detail = ParseJson(Get("officer", "/api/v1/cases/" + std::to_string(id))->body);
  EXPECT_EQ(detail.at("steps").as_array().size(), 16u);
  EXPECT_EQ(detail.at("source_event_id").as_int64(), 42);
  auto audit = ParseJson(Get("admin", "/api/v1/audit?action=cases.&limit=100")->body);
  EXPECT_GE(audit.at("total").as_int64(), 16);

  // Documents, and the decision's QR code leads to the public page.
  for (const char* kind : {"filing_approval", "prior_notice", "decision", "service_receipt"}) {
    auto doc = Get("officer", "/api/v1/cases/" + std::to_string(id) + "/documents/" + kind);
    ASSERT_EQ(doc->status, 200) << kind;
    EXPECT_NE(doc->get_header_value("Content-Type").find("text/html"), std::string::npos);
  }
  auto decision = Get("officer", "/api/v1/cases/" + std::to_string(id) + "/documents/decision");
  EXPECT_NE(decision->body.find("<svg"), std::string::npos);
  const std::string marker = "data-verify-url=\"";
  const size_t at = decision->body.find(marker);
  ASSERT_NE(at, std::string::npos);
  std::string url = decision->body.substr(at + marker.size());
  url = url.substr(0, url.find('"'));
  for (size_t p; (p = url.find("&amp;")) != std::string::npos;) url.replace(p, 5, "&");
  const std::string path = url.substr(url.find("/verify/"));
  auto page = server_->Client()->Get(path);
  ASSERT_EQ(page->status, 200) << path;
  EXPECT_NE(page->body.find(number), std::string::npos);
  EXPECT_NE(page->body.find("桐乡市****有限公司"), std::string::npos);
  EXPECT_NE(page->body.find("110000.00"), std::string::npos);
  // An altered number or code is not found.
  std::string forged = path;
  forged[forged.size() - 1] = forged.back() == '0' ? '1' : '0';
  EXPECT_EQ(server_->Client()->Get(forged)->status, 404);
  auto json = server_->Client()->Get(path.substr(0, 0) + "/api/v1/public/decisions/verify" + path.substr(path.find('?')));
  EXPECT_EQ(json->status, 200) << json->body;
  EXPECT_EQ(server_->Client()->Get("/api/v1/public/decisions/verify?no=%E6%A1%90&code=x")->status, 404);
}

TEST_F(CasesApiTest, SummaryProcedureThresholdsAndBadInput) {
  auto r = Post("officer", "/api/v1/cases", NewCaseBody("summary", R"(,"penalty":"fine","fine_fen":300001)"));
  EXPECT_EQ(r->status, 409);
  EXPECT_NE(Message(r).find("Art. 51"), std::string::npos) << r->body;
  r = Post("officer", "/api/v1/cases", NewCaseBody("summary", R"(,"penalty":"fine","fine_fen":20000,"paid_cash":true)"));
  EXPECT_EQ(r->status, 409);
  EXPECT_NE(Message(r).find("Art. 68"), std::string::npos) << r->body;
  r = Post("officer", "/api/v1/cases", NewCaseBody("summary", R"(,"penalty":"fine","fine_fen":300000)"));
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(State(r), "served");
  EXPECT_FALSE(ParseJson(r->body).at("decision_no").is_null());
  r = Post("auxiliary", "/api/v1/cases", NewCaseBody("summary", R"(,"penalty":"warning")"));
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(Post("admin", "/api/v1/cases", NewCaseBody("summary", R"(,"penalty":"warning")"))->status, 403);
  r = Post("officer", "/api/v1/cases", R"({"procedure":"general","party_kind":"citizen"})");
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(ErrorFieldOf(r), "party_name");
  r = Post("officer", "/api/v1/cases", "{not json");
  EXPECT_EQ(r->status, 400);
  std::string body = NewCaseBody("general");
  body.replace(body.find("\"town_id\":") + 10, std::to_string(server_->town_id).size(), "999999");
  r = Post("officer", "/api/v1/cases", body);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(ErrorFieldOf(r), "town_id");
  r = Step("officer", 999999, R"({"action":"notify"})");
  EXPECT_EQ(r->status, 404);
  auto created = Post("officer", "/api/v1/cases", NewCaseBody("general"));
  const int64_t id = ParseJson(created->body).at("id").as_int64();
  r = Step("officer", id, R"({"action":"fly"})");
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(ErrorFieldOf(r), "action");
  r = Step("leader", id, R"({"action":"approve_filing"})");
  r = Step("officer", id, R"({"action":"order_correction","deadline":"2020-01-01"})");
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(ErrorFieldOf(r), "deadline");
  EXPECT_EQ(Get("officer", "/api/v1/cases/" + std::to_string(id) + "/documents/decision")->status, 409);
  EXPECT_EQ(Get("officer", "/api/v1/cases/" + std::to_string(id) + "/documents/poem")->status, 400);
}

// Evidence registration (Art. 56) names field evidence items of the case;
// the decision lists the case's items with their hashes.
TEST_F(CasesApiTest, EvidenceRegisterNamesItemsOfTheCase) {
  auto item = [&](int64_t case_id, const std::string& sha) {
    auto lease = server_->app().db().Acquire();
    auto rows = lease->Query(
        "INSERT INTO evidence_items (upload_id, sha256, size, mode, filename, content_type, captured_at, lon, lat, "
        "accuracy_m, device, officer_id, officer, department_id, case_id, inspection_id, exif, exif_flags, manifest, "
        "ledger_index, checkpoint_size, checkpoint, uploaded_at) VALUES (?, ?, 3, 'photo', 'a.jpg', 'image/jpeg', ?, "
        "120.49, 30.63, 5, 'phone', 1, 'officer', 1, ?, '', '{}', '', '{}', 7, 8, '', ?) RETURNING id",
        {"up-" + sha.substr(0, 12), sha, clock_->NowMs(), case_id, clock_->NowMs()});
    return rows->at(0).i64("id");
  };
  auto created = Post("officer", "/api/v1/cases", NewCaseBody("general"));
  const int64_t id = ParseJson(created->body).at("id").as_int64();
  auto other = Post("officer", "/api/v1/cases", NewCaseBody("general"));
  const int64_t other_id = ParseJson(other->body).at("id").as_int64();
  ASSERT_EQ(Step("leader", id, R"({"action":"approve_filing"})")->status, 200);
  const int64_t mine = item(id, std::string(64, 'a'));
  const int64_t theirs = item(other_id, std::string(64, 'b'));
  const std::string ids = std::to_string(mine);

  struct Row {
    std::string why, body, field;
  };
  for (const Row& row : std::vector<Row>{
           {"an item of another case", R"({"action":"register_evidence","approver":"王局长","item_ids":[)" +
                                          std::to_string(theirs) + "]}", "item_ids"},
           {"an unknown item", R"({"action":"register_evidence","approver":"王局长","item_ids":[999999]})", "item_ids"},
           {"an item named twice", R"({"action":"register_evidence","approver":"王局长","item_ids":[)" + ids + "," + ids +
                                       "]}", "item_ids"},
           {"not an array", R"({"action":"register_evidence","approver":"王局长","item_ids":"1"})", "item_ids"},
           {"items on another step", R"({"action":"submit_review","penalty":"warning","item_ids":[)" + ids + "]}",
            "item_ids"},
       }) {
    auto r = Step("officer", id, row.body);
    EXPECT_EQ(r->status, 400) << row.why << ": " << r->body;
    EXPECT_EQ(ErrorFieldOf(r), row.field) << row.why;
  }
  auto detail = ParseJson(Get("officer", "/api/v1/cases/" + std::to_string(id))->body);
  EXPECT_TRUE(detail.at("evidence_register").as_array().empty());  // refused steps wrote nothing
  EXPECT_EQ(detail.at("steps").as_array().size(), 2u);

  auto r = Step("officer", id, R"({"action":"register_evidence","approver":"王局长","item_ids":[)" + ids + "]}");
  ASSERT_EQ(r->status, 200) << r->body;
  auto reg = ParseJson(r->body).at("evidence_register").as_array();
  ASSERT_EQ(reg.size(), 1u);
  EXPECT_EQ(reg[0].at("item_id").as_int64(), mine);
  EXPECT_TRUE(reg[0].at("decided_at").is_null());
  EXPECT_EQ(reg[0].at("approver").as_string(), "王局长");
  EXPECT_NE(r->body.find("#" + ids), std::string::npos);  // the step's note names the item
  r = Step("officer", id, R"({"action":"decide_evidence","note":"解除登记保存"})");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_FALSE(ParseJson(r->body).at("evidence_register").at(0).at("decided_at").is_null());

  // The decision lists the case's evidence with its hash.
  auto summary = Post("officer", "/api/v1/cases", NewCaseBody("summary", R"(,"penalty":"warning")"));
  const int64_t sid = ParseJson(summary->body).at("id").as_int64();
  item(sid, std::string(64, 'c'));
  auto doc = Get("officer", "/api/v1/cases/" + std::to_string(sid) + "/documents/decision");
  ASSERT_EQ(doc->status, 200);
  EXPECT_NE(doc->body.find("decision-evidence"), std::string::npos);
  EXPECT_NE(doc->body.find(std::string(64, 'c')), std::string::npos);
  EXPECT_EQ(doc->body.find(std::string(64, 'b')), std::string::npos);
  // Without server.public_url the QR code names the host the request came to.
  EXPECT_NE(doc->body.find("data-verify-url=\"http://127.0.0.1:" + std::to_string(server_->port()) +
                           "/verify/decision?no="),
            std::string::npos);
}

// APL Art. 63: a small fine opens no hearing (not offered, and refused citing
// the article); an order to close does.
TEST_F(CasesApiTest, HearingOnlyForThePenaltiesArt63Lists) {
  auto notified = [&](const std::string& proposal) {
    auto created = Post("officer", "/api/v1/cases", NewCaseBody("general"));
    const int64_t id = ParseJson(created->body).at("id").as_int64();
    EXPECT_EQ(Step("leader", id, R"({"action":"approve_filing"})")->status, 200);
    auto r = Step("officer", id, R"({"action":"notify","facts":"占道经营",)" + proposal + "}");
    EXPECT_EQ(r->status, 200) << r->body;
    return std::make_pair(id, ParseJson(r->body));
  };
  auto offered = [](const bj::value& detail, const char* action) {
    for (const auto& a : detail.at("actions").as_array())
      if (a.at("action").as_string() == action) return true;
    return false;
  };
  auto [small, small_detail] = notified(R"("penalty":"fine","fine_fen":500000)");  // 5,000 yuan, organisation
  EXPECT_TRUE(small_detail.at("hearing_right").is_null());
  EXPECT_FALSE(offered(small_detail, "request_hearing"));
  auto r = Step("officer", small, R"({"action":"request_hearing","note":"当事人申请"})");
  EXPECT_EQ(r->status, 409);
  EXPECT_NE(Message(r).find("Art. 63"), std::string::npos) << r->body;
  auto [closure, closure_detail] = notified(R"("penalty":"closure")");
  EXPECT_EQ(closure_detail.at("hearing_right").as_string(), "APL Art. 63(4)");
  EXPECT_TRUE(offered(closure_detail, "request_hearing"));
  r = Step("officer", closure, R"({"action":"request_hearing","note":"当事人申请"})");
  EXPECT_EQ(r->status, 200) << r->body;
  // Bad kinds and amounts name the field.
  auto created = Post("officer", "/api/v1/cases", NewCaseBody("general"));
  const int64_t id = ParseJson(created->body).at("id").as_int64();
  Step("leader", id, R"({"action":"approve_filing"})");
  r = Step("officer", id, R"({"action":"notify","facts":"x","penalty":"exile"})");
  EXPECT_EQ(ErrorFieldOf(r), "penalty");
  r = Step("officer", id, R"({"action":"notify","facts":"x","penalty":"closure","fine_fen":100})");
  EXPECT_EQ(ErrorFieldOf(r), "fine_fen");
  r = Post("officer", "/api/v1/cases", NewCaseBody("summary", R"(,"penalty":"revocation")"));
  EXPECT_EQ(r->status, 409);
  EXPECT_NE(Message(r).find("Art. 51"), std::string::npos) << r->body;
}

TEST_F(CasesApiTest, ListFiltersStatisticsAndExport) {
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(Post("officer", "/api/v1/cases", NewCaseBody("summary", R"(,"penalty":"warning")"))->status, 201);
  auto all = ParseJson(Get("officer", "/api/v1/cases?limit=5")->body);
  EXPECT_GE(all.at("total").as_int64(), 3);
  EXPECT_LE(all.at("items").as_array().size(), 5u);
  auto summary = ParseJson(Get("officer", "/api/v1/cases?procedure=summary&state=executed")->body);
  for (const auto& item : summary.at("items").as_array()) {
    EXPECT_EQ(item.at("procedure").as_string(), "summary");
    EXPECT_EQ(item.at("state").as_string(), "executed");
  }
  EXPECT_EQ(Get("officer", "/api/v1/cases?procedure=odd")->status, 400);
  EXPECT_EQ(Get("officer", "/api/v1/cases?overdue=maybe")->status, 400);
  EXPECT_EQ(Get("officer", "/api/v1/cases?from=yesterday")->status, 400);
  auto stats = ParseJson(Get("leader", "/api/v1/cases/stats")->body);
  const int64_t total = stats.at("total").as_int64();
  EXPECT_EQ(total, stats.at("general").as_int64() + stats.at("summary").as_int64());
  int64_t by_town = 0;
  for (const auto& g : stats.at("by_town").as_array()) by_town += g.at("count").as_int64();
  EXPECT_EQ(by_town, total);
  EXPECT_EQ(Get("auxiliary", "/api/v1/cases/stats")->status, 403);
  auto xlsx = Get("leader", "/api/v1/cases/stats.xlsx");
  ASSERT_EQ(xlsx->status, 200);
  EXPECT_EQ(xlsx->body.substr(0, 2), "PK");
  EXPECT_EQ(server_->Client()->Get("/api/v1/cases")->status, 401);
}

// Numbers are drawn inside each writing transaction: concurrent openings
// (PostgreSQL runs them in parallel) still get distinct case and decision numbers.
TEST_F(CasesApiTest, ConcurrentOpeningsGetDistinctNumbers) {
  constexpr int kWriters = 8;
  std::vector<std::string> bodies(kWriters);
  std::vector<int> statuses(kWriters);
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i)
    threads.emplace_back([&, i] {
      auto r = Post("officer", "/api/v1/cases", NewCaseBody("summary", R"(,"penalty":"fine","fine_fen":5000)"));
      statuses[i] = r ? r->status : 0;
      bodies[i] = r ? r->body : "";
    });
  for (auto& t : threads) t.join();
  std::set<std::string> numbers, decisions;
  for (int i = 0; i < kWriters; ++i) {
    ASSERT_EQ(statuses[i], 201) << bodies[i];
    auto body = ParseJson(bodies[i]);
    numbers.insert(std::string(body.at("number").as_string()));
    decisions.insert(std::string(body.at("decision_no").as_string()));
  }
  EXPECT_EQ(numbers.size(), static_cast<size_t>(kWriters));
  EXPECT_EQ(decisions.size(), static_cast<size_t>(kWriters));
}

}  // namespace
}  // namespace sl::testing
