package io.tenantry.provisioner.backup;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.LongConsumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.tenantry.common.OrgId;
import io.tenantry.provisioner.ProvisionerConfig;
import io.tenantry.provisioner.servers.TenantServers;
import io.tenantry.provisioner.tenant.Identifiers;
import io.tenantry.provisioner.tenant.TenantTables;

/**
 * Takes a backup of one tenant database from one snapshot: a single REPEATABLE READ, read-only transaction reads the
 * Flyway history, the tables and their rows (binary COPY, one file per table) and the sequences, so related rows
 * of different tables are always from the same instant. The manifest is written last.
 */
@ApplicationScoped
public class BackupWriter {

    @Inject
    TenantServers servers;

    @Inject
    BackupStore store;

    @Inject
    ProvisionerConfig config;

    @Inject
    ObjectMapper json;

    /** Told of progress as it happens: tables finished, rows copied and bytes stored so far. */
    public interface Progress {
        void report(int tablesTotal, int tablesDone, long rows, long bytes);
    }

    public record Written(BackupManifest manifest, String manifestSha256) {
    }

    /** Backs up the organization's database {@code database} (its own, or the one a restore replaced). */
    public Written write(String server, OrgId orgId, String database, UUID backupId, Progress progress)
            throws SQLException, IOException {
        Instant started = Instant.now();
        boolean compress = config.backups().compress();
        List<BackupManifest.TableCopy> copies = new ArrayList<>();
        List<BackupManifest.AppliedMigration> history;
        List<BackupManifest.SequenceValue> sequences;
        int major;
        try (Connection c = servers.admin(server, database)) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            history = history(c);
            List<TenantTables.Table> tables = TenantTables.read(c);
            sequences = sequences(c);
            major = c.getMetaData().getDatabaseMajorVersion();
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            long[] totals = new long[2];
            progress.report(tables.size(), 0, 0, 0);
            for (TenantTables.Table table : tables) {
                String file = table.name() + (compress ? ".copy.gz" : ".copy");
                long rows;
                CheckedStreams.Out out = new CheckedStreams.Out(store.create(orgId, backupId, file), compress,
                        new Throttled(bytes -> progress.report(tables.size(), copies.size(), totals[0], totals[1] + bytes)));
                try (OutputStream closing = out) {
                    rows = copy.copyOut("COPY public." + Identifiers.quote(table.name()) + " ("
                            + Identifiers.quoteAll(table.columns()) + ") TO STDOUT WITH (FORMAT binary)", closing);
                }
                copies.add(new BackupManifest.TableCopy(table.name(), table.columns(), file, rows, out.storedBytes(),
                        out.sha256()));
                totals[0] += rows;
                totals[1] += out.storedBytes();
                progress.report(tables.size(), copies.size(), totals[0], totals[1]);
            }
            c.commit();
        }
        String version = history.stream().filter(m -> m.version() != null).reduce((a, b) -> b)
                .map(BackupManifest.AppliedMigration::version).orElse(null);
        BackupManifest manifest = new BackupManifest(BackupManifest.FORMAT, backupId, orgId.value(), server,
                database, major, version, history, copies, sequences, compress, started, Instant.now());
        byte[] bytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        try (OutputStream out = store.create(orgId, backupId, BackupManifest.FILE)) {
            out.write(bytes);
        }
        return new Written(manifest, CheckedStreams.sha256Of(bytes));
    }

    private static List<BackupManifest.AppliedMigration> history(Connection c) throws SQLException {
        List<BackupManifest.AppliedMigration> history = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT installed_rank, version, description, type, script, checksum
                  FROM flyway_schema_history WHERE success ORDER BY installed_rank""")) {
            while (rs.next()) {
                history.add(new BackupManifest.AppliedMigration(rs.getInt(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), (Integer) rs.getObject(6)));
            }
        }
        return history;
    }

    private static List<BackupManifest.SequenceValue> sequences(Connection c) throws SQLException {
        List<BackupManifest.SequenceValue> sequences = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1")) {
            while (rs.next()) {
                sequences.add(new BackupManifest.SequenceValue(rs.getString(1), (Long) rs.getObject(2)));
            }
        }
        return sequences;
    }

    /** Passes on the bytes written so far at most once a second, so progress costs nothing per write. */
    private static final class Throttled implements LongConsumer {
        private final LongConsumer target;
        private long written;
        private long next = System.nanoTime() + 1_000_000_000L;

        Throttled(LongConsumer target) {
            this.target = target;
        }

        @Override
        public void accept(long bytes) {
            written += bytes;
            long now = System.nanoTime();
            if (now >= next) {
                next = now + 1_000_000_000L;
                target.accept(written);
            }
        }
    }
}
