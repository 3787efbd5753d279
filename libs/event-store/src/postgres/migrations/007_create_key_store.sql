-- The key store (libs/personal-data/src/postgres/postgres-key-store.ts): one data
-- key per (case, person ref) and the case's own key '*', kept apart from the
-- events they seal. Erasure deletes a key's row and leaves a tombstone (no key,
-- erased), so that the ref can never be given a key again.

CREATE TABLE key_cases (
  case_id            text    PRIMARY KEY,
  owner              text    NOT NULL,
  erased             boolean NOT NULL DEFAULT false,
  protection_version integer NOT NULL DEFAULT 0
);

CREATE TABLE data_keys (
  case_id    text    NOT NULL,
  ref        text    NOT NULL,
  key        bytea,
  restricted boolean NOT NULL DEFAULT false,
  erased     boolean NOT NULL DEFAULT false,
  PRIMARY KEY (case_id, ref)
);
