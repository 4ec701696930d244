package io.tenantry.results.store;

import java.time.OffsetDateTime;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;

/**
 * The newest health snapshot of an organization's tenant database as the provisioner measured it. {@code state} is
 * {@code healthy}, {@code degraded} (with {@code reasons}) or {@code unknown} (the last measurement failed, and the
 * measures are absent). Statements are the tenant role's own, slowest by mean time, their constants replaced by
 * placeholders; tables are the ten largest.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatabaseHealthView(String state, List<String> reasons, OffsetDateTime collectedAt, Long databaseBytes,
                                 Double cacheHitRatio, Long deadTuples, Integer connections,
                                 Double longestTransactionSeconds, Integer lockWaits, Double slowestStatementMs,
                                 String schemaVersion, OffsetDateTime lastBackupAt, List<TableStats> tables,
                                 List<StatementStats> statements) {

    /** One table: its size with indexes and TOAST, its tuples, and its last maintenance. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TableStats(String schema, String name, long totalBytes, long indexBytes, long liveTuples,
                        long deadTuples, OffsetDateTime lastVacuum, OffsetDateTime lastAutovacuum,
                        OffsetDateTime lastAnalyze, OffsetDateTime lastAutoanalyze) {
    }

    /** One normalized statement as pg_stat_statements sums it up. */
    public record StatementStats(String query, long calls, double meanMs, double totalMs, long rows) {
    }

    /** The columns {@link #of(Row)} reads, in its order. */
    static final String COLUMNS = """
            state, reasons, collected_at, database_bytes, cache_hit_ratio, dead_tuples, connections,
            longest_transaction_seconds, lock_waits, slowest_statement_ms, schema_version, last_backup_at, tables,
            statements""";

    static DatabaseHealthView of(Row row) {
        return new DatabaseHealthView(row.getString(0), List.of(row.getArrayOfStrings(1)), row.getOffsetDateTime(2),
                row.getLong(3), row.getDouble(4), row.getLong(5), row.getInteger(6), row.getDouble(7),
                row.getInteger(8), row.getDouble(9), row.getString(10), row.getOffsetDateTime(11),
                objects(row.getJsonArray(12)).stream().map(DatabaseHealthView::table).toList(),
                objects(row.getJsonArray(13)).stream().map(DatabaseHealthView::statement).toList());
    }

    private static List<JsonObject> objects(JsonArray array) {
        return array.stream().map(JsonObject.class::cast).toList();
    }

    private static TableStats table(JsonObject t) {
        return new TableStats(t.getString("schema"), t.getString("name"), t.getLong("totalBytes"),
                t.getLong("indexBytes"), t.getLong("liveTuples"), t.getLong("deadTuples"), time(t, "lastVacuum"),
                time(t, "lastAutovacuum"), time(t, "lastAnalyze"), time(t, "lastAutoanalyze"));
    }

    private static StatementStats statement(JsonObject s) {
        return new StatementStats(s.getString("query"), s.getLong("calls"), s.getDouble("meanMs"),
                s.getDouble("totalMs"), s.getLong("rows"));
    }

    private static OffsetDateTime time(JsonObject object, String field) {
        String value = object.getString(field);
        return value == null ? null : OffsetDateTime.parse(value);
    }
}
