// Photo EXIF: when and where the camera says a photo was taken, and whether
// that agrees with the capture record the field app sent.
//
// A photo whose EXIF time or GPS disagrees with the capture record is not
// refused (a phone's clock or fix can be off); the item is flagged so the
// legal reviewer sees it, and the EXIF facts are sealed in the manifest.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "evidence/upload_store.h"

namespace sl::evidence {

struct ExifFacts {
  std::optional<int64_t> time_ms;  // DateTimeOriginal (or DateTime); China time unless OffsetTimeOriginal says otherwise
  std::optional<double> lon, lat;  // GPSLongitude/GPSLatitude with their refs
  std::string camera;              // Make and Model
};

// Reads EXIF from an image file. A file without EXIF gives empty facts; a
// file exiv2 cannot parse gives kBadRequest.
Result<ExifFacts> ReadExif(const std::string& path);

// The rules (one flag each):
//   "exif_time"  EXIF time more than 10 minutes from captured_at
//   "exif_place" EXIF position farther from the capture position than
//                max(200 m, 3 x the capture accuracy)
std::vector<std::string> ExifDisagreements(const ExifFacts& exif, const CaptureRecord& capture);

constexpr int64_t kExifTimeToleranceMs = 10 * 60 * 1000;
constexpr double kExifPlaceToleranceM = 200;

// Great-circle distance in metres (haversine, mean Earth radius).
double DistanceM(double lon1, double lat1, double lon2, double lat2);

}  // namespace sl::evidence
