#include "common/json.h"

#include <charconv>
#include <cmath>

namespace sl::json {

Result<bj::object> ParseObject(std::string_view body) {
  if (body.empty()) return Error::BadRequest("request body is empty; expected a JSON object");
  boost::system::error_code ec;
  bj::parse_options options;
  options.max_depth = 32;
  bj::value value = bj::parse(body, ec, {}, options);
  if (ec) return Error::BadRequest("request body is not valid JSON: " + ec.message());
  if (!value.is_object()) return Error::BadRequest("request body must be a JSON object");
  return std::move(value.as_object());
}

namespace {

const bj::value* Find(const bj::object& obj, std::string_view field) {
  auto it = obj.find(field);
  if (it == obj.end() || it->value().is_null()) return nullptr;
  return &it->value();
}

}  // namespace

Result<std::string> RequiredString(const bj::object& obj, std::string_view field, size_t max_len) {
  SL_ASSIGN_OR_RETURN(auto value, OptionalString(obj, field, max_len));
  if (!value) return Error::BadRequest(std::string(field) + " is required", std::string(field));
  return std::move(*value);
}

Result<std::optional<std::string>> OptionalString(const bj::object& obj, std::string_view field, size_t max_len) {
  const bj::value* v = Find(obj, field);
  if (!v) return std::optional<std::string>();
  if (!v->is_string()) return Error::BadRequest(std::string(field) + " must be a string", std::string(field));
  const auto& s = v->get_string();
  if (s.size() > max_len)
    return Error::BadRequest(std::string(field) + " is longer than " + std::to_string(max_len) + " bytes",
                             std::string(field));
  return std::optional<std::string>(std::string(s.data(), s.size()));
}

Result<int64_t> RequiredInt(const bj::object& obj, std::string_view field) {
  SL_ASSIGN_OR_RETURN(auto value, OptionalInt(obj, field));
  if (!value) return Error::BadRequest(std::string(field) + " is required", std::string(field));
  return *value;
}

Result<std::optional<int64_t>> OptionalInt(const bj::object& obj, std::string_view field) {
  const bj::value* v = Find(obj, field);
  if (!v) return std::optional<int64_t>();
  if (v->is_int64()) return std::optional<int64_t>(v->get_int64());
  if (v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(INT64_MAX))
    return std::optional<int64_t>(static_cast<int64_t>(v->get_uint64()));
  return Error::BadRequest(std::string(field) + " must be an integer", std::string(field));
}

Result<std::optional<bool>> OptionalBool(const bj::object& obj, std::string_view field) {
  const bj::value* v = Find(obj, field);
  if (!v) return std::optional<bool>();
  if (!v->is_bool()) return Error::BadRequest(std::string(field) + " must be true or false", std::string(field));
  return std::optional<bool>(v->get_bool());
}

std::string Serialize(const bj::value& value) { return bj::serialize(value); }

std::string FormatFixed(double value, int decimals) {
  if (!std::isfinite(value)) return "null";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, decimals);
  std::string out(buf, res.ptr);
  if (out.find('.') != std::string::npos) {
    while (!out.empty() && out.back() == '0') out.pop_back();
    if (!out.empty() && out.back() == '.') out.pop_back();
  }
  if (out == "-0") out = "0";
  return out;
}

}  // namespace sl::json
