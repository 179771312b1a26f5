// Application: the composition root of `sightline serve`. Opens the store,
// applies migrations, wires the bus, the auth service and every module's
// routes into one router, and owns the HTTP server.
//
// Tests build one in-process with port 0; main() builds one from the
// configuration file and the command line.
#pragma once

#include <memory>
#include <string>

#include "auth/auth_service.h"
#include "bus/event_bus.h"
#include "common/clock.h"
#include "common/result.h"
#include "ledger/ledger.h"
#include "net/router.h"
#include "net/server.h"
#include "store/db.h"

namespace sl::api {

struct AppOptions {
  std::string data_dir;       // state: database file, keys, blobs
  std::string database_url;   // empty: "sqlite:<data_dir>/sightline.db"
  int database_pool = 8;
  net::ServerOptions server;
  auth::AuthOptions auth;
};

class Application {
 public:
  // Opens the store and migrates it; does not listen yet.
  static Result<std::unique_ptr<Application>> Open(AppOptions options, const Clock& clock = SystemClock::Instance());
  ~Application();

  Status Listen();      // binds the HTTP listener
  uint16_t port() const;
  void Run();           // serves until Stop() or SIGTERM/SIGINT (when enabled in options)
  void Stop();

  store::Database& db() { return *db_; }
  EventBus& bus() { return bus_; }
  auth::AuthService& auth() { return *auth_; }
  ledger::Ledger* ledger() { return ledger_.get(); }  // null without a data directory
  const net::Router& router() const { return router_; }
  const AppOptions& options() const { return options_; }

 private:
  Application(AppOptions options, const Clock& clock) : options_(std::move(options)), clock_(clock), bus_(clock) {}

  AppOptions options_;
  const Clock& clock_;
  EventBus bus_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<auth::AuthService> auth_;
  std::unique_ptr<ledger::Ledger> ledger_;
  net::Router router_;
  std::unique_ptr<net::HttpServer> server_;
};

// The database URL used for a data directory when none is configured.
std::string DefaultDatabaseUrl(const std::string& data_dir);

}  // namespace sl::api
