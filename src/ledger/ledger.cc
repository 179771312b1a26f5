#include "ledger/ledger.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "auth/audit.h"

namespace sl::ledger {

namespace {

// The optional `witnesses` file of the log directory.
Result<std::vector<WitnessEndpoint>> ReadWitnesses(const std::string& path) {
  std::vector<WitnessEndpoint> out;
  std::ifstream in(path);
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    std::istringstream words(line);
    WitnessEndpoint w;
    std::string extra;
    if (!(words >> w.vkey) || w.vkey[0] == '#') continue;
    if (!(words >> w.url) || (words >> extra))
      return Error::BadRequest(path + " line " + std::to_string(number) + ": expected <witness vkey> <url>");
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<Ledger>> Ledger::Open(LogOptions options, EventBus* bus, size_t max_batch) {
  std::unique_ptr<Ledger> ledger(new Ledger);
  const std::string witnesses_file = options.dir + "/witnesses";
  SL_ASSIGN_OR_RETURN(ledger->log_, LogStore::Open(std::move(options)));
  SL_ASSIGN_OR_RETURN(auto witnesses, ReadWitnesses(witnesses_file));
  ledger->max_batch_ = max_batch ? max_batch : 1;
  ledger->thread_ = std::thread([l = ledger.get()] { l->Run(); });
  SL_TRY(ledger->StartWitnessing(witnesses, std::chrono::seconds(1)));
  if (bus) {
    ledger->bus_ = bus;
    Ledger* self = ledger.get();
    ledger->subscription_ = bus->Subscribe<auth::AuditEvent>(
        [self](const auth::AuditEvent& e) { self->Add(auth::AuditEntryJson(e.entry)); });
  }
  return ledger;
}

Ledger::~Ledger() {
  if (bus_) bus_->Unsubscribe(subscription_);
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  witness_wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (witness_thread_.joinable()) witness_thread_.join();
}

Status Ledger::StartWitnessing(const std::vector<WitnessEndpoint>& witnesses, std::chrono::milliseconds interval) {
  if (witnesses.empty() || cosigner_) return {};
  SL_ASSIGN_OR_RETURN(cosigner_, Cosigner::Create(*log_, witnesses));
  witness_thread_ = std::thread([this, interval] {
    uint64_t witnessed = UINT64_MAX;
    std::unique_lock lock(mutex_);
    while (!stop_) {
      const uint64_t size = log_->size();
      if (size != witnessed) {
        lock.unlock();
        cosigner_->Round();
        witnessed = size;
        lock.lock();
      }
      witness_wake_.wait_for(lock, interval, [this] { return stop_; });
    }
  });
  return {};
}

std::string Ledger::PublishedCheckpoint() const {
  if (cosigner_) {
    std::string cosigned = cosigner_->Published();
    if (!cosigned.empty()) return cosigned;
  }
  return log_->SignedCheckpoint();
}

std::future<Result<uint64_t>> Ledger::Add(std::string entry) {
  Pending p{std::move(entry), {}};
  auto future = p.done.get_future();
  if (p.entry.size() > kMaxEntryBytes) {  // refused here so it cannot fail a whole batch
    p.done.set_value(Error::TooLarge("log entry of " + std::to_string(p.entry.size()) + " bytes is over 65535"));
    return future;
  }
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(p));
  }
  wake_.notify_one();
  return future;
}

void Ledger::Flush() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

uint64_t Ledger::batches() const {
  std::lock_guard lock(mutex_);
  return batches_;
}

void Ledger::Run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) break;  // stopping, everything sealed
    std::vector<Pending> batch;
    while (!queue_.empty() && batch.size() < max_batch_) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    busy_ = true;
    lock.unlock();
    std::vector<std::string> entries;
    entries.reserve(batch.size());
    for (auto& p : batch) entries.push_back(std::move(p.entry));
    auto first = log_->AppendBatch(entries);
    if (!first.ok()) std::fprintf(stderr, "ledger: batch of %zu failed: %s\n", batch.size(), first.error().message.c_str());
    for (size_t i = 0; i < batch.size(); ++i)
      batch[i].done.set_value(first.ok() ? Result<uint64_t>(*first + i) : Result<uint64_t>(first.error()));
    lock.lock();
    busy_ = false;
    ++batches_;
    if (queue_.empty()) idle_.notify_all();
  }
  idle_.notify_all();
}

}  // namespace sl::ledger
