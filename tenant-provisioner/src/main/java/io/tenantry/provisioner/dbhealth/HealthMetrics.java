package io.tenantry.provisioner.dbhealth;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;

/**
 * Tenant health in Prometheus, bounded whatever the fleet's size: tenants per state and per reason, collections and
 * their duration, the bytes of every tenant database, and only the ten largest tenants and the ten with the slowest
 * statement named. All but the top-ten gauges exist from startup, at zero until the first collection.
 */
@ApplicationScoped
class HealthMetrics {

    static final int TOP = 10;

    @Inject
    MeterRegistry registry;

    private final Map<HealthState, AtomicLong> states = new EnumMap<>(HealthState.class);
    private final Map<HealthReason, AtomicLong> reasons = new EnumMap<>(HealthReason.class);
    private final AtomicLong databaseBytes = new AtomicLong();
    private Counter successes;
    private Counter failures;
    private Timer collectionTime;
    private MultiGauge topBytes;
    private MultiGauge topStatementSeconds;

    void register(@Observes StartupEvent started) {
        for (HealthState state : HealthState.values()) {
            states.put(state, registry.gauge("tenantry_tenant_health_tenants", Tags.of("state", state.wire()),
                    new AtomicLong()));
        }
        for (HealthReason reason : HealthReason.values()) {
            reasons.put(reason, registry.gauge("tenantry_tenant_health_degraded", Tags.of("reason", reason.wire()),
                    new AtomicLong()));
        }
        registry.gauge("tenantry_tenant_databases_bytes", Tags.empty(), databaseBytes);
        successes = registry.counter("tenantry_tenant_health_collections_total", "outcome", "success");
        failures = registry.counter("tenantry_tenant_health_collections_total", "outcome", "failure");
        collectionTime = Timer.builder("tenantry_tenant_health_collection_seconds")
                .description("One tenant database's health collection").publishPercentileHistogram()
                .register(registry);
        topBytes = MultiGauge.builder("tenantry_tenant_top_bytes")
                .description("The largest tenant databases, by rank").register(registry);
        topStatementSeconds = MultiGauge.builder("tenantry_tenant_top_statement_seconds")
                .description("The tenants whose slowest statement (mean time) is slowest, by rank").register(registry);
    }

    void collected(long nanos, boolean success) {
        collectionTime.record(nanos, TimeUnit.NANOSECONDS);
        (success ? successes : failures).increment();
    }

    /** Sets every gauge from the fleet's current snapshots (its worst lists {@value #TOP} long). */
    void refresh(FleetHealth fleet) {
        states.forEach((state, gauge) -> gauge.set(fleet.tenants().getOrDefault(state.wire(), 0L)));
        reasons.forEach((reason, gauge) -> gauge.set(fleet.degraded().getOrDefault(reason.wire(), 0L)));
        databaseBytes.set(fleet.databaseBytes());
        topBytes.register(ranked(fleet.largest(), FleetHealth.Ranked::value), true);
        topStatementSeconds.register(ranked(fleet.slowestStatement(), r -> r.value() / 1000), true);
    }

    private static List<MultiGauge.Row<?>> ranked(List<FleetHealth.Ranked> worst, ToDoubleFunction<FleetHealth.Ranked> value) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (int i = 0; i < worst.size() && i < TOP; i++) {
            FleetHealth.Ranked tenant = worst.get(i);
            rows.add(MultiGauge.Row.of(Tags.of("rank", Integer.toString(i + 1), "org_id", tenant.orgId()),
                    value.applyAsDouble(tenant)));
        }
        return rows;
    }
}
