#include "api/app_config.h"

#include <cstdlib>
#include <thread>

#include "evidence/evidence_config.h"

namespace sl::api {

namespace {

struct EnvKey {
  const char* env;
  const char* key;
};
constexpr EnvKey kEnvKeys[] = {
    {"SIGHTLINE_HTTP", "server.http"},         {"SIGHTLINE_DATABASE_URL", "store.url"},
    {"SIGHTLINE_WEB_ROOT", "server.web_root"}, {"SIGHTLINE_THREADS", "server.threads"},
    {"SIGHTLINE_TLS_CERT", "server.tls_cert"}, {"SIGHTLINE_TLS_KEY", "server.tls_key"},
    {"SIGHTLINE_JT808", "fleet.jt808"},
    {"SIGHTLINE_MQTT", "parking.mqtt"},
    {"SIGHTLINE_JT808_THREADS", "fleet.jt808_threads"},
    {"SIGHTLINE_PUBLIC_URL", "server.public_url"},
};

}  // namespace

void ApplyEnvironment(Config& config) {
  for (const auto& [env, key] : kEnvKeys)
    if (const char* value = std::getenv(env); value && *value) config.Set(key, value);
}

Result<AppOptions> OptionsFromConfig(const Config& config, const std::string& data_dir) {
  AppOptions options;
  options.data_dir = data_dir;
  options.database_url = config.Get("store.url").value_or("");
  SL_ASSIGN_OR_RETURN(auto pool, config.GetInt("store.pool"));
  if (pool) {
    if (*pool < 1 || *pool > 256) return Error::BadRequest("store.pool must be between 1 and 256", "store.pool");
    options.database_pool = static_cast<int>(*pool);
  }
  options.server.listen = config.Get("server.http").value_or("127.0.0.1:8080");
  options.server.web_root = config.Get("server.web_root").value_or("");
  options.jt808_listen = config.Get("fleet.jt808").value_or("127.0.0.1:6808");
  SL_ASSIGN_OR_RETURN(auto jt808_threads, config.GetInt("fleet.jt808_threads"));
  if (jt808_threads) {
    if (*jt808_threads < 1 || *jt808_threads > 64)
      return Error::BadRequest("fleet.jt808_threads must be between 1 and 64", "fleet.jt808_threads");
    options.jt808_threads = static_cast<int>(*jt808_threads);
  }
  SL_ASSIGN_OR_RETURN(auto strict, config.GetBool("fleet.strict_registration"));
  options.fleet.strict_registration = strict.value_or(false);
  SL_ASSIGN_OR_RETURN(options.fleet.rules.cover,
                      fleet::ParseCoverSignal(config.Get("fleet.cover_signal").value_or(""), "fleet.cover_signal"));
  SL_ASSIGN_OR_RETURN(options.fleet.rules.lift,
                      fleet::ParseLiftSignal(config.Get("fleet.lift_signal").value_or(""), "fleet.lift_signal"));
  SL_ASSIGN_OR_RETURN(options.fleet.rating, fleet::RatingConfigFromConfig(config));
  options.ledger_origin = config.Get("ledger.origin").value_or(options.ledger_origin);
  options.parking.mqtt_url = config.Get("parking.mqtt").value_or("");
  SL_ASSIGN_OR_RETURN(auto offline_minutes, config.GetInt("parking.offline_minutes"));
  if (offline_minutes) options.parking.rules.offline_after_ms = *offline_minutes * 60'000;
  SL_ASSIGN_OR_RETURN(auto flood_limit, config.GetInt("parking.flood_limit"));
  if (flood_limit) {
    if (*flood_limit < 1 || *flood_limit > 1'000'000)
      return Error::BadRequest("parking.flood_limit must be 1..1000000 messages a minute", "parking.flood_limit");
    options.parking.rules.flood_limit = static_cast<int>(*flood_limit);
  }
  SL_ASSIGN_OR_RETURN(auto threads, config.GetInt("server.threads"));
  const int default_threads = std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
  options.server.threads = static_cast<int>(threads.value_or(default_threads));
  if (options.server.threads < 1 || options.server.threads > 256)
    return Error::BadRequest("server.threads must be between 1 and 256", "server.threads");
  SL_ASSIGN_OR_RETURN(auto max_body, config.GetInt("server.max_body_bytes"));
  if (max_body) options.server.max_body_bytes = static_cast<size_t>(*max_body);
  options.server.tls_cert_file = config.Get("server.tls_cert").value_or("");
  options.server.tls_key_file = config.Get("server.tls_key").value_or("");
  if (options.server.tls_cert_file.empty() != options.server.tls_key_file.empty())
    return Error::BadRequest("TLS needs both server.tls_cert and server.tls_key", "server.tls_cert");
  // The public base URL of the decisions' verification page (QR codes).
  options.cases.public_url = config.Get("server.public_url").value_or("");
  if (const std::string& url = options.cases.public_url; !url.empty()) {
    const bool scheme = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
    const size_t host_at = url.find("://") + 3;
    if (!scheme || host_at >= url.size() || url[host_at] == '/' ||
        url.find_first_of("?# \t\r\n\"<>", 0) != std::string::npos)
      return Error::BadRequest("server.public_url must be an http:// or https:// URL with a host and no query, "
                               "e.g. https://zfj.example.gov.cn",
                               "server.public_url");
    while (options.cases.public_url.back() == '/') options.cases.public_url.pop_back();
  }
  // APL Art. 63's large amounts, as the province publishes them.
  for (auto [key, fen] : {std::pair{"cases.hearing_fine_citizen_yuan", &options.cases.hearing.citizen_fen},
                          std::pair{"cases.hearing_fine_organisation_yuan", &options.cases.hearing.organisation_fen}}) {
    SL_ASSIGN_OR_RETURN(auto yuan, config.GetInt(key));
    if (!yuan) continue;
    if (*yuan < 1 || *yuan > 100'000'000) return Error::BadRequest(std::string(key) + " must be 1 to 100000000 yuan", key);
    *fen = *yuan * 100;
  }
  SL_ASSIGN_OR_RETURN(auto ttl_hours, config.GetInt("auth.token_ttl_hours"));
  if (ttl_hours) options.auth.token_ttl_ms = *ttl_hours * 3600 * 1000;
  SL_ASSIGN_OR_RETURN(auto max_failures, config.GetInt("auth.max_failures"));
  if (max_failures) options.auth.max_failures = static_cast<int>(*max_failures);
  SL_ASSIGN_OR_RETURN(auto lockout, config.GetInt("auth.lockout_minutes"));
  if (lockout) options.auth.lockout_ms = *lockout * 60 * 1000;
  // Evidence upload limits ([evidence], see evidence/evidence_config.h).
  SL_TRY(evidence::EvidenceOptionsFromConfig(config, options.evidence));
  return options;
}

}  // namespace sl::api
