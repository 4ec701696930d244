package io.tenantry.provisioner.restore;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.tenantry.provisioner.jdbc.RegistrySql;

/** Restores as recorded in {@code provisioner.restores}: each step commits at once, the checkpoint a resume starts from. */
@ApplicationScoped
public class RestoreStore {

    static final String REQUESTED = "requested";
    static final String BUILDING = "building";
    static final String SWAPPED = "swapped";
    static final String MIGRATED = "migrated";
    static final String DONE = "done";
    static final String FAILED = "failed";

    private static final String COLUMNS = """
            id, org_id, source_org_id, backup_id, safety_backup_id, step, rows_loaded, rows_total, requested_by, error,
            started_at, finished_at""";

    @Inject
    RegistrySql sql;

    /** Records a new restore; 409 when one of the tenant is still unfinished. */
    void create(UUID id, String orgId, String sourceOrgId, UUID backupId, long rowsTotal, String requestedBy) {
        sql.insertUnique("a restore of '" + orgId + "' is already under way", """
                INSERT INTO provisioner.restores (id, org_id, source_org_id, backup_id, step, rows_total, requested_by)
                VALUES (?, ?, ?, ?, 'requested', ?, ?)""", id, orgId, sourceOrgId, backupId, rowsTotal, requestedBy);
    }

    void step(UUID id, String step) {
        execute("UPDATE provisioner.restores SET step = ?, error = NULL WHERE id = ?", step, id);
    }

    void safetyBackup(UUID id, UUID backupId) {
        execute("UPDATE provisioner.restores SET safety_backup_id = ? WHERE id = ?", backupId, id);
    }

    void progress(UUID id, long rowsLoaded) {
        execute("UPDATE provisioner.restores SET rows_loaded = ? WHERE id = ?", rowsLoaded, id);
    }

    /** Records a failure that the next resume retries from the same step. */
    void error(UUID id, String error) {
        execute("UPDATE provisioner.restores SET error = ? WHERE id = ?", error, id);
    }

    void finish(UUID id, String step, String error) {
        execute("UPDATE provisioner.restores SET step = ?, error = ?, finished_at = now() WHERE id = ?",
                step, error, id);
    }

    Optional<RestoreView> find(UUID id) {
        return query("SELECT " + COLUMNS + " FROM provisioner.restores WHERE id = ?", id).stream().findFirst();
    }

    List<RestoreView> list(String orgId) {
        return query("SELECT " + COLUMNS + " FROM provisioner.restores WHERE org_id = ?"
                + " ORDER BY started_at DESC, id DESC LIMIT 100", orgId);
    }

    List<RestoreView> unfinished() {
        return query("SELECT " + COLUMNS + " FROM provisioner.restores WHERE step NOT IN ('done', 'failed')"
                + " ORDER BY started_at");
    }

    private List<RestoreView> query(String statement, Object... params) {
        return sql.list(statement, rs -> new RestoreView(rs.getObject(1, UUID.class), rs.getString(2),
                rs.getString(3), rs.getObject(4, UUID.class), rs.getObject(5, UUID.class), rs.getString(6),
                rs.getLong(7), rs.getLong(8), rs.getString(9), rs.getString(10),
                rs.getObject(11, OffsetDateTime.class), rs.getObject(12, OffsetDateTime.class)), params);
    }

    private void execute(String statement, Object... params) {
        sql.update(statement, params);
    }
}
