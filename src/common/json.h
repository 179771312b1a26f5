// JSON helpers over Boost.JSON: parsing request bodies with errors that name
// the field at fault, and number formatting that Boost 1.81 gets wrong for
// people (it prints 31.2 as "3.12E1").
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace sl::json {

namespace bj = boost::json;

// Parses `body` as a JSON object. Malformed, truncated or non-object input is
// a kBadRequest naming what was wrong (with the byte offset when known).
Result<bj::object> ParseObject(std::string_view body);

// Field extraction. Missing required fields and wrong types are kBadRequest
// with `field` set; strings are trimmed of nothing (stored verbatim) but must
// be valid UTF-8 (Boost.JSON guarantees it) and at most `max_len` bytes.
Result<std::string> RequiredString(const bj::object& obj, std::string_view field, size_t max_len = 1024);
Result<std::optional<std::string>> OptionalString(const bj::object& obj, std::string_view field,
                                                  size_t max_len = 1024);
Result<int64_t> RequiredInt(const bj::object& obj, std::string_view field);
Result<std::optional<int64_t>> OptionalInt(const bj::object& obj, std::string_view field);
Result<std::optional<bool>> OptionalBool(const bj::object& obj, std::string_view field);

// Serialises a value compactly.
std::string Serialize(const bj::value& value);

// A JSON number literal with at most `decimals` fraction digits, trailing
// zeros trimmed ("120.5", "30"), for coordinates and measures.
std::string FormatFixed(double value, int decimals);

}  // namespace sl::json
