-- How many bytes the organization's tenant database may hold before the provisioner's health collection marks it
-- degraded (size_over_quota); null means the provisioner's configured default.
ALTER TABLE organizations
    ADD COLUMN max_database_bytes bigint CHECK (max_database_bytes BETWEEN 1048576 AND 1099511627776000);

-- New columns of a view go at its end; the grants on it stay.
CREATE OR REPLACE VIEW organization_lifecycle AS
SELECT org_id, status, desired_state, status_reason, region, max_queued_jobs, max_jobs_per_day, updated_at,
       max_requests_per_second, max_concurrent_requests, max_database_bytes
  FROM organizations;
