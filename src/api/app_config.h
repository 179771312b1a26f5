// From configuration (file + environment + flags) to AppOptions.
//
// Precedence, lowest first: built-in defaults, DATA/sightline.toml (or
// --config), environment variables, command-line flags. Environment names:
//   SIGHTLINE_HTTP          server.http        listen address, default 127.0.0.1:8080
//   SIGHTLINE_DATABASE_URL  store.url          default sqlite:DATA/sightline.db
//   SIGHTLINE_WEB_ROOT      server.web_root    default: web/dist beside the binary's source tree
//   SIGHTLINE_THREADS       server.threads
//   SIGHTLINE_TLS_CERT      server.tls_cert    PEM certificate chain (enables HTTPS)
//   SIGHTLINE_TLS_KEY       server.tls_key     PEM private key
//   SIGHTLINE_JT808         fleet.jt808        JT/T 808 terminal listen address, default 127.0.0.1:6808
//   SIGHTLINE_MQTT          parking.mqtt       MQTT broker of the parking sensors (mqtt://host:port); empty: none
//   SIGHTLINE_PUBLIC_URL    server.public_url  public base URL of the decisions' verification page (QR
//                                              codes); unset: the request's Host header
// File-only keys of the fleet: fleet.strict_registration (bool: refuse
// terminals no vehicle record names), fleet.cover_signal (see
// fleet::ParseCoverSignal, e.g. "io:3").
// File only: ledger.origin (transparency log name, default sightline.local/ledger).
// File only: parking.offline_minutes (a sensor silent this long is offline,
// default 120), parking.flood_limit (messages a minute from one sensor before
// the rest are refused as a flood, default 30).
// File only: evidence.max_upload_bytes, evidence.upload_expiry_hours,
// evidence.max_bundle_bytes (see evidence/evidence_config.h).
#pragma once

#include <string>

#include "api/application.h"
#include "common/config.h"

namespace sl::api {

// Copies the SIGHTLINE_* environment variables above into `config`.
void ApplyEnvironment(Config& config);

Result<AppOptions> OptionsFromConfig(const Config& config, const std::string& data_dir);

}  // namespace sl::api
