package io.tenantry.results.work;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.smallrye.mutiny.Uni;
import io.tenantry.common.Uuids;
import io.tenantry.common.problem.ApiProblem;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** The SQL of task executions and task results, written by the worker that holds the job. */
final class Executions {

    private Executions() {
    }

    record Step(String name, String task) {
    }

    record Execution(UUID id, int stepIndex, String status) {
    }

    /** One pending execution per step for this attempt, in one statement. */
    static Uni<Void> createForAttempt(SqlConnection c, UUID jobId, List<Step> steps, String worker, int attempt) {
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
    static Uni<Void> closeOpen(SqlConnection c, UUID jobId, String running, String pending, String error) {
        return c.preparedQuery("""
                        UPDATE task_executions
                           SET status = CASE status WHEN 'running' THEN $2 ELSE $3 END,
                               finished_at = now(), error = coalesce(error, $4)
                         WHERE job_id = $1 AND status IN ('pending', 'running')""")
                .execute(Tuple.of(jobId, running, pending, error)).replaceWithVoid();
    }

    /** The execution of one step in the current attempt, locked; 404 when the job has no such step. */
    static Uni<Execution> find(SqlConnection c, UUID jobId, int stepIndex, int attempt) {
        return c.preparedQuery("""
                        SELECT id, step_index, status FROM task_executions
                         WHERE job_id = $1 AND step_index = $2 AND attempt = $3 FOR UPDATE""")
                .execute(Tuple.of(jobId, stepIndex, attempt))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ApiProblem.notFound("job " + jobId + " has no step " + stepIndex);
                    }
                    Row row = rows.iterator().next();
                    return new Execution(row.getUUID(0), row.getInteger(1), row.getString(2));
                });
    }

    /** The steps of this attempt that have not succeeded, as "index (status)". */
    static Uni<List<String>> unfinished(SqlConnection c, UUID jobId, int attempt) {
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

    static Uni<Void> move(SqlConnection c, UUID executionId, String status, String error) {
        return c.preparedQuery("""
                        UPDATE task_executions
                           SET status = $2, error = $3,
                               started_at = CASE WHEN $2 = 'running' THEN now() ELSE coalesce(started_at, now()) END,
                               finished_at = CASE WHEN $2 IN ('succeeded', 'failed') THEN now() END
                         WHERE id = $1""")
                .execute(Tuple.of(executionId, status, error)).replaceWithVoid();
    }

    static Uni<UUID> addResult(SqlConnection c, UUID executionId, String data, Double confidence, String artifacts) {
        UUID id = Uuids.v7();
        return c.preparedQuery("""
                        INSERT INTO task_results (id, execution_id, data, confidence, artifacts, created_at)
                        VALUES ($1, $2, $3::text::jsonb, $4, $5::text::jsonb, now())""")
                .execute(Tuple.of(id, executionId, data, confidence, artifacts)).replaceWith(id);
    }
}
