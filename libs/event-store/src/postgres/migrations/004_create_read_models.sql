-- The read models of the projector (apps/projector) and the queries (apps/query):
-- the same tables SQLite creates (libs/read-models/src/read-model-tables.ts).
-- Positions and times are text, as in the shared SQL; every row belongs to one reader party.
CREATE TABLE projection_checkpoints (
  projection  TEXT PRIMARY KEY,
  position    TEXT NOT NULL,
  generation  INTEGER NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE TABLE case_summaries (
  reader   TEXT NOT NULL,
  case_id  TEXT NOT NULL,
  body     TEXT NOT NULL,
  PRIMARY KEY (reader, case_id)
);
CREATE TABLE board_case_states (
  reader   TEXT NOT NULL,
  case_id  TEXT NOT NULL,
  body     TEXT NOT NULL,
  PRIMARY KEY (reader, case_id)
);
CREATE TABLE board_cases (
  reader            TEXT NOT NULL,
  kind              TEXT NOT NULL,
  group_id          TEXT NOT NULL,
  case_id           TEXT NOT NULL,
  status            TEXT NOT NULL,
  route             TEXT,
  crime_areas       TEXT NOT NULL,
  last_activity_at  TEXT NOT NULL,
  listing           TEXT NOT NULL,
  contribution      TEXT NOT NULL,
  flagged_documents TEXT NOT NULL,
  vessels           TEXT NOT NULL,
  vehicles          TEXT NOT NULL,
  locations         TEXT NOT NULL,
  PRIMARY KEY (reader, kind, group_id, case_id)
);
CREATE INDEX board_cases_by_activity ON board_cases (reader, kind, group_id, last_activity_at, case_id);
CREATE TABLE boards (
  reader    TEXT NOT NULL,
  kind      TEXT NOT NULL,
  group_id  TEXT NOT NULL,
  body      TEXT NOT NULL,
  PRIMARY KEY (reader, kind, group_id)
);
