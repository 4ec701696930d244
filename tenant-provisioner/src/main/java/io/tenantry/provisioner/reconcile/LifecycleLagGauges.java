package io.tenantry.provisioner.reconcile;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * How far the fleet lags what was asked of it: organizations whose status lags their desired state (onboarded but
 * not yet active, suspensions and deletions not yet done) and how long the oldest has waited. The provisioning-lag
 * alert watches the second. The reconcile error counter is registered here at zero so that its first increment is
 * an increase Prometheus sees.
 */
@ApplicationScoped
public class LifecycleLagGauges {

    private static final Logger LOG = Logger.getLogger(LifecycleLagGauges.class);

    @Inject
    Organizations organizations;

    @Inject
    MeterRegistry metrics;

    private final AtomicLong lagging = new AtomicLong();
    private final AtomicLong oldestSeconds = new AtomicLong();

    void onStart(@Observes StartupEvent event) {
        Gauge.builder("tenantry_organizations_lagging", lagging, AtomicLong::get)
                .description("Organizations whose observed status lags their desired state").register(metrics);
        Gauge.builder("tenantry_organizations_lagging_oldest_seconds", oldestSeconds, AtomicLong::get)
                .description("How long the organization lagging longest has waited for its status to follow")
                .register(metrics);
        metrics.counter("tenantry_reconcile_errors_total");
    }

    @Scheduled(every = "30s", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void refresh() {
        try {
            Organizations.Lag lag = organizations.lag();
            lagging.set(lag.organizations());
            oldestSeconds.set(Math.round(lag.oldestSeconds()));
        } catch (SQLException e) {
            LOG.warnf("lifecycle lag not measured: %s", e.getMessage());
        }
    }
}
