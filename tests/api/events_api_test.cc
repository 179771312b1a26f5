// The urban-event loop over HTTP: a citizen's report on the public routes,
// the seven steps by the roles that may take them, refusals with 403/409,
// photos checked by content, the hotline import, the indicators and their
// xlsx export, categories configuration and the public rate limit.
#include "api_test_util.h"

namespace sl::testing {
namespace {

const std::string kPng = std::string("\x89PNG\r\n\x1A\n", 8) + std::string(200, 'p');

class EventsApiTest : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    // Bodies up to 8 MiB reach the routes, so the photo limit (5 MiB) is the
    // one exercised, after the whole body has been read.
    TestServerOptions options;
    options.max_body_bytes = 8 * 1024 * 1024;
    StartServer(options);
    for (const char* role : {"supervisor", "commander", "officer", "auxiliary", "leader", "partner"})
      tokens_[role] = server_->Login(role);
  }
  static inline std::map<std::string, std::string> tokens_;

  httplib::Result PostJson(const std::string& path, const std::string& body, const std::string& who = "") {
    auto client = server_->Client();
    if (who.empty()) return client->Post(path, body, "application/json");
    return client->Post(path, Bearer(tokens_.at(who)), body, "application/json");
  }
  httplib::Result Get(const std::string& path, const std::string& who) {
    return server_->Client()->Get(path, Bearer(who == "admin" ? admin_ : tokens_.at(who)));
  }
  httplib::Result Step(int64_t id, const std::string& who, const std::string& body) {
    return PostJson("/api/v1/events/" + std::to_string(id) + "/steps", body, who);
  }
  int64_t PublicReport() {
    auto r = PostJson("/api/v1/public/reports",
                      R"({"category":"garbage_dumping","description":"河边有人倒垃圾","lon":120.5505,"lat":30.6205,)"
                      R"("contact":"13900000000"})");
    EXPECT_EQ(r->status, 201) << r->body;
    auto code = std::string(ParseJson(r->body).at("code").as_string());
    return std::stoll(code.substr(2));
  }
};

TEST_F(EventsApiTest, CitizenReportRunsTheSevenSteps) {
  auto photo = server_->Client()->Post("/api/v1/public/photos", kPng, "image/png");
  ASSERT_EQ(photo->status, 201) << photo->body;
  const std::string sha(ParseJson(photo->body).at("sha256").as_string());
  auto created = PostJson("/api/v1/public/reports",
                          R"({"category":"illegal_parking","description":"人行道停车","lon":120.5505,"lat":30.6205,)"
                          R"("photos":[")" + sha + R"("]})");
  ASSERT_EQ(created->status, 201) << created->body;
  const std::string code(ParseJson(created->body).at("code").as_string());
  const int64_t id = std::stoll(code.substr(2));

  auto status = server_->Client()->Get("/api/v1/public/reports/" + code);
  ASSERT_EQ(status->status, 200);
  EXPECT_EQ(ParseJson(status->body).at("status"), "collected");
  EXPECT_EQ(status->body.find("13900000000"), std::string::npos);

  auto detail = Get("/api/v1/events/" + std::to_string(id), "supervisor");
  ASSERT_EQ(detail->status, 200);
  auto ev = ParseJson(detail->body);
  EXPECT_EQ(ev.at("town"), "梧桐街道");
  EXPECT_EQ(ev.at("source"), "public");
  EXPECT_EQ(ev.at("actions").as_array().size(), 2u);  // file, reject

  ASSERT_EQ(Step(id, "supervisor", R"({"action":"file"})")->status, 200);
  auto dispatched = Step(id, "commander", R"({"action":"dispatch","department_id":)" +
                                              std::to_string(server_->bureau_id) + R"(,"time_limit":"1h"})");
  ASSERT_EQ(dispatched->status, 200) << dispatched->body;
  EXPECT_EQ(ParseJson(dispatched->body).at("department"), "综合行政执法局");
  ASSERT_EQ(Step(id, "officer", R"({"action":"handle"})")->status, 200);
  ASSERT_EQ(Step(id, "officer", R"({"action":"feedback","note":"已劝离车辆","photos":[")" + sha + R"("]})")->status,
            200);
  auto closed = Step(id, "supervisor", R"({"action":"close","note":"现场核查已整改"})");
  ASSERT_EQ(closed->status, 200);
  auto body = ParseJson(closed->body);
  EXPECT_EQ(body.at("status"), "closed");
  EXPECT_EQ(body.at("steps").as_array().size(), 6u);
  EXPECT_EQ(ParseJson(server_->Client()->Get("/api/v1/public/reports/" + code)->body).at("open"), false);

  auto image = server_->Client()->Get("/api/v1/events/photos/" + sha + "?access_token=" + tokens_.at("officer"));
  ASSERT_EQ(image->status, 200);
  EXPECT_EQ(image->body, kPng);
  EXPECT_EQ(image->get_header_value("Content-Type"), "image/png");
}

