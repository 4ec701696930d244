package io.tenantry.results.work;

import java.time.OffsetDateTime;
import java.util.UUID;

/** What workers are answered; each carries the renewed lease, until which the job stays theirs. */
public final class WorkReplies {

    private WorkReplies() {
    }

    public record Lease(OffsetDateTime leaseExpiresAt) {
    }

    public record Ingested(int inserted, OffsetDateTime leaseExpiresAt) {
    }

    public record Recorded(UUID id, OffsetDateTime leaseExpiresAt) {
    }
}
