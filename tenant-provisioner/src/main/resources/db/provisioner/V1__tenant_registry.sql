-- The tenant registry: where each organization's database lives and what state it is in.
-- It sits in the metadata database, in the provisioner's own schema with its own Flyway history.

CREATE TABLE tenants (
    org_id                text        PRIMARY KEY CHECK (org_id ~ '^[a-z][a-z0-9_]{2,39}$'),
    server                text        NOT NULL,
    database_name         text        NOT NULL,
    role_name             text        NOT NULL,
    credential_generation integer     NOT NULL DEFAULT 1 CHECK (credential_generation > 0),
    schema_version        text,
    status                text        NOT NULL CHECK (status IN ('provisioning', 'active', 'suspended',
                                                                 'deleting', 'deleted', 'failed')),
    last_error            text,
    export_location       text,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tenants_server_idx ON tenants (server) WHERE status <> 'deleted';
CREATE INDEX tenants_status_idx ON tenants (status, org_id);
CREATE INDEX tenants_schema_version_idx ON tenants (schema_version);

CREATE TABLE tenant_migrations (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      text        NOT NULL REFERENCES tenants (org_id),
    version     text        NOT NULL,
    description text,
    applied_at  timestamptz NOT NULL DEFAULT now(),
    duration_ms integer     NOT NULL
);
CREATE INDEX tenant_migrations_org_idx ON tenant_migrations (org_id, id);
