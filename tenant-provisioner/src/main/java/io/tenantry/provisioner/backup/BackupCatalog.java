package io.tenantry.provisioner.backup;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.tenantry.provisioner.jdbc.RegistrySql;

/** The provisioner's record of backups ({@code provisioner.backups}); each write commits at once. */
@ApplicationScoped
public class BackupCatalog {

    static final String RUNNING = "running";
    static final String COMPLETED = "completed";
    static final String FAILED = "failed";

    private static final String COLUMNS = """
            id, org_id, reason, status, server, schema_version, location, manifest_sha256, tables_total, tables_done,
            rows_copied, bytes_written, requested_by, error, started_at, finished_at, verified_at, verify_error""";

    @Inject
    RegistrySql sql;

    void create(UUID id, String orgId, BackupReason reason, String server, String location, String requestedBy) {
        execute("""
                INSERT INTO provisioner.backups (id, org_id, reason, status, server, location, requested_by)
                VALUES (?, ?, ?, 'running', ?, ?, ?)""", id, orgId, reason.wire(), server, location, requestedBy);
    }

    void progress(UUID id, int tablesTotal, int tablesDone, long rows, long bytes) {
        execute("""
                UPDATE provisioner.backups SET tables_total = ?, tables_done = ?, rows_copied = ?, bytes_written = ?
                 WHERE id = ? AND status = 'running'""", tablesTotal, tablesDone, rows, bytes, id);
    }

    void complete(UUID id, BackupManifest manifest, String manifestSha256) {
        execute("""
                UPDATE provisioner.backups
                   SET status = 'completed', schema_version = ?, manifest_sha256 = ?, tables_total = ?,
                       tables_done = ?, rows_copied = ?, bytes_written = ?, finished_at = now()
                 WHERE id = ?""", manifest.schemaVersion(), manifestSha256, manifest.tables().size(),
                manifest.tables().size(), manifest.totalRows(), manifest.totalBytes(), id);
    }

    void fail(UUID id, String error) {
        execute("UPDATE provisioner.backups SET status = 'failed', error = ?, finished_at = now() WHERE id = ?",
                error, id);
    }

    void verified(UUID id, String verifyError) {
        execute("UPDATE provisioner.backups SET verified_at = now(), verify_error = ? WHERE id = ?", verifyError, id);
    }

    void delete(UUID id) {
        execute("DELETE FROM provisioner.backups WHERE id = ?", id);
    }

    public Optional<BackupView> find(UUID id) {
        List<BackupView> found = query("SELECT " + COLUMNS + " FROM provisioner.backups WHERE id = ?", id);
        return found.stream().findFirst();
    }

    /** The organization's backups, newest first, started before {@code before} when given (keyset paging). */
    List<BackupView> list(String orgId, OffsetDateTime before, int limit) {
        return before == null
                ? query("SELECT " + COLUMNS + " FROM provisioner.backups WHERE org_id = ?"
                        + " ORDER BY started_at DESC, id DESC LIMIT ?", orgId, limit)
                : query("SELECT " + COLUMNS + " FROM provisioner.backups WHERE org_id = ? AND started_at < ?"
                        + " ORDER BY started_at DESC, id DESC LIMIT ?", orgId, before, limit);
    }

    /** Backups still marked running: after a crash, ones nobody is taking any more. */
    List<BackupView> running() {
        return query("SELECT " + COLUMNS + " FROM provisioner.backups WHERE status = 'running' ORDER BY started_at");
    }

