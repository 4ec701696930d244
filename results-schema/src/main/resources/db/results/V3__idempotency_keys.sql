-- Writes a client may retry safely: the first answer to each (caller, Idempotency-Key), stored in the transaction
-- that made the write, so a retry finds either nothing (the write rolled back) or the committed answer. The row is
-- inserted before the write, so of two concurrent requests with one key the second waits on the primary key and
-- then replays the first's answer. The answer columns are filled before that transaction commits.
CREATE TABLE idempotency_keys (
    caller          text        NOT NULL CHECK (length(caller) BETWEEN 1 AND 300),
    key             text        NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    -- SHA-256 (hex) of the method, path and request body: the same key with another request is refused.
    fingerprint     text        NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
    response_status smallint    CHECK (response_status BETWEEN 200 AND 299),
    response_body   text,
    location        text        CHECK (length(location) <= 2000),
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (caller, key)
);
-- Keys are kept for a day; each keyed write deletes a batch of older ones, whoever's they are.
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
