// Evidence routes.
//
// tus 1.0 (core, creation, expiration, termination) at /api/v1/uploads/:
// Unfinished uploads expire 7 days after creation (Upload-Expires).
//   OPTIONS /api/v1/uploads/        Tus-Version, Tus-Extension, Tus-Max-Size (public)
//   POST    /api/v1/uploads/        Upload-Length + Upload-Metadata -> 201 Location
//   HEAD    /api/v1/uploads/{id}    Upload-Offset, Upload-Length
//   PATCH   /api/v1/uploads/{id}    application/offset+octet-stream at Upload-Offset;
//                                   409 wrong offset, 413 past Upload-Length, 415 wrong type.
//                                   The PATCH that completes the upload answers only once
//                                   the item is sealed; Evidence-Item names it.
//   DELETE  /api/v1/uploads/{id}    termination
// Every tus request but OPTIONS must send Tus-Resumable: 1.0.0 (412 otherwise).
// A chunk is one request body, so clients keep chunks under the server's body
// limit (8 MiB by default; the field app sends 4 MiB).
//
// Items (JSON):
//   GET  /api/v1/evidence/items                 filters case_id, event_id, mode, officer, inspection_id, upload_id
//   GET  /api/v1/evidence/items/{id}            the item with its custody trail
//   GET  /api/v1/evidence/items/{id}/content    the bytes (records "viewed")
//   POST /api/v1/evidence/items/{id}/transfer   {"to","reason"} (records "transferred")
//   GET  /api/v1/evidence/shares                shares visible to the caller
//   POST /api/v1/evidence/shares                {"department_id", "case_id"|"item_id"} (records "shared")
//   GET  /api/v1/evidence/bundle?case_id=|item_id=   verification bundle as a tar (records "exported")
#pragma once

#include "api/api_router.h"
#include "evidence/evidence_service.h"

namespace sl::evidence {

void RegisterEvidenceRoutes(api::ApiRouter& api, EvidenceService& service, store::Database& db);

}  // namespace sl::evidence
