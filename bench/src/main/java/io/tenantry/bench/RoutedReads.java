package io.tenantry.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;

import io.tenantry.devlauncher.Api;

/**
 * Figure 3: routed reads. 64 clients read from results-service, each request for a tenant picked at random among
 * the first N (1, 100, 1,000): one job by id, or a job's ten best docking results. Every request is authorized,
 * resolved to its tenant and served from that tenant's own database through its pool, within the budget.
 */
final class RoutedReads {

    static final String FIGURE = "routed-reads";

    private RoutedReads() {
    }

    static List<Measurement> run(BenchPlatform bench, Bench.Options options, List<Tenants.Seeded> tenants)
            throws Exception {
        Map<String, Function<Tenants.Seeded, String>> kinds = Map.of(
                "get-job", t -> "/api/v1/orgs/" + t.orgId() + "/jobs/" + t.jobId(),
                "top-10-docking-results", t -> "/api/v1/orgs/" + t.orgId() + "/jobs/" + t.jobId()
                        + "/docking-results?limit=10");
        List<Measurement> measurements = new ArrayList<>();
        List<Integer> openSpreads = List.of(Collections.min(options.spreads()), Collections.max(options.spreads()));
        try (LoadGenerator load = new LoadGenerator(8082)) {
            // results-service compiles its read paths under the first load it sees: untimed, three times --warmup of
            // each read over the first spread, so the first measured runs do not time the JIT (on 2 shared cores they
            // did: 1,277/s against wrk's 4,402/s after 20 s of this, 5,042/s against 4,282/s after 80 s).
            if (options.profileSeconds() > 0) {
                ResultsProfile.prepare(bench);
            }
            List<Tenants.Seeded> first = tenants.subList(0, Math.min(options.spreads().get(0), tenants.size()));
            for (Function<Tenants.Seeded, String> path : kinds.values()) {
                load.run(options.clients(), Duration.ZERO, options.warmup().multipliedBy(3), randomTenant(first, path));
            }
            for (int spread : options.spreads()) {
                List<Tenants.Seeded> used = tenants.subList(0, Math.min(spread, tenants.size()));
                // Active tenants have their connections open: one request each opens them before the timed warm-up.
                Tenants.parallel(used, t -> BenchPlatform.expect(bench.send(
                        Api.results(kinds.get("get-job").apply(t)), "GET", t.clientToken(), null), 200));
                for (String kind : List.of("get-job", "top-10-docking-results")) {
                    Function<Tenants.Seeded, String> path = kinds.get(kind);
                    for (int run = 1; run <= options.runs(); run++) {
                        try (ConnectionCensus census = new ConnectionCensus(bench.tenantServers())) {
                            CompletableFuture<CpuCensus> cpu = CpuCensus.after(options.warmup(), bench);
                            CompletableFuture<StatementCosts> costs = StatementCosts.after(options.warmup(),
                                    bench.tenantServers());
                            LoadGenerator.Result result = load.run(options.clients(), options.warmup(),
                                    options.measure(), randomTenant(used, path));
                            Map<String, Object> postgres;
                            try (StatementCosts spent = costs.join()) {
                                postgres = spent.summary();
                            }
                            Measurement m = Measurement.of(FIGURE, kind, used.size(), run, result, census,
                                    Map.of("clients", options.clients(), "cpuCores", cpu.join().coresUsed(),
                                            "resultsServiceRssMiB", bench.residentMemoryMiB("results-service"),
                                            "postgres", postgres));
                            Bench.log(String.format("%s over %d tenants, run %d: %.0f/s, p50 %.2f ms, p99 %.2f ms, "
                                            + "%d failures, peak %d connections %s", kind, used.size(), run,
                                    m.rate(), m.p50Millis(), m.p99Millis(), m.failures(), m.peakConnections(),
                                    m.peakConnectionsByServer()));
                            measurements.add(m);
                        }
                    }
                    // Right after our own runs of the same read, so both meet the platform in the same state.
                    if (kind.equals("get-job") && used.size() == 1) {
                        measurements.add(Wrk.run(bench, options, "get-job (wrk)", path.apply(used.get(0)),
                                used.get(0).clientToken()));
                    }
                }
                // The closed loop's best run is the capacity the open model's rates are shares of: a slow run on a
                // shared machine would otherwise make them easy.
                if (openSpreads.contains(spread)) {
                    double capacity = Measurement.spread(measurements.stream().filter(m -> m.variant().equals("get-job")
                            && m.tenants() == used.size()).toList(), true);
                    measurements.addAll(OpenModel.run(bench, options, load, "get-job", used.size(), capacity,
                            randomTenant(used, kinds.get("get-job"))));
                }
            }
            if (options.profileSeconds() > 0) {
                List<Tenants.Seeded> widest = tenants.subList(0, Math.min(openSpreads.get(1), tenants.size()));
                measurements.add(ResultsProfile.run(bench, options, load, "get-job", widest.size(),
                        randomTenant(widest, kinds.get("get-job"))));
            }
        }
        return measurements;
    }

    /** A read of a tenant picked at random among these. */
    private static Supplier<LoadGenerator.Request> randomTenant(List<Tenants.Seeded> tenants,
                                                                Function<Tenants.Seeded, String> path) {
        return () -> {
            Tenants.Seeded t = tenants.get(ThreadLocalRandom.current().nextInt(tenants.size()));
            return LoadGenerator.Request.get(path.apply(t), t.clientToken());
        };
    }

    static Duration total(Bench.Options options) {
        return options.warmup().plus(options.measure()).multipliedBy(2L * options.runs() * options.spreads().size());
    }
}
