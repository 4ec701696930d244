package io.tenantry.provisioner.move;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.tenantry.common.OrgId;
import io.tenantry.common.TenantCredentials;
import io.tenantry.provisioner.servers.TenantServers;
import io.tenantry.provisioner.tenant.Identifiers;
import io.tenantry.provisioner.tenant.SecondaryStructures;
import io.tenantry.provisioner.tenant.TenantDatabases;
import io.tenantry.provisioner.tenant.TenantTables;

/**
 * PostgreSQL's logical replication of one tenant database from its server to another: a publication of the
 * tenant's tables on the source, a subscription in the same-named database on the target (initial copy, then
 * streaming), and everything needed to take both away again. Every call checks before it acts, so it can be
 * repeated after a crash.
 */
@ApplicationScoped
public class Replication {

    static final String NAME = "tenantry_move";

    @Inject
    TenantServers servers;

    @Inject
    TenantDatabases databases;

    /** The source's replication slot, named after the tenant so moves of different tenants never share one. */
    static String slotName(OrgId orgId) {
        return NAME + "_" + orgId.value();
    }

    /**
     * Publishes the tenant's tables (all but Flyway's history, which the target has of its own); a publication
     * left by an earlier attempt must have been dropped first ({@link #unpublish}).
     */
    void publish(String source, OrgId orgId) throws SQLException {
        try (Connection c = servers.admin(source, orgId.databaseName()); Statement s = c.createStatement()) {
            List<String> tables = TenantTables.read(c).stream().map(TenantTables.Table::name).toList();
            s.execute("CREATE PUBLICATION " + NAME + " FOR TABLE " + Identifiers.quoteAll(tables));
        }
    }

    /**
     * Subscribes the target's database to the source's publication: PostgreSQL creates the slot on the source,
     * copies each table (two at a time) and then streams every change, each applied transaction flushed on commit.
     */
    void subscribe(String target, String source, OrgId orgId) throws SQLException {
        String conninfo = servers.replicationConninfo(source, orgId.databaseName());
        try (Connection c = servers.admin(target, orgId.databaseName()); Statement s = c.createStatement()) {
            if (subscribed(c)) {
                return;
            }
            s.execute("CREATE SUBSCRIPTION " + NAME + " CONNECTION '" + conninfo.replace("'", "''") + "' PUBLICATION "
                    + NAME + " WITH (slot_name = '" + slotName(orgId) + "', binary = true, streaming = off,"
                    + " synchronous_commit = 'on')");
        }
    }

    boolean subscribed(String target, OrgId orgId) throws SQLException {
        try (Connection c = servers.admin(target, orgId.databaseName())) {
            return subscribed(c);
        }
    }

    /** How far the initial copy got, read on the target. */
    record Progress(int tables, int tablesSynced, long rows, long bytes, long errors) {
        boolean synced() {
            return tables > 0 && tablesSynced == tables;
        }
    }

