package io.tenantry.results.store;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.smallrye.mutiny.CompositeException;
import io.smallrye.mutiny.Uni;
import io.tenantry.common.problem.ApiProblem;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The SQL of the jobs table and of the hourly submission counts its quotas read, run on a connection to one
 * tenant's database.
 */
public final class JobStore {

    /** Any number works: the lock lives in the tenant's own database, where nothing else takes advisory locks. */
    private static final long SUBMISSIONS_LOCK = 7406;

    private JobStore() {
    }

    public record Counts(long queued, long lastDay) {
    }

    /** A submission's outcome: what the quotas counted, and the job stored, or null when a quota refused it. */
    public record Submission(Counts counts, JobView job) {
    }

    /** A job to store if the tenant's quotas allow it. */
    public record Draft(UUID id, CatalogueStore.Template template, String inputs, int priority, String submittedBy,
                        int maxQueued, int maxPerDay) {
    }

    /**
     * Stores a job, in the caller's transaction, if the tenant's quotas allow it: queued jobs under {@code maxQueued}
     * (counted up to the quota, so a long queue costs no more than a full one) and submissions in the current hour
     * and the 23 before it under {@code maxPerDay}; with it, the first event of its timeline and the hourly count.
     * Submissions within the tenant are serialized first, so two at once cannot both slip under a quota. The lock and
     * the statement are sent together: the statement's snapshot is taken once the lock is held, and the lock waits
     * for no round trip to the service before it.
     */
    public static Uni<Submission> submit(SqlConnection c, Draft draft) {
        return Uni.combine().all().unis(lock(c), store(c, draft)).collectFailures()
                .with((locked, stored) -> submission(stored))
                .onFailure(CompositeException.class).transform(JobStore::first);
    }

    /**
     * {@link #submit} in a transaction of its own, sent as one round trip: the lock is held only while PostgreSQL
     * runs the statement and commits. A statement that fails leaves the transaction aborted, so its COMMIT rolls back.
     */
    public static Uni<Submission> submitCommitted(SqlConnection c, Draft draft) {
        return Uni.combine().all().unis(c.query("BEGIN").execute(), lock(c), store(c, draft), c.query("COMMIT").execute())
                .collectFailures()
                .with((begun, locked, stored, committed) -> submission(stored))
                .onFailure(CompositeException.class).transform(JobStore::first);
    }

