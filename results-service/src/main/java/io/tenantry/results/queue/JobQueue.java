package io.tenantry.results.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.results.store.JobView;
import io.vertx.mutiny.redis.client.Response;

/**
 * The job queue in Redis: Streams, one per organization and priority ({@code tenantry:jobs:{<org>}:p<0-9>}), read
 * through the consumer group {@value #GROUP} on behalf of each worker. An organization's burst fills only its own
 * streams, so it never stands in front of another organization's jobs; within an organization the highest
 * priority waiting goes first, and a message whose worker went quiet for a lease is reclaimed before anything new.
 * <p>
 * The database, not Redis, decides who holds a job; a message only says that a job may be worth claiming.
 */
@ApplicationScoped
public class JobQueue {

    public static final String GROUP = "workers";
    static final String KEY_PATTERN = "tenantry:jobs:*";
    private static final Logger LOG = Logger.getLogger(JobQueue.class);
    private static final Duration REDIS_PATIENCE = Duration.ofSeconds(1);

    @Inject
    ReactiveRedisDataSource redis;

    /** A message taken from an organization's stream; {@code jobId} is null when the message names no job. */
    public record Message(String orgId, String stream, String id, UUID jobId) {
    }

    public static String streamKey(String orgId, int priority) {
        return "tenantry:jobs:{" + orgId + "}:p" + priority;
    }

    /** Puts the job on its organization's stream of its priority; answers the message id. */
    Uni<String> add(String orgId, JobView job) {
        return QueueScripts.ADD.run(redis, List.of(streamKey(orgId, job.priority())),
                        List.of(GROUP, job.id().toString()))
                .ifNoItem().after(REDIS_PATIENCE).fail()
                .map(Response::toString);
    }

    /** The next message for {@code consumer} from the organization's streams; 503 while Redis cannot answer. */
    public Uni<Optional<Message>> next(String orgId, String consumer, Duration lease) {
        List<String> keys = new ArrayList<>(10);
        for (int priority = 9; priority >= 0; priority--) {
            keys.add(streamKey(orgId, priority));
        }
        return QueueScripts.NEXT.run(redis, keys, List.of(GROUP, consumer, Long.toString(lease.toMillis())))
                .ifNoItem().after(REDIS_PATIENCE).fail()
                .map(reply -> reply == null ? Optional.<Message>empty()
                        : Optional.of(new Message(orgId, reply.get(0).toString(), reply.get(1).toString(),
                                uuidOrNull(reply.get(2).toString()))))
                .onFailure(f -> !(f instanceof ApiProblem)).transform(JobQueue::unavailable);
    }

    /** Takes a finished job's message off the queue. Best effort: a message left behind is dropped when read. */
    public Uni<Void> retire(String orgId, JobView job) {
        if (job.queueMessageId() == null) {
            return Uni.createFrom().voidItem();
        }
        return retire(new Message(orgId, streamKey(orgId, job.priority()), job.queueMessageId(), job.id()));
    }

    public Uni<Void> retire(Message message) {
        return redis.execute("XACK", message.stream(), GROUP, message.id())
                .chain(() -> redis.execute("XDEL", message.stream(), message.id()))
                .replaceWithVoid()
                .ifNoItem().after(REDIS_PATIENCE).fail()
                .onFailure().invoke(e -> LOG.debugf("message %s not retired: %s", message.id(), e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /**
     * Leaves a message whose job another worker still holds with {@code consumer}, set to look idle exactly when
     * that worker's lease runs out, so it is reclaimed then and not before.
     */
    public Uni<Void> deferUntilLeaseEnds(Message message, String consumer, Duration lease, Duration leaseLeft) {
        long idle = Math.max(0, lease.minus(leaseLeft).toMillis());
        return redis.execute("XCLAIM", message.stream(), GROUP, consumer, "0", message.id(), "IDLE",
                        Long.toString(idle), "JUSTID")
                .replaceWithVoid()
                .ifNoItem().after(REDIS_PATIENCE).fail()
                .onFailure().recoverWithNull();
    }

    /** Of these jobs, the ones whose recorded message is gone from Redis (lost with a Redis restart or failover). */
    Uni<List<JobView>> withLostMessages(String orgId, List<JobView> jobs) {
        if (jobs.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<String> keys = jobs.stream().map(job -> streamKey(orgId, job.priority())).toList();
        List<String> ids = jobs.stream().map(JobView::queueMessageId).toList();
        return QueueScripts.MISSING.run(redis, keys, ids).ifNoItem().after(REDIS_PATIENCE).fail().map(reply -> {
            List<JobView> lost = new ArrayList<>();
            reply.forEach(position -> lost.add(jobs.get(position.toInteger() - 1)));
            return lost;
        });
    }

    /** Redis's {@code run_id}, new at every restart and on failover to another server: the moment data may be lost. */
    Uni<String> serverRunId() {
        return redis.execute("INFO", "server").ifNoItem().after(REDIS_PATIENCE).fail().map(info -> info.toString()
                .lines().filter(line -> line.startsWith("run_id:")).findFirst().map(line -> line.substring(7).trim())
                .orElse(""));
    }

    private static UUID uuidOrNull(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Throwable unavailable(Throwable cause) {
        LOG.warnf("job queue unavailable: %s", cause.getMessage());
        return ApiProblem.queueUnavailable("the job queue is unavailable; retry shortly", 5);
    }
}
