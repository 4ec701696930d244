-- A tenant moved to a server in another region takes its organization there: the provisioner reports the new
-- region through this function, which keeps metadata-service's rule for region names and writes the audit entry.
-- Moves themselves are audited like the provisioner's other operations on a tenant.
CREATE FUNCTION report_organization_region(p_org_id text, p_region text, p_actor text, p_reason text)
    RETURNS boolean
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = public, pg_temp
AS $$
DECLARE
    current_region text;
BEGIN
    IF p_region IS NULL OR p_region !~ '^[a-z][a-z0-9-]{0,39}$' THEN
        RAISE EXCEPTION 'not a region name: %', p_region USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT region INTO current_region FROM organizations WHERE org_id = p_org_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'organization ''%'' not found', p_org_id USING ERRCODE = 'no_data_found';
    END IF;
    IF current_region = p_region THEN
        RETURN false;
    END IF;
    UPDATE organizations SET region = p_region, updated_at = now(), version = version + 1 WHERE org_id = p_org_id;
    INSERT INTO audit_log (occurred_at, actor, org_id, action, target_type, target_id, details)
    VALUES (now(), left(p_actor, 300), p_org_id, 'organization.region-changed', 'organization', p_org_id,
            jsonb_strip_nulls(jsonb_build_object('from', current_region, 'to', p_region, 'reason', left(p_reason, 500))));
    RETURN true;
END
$$;

REVOKE ALL ON FUNCTION report_organization_region(text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION report_organization_region(text, text, text, text) TO tenantry_provisioner;

CREATE OR REPLACE FUNCTION record_tenant_operation(p_actor text, p_org_id text, p_action text, p_target_id text,
                                                   p_details jsonb) RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = public, pg_temp
AS $$
BEGIN
    IF p_action NOT IN ('tenant.backup', 'tenant.backup-deleted', 'tenant.backup-policy', 'tenant.restore',
                        'tenant.clone', 'tenant.downgrade', 'tenant.move') THEN
        RAISE EXCEPTION 'not a tenant operation: %', p_action USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT EXISTS (SELECT FROM organizations WHERE org_id = p_org_id) THEN
        RAISE EXCEPTION 'organization ''%'' not found', p_org_id USING ERRCODE = 'no_data_found';
    END IF;
    INSERT INTO audit_log (occurred_at, actor, org_id, action, target_type, target_id, details)
    VALUES (now(), left(p_actor, 300), p_org_id, p_action, 'tenant', left(p_target_id, 200), p_details);
END
$$;
