#include "evidence/demo_evidence.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <exiv2/exiv2.hpp>
#include <random>

#include "common/crypto.h"
#include "common/json.h"
#include "common/time.h"
#include "ledger/ledger.h"
#include "ledger/base64.h"

namespace sl::evidence {

namespace {

constexpr int64_t kMinute = 60LL * 1000;
constexpr int64_t kDay = 24 * 60 * kMinute;
constexpr double kCentreLon = 120.48, kCentreLat = 30.63;  // Tongxiang

std::string Fixed(double v, int digits) { return json::FormatFixed(v, digits); }

void PutLe(std::string& out, uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

// "YYYY:MM:DD HH:MM:SS" in China time, as EXIF writes it.
std::string ExifDateTime(int64_t ms) {
  std::string iso = FormatIso8601China(ms);  // 2026-11-28T10:00:00+08:00
  std::string out = iso.substr(0, 19);
  out[4] = ':';
  out[7] = ':';
  out[10] = ' ';
  return out;
}

std::string Rational(double deg) {
  const int d = static_cast<int>(deg);
  const double m = (deg - d) * 60;
  const int mi = static_cast<int>(m);
  const int s100 = static_cast<int>((m - mi) * 60 * 100 + 0.5);
  return std::to_string(d) + "/1 " + std::to_string(mi) + "/1 " + std::to_string(s100) + "/100";
}

// A hand-written signature: a few connected strokes, as an SVG path.
std::string SignaturePath(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> dy(-18, 18), dx(6, 16);
  std::string d;
  double x = 12, y = 50;
  const int strokes = 2 + static_cast<int>(rng() % 3);
  for (int s = 0; s < strokes; ++s) {
    d += (d.empty() ? "M" : " M") + Fixed(x, 1) + " " + Fixed(y, 1);
    for (int k = 0; k < 6; ++k) {
      const double cx = x + dx(rng) / 2, cy = 50 + dy(rng);
      x += dx(rng);
      y = 50 + dy(rng) / 2;
      d += " Q" + Fixed(cx, 1) + " " + Fixed(cy, 1) + " " + Fixed(x, 1) + " " + Fixed(y, 1);
    }
    x += 10;
  }
  return d;
}

std::string Svg(const std::string& path) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"360\" height=\"100\" viewBox=\"0 0 360 100\">"
         "<path d=\"" + path + "\" fill=\"none\" stroke=\"#111\" stroke-width=\"2.5\" stroke-linecap=\"round\"/></svg>\n";
}

const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "沈", "徐", "朱", "钱", "姚", "吴"};
const char* kGiven[] = {"建国", "秀英", "伟", "芳", "海峰", "丽娟", "志强", "晓燕", "国平", "美华", "云", "立新"};
const char* kMatters[] = {"占道经营", "店外堆放杂物", "违规设置户外广告", "未按规定分类投放垃圾",
                          "渣土车未密闭运输", "违规停放车辆", "夜间施工噪声扰民", "擅自搭建雨棚"};

std::string RecordJson(std::mt19937_64& rng, const DemoItem& item, const std::string& matter) {
  const std::string party = std::string(kSurnames[rng() % 12]) + kGiven[rng() % 12];
  const std::string place = "桐乡市梧桐街道" + std::to_string(10 + rng() % 300) + "号";
  const std::string when = FormatIso8601China(item.capture.captured_at_ms);
  std::string out = "{\"type\":\"sightline.record/v1\",\"title\":\"现场检查笔录\",\"at\":\"" + when +
                    "\",\"place\":" + json::Serialize(boost::json::value(place)) +
                    ",\"matter\":" + json::Serialize(boost::json::value(matter)) +
                    ",\"party\":{\"name\":" + json::Serialize(boost::json::value(party)) +
                    ",\"id_last4\":\"" + std::to_string(1000 + rng() % 9000) + "\"},\"questions\":[";
  const std::vector<std::pair<std::string, std::string>> qa = {
      {"我们是桐乡市综合行政执法局的执法人员，现依法进行检查，你是否清楚？", "清楚。"},
      {"你与本店是什么关系？", "我是经营者。"},
      {"现场发现" + matter + "，你有什么说明？", "是我疏忽了，马上整改。"},
      {"以上笔录你看过是否属实？", "看过，属实。"},
  };
  for (size_t i = 0; i < qa.size(); ++i)
    out += std::string(i ? "," : "") + "{\"q\":" + json::Serialize(boost::json::value(qa[i].first)) +
           ",\"a\":" + json::Serialize(boost::json::value(qa[i].second)) + "}";
  out += "],\"party_signature\":{\"format\":\"svg-path\",\"d\":\"" + SignaturePath(rng) + "\",\"signed_at\":\"" +
         FormatIso8601China(item.capture.captured_at_ms + 4 * kMinute) + "\"}}\n";
  return out;
}

std::string TrackGeoJson(std::mt19937_64& rng, const DemoItem& item) {
  std::normal_distribution<double> step(0, 0.0004);
  const int points = 20 + static_cast<int>(rng() % 40);
  double lon = item.capture.lon, lat = item.capture.lat;
  double heading_lon = step(rng), heading_lat = step(rng);
  std::string coords, times;
  for (int i = 0; i < points; ++i) {
    coords += std::string(i ? "," : "") + "[" + Fixed(lon, 6) + "," + Fixed(lat, 6) + "]";
    times += std::string(i ? "," : "") + "\"" + FormatIso8601China(item.capture.captured_at_ms + i * 30 * 1000) + "\"";
    heading_lon = 0.8 * heading_lon + step(rng) * 0.5;
    heading_lat = 0.8 * heading_lat + step(rng) * 0.5;
    lon += heading_lon;
    lat += heading_lat;
  }
  return "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"kind\":\"patrol\","
         "\"device\":" + json::Serialize(boost::json::value(item.capture.device)) + ",\"times\":[" + times +
         "]},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[" + coords + "]}}]}\n";
}

std::string MetadataHeader(const DemoItem& item) {
  auto pair = [](const std::string& k, const std::string& v) { return k + " " + ledger::Base64Encode(v); };
  std::string out = pair("filename", item.filename) + "," + pair("sha256", Sha256Hex(item.bytes)) + "," +
                    pair("mode", item.mode) + "," + pair("captured_at", FormatIso8601China(item.capture.captured_at_ms)) +
                    "," + pair("lon", Fixed(item.capture.lon, 7)) + "," + pair("lat", Fixed(item.capture.lat, 7)) +
                    "," + pair("accuracy", Fixed(item.capture.accuracy_m, 1)) + "," + pair("device", item.capture.device) +
                    "," + pair("filetype", item.content_type);
  if (item.case_id) out += "," + pair("case_id", std::to_string(*item.case_id));
  if (!item.inspection_id.empty()) out += "," + pair("inspection_id", item.inspection_id);
  return out;
}

}  // namespace

