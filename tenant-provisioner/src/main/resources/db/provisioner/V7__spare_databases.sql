-- Spare databases: per open server, a few databases created and migrated to the newest results schema ahead of
-- any organization, under a name no tenant database can have. Provisioning claims one (this row, atomically) and
-- renames it to results_<org_id> instead of creating and migrating a database while the organization waits.
-- 'building': being created and migrated, by the one process holding the server's spare-build lock; a row left
-- here by a killed process is dropped by the next build on that server. 'ready': complete at schema_version.
-- 'claimed': taken by org_id's provisioning, not yet renamed. 'taken': renamed to the tenant's database; kept as
-- the record of which spare became which tenant, and what it cost to build (ready_at - created_at).
CREATE TABLE spares (
    database_name  text        PRIMARY KEY CHECK (database_name ~ '^tenantry_spare_[0-9a-f]{16}$'),
    server         text        NOT NULL,
    state          text        NOT NULL CHECK (state IN ('building', 'ready', 'claimed', 'taken')),
    schema_version text,
    org_id         text        CHECK (org_id ~ '^[a-z][a-z0-9_]{2,39}$'),
    created_at     timestamptz NOT NULL DEFAULT now(),
    ready_at       timestamptz,
    claimed_at     timestamptz,
    CHECK ((state IN ('claimed', 'taken')) = (org_id IS NOT NULL)),
    CHECK ((state = 'building') = (schema_version IS NULL))
);
CREATE INDEX spares_ready_idx ON spares (server, schema_version, created_at) WHERE state = 'ready';
CREATE INDEX spares_unfinished_idx ON spares (server) WHERE state <> 'taken';
-- One spare per organization at most, so a claim resumed after a crash finds the one it took.
CREATE UNIQUE INDEX spares_org_idx ON spares (org_id);
