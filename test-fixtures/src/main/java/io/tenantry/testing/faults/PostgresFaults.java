package io.tenantry.testing.faults;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

import io.tenantry.servers.PostgresEndpoint;

/** Faults a PostgreSQL server meets in production, injected into a real one. */
public final class PostgresFaults {

    private PostgresFaults() {
    }

    /**
     * Kills one client backend of {@code database} whose role matches {@code roleLike} with SIGKILL, as the kernel's
     * out-of-memory killer would: the postmaster then ends every session of the server and runs crash recovery.
     *
     * @return whether there was such a backend to kill
     */
    public static boolean killOneBackend(PostgresEndpoint server, String roleLike, String database)
            throws SQLException {
        try (Connection c = server.connect("postgres"); PreparedStatement s = c.prepareStatement("""
                SELECT pid FROM pg_stat_activity
                WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
                  AND usename LIKE ? AND (datname = ? OR ? IS NULL)
                ORDER BY random() LIMIT 1""")) {
            s.setString(1, roleLike);
            s.setString(2, database);
            s.setString(3, database);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                long pid = rs.getLong(1);
                return ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false);
            }
        }
    }

    /** Waits until the server accepts connections again (after crash recovery or a restart); when it did. */
    public static long awaitAccepting(PostgresEndpoint server, Duration within) throws InterruptedException {
        Thread.sleep(50);
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = server.connect("postgres")) {
                c.createStatement().execute("SELECT 1");
                return System.nanoTime();
            } catch (SQLException recovering) {
                Thread.sleep(20);
            }
        }
        throw new AssertionError("the server did not accept connections again within " + within);
    }
}
