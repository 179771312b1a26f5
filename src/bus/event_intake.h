// EventIntake: how any module hands something it found to the urban-event
// loop (step 1 of 7, "collect"). Fleet alarms, parking and oil-fume sensors,
// camera analytics and inspections publish one of these on the bus; the events
// module subscribes, files an event in its "collected" state and publishes
// EventIntakeAccepted with the new event's id.
//
// Intake is idempotent on (source, source_ref): publishing the same pair twice
// yields the same event, so a retried escalation never files a duplicate.
#pragma once

#include <cstdint>
#include <string>

namespace sl {

struct EventIntake {
  static constexpr const char* kType = "events.intake";

  std::string source;       // who found it: "fleet", "parking", "camera", "sensor", "inspection", ...
  std::string source_ref;   // the source's own reference, e.g. "fleet-alarm:123"
  std::string category;     // an event category code, e.g. "construction_waste"
  std::string title;        // one line for lists and the ticker
  std::string description;  // free text, may be empty
  double lon = 0;           // WGS-84 where it happened
  double lat = 0;
  int64_t occurred_at_ms = 0;   // when it happened (UTC epoch ms)
  int64_t reported_by = 0;      // user id of the person escalating it, 0 for automatic intake
  std::string evidence_url;     // where the attached evidence can be fetched (e.g. a track as GeoJSON), may be empty

  std::string ToJson() const;
};

struct EventIntakeAccepted {
  static constexpr const char* kType = "events.intake_accepted";

  std::string source;
  std::string source_ref;
  int64_t event_id = 0;
  bool created = false;  // false when (source, source_ref) had already been taken in

  std::string ToJson() const;
};

}  // namespace sl
