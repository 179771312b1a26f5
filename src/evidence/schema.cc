#include "evidence/schema.h"

namespace sl::evidence {

std::vector<store::Migration> Migrations() {
  return {
      {900, "evidence: items, custody trail, shares with partner departments", R"SQL(
-- One row per accepted upload. The bytes are in DATA/blobs by sha256; the
-- manifest (canonical JSON) is the sealed log entry at ledger_index, covered
-- by the signed checkpoint stored beside it. case_id / event_id refer to the
-- case and event modules; inspection_id is the field app's on-site inspection.
CREATE TABLE evidence_items (
  id {{ID}},
  upload_id TEXT NOT NULL UNIQUE,
  sha256 TEXT NOT NULL,
  size BIGINT NOT NULL,
  mode TEXT NOT NULL,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  captured_at BIGINT NOT NULL,
  lon {{REAL}} NOT NULL,
  lat {{REAL}} NOT NULL,
  accuracy_m {{REAL}} NOT NULL,
  device TEXT NOT NULL,
  officer_id BIGINT NOT NULL,
  officer TEXT NOT NULL,
  department_id BIGINT NOT NULL,
  case_id BIGINT,
  event_id BIGINT,
  inspection_id TEXT NOT NULL,
  exif TEXT NOT NULL,            -- JSON object, {} when none
  exif_flags TEXT NOT NULL,      -- comma-separated disagreement flags
  manifest TEXT NOT NULL,
  ledger_index BIGINT NOT NULL,
  checkpoint_size BIGINT NOT NULL,
  checkpoint TEXT NOT NULL,      -- the signed note covering ledger_index
  uploaded_at BIGINT NOT NULL
);
CREATE INDEX evidence_items_case ON evidence_items (case_id);
CREATE INDEX evidence_items_event ON evidence_items (event_id);
CREATE INDEX evidence_items_sha ON evidence_items (sha256);
-- The chain of custody; every row is also a sealed log entry.
CREATE TABLE evidence_custody (
  id {{ID}},
  item_id BIGINT NOT NULL REFERENCES evidence_items(id),
  event TEXT NOT NULL,           -- captured | uploaded | sealed | viewed | exported | shared | transferred
  at_ms BIGINT NOT NULL,
  actor_id BIGINT NOT NULL,
  actor TEXT NOT NULL,
  detail TEXT NOT NULL,
  ledger_index BIGINT NOT NULL
);
CREATE INDEX evidence_custody_item ON evidence_custody (item_id);
-- What a partner department (police, procuratorate, court) may see: a whole
-- case or one item.
CREATE TABLE evidence_shares (
  id {{ID}},
  case_id BIGINT,
  item_id BIGINT REFERENCES evidence_items(id),
  department_id BIGINT NOT NULL REFERENCES departments(id),
  shared_by BIGINT NOT NULL,
  shared_at BIGINT NOT NULL
);
CREATE INDEX evidence_shares_department ON evidence_shares (department_id);
)SQL"},
  };
}

}  // namespace sl::evidence
