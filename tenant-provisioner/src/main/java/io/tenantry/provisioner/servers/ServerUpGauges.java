package io.tenantry.provisioner.servers;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * {@code tenantry_server_up{server}}: 1 while the provisioner reaches a configured tenant server, 0 when it does not;
 * one series per configured server, probed every 15 s. The PostgreSQL-server-down alert watches it.
 */
@ApplicationScoped
public class ServerUpGauges {

    @Inject
    TenantServers servers;

    @Inject
    MeterRegistry metrics;

    private final Map<String, AtomicInteger> up = new ConcurrentHashMap<>();

    void onStart(@Observes StartupEvent event) {
        register();
    }

    void register() {
        for (String server : servers.all().keySet()) {
            Gauge.builder("tenantry_server_up", up.computeIfAbsent(server, s -> new AtomicInteger()), AtomicInteger::get)
                    .tag("server", server).description("1 while the provisioner can connect to the tenant server")
                    .register(metrics);
        }
    }

    @Scheduled(every = "15s", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void probe() {
        up.forEach((server, value) -> value.set(answers(server) ? 1 : 0));
    }

    private boolean answers(String server) {
        try (Connection c = servers.admin(server)) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }
}
