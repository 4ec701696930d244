-- Moving a live tenant to another server by logical replication, and servers closed to new tenants.

-- 'moving': the few hundred milliseconds of a move's switch. results-service still serves reads from the tenant's
-- current database but answers writes 503 with Retry-After; the source database refuses the tenant role's writes.
ALTER TABLE tenants DROP CONSTRAINT tenants_maintenance_check;
ALTER TABLE tenants ADD CONSTRAINT tenants_maintenance_check CHECK (maintenance IN ('restoring', 'moving'));

-- A move is a small state machine, so a provisioner killed at any step resumes where it was. Before 'switched' the
-- tenant lives on its source server and an abort or failure removes everything the move made; from 'switched' on
-- it lives on the target and the move is finished forward (the source's database, publication and slot removed).
CREATE TABLE moves (
    id               uuid        PRIMARY KEY,
    org_id           text        NOT NULL REFERENCES tenants (org_id),
    source_server    text        NOT NULL,
    target_server    text        NOT NULL CHECK (target_server <> source_server),
    step             text        NOT NULL CHECK (step IN ('requested', 'copying', 'switching', 'switched', 'done',
                                                          'aborted', 'failed')),
    -- Set by an operator's abort; honoured at the next checkpoint before the switch.
    abort_requested  boolean     NOT NULL DEFAULT false,
    -- What drained a server or rebalanced a region into this move, if anything did.
    reason           text        NOT NULL CHECK (reason IN ('on-demand', 'drain', 'rebalance')),
    bytes_total      bigint      NOT NULL DEFAULT 0,
    bytes_copied     bigint      NOT NULL DEFAULT 0,
    rows_copied      bigint      NOT NULL DEFAULT 0,
    tables_total     integer     NOT NULL DEFAULT 0,
    tables_synced    integer     NOT NULL DEFAULT 0,
    lag_bytes        bigint,
    write_pause_ms   integer,
    requested_by     text        NOT NULL,
    error            text,
    started_at       timestamptz NOT NULL DEFAULT now(),
    switched_at      timestamptz,
    finished_at      timestamptz
);
CREATE INDEX moves_org_idx ON moves (org_id, started_at DESC, id);
CREATE INDEX moves_unfinished_idx ON moves (started_at) WHERE step NOT IN ('done', 'aborted', 'failed');
CREATE INDEX moves_source_idx ON moves (source_server) WHERE step NOT IN ('done', 'aborted', 'failed');
-- One move of a tenant at a time.
CREATE UNIQUE INDEX moves_one_running_idx ON moves (org_id) WHERE step NOT IN ('done', 'aborted', 'failed');

-- A configured server an operator closed to new tenants (to drain it); absent means open.
CREATE TABLE server_states (
    server     text        PRIMARY KEY,
    closed     boolean     NOT NULL,
    reason     text,
    updated_by text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
