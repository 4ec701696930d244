package io.tenantry.provisioner.placement;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.tenantry.provisioner.ProvisionerConfig;
import io.tenantry.provisioner.servers.TenantServers;

/**
 * How much each server holds, measured as placement and rebalancing weigh it: the on-disk size of its tenant
 * databases, read from the server itself.
 */
@ApplicationScoped
public class ServerLoads {

    private static final Logger LOG = Logger.getLogger(ServerLoads.class);

    /** About what a new tenant's database holds on PostgreSQL 17 (7.6 MiB), counted per placement until measured. */
    static final long NEW_DATABASE_BYTES = 8L << 20;

    @Inject
    TenantServers servers;

    @Inject
    ProvisionerConfig config;

    private record Measure(long bytes, long takenAtNanos) {
    }

    private final Map<String, Measure> recent = new ConcurrentHashMap<>();

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

    /**
     * The total size of each reachable server's tenant databases as placement weighs it: measured at most
     * {@code placement-measure-interval} ago, plus a new database for each tenant placed there since.
     */
    Map<String, Long> recentTotalBytes(List<String> names) {
        return recentTotalBytes(names, config.placementMeasureInterval());
    }

    Map<String, Long> recentTotalBytes(List<String> names, Duration trusted) {
        long now = System.nanoTime();
        long interval = trusted.toNanos();
        List<String> stale = names.stream().filter(name -> {
            Measure measure = recent.get(name);
            return measure == null || now - measure.takenAtNanos() >= interval;
        }).toList();
        totalBytes(stale).forEach((name, bytes) -> recent.put(name, new Measure(bytes, now)));
        Map<String, Long> totals = new HashMap<>();
        names.forEach(name -> {
            Measure measure = recent.get(name);
            if (measure != null && (stale.contains(name) || now - measure.takenAtNanos() < interval)) {
                totals.put(name, measure.bytes());
            }
        });
        return totals;
    }

    /** A tenant was placed on the server: its database counts until the server is measured again. */
    void placed(String server) {
        recent.computeIfPresent(server, (name, measure) -> new Measure(measure.bytes() + NEW_DATABASE_BYTES,
                measure.takenAtNanos()));
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
