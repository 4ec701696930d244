package io.tenantry.results.queue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * How many jobs wait on the queue and how many are with workers, over every organization's streams. Counted in
 * the background a page of keys at a time (one Redis script call per page), so a metrics scrape costs nothing.
 */
@ApplicationScoped
public class QueueDepth {

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    MeterRegistry metrics;

    private final AtomicLong waiting = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();

    @PostConstruct
    void registerMetrics() {
        Gauge.builder("tenantry.results.queue.jobs", waiting, AtomicLong::get).tag("state", "waiting")
                .description("jobs on the queue, by whether a worker has taken them").register(metrics);
        Gauge.builder("tenantry.results.queue.jobs", delivered, AtomicLong::get).tag("state", "delivered")
                .description("jobs on the queue, by whether a worker has taken them").register(metrics);
    }

    @Scheduled(every = "15s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> count() {
        return count("0", 0, 0).onFailure().recoverWithNull().replaceWithVoid();
    }

    private Uni<Void> count(String cursor, long messagesSoFar, long deliveredSoFar) {
        List<String> args = List.of(cursor, JobQueue.KEY_PATTERN, JobQueue.GROUP);
        return QueueScripts.DEPTH_PAGE.run(redis, List.of(), args).chain(reply -> {
            String next = reply.get(0).toString();
            long messages = messagesSoFar + reply.get(1).toLong();
            long taken = deliveredSoFar + reply.get(2).toLong();
            if (!"0".equals(next)) {
                return count(next, messages, taken);
            }
            waiting.set(messages - taken);
            delivered.set(taken);
            return Uni.createFrom().voidItem();
        });
    }
}
