-- The science catalogue: what tasks exist, where they run, how they chain into pipelines, and each
-- organization's molecules.

CREATE TABLE task_definitions (
    name          text        PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9-]{1,62}$'),
    display_name  text        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    description   text        CHECK (length(description) <= 2000),
    config_schema jsonb       NOT NULL CHECK (jsonb_typeof(config_schema) = 'object'),
    system        boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL
);

CREATE TABLE task_services (
    id         uuid        PRIMARY KEY,
    name       text        NOT NULL CHECK (name ~ '^[a-z][a-z0-9-]{1,62}$'),
    task_name  text        NOT NULL REFERENCES task_definitions (name),
    endpoint   text        NOT NULL CHECK (endpoint ~ '^https?://' AND length(endpoint) <= 500),
    status     text        NOT NULL CHECK (status IN ('up', 'down', 'maintenance')),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX task_services_name_key ON task_services (name);
CREATE INDEX task_services_task_idx ON task_services (task_name, id);
CREATE INDEX task_services_status_idx ON task_services (status, id);

-- Versions are immutable: a job records the exact (template id) it ran.
CREATE TABLE pipeline_templates (
    id          uuid        PRIMARY KEY,
    org_id      text        REFERENCES organizations (org_id),
    name        text        NOT NULL CHECK (name ~ '^[a-z][a-z0-9-]{1,62}$'),
    version     integer     NOT NULL CHECK (version > 0),
    description text        CHECK (length(description) <= 2000),
    steps       jsonb       NOT NULL CHECK (jsonb_typeof(steps) = 'array'),
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE UNIQUE INDEX pipeline_templates_global_key ON pipeline_templates (name, version) WHERE org_id IS NULL;
CREATE UNIQUE INDEX pipeline_templates_org_key ON pipeline_templates (org_id, name, version) WHERE org_id IS NOT NULL;
CREATE INDEX pipeline_templates_org_idx ON pipeline_templates (org_id, id);

CREATE TABLE molecules (
    id         uuid        PRIMARY KEY,
    org_id     text        NOT NULL REFERENCES organizations (org_id),
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    smiles     text        NOT NULL CHECK (length(smiles) BETWEEN 1 AND 2000),
    formula    text        CHECK (formula ~ '^[A-Za-z0-9]{1,100}$'),
    inchi_key  text        NOT NULL CHECK (inchi_key ~ '^[A-Z]{14}-[A-Z]{10}-[A-Z]$'),
    created_by text        NOT NULL,
    created_at timestamptz NOT NULL,
    CONSTRAINT molecules_org_inchi_key UNIQUE (org_id, inchi_key)
);
CREATE INDEX molecules_org_idx ON molecules (org_id, id);
CREATE INDEX molecules_org_name_idx ON molecules (org_id, name text_pattern_ops);
