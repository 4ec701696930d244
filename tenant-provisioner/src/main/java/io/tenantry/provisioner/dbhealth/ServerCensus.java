package io.tenantry.provisioner.dbhealth;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each server's sessions and statements as one collection reads them: read once and lent to the tenants measured
 * after it while younger than {@code maxAge}, so a pass over a server's 500 tenants reads them (and opens a session
 * in the server's maintenance database for it) a few times rather than 500. An on-demand collection uses a census of
 * age zero, which reads them afresh.
 */
final class ServerCensus {

    /** Reads one server's figures, over a connection of its own. */
    @FunctionalInterface
    interface Reader {
        DatabaseMeasures.ServerFigures read(String server) throws SQLException;
    }

    private final long maxAgeNanos;
    private final Reader reader;
    private final Map<String, Latest> byServer = new ConcurrentHashMap<>();

    ServerCensus(Duration maxAge, Reader reader) {
        this.maxAgeNanos = maxAge.toNanos();
        this.reader = reader;
    }

    DatabaseMeasures.ServerFigures figures(String server) throws SQLException {
        return byServer.computeIfAbsent(server, s -> new Latest()).get(server);
    }

    /** One server's last read; tenants of the server measured at once wait for a read under way. */
    private final class Latest {
        private DatabaseMeasures.ServerFigures figures;
        private long readAtNanos;

        synchronized DatabaseMeasures.ServerFigures get(String server) throws SQLException {
            if (figures == null || System.nanoTime() - readAtNanos >= maxAgeNanos) {
                readAtNanos = System.nanoTime();
                figures = reader.read(server);
            }
            return figures;
        }
    }
}
