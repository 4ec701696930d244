package io.tenantry.provisioner.placement;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.tenantry.provisioner.servers.TenantServers;

/**
 * How much each server holds, measured as placement and rebalancing weigh it: the on-disk size of its tenant
 * databases, read from the server itself.
 */
@ApplicationScoped
public class ServerLoads {

    private static final Logger LOG = Logger.getLogger(ServerLoads.class);

    @Inject
    TenantServers servers;

    /** Each tenant database on the server by name with its size in bytes (half-built copies left out). */
    public Map<String, Long> databaseBytes(String server) throws SQLException {
        Map<String, Long> sizes = new HashMap<>();
        try (Connection c = servers.admin(server); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT datname, pg_database_size(oid) FROM pg_database
                 WHERE datname LIKE 'results\\_%' AND datname NOT LIKE '%\\_\\_%'""")) {
            while (rs.next()) {
                sizes.put(rs.getString(1), rs.getLong(2));
            }
        }
        return sizes;
    }

    /** The total size of each reachable server's tenant databases; a server that cannot be asked is left out. */
    public Map<String, Long> totalBytes(Iterable<String> names) {
        Map<String, Long> totals = new HashMap<>();
        for (String name : names) {
            try {
                totals.put(name, databaseBytes(name).values().stream().mapToLong(Long::longValue).sum());
            } catch (SQLException e) {
                LOG.warnf("server %s cannot be measured, so it takes no tenants now: %s", name, e.getMessage());
            }
        }
        return totals;
    }
}
