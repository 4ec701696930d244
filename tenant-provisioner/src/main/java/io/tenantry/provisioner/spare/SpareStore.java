package io.tenantry.provisioner.spare;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.tenantry.provisioner.jdbc.RegistrySql;

/**
 * {@code provisioner.spares}: every spare database from its build to the tenant it became. Each change of state is
 * one statement that names the state it expects, so two replicas never both take, drop or release the same spare.
 */
@ApplicationScoped
class SpareStore {

    enum State { BUILDING, READY, CLAIMED, TAKEN }

    record Spare(String database, String server, State state, String schemaVersion) {
    }

    private static final String COLUMNS = "database_name, server, state, schema_version";

    @Inject
    RegistrySql sql;

    /** Written before the database is created, so a build cut short always leaves a row that names it. */
    void startBuilding(String database, String server) {
        sql.update("INSERT INTO provisioner.spares (database_name, server, state) VALUES (?, ?, 'building')",
                database, server);
    }

    void markReady(String database, String schemaVersion) {
        sql.update("""
                UPDATE provisioner.spares SET state = 'ready', schema_version = ?, ready_at = now()
                 WHERE database_name = ? AND state = 'building'""", schemaVersion, database);
    }

    /**
     * Takes the oldest ready spare of the server at {@code schemaVersion} for the organization; a spare another
     * transaction is taking is skipped, not waited for.
     */
    Optional<Spare> claim(String server, String schemaVersion, String orgId) {
        return first(sql.list("""
                UPDATE provisioner.spares SET state = 'claimed', org_id = ?, claimed_at = now()
                 WHERE database_name = (SELECT database_name FROM provisioner.spares
                                         WHERE server = ? AND state = 'ready' AND schema_version = ?
                                         ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
                   AND state = 'ready'
                RETURNING\s""" + COLUMNS, SpareStore::spare, orgId, server, schemaVersion));
    }

    /** The spare the organization claimed or took, if any. */
    Optional<Spare> ofOrganization(String orgId) {
        return first(sql.list("SELECT " + COLUMNS + " FROM provisioner.spares WHERE org_id = ?", SpareStore::spare,
                orgId));
    }

    void markTaken(String database) {
        sql.update("UPDATE provisioner.spares SET state = 'taken' WHERE database_name = ? AND state = 'claimed'",
                database);
    }

    /** A claimed spare handed back untouched (the tenant had a database of its own already). */
    void release(String database) {
        sql.update("""
                UPDATE provisioner.spares SET state = 'ready', org_id = NULL, claimed_at = NULL
                 WHERE database_name = ? AND state = 'claimed'""", database);
    }

    /** Removes a ready spare's row; true when this caller removed it, and so may drop its database. */
    boolean removeReady(String database) {
        return sql.update("DELETE FROM provisioner.spares WHERE database_name = ? AND state = 'ready'", database) == 1;
    }

    void forget(String database) {
        sql.update("DELETE FROM provisioner.spares WHERE database_name = ? AND state <> 'taken'", database);
    }

    /** The server's ready spares, oldest first. */
    List<Spare> ready(String server) {
        return sql.list("SELECT " + COLUMNS + " FROM provisioner.spares WHERE server = ? AND state = 'ready'"
                + " ORDER BY created_at", SpareStore::spare, server);
    }

    /** Builds cut short (only the holder of the server's build lock may call this: it builds nothing else). */
    List<String> building(String server) {
        return sql.list("SELECT database_name FROM provisioner.spares WHERE server = ? AND state = 'building'",
                rs -> rs.getString(1), server);
    }

    /**
     * Claims whose tenant went on (or away) without taking the spare: it is nobody's any more. A failed tenant keeps
     * its claim, which its retry resumes.
     */
    List<String> abandonedClaims(String server) {
        return sql.list("""
                SELECT s.database_name FROM provisioner.spares s LEFT JOIN provisioner.tenants t USING (org_id)
                 WHERE s.server = ? AND s.state = 'claimed' AND (t.status IS NULL OR t.status NOT IN ('provisioning', 'failed'))""",
                rs -> rs.getString(1), server);
    }

    /** The names of the server's spares still in the pool or on their way into it. */
    Set<String> unfinished(String server) {
        return new HashSet<>(sql.list("SELECT database_name FROM provisioner.spares WHERE server = ? AND state <> 'taken'",
                rs -> rs.getString(1), server));
    }

    private static Spare spare(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Spare(rs.getString(1), rs.getString(2), State.valueOf(rs.getString(3).toUpperCase(java.util.Locale.ROOT)), rs.getString(4));
    }

    private static <T> Optional<T> first(List<T> rows) {
        return rows.stream().findFirst();
    }
}
