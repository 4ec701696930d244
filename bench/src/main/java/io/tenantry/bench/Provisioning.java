package io.tenantry.bench;

import java.net.URI;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;

import io.tenantry.devlauncher.Api;

/**
 * Figure 1: tenant provisioning. One organization at a time is onboarded through metadata-service; the clock
 * stops when the organization's first routed request through results-service answers 200 (before that it
 * answers 409, not ready). So each figure spans the wake-up on Redis, the provisioner's work (role, database
 * copied from the template, grants, migration check, registry, status), its announcement, and results-service
 * opening the tenant's first connection. The provisioner renames one of the server's spare databases when one is
 * ready (its registry records which tenant took which spare), otherwise it copies and migrates a database; each
 * run reports both kinds apart, and the refill cost: how long each spare built during the run took to be ready.
 */
final class Provisioning {

    static final String FIGURE = "provisioning";

    private Provisioning() {
    }

    static List<Measurement> run(BenchPlatform bench, Bench.Options options) throws Exception {
        List<Measurement> runs = new ArrayList<>();
        String admin = bench.adminToken();
        for (int run = 1; run <= options.runs(); run++) {
            Histogram latency = new Histogram(600_000_000L, 3);
            Histogram fromSpare = new Histogram(600_000_000L, 3);
            Histogram built = new Histogram(600_000_000L, 3);
            Timestamp runStarted = databaseNow(bench);
            CpuCensus cpu = CpuCensus.begin(bench);
            long started = System.nanoTime();
            for (int i = 0; i < options.provisioned(); i++) {
                String orgId = "prov_" + run + "_" + i;
                long micros = createdToFirstRead(bench, admin, orgId) / 1000;
                latency.recordValue(micros);
                (tookSpare(bench, orgId) ? fromSpare : built).recordValue(micros);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            Histogram spareBuilds = spareBuildMillis(bench, runStarted);
            Map<String, Object> extra = new HashMap<>();
            extra.put("cpuCores", cpu.coresUsed());
            extra.put("fromSpare", fromSpare.getTotalCount());
            extra.put("fromSpareP50Millis", fromSpare.getValueAtPercentile(50) / 1000.0);
            extra.put("fromSpareP99Millis", fromSpare.getValueAtPercentile(99) / 1000.0);
            extra.put("builtP50Millis", built.getValueAtPercentile(50) / 1000.0);
            extra.put("builtP99Millis", built.getValueAtPercentile(99) / 1000.0);
            extra.put("sparesBuilt", spareBuilds.getTotalCount());
            extra.put("spareBuildP50Millis", (double) spareBuilds.getValueAtPercentile(50));
            extra.put("spareBuildMaxMillis", (double) spareBuilds.getMaxValue());
            Measurement m = new Measurement(FIGURE, "organization-created-to-first-routed-read", options.provisioned(),
                    run, options.provisioned() / seconds * 60, "tenants/min", latency.getValueAtPercentile(50) / 1000.0,
                    latency.getValueAtPercentile(99) / 1000.0, latency.getMaxValue() / 1000.0, 0, 0, Map.of(), extra);
            Bench.log(String.format("provisioning run %d: %d tenants, median %.0f ms, p99 %.0f ms, worst %.0f ms, "
                    + "%.0f tenants/min; %d from a spare (median %.0f ms, p99 %.0f ms), %d built (median %.0f ms, "
                    + "p99 %.0f ms); %d spares built, median %d ms, worst %d ms", run, options.provisioned(),
                    m.p50Millis(), m.p99Millis(), m.maxMillis(), m.rate(), fromSpare.getTotalCount(),
                    fromSpare.getValueAtPercentile(50) / 1000.0, fromSpare.getValueAtPercentile(99) / 1000.0,
                    built.getTotalCount(), built.getValueAtPercentile(50) / 1000.0,
                    built.getValueAtPercentile(99) / 1000.0, spareBuilds.getTotalCount(),
                    spareBuilds.getValueAtPercentile(50), spareBuilds.getMaxValue()));
            runs.add(m);
        }
        return runs;
    }

    /** Onboards one organization and waits for its first routed read to answer 200; returns the nanoseconds between. */
    static long createdToFirstRead(BenchPlatform bench, String admin, String orgId) throws Exception {
        String token = bench.token(orgId, BenchPlatform.CLIENT);
        URI firstRequest = Api.results("/api/v1/orgs/" + orgId + "/jobs?limit=1");
        long created = System.nanoTime();
        bench.onboard(admin, orgId, Map.of());
        long deadline = created + Duration.ofMinutes(1).toNanos();
        HttpResponse<String> answer;
        while ((answer = bench.send(firstRequest, "GET", token, null)).statusCode() != 200) {
            boolean waiting = (answer.statusCode() == 409 && !answer.body().contains("(failed)"))
                    || answer.statusCode() == 503;
            if (!waiting || System.nanoTime() > deadline) {
                throw new IllegalStateException(orgId + " did not become a tenant: " + answer.statusCode() + " "
                        + answer.body());
            }
            Thread.sleep(5);
        }
        return System.nanoTime() - created;
    }

    private static Timestamp databaseNow(BenchPlatform bench) throws SQLException {
        try (Connection c = bench.metadataDatabase(); PreparedStatement s = c.prepareStatement("SELECT now()");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    /** Whether the provisioner gave the organization a renamed spare database rather than one it built. */
    private static boolean tookSpare(BenchPlatform bench, String orgId) throws SQLException {
        try (Connection c = bench.metadataDatabase();
             PreparedStatement s = c.prepareStatement("SELECT 1 FROM provisioner.spares WHERE org_id = ?")) {
            s.setString(1, orgId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** How long each spare whose build began since {@code since} took from its registry row to ready, in ms. */
    private static Histogram spareBuildMillis(BenchPlatform bench, Timestamp since) throws SQLException {
        Histogram millis = new Histogram(3_600_000L, 3);
        try (Connection c = bench.metadataDatabase(); PreparedStatement s = c.prepareStatement("""
                SELECT round(extract(epoch FROM ready_at - created_at) * 1000)::bigint FROM provisioner.spares
                 WHERE created_at >= ? AND ready_at IS NOT NULL""")) {
            s.setTimestamp(1, since);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    millis.recordValue(rs.getLong(1));
                }
            }
        }
        return millis;
    }
}