TEST_F(EventsApiTest, RefusalsNameTheStep) {
  const int64_t id = PublicReport();
  // Dispatch before filing: 409 naming both steps.
  auto early = Step(id, "commander", R"({"action":"dispatch","department_id":)" + std::to_string(server_->bureau_id) + "}");
  EXPECT_EQ(early->status, 409);
  EXPECT_EQ(ErrorCodeOf(early), "conflict");
  EXPECT_NE(early->body.find("dispatch"), std::string::npos);
  EXPECT_NE(early->body.find("waits for the step 'file'"), std::string::npos) << early->body;
  // Auxiliary staff never file (Art. 30): 403.
  auto aux = Step(id, "auxiliary", R"({"action":"file"})");
  EXPECT_EQ(aux->status, 403);
  EXPECT_NE(aux->body.find("auxiliary"), std::string::npos);
  // Partner agencies have no part in the loop.
  EXPECT_EQ(Step(id, "partner", R"({"action":"file"})")->status, 403);
  EXPECT_EQ(Step(id, "supervisor", R"({"action":"fly"})")->status, 400);
  EXPECT_EQ(ErrorFieldOf(Step(id, "supervisor", R"({"action":"reject"})")), "note");
  ASSERT_EQ(Step(id, "supervisor", R"({"action":"file"})")->status, 200);
  auto past = Step(id, "commander", R"({"action":"dispatch","department_id":)" + std::to_string(server_->bureau_id) +
                                        R"(,"deadline":"2020-01-01T00:00:00+08:00"})");
  EXPECT_EQ(past->status, 400);
  EXPECT_EQ(ErrorFieldOf(past), "deadline");
  auto partner = Step(id, "commander", R"({"action":"dispatch","department_id":)" + std::to_string(server_->police_id) + "}");
  EXPECT_EQ(partner->status, 400);
  EXPECT_EQ(ErrorFieldOf(partner), "department_id");
  EXPECT_EQ(Step(id, "commander", R"({"action":"dispatch","department_id":999999})")->status, 400);
  auto too_long = Step(id, "commander", R"({"action":"dispatch","department_id":)" +
                                            std::to_string(server_->bureau_id) + R"(,"time_limit":"999d"})");
  EXPECT_EQ(too_long->status, 400);
  EXPECT_EQ(ErrorFieldOf(too_long), "time_limit");
  // The dispatch form lists the officers of the chosen department; an officer
  // of another department is refused.
  auto officers = Get("/api/v1/events/assignees?department_id=" + std::to_string(server_->bureau_id), "commander");
  ASSERT_EQ(officers->status, 200) << officers->body;
  const auto officers_json = ParseJson(officers->body);
  const auto& items = officers_json.at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  const int64_t officer_user = items[0].at("id").as_int64();
  auto squad = Get("/api/v1/events/assignees?department_id=" + std::to_string(server_->squad_id), "commander");
  EXPECT_EQ(ParseJson(squad->body).at("items").as_array().size(), 0u);
  EXPECT_EQ(ErrorFieldOf(Get("/api/v1/events/assignees", "commander")), "department_id");
  EXPECT_EQ(Get("/api/v1/events/assignees?department_id=1", "admin")->status, 403);
  auto elsewhere = Step(id, "commander", R"({"action":"dispatch","department_id":)" +
                                             std::to_string(server_->squad_id) + R"(,"assignee_id":)" +
                                             std::to_string(officer_user) + "}");
  EXPECT_EQ(ErrorFieldOf(elsewhere), "assignee_id");
  EXPECT_EQ(ParseJson(Get("/api/v1/events/" + std::to_string(id), "commander")->body).at("status"), "filed");
  auto to_officer = Step(id, "commander", R"({"action":"dispatch","department_id":)" +
                                              std::to_string(server_->bureau_id) + R"(,"assignee_id":)" +
                                              std::to_string(officer_user) + "}");
  ASSERT_EQ(to_officer->status, 200) << to_officer->body;
  EXPECT_EQ(ParseJson(to_officer->body).at("assignee_id").as_int64(), officer_user);
  EXPECT_EQ(Step(999999, "supervisor", R"({"action":"file"})")->status, 404);
}

