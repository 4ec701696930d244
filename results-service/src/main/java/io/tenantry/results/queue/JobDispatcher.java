package io.tenantry.results.queue;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.tenantry.results.pool.TenantPools;
import io.tenantry.results.store.JobStore;
import io.tenantry.results.store.JobView;
import io.tenantry.results.store.TenantRoute;

/**
 * Puts stored jobs on the queue. A job is stored before it is queued: if Redis cannot take it, the job keeps
 * {@code dispatched_at} empty, its organization is remembered, and the {@link DispatchSweeper} queues it once Redis
 * answers.
 */
@ApplicationScoped
public class JobDispatcher {

    private static final Logger LOG = Logger.getLogger(JobDispatcher.class);

    @Inject
    JobQueue queue;

    @Inject
    TenantPools pools;

    @Inject
    MeterRegistry metrics;

    private final Set<String> awaitingDispatch = ConcurrentHashMap.newKeySet();
    private Timer dispatchLag;
    private Counter dispatchFailures;

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

    /** Queues the job and records its message; never fails: a job that cannot be queued now is queued later. */
    public Uni<Void> dispatch(TenantRoute route, JobView job) {
        return queue.add(route.orgId(), job)
                .chain(messageId -> pools.withConnection(route, c -> JobStore.recordMessage(c, job.id(), messageId)))
                .invoke(() -> dispatchLag.record(Duration.between(job.createdAt(), OffsetDateTime.now())))
                .onFailure().recoverWithUni(failure -> {
                    dispatchFailures.increment();
                    awaitingDispatch.add(route.orgId());
                    LOG.warnf("job %s of %s stored but not queued yet: %s", job.id(), route.orgId(), failure.getMessage());
                    return Uni.createFrom().voidItem();
                });
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
}
