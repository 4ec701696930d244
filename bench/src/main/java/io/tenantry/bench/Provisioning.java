package io.tenantry.bench;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;

import io.tenantry.devlauncher.Api;

/**
 * Figure 1: tenant provisioning. One organization at a time is onboarded through metadata-service; the clock
 * stops when the organization's first routed request through results-service answers 200 (before that it
 * answers 409, not ready). So each figure spans the wake-up on Redis, the provisioner's work (role, database
 * copied from the template, grants, migration check, registry, status), its announcement, and results-service
 * opening the tenant's first connection.
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
            CpuCensus cpu = CpuCensus.begin(bench);
            long started = System.nanoTime();
            for (int i = 0; i < options.provisioned(); i++) {
                latency.recordValue(createdToFirstRead(bench, admin, "prov_" + run + "_" + i) / 1000);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            Measurement m = new Measurement(FIGURE, "organization-created-to-first-routed-read", options.provisioned(),
                    run, options.provisioned() / seconds * 60, "tenants/min", latency.getValueAtPercentile(50) / 1000.0,
                    latency.getValueAtPercentile(99) / 1000.0, latency.getMaxValue() / 1000.0, 0, 0, Map.of(),
                    Map.of("cpuCores", cpu.coresUsed()));
            Bench.log(String.format("provisioning run %d: %d tenants, median %.0f ms, p99 %.0f ms, worst %.0f ms, "
                    + "%.0f tenants/min", run, options.provisioned(), m.p50Millis(), m.p99Millis(), m.maxMillis(),
                    m.rate()));
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
}
