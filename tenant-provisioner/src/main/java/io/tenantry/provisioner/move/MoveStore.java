package io.tenantry.provisioner.move;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.tenantry.provisioner.jdbc.RegistrySql;

/** Moves as recorded in {@code provisioner.moves}: each step commits at once, the checkpoint a resume starts from. */
@ApplicationScoped
public class MoveStore {

    static final String REQUESTED = "requested";
    static final String COPYING = "copying";
    static final String SWITCHING = "switching";
    static final String SWITCHED = "switched";
    static final String DONE = "done";
    static final String ABORTED = "aborted";
    static final String FAILED = "failed";

    private static final String COLUMNS = """
            id, org_id, source_server, target_server, step, reason, abort_requested, tables_total, tables_synced,
            rows_copied, bytes_copied, bytes_total, lag_bytes, write_pause_ms, requested_by, error, started_at,
            switched_at, finished_at""";
    private static final String UNFINISHED = "step NOT IN ('done', 'aborted', 'failed')";

    @Inject
    RegistrySql sql;

    /** Records a new move; 409 when one of the tenant is still unfinished. */
    void create(UUID id, String orgId, String source, String target, String reason, String requestedBy) {
        sql.insertUnique("a move of '" + orgId + "' is already under way", """
                INSERT INTO provisioner.moves (id, org_id, source_server, target_server, step, reason, requested_by)
                VALUES (?, ?, ?, ?, 'requested', ?, ?)""", id, orgId, source, target, reason, requestedBy);
    }

    void step(UUID id, String step) {
        sql.update("UPDATE provisioner.moves SET step = ?, error = NULL WHERE id = ?", step, id);
    }

    void progress(UUID id, Replication.Progress progress, long bytesTotal, Long lagBytes) {
        sql.update("""
                UPDATE provisioner.moves SET tables_total = ?, tables_synced = ?, rows_copied = ?, bytes_copied = ?,
                                             bytes_total = ?, lag_bytes = ?
                 WHERE id = ?""", progress.tables(), progress.tablesSynced(), progress.rows(), progress.bytes(),
                bytesTotal, lagBytes, id);
    }

    void switched(UUID id, int writePauseMs) {
        sql.update("""
                UPDATE provisioner.moves SET step = 'switched', write_pause_ms = ?, switched_at = now(), lag_bytes = 0,
                                             error = NULL
                 WHERE id = ?""", writePauseMs, id);
    }

    /** Asks the move to stop before its switch; false when it is past it or over. */
    boolean requestAbort(UUID id) {
        return sql.update("UPDATE provisioner.moves SET abort_requested = true WHERE id = ? AND step IN (?, ?, ?)",
                id, REQUESTED, COPYING, SWITCHING) == 1;
    }

    /** Records a failure that the next resume retries from the same step. */
    void error(UUID id, String error) {
        sql.update("UPDATE provisioner.moves SET error = ? WHERE id = ?", error, id);
    }

    void finish(UUID id, String step, String error) {
        sql.update("UPDATE provisioner.moves SET step = ?, error = ?, finished_at = now() WHERE id = ?", step, error, id);
    }

    Optional<MoveView> find(UUID id) {
        return query("SELECT " + COLUMNS + " FROM provisioner.moves WHERE id = ?", id).stream().findFirst();
    }

    List<MoveView> list(String orgId) {
        return query("SELECT " + COLUMNS + " FROM provisioner.moves WHERE org_id = ? ORDER BY started_at DESC, id DESC"
                + " LIMIT 100", orgId);
    }

    List<MoveView> unfinished() {
        return query("SELECT " + COLUMNS + " FROM provisioner.moves WHERE " + UNFINISHED + " ORDER BY started_at, id");
    }

    /** Unfinished moves away from a server (a drain's). */
    List<MoveView> unfinishedFrom(String server) {
        return query("SELECT " + COLUMNS + " FROM provisioner.moves WHERE source_server = ? AND " + UNFINISHED
                + " ORDER BY started_at, id", server);
    }

    private List<MoveView> query(String statement, Object... params) {
        return sql.list(statement, rs -> new MoveView(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getString(6), rs.getBoolean(7), rs.getInt(8), rs.getInt(9),
                rs.getLong(10), rs.getLong(11), rs.getLong(12), (Long) rs.getObject(13),
                (Integer) rs.getObject(14), rs.getString(15), rs.getString(16),
                rs.getObject(17, OffsetDateTime.class), rs.getObject(18, OffsetDateTime.class),
                rs.getObject(19, OffsetDateTime.class)), params);
    }
}
