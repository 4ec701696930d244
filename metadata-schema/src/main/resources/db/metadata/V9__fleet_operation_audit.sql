-- Operations on the whole fleet that the provisioner starts (a rollout from the operator console or its API), in the
-- audit log with no organization; like record_tenant_operation, a fixed set of actions the provisioner may write.
CREATE FUNCTION record_fleet_operation(p_actor text, p_action text, p_target_id text, p_details jsonb) RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = public, pg_temp
AS $$
BEGIN
    IF p_action NOT IN ('fleet.rollout') THEN
        RAISE EXCEPTION 'not a fleet operation: %', p_action USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO audit_log (occurred_at, actor, org_id, action, target_type, target_id, details)
    VALUES (now(), left(p_actor, 300), NULL, p_action, 'rollout', left(p_target_id, 200), p_details);
END
$$;

REVOKE ALL ON FUNCTION record_fleet_operation(text, text, text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION record_fleet_operation(text, text, text, jsonb) TO tenantry_provisioner;
