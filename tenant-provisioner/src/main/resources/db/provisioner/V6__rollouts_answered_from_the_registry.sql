-- The session limits last set on each tenant's role, as the configuration said them: a rollout leaves a tenant
-- whose registry row shows the target schema version and these limits alone, without opening its database. NULL
-- (a tenant from before this column) is visited once by the next rollout.
ALTER TABLE tenants ADD COLUMN session_limits text;
