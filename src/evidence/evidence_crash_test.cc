// kill -9 during uploads and sealing, many times: a child process uploads
// items in chunks through EvidenceService and reports every acknowledged
// offset and every sealed item through a pipe; the parent SIGKILLs it at a
// random moment, reopens the log and the service (which completes uploads
// whose last byte was acknowledged) and checks that no acknowledged offset
// or item is lost, that each item's blob hashes to its name and that the
// log holds each item's manifest at its index. Runs on each store.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <sstream>

#include "api/schema.h"
#include "common/crypto.h"
#include "evidence/evidence_service.h"
#include "ledger/base64.h"
#include "ledger/test_dir.h"
#include "store/migrations.h"
#include "support/test_db.h"

namespace sl::evidence {
namespace {

auth::Principal Officer() {
  auth::Principal p;
  p.user_id = 7;
  p.username = "officer";
  p.role = auth::Role::kOfficer;
  p.department_id = 1;
  return p;
}

std::string Metadata(const std::string& content, uint32_t n) {
  auto pair = [](const std::string& k, const std::string& v) { return k + " " + ledger::Base64Encode(v); };
  return pair("filename", "clip-" + std::to_string(n) + ".mp4") + "," + pair("sha256", Sha256Hex(content)) + "," +
         pair("mode", "bodycam") + "," + pair("captured_at", "2026-11-28T10:00:00+08:00") + "," +
         pair("lon", "120.49") + "," + pair("lat", "30.63") + "," + pair("accuracy", "10") + "," +
         pair("device", "recorder");
}

bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

struct Stack {
  std::unique_ptr<store::Database> db;
  EventBus bus{SystemClock::Instance()};
  std::unique_ptr<ledger::Ledger> ledger;
  std::unique_ptr<EvidenceService> service;
};

Result<std::unique_ptr<Stack>> OpenStack(const std::string& url, const std::string& dir) {
  auto s = std::make_unique<Stack>();
  SL_ASSIGN_OR_RETURN(s->db, store::Database::Open(url, 2));
  SL_ASSIGN_OR_RETURN(s->ledger, ledger::Ledger::Open({dir + "/ledger", "crash.example/evidence"}, nullptr));
  s->service = std::make_unique<EvidenceService>(*s->db, s->bus, SystemClock::Instance(), s->ledger.get(),
                                                 EvidenceOptions{dir});
  SL_TRY(s->service->Open());
  return s;
}

// Child: upload until killed. Lines: "O <id> <offset>" and "I <id> <item>".
[[noreturn]] void Uploader(const std::string& url, const std::string& dir, uint32_t round, int fd) {
  auto stack = OpenStack(url, dir);
  if (!stack.ok()) ::_exit(3);
  EvidenceService& svc = *(*stack)->service;
  std::mt19937 rng(round * 7919 + 1);
  for (uint32_t n = 0;; ++n) {
    std::string content(1 + rng() % 200000, '\0');
    for (auto& c : content) c = static_cast<char>(rng());
    auto id = svc.CreateUpload(Officer(), content.size(), Metadata(content, n));
    if (!id.ok()) ::_exit(4);
    if (!WriteAll(fd, "O " + *id + " 0\n")) ::_exit(5);
    for (size_t off = 0; off < content.size();) {
      const size_t step = std::min<size_t>(content.size() - off, 1 + rng() % 65536);
      auto state = svc.Patch(Officer(), *id, off, std::string_view(content).substr(off, step));
      if (!state.ok()) ::_exit(6);
      off += step;
      std::string line = "O " + *id + " " + std::to_string(off) + "\n";
      if (state->item_id) line += "I " + *id + " " + std::to_string(*state->item_id) + "\n";
      if (!WriteAll(fd, line)) ::_exit(5);
    }
  }
}

TEST(EvidenceCrashTest, KillNineDuringUploadsAndSealingLosesNothingAcknowledged) {
  ledger::TempDir tmp;
  const std::string url = testing::TestDatabaseUrl();
  {
    auto db = store::Database::Open(url, 1);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(store::Migrate(**db, api::AllMigrations()).ok());
  }
  std::mt19937 rng(900);
  std::map<std::string, uint64_t> offsets;  // upload id -> highest acknowledged offset
  std::map<std::string, int64_t> items;     // upload id -> acknowledged item
  constexpr uint32_t kRounds = 15;
  for (uint32_t round = 0; round < kRounds; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      Uploader(url, tmp.path(), round, fds[1]);
    }
    ::close(fds[1]);
    std::string buf;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(30 + rng() % 120);
    char chunk[65536];
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fds[0], POLLIN, 0};
      if (::poll(&p, 1, 5) == 1) {
        const ssize_t n = ::read(fds[0], chunk, sizeof chunk);
        if (n <= 0) break;
        buf.append(chunk, static_cast<size_t>(n));
      }
    }
    ::kill(pid, SIGKILL);
    for (ssize_t n; (n = ::read(fds[0], chunk, sizeof chunk)) > 0;) buf.append(chunk, static_cast<size_t>(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status) << " in round " << round;
    // Whole lines only: a torn last line was never acknowledged.
    buf.resize(buf.rfind('\n') == std::string::npos ? 0 : buf.rfind('\n') + 1);
    std::istringstream lines(buf);
    for (std::string kind, id, value; lines >> kind >> id >> value;) {
      if (kind == "O") offsets[id] = std::max<uint64_t>(offsets[id], std::stoull(value));
      if (kind == "I") items[id] = std::stoll(value);
    }

    auto stack = OpenStack(url, tmp.path());
    ASSERT_TRUE(stack.ok()) << "round " << round << ": " << stack.error().message;
    EvidenceService& svc = *(*stack)->service;
    auto& log = (*stack)->ledger->log();
    auto lease = (*stack)->db->Acquire();
    for (const auto& [id, offset] : offsets) {
      auto row = lease->QueryOne("SELECT id FROM evidence_items WHERE upload_id = ?", {id});
      ASSERT_TRUE(row.ok());
      if (*row) continue;  // completed (by the child, or by recovery on reopen)
      auto now = svc.uploads().Offset(id);
      ASSERT_TRUE(now.ok()) << "round " << round << ": upload " << id << " lost";
      EXPECT_GE(*now, offset) << "round " << round << ": upload " << id << " lost acknowledged bytes";
    }
    for (const auto& [id, item] : items) {
      auto row = lease->QueryOne("SELECT * FROM evidence_items WHERE id = ?", {item});
      ASSERT_TRUE(row.ok() && *row) << "round " << round << ": item " << item << " lost";
      EXPECT_EQ((*row)->str("upload_id"), id);
      const std::string sha = (*row)->str("sha256");
      auto hash = HashFile(svc.blobs().Path(sha));
      ASSERT_TRUE(hash.ok()) << "round " << round << ": blob of item " << item << " lost";
      EXPECT_EQ(*hash, sha);
      const auto index = static_cast<uint64_t>((*row)->i64("ledger_index"));
      ASSERT_LT(index, log.size());
      EXPECT_EQ(*log.Entry(index), (*row)->str("manifest"));
      auto custody = lease->QueryOne("SELECT COUNT(*) AS n FROM evidence_custody WHERE item_id = ?", {item});
      EXPECT_EQ((*custody)->i64("n"), 3);
    }
  }
  EXPECT_GT(items.size(), 3u) << "the child sealed too few items to test anything";
  EXPECT_GT(offsets.size(), items.size()) << "no upload was interrupted";
}

}  // namespace
}  // namespace sl::evidence
