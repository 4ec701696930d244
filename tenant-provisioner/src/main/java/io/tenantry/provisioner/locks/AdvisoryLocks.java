package io.tenantry.provisioner.locks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agroal.api.AgroalDataSource;
import io.tenantry.common.problem.ApiProblem;

/**
 * Session-level advisory locks in the metadata database, each held on a connection of its own for as long as the
 * work lasts: another replica asking for the same lock skips the work, and a crashed replica's locks die with its
 * connections.
 */
@ApplicationScoped
public class AdvisoryLocks {

    @Inject
    AgroalDataSource metadata;

    /** One organization's reconcile. */
    public Optional<Lock> tryTenant(String orgId) throws SQLException {
        return tryLock("tenantry-tenant:" + orgId);
    }

    /** One organization's tenant, for an operation a caller asked for: 409 while anything else holds it. */
    public Lock tenantOrConflict(String orgId) {
        try {
            return tryTenant(orgId).orElseThrow(() -> ApiProblem.conflict("tenant '" + orgId
                    + "' is busy with another operation (provisioning, a backup or a restore); try again shortly"));
        } catch (SQLException e) {
            throw new IllegalStateException("could not take the lock of tenant '" + orgId + "': " + e.getMessage(), e);
        }
    }

    /** One rollout's run. */
    public Optional<Lock> tryRollout(UUID id) throws SQLException {
        return tryLock("tenantry-rollout:" + id);
    }

    /** The fleet's drift check, so one replica runs it when it is due. */
    public Optional<Lock> tryDriftCheck() throws SQLException {
        return tryLock("tenantry-drift-check");
    }

    /** The fleet's scheduled health collection, so one replica measures the fleet per interval. */
    public Optional<Lock> tryHealthCollection() throws SQLException {
        return tryLock("tenantry-health-collection");
    }

    /** Building and clearing out one server's spare databases, so there is one build per server at a time. */
    public Optional<Lock> trySpareBuild(String server) throws SQLException {
        return tryLock("tenantry-spare-build:" + server);
    }

    private Optional<Lock> tryLock(String key) throws SQLException {
        Connection c = metadata.getConnection();
        try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
            s.setString(1, key);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next() && rs.getBoolean(1)) {
                    return Optional.of(new Lock(c, key));
                }
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        c.close();
        return Optional.empty();
    }

    /** A held lock. Closing releases it and returns its connection to the pool. */
    public static final class Lock implements AutoCloseable {

        private final Connection connection;
        private final String key;

        private Lock(Connection connection, String key) {
            this.connection = connection;
            this.key = key;
        }

        /** A pooled connection outlives its borrower, and a session lock with it: the lock is released explicitly. */
        @Override
        public void close() throws SQLException {
            Connection c = connection;
            try (c; PreparedStatement s = c.prepareStatement("SELECT pg_advisory_unlock(hashtext(?))")) {
                s.setString(1, key);
                s.executeQuery().close();
            }
        }
    }
}
