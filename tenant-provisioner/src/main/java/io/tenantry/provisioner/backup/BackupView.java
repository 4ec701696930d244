package io.tenantry.provisioner.backup;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A backup as the API shows it: what it is of, how far it got, and whether it was verified. */
public record BackupView(UUID id, String orgId, String reason, String status, String server, String schemaVersion,
                         String location, String manifestSha256, Integer tablesTotal, int tablesDone, long rows,
                         long bytes, String requestedBy, String error, OffsetDateTime startedAt,
                         OffsetDateTime finishedAt, OffsetDateTime verifiedAt, String verifyError) {

    public boolean completed() {
        return BackupCatalog.COMPLETED.equals(status);
    }
}
