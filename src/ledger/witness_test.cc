// The witness: cosigns consistent checkpoints, stores them before replying,
// and answers every protocol error with its status; also over real HTTP.
#include "ledger/witness.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "ledger/base64.h"
#include "ledger/log_store.h"
#include "ledger/test_dir.h"
#include "ledger/witness_command.h"
#include "net/server.h"

namespace sl::ledger {
namespace {

std::string Request(uint64_t old_size, const std::vector<Hash>& proof, const std::string& checkpoint) {
  std::string out = "old " + std::to_string(old_size) + "\n";
  for (const auto& h : proof) out += Base64Encode(HashBytes(h)) + "\n";
  return out + "\n" + checkpoint;
}

struct Fixture {
  TempDir tmp;
  ManualClock clock{1764300000000};
  std::unique_ptr<LogStore> log = LogStore::Open({tmp.path() + "/log", "tongxiang.example/ledger"}).value();
  std::unique_ptr<Witness> witness = Open();

  std::unique_ptr<Witness> Open() {
    auto w = Witness::Open({tmp.path() + "/witness", "court.example/witness", {log->VerifierKey()}}, clock);
    EXPECT_TRUE(w.ok()) << w.error().message;
    return w.ok() ? std::move(w).value() : nullptr;
  }
  void Grow(int n) {
    std::vector<std::string> batch;
    for (int i = 0; i < n; ++i) batch.push_back("entry " + std::to_string(log->size() + i));
    ASSERT_TRUE(log->AppendBatch(batch).ok());
  }
};

TEST(WitnessTest, CosignsConsistentCheckpointsAndRemembersThem) {
  Fixture f;
  f.Grow(10);
  auto first = f.witness->AddCheckpoint(Request(0, {}, f.log->SignedCheckpoint()));
  ASSERT_EQ(first.status, 200) << first.body;
  // The cosignature line verifies under the witness key, with the log's.
  const std::string cosigned = f.log->SignedCheckpoint() + first.body;
  auto opened = OpenNote(cosigned, {f.log->verifier(), *NoteVerifier::Parse(f.witness->VerifierKey())});
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(opened->verified_by.size(), 2u);
  EXPECT_EQ(f.witness->Latest("tongxiang.example/ledger"), f.log->SignedCheckpoint());

  f.Grow(25);
  const auto proof = *f.log->Consistency(10, 35);
  EXPECT_EQ(f.witness->AddCheckpoint(Request(10, proof, f.log->SignedCheckpoint())).status, 200);
  // Same checkpoint again: cosigned again, nothing to prove.
  EXPECT_EQ(f.witness->AddCheckpoint(Request(35, {}, f.log->SignedCheckpoint())).status, 200);

  // A restarted witness keeps its key and what it cosigned.
  const std::string vkey = f.witness->VerifierKey();
  f.witness = f.Open();
  EXPECT_EQ(f.witness->VerifierKey(), vkey);
  auto stale = f.witness->AddCheckpoint(Request(10, proof, f.log->SignedCheckpoint()));
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.body, "35\n");
  EXPECT_EQ(stale.content_type, "text/x.tlog.size");
}

TEST(WitnessTest, ProtocolErrors) {
  Fixture f;
  f.Grow(10);
  ASSERT_EQ(f.witness->AddCheckpoint(Request(0, {}, f.log->SignedCheckpoint())).status, 200);
  f.Grow(6);
  const std::string cp = f.log->SignedCheckpoint();
  auto proof = *f.log->Consistency(10, 16);
  auto bad_proof = proof;
  bad_proof[0][0] ^= 1;
  auto impostor = *NoteSigner::FromSeed("tongxiang.example/ledger", std::string(32, 'i'));
  Note forged = *ParseNote(cp);
  forged.signatures.clear();
  ASSERT_TRUE(SignNote(forged, impostor).ok());
  TempDir other_dir;
  auto other_log = LogStore::Open({other_dir.path() + "/log", "other.example/ledger"}).value();

  const struct {
    const char* what;
    std::string body;
    int status;
  } kCases[] = {
      {"no old line", "12\n\n" + cp, 400},
      {"old not a number", "old x\n\n" + cp, 400},
      {"no blank line", "old 10\n", 400},
      {"proof line not base64", "old 10\n!!!\n\n" + cp, 400},
      {"malformed checkpoint", Request(10, proof, "not a note\n"), 400},
      {"old above new", Request(20, proof, cp), 400},
      {"unknown origin", Request(0, {}, other_log->SignedCheckpoint()), 404},
      {"signed by another key", Request(10, proof, FormatNote(forged)), 403},
      {"old is not what the witness has", Request(5, proof, cp), 409},
      {"bad consistency proof", Request(10, bad_proof, cp), 422},
      {"missing consistency proof", Request(10, {}, cp), 422},
  };
  for (const auto& c : kCases) {
    auto r = f.witness->AddCheckpoint(c.body);
    EXPECT_EQ(r.status, c.status) << c.what << ": " << r.body;
  }
  EXPECT_EQ(f.witness->AddCheckpoint(Request(10, proof, cp)).status, 200);
}

TEST(WitnessTest, ServesAddCheckpointOverHttp) {
  Fixture f;
  f.Grow(3);
  net::Router router;
  RegisterWitnessRoutes(router, *f.witness);
  net::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.threads = 1;
  net::HttpServer server(options, router);
  ASSERT_TRUE(server.Listen().ok());
  std::thread runner([&] { server.Run(); });
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(5);
  auto r = client.Post("/add-checkpoint", Request(0, {}, f.log->SignedCheckpoint()), "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body.rfind("\xE2\x80\x94 court.example/witness ", 0), 0u) << r->body;
  server.Stop();
  runner.join();
}

// `sightline witness` as its own process (forked, running RunWitness as the
// subcommand does): it cosigns over HTTP, stops on SIGTERM, and a restarted
// process remembers what it cosigned.
class WitnessProcess {
 public:
  WitnessProcess(const std::string& state, const std::string& log_vkey) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(fds[0]);
      const int code = RunWitness(state, "police.example/witness", {log_vkey}, "127.0.0.1:0", [fd = fds[1]](uint16_t port) {
        (void)!::write(fd, &port, sizeof port);
        ::close(fd);
      });
      ::_exit(code);
    }
    ::close(fds[1]);
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, 10000) == 1 && ::read(fds[0], &port_, sizeof port_) != sizeof port_) port_ = 0;
    ::close(fds[0]);
  }
  ~WitnessProcess() { Stop(); }
  uint16_t port() const { return port_; }
  // SIGTERM, then the exit status (-1 if it did not exit within 10 s).
  int Stop() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    int status = -1;
    for (int i = 0; i < 1000; ++i) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      ::usleep(10000);
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    pid_ = 0;
    return -1;
  }

 private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

