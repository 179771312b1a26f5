// Demo evidence for the demo city: a few hundred field-evidence items with
// small but real media, made deterministically from the seed:
//   photo      grey baseline JPEGs with EXIF (time, GPS, camera) written by
//              exiv2; a few carry an EXIF time or place that disagrees with
//              the capture record, so the console shows the flags
//   scan       larger grey JPEGs (a scanned A4 page), no EXIF
//   audio      short 8 kHz mono WAV tones
//   record     written records (笔录) as JSON: questions, answers and the
//              party's on-screen signature stroke
//   signature  e-signatures as SVG strokes
//   track      officers' patrol tracks as GeoJSON LineStrings
// (video and body-camera modes have no demo media.)
//
// Items go through EvidenceService::Complete like a finished tus upload:
// stored content-addressed, EXIF checked, captured/uploaded/sealed custody
// sealed in the transparency log, written with an audited insert. Most are
// grouped by on-site inspection and linked to demo case ids 1..cases, so the
// partner flow (share a case, download its bundle) has something to show.
//
// Deterministic per seed: upload ids, media bytes and hashes, and the order
// (hence item ids and log indices) are fixed by the seed and the clock's
// time; loading runs sequentially for that reason.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "evidence/evidence_service.h"
#include "store/db.h"

namespace sl::evidence {

struct DemoEvidenceOptions {
  uint64_t seed = 1;
  int items = 300;  // 0..5000
  int cases = 30;   // items are linked to case ids 1..cases
};

// One demo item before it is loaded.
struct DemoItem {
  std::string upload_id;  // 32 hex digits from the seed
  std::string mode, filename, content_type, bytes;
  CaptureRecord capture;
  std::optional<int64_t> case_id;
  std::string inspection_id;
  int uploader = 0;  // index into the uploaders LoadDemoEvidence finds
};

// Pure: the items for `seed`, captured during the 30 days before `now_ms`.
std::vector<DemoItem> MakeDemoEvidence(const DemoEvidenceOptions& options, int64_t now_ms);

// Media generators (also used by tests).
std::string DemoJpeg(int width, int height);  // grey baseline JPEG
// `jpeg` with EXIF DateTimeOriginal (China time), GPS and camera make/model.
Result<std::string> WithExif(const std::string& jpeg, int64_t time_ms, double lon, double lat, const std::string& make,
                             const std::string& model);
std::string DemoWav(int millis, int frequency_hz);  // 8 kHz mono 16-bit PCM

struct DemoEvidenceReport {
  int items = 0;
  int photos = 0, scans = 0, audio = 0, records = 0, signatures = 0, tracks = 0;
  int flagged = 0;  // photos whose EXIF disagrees with the capture record
  double seconds = 0;
};

// Loads the items into an evidence store whose database holds the demo city
// (uploaders: its officer and auxiliary accounts). kConflict when evidence
// items already exist; kBadRequest for options out of range or no uploaders.
Result<DemoEvidenceReport> LoadDemoEvidence(EvidenceService& service, store::Database& db,
                                            const DemoEvidenceOptions& options, const Clock& clock);

// `sightline demo`: opens the data directory's transparency log (creating
// it), an evidence service on `data_dir` and loads the demo items; audit
// events are sealed in the log as when serving.
Result<DemoEvidenceReport> GenerateDemoEvidence(store::Database& db, const std::string& data_dir,
                                                const std::string& ledger_origin, EvidenceOptions evidence,
                                                const DemoEvidenceOptions& options, const Clock& clock);

}  // namespace sl::evidence
