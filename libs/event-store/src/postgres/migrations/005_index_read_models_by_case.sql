-- The projector loads the rows of the cases a batch touches, for every reader at once (WHERE case_id IN …):
-- without these, each batch read whole tables (the primary keys start with the reader).
-- The same indexes SQLite creates (libs/read-models/src/read-model-tables.ts).
CREATE INDEX case_summaries_by_case ON case_summaries (case_id);
CREATE INDEX board_case_states_by_case ON board_case_states (case_id);
CREATE INDEX board_cases_by_case ON board_cases (case_id);
