-- Long operations (fleet rollouts) and each tenant's part in them, so progress can be polled and an interrupted
-- rollout resumed where it stopped.

CREATE TABLE operations (
    id           uuid        PRIMARY KEY,
    kind         text        NOT NULL CHECK (kind IN ('rollout')),
    status       text        NOT NULL CHECK (status IN ('running', 'succeeded', 'stopped', 'failed')),
    parameters   jsonb       NOT NULL,
    total        integer     NOT NULL,
    succeeded    integer     NOT NULL DEFAULT 0,
    failed       integer     NOT NULL DEFAULT 0,
    message      text,
    requested_by text        NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz
);
CREATE INDEX operations_status_idx ON operations (status, started_at);

CREATE TABLE operation_tenants (
    operation_id uuid        NOT NULL REFERENCES operations (id),
    org_id       text        NOT NULL REFERENCES tenants (org_id),
    canary       boolean     NOT NULL,
    status       text        NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    from_version text,
    to_version   text,
    duration_ms  integer,
    error        text,
    PRIMARY KEY (operation_id, org_id)
);
CREATE INDEX operation_tenants_org_idx ON operation_tenants (org_id);
CREATE INDEX operation_tenants_pending_idx ON operation_tenants (operation_id, canary DESC, org_id) WHERE status = 'pending';
