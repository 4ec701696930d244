package io.tenantry.results.job;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import io.smallrye.mutiny.Uni;
import io.tenantry.common.problem.ApiProblem;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** A job's history: its events, its task executions (one per step and attempt) and their results. */
public final class Timeline {

    private Timeline() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Event(long id, OffsetDateTime occurredAt, String kind, String message, @JsonRawValue String data) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Execution(UUID id, int stepIndex, String stepName, String taskName, String status,
                            String workerId, int attempt, OffsetDateTime startedAt, OffsetDateTime finishedAt,
                            String error) {
        static final String COLUMNS = "id, step_index, step_name, task_name, status, worker_id, attempt, started_at,"
                + " finished_at, error";

        static Execution of(Row r) {
            return new Execution(r.getUUID(0), r.getInteger(1), r.getString(2), r.getString(3), r.getString(4),
                    r.getString(5), r.getInteger(6), r.getOffsetDateTime(7), r.getOffsetDateTime(8), r.getString(9));
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TaskResult(UUID id, UUID executionId, @JsonRawValue String data, Double confidence,
                             @JsonRawValue String artifacts, OffsetDateTime createdAt) {
    }

    static Uni<List<Event>> events(SqlConnection c, UUID jobId, Long after, int fetch) {
        return c.preparedQuery("""
                        SELECT id, occurred_at, kind, message, data::text FROM job_events
                         WHERE job_id = $1 AND id > $2 ORDER BY id LIMIT $3""")
                .execute(Tuple.of(jobId, after == null ? 0L : after, fetch))
                .map(rows -> {
                    List<Event> events = new ArrayList<>(rows.size());
                    rows.forEach(r -> events.add(new Event(r.getLong(0), r.getOffsetDateTime(1), r.getString(2),
                            r.getString(3), r.getString(4))));
                    return events;
                });
    }

    /** Where a page of executions starts: after this step's attempt, in step then attempt order. */
    record ExecutionKey(int stepIndex, int attempt) {
    }

    static Uni<List<Execution>> executions(SqlConnection c, UUID jobId, ExecutionKey after, int fetch) {
        ExecutionKey start = after == null ? new ExecutionKey(-1, 0) : after;
        return c.preparedQuery("SELECT " + Execution.COLUMNS + " FROM task_executions " + """
                         WHERE job_id = $1 AND (step_index, attempt) > ($2, $3)
                         ORDER BY step_index, attempt LIMIT $4""")
                .execute(Tuple.of(jobId, start.stepIndex(), start.attempt(), fetch))
                .map(rows -> {
                    List<Execution> executions = new ArrayList<>(rows.size());
                    rows.forEach(r -> executions.add(Execution.of(r)));
                    return executions;
                });
    }

    /** Like {@link Jobs#requireJobWhenEmpty}, for an execution of a job: 404 unless it exists under that job. */
    static <T> Uni<List<T>> requireExecutionWhenEmpty(SqlConnection c, UUID jobId, UUID executionId, List<T> rows) {
        if (!rows.isEmpty()) {
            return Uni.createFrom().item(rows);
        }
        return c.preparedQuery("SELECT 1 FROM task_executions WHERE id = $1 AND job_id = $2")
                .execute(Tuple.of(executionId, jobId))
                .map(found -> {
                    if (found.size() == 0) {
                        throw ApiProblem.notFound("job " + jobId + " has no execution " + executionId);
                    }
                    return rows;
                });
    }

    static Uni<List<TaskResult>> results(SqlConnection c, UUID jobId, UUID executionId, UUID after, int fetch) {
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
