#include "evidence/exif.h"

#include <cmath>
#include <cstdio>
#include <exiv2/exiv2.hpp>

#include "common/time.h"

namespace sl::evidence {

namespace {

std::optional<double> Degrees(const Exiv2::ExifData& data, const char* key, const char* ref_key) {
  auto it = data.findKey(Exiv2::ExifKey(key));
  if (it == data.end() || it->count() < 3) return std::nullopt;
  double v = it->toFloat(0) + it->toFloat(1) / 60.0 + it->toFloat(2) / 3600.0;
  if (!std::isfinite(v)) return std::nullopt;
  auto ref = data.findKey(Exiv2::ExifKey(ref_key));
  if (ref != data.end()) {
    const std::string r = ref->toString();
    if (!r.empty() && (r[0] == 'S' || r[0] == 'W')) v = -v;
  }
  return v;
}

// "YYYY:MM:DD HH:MM:SS" at `offset` ("+08:00" when absent).
std::optional<int64_t> ExifTime(const std::string& text, const std::string& offset) {
  int y, mo, d, h, mi, s;
  if (std::sscanf(text.c_str(), "%4d:%2d:%2d %2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6) return std::nullopt;
  char iso[64];
  std::snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02d%s", y, mo, d, h, mi, s,
                offset.size() == 6 ? offset.c_str() : "+08:00");
  return ParseIso8601(iso);
}

}  // namespace

Result<ExifFacts> ReadExif(const std::string& path) {
  ExifFacts facts;
  try {
    auto image = Exiv2::ImageFactory::open(path);
    if (!image.get()) return Error::BadRequest("not an image exiv2 can read", "file");
    image->readMetadata();
    const Exiv2::ExifData& data = image->exifData();
    if (data.empty()) return facts;
    std::string offset;
    if (auto o = data.findKey(Exiv2::ExifKey("Exif.Photo.OffsetTimeOriginal")); o != data.end()) offset = o->toString();
    for (const char* key : {"Exif.Photo.DateTimeOriginal", "Exif.Image.DateTime"}) {
      auto it = data.findKey(Exiv2::ExifKey(key));
      if (it != data.end()) {
        facts.time_ms = ExifTime(it->toString(), offset);
        if (facts.time_ms) break;
      }
    }
    facts.lat = Degrees(data, "Exif.GPSInfo.GPSLatitude", "Exif.GPSInfo.GPSLatitudeRef");
    facts.lon = Degrees(data, "Exif.GPSInfo.GPSLongitude", "Exif.GPSInfo.GPSLongitudeRef");
    if (!facts.lat || !facts.lon) facts.lat.reset(), facts.lon.reset();
    std::string camera;
    for (const char* key : {"Exif.Image.Make", "Exif.Image.Model"}) {
      auto it = data.findKey(Exiv2::ExifKey(key));
      if (it != data.end()) camera += (camera.empty() ? "" : " ") + it->toString();
    }
    facts.camera = camera.substr(0, 100);
  } catch (const std::exception& e) {
    return Error::BadRequest(std::string("cannot read the photo's EXIF: ") + e.what(), "file");
  }
  return facts;
}

double DistanceM(double lon1, double lat1, double lon2, double lat2) {
  constexpr double kR = 6371008.8, kRad = M_PI / 180;
  const double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
  const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kR * std::asin(std::min(1.0, std::sqrt(a)));
}

std::vector<std::string> ExifDisagreements(const ExifFacts& exif, const CaptureRecord& capture) {
  std::vector<std::string> flags;
  if (exif.time_ms && std::llabs(*exif.time_ms - capture.captured_at_ms) > kExifTimeToleranceMs)
    flags.push_back("exif_time");
  if (exif.lon && exif.lat &&
      DistanceM(*exif.lon, *exif.lat, capture.lon, capture.lat) >
          std::max(kExifPlaceToleranceM, 3 * capture.accuracy_m))
    flags.push_back("exif_place");
  return flags;
}

}  // namespace sl::evidence
