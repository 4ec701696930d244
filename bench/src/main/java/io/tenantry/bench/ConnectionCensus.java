package io.tenantry.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.tenantry.servers.PostgresEndpoint;

/**
 * PostgreSQL's own count of the connections tenant roles hold, sampled in the background while load runs: the
 * peak on each server and over all of them.
 */
final class ConnectionCensus implements AutoCloseable {

    private final Map<String, Connection> servers = new LinkedHashMap<>();
    private final Map<String, Integer> peakByServer = new LinkedHashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;
    private int peakTotal;

    ConnectionCensus(List<PostgresEndpoint> endpoints) throws SQLException {
        for (PostgresEndpoint server : endpoints) {
            servers.put(server.name(), server.connect("postgres"));
            peakByServer.put(server.name(), 0);
        }
        sampler = new Thread(this::sample, "connection-census");
        sampler.setDaemon(true);
        sampler.start();
    }

    synchronized Map<String, Integer> peakByServer() {
        return new LinkedHashMap<>(peakByServer);
    }

    synchronized int peakTotal() {
        return peakTotal;
    }

    private void sample() {
        while (running) {
            try {
                int total = 0;
                List<Map.Entry<String, Integer>> counts = new ArrayList<>();
                for (Map.Entry<String, Connection> server : servers.entrySet()) {
                    try (Statement s = server.getValue().createStatement(); ResultSet rs = s.executeQuery(
                            "SELECT count(*) FROM pg_stat_activity WHERE usename LIKE 'tenant\\_%'")) {
                        rs.next();
                        counts.add(Map.entry(server.getKey(), rs.getInt(1)));
                        total += rs.getInt(1);
                    }
                }
                synchronized (this) {
                    counts.forEach(c -> peakByServer.merge(c.getKey(), c.getValue(), Math::max));
                    peakTotal = Math.max(peakTotal, total);
                }
                Thread.sleep(200);
            } catch (SQLException | InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws SQLException {
        running = false;
        sampler.interrupt();
        for (Connection c : servers.values()) {
            c.close();
        }
    }
}
