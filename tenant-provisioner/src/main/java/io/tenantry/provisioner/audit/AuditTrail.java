package io.tenantry.provisioner.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agroal.api.AgroalDataSource;

/**
 * Audit entries for operations on a tenant's data or on the fleet, written through metadata-service's functions
 * {@code record_tenant_operation} and {@code record_fleet_operation} (the provisioner may not write the audit log
 * itself).
 */
@ApplicationScoped
public class AuditTrail {

    private static final Logger LOG = Logger.getLogger(AuditTrail.class);

    @Inject
    AgroalDataSource metadata;

    @Inject
    ObjectMapper json;

    /**
     * Records {@code action} (such as {@code tenant.backup}) by {@code actor} on the organization's tenant. An entry
     * that cannot be written is logged, not thrown: the operation it describes has already happened.
     */
    public void record(String actor, String orgId, String action, String targetId, Map<String, ?> details) {
        write("SELECT record_tenant_operation(?, ?, ?, ?, ?::jsonb)", action, orgId, actor, orgId, action, targetId,
                details);
    }

    /** Records {@code action} (such as {@code fleet.rollout}) by {@code actor} on the whole fleet, like {@link #record}. */
    public void recordFleet(String actor, String action, String targetId, Map<String, ?> details) {
        write("SELECT record_fleet_operation(?, ?, ?, ?::jsonb)", action, "the fleet", actor, action, targetId,
                details);
    }

    private void write(String sql, String action, String subject, Object... parameters) {
        try (Connection c = metadata.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                Object value = parameters[i];
                s.setString(i + 1, value instanceof Map<?, ?> details ? json.writeValueAsString(details) : (String) value);
            }
            s.executeQuery().close();
        } catch (SQLException | JsonProcessingException e) {
            LOG.errorf("could not write the audit entry %s for %s: %s", action, subject, e.getMessage());
        }
    }
}
