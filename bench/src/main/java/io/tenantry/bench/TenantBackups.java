package io.tenantry.bench;

import java.net.URI;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Figure 8: backups and restores of one tenant holding {@code --backup-gb} GiB of docking results, through the
 * provisioner's operator API. Per run: a backup (database size and stored bytes per second, rows per second), its
 * verification, an in-place restore from it (total time, and the span a reader of the tenant is refused, seen from
 * results-service and from the registry's maintenance flag), and a clone of it into a newly onboarded organization.
 * Every rate is the tenant database's size ({@code pg_database_size}) divided by the operation's time, in MiB/s.
 */
final class TenantBackups {

    static final String FIGURE = "backup-restore";
    private static final double MIB = FilledTenants.MIB;
    private static final Duration MAINTENANCE_POLL = Duration.ofMillis(10);

    private TenantBackups() {
    }

    static List<Measurement> run(BenchPlatform bench, Bench.Options options) throws Exception {
        String admin = bench.adminToken();
        FilledTenants.Filled filled = FilledTenants.create(bench, admin, "backup", options.backupGib());
        Tenants.Seeded tenant = filled.tenant();
        String org = tenant.orgId();
        long databaseBytes = filled.databaseBytes();
        String suffix = options.backupCompress() ? "" : "-uncompressed";
        List<Measurement> runs = new ArrayList<>();
        for (int run = 1; run <= options.runs(); run++) {
            JsonNode backup = backup(bench, admin, org, databaseBytes, run, suffix, runs);
            if (!verify(bench, admin, org, backup, databaseBytes, run, suffix, runs)) {
                Bench.log("the backup did not verify, so the provisioner would refuse to restore it; run " + run
                        + " has no restore or clone");
                continue;
            }
            restore(bench, admin, tenant, backup, databaseBytes, run, suffix, runs);
            vacuum(bench, org);
            cloneOf(bench, admin, org, backup, databaseBytes, run, suffix, runs);
        }
        return runs;
    }

    private static JsonNode backup(BenchPlatform bench, String admin, String org, long databaseBytes, int run,
                                   String suffix, List<Measurement> runs) throws Exception {
        CpuCensus cpu = CpuCensus.begin(bench);
        JsonNode started = BenchPlatform.expect(bench.send(provisioner(org, "/backups"), "POST", admin, null), 202);
        JsonNode done = bench.await(admin, provisioner(org, "/backups/" + started.get("id").asText()), "status",
                "running");
        Map<String, Double> cores = cpu.coresUsed();
        if (!done.get("status").asText().equals("completed")) {
            throw new IllegalStateException("backup " + done);
        }
        double seconds = seconds(done);
        long rows = done.get("rows").asLong();
        long stored = done.get("bytes").asLong();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("seconds", seconds);
        extra.put("databaseBytes", databaseBytes);
        extra.put("rows", rows);
        extra.put("storedBytes", stored);
        extra.put("storedMiBPerSecond", stored / MIB / seconds);
        extra.put("rowsPerSecond", rows / seconds);
        extra.put("cpuCores", cores);
        Measurement m = measurement("backup" + suffix, run, databaseBytes, seconds, extra);
        Bench.log(String.format("backup run %d: %,.0f MiB database, %,d rows, %,.0f MiB stored in %.1f s: "
                        + "%.0f MiB/s of database, %.0f MiB/s stored, %,.0f rows/s; cores %s", run, databaseBytes / MIB,
                rows, stored / MIB, seconds, m.rate(), stored / MIB / seconds, rows / seconds, cores));
        runs.add(m);
        return done;
    }

    /** Verifies the backup and records how long it took; a damaged verdict is recorded as failures, not thrown. */
    private static boolean verify(BenchPlatform bench, String admin, String org, JsonNode backup, long databaseBytes,
                                  int run, String suffix, List<Measurement> runs) throws Exception {
        CpuCensus cpu = CpuCensus.begin(bench);
        long started = System.nanoTime();
        JsonNode verified = BenchPlatform.expect(bench.send(
                provisioner(org, "/backups/" + backup.get("id").asText() + "/verify"), "POST", admin, null), 200);
        double seconds = (System.nanoTime() - started) / 1e9;
        boolean intact = verified.get("intact").asBoolean();
        List<String> problems = new ArrayList<>();
        verified.get("problems").forEach(problem -> problems.add(problem.asText()));
        Measurement m = new Measurement(FIGURE, "verify" + suffix, 1, run, databaseBytes / MIB / seconds, "MiB/s", 0, 0,
                0, problems.size(), 0, Map.of(), Map.of("seconds", seconds, "storedMiBPerSecond",
                backup.get("bytes").asLong() / MIB / seconds, "problems", problems, "cpuCores", cpu.coresUsed()));
        Bench.log(String.format("verify run %d: %.1f s, %.0f MiB/s of database, %s", run, seconds, m.rate(),
                intact ? "intact" : "DAMAGED: " + problems));
        runs.add(m);
        return intact;
    }

    /**
     * Restores the tenant in place while a reader asks results-service for one of its jobs every 10 ms and a
     * watcher reads the tenant's maintenance flag in the registry as often.
     */
    private static void restore(BenchPlatform bench, String admin, Tenants.Seeded tenant, JsonNode backup,
                                long databaseBytes, int run, String suffix, List<Measurement> runs) throws Exception {
        String org = tenant.orgId();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService watchers = Executors.newFixedThreadPool(2);
        try {
            TenantReader reader = new TenantReader(bench, tenant);
            Future<?> reading = watchers.submit(reader);
            Future<Double> maintenance = watchers.submit(() -> maintenanceSeconds(bench, org, stop));
            CpuCensus cpu = CpuCensus.begin(bench);
            long requested = System.nanoTime();
            JsonNode started = BenchPlatform.expect(bench.send(provisioner(org, "/restores"), "POST", admin,
                    Map.of("backupId", backup.get("id").asText())), 202);
            double requestSeconds = (System.nanoTime() - requested) / 1e9;
            JsonNode done = bench.await(admin, provisioner(org, "/restores/" + started.get("id").asText()), "step",
                    "requested", "building", "swapped", "migrated");
            double seconds = (System.nanoTime() - requested) / 1e9;
            Map<String, Double> cores = cpu.coresUsed();
            if (!done.get("step").asText().equals("done") || done.get("rowsLoaded").asLong() != backup.get("rows").asLong()) {
                throw new IllegalStateException("restore " + done + " of backup " + backup);
            }
            JsonNode safety = BenchPlatform.expect(bench.send(
                    provisioner(org, "/backups/" + done.get("safetyBackupId").asText()), "GET", admin, null), 200);
            reader.stopOnceAnswered(reading);
            Thread.sleep(MAINTENANCE_POLL.toMillis() * 5);
            stop.set(true);
            double flagged = maintenance.get();
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("seconds", seconds);
            extra.put("requestSeconds", requestSeconds);
            extra.put("unavailableSeconds", reader.unavailableSeconds());
            extra.put("maintenanceSeconds", flagged);
            extra.put("safetyBackupSeconds", seconds(safety));
            extra.put("readerAnswers", reader.statuses());
            extra.put("cpuCores", cores);
            Measurement m = new Measurement(FIGURE, "restore-in-place" + suffix, 1, run,
                    databaseBytes / MIB / seconds, "MiB/s", 0, 0, 0, reader.unexpected(), 0, Map.of(), extra);
            Bench.log(String.format("restore run %d: %.1f s (%.1f s of it before the 202), reader refused "
                            + "for %.1f s, maintenance flag on for %.1f s, safety backup %.1f s; answers %s; "
                            + "cores %s", run, seconds, requestSeconds, reader.unavailableSeconds(), flagged,
                    seconds(safety), reader.statuses(), cores));
            runs.add(m);
        } finally {
            stop.set(true);
            watchers.shutdownNow();
        }
    }

    private static void cloneOf(BenchPlatform bench, String admin, String org, JsonNode backup, long databaseBytes,
                                int run, String suffix, List<Measurement> runs) throws Exception {
        String into = Tenants.onboard(bench, "backupclone" + run, 1).get(0);
        FilledTenants.pauseSchedule(bench, admin, into);
        CpuCensus cpu = CpuCensus.begin(bench);
        long requested;
        HttpResponse<String> answer;
        int attempts = 0;
        // A new tenant is due for a scheduled backup at once; one may have begun before its schedule was paused.
        do {
            if (attempts++ > 0) {
                Thread.sleep(250);
            }
            requested = System.nanoTime();
            answer = bench.send(provisioner(into, "/clones"), "POST", admin,
                    Map.of("sourceOrgId", org, "backupId", backup.get("id").asText()));
        } while (answer.statusCode() == 409 && attempts < 20);
        JsonNode started = BenchPlatform.expect(answer, 202);
        JsonNode done = bench.await(admin, provisioner(into, "/restores/" + started.get("id").asText()), "step",
                "requested", "building", "swapped", "migrated");
        double seconds = (System.nanoTime() - requested) / 1e9;
        if (!done.get("step").asText().equals("done") || done.get("rowsLoaded").asLong() != backup.get("rows").asLong()) {
            throw new IllegalStateException("clone " + done + " of backup " + backup);
        }
        Measurement m = measurement("clone" + suffix, run, databaseBytes, seconds,
                Map.of("seconds", seconds, "cpuCores", cpu.coresUsed()));
        Bench.log(String.format("clone run %d into %s: %.1f s, %.0f MiB/s", run, into, seconds, m.rate()));
        runs.add(m);
    }

    private static Measurement measurement(String variant, int run, long databaseBytes, double seconds,
                                           Map<String, Object> extra) {
        return new Measurement(FIGURE, variant, 1, run, databaseBytes / MIB / seconds, "MiB/s", 0, 0, 0, 0, 0,
                Map.of(), extra);
    }

    /** After a restore, the loaded rows are vacuumed as the filled ones were, so every run reads the same kind of pages. */
    private static void vacuum(BenchPlatform bench, String org) throws SQLException {
        try (Connection c = FilledTenants.connect(bench, org); Statement s = c.createStatement()) {
            s.execute("VACUUM (FREEZE, ANALYZE)");
        }
    }

    private static double seconds(JsonNode operation) {
        return Duration.between(OffsetDateTime.parse(operation.get("startedAt").asText()),
                OffsetDateTime.parse(operation.get("finishedAt").asText())).toMillis() / 1000.0;
    }

    private static URI provisioner(String org, String path) {
        return BenchPlatform.provisioner("/api/v1/tenants/" + org + path);
    }

    /** From the first read that sees the tenant under maintenance to the first that sees it open again. */
    private static double maintenanceSeconds(BenchPlatform bench, String org, AtomicBoolean stop) throws Exception {
        long on = 0;
        long off = 0;
        try (Connection c = bench.metadataDatabase(); PreparedStatement s = c.prepareStatement(
                "SELECT maintenance IS NOT NULL FROM provisioner.tenants WHERE org_id = ?")) {
            s.setString(1, org);
            while (!stop.get() && off == 0) {
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    boolean closed = rs.getBoolean(1);
                    long now = System.nanoTime();
                    if (closed && on == 0) {
                        on = now;
                    } else if (!closed && on != 0) {
                        off = now;
                    }
                }
                Thread.sleep(MAINTENANCE_POLL.toMillis());
            }
        }
        return on == 0 || off == 0 ? Double.NaN : (off - on) / 1e9;
    }
}