std::string DemoJpeg(int width, int height) {
  std::string j = "\xFF\xD8";
  j += std::string("\xFF\xDB\x00\x43\x00", 5) + std::string(64, '\x01');
  j += std::string("\xFF\xC0\x00\x0B\x08", 5);
  j += static_cast<char>(height >> 8);
  j += static_cast<char>(height & 0xff);
  j += static_cast<char>(width >> 8);
  j += static_cast<char>(width & 0xff);
  j += std::string("\x01\x01\x11\x00", 4);
  // One DC and one AC Huffman code, both of length 1: "DC difference 0" and
  // "end of block", so every 8x8 block is two zero bits of mid grey.
  j += std::string("\xFF\xC4\x00\x14\x00", 5) + std::string("\x01", 1) + std::string(15, '\0') + std::string("\x00", 1);
  j += std::string("\xFF\xC4\x00\x14\x10", 5) + std::string("\x01", 1) + std::string(15, '\0') + std::string("\x00", 1);
  j += std::string("\xFF\xDA\x00\x08\x01\x01\x00\x00\x3F\x00", 10);
  const int64_t blocks = static_cast<int64_t>((width + 7) / 8) * ((height + 7) / 8);
  const int64_t bits = 2 * blocks;
  std::string entropy(static_cast<size_t>((bits + 7) / 8), '\0');
  if (bits % 8) entropy.back() = static_cast<char>((1 << (8 - bits % 8)) - 1);  // padded with ones
  j += entropy;
  j += "\xFF\xD9";
  return j;
}

