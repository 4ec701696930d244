package io.tenantry.provisioner.dbhealth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

/**
 * PostgreSQL's statistics about tenant databases, read over the provisioner's admin connections. A database's own
 * views (its tables, its size, its cache figures) are read from the tenant's database itself. The server-wide ones
 * (pg_stat_activity, pg_locks, and pg_stat_statements, which lives in the server's maintenance database) are read
 * for every database of the server at once: each read copies the whole server's sessions, locks or statements, so
 * reading them per tenant cost a server of 500 tenants 500 such copies a pass. The extension stays out of tenant
 * databases (and the template they are copied from) on purpose: its view there would show the tenant's role every
 * other tenant's statement counts and times.
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

    /** A database and the role whose statements in it count. */
    record Owner(String database, String role) {
    }

    /**
     * One server's sessions and statements, read at once: each database's activity (sessions other than the health
     * collector's) and each database and role's slowest statements.
     */
    record ServerFigures(Map<String, Activity> activity, Map<Owner, List<HealthSnapshot.StatementStats>> statements,
                         String statementsUnavailable) {

        Activity activity(String database) {
            return activity.getOrDefault(database, new Activity(0, 0, 0));
        }

        Statements statements(Owner owner) {
            return new Statements(statements.getOrDefault(owner, List.of()), statementsUnavailable);
        }
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
     * The server's sessions by database (the collector's own, named {@code application_name}, left out), their
     * oldest open transaction, the locks they wait for, and the slowest statements of every database and role, from
     * the maintenance database. Without pg_stat_statements (not preloaded, or not creatable by the admin role) the
     * rest still counts.
     */
    ServerFigures serverFigures(String server, Connection maintenance, String collector) throws SQLException {
        Map<String, Activity> activity = new HashMap<>();
        try (PreparedStatement s = maintenance.prepareStatement("""
                WITH waiting AS (SELECT pid, count(*) AS locks FROM pg_locks WHERE NOT granted GROUP BY pid)
                SELECT a.datname, count(*), coalesce(max(extract(epoch FROM now() - a.xact_start)), 0),
                       coalesce(sum(w.locks), 0)
                  FROM pg_stat_activity a LEFT JOIN waiting w ON w.pid = a.pid
                 WHERE a.datname IS NOT NULL AND a.application_name IS DISTINCT FROM ?
                 GROUP BY a.datname""")) {
            s.setString(1, collector);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    activity.put(rs.getString(1), new Activity(rs.getInt(2), rs.getDouble(3), rs.getInt(4)));
                }
            }
        }
        Map<Owner, List<HealthSnapshot.StatementStats>> statements = new HashMap<>();
        try {
            ensureExtension(server, maintenance);
            try (PreparedStatement s = maintenance.prepareStatement("""
                    SELECT d.datname, r.rolname, s.queryid, left(s.query, ?), s.calls, s.mean_exec_time,
                           s.total_exec_time, s.rows
                      FROM (SELECT dbid, userid, queryid, query, calls, mean_exec_time, total_exec_time, rows,
                                   row_number() OVER (PARTITION BY dbid, userid ORDER BY mean_exec_time DESC) AS rank
                              FROM pg_stat_statements) s
                      JOIN pg_database d ON d.oid = s.dbid
                      JOIN pg_roles r ON r.oid = s.userid
                     WHERE s.rank <= ?
                     ORDER BY d.datname, r.rolname, s.rank""")) {
                s.setInt(1, QUERY_TEXT_LIMIT);
                s.setInt(2, TOP_STATEMENTS);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        statements.computeIfAbsent(new Owner(rs.getString(1), rs.getString(2)), o -> new ArrayList<>())
                                .add(new HealthSnapshot.StatementStats((Long) rs.getObject(3), rs.getString(4),
                                        rs.getLong(5), rs.getDouble(6), rs.getDouble(7), rs.getLong(8)));
                    }
                }
            }
            return new ServerFigures(activity, statements, null);
        } catch (SQLException e) {
            return new ServerFigures(activity, Map.of(), "pg_stat_statements: " + e.getMessage());
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
