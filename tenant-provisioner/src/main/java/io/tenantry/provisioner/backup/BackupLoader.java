package io.tenantry.provisioner.backup;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.function.LongConsumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import io.tenantry.common.OrgId;
import io.tenantry.provisioner.servers.TenantServers;
import io.tenantry.provisioner.tenant.Identifiers;
import io.tenantry.provisioner.tenant.SecondaryStructures;
import io.tenantry.provisioner.tenant.TenantTables;

/**
 * Loads a backup's rows into a database whose schema is at the backup's version, in one transaction, the way
 * pg_restore does it: foreign keys and secondary indexes are dropped first and made again after the rows are in,
 * which checks every foreign key once over the whole table instead of row by row. Every file must hash to its
 * manifest entry and hold its rows, or nothing is committed.
 */
@ApplicationScoped
public class BackupLoader {

    @Inject
    TenantServers servers;

    @Inject
    BackupStore store;

    /** Loads {@code manifest}'s backup (kept under {@code owner}) into {@code database}; returns the rows loaded. */
    public long load(String server, String database, OrgId owner, BackupManifest manifest, LongConsumer rowsLoaded)
            throws SQLException, IOException {
        UUID backupId = manifest.backupId();
        try (Connection c = servers.admin(server, database)) {
            c.setAutoCommit(false);
            checkSameTables(TenantTables.read(c), manifest);
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL maintenance_work_mem = '256MB'");
            }
            List<String> rebuild = SecondaryStructures.drop(c);
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            long total = 0;
            for (BackupManifest.TableCopy table : manifest.tables()) {
                long rows;
                String sha256;
                try (CheckedStreams.In in = new CheckedStreams.In(store.open(owner, backupId, table.file()),
                        manifest.compressed())) {
                    rows = copy.copyIn("COPY public." + Identifiers.quote(table.table()) + " ("
                            + Identifiers.quoteAll(table.columns()) + ") FROM STDIN WITH (FORMAT binary)", in);
                    in.transferTo(OutputStream.nullOutputStream());
                    sha256 = in.sha256();
                } catch (IOException | SQLException e) {
                    throw new BackupVerifier.DamagedBackup(table.file() + ": " + e.getMessage());
                }
                if (!sha256.equals(table.sha256())) {
                    throw new BackupVerifier.DamagedBackup(table.file() + ": checksum does not match the manifest");
                }
                if (rows != table.rows()) {
                    throw new BackupVerifier.DamagedBackup(table.file() + ": " + rows + " rows loaded, the manifest says "
                            + table.rows());
                }
                total += rows;
                rowsLoaded.accept(total);
            }
            setSequences(c, manifest.sequences());
            try (Statement s = c.createStatement()) {
                for (String ddl : rebuild) {
                    s.execute(ddl);
                }
            }
            c.commit();
            return total;
        }
    }

    private static void checkSameTables(List<TenantTables.Table> here, BackupManifest manifest) throws IOException {
        List<TenantTables.Table> backedUp = manifest.tables().stream()
                .map(t -> new TenantTables.Table(t.table(), t.columns())).toList();
        if (!new HashSet<>(here).equals(new HashSet<>(backedUp))) {
            throw new BackupVerifier.DamagedBackup("the backup's tables and columns differ from schema version "
                    + manifest.schemaVersion() + " as this build makes it");
        }
    }

    private static void setSequences(Connection c, List<BackupManifest.SequenceValue> sequences) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT setval(format('public.%I', ?)::regclass, ?, true)")) {
            for (BackupManifest.SequenceValue sequence : sequences) {
                if (sequence.lastValue() != null) {
                    s.setString(1, sequence.sequence());
                    s.setLong(2, sequence.lastValue());
                    s.executeQuery().close();
                }
            }
        }
    }
}
