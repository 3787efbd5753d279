-- Where each consumer of the log (the dispatcher, the projections) remembers the
-- last position it fully handled. Positions are kept as text: they exceed 2^53.
CREATE TABLE checkpoints (
  consumer  text        PRIMARY KEY,
  position  text        NOT NULL,
  saved_at  timestamptz NOT NULL
);
