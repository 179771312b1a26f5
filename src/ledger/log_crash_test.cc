// kill -9 during sealing, many times: a child process appends batches and
// reports each acknowledged batch and the checkpoint it published through a
// pipe; the parent SIGKILLs it at a random moment, reopens the log and checks
// that no acknowledged entry is lost and that the log is consistent with
// every checkpoint it ever published. Bounded: a fixed number of rounds of at
// most ~60 ms each.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <random>

#include "ledger/log_store.h"
#include "ledger/note.h"
#include "ledger/test_dir.h"

namespace sl::ledger {
namespace {

std::string EntryText(uint32_t round, uint32_t batch, uint32_t k) {
  return "round " + std::to_string(round) + " batch " + std::to_string(batch) + " entry " + std::to_string(k) +
         std::string(k % 97, '.');
}

struct Ack {
  uint64_t first = 0;
  uint32_t count = 0, round = 0, batch = 0;
  std::string checkpoint;
};

bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Child: append until killed, acknowledging each durable batch.
[[noreturn]] void Appender(const std::string& dir, uint32_t round, int fd) {
  auto log = LogStore::Open({dir, "crash.example/log"});
  if (!log.ok()) ::_exit(3);
  std::mt19937 rng(round);
  for (uint32_t batch = 0;; ++batch) {
    const uint32_t count = 1 + rng() % 200;
    std::vector<std::string> entries;
    for (uint32_t k = 0; k < count; ++k) entries.push_back(EntryText(round, batch, k));
    auto first = (*log)->AppendBatch(entries);
    if (!first.ok()) ::_exit(4);
    const std::string cp = (*log)->SignedCheckpoint();
    std::string msg(24, '\0');
    const uint64_t f = *first;
    const uint32_t fields[4] = {count, round, batch, static_cast<uint32_t>(cp.size())};
    std::memcpy(msg.data(), &f, 8);
    std::memcpy(msg.data() + 8, fields, 16);
    if (!WriteAll(fd, msg + cp)) ::_exit(5);
  }
}

// Parses whole messages from `buf`; a torn last message is not an ack.
std::vector<Ack> ParseAcks(const std::string& buf) {
  std::vector<Ack> out;
  size_t at = 0;
  while (at + 24 <= buf.size()) {
    Ack a;
    uint32_t fields[4];
    std::memcpy(&a.first, buf.data() + at, 8);
    std::memcpy(fields, buf.data() + at + 8, 16);
    if (at + 24 + fields[3] > buf.size()) break;
    a.count = fields[0];
    a.round = fields[1];
    a.batch = fields[2];
    a.checkpoint = buf.substr(at + 24, fields[3]);
    out.push_back(std::move(a));
    at += 24 + fields[3];
  }
  return out;
}

TEST(LogCrashTest, KillNineDuringSealingLosesNothingAcknowledged) {
  TempDir tmp;
  const std::string dir = tmp.path() + "/ledger";
  std::mt19937 rng(4242);
  std::vector<Ack> acked;
  constexpr uint32_t kRounds = 12;
  for (uint32_t round = 0; round < kRounds; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      Appender(dir, round, fds[1]);
    }
    ::close(fds[1]);
    // Read acknowledgements for a random while, then kill -9 mid-flight.
    std::string buf;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(5 + rng() % 55);
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
    // Whatever the child wrote before dying was acknowledged too.
    for (ssize_t n; (n = ::read(fds[0], chunk, sizeof chunk)) > 0;) buf.append(chunk, static_cast<size_t>(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status) << " in round " << round;
    auto round_acks = ParseAcks(buf);
    acked.insert(acked.end(), round_acks.begin(), round_acks.end());

    auto log = LogStore::Open({dir, "crash.example/log"});
    ASSERT_TRUE(log.ok()) << "round " << round << ": " << log.error().message;
    const NoteVerifier verifier = (*log)->verifier();
    for (const auto& a : acked) {
      ASSERT_GE((*log)->size(), a.first + a.count) << "round " << round;
      for (uint32_t k = 0; k < a.count; k += 37)
        ASSERT_EQ(*(*log)->Entry(a.first + k), EntryText(a.round, a.batch, k)) << "round " << round;
      auto note = OpenNote(a.checkpoint, {verifier});
      ASSERT_TRUE(note.ok());
      const Checkpoint cp = *ParseCheckpoint(note->note.text);
      ASSERT_EQ(*(*log)->Root(cp.size), cp.root) << "published checkpoint at " << cp.size << " not reproduced";
    }
  }
  EXPECT_GT(acked.size(), kRounds);  // the test did exercise sealing
}

}  // namespace
}  // namespace sl::ledger
