package io.tenantry.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

import io.tenantry.devlauncher.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/**
 * Figure 5: writes. Job submissions by {@code --clients} clients spread over up to 100 tenants (each stored under
 * its tenant's quota lock, recorded on the timeline and queued on Redis); and docking results ingested by 16
 * workers, each holding a job in its own tenant, in batches of 1,000 rows per request.
 */
final class Writes {

    static final String FIGURE = "writes";
    private static final int BATCH = 1000;
    private static final int WORKERS = 16;

    private Writes() {
    }

    static List<Measurement> run(BenchPlatform bench, Bench.Options options, List<Tenants.Seeded> tenants) throws Exception {
        List<Measurement> runs = new ArrayList<>();
        List<Tenants.Seeded> spread = tenants.subList(0, Math.min(100, tenants.size()));
        Buffer job = Buffer.buffer(BenchPlatform.JSON.writeValueAsBytes(Map.of("template", "standard-docking",
                "inputs", Map.of("receptor", "1ABC", "ligandSet", "bench"))));
        List<Held> held = holdJobs(bench, tenants.subList(0, Math.min(WORKERS, tenants.size())));
        Buffer batch = Buffer.buffer(BenchPlatform.JSON.writeValueAsBytes(Map.of("worker", "bench-ingest",
                "results", Tenants.poses(BATCH))));
        try (LoadGenerator load = new LoadGenerator(8082)) {
            for (int run = 1; run <= options.runs(); run++) {
                try (ConnectionCensus census = new ConnectionCensus(bench.tenantServers())) {
                    CompletableFuture<CpuCensus> cpu = CpuCensus.after(options.warmup(), bench);
                    CompletableFuture<StatementCosts> costs = StatementCosts.after(options.warmup(),
                            bench.tenantServers());
                    LoadGenerator.Result result = load.run(options.clients(), options.warmup(), options.measure(), () -> {
                        Tenants.Seeded t = spread.get(ThreadLocalRandom.current().nextInt(spread.size()));
                        return new LoadGenerator.Request(HttpMethod.POST, "/api/v1/orgs/" + t.orgId() + "/jobs",
                                t.clientToken(), job);
                    });
                    try (StatementCosts postgres = costs.join()) {
                        runs.add(log(Measurement.of(FIGURE, "job-submissions", spread.size(), run, result, census,
                                Map.of("clients", options.clients(), "cpuCores", cpu.join().coresUsed(),
                                        "postgres", postgres.summary()))));
                    }
                }
                AtomicInteger next = new AtomicInteger();
                try (ConnectionCensus census = new ConnectionCensus(bench.tenantServers())) {
                    CompletableFuture<CpuCensus> cpu = CpuCensus.after(options.warmup(), bench);
                    LoadGenerator.Result result = load.run(held.size(), options.warmup(), options.measure(), () -> {
                        Held h = held.get(Math.floorMod(next.getAndIncrement(), held.size()));
                        return new LoadGenerator.Request(HttpMethod.POST, "/api/v1/orgs/" + h.orgId() + "/work/jobs/"
                                + h.jobId() + "/docking-results", h.workerToken(), batch);
                    });
                    Measurement requests = Measurement.of(FIGURE, "docking-results-ingested", held.size(), run, result,
                            census, Map.of("clients", held.size(), "rowsPerRequest", BATCH,
                                    "cpuCores", cpu.join().coresUsed()));
                    runs.add(log(new Measurement(FIGURE, requests.variant(), requests.tenants(), run,
                            requests.rate() * BATCH, "rows/s", requests.p50Millis(), requests.p99Millis(),
                            requests.maxMillis(), requests.failures(), requests.peakConnections(),
                            requests.peakConnectionsByServer(), requests.extra())));
                }
            }
        }
        return runs;
    }

    private record Held(String orgId, String jobId, String workerToken) {
    }

    /** One job per tenant taken by a worker, whose token then reports on it. */
    private static List<Held> holdJobs(BenchPlatform bench, List<Tenants.Seeded> tenants) throws Exception {
        return Tenants.parallel(tenants, t -> {
            String worker = bench.token(t.orgId(), BenchPlatform.WORKER);
            BenchPlatform.expect(bench.send(Api.results("/api/v1/orgs/" + t.orgId() + "/jobs"), "POST",
                    t.clientToken(), Map.of("template", "standard-docking", "priority", 9,
                            "inputs", Map.of("receptor", "1ABC", "ligandSet", "bench"))), 201);
            JsonNode job = BenchPlatform.expect(bench.send(Api.results("/api/v1/orgs/" + t.orgId()
                    + "/work/next"), "POST", worker, Map.of("worker", "bench-ingest")), 200);
            return new Held(t.orgId(), job.get("id").asText(), worker);
        });
    }

    private static Measurement log(Measurement m) {
        Bench.log(String.format("%s over %d tenants, run %d: %.0f %s, p50 %.2f ms, p99 %.2f ms, %d failures", m.variant(),
                m.tenants(), m.run(), m.rate(), m.unit(), m.p50Millis(), m.p99Millis(), m.failures()));
        return m;
    }
}
