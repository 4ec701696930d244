package io.tenantry.results.queue;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.tenantry.results.config.ResultsConfig;
import io.tenantry.results.pool.TenantPools;
import io.tenantry.results.store.JobStore;
import io.tenantry.results.store.JobView;
import io.tenantry.results.store.RegistryStore;
import io.tenantry.results.store.TenantRoute;
import io.tenantry.results.tenant.TenantDirectory;

/**
 * Makes sure every accepted job reaches the queue. Each pass visits the organizations whose dispatch failed in
 * this process. A full pass visits every active tenant: at start (jobs accepted just before a crash), when Redis
 * restarted or failed over (its {@code run_id} changed, so its data may be gone), and every
 * {@code full-sweep-interval}; it also puts back messages Redis lost, for queued jobs and for running jobs whose
 * worker's lease ran out.
 */
@ApplicationScoped
public class DispatchSweeper {

    private static final Logger LOG = Logger.getLogger(DispatchSweeper.class);
    private static final int BATCH = 500;

    @Inject
    JobQueue queue;

    @Inject
    JobDispatcher dispatcher;

    @Inject
    TenantDirectory directory;

    @Inject
    RegistryStore registry;

    @Inject
    TenantPools pools;

    @Inject
    ResultsConfig config;

    private volatile Instant nextFullSweep = Instant.MIN;
    /** The Redis the last complete full pass saw; a different one may have lost messages. */
    private volatile String sweptRedis = "";

    @Scheduled(every = "${tenantry.results.queue.sweep-interval}", delayed = "${tenantry.results.queue.sweep-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return queue.serverRunId()
                .chain(redisNow -> {
                    boolean full = !redisNow.equals(sweptRedis) || !Instant.now().isBefore(nextFullSweep);
                    if (full && !sweptRedis.isEmpty() && !redisNow.equals(sweptRedis)) {
                        LOG.infof("Redis restarted or failed over; checking every tenant's queue");
                    }
                    return organizationsToVisit(full)
                            .onItem().transformToMulti(orgs -> Multi.createFrom().iterable(orgs))
                            .onItem().transformToUniAndConcatenate(orgId -> sweep(orgId, full))
                            .collect().asList().map(results -> results.stream().allMatch(Boolean::booleanValue))
                            .invoke(completed -> {
                                if (full && completed) {
                                    sweptRedis = redisNow;
                                    nextFullSweep = Instant.now().plus(config.queue().fullSweepInterval());
                                }
                            });
                })
                .onFailure().invoke(e -> LOG.debugf("dispatch sweep waits for Redis: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** Queues the organization's waiting jobs; true when nothing was left behind. */
    Uni<Boolean> sweep(String orgId, boolean full) {
        return directory.lookup(orgId).chain(found -> {
            if (found.isPresent() && found.get().isMoving()) {
                // Its writes are paused for a moment; the next pass finds it on its new server.
                return Uni.createFrom().item(false);
            }
            if (found.isEmpty() || !found.get().isActive()) {
                return Uni.createFrom().item(true);
            }
            TenantRoute route = found.get();
            Uni<Integer> waiting = pools.withConnection(route, c -> JobStore.awaitingDispatch(c, BATCH))
                    .chain(jobs -> dispatchAll(route, jobs));
            Uni<Integer> lost = !full ? Uni.createFrom().item(0)
                    : pools.withConnection(route, c -> JobStore.needingMessages(c, BATCH))
                    .chain(jobs -> queue.withLostMessages(orgId, jobs))
                    .invoke(jobs -> {
                        if (!jobs.isEmpty()) {
                            LOG.warnf("Redis lost the messages of %d jobs of %s; queueing them again", jobs.size(), orgId);
                        }
                    })
                    .chain(jobs -> dispatchAll(route, jobs));
            return waiting.chain(dispatched -> lost.map(again -> dispatched < BATCH && again < BATCH));
        }).invoke(complete -> {
            if (!complete) {
                dispatcher.markAwaitingDispatch(orgId);
            }
        }).onFailure().invoke(e -> {
            LOG.warnf("dispatch sweep of %s stopped early: %s", orgId, e.getMessage());
            dispatcher.markAwaitingDispatch(orgId);
        }).onFailure().recoverWithItem(false);
    }

    private Uni<Integer> dispatchAll(TenantRoute route, List<JobView> jobs) {
        return Multi.createFrom().iterable(jobs)
                .onItem().transformToUniAndConcatenate(job -> dispatcher.dispatch(route, job))
                .collect().last().replaceWith(jobs.size());
    }

    private Uni<Set<String>> organizationsToVisit(boolean full) {
        Set<String> failed = dispatcher.takeAwaitingDispatch();
        if (!full) {
            return Uni.createFrom().item(failed);
        }
        return registry.activeTenants().map(all -> {
            Set<String> union = new TreeSet<>(all);
            union.addAll(failed);
            return (Set<String>) union;
        }).onFailure().invoke(() -> failed.forEach(dispatcher::markAwaitingDispatch));
    }
}
