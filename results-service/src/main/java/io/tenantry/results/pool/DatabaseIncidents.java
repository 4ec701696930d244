package io.tenantry.results.pool;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

/**
 * One log line when a database server starts failing requests and one when it serves again, however many requests
 * failed in between: a crashed server under load would otherwise write a line per request.
 */
@ApplicationScoped
public class DatabaseIncidents {

    private static final Logger LOG = Logger.getLogger(DatabaseIncidents.class);

    private final Map<String, Incident> open = new ConcurrentHashMap<>();

    /** A request to a tenant on {@code server} lost its connection or could not get one. */
    void failed(String server, Throwable failure) {
        Incident incident = open.computeIfAbsent(server, name -> {
            LOG.warnf("database server %s unavailable, answering its tenants 503 until it serves again: %s", name,
                    failure);
            return new Incident(System.nanoTime());
        });
        incident.failures.incrementAndGet();
    }

    /** A request to a tenant on {@code server} succeeded. */
    void served(String server) {
        if (open.isEmpty()) {
            return;
        }
        Incident incident = open.remove(server);
        if (incident != null) {
            LOG.infof("database server %s serves again after %d ms; %d requests failed meanwhile", server,
                    (System.nanoTime() - incident.since) / 1_000_000, incident.failures.get());
        }
    }

    private record Incident(long since, AtomicLong failures) {
        Incident(long since) {
            this(since, new AtomicLong());
        }
    }
}