Result<std::string> WithExif(const std::string& jpeg, int64_t time_ms, double lon, double lat, const std::string& make,
                             const std::string& model) {
  try {
    auto image = Exiv2::ImageFactory::open(reinterpret_cast<const Exiv2::byte*>(jpeg.data()), jpeg.size());
    if (!image.get()) return Error::Internal("exiv2 cannot open the demo JPEG");
    image->readMetadata();
    Exiv2::ExifData data;
    data["Exif.Image.Make"] = make;
    data["Exif.Image.Model"] = model;
    data["Exif.Photo.DateTimeOriginal"] = ExifDateTime(time_ms);
    data["Exif.Photo.OffsetTimeOriginal"] = "+08:00";
    data["Exif.GPSInfo.GPSLatitudeRef"] = lat >= 0 ? "N" : "S";
    data["Exif.GPSInfo.GPSLongitudeRef"] = lon >= 0 ? "E" : "W";
    Exiv2::URationalValue::AutoPtr lat_v(new Exiv2::URationalValue);
    lat_v->read(Rational(std::fabs(lat)));
    data.add(Exiv2::ExifKey("Exif.GPSInfo.GPSLatitude"), lat_v.get());
    Exiv2::URationalValue::AutoPtr lon_v(new Exiv2::URationalValue);
    lon_v->read(Rational(std::fabs(lon)));
    data.add(Exiv2::ExifKey("Exif.GPSInfo.GPSLongitude"), lon_v.get());
    image->setExifData(data);
    image->writeMetadata();
    Exiv2::BasicIo& io = image->io();
    io.seek(0, Exiv2::BasicIo::beg);
    Exiv2::DataBuf buf = io.read(static_cast<long>(io.size()));
    return std::string(reinterpret_cast<const char*>(buf.pData_), static_cast<size_t>(buf.size_));
  } catch (const std::exception& e) {
    return Error::Internal(std::string("exiv2: ") + e.what());
  }
}

std::string DemoWav(int millis, int frequency_hz) {
  constexpr int kRate = 8000;
  const uint32_t samples = static_cast<uint32_t>(static_cast<int64_t>(kRate) * millis / 1000);
  std::string w = "RIFF";
  PutLe(w, 36 + samples * 2, 4);
  w += "WAVEfmt ";
  PutLe(w, 16, 4);
  PutLe(w, 1, 2);  // PCM
  PutLe(w, 1, 2);  // mono
  PutLe(w, kRate, 4);
  PutLe(w, kRate * 2, 4);
  PutLe(w, 2, 2);
  PutLe(w, 16, 2);
  w += "data";
  PutLe(w, samples * 2, 4);
  for (uint32_t i = 0; i < samples; ++i) {
    // A tone with a short fade in and out (no clicks).
    const double fade = std::min({1.0, i / 400.0, (samples - i) / 400.0});
    const double v = std::sin(2 * M_PI * frequency_hz * i / kRate) * 9000 * fade;
    PutLe(w, static_cast<uint16_t>(static_cast<int16_t>(std::lround(v))), 2);
  }
  return w;
}

