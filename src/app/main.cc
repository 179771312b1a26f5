// sightline: one binary, a few subcommands (see docs/architecture.md).
//   serve   run the platform
//   demo    create the synthetic Tongxiang-scale city in a data directory
//   user    add accounts, reset passwords
//   backup  copy the embedded store consistently while it runs
//   verify  check an evidence verification bundle offline
//   witness run a C2SP tlog-witness for a partner department
//   bundle  build a verification bundle from a server's public ledger
//   version
#include <CLI/CLI.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "api/app_config.h"
#include "api/application.h"
#include "api/schema.h"
#include "auth/roles.h"
#include "cases/demo_cases.h"
#include "demo/demo_city.h"
#include "evidence/demo_evidence.h"
#include "fleet/demo_fleet.h"
#include "events/demo_events.h"
#include "common/working_calendar.h"
#include "fleet/simulator.h"
#include "parking/demo_parking.h"
#include "parking/simulator.h"
#include "ledger/bundle_command.h"
#include "ledger/verify_command.h"
#include "ledger/witness_command.h"
#include "store/backup.h"
#include "store/migrations.h"

namespace fs = std::filesystem;

namespace {

int Fail(const std::string& what) {
  std::fprintf(stderr, "sightline: %s\n", what.c_str());
  return 1;
}

// The web build sits at <repo>/web/dist when running from a build tree
// (<repo>/build/sightline); packaged installs put it in /usr/share/sightline/web.
std::string DefaultWebRoot() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (const fs::path& candidate : {exe.parent_path().parent_path() / "web" / "dist", exe.parent_path() / "web"})
      if (fs::exists(candidate / "index.html", ec)) return candidate.string();
  }
  if (fs::exists("/usr/share/sightline/web/index.html", ec)) return "/usr/share/sightline/web";
  return "";
}

struct CommonFlags {
  std::string data = "data";
  std::string config_file;
  std::string database_url;
};

sl::Result<sl::api::AppOptions> LoadOptions(const CommonFlags& flags, const std::string& http_flag,
                                            const std::string& web_flag) {
  sl::Config config;
  const std::string path = flags.config_file.empty() ? flags.data + "/sightline.toml" : flags.config_file;
  SL_ASSIGN_OR_RETURN(config, sl::Config::LoadFile(path));
  sl::api::ApplyEnvironment(config);
  if (!http_flag.empty()) config.Set("server.http", http_flag);
  if (!web_flag.empty()) config.Set("server.web_root", web_flag);
  if (!flags.database_url.empty()) config.Set("store.url", flags.database_url);
  SL_ASSIGN_OR_RETURN(auto options, sl::api::OptionsFromConfig(config, flags.data));
  if (options.server.web_root.empty()) options.server.web_root = DefaultWebRoot();
  return options;
}

void AddCommonFlags(CLI::App* cmd, CommonFlags& flags) {
  cmd->add_option("--data", flags.data, "Data directory (database, keys, blobs)")->capture_default_str();
  cmd->add_option("--config", flags.config_file, "Configuration file (default DATA/sightline.toml)");
  cmd->add_option("--database", flags.database_url,
                  "Database URL: sqlite:/path/file.db or postgresql://user@host:port/db (env SIGHTLINE_DATABASE_URL)");
}

int Serve(const CommonFlags& flags, const std::string& http, const std::string& web, const std::string& jt808,
          const std::string& mqtt) {
  const auto started = std::chrono::steady_clock::now();
  auto options = LoadOptions(flags, http, web);
  if (!options.ok()) return Fail(options.error().message);
  if (!jt808.empty()) options->jt808_listen = jt808;
  if (!mqtt.empty()) options->parking.mqtt_url = mqtt;
  options->server.handle_signals = true;
  std::error_code ec;
  fs::create_directories(flags.data, ec);
  auto app = sl::api::Application::Open(std::move(options).value());
  if (!app.ok()) return Fail(app.error().message);
  if (auto listened = (*app)->Listen(); !listened.ok()) return Fail(listened.error().message);
  const auto& opts = (*app)->options();
  const bool tls = !opts.server.tls_cert_file.empty();
  std::string host = opts.server.listen.substr(0, opts.server.listen.rfind(':'));
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  std::printf("sightline: serving %s://%s:%u/ (store %s, web %s) — ready in %.0f ms\n", tls ? "https" : "http",
              host.c_str(), (*app)->port(), (*app)->db().Describe().c_str(),
              opts.server.web_root.empty() ? "(none)" : opts.server.web_root.c_str(), ms);
  if ((*app)->jt808_port()) std::printf("sightline: JT/T 808 terminals on port %u\n", (*app)->jt808_port());
  std::fflush(stdout);
  (*app)->Run();
  std::printf("sightline: stopped\n");
  return 0;
}