    private static Uni<RowSet<Row>> lock(SqlConnection c) {
        return c.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(SUBMISSIONS_LOCK));
    }

    private static Uni<RowSet<Row>> store(SqlConnection c, Draft draft) {
        return c.preparedQuery("""
                        WITH counts AS (
                            SELECT (SELECT count(*) FROM (SELECT FROM jobs WHERE status = 'queued' LIMIT $9) q) AS queued,
                                   (SELECT coalesce(sum(submitted), 0) FROM job_submissions_hourly
                                     WHERE hour > date_trunc('hour', now()) - interval '24 hours') AS last_day),
                        job AS (
                            INSERT INTO jobs (id, template_id, template_name, template_version, steps, inputs, priority,
                                              status, submitted_by, created_at, updated_at)
                            SELECT $1, $2, $3, $4, $5::text::jsonb, $6::text::jsonb, $7, 'queued', $8, now(), now()
                              FROM counts WHERE queued < $9 AND last_day < $10
                            RETURNING\s""" + JobView.COLUMNS + """
                        ),
                        event AS (
                            INSERT INTO job_events (job_id, occurred_at, kind, message)
                            SELECT id, now(), 'submitted', 'submitted by ' || $8 FROM job),
                        hourly AS (
                            INSERT INTO job_submissions_hourly (hour, submitted)
                            SELECT date_trunc('hour', now()), 1 FROM job
                            ON CONFLICT (hour) DO UPDATE SET submitted = job_submissions_hourly.submitted + 1)
                        SELECT job.*, counts.queued, counts.last_day FROM counts LEFT JOIN job ON true""")
                .execute(Tuple.tuple(List.of(draft.id(), draft.template().id(), draft.template().name(),
                        draft.template().version(), draft.template().steps(), draft.inputs(), (short) draft.priority(),
                        draft.submittedBy(), (long) draft.maxQueued(), (long) draft.maxPerDay())));
    }

    private static Submission submission(RowSet<Row> stored) {
        Row row = stored.iterator().next();
        Counts counts = new Counts(row.getLong("queued"), row.getLong("last_day"));
        return new Submission(counts, row.getUUID(0) == null ? null : JobView.of(row));
    }

    /** The first of the pipelined statements to fail failed for its own reason; the ones after it, for that failure. */
    private static Throwable first(Throwable failures) {
        return ((CompositeException) failures).getCauses().get(0);
    }

    public static Uni<JobView> find(SqlConnection c, UUID id) {
        return c.preparedQuery("SELECT " + JobView.COLUMNS + " FROM jobs WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> one(rows, id));
    }

    /** A job locked for a claim, and whether its current lease still runs by the database's clock. */
    public record Claimable(JobView job, boolean leaseLive) {
    }

    /** Locks the job's row for the rest of the transaction; 404 when there is no such job. */
    public static Uni<JobView> lock(SqlConnection c, UUID id) {
        return lockForClaim(c, id).map(found -> found.orElseThrow(() -> notFound(id)).job());
    }

    public static Uni<Optional<Claimable>> lockForClaim(SqlConnection c, UUID id) {
        return c.preparedQuery("SELECT " + JobView.COLUMNS
                        + ", coalesce(lease_expires_at > now(), false) FROM jobs WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(id))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    return Optional.of(new Claimable(JobView.of(row), row.getBoolean(19)));
                });
    }

    /**
     * Lists under a job read their rows first and look for the job only when they found none, so a page of a job
     * that exists costs one query and a job that does not still answers 404.
     */
    public static <T> Uni<List<T>> requireJobWhenEmpty(SqlConnection c, UUID id, List<T> rows) {
        if (!rows.isEmpty()) {
            return Uni.createFrom().item(rows);
        }
        return c.preparedQuery("SELECT 1 FROM jobs WHERE id = $1").execute(Tuple.of(id))
                .map(found -> {
                    if (found.size() == 0) {
                        throw notFound(id);
                    }
                    return rows;
                });
    }

    public static Uni<List<JobView>> page(SqlConnection c, String status, OffsetDateTime afterCreated, UUID afterId,
                                          int fetch) {
        StringBuilder sql = new StringBuilder("SELECT ").append(JobView.SUMMARY_COLUMNS).append(" FROM jobs WHERE true");
        List<Object> params = new ArrayList<>();
        if (status != null) {
            params.add(status);
            sql.append(" AND status = $").append(params.size());
        }
        if (afterCreated != null) {
            params.add(afterCreated);
            params.add(afterId);
            sql.append(" AND (created_at, id) < ($").append(params.size() - 1).append(", $").append(params.size())
                    .append(')');
        }
        params.add(fetch);
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT $").append(params.size());
        return c.preparedQuery(sql.toString()).execute(Tuple.tuple(params)).map(JobStore::all);
    }

    /** Moves the job to a new status (the caller checked the transition); a finished job holds no lease. */
    public static Uni<JobView> moveTo(SqlConnection c, UUID id, JobStatus next, String error) {
        return c.preparedQuery("""
                        UPDATE jobs SET status = $2, error = $3, updated_at = now(), version = version + 1,
                               finished_at = CASE WHEN $2 IN ('succeeded', 'failed', 'cancelled') THEN now() END,
                               lease_expires_at = CASE WHEN $2 IN ('succeeded', 'failed', 'cancelled') THEN NULL
                                                       ELSE lease_expires_at END
                         WHERE id = $1 RETURNING\s""" + JobView.COLUMNS)
                .execute(Tuple.of(id, next.wire(), error))
                .map(rows -> one(rows, id));
    }

    /** Starts a new attempt held by {@code claimant} for one lease, carried by queue message {@code messageId}. */
    public static Uni<JobView> claim(SqlConnection c, UUID id, String claimant, Duration lease, String messageId) {
        return c.preparedQuery("""
                        UPDATE jobs SET status = 'running', claimed_by = $2, attempt = attempt + 1, progress = NULL,
                               lease_expires_at = now() + make_interval(secs => $3), updated_at = now(),
                               started_at = coalesce(started_at, now()), version = version + 1,
                               queue_message_id = $4, dispatched_at = coalesce(dispatched_at, now())
                         WHERE id = $1 RETURNING\s""" + JobView.COLUMNS)
                .execute(Tuple.of(id, claimant, seconds(lease), messageId))
                .map(rows -> one(rows, id));
    }

    public static Uni<OffsetDateTime> renewLease(SqlConnection c, UUID id, Duration lease, Integer progress) {
        return c.preparedQuery("""
                        UPDATE jobs SET lease_expires_at = now() + make_interval(secs => $2), updated_at = now(),
                               progress = coalesce($3, progress)
                         WHERE id = $1 RETURNING lease_expires_at""")
                .execute(Tuple.of(id, seconds(lease), progress == null ? null : progress.shortValue()))
                .map(rows -> rows.iterator().next().getOffsetDateTime(0));
    }

    /** Records that the job is on the queue as message {@code messageId}. */
    public static Uni<Void> recordMessage(SqlConnection c, UUID id, String messageId) {
        return c.preparedQuery("""
                        UPDATE jobs SET dispatched_at = coalesce(dispatched_at, now()), queue_message_id = $2
                         WHERE id = $1""")
                .execute(Tuple.of(id, messageId)).replaceWithVoid();
    }

    /** Accepted jobs that never reached the queue, oldest first. */
    public static Uni<List<JobView>> awaitingDispatch(SqlConnection c, int limit) {
        return c.preparedQuery("SELECT " + JobView.COLUMNS
                        + " FROM jobs WHERE dispatched_at IS NULL AND status = 'queued' ORDER BY created_at LIMIT $1")
                .execute(Tuple.of(limit)).map(JobStore::all);
    }

    /**
     * Jobs that need their queue message to still exist: queued ones, and running ones whose worker let the lease
     * run out (their message is how another worker reclaims them).
     */
    public static Uni<List<JobView>> needingMessages(SqlConnection c, int limit) {
        return c.preparedQuery("SELECT " + JobView.COLUMNS + " FROM jobs " + """
                         WHERE queue_message_id IS NOT NULL
                           AND (status = 'queued' OR (status = 'running' AND lease_expires_at < now()))
                         ORDER BY created_at LIMIT $1""")
                .execute(Tuple.of(limit)).map(JobStore::all);
    }

    private static ApiProblem notFound(UUID id) {
        return ApiProblem.notFound("job " + id + " not found");
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    private static JobView one(RowSet<Row> rows, UUID id) {
        if (rows.size() == 0) {
            throw notFound(id);
        }
        return JobView.of(rows.iterator().next());
    }

    private static List<JobView> all(RowSet<Row> rows) {
        List<JobView> jobs = new ArrayList<>(rows.size());
        rows.forEach(row -> jobs.add(JobView.of(row)));
        return jobs;
    }
}
