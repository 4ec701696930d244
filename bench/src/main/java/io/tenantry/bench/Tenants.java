package io.tenantry.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;

import io.tenantry.devlauncher.Api;

/** Organizations onboarded through metadata-service and given data through results-service, as users would. */
final class Tenants {

    /** A tenant ready for reads: a job with docking results, and a client token of its organization. */
    record Seeded(String orgId, String jobId, String clientToken) {
    }

    private Tenants() {
    }

    /** Onboards {@code count} organizations at once and waits until the provisioner has made each a tenant. */
    static List<String> onboard(BenchPlatform bench, String prefix, int count) throws Exception {
        String admin = bench.adminToken();
        List<String> orgs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            orgs.add(prefix + "_" + i);
        }
        parallel(orgs, orgId -> {
            bench.onboard(admin, orgId, Map.of());
            return orgId;
        });
        awaitActive(bench, orgs);
        return orgs;
    }

    /** Waits until the provisioner has made each of these organizations a tenant. */
    static void awaitActive(BenchPlatform bench, List<String> orgs) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        int active;
        while ((active = bench.active(orgs).size()) < orgs.size()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + active + " of " + orgs.size() + " tenants became active");
            }
            Bench.log(active + " of " + orgs.size() + " tenants active");
            Thread.sleep(orgs.size() == 1 ? 250 : 5000);
        }
    }

    /** One job per tenant, taken by a worker, with {@code results} docking results ingested in one request. */
    static List<Seeded> seed(BenchPlatform bench, List<String> orgs, int results) throws Exception {
        return parallel(orgs, orgId -> {
            String client = bench.token(orgId, BenchPlatform.CLIENT);
            String worker = bench.token(orgId, BenchPlatform.WORKER);
            String jobs = "/api/v1/orgs/" + orgId + "/jobs";
            BenchPlatform.expect(bench.send(Api.results(jobs), "POST", client, Map.of(
                    "template", "standard-docking", "inputs", Map.of("receptor", "1ABC", "ligandSet", "bench"))), 201);
            JsonNode job = BenchPlatform.expect(bench.send(Api.results("/api/v1/orgs/" + orgId + "/work/next"),
                    "POST", worker, Map.of("worker", "seeder")), 200);
            String jobId = job.get("id").asText();
            BenchPlatform.expect(bench.send(Api.results("/api/v1/orgs/" + orgId + "/work/jobs/" + jobId
                    + "/docking-results"), "POST", worker, Map.of("worker", "seeder", "results", poses(results))), 201);
            return new Seeded(orgId, jobId, client);
        });
    }

    /** Docking results as a worker reports them: a score per molecule and a few poses each. */
    static List<Map<String, Object>> poses(int count) {
        List<Map<String, Object>> results = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            results.add(Map.of("moleculeId", UUID.randomUUID(), "score", -4.0 - (i % 97) / 10.0, "rank", i + 1,
                    "poses", List.of(Map.of("x", i, "y", -i, "z", 0.5), Map.of("x", i + 1, "y", -i, "z", 1.5))));
        }
        return results;
    }

    interface Step<T, R> {
        R run(T item) throws Exception;
    }

    /** Runs the step for every item, eight at a time, and returns the results in the items' order. */
    static <T, R> List<R> parallel(List<T> items, Step<T, R> step) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<R>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(pool.submit(() -> step.run(item)));
            }
            List<R> results = new ArrayList<>();
            for (Future<R> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
