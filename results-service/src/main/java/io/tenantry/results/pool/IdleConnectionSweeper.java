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
 * connection is closed at most a quarter of the timeout late.
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
        timer = vertx.setPeriodic(every, id -> pools.closeIdle());
    }

    void stop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(timer);
    }
}
