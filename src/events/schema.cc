#include "events/schema.h"

namespace sl::events {

const char* const kRollupRebuildSql = R"SQL(
DELETE FROM event_rollup;
INSERT INTO event_rollup (month, town_id, department_id, category_code, collected, should_close, closed,
  closed_on_time, reworked, fed_back_dispatched, handled_on_time, public_decided, public_verified)
SELECT month, COALESCE(town_id, 0), COALESCE(department_id, 0), category_code, COUNT(*),
  SUM(CASE WHEN filed_at IS NOT NULL THEN 1 ELSE 0 END),
  SUM(CASE WHEN closed_at IS NOT NULL THEN 1 ELSE 0 END),
  SUM(CASE WHEN closed_on_time = 1 THEN 1 ELSE 0 END),
  SUM(CASE WHEN closed_at IS NOT NULL AND rework_count > 0 THEN 1 ELSE 0 END),
  SUM(CASE WHEN handle_deadline IS NOT NULL AND fed_back_at IS NOT NULL THEN 1 ELSE 0 END),
  SUM(CASE WHEN handled_on_time = 1 THEN 1 ELSE 0 END),
  SUM(CASE WHEN source IN ('public', 'hotline') AND status <> 'collected' THEN 1 ELSE 0 END),
  SUM(CASE WHEN source IN ('public', 'hotline') AND filed_at IS NOT NULL THEN 1 ELSE 0 END)
FROM events GROUP BY month, COALESCE(town_id, 0), COALESCE(department_id, 0), category_code;
)SQL";

