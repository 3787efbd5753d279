import { FLAGGED_DOCUMENT_STATUSES } from './projections/board';

/**
 * The condition on board_items that a document is flagged, in the words of the
 * partial index board_items_flagged: a query that is to use that index must
 * say it the same way.
 */
export const FLAGGED_DOCUMENT_CONDITION = `facet IN (${FLAGGED_DOCUMENT_STATUSES.map((status) => `'${status}'`).join(', ')})`;

/**
 * The read models' tables, in the SQL SQLite and PostgreSQL share. SQLite
 * creates them on first open (and an index added later on the next open);
 * PostgreSQL gets them from migrations 004, 005 and 008 (`npm run migrate`),
 * which hold the same statements (board_items there is a plain table with its
 * ordering columns in the "C" collation, here WITHOUT ROWID: its rows are
 * small and always read in key order).
 *
 * Every row belongs to one reader (a party): a read model is computed only
 * from the messages that party is entitled to.
 *
 * board_items holds every item of the boards' lists, one a row, keyed in the
 * lists' order (newest first read backwards): a page of any list, filtered by
 * a facet or not, is one range of an index.
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
  PRIMARY KEY (reader, kind, group_id, case_id)
);
CREATE INDEX IF NOT EXISTS board_cases_by_activity ON board_cases (reader, kind, group_id, last_activity_at, case_id);
CREATE INDEX IF NOT EXISTS board_cases_by_case ON board_cases (case_id);
CREATE TABLE IF NOT EXISTS board_items (
  reader            TEXT NOT NULL,
  kind              TEXT NOT NULL,
  group_id          TEXT NOT NULL,
  list              TEXT NOT NULL,
  last_activity_at  TEXT NOT NULL,
  case_id           TEXT NOT NULL,
  item_index        INTEGER NOT NULL,
  facet             TEXT,
  facet2            TEXT,
  item              TEXT NOT NULL,
  PRIMARY KEY (reader, kind, group_id, list, last_activity_at, case_id, item_index)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS board_items_by_facet ON board_items (reader, kind, group_id, list, facet, last_activity_at, case_id, item_index) WHERE facet IS NOT NULL;
CREATE INDEX IF NOT EXISTS board_items_by_facet2 ON board_items (reader, kind, group_id, list, facet2, last_activity_at, case_id, item_index) WHERE facet2 IS NOT NULL;
CREATE INDEX IF NOT EXISTS board_items_flagged ON board_items (reader, kind, group_id, list, last_activity_at, case_id, item_index) WHERE ${FLAGGED_DOCUMENT_CONDITION};
CREATE TABLE IF NOT EXISTS boards (
  reader    TEXT NOT NULL,
  kind      TEXT NOT NULL,
  group_id  TEXT NOT NULL,
  body      TEXT NOT NULL,
  PRIMARY KEY (reader, kind, group_id)
);
`;
