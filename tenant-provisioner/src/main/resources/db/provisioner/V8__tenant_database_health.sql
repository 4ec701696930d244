-- Per-tenant database health: each collection writes one snapshot into the history and replaces the tenant's current
-- one. The measures the fleet summary sorts by are typed columns, each indexed; the rest (tables, statements) is
-- detail, kept as jsonb. A failed collection is a snapshot in state 'unknown' with its error and no measures.

CREATE TABLE health_snapshots (
    id                          bigint           GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id                      text             NOT NULL REFERENCES tenants (org_id),
    server                      text             NOT NULL,
    collected_at                timestamptz      NOT NULL DEFAULT now(),
    state                       text             NOT NULL CHECK (state IN ('healthy', 'degraded', 'unknown')),
    reasons                     text[]           NOT NULL DEFAULT '{}'
                                                 CHECK (reasons <@ ARRAY['size_over_quota', 'cache_hit_low',
                                                     'long_transaction', 'backup_stale', 'schema_drift',
                                                     'dead_tuples', 'lock_waits']),
    error                       text,
    database_bytes              bigint,
    cache_hit_ratio             double precision,
    dead_tuples                 bigint,
    connections                 integer,
    longest_transaction_seconds double precision,
    lock_waits                  integer,
    slowest_statement_ms        double precision,
    schema_version              text,
    last_backup_at              timestamptz,
    detail                      jsonb,
    CHECK ((state = 'unknown') = (error IS NOT NULL))
);
CREATE INDEX health_snapshots_org_idx ON health_snapshots (org_id, collected_at DESC);
-- Pruning by age.
CREATE INDEX health_snapshots_collected_idx ON health_snapshots (collected_at);

-- The newest snapshot of each tenant, for the tenant's page and the fleet summary.
CREATE TABLE tenant_health (
    org_id      text   PRIMARY KEY REFERENCES tenants (org_id),
    snapshot_id bigint NOT NULL REFERENCES health_snapshots (id),
    state       text   NOT NULL CHECK (state IN ('healthy', 'degraded', 'unknown')),
    -- Copied from the snapshot so the summary's "worst by" lists are one index scan each.
    database_bytes              bigint,
    cache_hit_ratio             double precision,
    dead_tuples                 bigint,
    longest_transaction_seconds double precision,
    slowest_statement_ms        double precision,
    last_backup_at              timestamptz
);
CREATE UNIQUE INDEX tenant_health_snapshot_idx ON tenant_health (snapshot_id);
CREATE INDEX tenant_health_state_idx ON tenant_health (state);
CREATE INDEX tenant_health_bytes_idx ON tenant_health (database_bytes DESC NULLS LAST);
CREATE INDEX tenant_health_cache_hit_idx ON tenant_health (cache_hit_ratio NULLS LAST);
CREATE INDEX tenant_health_dead_tuples_idx ON tenant_health (dead_tuples DESC NULLS LAST);
CREATE INDEX tenant_health_transaction_idx ON tenant_health (longest_transaction_seconds DESC NULLS LAST);
CREATE INDEX tenant_health_statement_idx ON tenant_health (slowest_statement_ms DESC NULLS LAST);
CREATE INDEX tenant_health_backup_idx ON tenant_health (last_backup_at NULLS FIRST);
