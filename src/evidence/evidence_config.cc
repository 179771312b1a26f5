#include "evidence/evidence_config.h"

namespace sl::evidence {

namespace {

Result<std::optional<int64_t>> Bounded(const Config& config, const std::string& key, int64_t min, int64_t max) {
  SL_ASSIGN_OR_RETURN(auto v, config.GetInt(key));
  if (v && (*v < min || *v > max))
    return Error::BadRequest(key + " must be between " + std::to_string(min) + " and " + std::to_string(max), key);
  return v;
}

}  // namespace

Status EvidenceOptionsFromConfig(const Config& config, EvidenceOptions& options) {
  constexpr int64_t kTiB = int64_t{1} << 40;
  SL_ASSIGN_OR_RETURN(auto max_upload, Bounded(config, "evidence.max_upload_bytes", 1, kTiB));
  if (max_upload) options.max_upload_bytes = static_cast<uint64_t>(*max_upload);
  SL_ASSIGN_OR_RETURN(auto expiry, Bounded(config, "evidence.upload_expiry_hours", 1, 24 * 366));
  if (expiry) options.upload_expiry_ms = *expiry * 3600 * 1000;
  SL_ASSIGN_OR_RETURN(auto bundle, Bounded(config, "evidence.max_bundle_bytes", 1, kTiB));
  if (bundle) options.max_bundle_bytes = static_cast<uint64_t>(*bundle);
  return {};
}

}  // namespace sl::evidence
