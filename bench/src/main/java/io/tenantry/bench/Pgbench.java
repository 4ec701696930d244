package io.tenantry.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import org.HdrHistogram.Histogram;

import io.tenantry.servers.PostgresEndpoint;

/**
 * PostgreSQL's own load tool beside the JDBC figure, as the physical limit: {@code pgbench -S}-style reads, but with
 * a custom script ({@code -f}) holding the same SELECT as the direct read, its job id a parameter ({@code -M
 * prepared}), {@code --clients} connections, each on a thread of its own as the JDBC clients are, no vacuum ({@code -n}).
 * A warm-up run of {@code --warmup} seconds is discarded; the measured run logs every transaction ({@code -l}), so
 * its percentiles come from the same kind of histogram as the suite's.
 */
final class Pgbench {

    private Pgbench() {
    }

    static Measurement run(BenchPlatform bench, Bench.Options options, PostgresEndpoint server, String database,
                           String variant, String sql, UUID jobId) throws Exception {
        Optional<Path> pgbench = ExternalTool.find("pgbench");
        if (pgbench.isEmpty()) {
            return ExternalTool.missing(DirectReads.FIGURE, variant, 1,
                    ExternalTool.notInstalled("pgbench", "postgresql-client"));
        }
        Path dir = Files.createDirectories(bench.state.resolve("pgbench"));
        String stem = variant.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("-$", "");
        Path script = dir.resolve(stem + ".sql");
        Files.writeString(script, sql.replace("?", ":jobid") + ";\n");
        Map<String, String> environment = Map.of("PGPASSWORD", server.superuserPassword());
        try {
            if (!options.warmup().isZero()) {
                ExternalTool.run(command(pgbench.get(), options, options.warmup(), server, database, script, jobId, null),
                        environment, dir.resolve(stem + "-warmup.log"), options.warmup().plusMinutes(1));
            }
            Path transactions = dir.resolve(stem + "-transactions");
            CpuCensus cpu = CpuCensus.begin(bench);
            String out = ExternalTool.run(command(pgbench.get(), options, options.measure(), server, database, script,
                    jobId, transactions), environment, dir.resolve(stem + ".log"), options.measure().plusMinutes(1));
            Map<String, Object> cores = Map.of("cpuCores", cpu.coresUsed());
            double tps = Double.parseDouble(ExternalTool.field(out, "^tps = ([0-9.]+)"));
            long failed = Long.parseLong(ExternalTool.field(out, "^number of failed transactions: (\\d+)"));
            Histogram latency = transactionLatencies(dir, transactions.getFileName().toString());
            Map<String, Object> extra = new LinkedHashMap<>(cores);
            extra.put("tool", "pgbench -n -M prepared -f " + script.getFileName() + " -c " + options.clients() + " -j "
                    + options.clients());
            extra.put("clients", options.clients());
            extra.put("version", ExternalTool.run(List.of(pgbench.get().toString(), "--version"), Map.of(),
                    dir.resolve("version.log"), Duration.ofSeconds(10)).trim());
            extra.put("latencyAverageMillis", Double.parseDouble(ExternalTool.field(out, "^latency average = ([0-9.]+) ms")));
            Measurement m = new Measurement(DirectReads.FIGURE, variant, 1, 1, tps, "transactions/s",
                    latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
                    latency.getMaxValue() / 1000.0, failed, options.clients(), Map.of(), extra);
            Bench.log(String.format("%s: %.0f tps, p50 %.2f ms, p99 %.2f ms, %d failed", variant, tps, m.p50Millis(),
                    m.p99Millis(), failed));
            return m;
        } catch (IllegalStateException e) {
            return ExternalTool.missing(DirectReads.FIGURE, variant, 1, "pgbench failed: " + e.getMessage());
        }
    }

    private static List<String> command(Path pgbench, Bench.Options options, Duration duration, PostgresEndpoint server,
                                        String database, Path script, UUID jobId, Path transactionLog) {
        List<String> command = new ArrayList<>(List.of(pgbench.toString(), "-n", "-M", "prepared", "-f", script.toString(),
                "-D", "jobid=" + jobId, "-c", String.valueOf(options.clients()), "-j", String.valueOf(options.clients()),
                "-T", String.valueOf(duration.toSeconds()), "-h", server.host(), "-p", String.valueOf(server.port()),
                "-U", server.superuser()));
        if (transactionLog != null) {
            command.addAll(List.of("-l", "--log-prefix=" + transactionLog));
        }
        command.add(database);
        return command;
    }

    /**
     * The per-transaction logs pgbench wrote, one a thread ({@code client transaction time_us script epoch epoch_us}),
     * into one histogram; deleted once read, since they hold a line per transaction.
     */
    private static Histogram transactionLatencies(Path dir, String prefix) throws IOException {
        Histogram latency = new Histogram(60_000_000L, 3);
        List<Path> logs;
        try (Stream<Path> files = Files.list(dir)) {
            logs = files.filter(f -> f.getFileName().toString().startsWith(prefix + ".")).toList();
        }
        for (Path log : logs) {
            try (BufferedReader reader = Files.newBufferedReader(log)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    String[] fields = line.split(" ");
                    // A failed transaction's time is a word, not microseconds; the summary counts those.
                    if (fields.length > 2 && fields[2].chars().allMatch(Character::isDigit)) {
                        latency.recordValue(Math.max(1, Long.parseLong(fields[2])));
                    }
                }
            }
            Files.delete(log);
        }
        return latency;
    }
}
