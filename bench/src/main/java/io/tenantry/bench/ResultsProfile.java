package io.tenantry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where results-service's time goes under the read load: Java Flight Recorder (the JDK's own profiler, started in
 * the running service with {@code jcmd <pid> JFR.start settings=profile method-profiling=max}, a stack sample of
 * running Java threads every 1 ms: at 10 ms, 20 s gave too few samples to rank frames by) over {@code --profile-seconds} of closed-loop reads after a {@code --warmup} left out of it,
 * turned into hot-method tables. The recording ({@code results-service.jfr}, for JDK Mission Control or {@code jfr
 * print}) and the tables ({@code profile-results-service.txt}, with {@code jfr summary}'s event counts) go into the
 * run's folder.
 */
final class ResultsProfile {

    static final String FIGURE = "profile";
    private static final String RECORDING = "bench-profile";
    private static final String OURS = "io.tenantry.";
    private static final int ROWS = 25;

    private ResultsProfile() {
    }

    /**
     * JFR's first start in a JVM instruments JDK classes (sockets, files), and the JIT must recompile what it had
     * compiled of them: done before the reads' warm-up, by a recording started and stopped at once, so the profiled
     * window meets compiled code. Without it results-service ran at a third of its rate while recorded.
     */
    static void prepare(BenchPlatform bench) throws IOException, InterruptedException {
        jcmd(bench, "JFR.start", "name=" + RECORDING, "settings=default");
        jcmd(bench, "JFR.stop", "name=" + RECORDING);
    }

    private static void jcmd(BenchPlatform bench, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(bench.platform.pid("results-service"))));
        line.addAll(List.of(command));
        ExternalTool.run(line, Map.of(), bench.state.resolve("jfr-" + command[0] + ".log"), Duration.ofMinutes(1));
    }

    static Measurement run(BenchPlatform bench, Bench.Options options, LoadGenerator load, String kind, int tenants,
                           Supplier<LoadGenerator.Request> next) throws Exception {
        Path out = bench.state.getParent();
        Path recording = out.resolve("results-service.jfr");
        Duration seconds = Duration.ofSeconds(options.profileSeconds());
        try {
            jcmd(bench, "JFR.start", "name=" + RECORDING, "settings=profile", "method-profiling=max");
            // A --warmup of load first, recorded but left out of the tables.
            load.run(options.clients(), Duration.ZERO, options.warmup(), next);
            Instant measured = Instant.now();
            CpuCensus cpu = CpuCensus.begin(bench);
            LoadGenerator.Result result = load.run(options.clients(), Duration.ZERO, seconds, next);
            jcmd(bench, "JFR.stop", "name=" + RECORDING, "filename=" + recording);
            Tables tables = tables(recording, measured);
            String summary = ExternalTool.run(List.of(Path.of(System.getProperty("java.home"), "bin", "jfr").toString(),
                            "summary", recording.toString()),
                    Map.of(), bench.state.resolve("jfr-summary.log"), Duration.ofMinutes(2));
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("kind", kind);
            extra.put("clients", options.clients());
            extra.put("cpuCores", cpu.coresUsed());
            extra.put("executionSamples", tables.samples);
            extra.put("requests", result.succeededInWindow());
            extra.put("recording", recording.getFileName().toString());
            extra.put("topFrames", tables.top(tables.selfFrames, 10));
            extra.put("nearestOfOurs", tables.top(tables.nearestOurs, 10));
            extra.put("byLibrary", tables.top(tables.byLibrary, 10));
            extra.put("gc", tables.gc());
            extra.put("cpuLoad", tables.cpuLoad());
            try (ConnectionCensus none = new ConnectionCensus(List.of())) {
                Measurement m = Measurement.of(FIGURE, kind, tenants, 1, result, none, extra);
                Files.writeString(out.resolve("profile-results-service.txt"), tables.text(m) + "\n`jfr summary`:\n" + summary);
                Bench.log(String.format("profiled %s over %d tenants: %.0f/s with JFR on, %d samples; top frames %s", kind,
                        tenants, m.rate(), tables.samples, tables.top(tables.selfFrames, 5)));
                return m;
            }
        } catch (IllegalStateException | IOException e) {
            return ExternalTool.missing(FIGURE, kind, tenants, "JFR profile failed: " + e.getMessage());
        }
    }

    /** Sample counts by frame, three ways, and the recording's garbage collections. */
    private static final class Tables {
        final Map<String, Long> selfFrames = new HashMap<>();
        final Map<String, Long> nearestOurs = new HashMap<>();
        final Map<String, Long> byLibrary = new HashMap<>();
        final Map<String, Long> byThread = new HashMap<>();
        long samples;
        long collections;
        Duration gcPauses = Duration.ZERO;
        final Map<String, Long> nativeFrames = new HashMap<>();
        /** jdk.CPULoad every second: results-service's share of the machine, and the machine's, summed over readings. */
        double jvmShare;
        double machineShare;
        int cpuReadings;

        void sample(RecordedEvent event) {
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                return;
            }
            samples++;
            List<RecordedFrame> frames = stack.getFrames();
            selfFrames.merge(name(frames.get(0)), 1L, Long::sum);
            nearestOurs.merge(frames.stream().filter(f -> owner(f).startsWith(OURS)).findFirst().map(Tables::name)
                    .orElse("(no io.tenantry frame: " + library(frames) + ")"), 1L, Long::sum);
            byLibrary.merge(library(frames), 1L, Long::sum);
            String thread = event.getThread("sampledThread") == null ? "?" : event.getThread("sampledThread").getJavaName();
            byThread.merge(thread == null ? "?" : thread.replaceAll("[-#]?\\d+$", ""), 1L, Long::sum);
        }

        /** The package (three parts deep) of the nearest frame outside the JDK: whose work the sample was. */
        private static String library(List<RecordedFrame> frames) {
            String owner = frames.stream().map(Tables::owner).filter(o -> !o.matches("^(java|javax|jdk|sun|com\\.sun)\\..*"))
                    .findFirst().orElse(owner(frames.get(0)));
            String[] parts = owner.split("\\.");
            return String.join(".", List.of(parts).subList(0, Math.min(3, parts.length - 1)));
        }

        /** The frame's class; a lambda's without the numbers that differ from JVM to JVM. */
        private static String owner(RecordedFrame frame) {
            return frame.getMethod() == null ? "?"
                    : frame.getMethod().getType().getName().replaceAll("\\$\\$Lambda\\$\\d+[+/]0x\\p{XDigit}+(\\.\\d+)?", "\\$\\$Lambda");
        }

        private static String name(RecordedFrame frame) {
            return frame.getMethod() == null ? "?" : owner(frame) + "." + frame.getMethod().getName();
        }

        List<Map<String, Object>> top(Map<String, Long> counts, int rows) {
            List<Map<String, Object>> top = new ArrayList<>();
            counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(rows)
                    .forEach(e -> top.add(Map.of("frame", e.getKey(), "samples", e.getValue(),
                            "percent", Math.round(e.getValue() * 1000.0 / Math.max(1, samples)) / 10.0)));
            return top;
        }

        Map<String, Object> gc() {
            return Map.of("collections", collections, "pauseMillis", gcPauses.toMillis());
        }

        /** Average share of all cores, in per cent: results-service's and the whole machine's (others' builds too). */
        Map<String, Object> cpuLoad() {
            int n = Math.max(1, cpuReadings);
            return Map.of("resultsServicePercent", Math.round(jvmShare * 100 / n),
                    "machinePercent", Math.round(machineShare * 100 / n));
        }

        String text(Measurement m) {
            StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "results-service under %s reads over %d "
                            + "tenants, %s closed-loop clients, JFR settings=profile: %.0f requests/s while recorded, "
                            + "%d execution samples, %d garbage collections pausing %d ms in all; CPU (jdk.CPULoad, share of "
                            + "all cores) %s.%n", m.extra().get("kind"), m.tenants(), m.extra().get("clients"), m.rate(),
                    samples, collections, gcPauses.toMillis(), cpuLoad()));
            table(text, "Top frames (self: the method running when sampled)", selfFrames);
            table(text, "Nearest io.tenantry frame on the stack (our method, with what it called)", nearestOurs);
            table(text, "By library (package of the nearest frame outside the JDK)", byLibrary);
            table(text, "By thread (numbers stripped)", byThread);
            table(text, "Threads in native code (jdk.NativeMethodSample, every 20 ms; mostly waiting, not CPU)",
                    nativeFrames);
            return text.toString();
        }

        private void table(StringBuilder text, String title, Map<String, Long> counts) {
            text.append("\n").append(title).append(":\n");
            long total = counts.values().stream().mapToLong(Long::longValue).sum();
            counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(ROWS)
                    .forEach(e -> text.append(String.format(Locale.ROOT, "%14d %5.1f %%  %s%n", e.getValue(),
                            e.getValue() * 100.0 / Math.max(1, total), e.getKey())));
        }
    }

    private static Tables tables(Path recording, Instant from) throws IOException {
        Tables tables = new Tables();
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (event.getStartTime().isBefore(from)) {
                    continue;
                }
                switch (event.getEventType().getName()) {
                    case "jdk.ExecutionSample" -> tables.sample(event);
                    case "jdk.CPULoad" -> {
                        tables.jvmShare += event.getFloat("jvmUser") + event.getFloat("jvmSystem");
                        tables.machineShare += event.getFloat("machineTotal");
                        tables.cpuReadings++;
                    }
                    case "jdk.NativeMethodSample" -> {
                        if (event.getStackTrace() != null && !event.getStackTrace().getFrames().isEmpty()) {
                            tables.nativeFrames.merge(Tables.name(event.getStackTrace().getFrames().get(0)), 1L, Long::sum);
                        }
                    }
                    case "jdk.GarbageCollection" -> {
                        tables.collections++;
                        tables.gcPauses = tables.gcPauses.plus(event.getDuration("sumOfPauses"));
                    }
                    default -> {
                    }
                }
            }
        }
        return tables;
    }
}
