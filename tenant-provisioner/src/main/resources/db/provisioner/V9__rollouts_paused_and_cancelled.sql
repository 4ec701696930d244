-- Operators pause a running rollout (the tenants under way finish, no new one starts; resumable) and cancel a
-- running or paused one (it ends there, the tenants not reached stay pending on their previous version).
ALTER TABLE operations DROP CONSTRAINT operations_status_check;
ALTER TABLE operations ADD CONSTRAINT operations_status_check
    CHECK (status IN ('running', 'paused', 'cancelled', 'succeeded', 'stopped', 'failed'));
CREATE INDEX operations_listed_idx ON operations (started_at DESC, id DESC);