int Demo(const CommonFlags& flags, uint64_t seed, int subjects, int trucks_count, int64_t parking_sessions) {
  auto options = LoadOptions(flags, "", "");
  if (!options.ok()) return Fail(options.error().message);
  std::error_code ec;
  fs::create_directories(flags.data, ec);
  if (ec) return Fail("cannot create data directory " + flags.data + ": " + ec.message());
  const std::string url = options->database_url.empty() ? sl::api::DefaultDatabaseUrl(flags.data) : options->database_url;
  auto db = sl::store::Database::Open(url, 2);
  if (!db.ok()) return Fail(db.error().message);
  if (auto migrated = sl::store::Migrate(**db, sl::api::AllMigrations()); !migrated.ok())
    return Fail(migrated.error().message);
  sl::demo::DemoOptions demo;
  demo.seed = seed;
  if (subjects > 0) demo.subjects = subjects;
  if (const char* password = std::getenv("SIGHTLINE_DEMO_PASSWORD"); password && *password) demo.password = password;
  auto report = sl::demo::GenerateDemoCity(**db, demo, sl::SystemClock::Instance());
  if (!report.ok()) return Fail(report.error().message);
  // The construction-waste fleet; `simulate trucks --demo-routes` drives it
  // (the simulator's demo seed is 1, like the default city's).
  if (trucks_count < 1 || trucks_count > 100'000) return Fail("--trucks must be 1 to 100000");
  auto trucks = sl::fleet::LoadDemoFleet(**db, sl::fleet::MakeDemoFleet(seed, trucks_count),
                                         sl::SystemClock::Instance().NowMs());
  if (!trucks.ok()) return Fail(trucks.error().message);
  // Penalty cases since 2022 on the built-in calendar (a deployment's
  // calendar.txt only matters for live clocks).
  sl::cases::DemoCasesOptions case_options;
  case_options.seed = seed;
  auto cases = sl::cases::LoadDemoCases(**db, case_options, sl::SystemClock::Instance().NowMs(),
                                        sl::WorkingCalendar::China());
  if (!cases.ok()) return Fail(cases.error().message);
  std::printf("sightline demo: %d penalty cases (%d general procedure, %d open, %d overdue, %d steps) in %.2f s\n",
              cases->cases, cases->general, cases->open, cases->overdue, cases->steps, cases->seconds);
  std::printf("sightline demo: %d transport companies, %d trucks, %d disposal permits, %d speed zones\n",
              trucks->companies, trucks->vehicles, trucks->permits, trucks->speed_zones);
  // Parking lots, sensors and the history of finished sessions;
  // `simulate parking --demo-seed` drives the same sensors.
  auto parking = sl::parking::LoadDemoParking(**db, sl::parking::MakeDemoParking(seed), seed, parking_sessions,
                                              sl::SystemClock::Instance().NowMs());
  if (!parking.ok()) return Fail(parking.error().message);
  std::printf("sightline demo: %d parking lots, %d sensed spaces, %d tariffs, %lld historical sessions "
              "(history written in %.1f s, parking in all %.1f s)\n",
              parking->lots, parking->spaces, parking->tariffs, static_cast<long long>(parking->sessions),
              parking->history_seconds, parking->seconds);
  // Urban events since 2022 through the seven steps.
  sl::events::DemoEventOptions event_options;
  event_options.seed = seed;
  auto events = sl::events::LoadDemoEvents(**db, event_options, sl::SystemClock::Instance().NowMs(),
                                           sl::WorkingCalendar::China());
  if (!events.ok()) return Fail(events.error().message);
  std::printf("sightline demo: %d urban events since 2022 (%d steps; %d open, %d of them overdue) in %.2f s\n",
              events->events, events->steps, events->open, events->overdue_open, events->seconds);
  // Field evidence: sealed items with small real media, linked to demo cases.
  sl::evidence::DemoEvidenceOptions evidence_demo;
  evidence_demo.seed = seed;
  auto evidence = sl::evidence::GenerateDemoEvidence(**db, flags.data, options->ledger_origin, options->evidence,
                                                     evidence_demo, sl::SystemClock::Instance());
  if (!evidence.ok()) return Fail(evidence.error().message);
  std::printf("sightline demo: %d evidence items sealed in the log (%d photos, %d with EXIF flags, %d scans, %d "
              "records, %d audio, %d signatures, %d tracks) in %.2f s\n",
              evidence->items, evidence->photos, evidence->flagged, evidence->scans, evidence->records,
              evidence->audio, evidence->signatures, evidence->tracks, evidence->seconds);
  std::printf("sightline demo: %d towns, %d unit grids, %d departments, %d officers, %d auxiliaries, %d devices, "
              "%d subjects, %d accounts in %.2f s (seed %llu, %s)\n",
              report->towns, report->grids, report->departments, report->officers, report->auxiliaries,
              report->devices, report->subjects, report->users, report->seconds,
              static_cast<unsigned long long>(seed), (*db)->Describe().c_str());
  if (report->password_generated) {
    const std::string path = flags.data + "/demo-credentials.txt";
    {
      // Created 0600 before anything is written to it.
      const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (fd < 0) return Fail("cannot write " + path);
      ::close(fd);
      ::chmod(path.c_str(), 0600);
    }
    std::ofstream out(path, std::ios::trunc);
    out << "# Sightline demo accounts (one per role). Keep this file private.\n";
    for (const auto& account : report->accounts)
      out << account.username << "\t" << report->password << "\t" << account.role << "\n";
    std::printf("sightline demo: accounts %s share the password %s (also in %s)\n", "admin, commander, ...",
                report->password.c_str(), path.c_str());
  } else {
    std::printf("sightline demo: demo accounts use the password from SIGHTLINE_DEMO_PASSWORD\n");
  }
  return 0;
}

int UserAdd(const CommonFlags& flags, const std::string& username, const std::string& role, std::string password) {
  auto options = LoadOptions(flags, "", "");
  if (!options.ok()) return Fail(options.error().message);
  auto parsed_role = sl::auth::ParseRole(role);
  if (!parsed_role || *parsed_role == sl::auth::Role::kPublic) return Fail("unknown role '" + role + "'");
  if (password.empty()) {
    const char* env = std::getenv("SIGHTLINE_PASSWORD");
    if (!env) return Fail("give the password in SIGHTLINE_PASSWORD (kept out of the shell history)");
    password = env;
  }
  auto app = sl::api::Application::Open(std::move(options).value());
  if (!app.ok()) return Fail(app.error().message);
  sl::auth::NewUser user;
  user.username = username;
  user.role = *parsed_role;
  user.password = password;
  auto id = (*app)->auth().CreateUser(user, sl::auth::AuthService::System());
  if (!id.ok()) return Fail(id.error().message);
  std::printf("sightline: user %s (%s) created with id %lld\n", username.c_str(), role.c_str(),
              static_cast<long long>(*id));
  return 0;
}

int UserPasswd(const CommonFlags& flags, const std::string& username) {
  auto options = LoadOptions(flags, "", "");
  if (!options.ok()) return Fail(options.error().message);
  const char* env = std::getenv("SIGHTLINE_PASSWORD");
  if (!env) return Fail("give the new password in SIGHTLINE_PASSWORD");
  auto app = sl::api::Application::Open(std::move(options).value());
  if (!app.ok()) return Fail(app.error().message);
  auto done = (*app)->auth().SetPassword(username, env, sl::auth::AuthService::System());
  if (!done.ok()) return Fail(done.error().message);
  std::printf("sightline: password of %s changed; their sessions were revoked\n", username.c_str());
  return 0;
}

int Backup(const CommonFlags& flags, const std::string& out) {
  auto options = LoadOptions(flags, "", "");
  if (!options.ok()) return Fail(options.error().message);
  const std::string url = options->database_url.empty() ? sl::api::DefaultDatabaseUrl(flags.data) : options->database_url;
  auto done = sl::store::BackupSqlite(url, out);
  if (!done.ok()) return Fail(done.error().message);
  std::printf("sightline: backup written to %s\n", out.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Sightline — visual command platform for comprehensive administrative law enforcement"};
  cli.require_subcommand(1);
  CommonFlags flags;

  std::string http, web, jt808, mqtt;
  auto* serve = cli.add_subcommand("serve", "Run the platform");
  AddCommonFlags(serve, flags);
  serve->add_option("--http", http, "Listen address host:port (env SIGHTLINE_HTTP, default 127.0.0.1:8080)");
  serve->add_option("--web", web, "Directory of the web build (default: web/dist of the source tree)");
  serve->add_option("--jt808", jt808, "JT/T 808 terminal listen address host:port (env SIGHTLINE_JT808, default 127.0.0.1:6808)");
  serve->add_option("--mqtt", mqtt, "MQTT broker of the parking sensors, mqtt://host:port (env SIGHTLINE_MQTT)");

  uint64_t seed = 1;
  int subjects = 0;
  int demo_trucks = 517;
  auto* demo = cli.add_subcommand("demo", "Create the demo city in an empty data directory");
  AddCommonFlags(demo, flags);
  demo->add_option("--seed", seed, "Random seed; the same seed gives the same city")->capture_default_str();
  demo->add_option("--subjects", subjects, "Number of street-front entities (default 36500)");
  int64_t parking_sessions = 8'000'000;
  demo->add_option("--parking-sessions", parking_sessions, "Historical parking sessions (0..50000000)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{50'000'000}));
  demo->add_option("--trucks", demo_trucks, "Construction-waste trucks (load tests drive more)")->capture_default_str();

  auto* user = cli.add_subcommand("user", "Manage accounts");
  user->require_subcommand(1);
  std::string username, role, password;
  auto* user_add = user->add_subcommand("add", "Add an account (password from SIGHTLINE_PASSWORD)");
  AddCommonFlags(user_add, flags);
  user_add->add_option("--username", username)->required();
  user_add->add_option("--role", role, "admin, commander, officer, auxiliary, legal_reviewer, leader, supervisor, partner")
      ->required();
  auto* user_passwd = user->add_subcommand("passwd", "Set a password (from SIGHTLINE_PASSWORD)");
  AddCommonFlags(user_passwd, flags);
  user_passwd->add_option("--username", username)->required();

  std::string backup_out;
  auto* backup = cli.add_subcommand("backup", "Copy the embedded SQLite store while the server runs");
  AddCommonFlags(backup, flags);
  backup->add_option("--out", backup_out, "Destination file")->required();

  std::string bundle_dir, policy_file;
  bool verify_json = false;
  auto* verify = cli.add_subcommand("verify", "Check a verification bundle offline (exit 0 only when all holds)");
  verify->add_option("bundle", bundle_dir, "Bundle directory")->required();
  verify->add_option("--policy", policy_file, "Your own copy of the trust policy (default: the bundle's)");
  verify->add_flag("--json", verify_json, "Print the report as JSON");

  std::string witness_state, witness_name, witness_http = "127.0.0.1:7380";
  std::vector<std::string> witness_logs;
  auto* witness = cli.add_subcommand("witness", "Run a transparency-log witness (C2SP tlog-witness)");
  witness->add_option("--state", witness_state, "State directory (key, cosigned checkpoints)")->required();
  witness->add_option("--name", witness_name, "Witness key name, e.g. court.example/witness")->required();
  witness->add_option("--log", witness_logs, "Verifier key of a log to witness (repeatable)")->required();
  witness->add_option("--http", witness_http, "Listen address host:port")->capture_default_str();

  sl::fleet::SimulatorOptions sim;
  std::string sim_target = "127.0.0.1:6808";
  auto* simulate = cli.add_subcommand("simulate", "Drive simulated devices (JT/T 808 trucks over TCP, parking sensors over MQTT)");
  simulate->require_subcommand(1);
  auto* trucks = simulate->add_subcommand("trucks", "Construction-waste trucks: register, authenticate, report");
  trucks->add_option("--count", sim.count, "Number of trucks")->capture_default_str();
  trucks->add_option("--jt808", sim_target, "Platform JT/T 808 address host:port")->capture_default_str();
  trucks->add_option("--seconds", sim.seconds, "Driving time measured after all trucks logged in")->capture_default_str();
  trucks->add_option("--interval-ms", sim.interval_ms, "Between fixes of one truck; 0 = closed loop")->capture_default_str();
  trucks->add_option("--first-phone", sim.first_phone, "Terminal phone of the first truck")->capture_default_str();
  trucks->add_option("--garbage-rate", sim.garbage_rate, "Fraction of frames sent after junk bytes")->capture_default_str();
  trucks->add_option("--split-rate", sim.split_rate, "Fraction of frames written in two parts")->capture_default_str();
  trucks->add_option("--seed", sim.seed, "Random seed")->capture_default_str();
  trucks->add_flag("--demo-routes", sim.demo_routes, "Drive the demo city's trucks along their permit corridors");
  trucks->add_option("--demo-seed", sim.demo_seed, "Seed the demo city was made with")->capture_default_str();
  trucks->add_option("--off-route-rate", sim.off_route_rate, "With --demo-routes: fraction driving 300 m off route")
      ->capture_default_str();
  trucks->add_option("--overspeed-rate", sim.overspeed_rate,
                     "With --demo-routes: fraction driving 55 km/h through the speed zones")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();

  sl::parking::ParkingSimOptions parking_sim;
  auto* parking_cmd = simulate->add_subcommand("parking", "Parking sensors: publish occupancy changes to the MQTT broker");
  parking_cmd->add_option("--mqtt", parking_sim.mqtt, "Broker, mqtt://host:port")->capture_default_str();
  parking_cmd->add_option("--demo-seed", parking_sim.demo_seed, "Seed the demo city was made with")->capture_default_str();
  parking_cmd->add_option("--seed", parking_sim.seed, "Random seed")->capture_default_str();
  parking_cmd->add_option("--rate", parking_sim.rate, "Messages per second; 0 = as fast as possible")->capture_default_str();
  parking_cmd->add_option("--seconds", parking_sim.seconds, "Run time with a rate")->capture_default_str();
  parking_cmd->add_option("--count", parking_sim.count, "With --rate 0: messages to publish")->capture_default_str();
  parking_cmd->add_option("--qos", parking_sim.qos, "MQTT QoS 0 or 1")->capture_default_str()->check(CLI::Range(0, 1));

  sl::ledger::BundleCommand bundle_command;
  auto* bundle = cli.add_subcommand("bundle", "Build a verification bundle from a server's public ledger");
  bundle->add_option("--server", bundle_command.server, "Server base URL, e.g. http://127.0.0.1:8080")->required();
  bundle->add_option("--index", bundle_command.indexes, "Log entry index (repeatable)")->required();
  bundle->add_option("--file", bundle_command.files, "<path in bundle>=<local file> (repeatable)");
  bundle->add_option("--policy", bundle_command.policy_file, "The bureau's trust policy")->required();
  bundle->add_option("--out", bundle_command.out, "New bundle directory")->required();
  bundle->add_option("--title", bundle_command.title, "Title recorded in bundle.json");

  auto* version = cli.add_subcommand("version", "Print the version");

  CLI11_PARSE(cli, argc, argv);
  if (serve->parsed()) return Serve(flags, http, web, jt808, mqtt);
  if (demo->parsed()) return Demo(flags, seed, subjects, demo_trucks, parking_sessions);
  if (user_add->parsed()) return UserAdd(flags, username, role, password);
  if (user_passwd->parsed()) return UserPasswd(flags, username);
  if (backup->parsed()) return Backup(flags, backup_out);
  if (verify->parsed()) return sl::ledger::RunVerify(bundle_dir, policy_file, verify_json, stdout);
  if (bundle->parsed()) return sl::ledger::RunBundle(bundle_command, stdout);
  if (witness->parsed()) return sl::ledger::RunWitness(witness_state, witness_name, witness_logs, witness_http);
  if (trucks->parsed()) return sl::fleet::SimulateTrucksCommand(sim, sim_target, stdout);
  if (parking_cmd->parsed()) return sl::parking::SimulateParkingCommand(parking_sim, stdout);
  if (version->parsed()) {
    std::printf("sightline 0.1.0\n");
    return 0;
  }
  return 1;
}
