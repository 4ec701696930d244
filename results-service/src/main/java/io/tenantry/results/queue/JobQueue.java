package io.tenantry.results.queue;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.results.pool.TenantPools;
import io.tenantry.results.store.JobStore;
import io.tenantry.results.store.JobView;
import io.tenantry.results.store.TenantRoute;
import io.vertx.mutiny.redis.client.Response;

/**
 * The job queue: Redis Streams, one per organization and priority ({@code tenantry:jobs:{<org>}:p<0-9>}), read
 * through the consumer group {@value #GROUP} on behalf of each worker. An organization's burst fills only its own
 * streams, so it never stands in front of another organization's jobs; within an organization the highest
 * priority waiting goes first, and a message whose worker went quiet for a lease is reclaimed before anything new.
 * <p>
 * A job is stored before it is queued and the database, not Redis, decides who holds it. If Redis cannot take a
 * job, the job keeps {@code dispatched_at} empty and the {@link DispatchSweeper} queues it once Redis answers.
 */
@ApplicationScoped
public class JobQueue {

    public static final String GROUP = "workers";
    static final String KEY_PATTERN = "tenantry:jobs:*";
    private static final Logger LOG = Logger.getLogger(JobQueue.class);
    private static final Duration REDIS_PATIENCE = Duration.ofSeconds(1);

    /** Creates the stream and its group before the first message (so none is skipped), then adds the job. */
    private static final RedisScript ADD = new RedisScript("""
            redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
            return redis.call('XADD', KEYS[1], '*', 'job', ARGV[2])
            """);

    /**
     * KEYS: the organization's streams, highest priority first. Returns {stream, message id, job id} of a message
     * idle for at least ARGV[3] ms (its worker went quiet), else of the oldest new message, else false.
     */
    private static final RedisScript NEXT = new RedisScript("""
            for _, key in ipairs(KEYS) do
              if redis.call('EXISTS', key) == 1 then
                local idle = redis.call('XPENDING', key, ARGV[1], 'IDLE', ARGV[3], '-', '+', 1)
                if #idle > 0 then
                  local claimed = redis.call('XCLAIM', key, ARGV[1], ARGV[2], ARGV[3], idle[1][1])
                  if #claimed > 0 and claimed[1] then
                    return {key, claimed[1][1], claimed[1][2][2]}
                  end
                  redis.call('XACK', key, ARGV[1], idle[1][1])
                end
              end
            end
            for _, key in ipairs(KEYS) do
              if redis.call('EXISTS', key) == 1 then
                local read = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', 1, 'STREAMS', key, '>')
                if read then
                  return {key, read[1][2][1][1], read[1][2][1][2][2]}
                end
              end
            end
            return false
            """);

    /** KEYS and ARGV pair streams with message ids; returns the 1-based positions of messages no longer there. */
    private static final RedisScript MISSING = new RedisScript("""
            local missing = {}
            for i, key in ipairs(KEYS) do
              if #redis.call('XRANGE', key, ARGV[i], ARGV[i]) == 0 then
                missing[#missing + 1] = i
              end
            end
            return missing
            """);

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    TenantPools pools;

    @Inject
    MeterRegistry metrics;

    private final Set<String> awaitingDispatch = ConcurrentHashMap.newKeySet();
    private Timer dispatchLag;
    private Counter dispatchFailures;

    /** A message taken from an organization's stream; {@code jobId} is null when the message names no job. */
    public record Message(String orgId, String stream, String id, UUID jobId) {
    }

    @PostConstruct
    void registerMetrics() {
        dispatchLag = Timer.builder("tenantry.results.queue.dispatch.lag")
                .description("time from a job's acceptance to its place on the queue")
                .publishPercentileHistogram().register(metrics);
        dispatchFailures = Counter.builder("tenantry.results.queue.dispatch.failures")
                .description("jobs stored but not queued at once (Redis unreachable)").register(metrics);
        Gauge.builder("tenantry.results.queue.organizations.awaiting.dispatch", awaitingDispatch, Set::size)
                .description("organizations with accepted jobs not yet on the queue").register(metrics);
    }

    public static String streamKey(String orgId, int priority) {
        return "tenantry:jobs:{" + orgId + "}:p" + priority;
    }

    /** Queues the job; never fails: a job that cannot be queued now is queued by the sweeper later. */
    public Uni<Void> dispatch(TenantRoute route, JobView job) {
        return ADD.run(redis, List.of(streamKey(route.orgId(), job.priority())), List.of(GROUP, job.id().toString()))
                .ifNoItem().after(REDIS_PATIENCE).fail()
                .map(Response::toString)
                .chain(messageId -> pools.withConnection(route, c -> JobStore.recordMessage(c, job.id(), messageId)))
                .invoke(() -> dispatchLag.record(Duration.between(job.createdAt(), OffsetDateTime.now())))
                .onFailure().recoverWithUni(failure -> {
                    dispatchFailures.increment();
                    awaitingDispatch.add(route.orgId());
                    LOG.warnf("job %s of %s stored but not queued yet: %s", job.id(), route.orgId(), failure.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }

    /** The next message for {@code consumer} from the organization's streams; 503 while Redis cannot answer. */
    public Uni<Optional<Message>> next(String orgId, String consumer, Duration lease) {
        List<String> keys = new ArrayList<>(10);
        for (int priority = 9; priority >= 0; priority--) {
            keys.add(streamKey(orgId, priority));
        }
        return NEXT.run(redis, keys, List.of(GROUP, consumer, Long.toString(lease.toMillis())))
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
        return MISSING.run(redis, keys, ids).ifNoItem().after(REDIS_PATIENCE).fail().map(reply -> {
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

    /** Organizations to sweep, taken out of the set; the sweeper puts back those it could not finish. */
    Set<String> takeAwaitingDispatch() {
        Set<String> taken = Set.copyOf(awaitingDispatch);
        awaitingDispatch.removeAll(taken);
        return taken;
    }

    void markAwaitingDispatch(String orgId) {
        awaitingDispatch.add(orgId);
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
        return new ApiProblem(503, "Service Unavailable", "the job queue is unavailable; retry shortly",
                Map.of("Retry-After", "5"));
    }
}
