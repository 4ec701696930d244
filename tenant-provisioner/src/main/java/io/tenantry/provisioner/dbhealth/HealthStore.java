package io.tenantry.provisioner.dbhealth;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.tenantry.provisioner.jdbc.RegistrySql;

/** Health snapshots in the tenant registry ({@code provisioner.health_snapshots}, {@code tenant_health}). */
@ApplicationScoped
class HealthStore {

    /** What a collection needs to know of a tenant from the registry. */
    record Subject(String orgId, String server, String status, String recordedSchemaVersion, OffsetDateTime createdAt,
                   Long quotaBytes) {
        boolean active() {
            return "active".equals(status);
        }
    }

    /** A tenant with its organization's storage quota (null: the configured default), which metadata-service keeps. */
    private static final String SUBJECT = """
            SELECT t.org_id, t.server, t.status, t.schema_version, t.created_at, l.max_database_bytes
              FROM provisioner.tenants t LEFT JOIN organization_lifecycle l ON l.org_id = t.org_id""";
    private static final String SNAPSHOT = """
            SELECT s.org_id, s.server, s.state, array_to_string(s.reasons, ','), s.collected_at, s.error, s.detail::text
              FROM provisioner.health_snapshots s""";
    private static final String ACTIVE_CURRENT = """
              FROM provisioner.tenant_health h
              JOIN provisioner.tenants t ON t.org_id = h.org_id
              JOIN provisioner.health_snapshots s ON s.id = h.snapshot_id
             WHERE t.status = 'active'""";

    // Plain, not the REST layer's mapper: what is read back was written here, and statement texts are PostgreSQL's.
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @Inject
    RegistrySql sql;

    Optional<Subject> subject(String orgId) {
        return sql.list(SUBJECT + " WHERE t.org_id = ?", HealthStore::subject, orgId).stream().findFirst();
    }

    /** Active tenants not under maintenance (a restore swaps their database), by server. */
    List<Subject> collectable() {
        return sql.list(SUBJECT + " WHERE t.status = 'active' AND t.maintenance IS NULL ORDER BY t.server, t.org_id",
                HealthStore::subject);
    }

    /** Adds the snapshot to the tenant's history and makes it the current one, in one statement. */
    void save(HealthSnapshot snapshot) {
        HealthSnapshot.Measures m = snapshot.measures();
        sql.update("""
                WITH s AS (
                    INSERT INTO provisioner.health_snapshots (org_id, server, collected_at, state, reasons, error,
                        database_bytes, cache_hit_ratio, dead_tuples, connections, longest_transaction_seconds, lock_waits,
                        slowest_statement_ms, schema_version, last_backup_at, detail)
                    VALUES (?, ?, ?, ?, string_to_array(?, ','), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)
                    RETURNING org_id, id, state, database_bytes, cache_hit_ratio, dead_tuples,
                              longest_transaction_seconds, slowest_statement_ms, last_backup_at)
                INSERT INTO provisioner.tenant_health (org_id, snapshot_id, state, database_bytes, cache_hit_ratio,
                    dead_tuples, longest_transaction_seconds, slowest_statement_ms, last_backup_at)
                SELECT * FROM s
                ON CONFLICT (org_id) DO UPDATE SET snapshot_id = excluded.snapshot_id, state = excluded.state,
                    database_bytes = excluded.database_bytes, cache_hit_ratio = excluded.cache_hit_ratio,
                    dead_tuples = excluded.dead_tuples, longest_transaction_seconds = excluded.longest_transaction_seconds,
                    slowest_statement_ms = excluded.slowest_statement_ms, last_backup_at = excluded.last_backup_at""",
                snapshot.orgId(), snapshot.server(), snapshot.collectedAt(), snapshot.state().wire(),
                snapshot.reasons().stream().map(HealthReason::wire).collect(Collectors.joining(",")), snapshot.error(),
                m == null ? null : m.databaseBytes(), m == null ? null : m.cacheHitRatio(),
                m == null ? null : m.deadTuples(), m == null ? null : m.connections(),
                m == null ? null : m.longestTransactionSeconds(), m == null ? null : m.lockWaits(),
                m == null ? null : m.slowestStatementMs(), m == null ? null : m.schemaVersion(),
                m == null ? null : m.lastBackupAt(), m == null ? null : toJson(m));
    }

    /** Drops the tenant's snapshots beyond the newest {@code keep} and older than {@code maxAge}, never the current. */
    void prune(String orgId, int keep, Duration maxAge) {
        sql.update("""
                DELETE FROM provisioner.health_snapshots
                 WHERE org_id = ?
                   AND id NOT IN (SELECT snapshot_id FROM provisioner.tenant_health WHERE org_id = ?)
                   AND (collected_at < now() - make_interval(secs => ?)
                        OR id NOT IN (SELECT id FROM provisioner.health_snapshots WHERE org_id = ?
                                       ORDER BY collected_at DESC, id DESC LIMIT ?))""",
                orgId, orgId, (double) maxAge.toSeconds(), orgId, keep);
    }

