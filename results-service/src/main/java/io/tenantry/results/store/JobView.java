package io.tenantry.results.store;

import java.time.OffsetDateTime;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import io.vertx.mutiny.sqlclient.Row;

/**
 * A job as clients and workers see it. {@code steps} and {@code inputs} are the JSON stored with it; lists leave
 * them out, since a job's inputs may name ten thousand molecules.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(UUID id, UUID templateId, String templateName, int templateVersion,
                      @JsonRawValue String steps, @JsonRawValue String inputs, int priority, String status,
                      String submittedBy, String claimedBy, int attempt, Integer progress, String error,
                      OffsetDateTime createdAt, OffsetDateTime dispatchedAt, OffsetDateTime startedAt,
                      OffsetDateTime finishedAt, OffsetDateTime leaseExpiresAt,
                      @JsonIgnore String queueMessageId) {

    /** The columns {@link #of(Row)} reads, in its order. */
    static final String COLUMNS = """
            id, template_id, template_name, template_version, steps::text, inputs::text, priority, status,
            submitted_by, claimed_by, attempt, progress, error, created_at, dispatched_at, started_at, finished_at,
            lease_expires_at, queue_message_id""";

    /** The same columns without the stored JSON, for lists. */
    static final String SUMMARY_COLUMNS = COLUMNS.replace("steps::text, inputs::text", "NULL::text, NULL::text");

    static JobView of(Row row) {
        return new JobView(row.getUUID(0), row.getUUID(1), row.getString(2), row.getInteger(3), row.getString(4),
                row.getString(5), row.getInteger(6), row.getString(7), row.getString(8), row.getString(9),
                row.getInteger(10), row.getInteger(11), row.getString(12), row.getOffsetDateTime(13),
                row.getOffsetDateTime(14), row.getOffsetDateTime(15), row.getOffsetDateTime(16),
                row.getOffsetDateTime(17), row.getString(18));
    }
}
