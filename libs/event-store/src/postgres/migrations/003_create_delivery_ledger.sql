-- The delivery ledger (libs/delivery/src/ledger/postgres-delivery-ledger.ts): every
-- delivery the dispatcher made, each party's acknowledgements, and the
-- dispatcher's checkpoint, written in one transaction per batch.

-- A delivery's payload (the DeliveryPayload JSON), stored once per store position
-- whatever the number of recipients. text, not jsonb: the bytes are kept as recorded.
CREATE TABLE feed_payloads (
  position bigint PRIMARY KEY,
  payload  text   NOT NULL
);

-- One row per recipient of an event; the position is the cursor of the party's feed.
CREATE TABLE deliveries (
  party           text        NOT NULL,
  position        bigint      NOT NULL,
  message_id      text        NOT NULL,
  channel         text        NOT NULL CHECK (channel IN ('kafka', 'feed')),
  delivered_at    timestamptz NOT NULL,
  acknowledged_at timestamptz,
  PRIMARY KEY (party, position)
);
CREATE INDEX deliveries_message_id ON deliveries (message_id);

-- Where the dispatcher resumes: one row, moved by the transaction that records a batch.
CREATE TABLE delivery_checkpoint (
  id       smallint    PRIMARY KEY CHECK (id = 1),
  position bigint      NOT NULL,
  saved_at timestamptz NOT NULL
);
