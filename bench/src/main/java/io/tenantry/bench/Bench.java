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
import java.util.concurrent.Callable;

/**
 * The benchmark suite's entry point (see bench/README.md): starts the platform, sets the stage, runs the chosen
 * figures, and writes {@code results.json} and {@code report.md} with its charts into a folder of its own under
 * {@code bench/results/}.
 */
public final class Bench {

    static final List<String> ALL = List.of("reads", "rollout", "direct", "writes", "provisioning", "noisy", "backup",
            "replicas", "move", "registry-scale");
    /**
     * What runs unless {@code --figures} says otherwise: all but the moves, whose drain moves every tenant of a server
     * and so wants a fleet of its own rather than the other figures' thousand tenants, and the registry at scale,
     * whose synthetic rows every rollout of the other figures would have to record.
     */
    static final List<String> DEFAULT = ALL.subList(0, ALL.size() - 2);

    /** How a run is set up; {@code --smoke} is a short check that every figure works end to end. */
    record Options(List<String> figures, int tenants, List<Integer> spreads, int clients, Duration warmup,
                   Duration measure, int runs, int budget, int perTenant, int provisioned, int rolloutParallelism,
                   String resultsHeap, int noisyFactor, double backupGib, boolean backupCompress,
                   boolean rolloutBackups, double moveGib, int drainTenants, int moveConcurrency, int registryRows,
                   List<Integer> openRates, int openMaxOutstanding, int profileSeconds) {

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
                    given.putIfAbsent("provisioned", "3");
                    given.putIfAbsent("backup-gb", "0.02");
                    given.putIfAbsent("move-gb", "0.02");
                    given.putIfAbsent("drain-tenants", "5");
                    given.putIfAbsent("registry-rows", "1000");
                    given.putIfAbsent("profile-seconds", "3");
                } else if (args[i].startsWith("--") && i + 1 < args.length) {
                    given.put(args[i].substring(2), args[++i]);
                } else {
                    throw new IllegalArgumentException("unknown argument " + args[i] + "; see bench/README.md");
                }
            }
            List<String> figures = List.of(given.getOrDefault("figures", String.join(",", DEFAULT)).split(","));
            if (!ALL.containsAll(figures)) {
                throw new IllegalArgumentException("figures are " + ALL);
            }
            return new Options(figures, Integer.parseInt(given.getOrDefault("tenants", "1000")),
                    Arrays.stream(given.getOrDefault("spreads", "1,100,1000").split(",")).map(Integer::valueOf).toList(),
                    Integer.parseInt(given.getOrDefault("clients", "64")),
                    Duration.ofSeconds(Long.parseLong(given.getOrDefault("warmup", "10"))),
                    Duration.ofSeconds(Long.parseLong(given.getOrDefault("measure", "20"))),
                    Integer.parseInt(given.getOrDefault("runs", "3")),
                    Integer.parseInt(given.getOrDefault("budget", "1200")),
                    Integer.parseInt(given.getOrDefault("per-tenant", "4")),
                    Integer.parseInt(given.getOrDefault("provisioned", "200")),
                    Integer.parseInt(given.getOrDefault("rollout-parallelism", "8")),
                    given.getOrDefault("results-heap", ""),
                    Integer.parseInt(given.getOrDefault("noisy-factor", "10")),
                    Double.parseDouble(given.getOrDefault("backup-gb", "1")),
                    Boolean.parseBoolean(given.getOrDefault("backup-compress", "true")),
                    onOrOff("rollout-backups", given.getOrDefault("rollout-backups", "on")),
                    Double.parseDouble(given.getOrDefault("move-gb", "1")),
                    Integer.parseInt(given.getOrDefault("drain-tenants", "100")),
                    Integer.parseInt(given.getOrDefault("move-concurrency", "2")),
                    Integer.parseInt(given.getOrDefault("registry-rows", "100000")),
                    Arrays.stream(given.getOrDefault("open-rates", "50,70,90").split(",")).map(Integer::valueOf).toList(),
                    Integer.parseInt(given.getOrDefault("open-max-outstanding", "1000")),
                    Integer.parseInt(given.getOrDefault("profile-seconds", "20")));
        }

        private static boolean onOrOff(String option, String value) {
            if (!value.equals("on") && !value.equals("off")) {
                throw new IllegalArgumentException("--" + option + " is on or off");
            }
            return value.equals("on");
        }

        Map<String, Object> asMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("figures", figures);
            map.put("tenants", tenants);
            map.put("spreads", spreads);
            map.put("clients", clients);
            map.put("warmupSeconds", warmup.toSeconds());
            map.put("measureSeconds", measure.toSeconds());
            map.put("runs", runs);
            map.put("globalBudget", budget);
            map.put("perTenant", perTenant);
            map.put("provisionedPerRun", provisioned);
            map.put("rolloutParallelism", rolloutParallelism);
            map.put("resultsHeap", resultsHeap.isEmpty() ? "384m (the launcher's default)" : resultsHeap);
            map.put("noisyFactor", noisyFactor);
            map.put("backupGiB", backupGib);
            map.put("backupCompress", backupCompress);
            map.put("rolloutBackups", rolloutBackups);
            map.put("moveGiB", moveGib);
            map.put("drainTenants", drainTenants);
            map.put("moveConcurrency", moveConcurrency);
            map.put("registryRows", registryRows);
            map.put("openRatesPercentOfCapacity", openRates);
            map.put("openMaxOutstanding", openMaxOutstanding);
            map.put("profileSeconds", profileSeconds);
            return map;
        }
    }

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Path root = Path.of(System.getProperty("tenantry.root", ".")).toAbsolutePath().normalize();
        Path out = root.resolve("bench/results/" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Path state = out.resolve("state");
        Files.createDirectories(state.resolve(FleetRollouts.STAGED));
        log("results go to " + out);
        // Rate limits out of the way of the throughput figures; the noisy neighbour has the defaults as its own quota.
        List<String> resultsArgs = new ArrayList<>(List.of("-Dtenantry.results.pools.global-budget=" + options.budget(),
                // Each server's share of the budget, which replicas divide between them (the replicas figure).
                "-Dtenantry.results.pools.server-budget=" + serverBudget(options),
                "-Dtenantry.results.pools.per-tenant=" + options.perTenant(),
                "-Dtenantry.results.rate-limits.requests-per-second=1000000",
                "-Dtenantry.results.rate-limits.concurrent-requests=100000"));
        if (!options.resultsHeap().isEmpty()) {
            resultsArgs.add("-Xmx" + options.resultsHeap());
        }
        List<String> provisionerArgs = new ArrayList<>(List.of("-Dtenantry.provisioner.staged-results-migrations=filesystem:"
                        + state.resolve(FleetRollouts.STAGED),
                // Room for every tenant the run makes on each server (the default is 500 per server).
                "-Dtenantry.provisioner.servers.pg0.capacity=" + capacity(options),
                "-Dtenantry.provisioner.servers.pg1.capacity=" + capacity(options),
                "-Dtenantry.provisioner.backups.compress=" + options.backupCompress(),
                // The schedule would back up every new tenant within minutes, in the middle of other figures.
                "-Dtenantry.provisioner.backups.schedule.interval=0S",
                "-Dtenantry.provisioner.moves.concurrency=" + options.moveConcurrency(),
                // The spare databases the provisioning figure measures (off by default in the provisioner).
                "-Dtenantry.provisioner.spares.per-server=2",
                // The periodic drift check (due 5 min after start) opens every tenant database and would fall in
                // the middle of other figures; the rollout figure runs and times one of its own. With synthetic
                // tenants (registry-scale) it would try to open databases that do not exist.
                "-Dtenantry.provisioner.rollouts.drift-check-interval=0S"));
        if (!options.rolloutBackups()) {
            provisionerArgs.add("-Dtenantry.provisioner.backups.before-rollout=false");
        }
        if (options.figures().contains("registry-scale")) {
            // The synthetic tenants have no databases: results-service's full queue sweep every 10 min would try to
            // open them all.
            resultsArgs.add("-Dtenantry.results.queue.full-sweep-interval=24H");
        }
        Map<String, List<String>> jvmArgs = Map.of("results-service", resultsArgs, "tenant-provisioner", provisionerArgs);
        List<Measurement> measurements = new ArrayList<>();
        Map<String, Object> setup = new LinkedHashMap<>();
        try (BenchPlatform bench = BenchPlatform.start(root, state, options.budget() + 100, jvmArgs)) {
            boolean needsTenants = options.figures().stream()
                    .anyMatch(f -> !List.of("provisioning", "backup", "move", "registry-scale").contains(f));
            List<Tenants.Seeded> seeded = needsTenants ? onboardAndSeed(bench, options, setup) : List.of();
            Map<String, Callable<List<Measurement>>> figures = Map.of(
                    "reads", () -> RoutedReads.run(bench, options, seeded),
                    "rollout", () -> FleetRollouts.run(bench, options),
                    "direct", () -> DirectReads.run(bench, options, seeded.get(0)),
                    "writes", () -> Writes.run(bench, options, seeded),
                    "provisioning", () -> Provisioning.run(bench, options),
                    "noisy", () -> NoisyNeighbour.run(bench, options, seeded),
                    "backup", () -> TenantBackups.run(bench, options),
                    "replicas", () -> TwoReplicas.run(bench, options, seeded),
                    "move", () -> TenantMoves.run(bench, options),
                    "registry-scale", () -> RegistryScale.run(bench, options, root));
            for (String figure : ALL) {
                if (options.figures().contains(figure)) {
                    measurements.addAll(figures.get(figure).call());
                    // Written after every figure, so a later failure keeps what was measured.
                    Report.write(out, options, setup, measurements);
                }
            }
        }
        log("wrote " + out.resolve("results.json") + " and " + out.resolve("report.md"));
    }

    /** Onboards every tenant at once (timed, as part of the setup) and gives each a job with docking results. */
    private static List<Tenants.Seeded> onboardAndSeed(BenchPlatform bench, Options options, Map<String, Object> setup)
            throws Exception {
        log("onboarding " + options.tenants() + " tenants at once through metadata-service");
        long onboarding = System.nanoTime();
        List<String> orgs = Tenants.onboard(bench, "bench", options.tenants());
        double seconds = (System.nanoTime() - onboarding) / 1e9;
        setup.put("onboardedAtOnce", Map.of("tenants", orgs.size(), "seconds", seconds,
                "tenantsPerMinute", orgs.size() / seconds * 60));
        log(String.format("%d tenants active after %.0f s (%.0f tenants/min)", orgs.size(), seconds,
                orgs.size() / seconds * 60));
        log("seeding a job with 200 docking results in each");
        return Tenants.seed(bench, orgs, 200);
    }

    /** Each of the two servers' connection budget: half the global one, so one replica may still use it all. */
    static int serverBudget(Options options) {
        return options.budget() / 2;
    }

    private static int capacity(Options options) {
        // Placement counts a server's registry rows against its capacity, the synthetic ones too.
        int synthetic = options.figures().contains("registry-scale") ? options.registryRows() : 0;
        return options.tenants() + options.runs() * options.provisioned() + options.drainTenants() + synthetic + 100;
    }

    static void log(String message) {
        System.out.println("[bench] " + message);
    }
}
