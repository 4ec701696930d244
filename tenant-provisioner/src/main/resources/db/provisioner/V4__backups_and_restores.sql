-- Backups of tenant databases and restores from them. A backup's files live in the backup store under the
-- organization's own prefix; these rows say what exists, how far a running one got, and whether it was verified.

CREATE TABLE backups (
    id               uuid        PRIMARY KEY,
    org_id           text        NOT NULL REFERENCES tenants (org_id),
    reason           text        NOT NULL CHECK (reason IN ('on-demand', 'scheduled', 'before-rollout',
                                                            'before-restore', 'deletion')),
    status           text        NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
    server           text        NOT NULL,
    schema_version   text,
    location         text        NOT NULL,
    manifest_sha256  text        CHECK (manifest_sha256 ~ '^[0-9a-f]{64}$'),
    tables_total     integer,
    tables_done      integer     NOT NULL DEFAULT 0,
    rows_copied      bigint      NOT NULL DEFAULT 0,
    bytes_written    bigint      NOT NULL DEFAULT 0,
    requested_by     text        NOT NULL,
    error            text,
    started_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    verified_at      timestamptz,
    verify_error     text
);
CREATE INDEX backups_org_idx ON backups (org_id, started_at DESC, id);
CREATE INDEX backups_running_idx ON backups (started_at) WHERE status = 'running';

-- A tenant under maintenance (a restore) is closed to results-service, whatever its status: requests are answered
-- 503 with Retry-After until the column is cleared.
ALTER TABLE tenants ADD COLUMN maintenance text CHECK (maintenance IN ('restoring'));

-- Restores in place and clones: a small state machine, so a provisioner killed at any step resumes where it was.
-- Before 'swapped' the tenant's own database is untouched and serving; from 'swapped' on the restored one is the
-- tenant's. The safety backup is taken of the replaced database once the tenant is open again.
CREATE TABLE restores (
    id               uuid        PRIMARY KEY,
    org_id           text        NOT NULL REFERENCES tenants (org_id),
    source_org_id    text        NOT NULL,
    -- Not foreign keys: retention may remove a backup a finished restore once came from.
    backup_id        uuid        NOT NULL,
    safety_backup_id uuid,
    step             text        NOT NULL CHECK (step IN ('requested', 'building', 'swapped', 'migrated', 'done',
                                                          'failed')),
    rows_loaded      bigint      NOT NULL DEFAULT 0,
    rows_total       bigint      NOT NULL,
    requested_by     text        NOT NULL,
    error            text,
    started_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz
);
CREATE INDEX restores_org_idx ON restores (org_id, started_at DESC);
CREATE INDEX restores_unfinished_idx ON restores (started_at) WHERE step NOT IN ('done', 'failed');
-- One restore of a tenant at a time.
CREATE UNIQUE INDEX restores_one_running_idx ON restores (org_id) WHERE step NOT IN ('done', 'failed');


-- An organization's own backup schedule, where it differs from the configured default.
CREATE TABLE backup_policies (
    org_id           text        PRIMARY KEY REFERENCES tenants (org_id),
    interval_seconds integer     NOT NULL CHECK (interval_seconds >= 0),
    retain           integer     NOT NULL CHECK (retain BETWEEN 1 AND 1000),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
