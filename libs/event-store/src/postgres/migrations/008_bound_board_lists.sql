-- Bounded boards (issue 13): every item of the boards' lists one a row in board_items, keyed in the lists'
-- order (the case's last activity, its id, the item's place in the case), so that the board answer reads only
-- the newest items and the lists are paged sub-resources; board_cases no longer keeps the lists as fragments.
-- The same table SQLite creates (libs/read-models/src/read-model-tables.ts), there WITHOUT ROWID; here the
-- ordering columns are in the "C" collation, so that the lists are in the byte order SQLite and the code use.
ALTER TABLE board_cases
  DROP COLUMN flagged_documents,
  DROP COLUMN vessels,
  DROP COLUMN vehicles,
  DROP COLUMN locations;
CREATE TABLE board_items (
  reader            TEXT NOT NULL,
  kind              TEXT NOT NULL,
  group_id          TEXT NOT NULL,
  list              TEXT NOT NULL,
  last_activity_at  TEXT COLLATE "C" NOT NULL,
  case_id           TEXT COLLATE "C" NOT NULL,
  item_index        INTEGER NOT NULL,
  facet             TEXT,
  facet2            TEXT,
  item              TEXT NOT NULL,
  PRIMARY KEY (reader, kind, group_id, list, last_activity_at, case_id, item_index)
);
CREATE INDEX board_items_by_facet ON board_items (reader, kind, group_id, list, facet, last_activity_at, case_id, item_index) WHERE facet IS NOT NULL;
CREATE INDEX board_items_by_facet2 ON board_items (reader, kind, group_id, list, facet2, last_activity_at, case_id, item_index) WHERE facet2 IS NOT NULL;
CREATE INDEX board_items_flagged ON board_items (reader, kind, group_id, list, last_activity_at, case_id, item_index) WHERE facet IN ('stolen', 'lost', 'forged', 'counterfeit', 'impostor_use');
-- The boards' rows were written without their items: they go, and the boards projection starts again from the
-- beginning of the store (a new generation, which a running projector notices), so that the projector folds
-- them anew; `npm run projections:rebuild boards` does it at once.
TRUNCATE board_case_states, board_cases, boards;
UPDATE projection_checkpoints SET position = '', generation = generation + 1 WHERE projection = 'boards';