    Progress progress(String target, OrgId orgId) throws SQLException {
        try (Connection c = servers.admin(target, orgId.databaseName()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT (SELECT count(*) FROM pg_subscription_rel r WHERE r.srsubid = sub.oid),
                            (SELECT count(*) FROM pg_subscription_rel r WHERE r.srsubid = sub.oid AND r.srsubstate = 'r'),
                            (SELECT coalesce(sum(n_tup_ins), 0) FROM pg_stat_user_tables
                              WHERE schemaname = 'public' AND relname <> 'flyway_schema_history'),
                            (SELECT coalesce(sum(pg_table_size(relid)), 0) FROM pg_stat_user_tables
                              WHERE schemaname = 'public' AND relname <> 'flyway_schema_history'),
                            coalesce((SELECT apply_error_count + sync_error_count FROM pg_stat_subscription_stats st
                                       WHERE st.subid = sub.oid), 0)
                       FROM pg_subscription sub
                      WHERE sub.subname = '""" + NAME + "' AND sub.subdbid = (SELECT oid FROM pg_database"
                     + " WHERE datname = current_database())")) {
            return rs.next() ? new Progress(rs.getInt(1), rs.getInt(2), rs.getLong(3), rs.getLong(4), rs.getLong(5))
                    : new Progress(0, 0, 0, 0, 0);
        }
    }

    /** The size of the tenant's tables on the source, which the copy's bytes are measured against. */
    long sourceBytes(String source, OrgId orgId) throws SQLException {
        try (Connection c = servers.admin(source, orgId.databaseName()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT coalesce(sum(pg_table_size(relid)), 0) FROM pg_stat_user_tables
                      WHERE schemaname = 'public' AND relname <> 'flyway_schema_history'""")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Drops the target's foreign keys and secondary indexes before the copy: the initial copy then writes rows
     * alone, and each index is built once over its whole table by {@link #completeStructures}.
     */
    void dropSecondaryStructures(String target, OrgId orgId) throws SQLException {
        try (Connection c = servers.admin(target, orgId.databaseName())) {
            SecondaryStructures.drop(c);
        }
    }

    /**
     * Builds on the target whatever secondary index or foreign key the source has and it lacks (all of them after
     * the copy; none when a resumed move already built them).
     */
    void completeStructures(String source, String target, OrgId orgId) throws SQLException {
        try (Connection model = servers.admin(source, orgId.databaseName());
             Connection c = servers.admin(target, orgId.databaseName()); Statement s = c.createStatement()) {
            List<String> missing = SecondaryStructures.missing(model, c);
            s.execute("SET maintenance_work_mem = '256MB'");
            for (String ddl : missing) {
                s.execute(ddl);
            }
        }
    }

    /** WAL the source wrote that the subscription has not confirmed yet; null without a slot. */
    Long lagBytes(String source, OrgId orgId) throws SQLException {
        try (Connection c = servers.admin(source); PreparedStatement s = c.prepareStatement("""
                SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn) FROM pg_replication_slots
                 WHERE slot_name = ?""")) {
            s.setString(1, slotName(orgId));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /** An administrative connection to the tenant's database on a server, held across a switch. */
    Connection tenantDatabase(String server, OrgId orgId) throws SQLException {
        return servers.admin(server, orgId.databaseName());
    }

    /**
     * Takes the tenant role's right to change its tables on the source: its sessions keep reading, and any write
     * that reaches this database afterwards fails (42501). Granting the tables again lifts it.
     */
    void fenceWrites(Connection source, OrgId orgId) throws SQLException {
        try (Statement s = source.createStatement()) {
            s.execute("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public FROM "
                    + Identifiers.quote(TenantCredentials.roleName(orgId)));
        }
    }

    /**
     * Waits, at most {@code patienceMillis}, until the tenant role holds no session in this database: a
     * results-service replica that heard a move's announcement closes its connections to it, idle ones at once and
     * busy ones when their requests end, so none of its reads is cut off when the database shuts the tenant out.
     */
    void awaitSessionsClosed(Connection source, OrgId orgId, long patienceMillis) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + patienceMillis * 1_000_000;
        try (PreparedStatement s = source.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND usename = ?")) {
            s.setString(1, orgId.databaseName());
            s.setString(2, TenantCredentials.roleName(orgId));
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return;
                    }
                }
                Thread.sleep(5);
            }
        }
    }

    /**
     * Waits until every transaction the tenant role had open on the source when its writes were fenced has ended
     * (later ones see the fence), ending those still open after {@code patienceMillis}.
     */
    void awaitOpenTransactions(Connection source, OrgId orgId, long patienceMillis)
            throws SQLException, InterruptedException {
        Set<String> open = openTransactions(source, orgId);
        long deadline = System.nanoTime() + patienceMillis * 1_000_000;
        while (!open.isEmpty()) {
            if (System.nanoTime() > deadline) {
                try (PreparedStatement s = source.prepareStatement("""
                        SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                         WHERE datname = ? AND usename = ? AND xact_start IS NOT NULL""")) {
                    s.setString(1, orgId.databaseName());
                    s.setString(2, TenantCredentials.roleName(orgId));
                    s.executeQuery().close();
                }
                return;
            }
            Thread.sleep(5);
            open.retainAll(openTransactions(source, orgId));
        }
    }

    private static Set<String> openTransactions(Connection source, OrgId orgId) throws SQLException {
        Set<String> open = new HashSet<>();
        try (PreparedStatement s = source.prepareStatement("""
                SELECT pid || ':' || xact_start FROM pg_stat_activity
                 WHERE datname = ? AND usename = ? AND xact_start IS NOT NULL""")) {
            s.setString(1, orgId.databaseName());
            s.setString(2, TenantCredentials.roleName(orgId));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    open.add(rs.getString(1));
                }
            }
        }
        return open;
    }

    /**
     * A point in the source's WAL after every write the tenant made: a logical decoding message, flushed at once,
     * so the subscription reaches it without waiting for the WAL writer.
     */
    String flushMarker(Connection source) throws SQLException {
        try (Statement s = source.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT pg_logical_emit_message(false, '" + NAME + "', 'switch', true)::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * Whether the target's subscription has applied the source's WAL up to {@code lsn}: the position the source
     * last confirmed to it, which the apply worker records only after applying everything before.
     */
    boolean caughtUp(Connection target, String lsn) throws SQLException {
        try (PreparedStatement s = target.prepareStatement("""
                SELECT coalesce(st.latest_end_lsn >= ?::pg_lsn, false)
                  FROM pg_stat_subscription st JOIN pg_subscription sub ON sub.oid = st.subid
                 WHERE sub.subname = '""" + NAME + "' AND st.relid IS NULL"
                + " AND sub.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
            s.setString(1, lsn);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** The versions in the database's migration history, in order: equal on both sides, or a migration came between. */
    String schemaHistory(Connection database) throws SQLException {
        try (Statement s = database.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT coalesce(string_agg(version, ',' ORDER BY installed_rank), '') FROM flyway_schema_history
                 WHERE success AND version IS NOT NULL""")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Logical replication leaves sequences behind: each takes the source's value on the target. */
    void copySequences(Connection source, Connection target) throws SQLException {
        try (Statement s = source.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT sequencename, last_value FROM pg_sequences
                 WHERE schemaname = 'public' AND last_value IS NOT NULL""");
             PreparedStatement set = target.prepareStatement("SELECT setval(?::regclass, ?, true)")) {
            while (rs.next()) {
                set.setString(1, "public." + Identifiers.quote(rs.getString(1)));
                set.setLong(2, rs.getLong(2));
                set.executeQuery().close();
            }
        }
    }

    /**
     * Removes the subscription from the target without reaching the source (which may be gone): disabled, detached
     * from its slot, dropped. The slot is {@link #dropSlots}'s. Nothing happens when the database is not there.
     */
    void unsubscribe(String target, OrgId orgId) throws SQLException {
        if (!databases.exists(target, orgId.databaseName())) {
            return;
        }
        try (Connection c = servers.admin(target, orgId.databaseName()); Statement s = c.createStatement()) {
            if (subscribed(c)) {
                s.execute("ALTER SUBSCRIPTION " + NAME + " DISABLE");
                s.execute("ALTER SUBSCRIPTION " + NAME + " SET (slot_name = NONE)");
                s.execute("DROP SUBSCRIPTION " + NAME);
            }
        }
    }

    /** Drops every replication slot of the tenant's database on the source (the move's and table copies'). */
    void dropSlots(String source, OrgId orgId) throws SQLException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = servers.admin(source); PreparedStatement s = c.prepareStatement("""
                    SELECT slot_name, active_pid FROM pg_replication_slots WHERE database = ? OR slot_name = ?""")) {
                s.setString(1, orgId.databaseName());
                s.setString(2, slotName(orgId));
                List<String> slots = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        slots.add(rs.getString(1));
                        if (rs.getObject(2) != null) {
                            try (PreparedStatement end = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
                                end.setInt(1, rs.getInt(2));
                                end.executeQuery().close();
                            }
                        }
                    }
                }
                if (slots.isEmpty()) {
                    return;
                }
                try (PreparedStatement drop = c.prepareStatement("""
                        SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
                         WHERE slot_name = ? AND NOT active""")) {
                    for (String slot : slots) {
                        drop.setString(1, slot);
                        drop.executeQuery().close();
                    }
                }
            } catch (SQLException e) {
                // 55006: a walsender still held the slot an instant after it was told to end.
                if (!"55006".equals(e.getSQLState()) || attempt == 50) {
                    throw e;
                }
            }
            Thread.sleep(20L * Math.min(attempt, 10));
        }
    }

    /** Drops the source's publication, if its database is still there. */
    void unpublish(String source, OrgId orgId) throws SQLException {
        if (!databases.exists(source, orgId.databaseName())) {
            return;
        }
        try (Connection c = servers.admin(source, orgId.databaseName()); Statement s = c.createStatement()) {
            s.execute("DROP PUBLICATION IF EXISTS " + NAME);
        }
    }

    private static boolean subscribed(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1 FROM pg_subscription WHERE"
                + " subname = '" + NAME + "' AND subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
            return rs.next();
        }
    }
}
