// The construction-waste office's routes under /api/v1/fleet, beyond
// registration (fleet/fleet_routes.h):
//   GET  alarms/{id}                          (fleet.read)
//   POST alarms/{id}/acknowledge              (fleet.alarm; audited) the office
//        has seen it; idempotent (the first time and person stay)
//   POST alarms/{id}/escalate                 (fleet.alarm; audited) publishes an
//        EventIntake (bus/event_intake.h): source "fleet", source_ref
//        "fleet-alarm:{id}", category "construction_waste", evidence_url the
//        truck's positions GeoJSON from 15 min before to 15 min after the
//        alarm; the alarm keeps the first escalation's time and person, a
//        repeat publishes the same intake again (intake is idempotent)
//   GET  stats?group=vehicle|company|site&from=&to=   (fleet.read) per key:
//        trips (manifests loaded in [from, to)), compliant, non_compliant,
//        distance_km, alarms and alarms_by_type (alarms of the vehicles, the
//        companies' vehicles, or citing the permit for "site": a permit's
//        source → disposal site pair); default period the 30 days before `to`
//   GET  ratings?from=&to=                    (fleet.read) every company's
//        transport integrity rating (fleet/rating.h)
//   GET  speed-zones | POST speed-zones | DELETE speed-zones/{id}
//        (read: fleet.read; writes: fleet.write, audited) zones with a speed
//        limit for the overspeed rule; a change reloads the geofences
#pragma once

#include "fleet/fleet_routes.h"
