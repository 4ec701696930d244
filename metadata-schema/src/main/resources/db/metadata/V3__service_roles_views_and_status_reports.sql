-- metadata-service is the only writer of this database. The other services sign in as roles of their own and get
-- exactly what they need: the provisioner reads organizations' lifecycle and reports the observed status through
-- report_organization_status(); results-service reads the lifecycle, pipeline templates and molecules through
-- views. Roles are cluster-wide: created here (without login) only when missing; production creates them
-- beforehand with LOGIN and a password, and then this migration only grants.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantry_provisioner') THEN
        CREATE ROLE tenantry_provisioner NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantry_results') THEN
        CREATE ROLE tenantry_results NOLOGIN;
    END IF;
END
$$;

-- The lifecycle's legal moves, in one place: every status change, by metadata-service's API or reported by the
-- provisioner, goes through report_organization_status(), which takes only these.
CREATE TABLE organization_status_transitions (
    from_status text NOT NULL,
    to_status   text NOT NULL,
    PRIMARY KEY (from_status, to_status)
);
INSERT INTO organization_status_transitions (from_status, to_status) VALUES
    ('requested', 'provisioning'), ('requested', 'failed'), ('requested', 'deleting'),
    ('provisioning', 'active'), ('provisioning', 'failed'), ('provisioning', 'deleting'),
    ('active', 'suspended'), ('active', 'deleting'),
    ('suspended', 'active'), ('suspended', 'deleting'),
    ('failed', 'provisioning'), ('failed', 'deleting'),
    ('deleting', 'deleted'), ('deleting', 'failed');

-- What an organization should be and what it is, with its placement and quotas.
CREATE VIEW organization_lifecycle AS
SELECT org_id, status, desired_state, status_reason, region, max_queued_jobs, max_jobs_per_day, updated_at
  FROM organizations;

-- Every pipeline template an organization may use: its own and the global ones. "preferred" marks what a lookup by
-- name resolves to, because an organization's own template hides the global one of the same name.
CREATE VIEW available_pipeline_templates AS
SELECT t.org_id AS available_to, t.id, t.org_id, t.name, t.version, t.description, t.steps, t.created_by,
       t.created_at, true AS preferred
  FROM pipeline_templates t
 WHERE t.org_id IS NOT NULL
UNION ALL
SELECT o.org_id AS available_to, t.id, t.org_id, t.name, t.version, t.description, t.steps, t.created_by,
       t.created_at,
       NOT EXISTS (SELECT 1 FROM pipeline_templates own WHERE own.org_id = o.org_id AND own.name = t.name)
  FROM organizations o
  JOIN pipeline_templates t ON t.org_id IS NULL;

CREATE VIEW organization_molecules AS
SELECT org_id, id, name, inchi_key FROM molecules;

-- Moves an organization's observed status, with its audit entry, if the move is legal. Returns false and changes
-- nothing when the status is already p_status, or when p_expected is given and the status is no longer that
-- (another reconcile pass moved it). An illegal move raises SQLSTATE TY409; an unknown organization, P0002.
CREATE FUNCTION report_organization_status(p_org_id text, p_expected text, p_status text, p_reason text,
                                           p_actor text, p_request_id text)
    RETURNS boolean
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = public, pg_temp
AS $$
DECLARE
    current_status text;
BEGIN
    SELECT status INTO current_status FROM organizations WHERE org_id = p_org_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'organization ''%'' not found', p_org_id USING ERRCODE = 'no_data_found';
    END IF;
    IF current_status = p_status OR (p_expected IS NOT NULL AND current_status <> p_expected) THEN
        RETURN false;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM organization_status_transitions
                    WHERE from_status = current_status AND to_status = p_status) THEN
        RAISE EXCEPTION 'organization ''%'' cannot go from % to %; allowed: %', p_org_id, current_status, p_status,
              (SELECT coalesce(string_agg(to_status, ', ' ORDER BY to_status), 'none')
                 FROM organization_status_transitions WHERE from_status = current_status)
              USING ERRCODE = 'TY409';
    END IF;
    UPDATE organizations
       SET status = p_status, status_reason = p_reason, updated_at = now(), version = version + 1
     WHERE org_id = p_org_id;
    INSERT INTO audit_log (occurred_at, actor, org_id, action, target_type, target_id, request_id, details)
    VALUES (now(), p_actor, p_org_id, 'organization.status-changed', 'organization', p_org_id, p_request_id,
            jsonb_strip_nulls(jsonb_build_object('from', current_status, 'to', p_status, 'reason', p_reason)));
    RETURN true;
END
$$;

REVOKE ALL ON FUNCTION report_organization_status(text, text, text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION report_organization_status(text, text, text, text, text, text) TO tenantry_provisioner;
GRANT SELECT ON organization_lifecycle TO tenantry_provisioner, tenantry_results;
GRANT SELECT ON available_pipeline_templates, organization_molecules TO tenantry_results;

-- Both may connect whatever PUBLIC may (the provisioner closes every non-tenant database on a tenant server to
-- PUBLIC). The provisioner keeps its tenant registry in a schema of its own, with its own Flyway history, so it may
-- create that schema. An installation from before these roles has the schema already, owned by whoever migrated it;
-- it passes to the provisioner's role.
DO $$
DECLARE
    relation record;
BEGIN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO tenantry_provisioner, tenantry_results', current_database());
    EXECUTE format('GRANT CREATE ON DATABASE %I TO tenantry_provisioner', current_database());
    IF EXISTS (SELECT FROM pg_namespace WHERE nspname = 'provisioner') THEN
        ALTER SCHEMA provisioner OWNER TO tenantry_provisioner;
        FOR relation IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE n.nspname = 'provisioner' AND c.relkind IN ('r', 'p', 'v') LOOP
            EXECUTE format('ALTER TABLE provisioner.%I OWNER TO tenantry_provisioner', relation.relname);
        END LOOP;
    END IF;
END
$$;