    /** Completed backups the retention may remove: all but the newest {@code retain} and the newest verified one. */
    List<BackupView> beyondRetention(String orgId, int retain) {
        return query("""
                SELECT %s FROM provisioner.backups b
                 WHERE org_id = ? AND status <> 'running' AND reason IN ('on-demand', 'scheduled', 'before-rollout')
                   AND id NOT IN (SELECT id FROM provisioner.backups
                                   WHERE org_id = b.org_id AND status = 'completed'
                                     AND reason IN ('on-demand', 'scheduled', 'before-rollout')
                                   ORDER BY started_at DESC, id DESC LIMIT ?)
                   AND id IS DISTINCT FROM (SELECT id FROM provisioner.backups
                                             WHERE org_id = b.org_id AND status = 'completed'
                                               AND verified_at IS NOT NULL AND verify_error IS NULL
                                             ORDER BY started_at DESC, id DESC LIMIT 1)
                   AND id NOT IN (SELECT backup_id FROM provisioner.restores WHERE step NOT IN ('done', 'failed'))
                 ORDER BY started_at""".formatted(COLUMNS), orgId, retain);
    }

    /**
     * Live tenants whose newest completed backup is older than their policy's interval (or who have none), the
     * longest-waiting first.
     */
    List<String> due(Duration defaultInterval, int limit) {
        long seconds = defaultInterval.toSeconds();
        return sql.list("""
                SELECT t.org_id
                  FROM provisioner.tenants t
                  LEFT JOIN provisioner.backup_policies p ON p.org_id = t.org_id
                  LEFT JOIN LATERAL (SELECT max(started_at) AS newest FROM provisioner.backups b
                                      WHERE b.org_id = t.org_id AND b.status IN ('completed', 'running')) b ON true
                 WHERE t.status IN ('active', 'suspended') AND t.maintenance IS NULL
                   AND coalesce(p.interval_seconds, ?) > 0
                   AND (b.newest IS NULL OR b.newest < now() - make_interval(secs => coalesce(p.interval_seconds, ?)))
                 ORDER BY b.newest NULLS FIRST, t.org_id LIMIT ?""", rs -> rs.getString(1), seconds, seconds, limit);
    }

    /** The age in seconds of the oldest "newest completed backup" among live tenants (0 when every one has one). */
    double oldestNewestBackupAgeSeconds() {
        return sql.list("""
                SELECT coalesce(max(extract(epoch FROM now() - coalesce(b.newest, t.created_at))), 0)
                  FROM provisioner.tenants t
                  LEFT JOIN LATERAL (SELECT max(finished_at) AS newest FROM provisioner.backups b
                                      WHERE b.org_id = t.org_id AND b.status = 'completed') b ON true
                 WHERE t.status IN ('active', 'suspended')""", rs -> rs.getDouble(1)).get(0);
    }

    /** When the organization's newest completed backup finished; empty before its first. */
    public Optional<OffsetDateTime> lastCompleted(String orgId) {
        return sql.list("SELECT max(finished_at) FROM provisioner.backups WHERE org_id = ? AND status = 'completed'",
                rs -> Optional.ofNullable(rs.getObject(1, OffsetDateTime.class)), orgId).get(0);
    }

    /** The organization's own policy: interval in seconds and how many are kept. */
    Optional<BackupPolicy> policy(String orgId) {
        return sql.list("SELECT interval_seconds, retain FROM provisioner.backup_policies WHERE org_id = ?",
                rs -> new BackupPolicy(Duration.ofSeconds(rs.getInt(1)), rs.getInt(2)), orgId).stream().findFirst();
    }

    void setPolicy(String orgId, BackupPolicy policy) {
        execute("""
                INSERT INTO provisioner.backup_policies (org_id, interval_seconds, retain) VALUES (?, ?, ?)
                ON CONFLICT (org_id) DO UPDATE SET interval_seconds = excluded.interval_seconds,
                                                   retain = excluded.retain, updated_at = now()""",
                orgId, (int) policy.interval().toSeconds(), policy.retain());
    }

    private List<BackupView> query(String statement, Object... params) {
        return sql.list(statement, rs -> new BackupView(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                (Integer) rs.getObject(9), rs.getInt(10), rs.getLong(11), rs.getLong(12), rs.getString(13),
                rs.getString(14), rs.getObject(15, OffsetDateTime.class), rs.getObject(16, OffsetDateTime.class),
                rs.getObject(17, OffsetDateTime.class), rs.getString(18)), params);
    }

    private void execute(String statement, Object... params) {
        sql.update(statement, params);
    }
}