TEST_F(EventsApiTest, PublicCopiesOfPhotosCarryNoCameraMetadata) {
  auto segment = [](uint8_t marker, const std::string& payload) {
    const size_t n = payload.size() + 2;
    return std::string{char(0xFF), char(marker), char(n >> 8), char(n & 0xFF)} + payload;
  };
  const std::string exif = std::string("Exif\0\0", 6) + "GPSLatitude 30.63 Make Huawei Serial 8812";
  const std::string jpeg = std::string{char(0xFF), char(0xD8)} + segment(0xE0, "JFIF") + segment(0xE1, exif) +
                           segment(0xDA, "scan") + "pixels" + std::string{char(0xFF), char(0xD9)};
  auto up = server_->Client()->Post("/api/v1/public/photos", jpeg, "image/jpeg");
  ASSERT_EQ(up->status, 201) << up->body;
  auto names = ParseJson(up->body);
  const std::string original(names.at("sha256").as_string()), copy(names.at("public_sha256").as_string());
  EXPECT_NE(original, copy);
  // The public copy has no EXIF; staff see the original with it.
  auto pub = server_->Client()->Get("/api/v1/public/photos/" + copy);
  ASSERT_EQ(pub->status, 200);
  EXPECT_EQ(pub->body.find("GPSLatitude"), std::string::npos);
  EXPECT_EQ(pub->body.find("Huawei"), std::string::npos);
  EXPECT_NE(pub->body.find("pixels"), std::string::npos);
  EXPECT_EQ(server_->Client()->Get("/api/v1/public/photos/" + original)->status, 404);
  auto staff = server_->Client()->Get("/api/v1/events/photos/" + original + "?access_token=" + tokens_.at("officer"));
  ASSERT_EQ(staff->status, 200);
  EXPECT_NE(staff->body.find("GPSLatitude"), std::string::npos);
  EXPECT_EQ(server_->Client()->Get("/api/v1/public/photos/nothex")->status, 404);
}

TEST_F(EventsApiTest, ReworkWhenVerificationFails) {
  const int64_t id = PublicReport();
  ASSERT_EQ(Step(id, "supervisor", R"({"action":"file"})")->status, 200);
  ASSERT_EQ(Step(id, "commander", R"({"action":"dispatch","department_id":)" + std::to_string(server_->bureau_id) + "}")->status, 200);
  ASSERT_EQ(Step(id, "officer", R"({"action":"handle"})")->status, 200);
  ASSERT_EQ(Step(id, "officer", R"({"action":"feedback","note":"已清理"})")->status, 200);
  auto rework = Step(id, "supervisor", R"({"action":"rework","note":"现场仍有垃圾"})");
  ASSERT_EQ(rework->status, 200);
  EXPECT_EQ(ParseJson(rework->body).at("status"), "handling");
  EXPECT_EQ(ParseJson(rework->body).at("rework_count"), 1);
  EXPECT_EQ(Step(id, "supervisor", R"({"action":"close"})")->status, 409);
}

