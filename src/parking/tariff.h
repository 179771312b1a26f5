// Charging standards (收费标准) and the price of a stay.
//
// A stay no longer than free_minutes costs nothing (a grace period: beyond it
// the whole stay is charged from its start, as Chinese street tariffs do).
// Otherwise the stay is cut into periods from its start: a period that starts
// in the night band lasts night_period_minutes and costs night_period_fen; a
// period that starts in the day costs first_period_fen for the stay's first
// period (first_period_minutes long) and period_fen (period_minutes long) for
// every later one. Each started period is charged in full. The charges of the
// periods starting on one local (China) calendar day are capped at
// daily_cap_fen (0: no cap). Finally the sum is scaled by the vehicle type's
// percentage (vehicle_factors; a type not listed pays 100%), rounded to the
// nearest fen.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "common/result.h"

namespace sl::parking {

struct Tariff {
  int64_t id = 0;
  std::string name;
  int free_minutes = 0;
  int first_period_minutes = 60;
  int64_t first_period_fen = 0;
  int period_minutes = 30;
  int64_t period_fen = 0;
  int64_t daily_cap_fen = 0;         // 0: no cap
  int night_start = 0, night_end = 0;  // minutes after local midnight; equal: no night band
  int night_period_minutes = 60;
  int64_t night_period_fen = 0;
  std::map<std::string, int> vehicle_factors;  // percent per vehicle type
};

// The price in fen of a stay [start_ms, end_ms) for `vehicle_type`.
// Stays over 31 days are priced as 31 days (a sensor that never reported the
// car leaving must not produce an unbounded loop or bill).
int64_t Price(const Tariff& tariff, int64_t start_ms, int64_t end_ms, const std::string& vehicle_type);

// True when the local (China) minute of day lies in the tariff's night band
// (which may wrap midnight, e.g. 20:00–08:00).
bool InNightBand(const Tariff& tariff, int minute_of_day);

// Checks ranges (periods 1..1440 minutes, money 0..1,000,000 fen, band edges
// 0..1439, factors 1..1000 %); the error names the field.
Status ValidateTariff(const Tariff& tariff);

// {"id","name","free_minutes",...,"vehicle_factors":{...}} and back.
std::string TariffJson(const Tariff& tariff);
std::string VehicleFactorsJson(const std::map<std::string, int>& factors);
Result<std::map<std::string, int>> ParseVehicleFactors(const std::string& json_text);

}  // namespace sl::parking
