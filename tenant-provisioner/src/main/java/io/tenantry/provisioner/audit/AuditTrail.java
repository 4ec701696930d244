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
 * Audit entries for operations on a tenant's data, written through metadata-service's function
 * {@code record_tenant_operation} (the provisioner may not write the audit log itself).
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
        try (Connection c = metadata.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT record_tenant_operation(?, ?, ?, ?, ?::jsonb)")) {
            s.setString(1, actor);
            s.setString(2, orgId);
            s.setString(3, action);
            s.setString(4, targetId);
            s.setString(5, json.writeValueAsString(details));
            s.executeQuery().close();
        } catch (SQLException | JsonProcessingException e) {
            LOG.errorf("could not write the audit entry %s for %s: %s", action, orgId, e.getMessage());
        }
    }
}
