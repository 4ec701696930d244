package io.tenantry.provisioner.move;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A move as the API shows it: where from and to, the step it reached, the copy's progress (tables in sync, rows
 * and bytes against the source's size), how far replication trails, and how long the switch paused writes.
 */
public record MoveView(UUID id, String orgId, String sourceServer, String targetServer, String step, String reason,
                       boolean abortRequested, int tablesTotal, int tablesSynced, long rowsCopied, long bytesCopied,
                       long bytesTotal, Long lagBytes, Integer writePauseMs, String requestedBy, String error,
                       OffsetDateTime startedAt, OffsetDateTime switchedAt, OffsetDateTime finishedAt) {

    public boolean finished() {
        return MoveStore.DONE.equals(step) || MoveStore.ABORTED.equals(step) || MoveStore.FAILED.equals(step);
    }
}
