package io.tenantry.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Routed reads in the open model, beside the closed-loop figure: requests at a constant rate of {@code --open-rates}
 * per cent of the capacity the closed loop measured, each one's latency from the moment it was due, so queueing
 * behind a stall shows in the tail as a user at a steady rate would see it.
 */
final class OpenModel {

    static final String FIGURE = "routed-reads-open";

    private OpenModel() {
    }

    static List<Measurement> run(BenchPlatform bench, Bench.Options options, LoadGenerator load, String kind,
                                 int tenants, double capacity, Supplier<LoadGenerator.Request> next) throws Exception {
        List<Measurement> measurements = new ArrayList<>();
        for (int percent : options.openRates()) {
            double offered = capacity * percent / 100;
            try (ConnectionCensus census = new ConnectionCensus(bench.tenantServers())) {
                CompletableFuture<CpuCensus> cpu = CpuCensus.after(options.warmup(), bench);
                LoadGenerator.Result result = load.runOpen(offered, options.openMaxOutstanding(), options.warmup(),
                        options.measure(), next);
                Map<String, Object> extra = new LinkedHashMap<>();
                extra.put("kind", kind);
                extra.put("percentOfCapacity", percent);
                extra.put("capacityPerSecond", capacity);
                extra.put("offeredPerSecond", offered);
                extra.put("p90Millis", result.micros(90) / 1000.0);
                extra.put("p999Millis", result.micros(99.9) / 1000.0);
                extra.put("due", result.requests() + result.notSent());
                extra.put("notSent", result.notSent());
                extra.put("maxOutstanding", options.openMaxOutstanding());
                extra.put("statuses", result.statuses());
                extra.put("cpuCores", cpu.join().coresUsed());
                Measurement m = Measurement.of(FIGURE, variant(kind, percent), tenants, 1, result, census, extra);
                Bench.log(String.format("open model, %s over %d tenants at %d %% (%.0f/s offered): %.0f/s achieved, "
                                + "p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.0f ms, %d not sent, "
                                + "%d failures", kind, tenants, percent, offered, m.rate(), m.p50Millis(),
                        result.micros(90) / 1000.0, m.p99Millis(), result.micros(99.9) / 1000.0, m.maxMillis(),
                        result.notSent(), m.failures()));
                measurements.add(m);
            }
        }
        return measurements;
    }

    static String variant(String kind, int percent) {
        return kind + " at " + percent + " %";
    }
}
