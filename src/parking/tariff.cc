#include "parking/tariff.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "common/json.h"
#include "common/time.h"

namespace sl::parking {

namespace {
constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kDayMs = 24 * 60 * kMinuteMs;
constexpr int64_t kMaxStayMs = 31 * kDayMs;

int LocalMinuteOfDay(int64_t ms) {
  const int64_t local = ms + kChinaOffsetMs;
  return static_cast<int>(((local % kDayMs) + kDayMs) % kDayMs / kMinuteMs);
}
int64_t LocalDay(int64_t ms) {
  const int64_t local = ms + kChinaOffsetMs;
  return local >= 0 ? local / kDayMs : (local - kDayMs + 1) / kDayMs;
}
}  // namespace

bool InNightBand(const Tariff& t, int minute) {
  if (t.night_start == t.night_end) return false;
  if (t.night_start < t.night_end) return minute >= t.night_start && minute < t.night_end;
  return minute >= t.night_start || minute < t.night_end;  // wraps midnight
}

int64_t Price(const Tariff& t, int64_t start_ms, int64_t end_ms, const std::string& vehicle_type) {
  if (end_ms <= start_ms) return 0;
  end_ms = std::min(end_ms, start_ms + kMaxStayMs);
  if (end_ms - start_ms <= t.free_minutes * kMinuteMs) return 0;
  std::unordered_map<int64_t, int64_t> per_day;
  int64_t at = start_ms;
  bool first = true;
  while (at < end_ms) {
    int minutes;
    int64_t fee;
    if (InNightBand(t, LocalMinuteOfDay(at))) {
      minutes = t.night_period_minutes;
      fee = t.night_period_fen;
    } else if (first) {
      minutes = t.first_period_minutes;
      fee = t.first_period_fen;
    } else {
      minutes = t.period_minutes;
      fee = t.period_fen;
    }
    per_day[LocalDay(at)] += fee;
    at += std::max(1, minutes) * kMinuteMs;
    first = false;
  }
  int64_t total = 0;
  for (const auto& [day, fen] : per_day) total += t.daily_cap_fen > 0 ? std::min(fen, t.daily_cap_fen) : fen;
  int factor = 100;
  if (auto it = t.vehicle_factors.find(vehicle_type); it != t.vehicle_factors.end()) factor = it->second;
  return (total * factor + 50) / 100;
}

Status ValidateTariff(const Tariff& t) {
  auto minutes = [](int v, const char* field, int lo) -> Status {
    if (v < lo || v > 1440) return Error::BadRequest(std::string(field) + " must be between " + std::to_string(lo) +
                                                         " and 1440 minutes", field);
    return {};
  };
  auto money = [](int64_t v, const char* field) -> Status {
    if (v < 0 || v > 1'000'000) return Error::BadRequest(std::string(field) + " must be between 0 and 1000000 fen", field);
    return {};
  };
  if (t.name.empty()) return Error::BadRequest("name is required", "name");
  SL_TRY(minutes(t.free_minutes, "free_minutes", 0));
  SL_TRY(minutes(t.first_period_minutes, "first_period_minutes", 1));
  SL_TRY(minutes(t.period_minutes, "period_minutes", 1));
  SL_TRY(minutes(t.night_period_minutes, "night_period_minutes", 1));
  SL_TRY(money(t.first_period_fen, "first_period_fen"));
  SL_TRY(money(t.period_fen, "period_fen"));
  SL_TRY(money(t.daily_cap_fen, "daily_cap_fen"));
  SL_TRY(money(t.night_period_fen, "night_period_fen"));
  if (t.night_start < 0 || t.night_start > 1439) return Error::BadRequest("night_start must be 0..1439", "night_start");
  if (t.night_end < 0 || t.night_end > 1439) return Error::BadRequest("night_end must be 0..1439", "night_end");
  for (const auto& [type, factor] : t.vehicle_factors) {
    if (type.empty() || type.size() > 32) return Error::BadRequest("vehicle type names are 1..32 bytes", "vehicle_factors");
    if (factor < 1 || factor > 1000)
      return Error::BadRequest("vehicle factor of " + type + " must be 1..1000 %", "vehicle_factors");
  }
  return {};
}

std::string VehicleFactorsJson(const std::map<std::string, int>& factors) {
  boost::json::object o;
  for (const auto& [type, factor] : factors) o[type] = factor;
  return json::Serialize(o);
}

Result<std::map<std::string, int>> ParseVehicleFactors(const std::string& text) {
  std::map<std::string, int> out;
  if (text.empty()) return out;
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return Error::BadRequest("vehicle_factors must be an object of percentages", "vehicle_factors");
  for (const auto& [k, f] : v.as_object()) {
    if (!f.is_int64()) return Error::BadRequest("vehicle factor of " + std::string(k) + " must be an integer", "vehicle_factors");
    out[std::string(k)] = static_cast<int>(std::clamp<int64_t>(f.as_int64(), -1, 100000));
  }
  return out;
}

static std::string HhMm(int minute) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60, minute % 60);
  return buf;
}

std::string TariffJson(const Tariff& t) {
  return "{\"id\":" + std::to_string(t.id) + ",\"name\":" + json::Serialize(boost::json::value(t.name)) +
         ",\"free_minutes\":" + std::to_string(t.free_minutes) +
         ",\"first_period_minutes\":" + std::to_string(t.first_period_minutes) +
         ",\"first_period_fen\":" + std::to_string(t.first_period_fen) +
         ",\"period_minutes\":" + std::to_string(t.period_minutes) + ",\"period_fen\":" + std::to_string(t.period_fen) +
         ",\"daily_cap_fen\":" + std::to_string(t.daily_cap_fen) + ",\"night_start\":\"" + HhMm(t.night_start) +
         "\",\"night_end\":\"" + HhMm(t.night_end) + "\",\"night_period_minutes\":" +
         std::to_string(t.night_period_minutes) + ",\"night_period_fen\":" + std::to_string(t.night_period_fen) +
         ",\"vehicle_factors\":" + VehicleFactorsJson(t.vehicle_factors) + "}";
}

}  // namespace sl::parking
