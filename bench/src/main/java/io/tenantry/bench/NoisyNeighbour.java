package io.tenantry.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Fairness: the quiet tenants' reads (up to 99 tenants, {@code --clients} closed-loop users spread over them) alone,
 * then with one more tenant sending {@code --noisy-factor} times the load of one quiet tenant (that many times
 * a quiet tenant's share of the clients) at the same time. The noisy tenant has results-service's production
 * default rate limits as its own quota, since the suite raises the defaults so the other figures measure
 * throughput rather than limits. Target: the quiet tenants' rate and p99 with the noisy tenant within 10 % of
 * alone.
 */
final class NoisyNeighbour {

    static final String FIGURE = "noisy-neighbour";
    /** results-service's defaults (tenantry.results.rate-limits.*), which the suite raises for every tenant but this one. */
    static final Map<String, Object> PRODUCTION_LIMITS = Map.of("maxRequestsPerSecond", 50, "maxConcurrentRequests", 20);

    private NoisyNeighbour() {
    }

    static List<Measurement> run(BenchPlatform bench, Bench.Options options, List<Tenants.Seeded> tenants)
            throws Exception {
        List<Tenants.Seeded> quiet = tenants.subList(0, Math.min(99, tenants.size()));
        String admin = bench.adminToken();
        bench.onboard(admin, "noisy_0", PRODUCTION_LIMITS);
        Tenants.awaitActive(bench, List.of("noisy_0"));
        Tenants.Seeded noisy = Tenants.seed(bench, List.of("noisy_0"), 200).get(0);
        int noisyClients = (int) Math.max(1, Math.ceil((double) options.noisyFactor() * options.clients() / quiet.size()));
        List<Measurement> measurements = new ArrayList<>();
        try (LoadGenerator quietLoad = new LoadGenerator(8082); LoadGenerator noisyLoad = new LoadGenerator(8082)) {
            for (int run = 1; run <= options.runs(); run++) {
                measurements.add(log(quietReads(bench, options, quiet, quietLoad, "quiet-alone", run, Map.of())));
                CompletableFuture<LoadGenerator.Result> flood = CompletableFuture.supplyAsync(() -> {
                    try {
                        return noisyLoad.run(noisyClients, options.warmup(), options.measure(),
                                () -> LoadGenerator.Request.get(read(noisy), noisy.clientToken()));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                });
                measurements.add(log(quietReads(bench, options, quiet, quietLoad, "quiet-with-noisy", run,
                        Map.of("noisyClients", noisyClients))));
                LoadGenerator.Result noisyResult = flood.join();
                Map<String, Object> extra = new HashMap<>(Map.of("clients", noisyClients,
                        "refused429", noisyResult.statuses().getOrDefault(429, 0L)));
                extra.putAll(PRODUCTION_LIMITS);
                try (ConnectionCensus none = new ConnectionCensus(List.of())) {
                    measurements.add(log(Measurement.of(FIGURE, "noisy", 1, run, noisyResult, none, extra)));
                }
            }
        }
        return measurements;
    }

    private static Measurement quietReads(BenchPlatform bench, Bench.Options options, List<Tenants.Seeded> quiet,
                                          LoadGenerator load, String variant, int run, Map<String, Object> extra)
            throws Exception {
        try (ConnectionCensus census = new ConnectionCensus(bench.tenantServers())) {
            LoadGenerator.Result result = load.run(options.clients(), options.warmup(), options.measure(), () -> {
                Tenants.Seeded t = quiet.get(ThreadLocalRandom.current().nextInt(quiet.size()));
                return LoadGenerator.Request.get(read(t), t.clientToken());
            });
            Map<String, Object> all = new HashMap<>(extra);
            all.put("clients", options.clients());
            return Measurement.of(FIGURE, variant, quiet.size(), run, result, census, all);
        }
    }

    private static String read(Tenants.Seeded t) {
        return "/api/v1/orgs/" + t.orgId() + "/jobs/" + t.jobId() + "/docking-results?limit=10";
    }

    private static Measurement log(Measurement m) {
        Bench.log(String.format("%s %s over %d tenants, run %d: %.0f/s, p50 %.2f ms, p99 %.2f ms, %d failures %s",
                FIGURE, m.variant(), m.tenants(), m.run(), m.rate(), m.p50Millis(), m.p99Millis(), m.failures(),
                m.extra()));
        return m;
    }
}
