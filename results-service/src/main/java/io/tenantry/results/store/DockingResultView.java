package io.tenantry.results.store;

import java.time.OffsetDateTime;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonRawValue;

import io.vertx.mutiny.sqlclient.Row;

/** One docked molecule in one job: its score (binding affinity, lower binds better), rank and poses. */
public record DockingResultView(long id, UUID jobId, UUID moleculeId, double score, Integer rank,
                                @JsonRawValue String poses, OffsetDateTime createdAt) {

    static final String COLUMNS = "id, job_id, molecule_id, score, rank, poses::text, created_at";

    static DockingResultView of(Row row) {
        return new DockingResultView(row.getLong(0), row.getUUID(1), row.getUUID(2), row.getDouble(3),
                row.getInteger(4), row.getString(5), row.getOffsetDateTime(6));
    }
}
