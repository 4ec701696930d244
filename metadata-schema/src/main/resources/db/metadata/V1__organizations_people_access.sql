-- Organizations, people and access: the part of the metadata database that decides who may do what where.

CREATE TABLE organizations (
    org_id           text        PRIMARY KEY CHECK (org_id ~ '^[a-z][a-z0-9_]{2,39}$'),
    display_name     text        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    status           text        NOT NULL CHECK (status IN ('requested', 'provisioning', 'active', 'suspended',
                                                            'deleting', 'deleted', 'failed')),
    desired_state    text        NOT NULL CHECK (desired_state IN ('active', 'suspended', 'deleted')),
    status_reason    text        CHECK (length(status_reason) <= 2000),
    region           text        NOT NULL CHECK (region ~ '^[a-z][a-z0-9-]{0,39}$'),
    max_queued_jobs  integer     NOT NULL CHECK (max_queued_jobs > 0),
    max_jobs_per_day integer     NOT NULL CHECK (max_jobs_per_day > 0),
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    version          bigint      NOT NULL DEFAULT 0
);
CREATE INDEX organizations_status_idx ON organizations (status, org_id);
CREATE INDEX organizations_region_idx ON organizations (region, org_id);
-- The provisioner looks for organizations whose observed status lags their desired state.
CREATE INDEX organizations_desired_idx ON organizations (desired_state, status);

CREATE TABLE users (
    id             uuid        PRIMARY KEY,
    email          text        NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
    display_name   text        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    password_hash  text        NOT NULL,
    status         text        NOT NULL CHECK (status IN ('active', 'disabled')),
    platform_admin boolean     NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    version        bigint      NOT NULL DEFAULT 0
);
-- Emails are stored lowercased, so this unique index makes them unique case-insensitively.
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_status_idx ON users (status, id);

CREATE TABLE roles (
    id          uuid        PRIMARY KEY,
    org_id      text        REFERENCES organizations (org_id),
    name        text        NOT NULL CHECK (name ~ '^[a-z][a-z0-9-]{1,39}$'),
    description text        CHECK (length(description) <= 500),
    permissions text[]      NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE UNIQUE INDEX roles_system_name_key ON roles (name) WHERE org_id IS NULL;
CREATE UNIQUE INDEX roles_org_name_key ON roles (org_id, name) WHERE org_id IS NOT NULL;

CREATE TABLE memberships (
    id         uuid        PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id),
    org_id     text        NOT NULL REFERENCES organizations (org_id),
    role_id    uuid        NOT NULL REFERENCES roles (id),
    created_at timestamptz NOT NULL,
    CONSTRAINT memberships_user_org_key UNIQUE (user_id, org_id)
);
CREATE INDEX memberships_org_idx ON memberships (org_id, id);
CREATE INDEX memberships_role_idx ON memberships (role_id);

CREATE TABLE api_clients (
    id          uuid        PRIMARY KEY,
    org_id      text        NOT NULL REFERENCES organizations (org_id),
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    role_id     uuid        NOT NULL REFERENCES roles (id),
    secret_hash text        NOT NULL,
    status      text        NOT NULL CHECK (status IN ('active', 'revoked')),
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);
CREATE INDEX api_clients_org_idx ON api_clients (org_id, id);
CREATE INDEX api_clients_role_idx ON api_clients (role_id);

-- Append-only: rows are inserted, never changed; organizations come and go but their history stays.
CREATE TABLE audit_log (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at timestamptz NOT NULL,
    actor       text        NOT NULL,
    org_id      text,
    action      text        NOT NULL,
    target_type text        NOT NULL,
    target_id   text,
    request_id  text,
    details     jsonb
);
CREATE INDEX audit_log_org_idx ON audit_log (org_id, id);
CREATE INDEX audit_log_action_idx ON audit_log (action, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor, id);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

-- System roles, the same for every organization. Permissions are checked against io.tenantry.metadata.access.Permission.
INSERT INTO roles (id, org_id, name, description, permissions, created_at) VALUES
    ('00000000-0000-7000-8000-000000000001', NULL, 'org-admin', 'Everything within the organization',
     ARRAY['org:read', 'org:manage', 'members:read', 'members:manage', 'roles:manage', 'clients:manage',
           'audit:read', 'molecules:read', 'molecules:write', 'templates:read', 'templates:write',
           'jobs:read', 'jobs:submit', 'jobs:cancel', 'results:read'], now()),
    ('00000000-0000-7000-8000-000000000002', NULL, 'scientist', 'Runs jobs and manages molecules and templates',
     ARRAY['org:read', 'members:read', 'molecules:read', 'molecules:write', 'templates:read', 'templates:write',
           'jobs:read', 'jobs:submit', 'jobs:cancel', 'results:read'], now()),
    ('00000000-0000-7000-8000-000000000003', NULL, 'viewer', 'Reads everything, changes nothing',
     ARRAY['org:read', 'members:read', 'molecules:read', 'templates:read', 'jobs:read', 'results:read'], now()),
    ('00000000-0000-7000-8000-000000000004', NULL, 'worker', 'A docking worker: works on jobs it has claimed',
     ARRAY['molecules:read', 'templates:read', 'jobs:read', 'jobs:work', 'results:read'], now());
