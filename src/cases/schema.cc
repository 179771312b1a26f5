#include "cases/schema.h"

namespace sl::cases {

std::vector<store::Migration> Migrations() {
  return {
      {700, "cases: penalty cases, their steps (timeline) and statutory deadlines", R"SQL(
-- One administrative penalty case (summary or general procedure). Times are
-- UTC epoch ms (0: not yet); money in fen. State and procedure follow
-- cases/rules.h. source_event_id is the urban event the case came from (the
-- events module's id, no foreign key: the modules share no tables).
CREATE TABLE cases (
  id {{ID}},
  number TEXT NOT NULL UNIQUE,
  procedure TEXT NOT NULL CHECK (procedure IN ('summary', 'general')),
  state TEXT NOT NULL,
  party_kind TEXT NOT NULL CHECK (party_kind IN ('citizen', 'organisation')),
  party_name TEXT NOT NULL,
  party_id_no TEXT NOT NULL,
  party_phone TEXT NOT NULL,
  party_address TEXT NOT NULL,
  subject_id BIGINT REFERENCES subjects(id),
  category TEXT NOT NULL,
  cause TEXT NOT NULL,
  legal_basis TEXT NOT NULL,
  facts TEXT NOT NULL,
  town_id BIGINT NOT NULL REFERENCES towns(id),
  officer1_id BIGINT NOT NULL REFERENCES staff(id),
  officer2_id BIGINT REFERENCES staff(id),
  reviewer_id BIGINT REFERENCES staff(id),
  hearing_chair_id BIGINT REFERENCES staff(id),
  source_event_id BIGINT,
  major INTEGER NOT NULL,
  penalty TEXT NOT NULL,                -- '' | warning | fine
  proposed_fine_fen BIGINT NOT NULL,    -- as notified to the party (APL Art. 44)
  fine_fen BIGINT NOT NULL,             -- as decided
  paid_fen BIGINT NOT NULL,
  surcharge_fen BIGINT NOT NULL,
  instalments INTEGER NOT NULL,
  e_service_consent INTEGER NOT NULL,
  review_passed INTEGER NOT NULL,
  collective_done INTEGER NOT NULL,
  hearing_at BIGINT NOT NULL,
  outcome TEXT NOT NULL,                -- '' | penalty | no_penalty | not_filed | transferred
  decision_no TEXT UNIQUE,
  verify_code TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  month INTEGER NOT NULL,               -- yyyymm of created_at in China time, for the statistics
  filed_at BIGINT NOT NULL,
  notified_at BIGINT NOT NULL,
  decided_at BIGINT NOT NULL,
  served_at BIGINT NOT NULL,
  paid_at BIGINT NOT NULL,
  closed_at BIGINT NOT NULL,
  archived_at BIGINT NOT NULL,
  next_due_ms BIGINT,                   -- earliest running deadline (NULL: none), for the overdue filter
  updated_at BIGINT NOT NULL
);
CREATE INDEX cases_created ON cases(created_at);
CREATE INDEX cases_month ON cases(month);
CREATE INDEX cases_state ON cases(state, created_at);
CREATE INDEX cases_procedure ON cases(procedure, created_at);
CREATE INDEX cases_category ON cases(category, created_at);
CREATE INDEX cases_town ON cases(town_id, created_at);
CREATE INDEX cases_officer1 ON cases(officer1_id);
CREATE INDEX cases_next_due ON cases(next_due_ms);
-- The timeline: one row per step (全过程记录, APL Art. 47).
CREATE TABLE case_steps (
  id {{ID}},
  case_id BIGINT NOT NULL REFERENCES cases(id),
  at BIGINT NOT NULL,
  action TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  actor_id BIGINT,
  actor TEXT NOT NULL,
  role TEXT NOT NULL,
  note TEXT NOT NULL
);
CREATE INDEX case_steps_case ON case_steps(case_id, at);
-- Statutory deadlines of a case. closed_at: when the step it waits for was
-- taken (0: running). alerted: 0 none, 1 "near" published, 2 "overdue" published.
CREATE TABLE case_deadlines (
  case_id BIGINT NOT NULL REFERENCES cases(id),
  kind TEXT NOT NULL,
  due_ms BIGINT NOT NULL,
  article TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  closed_at BIGINT NOT NULL,
  alerted INTEGER NOT NULL,
  PRIMARY KEY (case_id, kind)
);
CREATE INDEX case_deadlines_open ON case_deadlines(closed_at, due_ms);
)SQL"},
      {701, "cases: the evidence register (items registered and preserved, APL Art. 56)", R"SQL(
-- Field evidence items (the evidence module's ids, no foreign key) named by a
-- register_evidence step; decided_at is set by the decide_evidence step that
-- ends their preservation (0: still awaiting the decision).
CREATE TABLE case_evidence_register (
  case_id BIGINT NOT NULL REFERENCES cases(id),
  item_id BIGINT NOT NULL,
  registered_at BIGINT NOT NULL,
  registered_by BIGINT,
  approver TEXT NOT NULL,
  decided_at BIGINT NOT NULL,
  PRIMARY KEY (case_id, item_id, registered_at)
);
)SQL"},
  };
}

}  // namespace sl::cases