std::vector<DemoItem> MakeDemoEvidence(const DemoEvidenceOptions& options, int64_t now_ms) {
  std::mt19937_64 rng(options.seed * 0x9E3779B97F4A7C15ULL ^ 0xE71D);
  std::uniform_real_distribution<double> spread(-0.12, 0.12), nudge(-0.0008, 0.0008), unit(0, 1);
  // Twenty slots: 8 photos, 3 scans, 3 records, 2 audio, 2 signatures, 2 tracks.
  static const char* kPattern[] = {"photo", "photo", "scan",   "photo",  "record", "audio",     "photo",
                                   "track", "photo", "scan",   "record", "photo",  "signature", "photo",
                                   "audio", "scan",  "record", "photo",  "track",  "signature"};
  const std::string base_id = Sha256Hex("sightline demo evidence " + std::to_string(options.seed));
  std::vector<DemoItem> items;
  // Items come in on-site inspections of 2-6 captures at one place.
  int inspection = 0, left_in_inspection = 0;
  double lon = kCentreLon, lat = kCentreLat;
  int64_t at = now_ms - 30 * kDay;
  std::optional<int64_t> case_id;
  int uploader = 0;
  std::string matter;
  for (int i = 0; i < options.items; ++i) {
    if (left_in_inspection == 0) {
      ++inspection;
      left_in_inspection = 2 + static_cast<int>(rng() % 5);
      lon = kCentreLon + spread(rng);
      lat = kCentreLat + spread(rng) * 0.8;
      at = now_ms - 30 * kDay + static_cast<int64_t>(unit(rng) * 29.5 * kDay);
      case_id = options.cases > 0 && unit(rng) < 0.7 ? std::optional<int64_t>(1 + rng() % options.cases)
                                                     : std::nullopt;
      uploader = static_cast<int>(rng() % 1000);
      matter = kMatters[rng() % 8];
    }
    --left_in_inspection;
    DemoItem item;
    item.upload_id = Sha256Hex(base_id + "/" + std::to_string(i)).substr(0, 32);
    item.mode = kPattern[i % 20];
    item.uploader = uploader;
    item.case_id = case_id;
    char ins[32];
    std::snprintf(ins, sizeof ins, "DEMO-INS-%04d", inspection);
    item.inspection_id = ins;
    at += 1 * kMinute + static_cast<int64_t>(unit(rng) * 3 * kMinute);
    item.capture.captured_at_ms = at;
    item.capture.lon = lon + nudge(rng);
    item.capture.lat = lat + nudge(rng);
    item.capture.accuracy_m = std::round(3 + unit(rng) * 25);
    item.capture.device = "执法终端 PDA-" + std::to_string(100 + uploader % 60);
    char name[64];
    if (item.mode == "photo") {
      std::snprintf(name, sizeof name, "IMG_%05d.jpg", 1000 + i);
      item.filename = name;
      item.content_type = "image/jpeg";
      // Every ninth photo: the camera clock or GPS disagrees with the phone.
      int64_t exif_time = at;
      double exif_lon = item.capture.lon, exif_lat = item.capture.lat;
      if (i % 9 == 3) exif_time += 2 * 3600 * 1000;
      if (i % 9 == 6) exif_lon += 0.05;
      auto jpeg = WithExif(DemoJpeg(160 + 16 * static_cast<int>(rng() % 5), 120), exif_time, exif_lon, exif_lat,
                           "Sightline", "Field PDA");
      item.bytes = jpeg.ok() ? *jpeg : DemoJpeg(160, 120);
    } else if (item.mode == "scan") {
      std::snprintf(name, sizeof name, "scan_%05d.jpg", 1000 + i);
      item.filename = name;
      item.content_type = "image/jpeg";
      item.bytes = DemoJpeg(600 + 8 * static_cast<int>(rng() % 8), 848);
    } else if (item.mode == "audio") {
      std::snprintf(name, sizeof name, "audio_%05d.wav", 1000 + i);
      item.filename = name;
      item.content_type = "audio/wav";
      item.bytes = DemoWav(1200 + static_cast<int>(rng() % 1600), 330 + static_cast<int>(rng() % 400));
    } else if (item.mode == "record") {
      std::snprintf(name, sizeof name, "record_%05d.json", 1000 + i);
      item.filename = name;
      item.content_type = "application/json";
      item.bytes = RecordJson(rng, item, matter);
    } else if (item.mode == "signature") {
      std::snprintf(name, sizeof name, "signature_%05d.svg", 1000 + i);
      item.filename = name;
      item.content_type = "image/svg+xml";
      item.bytes = Svg(SignaturePath(rng));
    } else {  // track
      std::snprintf(name, sizeof name, "track_%05d.geojson", 1000 + i);
      item.filename = name;
      item.content_type = "application/geo+json";
      item.bytes = TrackGeoJson(rng, item);
    }
    items.push_back(std::move(item));
  }
  return items;
}

