// The [evidence] section of sightline.toml (file only):
//   evidence.max_upload_bytes     largest tus upload (Upload-Length, advertised
//                                 as Tus-Max-Size), default 4 GiB
//   evidence.upload_expiry_hours  an unfinished upload is removed this long
//                                 after its creation (Upload-Expires), default 168
//   evidence.max_bundle_bytes     files in one downloaded verification bundle,
//                                 default 1 GiB
// One PATCH (a tus chunk) is an HTTP request body, bounded by
// server.max_body_bytes (default 8 MiB); clients send larger media in
// several chunks.
#pragma once

#include "common/config.h"
#include "common/result.h"
#include "evidence/evidence_service.h"

namespace sl::evidence {

// Overrides `options` with the keys present; kBadRequest naming the key for a
// value that is not an integer or is out of range.
Status EvidenceOptionsFromConfig(const Config& config, EvidenceOptions& options);

}  // namespace sl::evidence
