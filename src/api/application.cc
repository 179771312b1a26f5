#include "api/application.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "api/api_router.h"
#include "api/schema.h"
#include "api/system_routes.h"
#include "auth/auth_routes.h"
#include "evidence/evidence_routes.h"
#include "cases/case_routes.h"
#include "common/working_calendar.h"
#include "events/event_routes.h"
#include "fleet/fleet_routes.h"
#include "ledger/ledger_routes.h"
#include "org/org_routes.h"
#include "parking/parking_routes.h"
#include "store/migrations.h"
#include "subjects/subject_routes.h"

namespace sl::api {

std::string DefaultDatabaseUrl(const std::string& data_dir) { return "sqlite:" + data_dir + "/sightline.db"; }

Result<std::unique_ptr<Application>> Application::Open(AppOptions options, const Clock& clock) {
  if (options.database_url.empty()) {
    if (options.data_dir.empty()) return Error::BadRequest("no data directory and no database URL given", "data");
    options.database_url = DefaultDatabaseUrl(options.data_dir);
  }
  std::unique_ptr<Application> app(new Application(std::move(options), clock));
  SL_ASSIGN_OR_RETURN(app->db_, store::Database::Open(app->options_.database_url, app->options_.database_pool));
  SL_TRY(store::Migrate(*app->db_, AllMigrations()));
  app->auth_ = std::make_unique<auth::AuthService>(*app->db_, app->bus_, clock, app->options_.auth);
  // The transparency log lives in the data directory whatever the store; it
  // seals every audit event published on the bus.
  if (!app->options_.data_dir.empty()) {
    auto ledger =
        ledger::Ledger::Open({app->options_.data_dir + "/ledger", app->options_.ledger_origin}, &app->bus_);
    if (ledger.ok()) {
      app->ledger_ = std::move(ledger).value();
    } else if (ledger.error().code == ErrorCode::kUnavailable) {
      // The running server holds the log: a command such as `user add` still
      // works (its audit record is in the database) but is not sealed.
      std::fprintf(stderr, "sightline: %s; continuing without it\n", ledger.error().message.c_str());
    } else {
      return std::move(ledger).error();
    }
  }

  ApiRouter api(app->router_, *app->auth_);
  auth::RegisterAuthRoutes(api, *app->auth_, *app->db_);
  org::RegisterOrgRoutes(api, *app->db_, app->bus_, clock);
  subjects::RegisterSubjectRoutes(api, *app->db_, app->bus_, clock);
  app->fleet_ = std::make_unique<fleet::FleetService>(*app->db_, app->bus_, clock, app->options_.fleet);
  SL_TRY(app->fleet_->ReloadPermits());
  fleet::RegisterFleetRoutes(api, *app->db_, app->bus_, clock, *app->fleet_);
  if (!app->options_.jt808_listen.empty()) {
    net::TcpServerOptions terminals;
    terminals.listen = app->options_.jt808_listen;
    terminals.threads = app->options_.jt808_threads;
    app->terminals_ = std::make_unique<fleet::TerminalServer>(terminals, *app->fleet_, clock);
  }
  app->parking_ = std::make_unique<parking::ParkingService>(*app->db_, app->bus_, clock, app->options_.parking);
  SL_TRY(app->parking_->Start());
  parking::RegisterParkingRoutes(api, app->router_, *app->db_, app->bus_, clock, *app->parking_);
  // Penalty cases run their statutory clocks on the working calendar; a
  // deployment adds holidays and make-up days in DATA/calendar.txt.
  app->calendar_ = WorkingCalendar::China();
  if (!app->options_.data_dir.empty()) {
    const std::string path = app->options_.data_dir + "/calendar.txt";
    if (std::ifstream file(path); file) {
      std::stringstream text;
      text << file.rdbuf();
      auto parsed = WorkingCalendar::Parse(text.str(), WorkingCalendar::China());
      if (!parsed.ok()) return Error::BadRequest(path + ": " + parsed.error().message, "calendar");
      app->calendar_ = std::move(parsed).value();
    }
  }
  app->cases_ = std::make_unique<cases::CaseService>(*app->db_, app->bus_, clock, app->calendar_,
                                                     app->options_.cases);
  cases::RegisterCaseRoutes(api, *app->db_, *app->cases_);
  // Urban events: photos under DATA/blobs (in memory without a data directory).
  if (app->options_.data_dir.empty()) {
    app->event_blobs_ = std::make_unique<events::MemoryBlobStore>();
  } else {
    app->event_blobs_ = std::make_unique<events::FileBlobStore>(app->options_.data_dir + "/blobs");
  }
  app->events_ = std::make_unique<events::EventService>(*app->db_, app->bus_, clock, app->calendar_,
                                                        *app->event_blobs_);
  app->events_->SubscribeIntake();
  app->public_limiter_ = std::make_unique<events::RateLimiter>(clock);
  events::RegisterEventRoutes(api, *app->events_, *app->public_limiter_);
  events::RegisterOpen311Routes(api, *app->events_, *app->public_limiter_);
  ledger::RegisterLedgerRoutes(app->router_, app->ledger_.get());
  app->options_.evidence.data_dir = app->options_.data_dir;
  app->evidence_ = std::make_unique<evidence::EvidenceService>(*app->db_, app->bus_, clock, app->ledger_.get(),
                                                               app->options_.evidence);
  SL_TRY(app->evidence_->Open());
  evidence::RegisterEvidenceRoutes(api, *app->evidence_, *app->db_);
  Application* self = app.get();
  RegisterSystemRoutes(app->router_, api,
                       SystemDeps{*app->db_, app->bus_, clock,
                                  [self]() { return self->server_ ? self->server_->Stats() : net::ServerStats{}; },
                                  clock.NowMs(),
                                  [self]() {
                                    return fleet::FleetMetrics(*self->fleet_, self->terminals_.get()) +
                                           self->parking_->Metrics();
                                  }});
  app->server_ = std::make_unique<net::HttpServer>(app->options_.server, app->router_);
  return app;
}

Application::~Application() = default;

Status Application::Listen() {
  if (terminals_) SL_TRY(terminals_->Start());
  events_->StartDeadlineWatch();
  return server_->Listen();
}
uint16_t Application::port() const { return server_->port(); }
uint16_t Application::jt808_port() const { return terminals_ ? terminals_->port() : 0; }
void Application::Run() { server_->Run(); }
void Application::Stop() {
  if (terminals_) terminals_->Stop();
  server_->Stop();
}

}  // namespace sl::api
