package io.tenantry.provisioner.fleet;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.tenantry.common.lifecycle.OrganizationStatus;

/** Prometheus gauges of the fleet, refreshed from the registry: tenants by status and by schema version. */
@ApplicationScoped
public class FleetGauges {

    @Inject
    FleetStatus fleet;

    @Inject
    MeterRegistry metrics;

    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();

    /**
     * Every status has its series from the start (0 until a tenant has it), so alerts on failed tenants see a
     * healthy 0 rather than nothing. The rollout failure counter is registered at zero for the same reason: its
     * first increment must be an increase Prometheus sees.
     */
    void onStart(@Observes StartupEvent event) {
        for (OrganizationStatus status : OrganizationStatus.values()) {
            gauge("tenantry_tenants", "status", status.wire());
        }
        metrics.counter("tenantry_rollout_tenants_total", "outcome", "failed");
    }

    @Scheduled(every = "30s", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void refresh() {
        FleetStatus.Summary summary = fleet.summary();
        gauges.values().forEach(g -> g.set(0));
        summary.byStatus().forEach((status, n) -> gauge("tenantry_tenants", "status", status).set(n));
        summary.bySchemaVersion().forEach((version, n) ->
                gauge("tenantry_tenants_by_schema_version", "version", version).set(n));
    }

    private AtomicLong gauge(String name, String tag, String value) {
        return gauges.computeIfAbsent(name + "|" + tag + "=" + value,
                k -> metrics.gauge(name, Tags.of(tag, value), new AtomicLong()));
    }
}
