package io.tenantry.results.store;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import io.smallrye.mutiny.Uni;
import io.tenantry.common.Uuids;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** The SQL of task results, what one execution of a step produced, in one tenant's database. */
public final class TaskResultStore {

    private TaskResultStore() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TaskResult(UUID id, UUID executionId, @JsonRawValue String data, Double confidence,
                             @JsonRawValue String artifacts, OffsetDateTime createdAt) {
    }

    /** Stores a result of the execution; {@code data} and {@code artifacts} are JSON text. Answers its new id. */
    public static Uni<UUID> add(SqlConnection c, UUID executionId, String data, Double confidence, String artifacts) {
        UUID id = Uuids.v7();
        return c.preparedQuery("""
                        INSERT INTO task_results (id, execution_id, data, confidence, artifacts, created_at)
                        VALUES ($1, $2, $3::text::jsonb, $4, $5::text::jsonb, now())""")
                .execute(Tuple.of(id, executionId, data, confidence, artifacts)).replaceWith(id);
    }

    /** Up to {@code fetch} results of the job's execution after the one with id {@code after}, oldest first. */
    public static Uni<List<TaskResult>> page(SqlConnection c, UUID jobId, UUID executionId, UUID after, int fetch) {
        return c.preparedQuery("""
                        SELECT r.id, r.execution_id, r.data::text, r.confidence, r.artifacts::text, r.created_at
                          FROM task_results r JOIN task_executions e ON e.id = r.execution_id
                         WHERE e.job_id = $1 AND r.execution_id = $2 AND ($3::uuid IS NULL OR r.id > $3)
                         ORDER BY r.id LIMIT $4""")
                .execute(Tuple.of(jobId, executionId, after, fetch))
                .map(rows -> {
                    List<TaskResult> results = new ArrayList<>(rows.size());
                    rows.forEach(r -> results.add(new TaskResult(r.getUUID(0), r.getUUID(1), r.getString(2),
                            r.getDouble(3), r.getString(4), r.getOffsetDateTime(5))));
                    return results;
                });
    }
}
