-- Runs with search_path set to the target schema (see postgres-schema.ts).

-- One row per stream, holding its version. Appends lock this row, so the
-- expected-version check and the versions given out are exact.
CREATE TABLE streams (
  stream_name    text   PRIMARY KEY,
  stream_version bigint NOT NULL CHECK (stream_version >= 0)
);

-- The global log. An event's position is transaction_id * 1000000 + event_index:
-- the id of the transaction that appended it (one append, one transaction) and
-- its index within that append. Readers of the global log only read events with
-- transaction_id < pg_snapshot_xmin(pg_current_snapshot()): those transactions
-- have all ended, and every transaction still running or yet to start has an
-- id at or above that bound, so no event can later appear below a position
-- already read.
CREATE TABLE events (
  transaction_id xid8        NOT NULL DEFAULT pg_current_xact_id(),
  event_index    integer     NOT NULL CHECK (event_index >= 0 AND event_index < 1000000),
  stream_name    text        NOT NULL,
  stream_version bigint      NOT NULL CHECK (stream_version >= 1),
  id             text        NOT NULL,
  type           text        NOT NULL,
  -- json, not jsonb: the text is kept exactly as appended (key order included).
  data           json        NOT NULL,
  metadata       json        NOT NULL,
  recorded_at    timestamptz NOT NULL,
  CONSTRAINT events_position_key PRIMARY KEY (transaction_id, event_index),
  CONSTRAINT events_id_key UNIQUE (id),
  CONSTRAINT events_stream_version_key UNIQUE (stream_name, stream_version)
);