TEST_F(EventsApiTest, PhotosAreValidated) {
  auto text = server_->Client()->Post("/api/v1/public/photos", "this is not an image", "image/png");
  EXPECT_EQ(text->status, 400);
  EXPECT_EQ(ErrorFieldOf(text), "photo");
  auto big = server_->Client()->Post("/api/v1/public/photos", std::string("\xFF\xD8\xFF", 3) + std::string(6 << 20, 'x'),
                                     "image/jpeg");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  auto unknown = PostJson("/api/v1/public/reports", R"({"category":"graffiti","description":"x","address":"a","photos":[")" +
                                                        std::string(64, 'b') + R"("]})");
  EXPECT_EQ(unknown->status, 400);
  EXPECT_EQ(ErrorFieldOf(unknown), "photos");
  auto nowhere = PostJson("/api/v1/public/reports", R"({"category":"graffiti","description":"x"})");
  EXPECT_EQ(ErrorFieldOf(nowhere), "address");
  auto not_public = PostJson("/api/v1/public/reports", R"({"category":"ten_chaos","description":"x","address":"a"})");
  EXPECT_EQ(not_public->status, 400);
  EXPECT_EQ(ErrorFieldOf(not_public), "category");
  EXPECT_EQ(server_->Client()->Get("/api/v1/public/reports/TX99999999")->status, 404);
  EXPECT_EQ(server_->Client()->Get("/api/v1/public/reports/nonsense")->status, 404);
}

TEST_F(EventsApiTest, StaffCollectAndList) {
  auto r = PostJson("/api/v1/events",
                    R"({"category":"street_vending","source":"patrol","description":"流动摊贩","lon":120.5515,"lat":30.6205})",
                    "auxiliary");
  ASSERT_EQ(r->status, 201) << r->body;
  // Internal events are not published on the public status page or Open311.
  const std::string code(ParseJson(r->body).at("code").as_string());
  EXPECT_EQ(server_->Client()->Get("/api/v1/public/reports/" + code)->status, 404);
  EXPECT_EQ(server_->Client()->Get("/open311/v2/requests/" + code + ".json")->status, 404);
  EXPECT_EQ(server_->Client()->Get("/open311/v2/requests.json")->body.find(code), std::string::npos);
  EXPECT_EQ(PostJson("/api/v1/events", R"({"category":"street_vending","source":"public","description":"x","address":"a"})",
                     "officer")->status,
            400);
  EXPECT_EQ(PostJson("/api/v1/events", R"({"category":"street_vending","source":"patrol","description":"x","address":"a"})",
                     "leader")->status,
            403);
  auto list = Get("/api/v1/events?category=street_vending&status=collected", "officer");
  ASSERT_EQ(list->status, 200);
  EXPECT_GE(ParseJson(list->body).at("total").as_int64(), 1);
  EXPECT_EQ(Get("/api/v1/events?status=nonsense", "officer")->status, 400);
  EXPECT_EQ(Get("/api/v1/events?town_id=x", "officer")->status, 400);
  auto live = Get("/api/v1/events/live", "commander");
  ASSERT_EQ(live->status, 200);
  EXPECT_GE(ParseJson(live->body).at("features").as_array().size(), 1u);
}

TEST_F(EventsApiTest, HotlineImport) {
  const std::string csv =
      "ticket,received_at,category,address,lon,lat,description,contact\n"
      "T-1,2026-01-05 09:30,乱停车,庆丰路,,,车辆乱停,\n"
      "T-2,bad,乱停车,庆丰路,,,车辆乱停,\n";
  auto r = server_->Client()->Post("/api/v1/events/hotline-import", Bearer(tokens_.at("supervisor")), csv, "text/csv");
  ASSERT_EQ(r->status, 200) << r->body;
  auto body = ParseJson(r->body);
  EXPECT_EQ(body.at("imported"), 1);
  EXPECT_EQ(body.at("bad").at(0).at("line"), 3);
  EXPECT_EQ(body.at("bad").at(0).at("field"), "received_at");
  EXPECT_EQ(server_->Client()->Post("/api/v1/events/hotline-import", Bearer(tokens_.at("officer")), csv, "text/csv")->status,
            403);
  auto header = server_->Client()->Post("/api/v1/events/hotline-import", Bearer(tokens_.at("supervisor")), "a,b\n1,2\n",
                                        "text/csv");
  EXPECT_EQ(header->status, 400);
}

