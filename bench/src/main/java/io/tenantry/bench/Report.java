package io.tenantry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Writes a run's figures: {@code results.json} (every run of every variant, and per variant the median run with
 * the slowest and fastest beside it) and {@code report.md} with SVG charts, for a person.
 */
final class Report {

    private Report() {
    }

    /** The runs of one variant of one figure over one number of tenants, and their median. */
    record Summary(String figure, String variant, int tenants, String unit, Measurement median, double slowest,
                   double fastest, int runs) {
    }

    static void write(Path out, Bench.Options options, Map<String, Object> setup, List<Measurement> measurements)
            throws IOException {
        List<Summary> summaries = summarize(measurements);
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "memoryGiB", Math.round(totalMemoryGiB()), "java", System.getProperty("java.version"),
                "os", System.getProperty("os.name") + " " + System.getProperty("os.version")));
        results.put("options", options.asMap());
        results.put("setup", setup);
        results.put("summaries", summaries);
        results.put("measurements", measurements);
        BenchPlatform.JSON.writerWithDefaultPrettyPrinter().writeValue(out.resolve("results.json").toFile(), results);
        Files.writeString(out.resolve("report.md"), markdown(out, options, setup, summaries, measurements));
    }

    static List<Summary> summarize(List<Measurement> measurements) {
        Map<String, List<Measurement>> byVariant = measurements.stream().collect(Collectors.groupingBy(
                m -> m.figure() + "|" + m.variant() + "|" + m.tenants(), LinkedHashMap::new, Collectors.toList()));
        List<Summary> summaries = new ArrayList<>();
        byVariant.values().forEach(runs -> {
            Measurement median = Measurement.median(runs);
            summaries.add(new Summary(median.figure(), median.variant(), median.tenants(), median.unit(), median,
                    Measurement.spread(runs, false), Measurement.spread(runs, true), runs.size()));
        });
        return summaries;
    }

    private static String markdown(Path out, Bench.Options options, Map<String, Object> setup, List<Summary> summaries,
                                   List<Measurement> measurements) throws IOException {
        StringBuilder md = new StringBuilder("# Benchmark report\n\n");
        md.append(String.format(Locale.ROOT, "%d cores, %d GiB, Java %s. Options: %s.%n%n",
                Runtime.getRuntime().availableProcessors(), Math.round(totalMemoryGiB()), System.getProperty("java.version"),
                options.asMap()));
        if (!setup.isEmpty()) {
            md.append("Setup: ").append(setup).append("\n\n");
        }
        md.append("| figure | variant | tenants | median | slowest – fastest | p50 | p99 | worst | failures | peak connections | CPU cores used |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Summary s : summaries) {
            Measurement m = s.median();
            if (m.extra().get("missing") instanceof String why) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %d | missing: %s | | | | | | | |%n", s.figure(),
                        s.variant(), s.tenants(), why));
                continue;
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %,.0f %s%s | %,.0f – %,.0f | %s | %d | %s | %s |%n",
                    s.figure(), s.variant(), s.tenants(), m.rate(), m.unit(), duration(m), s.slowest(), s.fastest(),
                    latencies(m), m.failures(),
                    m.peakConnections() == 0 ? "" : m.peakConnections() + " " + m.peakConnectionsByServer(),
                    cpu(m)));
        }
        md.append(residentMemory(summaries));
        md.append(openModel(summaries));
        md.append(independentTools(summaries));
        md.append(profile(summaries));
        md.append(backupsAndRestores(summaries));
        md.append(moves(measurements));
        md.append(registryScale(measurements));
        md.append(notes(measurements, TwoReplicas.FIGURE, "Two replicas sharing each server's budget",
                List.of("serverBudget", "withinBudget", "answeredByReplica", "sharesAfter", "cpuCores")));
        md.append(notes(measurements, Writes.FIGURE, "What PostgreSQL spent on the writes", List.of("postgres")));
        md.append(notes(measurements, RoutedReads.FIGURE, "What PostgreSQL spent on the reads", List.of("postgres")));
        for (Map.Entry<String, Chart> chart : charts(summaries).entrySet()) {
            Files.writeString(out.resolve(chart.getKey()), chart.getValue().svg());
            md.append("\n![").append(chart.getKey()).append("](").append(chart.getKey()).append(")\n");
        }
        return md.toString();
    }

    /** results-service's resident memory after each spread of routed reads, its tenants' pools warm. */
    private static String residentMemory(List<Summary> summaries) {
        String bySpread = of(summaries, RoutedReads.FIGURE).stream()
                .filter(s -> s.median().extra().get("resultsServiceRssMiB") instanceof Number)
                .collect(Collectors.toMap(Summary::tenants,
                        s -> ((Number) s.median().extra().get("resultsServiceRssMiB")).doubleValue(), Math::max,
                        TreeMap::new))
                .entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%,.0f MiB with %d warm tenant%s", e.getValue(), e.getKey(),
                        e.getKey() == 1 ? "" : "s"))
                .collect(Collectors.joining(", "));
        return bySpread.isEmpty() ? "" : "\nresults-service resident memory: " + bySpread + ".\n";
    }

    /** Each offered rate of the open model beside what was achieved, and the whole latency distribution. */
    private static String openModel(List<Summary> summaries) {
        List<Summary> open = of(summaries, OpenModel.FIGURE);
        if (open.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("\nOpen model (constant arrival rate, latency from each request's due time; "
                + "one run per rate):\n\n| tenants | kind | offered | achieved | p50 | p90 | p99 | p99.9 "
                + "| max | not sent | failures |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Summary s : open) {
            Measurement m = s.median();
            Map<String, Object> extra = m.extra();
            md.append(String.format(Locale.ROOT, "| %d | %s | %,.0f/s (%s %% of %,.0f/s) | %,.0f/s | %.2f ms | %.2f ms "
                            + "| %.2f ms | %.2f ms | %.1f ms | %s | %d |%n", m.tenants(), extra.get("kind"),
                    number(extra, "offeredPerSecond"), extra.get("percentOfCapacity"), number(extra, "capacityPerSecond"),
                    m.rate(), m.p50Millis(), number(extra, "p90Millis"), m.p99Millis(), number(extra, "p999Millis"),
                    m.maxMillis(), extra.get("notSent"), m.failures()));
        }
        return md.toString();
    }

    /** pgbench and wrk beside the suite's own generators, on the same reads at the same concurrency. */
    private static String independentTools(List<Summary> summaries) {
        StringBuilder md = new StringBuilder();
        for (String[] pair : new String[][] {{RoutedReads.FIGURE, "get-job", "get-job (wrk)"},
                {DirectReads.FIGURE, "get-job", "get-job (pgbench)"}}) {
            Summary theirs = summaries.stream().filter(s -> s.figure().equals(pair[0]) && s.variant().equals(pair[2]))
                    .findFirst().orElse(null);
            Summary ours = summaries.stream().filter(s -> s.figure().equals(pair[0]) && s.variant().equals(pair[1])
                    && s.tenants() == 1).findFirst().orElse(null);
            if (theirs == null) {
                continue;
            }
            Measurement t = theirs.median();
            if (t.extra().get("missing") instanceof String why) {
                md.append(String.format(Locale.ROOT, "- %s: not measured, %s%n", pair[2], why));
            } else {
                md.append(String.format(Locale.ROOT, "- %s (`%s`): %,.0f %s, p50 %.2f ms, p99 %.2f ms, %d failures",
                        pair[2], t.extra().get("tool"), t.rate(), t.unit(), t.p50Millis(), t.p99Millis(), t.failures()));
                md.append(ours == null ? "\n" : String.format(Locale.ROOT, "; the suite's %s: %,.0f %s (%.0f %%), p50 "
                                + "%.2f ms, p99 %.2f ms%n", pair[0], ours.median().rate(), ours.median().unit(),
                        100 * ours.median().rate() / t.rate(), ours.median().p50Millis(), ours.median().p99Millis()));
            }
        }
        return md.isEmpty() ? "" : "\nIndependent tools, one tenant, the same read at the same concurrency:\n\n" + md;
    }

    /** The hot-method tables of results-service's JFR recording (the full tables are in profile-results-service.txt). */
    @SuppressWarnings("unchecked")
    private static String profile(List<Summary> summaries) {
        StringBuilder md = new StringBuilder();
        for (Summary s : of(summaries, ResultsProfile.FIGURE)) {
            Map<String, Object> extra = s.median().extra();
            if (extra.get("missing") instanceof String why) {
                md.append("\nresults-service profile: not measured, ").append(why).append("\n");
                continue;
            }
            md.append(String.format(Locale.ROOT, "\nWhere results-service's time goes (JFR, %s over %d tenants, %,.0f "
                            + "requests/s while recorded, %s execution samples, GC %s, CPU %s; full tables in "
                            + "[profile-results-service.txt](profile-results-service.txt), recording `%s`):\n",
                    extra.get("kind"), s.tenants(), s.median().rate(), extra.get("executionSamples"), extra.get("gc"),
                    extra.get("cpuLoad"), extra.get("recording")));
            for (String[] table : new String[][] {{"topFrames", "top frames (self)"},
                    {"nearestOfOurs", "nearest io.tenantry frame"}, {"byLibrary", "by library"}}) {
                md.append("\n| ").append(table[1]).append(" | samples | % |\n|---|---|---|\n");
                for (Map<String, Object> row : (List<Map<String, Object>>) extra.get(table[0])) {
                    md.append(String.format(Locale.ROOT, "| `%s` | %s | %s |%n", row.get("frame"), row.get("samples"),
                            row.get("percent")));
                }
            }
        }
        return md.toString();
    }

    /** What the table leaves out of the median backup and restore runs: stored bytes, rows, the tenant's downtime. */
    private static String backupsAndRestores(List<Summary> summaries) {
        StringBuilder notes = new StringBuilder();
        for (Summary s : of(summaries, TenantBackups.FIGURE)) {
            Map<String, Object> extra = s.median().extra();
            if (extra.containsKey("storedBytes")) {
                notes.append(String.format(Locale.ROOT, "- %s: %,.0f MiB database, %,.0f MiB stored (%.0f MiB/s), %,d rows "
                                + "(%,.0f rows/s)%n", s.variant(), number(extra, "databaseBytes") / 1048576,
                        number(extra, "storedBytes") / 1048576, number(extra, "storedMiBPerSecond"),
                        (long) number(extra, "rows"), number(extra, "rowsPerSecond")));
            }
            if (extra.containsKey("unavailableSeconds")) {
                notes.append(String.format(Locale.ROOT, "- %s: tenant refused to its reader for %.1f s (maintenance flag "
                                + "on for %.1f s, %.1f s of it the safety backup; %.1f s verifying before the 202); "
                                + "reader's answers %s%n", s.variant(), number(extra, "unavailableSeconds"),
                        number(extra, "maintenanceSeconds"), number(extra, "safetyBackupSeconds"),
                        number(extra, "requestSeconds"), extra.get("readerAnswers")));
            }
        }
        return notes.isEmpty() ? "" : "\nBackups and restores (median runs):\n\n" + notes;
    }

    /** Every move of the tenant under load, the pauses' median and worst over them, the drain and the writes' verdict. */
    private static String moves(List<Measurement> measurements) {
        List<Measurement> moves = measurements.stream().filter(m -> m.figure().equals(TenantMoves.FIGURE)).toList();
        StringBuilder notes = new StringBuilder();
        for (Measurement m : moves) {
            Map<String, Object> extra = m.extra();
            switch (m.variant()) {
                case "drain" -> notes.append(String.format(Locale.ROOT, "- drain: %d tenants in %.1f s (%.0f tenants/min, "
                                + "%s at a time), each requested to done median %.0f ms, worst %.0f ms; outcomes %s%n",
                        m.tenants(), number(extra, "seconds"), m.rate(), extra.get("concurrency"), m.p50Millis(),
                        m.maxMillis(), extra.get("outcomes")));
                case TenantMoves.UNDER_LOAD -> notes.append(String.format(Locale.ROOT, "- move %d, %s to %s (%s): %.1f s, "
                                + "copy %.1f s; writes paused %.0f ms (provisioner), %.0f ms (client); reads %s; "
                                + "write refusals %s (%.0f writes/s acknowledged)%n", m.run(), extra.get("from"), extra.get("to"),
                        extra.get("step"), number(extra, "seconds"), number(extra, "copySeconds"),
                        number(extra, "writePauseMs"), number(extra, "clientWritePauseMs"), extra.get("readAnswers"),
                        extra.get("writeRefusals"), number(extra, "writesPerSecond")));
                default -> notes.append(String.format(Locale.ROOT, "- writes on %s: %s acknowledged, %s jobs before, %s "
                                + "after: %s lost, %s duplicated, %s abandoned%n", extra.get("server"),
                        extra.get("acknowledged"), extra.get("jobsBefore"), extra.get("jobsAfter"), extra.get("lost"),
                        extra.get("duplicated"), extra.get("abandoned")));
            }
        }
        List<Measurement> underLoad = moves.stream().filter(m -> m.variant().equals(TenantMoves.UNDER_LOAD)).toList();
        if (!underLoad.isEmpty()) {
            notes.append(String.format(Locale.ROOT, "- write pause over %d moves: provisioner p50 %s, max %s; client p50 %s, "
                    + "max %s%n", underLoad.size(), p50AndMax(underLoad, "writePauseMs", false),
                    p50AndMax(underLoad, "writePauseMs", true), p50AndMax(underLoad, "clientWritePauseMs", false),
                    p50AndMax(underLoad, "clientWritePauseMs", true)));
        }
        return notes.isEmpty() ? "" : "\nMoving tenants:\n\n" + notes;
    }

    /** The registry figure's sizes, and the plans and answers behind its timings. */
    private static String registryScale(List<Measurement> measurements) {
        StringBuilder notes = new StringBuilder();
        for (Measurement m : measurements) {
            if (m.figure().equals(RegistryScale.FIGURE)) {
                Map<String, Object> extra = new LinkedHashMap<>(m.extra());
                extra.remove("millis");
                notes.append(String.format(Locale.ROOT, "- %s (%,d tenants): %s%n", m.variant(), m.tenants(), extra));
            }
        }
        return notes.isEmpty() ? "" : "\nThe registry at scale:\n\n" + notes;
    }

    /** The named extras of each run of a figure that has them, one line a run. */
    private static String notes(List<Measurement> measurements, String figure, String title, List<String> keys) {
        StringBuilder notes = new StringBuilder();
        for (Measurement m : measurements) {
            if (m.figure().equals(figure) && keys.stream().anyMatch(m.extra()::containsKey)) {
                Map<String, Object> shown = new LinkedHashMap<>();
                keys.stream().filter(m.extra()::containsKey).forEach(key -> shown.put(key, m.extra().get(key)));
                notes.append(String.format(Locale.ROOT, "- %s (%,d tenants, run %d): %s%n", m.variant(), m.tenants(),
                        m.run(), shown));
            }
        }
        return notes.isEmpty() ? "" : "\n" + title + ":\n\n" + notes;
    }

    private static String p50AndMax(List<Measurement> runs, String key, boolean max) {
        double[] values = runs.stream().mapToDouble(m -> number(m.extra(), key)).filter(v -> !Double.isNaN(v)).sorted()
                .toArray();
        return values.length == 0 ? "n/a" : String.format(Locale.ROOT, "%.0f ms",
                max ? values[values.length - 1] : values[values.length / 2]);
    }

    private static double number(Map<String, Object> extra, String key) {
        return extra.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** The whole run's length, for figures timed as one operation (a rollout). */
    private static String duration(Measurement m) {
        return m.extra().get("seconds") instanceof Number seconds
                ? String.format(Locale.ROOT, " (%.1f s)", seconds.doubleValue()) : "";
    }

    /** p50, p99 and worst, or blanks for figures without per-request latencies. */
    private static String latencies(Measurement m) {
        if (m.maxMillis() == 0) {
            return " | | ";
        }
        return String.format(Locale.ROOT, "%.2f ms | %.2f ms | %.0f ms", m.p50Millis(), m.p99Millis(), m.maxMillis());
    }

    /** Where the CPU went, as "part cores" pairs, the busiest first. */
    @SuppressWarnings("unchecked")
    private static String cpu(Measurement m) {
        Object cores = m.extra().get("cpuCores");
        if (!(cores instanceof Map<?, ?> map)) {
            return "";
        }
        return ((Map<String, Double>) map).entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    /** The charts there is data for, by file name. */
    static Map<String, Chart> charts(List<Summary> summaries) {
        Map<String, Chart> charts = new LinkedHashMap<>();
        List<Summary> reads = of(summaries, RoutedReads.FIGURE);
        if (!reads.isEmpty()) {
            List<Integer> spreads = reads.stream().map(Summary::tenants).distinct().sorted().toList();
            List<String> groups = spreads.stream().map(t -> t + (t == 1 ? " tenant" : " tenants")).toList();
            Object clients = reads.get(0).median().extra().get("clients");
            Chart rate = new Chart("Routed reads, " + clients + " clients: requests per second", "requests/s", groups);
            Chart p99 = new Chart("Routed reads, " + clients + " clients: latency", "milliseconds", groups);
            for (String kind : List.of("get-job", "top-10-docking-results")) {
                rate.series(kind, values(reads, kind, spreads, s -> s.median().rate()));
                p99.series(kind + " p50", values(reads, kind, spreads, s -> s.median().p50Millis()));
                p99.series(kind + " p99", values(reads, kind, spreads, s -> s.median().p99Millis()));
            }
            charts.put("routed-reads-throughput.svg", rate);
            charts.put("routed-reads-latency.svg", p99);
        }
        List<Summary> direct = of(summaries, DirectReads.FIGURE);
        if (!direct.isEmpty() && !reads.isEmpty()) {
            List<String> kinds = List.of("get-job", "top-10-docking-results");
            Chart limit = new Chart("One tenant, " + direct.get(0).median().extra().get("clients")
                    + " clients: routed HTTP against direct JDBC", "per second", kinds);
            limit.series("HTTP, routed", kinds.stream().mapToDouble(k -> find(reads, k, 1).median().rate()).toArray());
            limit.series("JDBC, direct", kinds.stream().mapToDouble(k -> find(direct, k, 1).median().rate()).toArray());
            charts.put("http-vs-direct.svg", limit);
        }
        for (int tenants : of(summaries, OpenModel.FIGURE).stream().map(Summary::tenants).distinct().toList()) {
            List<Summary> open = of(summaries, OpenModel.FIGURE).stream().filter(s -> s.tenants() == tenants).toList();
            Chart latency = new Chart("Open model, GET job over " + tenants + (tenants == 1 ? " tenant" : " tenants")
                    + ": latency by offered rate", "milliseconds", open.stream().map(s -> String.format(Locale.ROOT,
                    "%s %% (%,.0f/s)", s.median().extra().get("percentOfCapacity"),
                    number(s.median().extra(), "offeredPerSecond"))).toList());
            latency.series("p50", open.stream().mapToDouble(s -> s.median().p50Millis()).toArray());
            latency.series("p90", open.stream().mapToDouble(s -> number(s.median().extra(), "p90Millis")).toArray());
            latency.series("p99", open.stream().mapToDouble(s -> s.median().p99Millis()).toArray());
            latency.series("p99.9", open.stream().mapToDouble(s -> number(s.median().extra(), "p999Millis")).toArray());
            charts.put("open-model-latency-" + tenants + ".svg", latency);
        }
        List<Summary> provisioning = of(summaries, Provisioning.FIGURE);
        if (!provisioning.isEmpty()) {
            Measurement m = provisioning.get(0).median();
            charts.put("provisioning.svg", new Chart("Organization created to first routed read ("
                    + m.tenants() + " tenants, one at a time)", "milliseconds", List.of("median", "p99", "worst"))
                    .series("latency", new double[] {m.p50Millis(), m.p99Millis(), m.maxMillis()}));
        }
        List<Summary> rollouts = of(summaries, FleetRollouts.FIGURE);
        if (!rollouts.isEmpty()) {
            List<String> variants = rollouts.stream().map(Summary::variant).toList();
            charts.put("fleet-rollout.svg", new Chart("Fleet rollout over " + rollouts.get(0).tenants() + " tenants",
                    "seconds", variants).series("duration", rollouts.stream()
                    .mapToDouble(s -> number(s.median().extra(), "seconds")).toArray()));
        }
        List<Summary> backups = of(summaries, TenantBackups.FIGURE);
        if (!backups.isEmpty()) {
            charts.put("backup-restore.svg", new Chart("Backups and restores of one tenant of "
                    + Math.round(number(backups.get(0).median().extra(), "databaseBytes") / 1048576) + " MiB", "seconds",
                    backups.stream().map(Summary::variant).toList())
                    .series("duration", backups.stream().mapToDouble(s -> number(s.median().extra(), "seconds")).toArray())
                    .series("tenant refused to readers", backups.stream()
                            .mapToDouble(s -> s.median().extra().get("unavailableSeconds") instanceof Number n
                                    ? n.doubleValue() : 0).toArray()));
        }
        return charts;
    }

    private static List<Summary> of(List<Summary> summaries, String figure) {
        return summaries.stream().filter(s -> s.figure().equals(figure)).toList();
    }

    private static Summary find(List<Summary> summaries, String variant, int tenants) {
        return summaries.stream().filter(s -> s.variant().equals(variant) && s.tenants() == tenants).findFirst()
                .orElseThrow();
    }

    private static double[] values(List<Summary> summaries, String variant, List<Integer> spreads,
                                   ToDoubleFunction<Summary> value) {
        return spreads.stream().map(t -> summaries.stream().filter(s -> s.variant().equals(variant) && s.tenants() == t)
                        .findFirst().orElse(null))
                .filter(Objects::nonNull).mapToDouble(value).toArray();
    }

    private static double totalMemoryGiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0;
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
