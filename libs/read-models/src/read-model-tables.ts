/**
 * The read models' tables, in the SQL SQLite and PostgreSQL share. SQLite
 * creates them on first open (and an index added later on the next open);
 * PostgreSQL gets them from migrations 004 and 005 (`npm run migrate`), which
 * hold the same statements.
 *
 * Every row belongs to one reader (a party): a read model is computed only
 * from the messages that party is entitled to.
 */
export const READ_MODEL_TABLES = `
CREATE TABLE IF NOT EXISTS projection_checkpoints (
  projection  TEXT PRIMARY KEY,
  position    TEXT NOT NULL,
  generation  INTEGER NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS case_summaries (
  reader   TEXT NOT NULL,
  case_id  TEXT NOT NULL,
  body     TEXT NOT NULL,
  PRIMARY KEY (reader, case_id)
);
CREATE INDEX IF NOT EXISTS case_summaries_by_case ON case_summaries (case_id);
CREATE TABLE IF NOT EXISTS board_case_states (
  reader   TEXT NOT NULL,
  case_id  TEXT NOT NULL,
  body     TEXT NOT NULL,
  PRIMARY KEY (reader, case_id)
);
CREATE INDEX IF NOT EXISTS board_case_states_by_case ON board_case_states (case_id);
CREATE TABLE IF NOT EXISTS board_cases (
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
CREATE INDEX IF NOT EXISTS board_cases_by_activity ON board_cases (reader, kind, group_id, last_activity_at, case_id);
CREATE INDEX IF NOT EXISTS board_cases_by_case ON board_cases (case_id);
CREATE TABLE IF NOT EXISTS boards (
  reader    TEXT NOT NULL,
  kind      TEXT NOT NULL,
  group_id  TEXT NOT NULL,
  body      TEXT NOT NULL,
  PRIMARY KEY (reader, kind, group_id)
);
`;
