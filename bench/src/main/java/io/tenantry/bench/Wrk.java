package io.tenantry.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.tenantry.devlauncher.LocalPlatform;

/**
 * An independent HTTP generator beside the suite's own: wrk, closed loop like it, with one thread (the suite's
 * generator has one event loop) and {@code --clients} connections, against one results-service endpoint with the
 * same bearer token. A warm-up run of {@code --warmup} seconds is discarded, then {@code --measure} seconds count.
 */
final class Wrk {

    private Wrk() {
    }

    static Measurement run(BenchPlatform bench, Bench.Options options, String variant, String path, String token)
            throws Exception {
        Optional<Path> wrk = ExternalTool.find("wrk");
        if (wrk.isEmpty()) {
            return ExternalTool.missing(RoutedReads.FIGURE, variant, 1, ExternalTool.notInstalled("wrk", "wrk"));
        }
        try {
            if (!options.warmup().isZero()) {
                ExternalTool.run(command(wrk.get(), options, options.warmup(), path, token), Map.of(),
                        bench.state.resolve("wrk-warmup.log"), options.warmup().plusMinutes(1));
            }
            CpuCensus cpu = CpuCensus.begin(bench);
            String out = ExternalTool.run(command(wrk.get(), options, options.measure(), path, token), Map.of(),
                    bench.state.resolve("wrk.log"), options.measure().plusMinutes(1));
            double rate = Double.parseDouble(ExternalTool.field(out, "^Requests/sec:\\s+([0-9.]+)"));
            long failures = out.contains("Non-2xx") ? Long.parseLong(ExternalTool.field(out, "Non-2xx or 3xx responses: (\\d+)")) : 0;
            if (out.contains("Socket errors")) {
                for (String n : ExternalTool.field(out, "Socket errors: (.*)$").replaceAll("[^0-9 ]", "").trim().split("\\s+")) {
                    failures += Long.parseLong(n);
                }
            }
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("tool", "wrk -t1 -c" + options.clients() + " --latency");
            extra.put("clients", options.clients());
            extra.put("p90Millis", millis(ExternalTool.field(out, "^\\s+90%\\s+(\\S+)")));
            extra.put("cpuCores", cpu.coresUsed());
            Measurement m = new Measurement(RoutedReads.FIGURE, variant, 1, 1, rate, "requests/s",
                    millis(ExternalTool.field(out, "^\\s+50%\\s+(\\S+)")), millis(ExternalTool.field(out, "^\\s+99%\\s+(\\S+)")),
                    millis(ExternalTool.field(out, "^\\s+Latency\\s+\\S+\\s+\\S+\\s+(\\S+)")), failures, 0, Map.of(), extra);
            Bench.log(String.format("wrk %s: %.0f/s, p50 %.2f ms, p99 %.2f ms, %d failures", path, rate, m.p50Millis(),
                    m.p99Millis(), failures));
            return m;
        } catch (IllegalStateException e) {
            return ExternalTool.missing(RoutedReads.FIGURE, variant, 1, "wrk failed: " + e.getMessage());
        }
    }

    private static List<String> command(Path wrk, Bench.Options options, Duration duration, String path, String token) {
        return List.of(wrk.toString(), "-t1", "-c" + options.clients(), "-d" + duration.toSeconds() + "s",
                "--latency", "-H", "Authorization: Bearer " + token,
                LocalPlatform.url(LocalPlatform.RESULTS_PORT) + path);
    }

    /** wrk's durations: 812.00us, 1.25ms, 2.01s, 1.50m. */
    private static double millis(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        String unit = v.replaceAll("[0-9.]", "");
        double n = Double.parseDouble(v.substring(0, v.length() - unit.length()));
        return switch (unit) {
            case "us" -> n / 1000;
            case "ms" -> n;
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            default -> throw new IllegalStateException("unknown unit in " + value);
        };
    }
}
