package io.tenantry.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;

import io.tenantry.common.OrgId;
import io.tenantry.servers.PostgresEndpoint;

/**
 * Figure 4: the physical limit beside the HTTP figures. The same single-row read as {@code GET job} (the same
 * columns, by primary key) and the same top 10 docking results, run straight against one tenant's database over
 * JDBC by the same number of clients, each with its own connection, in the same run on the same machine. What
 * results-service adds is the rest: HTTP, the token, routing, JSON. Beside it, pgbench runs the same job read, so
 * the JDBC clients can be checked against PostgreSQL's own tool.
 */
final class DirectReads {

    static final String FIGURE = "direct-reads";
    private static final String JOB = """
            SELECT id, template_id, template_name, template_version, steps::text, inputs::text, priority, status,
                   submitted_by, claimed_by, attempt, progress, error, created_at, dispatched_at, started_at,
                   finished_at, lease_expires_at, queue_message_id
              FROM jobs WHERE id = ?""";
    private static final String TOP_TEN = """
            SELECT id, job_id, molecule_id, score, rank, poses::text, created_at
              FROM docking_results WHERE job_id = ? ORDER BY score, id LIMIT 11""";

    private DirectReads() {
    }

    static List<Measurement> run(BenchPlatform bench, Bench.Options options, Tenants.Seeded tenant) throws Exception {
        PostgresEndpoint server = bench.servers.postgres(Integer.parseInt(bench.serverOf(tenant.orgId()).substring(2)));
        String database = OrgId.of(tenant.orgId()).databaseName();
        List<Measurement> runs = new ArrayList<>();
        for (Map.Entry<String, String> query : Map.of("get-job", JOB, "top-10-docking-results", TOP_TEN).entrySet()) {
            for (int run = 1; run <= options.runs(); run++) {
                CompletableFuture<CpuCensus> cpu = CpuCensus.after(options.warmup(), bench);
                Measurement m = measure(server, database, query.getKey(), query.getValue(), UUID.fromString(tenant.jobId()),
                        options, run);
                runs.add(new Measurement(m.figure(), m.variant(), m.tenants(), m.run(), m.rate(), m.unit(), m.p50Millis(),
                        m.p99Millis(), m.maxMillis(), m.failures(), m.peakConnections(), m.peakConnectionsByServer(),
                        Map.of("clients", options.clients(), "cpuCores", cpu.join().coresUsed())));
            }
        }
        runs.add(Pgbench.run(bench, options, server, database, "get-job (pgbench)", JOB, UUID.fromString(tenant.jobId())));
        return runs;
    }

    private static Measurement measure(PostgresEndpoint server, String database, String variant, String sql, UUID jobId,
                                       Bench.Options options, int run) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(options.clients());
        long warmEnd = System.nanoTime() + options.warmup().toNanos();
        long end = warmEnd + options.measure().toNanos();
        AtomicLong count = new AtomicLong();
        List<Future<Histogram>> futures = new ArrayList<>();
        for (int i = 0; i < options.clients(); i++) {
            futures.add(clients.submit(() -> {
                Histogram latency = new Histogram(60_000_000L, 3);
                try (Connection c = server.connect(database); PreparedStatement s = c.prepareStatement(sql)) {
                    s.setObject(1, jobId);
                    while (true) {
                        long sent = System.nanoTime();
                        if (sent >= end) {
                            return latency;
                        }
                        try (ResultSet rs = s.executeQuery()) {
                            while (rs.next()) {
                                rs.getString(2);
                            }
                        }
                        long answered = System.nanoTime();
                        if (sent >= warmEnd && answered <= end) {
                            latency.recordValue(Math.max(1, (answered - sent) / 1000));
                            count.incrementAndGet();
                        }
                    }
                }
            }));
        }
        Histogram all = new Histogram(60_000_000L, 3);
        for (Future<Histogram> future : futures) {
            all.add(future.get());
        }
        clients.shutdown();
        double rate = count.get() / (options.measure().toNanos() / 1e9);
        Measurement m = new Measurement(FIGURE, variant, 1, run, rate, "queries/s", all.getValueAtPercentile(50) / 1000.0,
                all.getValueAtPercentile(99) / 1000.0, all.getMaxValue() / 1000.0, 0, options.clients(), Map.of(),
                Map.of("clients", options.clients()));
        Bench.log(String.format("direct %s over JDBC, run %d: %.0f/s, p50 %.2f ms, p99 %.2f ms", variant, run, rate,
                m.p50Millis(), m.p99Millis()));
        return m;
    }
}
