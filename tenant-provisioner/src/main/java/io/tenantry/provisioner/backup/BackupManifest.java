package io.tenantry.provisioner.backup;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What a backup holds, written last as {@code manifest.json}: a backup without it is incomplete. Tables are listed
 * in the order a restore loads them (every table after the ones it references). Each table's file is PostgreSQL's
 * binary COPY format of the listed columns, gzipped when {@code compressed}.
 */
public record BackupManifest(int format, UUID backupId, String orgId, String server, String databaseName,
                             int postgresMajorVersion, String schemaVersion, List<AppliedMigration> migrations,
                             List<TableCopy> tables, List<SequenceValue> sequences, boolean compressed,
                             Instant startedAt, Instant finishedAt) {

    public static final int FORMAT = 1;
    public static final String FILE = "manifest.json";

    /** One row of the database's Flyway history. */
    public record AppliedMigration(int installedRank, String version, String description, String type, String script,
                                   Integer checksum) {
    }

    /** One table's rows: the columns in file order, how many rows, the file's size and SHA-256 (hex). */
    public record TableCopy(String table, List<String> columns, String file, long rows, long bytes, String sha256) {
    }

    /** A sequence's value when the snapshot was read (never lower than any id in it); null if never used. */
    public record SequenceValue(String sequence, Long lastValue) {
    }

    public long totalRows() {
        return tables.stream().mapToLong(TableCopy::rows).sum();
    }

    public long totalBytes() {
        return tables.stream().mapToLong(TableCopy::bytes).sum();
    }
}
