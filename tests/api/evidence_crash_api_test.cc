// kill -9 of the whole server during tus uploads over HTTP, many times: a
// child process runs `Application` (HTTP, store, log, evidence) on one data
// directory; the parent uploads in chunks and records every offset and item
// the server acknowledged, while another thread SIGKILLs the child at a
// random moment. After each restart (which completes uploads whose last byte
// was acknowledged), every acknowledged offset is still there (HEAD), every
// acknowledged item is sealed in the published log, interrupted uploads
// resume from the server's offset, and the log never shrinks; at the end
// every upload has become an item. Runs on each store.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <random>
#include <thread>

#include "api/application.h"
#include "common/crypto.h"
#include "ledger/base64.h"
#include "ledger/test_dir.h"
#include "support/test_db.h"

namespace sl::testing {
namespace {

constexpr const char* kPassword = "crash-test-pass-1";

api::AppOptions Options(const std::string& dir, const std::string& url) {
  api::AppOptions o;
  o.data_dir = dir;
  o.database_url = url;
  o.database_pool = 4;
  o.server.listen = "127.0.0.1:0";
  o.server.threads = 2;
  return o;
}

// Child: serve until killed; reports the port through `fd`.
[[noreturn]] void Serve(const std::string& dir, const std::string& url, int fd) {
  auto app = api::Application::Open(Options(dir, url));
  if (!app.ok() || !(*app)->Listen().ok()) ::_exit(3);
  const uint16_t port = (*app)->port();
  if (::write(fd, &port, sizeof port) != sizeof port) ::_exit(4);
  ::close(fd);
  (*app)->Run();
  ::_exit(0);
}

struct Upload {
  std::string path;     // /api/v1/uploads/<id>
  std::string content;
  uint64_t acked = 0;   // highest acknowledged offset
  int64_t item = 0;     // acknowledged item
  int resumed_in = -1;   // the round that last resumed it
};

std::string Metadata(const std::string& content, int n) {
  auto pair = [](const std::string& k, const std::string& v) { return k + " " + ledger::Base64Encode(v); };
  return pair("filename", "dsj-" + std::to_string(n) + ".mp4") + "," + pair("sha256", Sha256Hex(content)) + "," +
         pair("mode", "bodycam") + "," + pair("captured_at", "2026-11-28T10:00:00+08:00") + "," +
         pair("lon", "120.49") + "," + pair("lat", "30.63") + "," + pair("accuracy", "10") + "," +
         pair("device", "DSJ-V7");
}

TEST(EvidenceHttpCrashTest, KillNineOfTheServerDuringTusUploadsLosesNothingAcknowledged) {
  ledger::TempDir dir;
  const std::string url = TestDatabaseUrl();
  {
    auto app = api::Application::Open(Options(dir.path(), url));
    ASSERT_TRUE(app.ok()) << app.error().message;
    auth::NewUser officer;
    officer.username = "officer";
    officer.role = auth::Role::kOfficer;
    officer.password = kPassword;
    ASSERT_TRUE((*app)->auth().CreateUser(officer, auth::AuthService::System()).ok());
  }
  std::mt19937 rng(4);
  std::vector<Upload> uploads;
  uint64_t last_tree = 0;
  int created = 0;
  int resumed_after_kill = 0;  // unfinished uploads continued after a restart
  int cut_off = 0;             // rounds killed right after an acknowledged chunk
  constexpr int kRounds = 8;
  for (int round = 0; round < kRounds; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      Serve(dir.path(), url, fds[1]);
    }
    ::close(fds[1]);
    uint16_t port = 0;
    ASSERT_EQ(::read(fds[0], &port, sizeof port), static_cast<ssize_t>(sizeof port)) << "round " << round;
    ::close(fds[0]);
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(10);
    c.set_write_timeout(10);
    auto login = c.Post("/api/v1/auth/login",
                        std::string(R"({"username":"officer","password":")") + kPassword + R"("})",
                        "application/json");
    ASSERT_TRUE(login && login->status == 200) << "round " << round;
    const std::string token(boost::json::parse(login->body).at("token").as_string());
    const httplib::Headers auth = {{"Authorization", "Bearer " + token}, {"Tus-Resumable", "1.0.0"}};

    // What survived the previous kill.
    for (auto& u : uploads) {
      if (u.item) {
        auto item = c.Get("/api/v1/evidence/items/" + std::to_string(u.item), auth);
        ASSERT_TRUE(item && item->status == 200) << "round " << round << ": item " << u.item << " lost";
        auto json = boost::json::parse(item->body);
        EXPECT_EQ(json.at("sha256").as_string(), Sha256Hex(u.content));
        const auto index = json.at("ledger_index").as_int64();
        auto proof = c.Get("/ledger/proof/" + std::to_string(index));
        EXPECT_TRUE(proof && proof->status == 200) << "round " << round << ": no proof of entry " << index;
        continue;
      }
      auto head = c.Head(u.path, auth);
      ASSERT_TRUE(head) << "round " << round;
      ASSERT_EQ(head->status, 200) << "round " << round << ": upload " << u.path << " lost";
      EXPECT_GE(std::stoull(head->get_header_value("Upload-Offset")), u.acked) << "round " << round;
    }
    auto cp = c.Get("/ledger/checkpoint");
    ASSERT_TRUE(cp && cp->status == 200);
    const uint64_t tree = std::stoull(cp->body.substr(cp->body.find('\n') + 1));
    EXPECT_GE(tree, last_tree) << "round " << round << ": the log shrank";
    last_tree = tree;
    const bool last = round == kRounds - 1;  // finish every interrupted upload, no kill

    // Upload (resuming the unfinished ones first) until the server dies:
    // in odd rounds at a random moment (mid-request, mid-sealing, anywhere),
    // in even rounds right after a random acknowledged chunk of an upload
    // that is not finished, so that each of those rounds leaves one to resume.
    const bool timed = !last && round % 2 == 1;
    int kill_after_acks = timed || last ? 0 : 1 + static_cast<int>(rng() % 40);
    if (kill_after_acks) ++cut_off;
    std::thread killer([pid, timed, delay = 40 + rng() % 300] {
      if (!timed) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(delay));
      ::kill(pid, SIGKILL);
    });
    bool alive = true;
    while (alive) {
      Upload* u = nullptr;
      for (auto& x : uploads)
        if (!x.item) u = &x;
      if (!u && last) break;
      if (!u) {
        Upload fresh;
        fresh.content.resize(500'000 + rng() % 2'500'000);
        for (auto& ch : fresh.content) ch = static_cast<char>(rng());
        httplib::Headers h = auth;
        h.emplace("Upload-Length", std::to_string(fresh.content.size()));
        h.emplace("Upload-Metadata", Metadata(fresh.content, created++));
        auto r = c.Post("/api/v1/uploads/", h, "", "application/offset+octet-stream");
        if (!r) break;
        ASSERT_EQ(r->status, 201) << r->body;
        fresh.path = r->get_header_value("Location");
        uploads.push_back(std::move(fresh));
        u = &uploads.back();
      }
      auto head = c.Head(u->path, auth);
      if (!head) break;
      ASSERT_EQ(head->status, 200);
      if (!head->get_header_value("Evidence-Item").empty()) {  // completed on restart
        u->item = std::stoll(head->get_header_value("Evidence-Item"));
        continue;
      }
      uint64_t offset = std::stoull(head->get_header_value("Upload-Offset"));
      if (offset > 0 && u->resumed_in != round) {
        u->resumed_in = round;
        ++resumed_after_kill;
      }
      while (offset < u->content.size()) {
        const size_t step = std::min<size_t>(u->content.size() - offset, 16 * 1024 + rng() % (48 * 1024));
        httplib::Headers h = auth;
        h.emplace("Upload-Offset", std::to_string(offset));
        auto r = c.Patch(u->path, h, u->content.substr(offset, step), "application/offset+octet-stream");
        if (!r) {
          alive = false;
          break;
        }
        ASSERT_EQ(r->status, 204) << r->body;
        offset = std::stoull(r->get_header_value("Upload-Offset"));
        u->acked = offset;
        if (!r->get_header_value("Evidence-Item").empty()) u->item = std::stoll(r->get_header_value("Evidence-Item"));
        if (kill_after_acks > 0 && !u->item && --kill_after_acks == 0) {
          ::kill(pid, SIGKILL);
          alive = false;
          break;
        }
      }
    }
    killer.join();
    if (last) ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "round " << round;
  }
  for (const auto& u : uploads) EXPECT_NE(u.item, 0) << u.path << " never became an item";
  size_t items = 0;
  for (const auto& u : uploads) items += u.item != 0;
  EXPECT_GE(items, 3u) << "too few items to test anything";
  EXPECT_GE(resumed_after_kill, cut_off) << "an upload cut off after an acknowledged chunk was not resumed";
  RecordProperty("items", static_cast<int>(items));
  RecordProperty("resumed_after_kill", resumed_after_kill);
}

}  // namespace
}  // namespace sl::testing
