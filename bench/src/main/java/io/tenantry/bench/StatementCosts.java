package io.tenantry.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.tenantry.servers.PostgresEndpoint;

/**
 * What PostgreSQL itself spent during a measured window, by its own statistics on every server: the statements that
 * took the most execution time (pg_stat_statements, the same statement summed over every database), and the
 * sessions opened (each a backend forked and authenticated), so a figure can say which queries and how much
 * connection churn its rate cost.
 */
final class StatementCosts implements AutoCloseable {

    private static final int TOP = 6;

    private final Map<String, Connection> servers = new LinkedHashMap<>();
    private final Map<String, Long> sessionsBefore = new LinkedHashMap<>();

    /** Starts counting once the warm-up has passed, as the figures' clocks do. */
    static CompletableFuture<StatementCosts> after(Duration warmup, List<PostgresEndpoint> endpoints) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new StatementCosts(endpoints);
            } catch (SQLException e) {
                throw new IllegalStateException("pg_stat_statements could not be read: " + e.getMessage(), e);
            }
        }, CompletableFuture.delayedExecutor(warmup.toMillis(), TimeUnit.MILLISECONDS));
    }

    StatementCosts(List<PostgresEndpoint> endpoints) throws SQLException {
        for (PostgresEndpoint server : endpoints) {
            Connection c = server.connect("postgres");
            servers.put(server.name(), c);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
                s.execute("SELECT pg_stat_statements_reset()");
            }
            sessionsBefore.put(server.name(), sessions(c));
        }
    }

    /** The window's costs: sessions opened per server, and the top statements by total execution time. */
    Map<String, Object> summary() throws SQLException {
        Map<String, Long> opened = new LinkedHashMap<>();
        Map<String, double[]> byQuery = new LinkedHashMap<>();
        double allMillis = 0;
        for (Map.Entry<String, Connection> server : servers.entrySet()) {
            opened.put(server.getKey(), sessions(server.getValue()) - sessionsBefore.get(server.getKey()));
            try (Statement s = server.getValue().createStatement(); ResultSet rs = s.executeQuery("""
                    SELECT regexp_replace(query, '\\s+', ' ', 'g'), sum(calls), sum(total_exec_time)
                      FROM pg_stat_statements GROUP BY 1""")) {
                while (rs.next()) {
                    double[] costs = byQuery.computeIfAbsent(rs.getString(1), q -> new double[2]);
                    costs[0] += rs.getLong(2);
                    costs[1] += rs.getDouble(3);
                    allMillis += rs.getDouble(3);
                }
            }
        }
        List<Map<String, Object>> top = new ArrayList<>();
        double total = allMillis;
        byQuery.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[1], a.getValue()[1])).limit(TOP)
                .forEach(e -> {
                    Map<String, Object> statement = new LinkedHashMap<>();
                    String query = e.getKey();
                    statement.put("query", query.length() > 120 ? query.substring(0, 120) + "…" : query);
                    statement.put("calls", (long) e.getValue()[0]);
                    statement.put("meanMs", e.getValue()[0] == 0 ? 0 : e.getValue()[1] / e.getValue()[0]);
                    statement.put("shareOfExecution", total == 0 ? 0 : e.getValue()[1] / total);
                    top.add(statement);
                });
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("sessionsOpened", opened);
        summary.put("executionMs", allMillis);
        summary.put("topStatements", top);
        return summary;
    }

    private static long sessions(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_clear_snapshot()");
            try (ResultSet rs = s.executeQuery("SELECT coalesce(sum(sessions), 0) FROM pg_stat_database")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public void close() throws SQLException {
        for (Connection c : servers.values()) {
            c.close();
        }
    }
}
