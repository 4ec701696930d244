package io.tenantry.provisioner.dbhealth;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each server's sessions and statements as one collection reads them: read once and lent to the tenants measured
 * after it while younger than {@code maxAge}, so a pass over a server's 500 tenants reads them a few times rather
 * than 500. An on-demand collection uses a census of age zero, which reads them afresh.
 */
final class ServerCensus {

    private final Duration maxAge;
    private final Map<String, DatabaseMeasures.ServerFigures> byServer = new ConcurrentHashMap<>();
    private final Map<String, Object> reading = new ConcurrentHashMap<>();

    ServerCensus(Duration maxAge) {
        this.maxAge = maxAge;
    }

    /** The server's figures, read over {@code maintenance} unless a read younger than the census's age is at hand. */
    DatabaseMeasures.ServerFigures figures(String server, Connection maintenance, DatabaseMeasures measures,
                                           String collector) throws SQLException {
        synchronized (reading.computeIfAbsent(server, s -> new Object())) {
            DatabaseMeasures.ServerFigures last = byServer.get(server);
            if (last != null && System.nanoTime() - last.readAtNanos() < maxAge.toNanos()) {
                return last;
            }
            DatabaseMeasures.ServerFigures fresh = measures.serverFigures(server, maintenance, collector);
            byServer.put(server, fresh);
            return fresh;
        }
    }
}
