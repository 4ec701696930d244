package io.tenantry.provisioner.backup;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.tenantry.common.OrgId;

/**
 * Reads a backup back from the store, without any database: the manifest must hash to what was recorded when the
 * backup was taken and name its organization and id, and every table file must hash to its manifest entry and hold
 * the number of rows recorded.
 */
@ApplicationScoped
public class BackupVerifier {

    @Inject
    BackupStore store;

    @Inject
    ObjectMapper json;

    /** What verification found: the manifest it read (null when unreadable) and every mismatch. */
    public record Verification(BackupManifest manifest, List<String> problems) {
        public boolean intact() {
            return problems.isEmpty();
        }
    }

    /** The manifest, once its bytes hash to {@code expectedSha256} and it names this organization and backup. */
    public BackupManifest manifest(OrgId orgId, UUID backupId, String expectedSha256) throws IOException {
        byte[] bytes;
        try (InputStream in = store.open(orgId, backupId, BackupManifest.FILE)) {
            bytes = in.readAllBytes();
        }
        if (!Objects.equals(CheckedStreams.sha256Of(bytes), expectedSha256)) {
            throw new DamagedBackup("the manifest's checksum does not match the one recorded when it was taken");
        }
        BackupManifest manifest = json.readValue(bytes, BackupManifest.class);
        if (!orgId.value().equals(manifest.orgId()) || !backupId.equals(manifest.backupId())) {
            throw new DamagedBackup("the manifest names backup " + manifest.backupId() + " of '" + manifest.orgId()
                    + "', not this one");
        }
        if (manifest.format() != BackupManifest.FORMAT) {
            throw new DamagedBackup("backup format " + manifest.format() + " is unknown to this build");
        }
        return manifest;
    }

    public Verification verify(OrgId orgId, UUID backupId, String expectedSha256) {
        BackupManifest manifest;
        try {
            manifest = manifest(orgId, backupId, expectedSha256);
        } catch (IOException | RuntimeException e) {
            return new Verification(null, List.of(describe(e)));
        }
        List<String> problems = new ArrayList<>();
        for (BackupManifest.TableCopy table : manifest.tables()) {
            try (CheckedStreams.In in = new CheckedStreams.In(store.open(orgId, backupId, table.file()),
                    manifest.compressed())) {
                long rows = BinaryCopy.countRows(in);
                if (!in.sha256().equals(table.sha256())) {
                    problems.add(table.file() + ": checksum does not match the manifest");
                } else if (rows != table.rows()) {
                    problems.add(table.file() + ": " + rows + " rows, the manifest says " + table.rows());
                }
            } catch (IOException | RuntimeException e) {
                problems.add(table.file() + ": " + describe(e));
            }
        }
        return new Verification(manifest, problems);
    }

    private static String describe(Exception e) {
        return e instanceof java.nio.file.NoSuchFileException ? "file missing" : e.getMessage() == null
                ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** A backup that is not what its manifest or record says it is. */
    public static class DamagedBackup extends IOException {
        public DamagedBackup(String message) {
            super(message);
        }
    }
}
