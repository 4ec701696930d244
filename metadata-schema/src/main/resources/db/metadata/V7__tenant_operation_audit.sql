-- The provisioner's operations on a tenant's data (backups, restores, clones, downgrades) go into the audit log
-- beside metadata-service's own entries. The provisioner may not write audit_log; this function writes one entry
-- of those kinds and nothing else.
CREATE FUNCTION record_tenant_operation(p_actor text, p_org_id text, p_action text, p_target_id text,
                                        p_details jsonb) RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = public, pg_temp
AS $$
BEGIN
    IF p_action NOT IN ('tenant.backup', 'tenant.backup-deleted', 'tenant.backup-policy', 'tenant.restore',
                        'tenant.clone', 'tenant.downgrade') THEN
        RAISE EXCEPTION 'not a tenant operation: %', p_action USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT EXISTS (SELECT FROM organizations WHERE org_id = p_org_id) THEN
        RAISE EXCEPTION 'organization ''%'' not found', p_org_id USING ERRCODE = 'no_data_found';
    END IF;
    INSERT INTO audit_log (occurred_at, actor, org_id, action, target_type, target_id, details)
    VALUES (now(), left(p_actor, 300), p_org_id, p_action, 'tenant', left(p_target_id, 200), p_details);
END
$$;

REVOKE ALL ON FUNCTION record_tenant_operation(text, text, text, text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION record_tenant_operation(text, text, text, text, jsonb) TO tenantry_provisioner;
