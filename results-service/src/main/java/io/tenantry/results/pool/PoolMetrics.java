package io.tenantry.results.pool;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.tenantry.results.config.ResultsConfig;

/** The tenant pools against the global budget and this replica's share of each server's, as gauges. */
@ApplicationScoped
public class PoolMetrics {

    @Inject
    MeterRegistry metrics;

    @Inject
    TenantPools pools;

    @Inject
    ResultsConfig config;

    @Inject
    ServerShares shares;

    void register(@Observes StartupEvent event) {
        Gauge.builder("tenantry.results.pools.open", pools, TenantPools::openPools)
                .description("tenant connection pools open").register(metrics);
        Gauge.builder("tenantry.results.connections.granted", pools, TenantPools::grantedConnections)
                .description("connections open to tenant databases, against the global budget").register(metrics);
        Gauge.builder("tenantry.results.connections.busy", pools, TenantPools::busyConnections)
                .description("connections to tenant databases running a request right now").register(metrics);
        Gauge.builder("tenantry.results.connections.budget", config, c -> c.pools().globalBudget())
                .description("the global connection budget").register(metrics);
        Gauge.builder("tenantry.results.connections.waiting", pools, TenantPools::waitingRequests)
                .description("requests waiting for a connection").register(metrics);
        Gauge.builder("tenantry.results.replicas", shares, ServerShares::liveReplicas)
                .description("live results-service replicas sharing the servers' connection budgets").register(metrics);
        for (String server : shares.servers()) {
            Gauge.builder("tenantry.results.server.connections.budget", shares, s -> s.budget(server))
                    .tags(Tags.of("server", server))
                    .description("connections all replicas together may hold to the server").register(metrics);
            Gauge.builder("tenantry.results.server.connections.share", shares, s -> s.share(server))
                    .tags(Tags.of("server", server))
                    .description("connections this replica may hold to the server: its share of the server's budget")
                    .register(metrics);
            Gauge.builder("tenantry.results.server.connections.granted", pools, p -> p.grantedConnections(server))
                    .tags(Tags.of("server", server))
                    .description("connections this replica holds to the server, open or closing").register(metrics);
        }
    }
}
