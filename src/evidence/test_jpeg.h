// Test photos: a real (tiny, decodable) baseline JPEG built byte by byte, and
// EXIF written into it with exiv2, so EXIF tests need no image tools.
#pragma once

#include <cstdint>
#include <exiv2/exiv2.hpp>
#include <fstream>
#include <string>

namespace sl::evidence {

// A 1x1 grey baseline JPEG: SOI, DQT, SOF0, DHT (one DC and one AC code,
// both "category 0 / end of block"), SOS, one entropy byte, EOI.
inline std::string TinyJpeg() {
  std::string j = "\xFF\xD8";
  j += std::string("\xFF\xDB\x00\x43\x00", 5) + std::string(64, '\x01');  // quantisation table 0, all ones
  j += std::string("\xFF\xC0\x00\x0B\x08\x00\x01\x00\x01\x01\x01\x11\x00", 13);  // 1x1, 1 component
  j += std::string("\xFF\xC4\x00\x14\x00", 5) + std::string("\x01", 1) + std::string(15, '\0') +
       std::string("\x00", 1);  // DC table 0: one code of length 1 -> category 0
  j += std::string("\xFF\xC4\x00\x14\x10", 5) + std::string("\x01", 1) + std::string(15, '\0') +
       std::string("\x00", 1);  // AC table 0: one code of length 1 -> EOB
  j += std::string("\xFF\xDA\x00\x08\x01\x01\x00\x00\x3F\x00", 10);  // scan header
  j += std::string("\x3F", 1);  // bits 0 (DC diff 0), 0 (EOB), padded with ones
  j += "\xFF\xD9";
  return j;
}

// Writes `jpeg` to `path` with EXIF DateTimeOriginal ("YYYY:MM:DD HH:MM:SS",
// China time) and GPS position (decimal degrees, N/E).
inline void WriteJpegWithExif(const std::string& path, const std::string& datetime, double lon, double lat) {
  {
    std::ofstream out(path, std::ios::binary);
    const std::string jpeg = TinyJpeg();
    out.write(jpeg.data(), static_cast<std::streamsize>(jpeg.size()));
  }
  auto image = Exiv2::ImageFactory::open(path);
  image->readMetadata();
  Exiv2::ExifData data;
  data["Exif.Image.Make"] = "SightlineTest";
  data["Exif.Photo.DateTimeOriginal"] = datetime;
  auto dms = [](double deg) {
    const int d = static_cast<int>(deg);
    const double m = (deg - d) * 60;
    const int mi = static_cast<int>(m);
    const int s100 = static_cast<int>((m - mi) * 60 * 100 + 0.5);
    return std::to_string(d) + "/1 " + std::to_string(mi) + "/1 " + std::to_string(s100) + "/100";
  };
  data["Exif.GPSInfo.GPSLatitudeRef"] = "N";
  data["Exif.GPSInfo.GPSLongitudeRef"] = "E";
  Exiv2::URationalValue::AutoPtr lat_v(new Exiv2::URationalValue);
  lat_v->read(dms(lat));
  data.add(Exiv2::ExifKey("Exif.GPSInfo.GPSLatitude"), lat_v.get());
  Exiv2::URationalValue::AutoPtr lon_v(new Exiv2::URationalValue);
  lon_v->read(dms(lon));
  data.add(Exiv2::ExifKey("Exif.GPSInfo.GPSLongitude"), lon_v.get());
  image->setExifData(data);
  image->writeMetadata();
}

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace sl::evidence
