-- Per-organization overrides of results-service's request rate limits; null means the service's configured
-- default. results-service reads them, with the other quotas, through organization_lifecycle.
ALTER TABLE organizations
    ADD COLUMN max_requests_per_second  integer CHECK (max_requests_per_second BETWEEN 1 AND 100000),
    ADD COLUMN max_concurrent_requests  integer CHECK (max_concurrent_requests BETWEEN 1 AND 10000);

-- New columns of a view go at its end; the grants on it stay.
CREATE OR REPLACE VIEW organization_lifecycle AS
SELECT org_id, status, desired_state, status_reason, region, max_queued_jobs, max_jobs_per_day, updated_at,
       max_requests_per_second, max_concurrent_requests
  FROM organizations;
