package io.tenantry.provisioner.jdbc;

import java.sql.SQLException;

import io.tenantry.common.problem.DatabaseOutage;

/**
 * Which failures say nothing about the tenant: the database could not be reached or was busy, a pool had no
 * connection to spare, a transaction lost a race (a deadlock, a serialization failure). The work stays where it was
 * (an organization keeps its status, a move its step) and the next pass tries again; only other failures (a
 * migration that breaks, no server with room) mark it failed.
 */
public final class TransientFailures {

    /** A step that could not be taken now; the organization keeps its status and is tried again. */
    public static final class TransientFailure extends RuntimeException {
        public TransientFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private TransientFailures() {
    }

    public static boolean isTransient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                String state = sql.getSQLState();
                // Pools raise their own SQLExceptions without a state (e.g. Agroal's acquisition timeout).
                return state == null || DatabaseOutage.serverUnavailable(state) || state.equals("40001")
                        || state.equals("40P01") || lostCatalogRace(sql);
            }
        }
        return false;
    }

    /**
     * Two sessions changed the same catalog row at once (two provisionings revoking PUBLIC's access to the same
     * database, say): PostgreSQL reports it as an internal error, and the second attempt finds the work done.
     */
    private static boolean lostCatalogRace(SQLException e) {
        return "XX000".equals(e.getSQLState()) && e.getMessage() != null
                && e.getMessage().contains("tuple concurrently updated");
    }
}