Result<DemoEvidenceReport> LoadDemoEvidence(EvidenceService& service, store::Database& db,
                                            const DemoEvidenceOptions& options, const Clock& clock) {
  const auto start = std::chrono::steady_clock::now();
  if (options.items < 0 || options.items > 5000)
    return Error::BadRequest("items must be between 0 and 5000", "items");
  if (options.cases < 0 || options.cases > 100000)
    return Error::BadRequest("cases must be between 0 and 100000", "cases");
  if (!service.available()) return Error::Unavailable("evidence needs the data directory and its transparency log");
  std::vector<store::Row> uploaders;
  {
    auto lease = db.Acquire();
    SL_ASSIGN_OR_RETURN(auto existing, lease->QueryOne("SELECT COUNT(*) AS n FROM evidence_items", {}));
    if (existing && existing->i64("n") > 0) return Error::Conflict("evidence items already exist");
    SL_ASSIGN_OR_RETURN(uploaders, lease->Query("SELECT id, username, role, department_id FROM users WHERE role IN "
                                                "('officer', 'auxiliary') AND disabled = 0 ORDER BY id",
                                                {}));
  }
  if (uploaders.empty()) return Error::BadRequest("no officer or auxiliary accounts to capture the evidence", "users");
  DemoEvidenceReport report;
  const std::vector<DemoItem> items = MakeDemoEvidence(options, clock.NowMs());
  std::vector<std::pair<UploadInfo, std::string>> imports;
  for (const DemoItem& item : items) {
    const store::Row& who = uploaders[static_cast<size_t>(item.uploader) % uploaders.size()];
    UploadInfo info;
    info.id = item.upload_id;
    info.length = item.bytes.size();
    info.user_id = who.i64("id");
    info.username = who.str("username");
    info.role = who.str("role");
    info.department_id = who.opt_i64("department_id").value_or(0);
    info.created_ms = clock.NowMs();
    info.metadata = MetadataHeader(item);
    SL_ASSIGN_OR_RETURN(info.meta, ParseUploadMetadata(info.metadata));
    imports.push_back({std::move(info), item.bytes});
  }
  SL_TRY(service.Import(imports));
  for (const DemoItem& item : items) {
    ++report.items;
    if (item.mode == "photo") {
      ++report.photos;
    } else if (item.mode == "scan") {
      ++report.scans;
    } else if (item.mode == "audio") {
      ++report.audio;
    } else if (item.mode == "record") {
      ++report.records;
    } else if (item.mode == "signature") {
      ++report.signatures;
    } else {
      ++report.tracks;
    }
  }
  {
    auto lease = db.Acquire();
    SL_ASSIGN_OR_RETURN(auto flagged, lease->QueryOne("SELECT COUNT(*) AS n FROM evidence_items WHERE mode = 'photo' "
                                                      "AND exif_flags <> ''",
                                                      {}));
    report.flagged = flagged ? static_cast<int>(flagged->i64("n")) : 0;
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

Result<DemoEvidenceReport> GenerateDemoEvidence(store::Database& db, const std::string& data_dir,
                                                const std::string& ledger_origin, EvidenceOptions evidence,
                                                const DemoEvidenceOptions& options, const Clock& clock) {
  EventBus bus(clock);
  SL_ASSIGN_OR_RETURN(auto ledger, ledger::Ledger::Open({data_dir + "/ledger", ledger_origin}, &bus));
  evidence.data_dir = data_dir;
  EvidenceService service(db, bus, clock, ledger.get(), evidence);
  SL_TRY(service.Open());
  auto report = LoadDemoEvidence(service, db, options, clock);
  ledger->Flush();
  return report;
}

}  // namespace sl::evidence
