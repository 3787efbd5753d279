-- The audit log (libs/audit/src/postgres/postgres-audit-log.ts): one hash chain
-- of entries, appended by every exchange process under one advisory lock per
-- schema, and the signed checkpoints of its head. Rows are never updated.

-- entry: the canonical JSON text the hash covers (sha256 of the previous hash and these bytes).
CREATE TABLE audit_entries (
  seq       bigint PRIMARY KEY,
  operation text   NOT NULL,
  entry     text   NOT NULL,
  hash      text   NOT NULL
);

-- How entries are found: one row per case touched and per party acting or receiving.
CREATE TABLE audit_index (
  key text   NOT NULL,
  seq bigint NOT NULL,
  PRIMARY KEY (key, seq)
);

CREATE TABLE audit_checkpoints (
  seq       bigint PRIMARY KEY,
  head_hash text   NOT NULL,
  at        text   NOT NULL,
  key_id    text   NOT NULL,
  signature text   NOT NULL
);
