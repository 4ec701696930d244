package io.tenantry.results.pool;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tenantry.results.config.ResultsConfig;
import io.vertx.core.Vertx;

/**
 * Gives idle connections back to the budget: a quarter of the idle timeout apart (at least a second), so a
 * connection is closed at most a quarter of the timeout late. A sweep runs on a worker thread: after a quiet spell it
 * closes hundreds of connections, and closing them all in one event-loop task held that loop's requests for 6.5 s
 * on the benchmark machine; from a worker, each connection's close is a task of its own on its event loop, between
 * the loop's I/O.
 */
@ApplicationScoped
public class IdleConnectionSweeper {

    @Inject
    Vertx vertx;

    @Inject
    ResultsConfig config;

    @Inject
    TenantPools pools;

    private long timer;

    void start(@Observes StartupEvent event) {
        long every = Math.max(1000, config.pools().idleTimeout().toMillis() / 4);
        timer = vertx.setPeriodic(every, id -> vertx.executeBlocking(this::sweep, true));
    }

    private Void sweep() {
        pools.closeIdle();
        return null;
    }

    void stop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(timer);
    }
}