TEST_F(EventsApiTest, IndicatorsMoveAndExport) {
  auto before = ParseJson(Get("/api/v1/events/indicators?by=total", "leader")->body).at("items").as_array().back();
  const int64_t id = PublicReport();
  ASSERT_EQ(Step(id, "supervisor", R"({"action":"file"})")->status, 200);
  ASSERT_EQ(Step(id, "commander", R"({"action":"dispatch","department_id":)" + std::to_string(server_->bureau_id) + "}")->status, 200);
  ASSERT_EQ(Step(id, "officer", R"({"action":"handle"})")->status, 200);
  ASSERT_EQ(Step(id, "officer", R"({"action":"feedback","note":"ok"})")->status, 200);
  ASSERT_EQ(Step(id, "supervisor", R"({"action":"close"})")->status, 200);
  auto after = ParseJson(Get("/api/v1/events/indicators?by=total", "leader")->body).at("items").as_array().back();
  EXPECT_EQ(after.at("closed").as_int64(), before.at("closed").as_int64() + 1);
  EXPECT_EQ(after.at("public_verified").as_int64(), before.at("public_verified").as_int64() + 1);
  // The default period (whole months, from the rollup) and a period that is
  // not whole months (a scan of the events) agree.
  auto scanned = ParseJson(Get("/api/v1/events/indicators?by=total&from=2026-01-01T00:00:01%2B08:00", "leader")->body)
                     .at("items").as_array().back();
  EXPECT_EQ(scanned.at("closed"), after.at("closed"));
  EXPECT_EQ(scanned.at("collected"), after.at("collected"));
  auto by_town = Get("/api/v1/events/indicators?by=town", "supervisor");
  ASSERT_EQ(by_town->status, 200);
  EXPECT_EQ(ParseJson(by_town->body).at("items").at(0).at("name"), "梧桐街道");
  EXPECT_EQ(Get("/api/v1/events/indicators?by=planet", "leader")->status, 400);
  EXPECT_EQ(Get("/api/v1/events/indicators?from=2026-02-01&to=2026-01-01", "leader")->status, 400);
  EXPECT_EQ(Get("/api/v1/events/indicators", "officer")->status, 403);
  auto xlsx = Get("/api/v1/events/indicators.xlsx", "leader");
  ASSERT_EQ(xlsx->status, 200);
  EXPECT_EQ(xlsx->body.substr(0, 2), "PK");
  auto trend = Get("/api/v1/events/trend?all=1", "leader");
  ASSERT_EQ(trend->status, 200);
  EXPECT_FALSE(ParseJson(trend->body).at("items").as_array().empty());
}

TEST_F(EventsApiTest, CategoriesAreConfigurable) {
  auto client = server_->Client();
  auto saved = client->Put("/api/v1/event-categories/shared_bikes", Bearer(admin_),
                           R"({"name":"共享单车乱停放","ten_chaos":true,"parent_code":"ten_chaos",)"
                           R"("limits":{"file":"1h","dispatch":"1h","handle":"4h","verify":"2h"}})",
                           "application/json");
  ASSERT_EQ(saved->status, 200) << saved->body;
  auto bad = client->Put("/api/v1/event-categories/shared_bikes", Bearer(admin_),
                         R"({"name":"x","limits":{"file":"1w","dispatch":"1h","handle":"4h","verify":"2h"}})",
                         "application/json");
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(ErrorFieldOf(bad), "limits.file");
  EXPECT_EQ(client->Put("/api/v1/event-categories/x", Bearer(tokens_.at("supervisor")), "{}", "application/json")->status,
            403);
  auto pub = client->Get("/api/v1/public/event-categories");
  ASSERT_EQ(pub->status, 200);
  EXPECT_NE(pub->body.find("shared_bikes"), std::string::npos);
  EXPECT_EQ(pub->body.find("\"ten_chaos\",\"name\""), std::string::npos);  // the parent group is not reportable
}

// Runs last in the suite (the bucket is per address and shared): the public
// routes stop a flood from one address with 429 and write nothing more.
TEST_F(EventsApiTest, ZzPublicReportsAreRateLimited) {
  int refused = 0;
  for (int i = 0; i < 30; ++i) {
    auto r = PostJson("/api/v1/public/reports", R"({"category":"graffiti","description":"x","address":"a"})");
    if (r->status == 429) ++refused;
  }
  EXPECT_GT(refused, 0);
}

}  // namespace
}  // namespace sl::testing
