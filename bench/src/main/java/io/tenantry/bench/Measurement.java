package io.tenantry.bench;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * One run of one figure's variant: what was measured, with the setup it ran under. Every figure reports the
 * median of its runs, with the smallest and largest beside it as the spread.
 */
record Measurement(String figure, String variant, int tenants, int run, double rate, String unit, double p50Millis,
                   double p99Millis, double maxMillis, long failures, int peakConnections,
                   Map<String, Integer> peakConnectionsByServer, Map<String, Object> extra) {

    static Measurement of(String figure, String variant, int tenants, int run, LoadGenerator.Result result,
                          ConnectionCensus census, Map<String, Object> extra) {
        return new Measurement(figure, variant, tenants, run, result.perSecond(), "requests/s", result.micros(50) / 1000.0,
                result.micros(99) / 1000.0, result.latency().getMaxValue() / 1000.0, result.failures(),
                census.peakTotal(), census.peakByServer(), extra);
    }

    /** The run with the median rate among these runs of one variant. */
    static Measurement median(List<Measurement> runs) {
        List<Measurement> sorted = runs.stream().sorted(Comparator.comparingDouble(Measurement::rate)).toList();
        return sorted.get(sorted.size() / 2);
    }

    static double spread(List<Measurement> runs, boolean max) {
        return runs.stream().mapToDouble(Measurement::rate).reduce(max ? Double::max : Double::min).orElse(0);
    }
}
