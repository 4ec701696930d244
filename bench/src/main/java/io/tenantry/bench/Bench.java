package io.tenantry.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark suite's entry point (see bench/README.md): starts the platform, sets the stage, runs the chosen
 * figures, and writes {@code results.json} into a folder of its own under {@code bench/results/}.
 */
public final class Bench {

    /** How a run is set up; {@code --smoke} is a few seconds' check that everything works end to end. */
    record Options(List<String> figures, int tenants, List<Integer> spreads, int clients, Duration warmup,
                   Duration measure, int runs, int budget, int perTenant) {

        static Options parse(String[] args) {
            Map<String, String> given = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--smoke")) {
                    given.putIfAbsent("tenants", "3");
                    given.putIfAbsent("spreads", "1,3");
                    given.putIfAbsent("clients", "8");
                    given.putIfAbsent("warmup", "1");
                    given.putIfAbsent("measure", "2");
                    given.putIfAbsent("runs", "1");
                } else if (args[i].startsWith("--") && i + 1 < args.length) {
                    given.put(args[i].substring(2), args[++i]);
                } else {
                    throw new IllegalArgumentException("unknown argument " + args[i] + "; see bench/README.md");
                }
            }
            return new Options(List.of(given.getOrDefault("figures", "reads").split(",")),
                    Integer.parseInt(given.getOrDefault("tenants", "1000")),
                    Arrays.stream(given.getOrDefault("spreads", "1,100,1000").split(",")).map(Integer::valueOf).toList(),
                    Integer.parseInt(given.getOrDefault("clients", "64")),
                    Duration.ofSeconds(Long.parseLong(given.getOrDefault("warmup", "10"))),
                    Duration.ofSeconds(Long.parseLong(given.getOrDefault("measure", "20"))),
                    Integer.parseInt(given.getOrDefault("runs", "3")),
                    Integer.parseInt(given.getOrDefault("budget", "1200")),
                    Integer.parseInt(given.getOrDefault("per-tenant", "4")));
        }
    }

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Path root = Path.of(System.getProperty("tenantry.root", ".")).toAbsolutePath().normalize();
        Path out = root.resolve("bench/results/" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(out);
        log("results go to " + out);
        Map<String, List<String>> jvmArgs = Map.of("results-service", List.of(
                "-Dtenantry.results.pools.global-budget=" + options.budget(),
                "-Dtenantry.results.pools.per-tenant=" + options.perTenant()));
        List<Measurement> measurements = new ArrayList<>();
        try (BenchPlatform bench = BenchPlatform.start(root, out.resolve("state"), options.budget() + 100, jvmArgs)) {
            if (options.figures().contains("reads")) {
                log("onboarding " + options.tenants() + " tenants");
                List<String> orgs = Tenants.onboard(bench, "bench", options.tenants());
                log("seeding a job with 200 docking results in each");
                List<Tenants.Seeded> seeded = Tenants.seed(bench, orgs, 200);
                log("routed reads, about " + RoutedReads.total(options).toMinutes() + " minutes");
                measurements.addAll(RoutedReads.run(bench, options, seeded));
            }
        }
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "java", System.getProperty("java.version"), "os", System.getProperty("os.name")));
        results.put("options", Map.of("figures", options.figures(), "tenants", options.tenants(),
                "spreads", options.spreads(), "clients", options.clients(), "warmupSeconds", options.warmup().toSeconds(),
                "measureSeconds", options.measure().toSeconds(), "runs", options.runs(),
                "globalBudget", options.budget(), "perTenant", options.perTenant()));
        results.put("measurements", measurements);
        BenchPlatform.JSON.writerWithDefaultPrettyPrinter().writeValue(out.resolve("results.json").toFile(), results);
        log("wrote " + out.resolve("results.json"));
    }

    static void log(String message) {
        System.out.println("[bench] " + message);
    }
}
