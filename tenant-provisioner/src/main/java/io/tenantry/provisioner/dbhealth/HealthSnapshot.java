package io.tenantry.provisioner.dbhealth;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * One collection of a tenant's database health. {@code measures} is null when the collection failed ({@code error}
 * says why) or none has run yet ({@code collectedAt} null too).
 */
public record HealthSnapshot(String orgId, String server, HealthState state, List<HealthReason> reasons,
                             OffsetDateTime collectedAt, String error, Measures measures) {

    static HealthSnapshot notCollected(String orgId, String server) {
        return new HealthSnapshot(orgId, server, HealthState.UNKNOWN, List.of(), null, null, null);
    }

    /**
     * What one collection measured. {@code quotaBytes} is the size above which the database is over its quota (the
     * organization's own, or the configured default); {@code cacheHitRatio} is null before the database read any
     * block; statements are the slowest by mean time, empty with {@code statementsUnavailable} saying why when
     * pg_stat_statements cannot be read; {@code schemaVersion} is the tenant's Flyway history,
     * {@code recordedSchemaVersion} the registry's.
     */
    public record Measures(long databaseBytes, long quotaBytes, Double cacheHitRatio, long blocksHit, long blocksRead,
                           long deadTuples, int connections, double longestTransactionSeconds, int lockWaits,
                           Double slowestStatementMs, String schemaVersion, String recordedSchemaVersion,
                           OffsetDateTime lastBackupAt, List<TableStats> tables, List<StatementStats> statements, String statementsUnavailable) {
    }

    /** One table of the tenant's database: sizes with its indexes and TOAST, tuples, and its last maintenance. */
    public record TableStats(String schema, String name, long totalBytes, long indexBytes, long liveTuples,
                             long deadTuples, OffsetDateTime lastVacuum, OffsetDateTime lastAutovacuum,
                             OffsetDateTime lastAnalyze, OffsetDateTime lastAutoanalyze) {
    }

    /** A normalized statement (constants replaced by placeholders) as pg_stat_statements sums it up. */
    public record StatementStats(Long queryId, String query, long calls, double meanMs, double totalMs, long rows) {
    }
}
