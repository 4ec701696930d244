package io.tenantry.provisioner.restore;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A restore (or clone, when {@code sourceOrgId} differs from {@code orgId}) as the API shows it: the step it has
 * reached, rows loaded of the backup's total, and how it ended.
 */
public record RestoreView(UUID id, String orgId, String sourceOrgId, UUID backupId, UUID safetyBackupId, String step,
                          long rowsLoaded, long rowsTotal, String requestedBy, String error, OffsetDateTime startedAt,
                          OffsetDateTime finishedAt) {
}
