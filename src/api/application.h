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
#include "cases/case_service.h"
#include "bus/event_bus.h"
#include "common/clock.h"
#include "common/result.h"
#include "evidence/evidence_service.h"
#include "common/working_calendar.h"
#include "events/blob_store.h"
#include "events/event_service.h"
#include "events/rate_limiter.h"
#include "fleet/fleet_service.h"
#include "fleet/terminal_server.h"
#include "ledger/ledger.h"
#include "net/router.h"
#include "parking/parking_service.h"
#include "net/server.h"
#include "store/db.h"

namespace sl::api {

struct AppOptions {
  std::string data_dir;       // state: database file, keys, blobs
  std::string database_url;   // empty: "sqlite:<data_dir>/sightline.db"
  int database_pool = 8;
  net::ServerOptions server;
  auth::AuthOptions auth;
  // JT/T 808 terminal server; empty: not started. `sightline serve` defaults
  // it to 127.0.0.1:6808 (--jt808, SIGHTLINE_JT808).
  std::string jt808_listen;
  int jt808_threads = 2;      // fleet.jt808_threads: I/O threads of the terminal listener
  fleet::FleetOptions fleet;
  // Transparency log origin and key name (ledger.origin); it appears in every
  // checkpoint and in the partners' trust policies, so set it once per
  // deployment, before the first start (the key is created for it).
  std::string ledger_origin = "sightline.local/ledger";
  // Smart parking: the MQTT broker (parking.mqtt, --mqtt, SIGHTLINE_MQTT) and the ingest rules.
  parking::ParkingOptions parking;
  // Field evidence (uploads and blobs under data_dir); data_dir is filled in.
  evidence::EvidenceOptions evidence;
  cases::CaseServiceOptions cases;
};

class Application {
 public:
  // Opens the store and migrates it; does not listen yet.
  static Result<std::unique_ptr<Application>> Open(AppOptions options, const Clock& clock = SystemClock::Instance());
  ~Application();

  Status Listen();      // binds the HTTP listener (and the JT/T 808 one when configured)
  uint16_t port() const;
  uint16_t jt808_port() const;  // 0 when the terminal server is off
  void Run();           // serves until Stop() or SIGTERM/SIGINT (when enabled in options)
  void Stop();

  store::Database& db() { return *db_; }
  EventBus& bus() { return bus_; }
  auth::AuthService& auth() { return *auth_; }
  ledger::Ledger* ledger() { return ledger_.get(); }  // null without a data directory
  fleet::FleetService& fleet() { return *fleet_; }
  parking::ParkingService& parking() { return *parking_; }
  evidence::EvidenceService& evidence() { return *evidence_; }
  cases::CaseService& cases() { return *cases_; }
  // The working-day calendar of every statutory clock: the built-in China
  // calendar plus DATA/calendar.txt when present.
  const WorkingCalendar& calendar() const { return calendar_; }
  events::EventService& events() { return *events_; }
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
  std::unique_ptr<fleet::FleetService> fleet_;
  std::unique_ptr<fleet::TerminalServer> terminals_;  // after fleet_: stopped before it goes
  std::unique_ptr<parking::ParkingService> parking_;
  std::unique_ptr<evidence::EvidenceService> evidence_;
  WorkingCalendar calendar_;
  std::unique_ptr<cases::CaseService> cases_;  // after calendar_: uses it
  // Urban events: photos, the service (bus subscriber, deadline watch) and the public rate limit.
  std::unique_ptr<events::BlobStore> event_blobs_;
  std::unique_ptr<events::EventService> events_;
  std::unique_ptr<events::RateLimiter> public_limiter_;
  net::Router router_;
  std::unique_ptr<net::HttpServer> server_;
};

// The database URL used for a data directory when none is configured.
std::string DefaultDatabaseUrl(const std::string& data_dir);

}  // namespace sl::api
