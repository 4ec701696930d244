-- Inverse of V3__idempotency_keys.sql: stored answers to retried writes are lost, so a client retrying a write
-- made before the downgrade repeats it.
DROP TABLE idempotency_keys;