std::vector<store::Migration> Migrations() {
  return {
      {600, "events: categories, events, steps, photos", R"SQL(
-- Time limits are "<n>h" (working hours) or "<n>d" (working days), see
-- events/rules.h. ten_chaos marks the ten-chaos (十乱) categories charted on
-- their own; public = 1 lets citizens report it (public page, Open311).
CREATE TABLE event_categories (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL,
  parent_code TEXT NOT NULL DEFAULT '',
  ten_chaos INTEGER NOT NULL DEFAULT 0,
  public INTEGER NOT NULL DEFAULT 1,
  file_limit TEXT NOT NULL,
  dispatch_limit TEXT NOT NULL,
  handle_limit TEXT NOT NULL,
  verify_limit TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  sort INTEGER NOT NULL DEFAULT 0
);
INSERT INTO event_categories (code, name, name_en, parent_code, ten_chaos, public, file_limit, dispatch_limit,
  handle_limit, verify_limit, sort) VALUES
 ('ten_chaos', '十乱整治', 'Ten chaos', '', 0, 0, '2h', '1h', '2d', '4h', 0),
 ('street_vending', '乱设摊', 'Street vending', 'ten_chaos', 1, 1, '1h', '1h', '4h', '2h', 1),
 ('road_occupation', '乱占道经营', 'Shop business on the pavement', 'ten_chaos', 1, 1, '1h', '1h', '4h', '2h', 2),
 ('random_piling', '乱堆放', 'Goods and materials piled up', 'ten_chaos', 1, 1, '2h', '1h', '1d', '4h', 3),
 ('illegal_posting', '乱张贴', 'Flyers and small adverts', 'ten_chaos', 1, 1, '2h', '1h', '1d', '4h', 4),
 ('random_hanging', '乱拉挂', 'Banners and wires hung up', 'ten_chaos', 1, 1, '2h', '1h', '1d', '4h', 5),
 ('graffiti', '乱涂写', 'Graffiti', 'ten_chaos', 1, 1, '2h', '1h', '2d', '4h', 6),
 ('illegal_parking', '乱停车', 'Vehicles parked on the pavement', 'ten_chaos', 1, 1, '1h', '1h', '2h', '2h', 7),
 ('garbage_dumping', '乱倒垃圾', 'Rubbish dumped', 'ten_chaos', 1, 1, '1h', '1h', '4h', '2h', 8),
 ('illegal_construction', '乱搭建', 'Unauthorised structures', 'ten_chaos', 1, 1, '4h', '2h', '5d', '1d', 9),
 ('clothes_drying', '乱晾晒', 'Laundry hung along the street', 'ten_chaos', 1, 1, '2h', '1h', '1d', '4h', 10),
 ('construction_waste', '渣土撒漏', 'Construction waste spilled or dumped', '', 0, 1, '1h', '1h', '4h', '2h', 20),
 ('oil_fume', '油烟扰民', 'Kitchen fumes', '', 0, 1, '2h', '1h', '3d', '1d', 21),
 ('facility_damage', '市政设施损坏', 'Damaged public facilities', '', 0, 1, '2h', '1h', '3d', '4h', 22),
 ('other', '其他', 'Other', '', 0, 1, '2h', '1h', '3d', '4h', 99);

-- One row per event. code is the tracking number shown to the reporter and
-- used as the Open311 service_request_id. Deadlines are epoch ms computed on
-- the working calendar when the step starts:
--   step_deadline   the deadline of the step the event now waits for (NULL when none)
--   handle_deadline dispatch → first feedback (set at dispatch)
--   close_deadline  handle_deadline + the verification limit (set at dispatch;
--                   rework does not move it)
-- warn_level: 0 none, 1 near, 2 overdue already published for the current step.
CREATE TABLE events (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  category_code TEXT NOT NULL REFERENCES event_categories(code),
  source TEXT NOT NULL,
  source_ref TEXT,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  address TEXT NOT NULL DEFAULT '',
  lon {{REAL}}, lat {{REAL}},
  town_id BIGINT REFERENCES towns(id),
  grid_id BIGINT REFERENCES grids(id),
  status TEXT NOT NULL,
  reporter_id BIGINT NOT NULL DEFAULT 0,
  reporter_contact TEXT NOT NULL DEFAULT '',
  photos TEXT NOT NULL DEFAULT '[]',
  media_url TEXT NOT NULL DEFAULT '',
  occurred_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  month TEXT NOT NULL,                  -- 'YYYY-MM' of created_at in China time, for trends
  updated_at BIGINT NOT NULL,
  filed_at BIGINT, dispatched_at BIGINT, fed_back_at BIGINT, closed_at BIGINT, evaluated_at BIGINT,
  department_id BIGINT REFERENCES departments(id),
  assignee_id BIGINT,
  step_started BIGINT NOT NULL,
  step_deadline BIGINT,
  handle_deadline BIGINT,
  close_deadline BIGINT,
  handled_on_time INTEGER,
  closed_on_time INTEGER,
  rework_count INTEGER NOT NULL DEFAULT 0,
  evaluation INTEGER,
  status_note TEXT NOT NULL DEFAULT '',
  warn_level INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX events_source_ref ON events(source, source_ref);
CREATE INDEX events_created ON events(created_at);
CREATE INDEX events_status_deadline ON events(status, step_deadline);
CREATE INDEX events_town_created ON events(town_id, created_at);
CREATE INDEX events_category_created ON events(category_code, created_at);
CREATE INDEX events_department_created ON events(department_id, created_at);
CREATE TABLE event_steps (
  id {{ID}},
  event_id BIGINT NOT NULL REFERENCES events(id),
  action TEXT NOT NULL,
  from_status TEXT NOT NULL,
  to_status TEXT NOT NULL,
  at_ms BIGINT NOT NULL,
  actor_id BIGINT NOT NULL,
  actor TEXT NOT NULL,
  role TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  department_id BIGINT,
  assignee_id BIGINT,
  deadline BIGINT,
  photos TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX event_steps_event ON event_steps(event_id, id);
-- Uploaded photos; the bytes live in the blob store under their SHA-256.
CREATE TABLE event_photos (
  sha256 TEXT PRIMARY KEY,
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  uploaded_at BIGINT NOT NULL,
  client TEXT NOT NULL DEFAULT ''
);
)SQL"},
      // The indicators and the trend aggregate every event of a period; this
      // index holds every column they read, so the scan never touches the
      // (wide) event rows.
      {601, "events: covering indexes for indicators and trends", R"SQL(
CREATE INDEX events_cohort ON events(created_at, town_id, department_id, category_code, month, status, source,
  filed_at, closed_at, closed_on_time, rework_count, handle_deadline, fed_back_at, handled_on_time, step_deadline);
-- The monthly trend groups by (month, category) over whole months.
CREATE INDEX events_month_category ON events(month, category_code);
-- The screen's "closed today".
CREATE INDEX events_closed ON events(closed_at);
)SQL"},
      // The time-independent counts of the indicators per creation month,
      // town, department and category, kept in step with every change of an
      // event in the same transaction (events/indicators.h), so indicators
      // over whole months read a few thousand rows instead of every event.
      {602, "events: monthly indicator rollup", std::string(R"SQL(
CREATE TABLE event_rollup (
  month TEXT NOT NULL,
  town_id BIGINT NOT NULL,        -- 0: no town
  department_id BIGINT NOT NULL,  -- 0: not dispatched
  category_code TEXT NOT NULL,
  collected BIGINT NOT NULL, should_close BIGINT NOT NULL, closed BIGINT NOT NULL, closed_on_time BIGINT NOT NULL,
  reworked BIGINT NOT NULL, fed_back_dispatched BIGINT NOT NULL, handled_on_time BIGINT NOT NULL,
  public_decided BIGINT NOT NULL, public_verified BIGINT NOT NULL,
  PRIMARY KEY (month, town_id, department_id, category_code)
);
)SQL") + kRollupRebuildSql},
      // The copy of a photo shown on public pages, without the camera's
      // metadata (GPS, device); the original stays for staff.
      {603, "events: public copies of photos", R"SQL(
ALTER TABLE event_photos ADD COLUMN public_sha256 TEXT;
CREATE INDEX event_photos_public ON event_photos(public_sha256);
)SQL"},
  };
}

}  // namespace sl::events