TEST(WitnessProcessTest, SeparateProcessCosignsAndKeepsStateAcrossRestart) {
  Fixture f;
  f.Grow(5);
  const std::string state = f.tmp.path() + "/police";
  {
    WitnessProcess process(state, f.log->VerifierKey());
    ASSERT_NE(process.port(), 0);
    httplib::Client client("127.0.0.1", process.port());
    client.set_read_timeout(5);
    auto r = client.Post("/add-checkpoint", Request(0, {}, f.log->SignedCheckpoint()), "text/plain");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    const auto key = NoteSigner::Parse([&] {
      std::ifstream in(state + "/witness.key");
      return std::string(std::istreambuf_iterator<char>(in), {});
    }());
    ASSERT_TRUE(key.ok());
    auto opened = OpenNote(f.log->SignedCheckpoint() + r->body, {f.log->verifier(), key->verifier()});
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    EXPECT_EQ(opened->verified_by.size(), 2u);
    EXPECT_EQ(process.Stop(), 0);
  }
  f.Grow(4);
  WitnessProcess restarted(state, f.log->VerifierKey());
  ASSERT_NE(restarted.port(), 0);
  httplib::Client client("127.0.0.1", restarted.port());
  client.set_read_timeout(5);
  auto stale = client.Post("/add-checkpoint", Request(0, {}, f.log->SignedCheckpoint()), "text/plain");
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 409);
  EXPECT_EQ(stale->body, "5\n");
  auto next = client.Post("/add-checkpoint", Request(5, *f.log->Consistency(5, 9), f.log->SignedCheckpoint()), "text/plain");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200) << next->body;
}

}  // namespace
}  // namespace sl::ledger
