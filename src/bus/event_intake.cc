#include "bus/event_intake.h"

#include "common/json.h"

namespace sl {

std::string EventIntake::ToJson() const {
  // Coordinates are formatted by hand: Boost 1.81 prints doubles in E notation.
  std::string out = "{";
  auto add = [&out](std::string_view key, const std::string& literal) {
    if (out.size() > 1) out += ',';
    out += json::Serialize(boost::json::string(key));
    out += ':';
    out += literal;
  };
  auto str = [](const std::string& s) { return json::Serialize(boost::json::string(s)); };
  add("source", str(source));
  add("source_ref", str(source_ref));
  add("category", str(category));
  add("title", str(title));
  add("description", str(description));
  add("lon", json::FormatFixed(lon, 6));
  add("lat", json::FormatFixed(lat, 6));
  add("occurred_at_ms", std::to_string(occurred_at_ms));
  add("reported_by", std::to_string(reported_by));
  add("evidence_url", str(evidence_url));
  out += '}';
  return out;
}

std::string EventIntakeAccepted::ToJson() const {
  boost::json::object obj;
  obj["source"] = source;
  obj["source_ref"] = source_ref;
  obj["event_id"] = event_id;
  obj["created"] = created;
  return json::Serialize(obj);
}

}  // namespace sl
