package io.tenantry.results.store;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.smallrye.mutiny.Uni;
import io.tenantry.common.Uuids;
import io.tenantry.common.problem.ApiProblem;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The SQL of task executions, one per step of a job and attempt, in one tenant's database: written by the worker
 * that holds the job, read by the organization's clients.
 */
public final class ExecutionStore {

    private static final String COLUMNS = "id, step_index, step_name, task_name, status, worker_id, attempt,"
            + " started_at, finished_at, error";

    private ExecutionStore() {
    }

    /** An execution as clients see it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Execution(UUID id, int stepIndex, String stepName, String taskName, String status,
                            String workerId, int attempt, OffsetDateTime startedAt, OffsetDateTime finishedAt,
                            String error) {

        static Execution of(Row r) {
            return new Execution(r.getUUID(0), r.getInteger(1), r.getString(2), r.getString(3), r.getString(4),
                    r.getString(5), r.getInteger(6), r.getOffsetDateTime(7), r.getOffsetDateTime(8), r.getString(9));
        }
    }

    /** A step of a job's pipeline template. */
    public record Step(String name, String task) {
    }

    /** The execution of one step in the current attempt, as a worker's report changes it. */
    public record StepExecution(UUID id, int stepIndex, String status) {
    }

    /** Where a page of executions starts: after this step's attempt, in step then attempt order. */
    public record ExecutionKey(int stepIndex, int attempt) {
    }

    /** One pending execution per step for this attempt, in one statement. */
    public static Uni<Void> createForAttempt(SqlConnection c, UUID jobId, List<Step> steps, String worker,
                                             int attempt) {
        int n = steps.size();
        UUID[] ids = new UUID[n];
        Integer[] indexes = new Integer[n];
        String[] names = new String[n];
        String[] tasks = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = Uuids.v7();
            indexes[i] = i;
            names[i] = steps.get(i).name();
            tasks[i] = steps.get(i).task();
        }
        return c.preparedQuery("""
                        INSERT INTO task_executions (id, job_id, step_index, step_name, task_name, status, worker_id, attempt)
                        SELECT id, $1, step_index, step_name, task_name, 'pending', $6, $7
                          FROM unnest($2::uuid[], $3::int4[], $4::text[], $5::text[]) AS s(id, step_index, step_name, task_name)""")
                .execute(Tuple.tuple(List.of(jobId, ids, indexes, names, tasks, worker, attempt)))
                .replaceWithVoid();
    }

    /** Ends what is still open in a job: running steps become {@code running}, pending ones {@code pending}. */
    public static Uni<Void> closeOpen(SqlConnection c, UUID jobId, String running, String pending, String error) {
        return c.preparedQuery("""
                        UPDATE task_executions
                           SET status = CASE status WHEN 'running' THEN $2 ELSE $3 END,
                               finished_at = now(), error = coalesce(error, $4)
                         WHERE job_id = $1 AND status IN ('pending', 'running')""")
                .execute(Tuple.of(jobId, running, pending, error)).replaceWithVoid();
    }

    /** The execution of one step in the current attempt, locked; 404 when the job has no such step. */
    public static Uni<StepExecution> lockStep(SqlConnection c, UUID jobId, int stepIndex, int attempt) {
        return c.preparedQuery("""
                        SELECT id, step_index, status FROM task_executions
                         WHERE job_id = $1 AND step_index = $2 AND attempt = $3 FOR UPDATE""")
                .execute(Tuple.of(jobId, stepIndex, attempt))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ApiProblem.notFound("job " + jobId + " has no step " + stepIndex);
                    }
                    Row row = rows.iterator().next();
                    return new StepExecution(row.getUUID(0), row.getInteger(1), row.getString(2));
                });
    }

    /** The steps of this attempt that have not succeeded, as "index (status)". */
    public static Uni<List<String>> unfinished(SqlConnection c, UUID jobId, int attempt) {
        return c.preparedQuery("""
                        SELECT step_index, status FROM task_executions
                         WHERE job_id = $1 AND attempt = $2 AND status <> 'succeeded' ORDER BY step_index""")
                .execute(Tuple.of(jobId, attempt))
                .map(rows -> {
                    List<String> steps = new ArrayList<>();
                    rows.forEach(row -> steps.add(row.getInteger(0) + " (" + row.getString(1) + ")"));
                    return steps;
                });
    }

    public static Uni<Void> move(SqlConnection c, UUID executionId, String status, String error) {
        return c.preparedQuery("""
                        UPDATE task_executions
                           SET status = $2, error = $3,
                               started_at = CASE WHEN $2 = 'running' THEN now() ELSE coalesce(started_at, now()) END,
                               finished_at = CASE WHEN $2 IN ('succeeded', 'failed') THEN now() END
                         WHERE id = $1""")
                .execute(Tuple.of(executionId, status, error)).replaceWithVoid();
    }

    /** Up to {@code fetch} of the job's executions after {@code after} (from the start when null). */
    public static Uni<List<Execution>> page(SqlConnection c, UUID jobId, ExecutionKey after, int fetch) {
        ExecutionKey start = after == null ? new ExecutionKey(-1, 0) : after;
        return c.preparedQuery("SELECT " + COLUMNS + " FROM task_executions " + """
                         WHERE job_id = $1 AND (step_index, attempt) > ($2, $3)
                         ORDER BY step_index, attempt LIMIT $4""")
                .execute(Tuple.of(jobId, start.stepIndex(), start.attempt(), fetch))
                .map(rows -> {
                    List<Execution> executions = new ArrayList<>(rows.size());
                    rows.forEach(r -> executions.add(Execution.of(r)));
                    return executions;
                });
    }

    /**
     * Like {@link JobStore#requireJobWhenEmpty}, for an execution of a job: 404 unless it exists under that job.
     */
    public static <T> Uni<List<T>> requireExecutionWhenEmpty(SqlConnection c, UUID jobId, UUID executionId,
                                                            List<T> rows) {
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
}
