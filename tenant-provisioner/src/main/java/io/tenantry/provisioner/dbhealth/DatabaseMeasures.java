package io.tenantry.provisioner.dbhealth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

/**
 * PostgreSQL's statistics about one tenant database, read over the provisioner's admin connections. The cluster-wide
 * views (pg_stat_database, pg_stat_activity, pg_locks) are read from the tenant's database itself;
 * pg_stat_statements from the server's maintenance database, where the extension is created, filtered by the
 * tenant's database. The extension stays out of tenant databases (and the template they are copied from) on purpose:
 * its view there would show the tenant's role every other tenant's statement counts and times.
 */
@ApplicationScoped
class DatabaseMeasures {

    private static final Logger LOG = Logger.getLogger(DatabaseMeasures.class);
    static final int TOP_STATEMENTS = 5;
    private static final int QUERY_TEXT_LIMIT = 500;

    private final Set<String> serversWithExtension = ConcurrentHashMap.newKeySet();

    record Activity(int connections, double longestTransactionSeconds, int lockWaits) {
    }

    record CacheFigures(long blocksHit, long blocksRead) {
        Double hitRatio() {
            long asked = blocksHit + blocksRead;
            return asked == 0 ? null : (double) blocksHit / asked;
        }
    }

    record Statements(List<HealthSnapshot.StatementStats> slowest, String unavailable) {
    }

    long databaseBytes(Connection tenantDb) throws SQLException {
        return queryLong(tenantDb, "SELECT pg_database_size(current_database())");
    }

    List<HealthSnapshot.TableStats> tables(Connection tenantDb) throws SQLException {
        List<HealthSnapshot.TableStats> tables = new ArrayList<>();
        try (Statement s = tenantDb.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT schemaname, relname, pg_total_relation_size(relid), pg_indexes_size(relid), n_live_tup,
                       n_dead_tup, last_vacuum, last_autovacuum, last_analyze, last_autoanalyze
                  FROM pg_stat_user_tables
                 ORDER BY pg_total_relation_size(relid) DESC, schemaname, relname""")) {
            while (rs.next()) {
                tables.add(new HealthSnapshot.TableStats(rs.getString(1), rs.getString(2), rs.getLong(3),
                        rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getObject(7, OffsetDateTime.class),
                        rs.getObject(8, OffsetDateTime.class), rs.getObject(9, OffsetDateTime.class),
                        rs.getObject(10, OffsetDateTime.class)));
            }
        }
        return tables;
    }

    CacheFigures cache(Connection tenantDb) throws SQLException {
        try (Statement s = tenantDb.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT blks_hit, blks_read FROM pg_stat_database WHERE datname = current_database()")) {
            return rs.next() ? new CacheFigures(rs.getLong(1), rs.getLong(2)) : new CacheFigures(0, 0);
        }
    }

    /**
     * Sessions on the tenant's database other than this one, its oldest open transaction, and the sessions waiting
     * for a lock (a row lock's wait is on a transaction id, which names no database, hence by session).
     */
    Activity activity(Connection tenantDb) throws SQLException {
        try (Statement s = tenantDb.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT count(*),
                       coalesce(max(extract(epoch FROM now() - a.xact_start)), 0),
                       (SELECT count(*) FROM pg_locks l JOIN pg_stat_activity w ON w.pid = l.pid
                         WHERE NOT l.granted AND w.datname = current_database())
                  FROM pg_stat_activity a
                 WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()""")) {
            rs.next();
            return new Activity(rs.getInt(1), rs.getDouble(2), rs.getInt(3));
        }
    }

    /**
     * The slowest statements by mean time that the tenant's role ran in its database (not the provisioner's
     * migrations or these measures), from the maintenance database of its server.
     */
    Statements slowestStatements(String server, Connection maintenance, String database, String role) {
        try {
            ensureExtension(server, maintenance);
            List<HealthSnapshot.StatementStats> slowest = new ArrayList<>();
            try (PreparedStatement s = maintenance.prepareStatement("""
                    SELECT s.queryid, left(s.query, ?), s.calls, s.mean_exec_time, s.total_exec_time, s.rows
                      FROM pg_stat_statements s
                      JOIN pg_database d ON d.oid = s.dbid
                      JOIN pg_roles r ON r.oid = s.userid
                     WHERE d.datname = ? AND r.rolname = ?
                     ORDER BY s.mean_exec_time DESC LIMIT ?""")) {
                s.setInt(1, QUERY_TEXT_LIMIT);
                s.setString(2, database);
                s.setString(3, role);
                s.setInt(4, TOP_STATEMENTS);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        slowest.add(new HealthSnapshot.StatementStats((Long) rs.getObject(1), rs.getString(2),
                                rs.getLong(3), rs.getDouble(4), rs.getDouble(5), rs.getLong(6)));
                    }
                }
            }
            return new Statements(slowest, null);
        } catch (SQLException e) {
            // Not preloaded (shared_preload_libraries) or not creatable by the admin role: the rest still counts.
            return new Statements(List.of(), "pg_stat_statements: " + e.getMessage());
        }
    }

    private void ensureExtension(String server, Connection maintenance) throws SQLException {
        if (serversWithExtension.contains(server)) {
            return;
        }
        synchronized (serversWithExtension) {
            if (!serversWithExtension.contains(server)) {
                try (Statement s = maintenance.createStatement()) {
                    s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
                }
                LOG.infof("pg_stat_statements available in the maintenance database of server %s", server);
                serversWithExtension.add(server);
            }
        }
    }

    private static long queryLong(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