    Optional<HealthSnapshot> current(String orgId) {
        return snapshots(SNAPSHOT + " JOIN provisioner.tenant_health h ON h.snapshot_id = s.id WHERE h.org_id = ?",
                orgId).stream().findFirst();
    }

    /** Newest first. */
    List<HealthSnapshot> history(String orgId, int limit) {
        return snapshots(SNAPSHOT + " WHERE s.org_id = ? ORDER BY s.collected_at DESC, s.id DESC LIMIT ?", orgId, limit);
    }

    FleetHealth fleet(int limit) {
        Map<String, Long> states = new LinkedHashMap<>();
        Arrays.stream(HealthState.values()).forEach(s -> states.put(s.wire(), 0L));
        sql.list("""
                SELECT coalesce(h.state, 'unknown'), count(*)
                  FROM provisioner.tenants t LEFT JOIN provisioner.tenant_health h ON h.org_id = t.org_id
                 WHERE t.status = 'active' GROUP BY 1""", rs -> states.put(rs.getString(1), rs.getLong(2)));
        Map<String, Long> reasons = new LinkedHashMap<>();
        Arrays.stream(HealthReason.values()).forEach(r -> reasons.put(r.wire(), 0L));
        sql.list("""
                SELECT r, count(*)
                  FROM provisioner.tenant_health h
                  JOIN provisioner.tenants t ON t.org_id = h.org_id
                  JOIN provisioner.health_snapshots s ON s.id = h.snapshot_id
                 CROSS JOIN LATERAL unnest(s.reasons) r
                 WHERE t.status = 'active' GROUP BY r""", rs -> reasons.put(rs.getString(1), rs.getLong(2)));
        long bytes = sql.list("SELECT coalesce(sum(h.database_bytes), 0)" + ACTIVE_CURRENT, rs -> rs.getLong(1)).get(0);
        return new FleetHealth(states, reasons, bytes,
                worst("h.database_bytes", "h.database_bytes IS NOT NULL", "h.database_bytes DESC", limit),
                worst("h.cache_hit_ratio", "h.cache_hit_ratio IS NOT NULL", "h.cache_hit_ratio", limit),
                worst("h.dead_tuples", "h.dead_tuples IS NOT NULL", "h.dead_tuples DESC", limit),
                worst("h.longest_transaction_seconds", "h.longest_transaction_seconds IS NOT NULL",
                        "h.longest_transaction_seconds DESC", limit),
                worst("h.slowest_statement_ms", "h.slowest_statement_ms IS NOT NULL", "h.slowest_statement_ms DESC",
                        limit),
                worst("extract(epoch FROM now() - h.last_backup_at)", "h.state <> 'unknown'",
                        "h.last_backup_at NULLS FIRST", limit));
    }

    /** Only ever called with the constant column expressions above; nothing a caller sends reaches this SQL. */
    private List<FleetHealth.Ranked> worst(String value, String filter, String order, int limit) {
        return sql.list("SELECT h.org_id, h.state, (" + value + ")::double precision, s.collected_at" + ACTIVE_CURRENT
                        + " AND " + filter + " ORDER BY " + order + ", h.org_id LIMIT ?",
                rs -> new FleetHealth.Ranked(rs.getString(1), HealthState.fromWire(rs.getString(2)),
                        (Double) rs.getObject(3), rs.getObject(4, OffsetDateTime.class)), limit);
    }

    private List<HealthSnapshot> snapshots(String query, Object... params) {
        return sql.list(query, rs -> {
            String reasons = rs.getString(4);
            return new HealthSnapshot(rs.getString(1), rs.getString(2), HealthState.fromWire(rs.getString(3)),
                    reasons.isEmpty() ? List.of() : Arrays.stream(reasons.split(",")).map(HealthReason::fromWire).toList(),
                    rs.getObject(5, OffsetDateTime.class), rs.getString(6), fromJson(rs.getString(7)));
        }, params);
    }

    private static Subject subject(ResultSet rs) throws SQLException {
        return new Subject(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getObject(5, OffsetDateTime.class), rs.getObject(6, Long.class));
    }

    private String toJson(HealthSnapshot.Measures measures) {
        try {
            return json.writeValueAsString(measures);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("health measures not serializable: " + e.getMessage(), e);
        }
    }

    private HealthSnapshot.Measures fromJson(String detail) {
        if (detail == null) {
            return null;
        }
        try {
            return json.readValue(detail, HealthSnapshot.Measures.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored health detail unreadable: " + e.getMessage(), e);
        }
    }
}
