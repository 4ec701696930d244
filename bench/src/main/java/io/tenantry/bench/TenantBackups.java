package io.tenantry.bench;

import java.io.IOException;
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
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;

import io.tenantry.common.OrgId;
import io.tenantry.devlauncher.Api;
import io.tenantry.devlauncher.LocalPlatform;
import io.tenantry.servers.PostgresEndpoint;

/**
 * Figure 8: backups and restores of one tenant holding {@code --backup-gb} GiB of docking results, through the
 * provisioner's operator API. Per run: a backup (database size and stored bytes per second, rows per second), its
 * verification, an in-place restore from it (total time, and the span a reader of the tenant is refused, seen from
 * results-service and from the registry's maintenance flag), and a clone of it into a newly onboarded organization.
 * Every rate is the tenant database's size ({@code pg_database_size}) divided by the operation's time, in MiB/s.
 */
final class TenantBackups {

    static final String FIGURE = "backup-restore";
    private static final double MIB = 1024 * 1024;
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration MAINTENANCE_POLL = Duration.ofMillis(10);
    /** The reader's pause between requests: without one it takes a core of two away from the restore it times. */
    private static final Duration READER_PAUSE = Duration.ofMillis(10);

    /** Docking results with four poses each, as a docking worker reports them (about 400 bytes of jsonb; 900 bytes a row with its indexes). */
    private static final String POSES_FUNCTION = """
            CREATE FUNCTION pg_temp.bench_poses(count integer) RETURNS jsonb VOLATILE LANGUAGE sql AS $$
              SELECT jsonb_agg(jsonb_build_object('pose', p, 'x', round((random() * 60 - 30)::numeric, 3),
                       'y', round((random() * 60 - 30)::numeric, 3), 'z', round((random() * 60 - 30)::numeric, 3),
                       'rmsd', round((random() * 3)::numeric, 2), 'energy', round((-4 - random() * 8)::numeric, 2)))
                FROM generate_series(1, count) p
            $$""";
    private static final String INSERT_RESULTS = """
            WITH job AS (SELECT ?::uuid[] AS ids)
            INSERT INTO docking_results (job_id, molecule_id, score, rank, poses, created_at)
            SELECT job.ids[1 + g % cardinality(job.ids)], gen_random_uuid(), -4 - random() * 8, g,
                   pg_temp.bench_poses(4), now() - make_interval(secs => g % 86400)
              FROM job, generate_series(?, ?) g""";
    private static final long BYTES_PER_ROW = 900;
    private static final long ROWS_PER_INSERT = 250_000;

    private TenantBackups() {
    }

    static List<Measurement> run(BenchPlatform bench, Bench.Options options) throws Exception {
        String admin = bench.adminToken();
        Tenants.Seeded tenant = Tenants.seed(bench, Tenants.onboard(bench, "backup", 1), 200).get(0);
        String org = tenant.orgId();
        pauseSchedule(bench, admin, org);
        List<String> jobs = new ArrayList<>(List.of(tenant.jobId()));
        for (int i = 0; i < 3; i++) {
            jobs.add(BenchPlatform.expect(bench.send(Api.results("/api/v1/orgs/" + org + "/jobs"), "POST",
                    tenant.clientToken(), Map.of("template", "standard-docking",
                            "inputs", Map.of("receptor", "1ABC", "ligandSet", "bench-" + i))), 201).get("id").asText());
        }
        long target = Math.round(options.backupGib() * 1024 * MIB);
        Bench.log(String.format("filling %s with %.0f MiB of docking results", org, target / MIB));
        long databaseBytes = fill(bench, org, jobs, target);
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
        JsonNode done = await(bench, admin, provisioner(org, "/backups/" + started.get("id").asText()), "status",
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
            Reader reader = new Reader(bench, tenant);
            Future<?> reading = watchers.submit(reader);
            Future<Double> maintenance = watchers.submit(() -> maintenanceSeconds(bench, org, stop));
            CpuCensus cpu = CpuCensus.begin(bench);
            long requested = System.nanoTime();
            JsonNode started = BenchPlatform.expect(bench.send(provisioner(org, "/restores"), "POST", admin,
                    Map.of("backupId", backup.get("id").asText())), 202);
            double requestSeconds = (System.nanoTime() - requested) / 1e9;
            JsonNode done = await(bench, admin, provisioner(org, "/restores/" + started.get("id").asText()), "step",
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
        pauseSchedule(bench, admin, into);
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
        JsonNode done = await(bench, admin, provisioner(into, "/restores/" + started.get("id").asText()), "step",
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

    /** The scheduler backs up a tenant without a backup within a minute; only the backups timed here may run. */
    private static void pauseSchedule(BenchPlatform bench, String admin, String org) throws Exception {
        BenchPlatform.expect(bench.send(provisioner(org, "/backup-policy"), "PUT", admin,
                Map.of("intervalSeconds", 0, "retain", 1000)), 200);
    }

    private static Measurement measurement(String variant, int run, long databaseBytes, double seconds,
                                           Map<String, Object> extra) {
        return new Measurement(FIGURE, variant, 1, run, databaseBytes / MIB / seconds, "MiB/s", 0, 0, 0, 0, 0,
                Map.of(), extra);
    }

    /** Inserts docking results server-side until the tenant's database holds {@code target} bytes; returns its size. */
    private static long fill(BenchPlatform bench, String org, List<String> jobs, long target) throws SQLException {
        try (Connection c = tenantDatabase(bench, org); Statement s = c.createStatement()) {
            s.execute(POSES_FUNCTION);
            long next = 1;
            long size;
            while ((size = databaseSize(c)) < target) {
                long rows = Math.max(1_000, Math.min(ROWS_PER_INSERT, (target - size) / BYTES_PER_ROW + 1));
                try (PreparedStatement insert = c.prepareStatement(INSERT_RESULTS)) {
                    insert.setArray(1, c.createArrayOf("uuid", jobs.toArray()));
                    insert.setLong(2, next);
                    insert.setLong(3, next + rows - 1);
                    insert.executeUpdate();
                }
                next += rows;
                Bench.log(String.format("%,d docking results inserted, %.0f MiB", next - 1, databaseSize(c) / MIB));
            }
            // A tenant's data has usually been vacuumed since it was written; the first backup should not set hint bits.
            s.execute("VACUUM (FREEZE, ANALYZE)");
            return databaseSize(c);
        }
    }

    /** After a restore, the loaded rows are vacuumed as the filled ones were, so every run reads the same kind of pages. */
    private static void vacuum(BenchPlatform bench, String org) throws SQLException {
        try (Connection c = tenantDatabase(bench, org); Statement s = c.createStatement()) {
            s.execute("VACUUM (FREEZE, ANALYZE)");
        }
    }

    private static Connection tenantDatabase(BenchPlatform bench, String org) throws SQLException {
        String server = bench.serverOf(org);
        PostgresEndpoint endpoint = bench.tenantServers().stream().filter(p -> p.name().equals(server)).findFirst()
                .orElseThrow();
        return endpoint.connect(OrgId.of(org).databaseName());
    }

    private static long databaseSize(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_database_size(current_database())")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Polls an operation's view until {@code field} leaves the given values; returns its last view. */
    private static JsonNode await(BenchPlatform bench, String admin, URI view, String field, String... unfinished)
            throws Exception {
        List<String> running = List.of(unfinished);
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        JsonNode last;
        do {
            Thread.sleep(POLL.toMillis());
            last = BenchPlatform.expect(bench.send(view, "GET", admin, null), 200);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("still unfinished after 30 minutes: " + last);
            }
        } while (running.contains(last.get(field).asText()));
        return last;
    }

    private static double seconds(JsonNode operation) {
        return Duration.between(OffsetDateTime.parse(operation.get("startedAt").asText()),
                OffsetDateTime.parse(operation.get("finishedAt").asText())).toMillis() / 1000.0;
    }

    private static URI provisioner(String org, String path) {
        return URI.create(LocalPlatform.url(LocalPlatform.PROVISIONER_PORT) + "/api/v1/tenants/" + org + path);
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

    /**
     * One reader of the tenant's job through results-service, a request every 10 ms or so, recording each answer's
     * status and when its request was sent. Refused is anything but 200.
     */
    static final class Reader implements Runnable {
        private final BenchPlatform bench;
        private final Tenants.Seeded tenant;
        private final List<long[]> answers = new ArrayList<>();
        private final AtomicBoolean stop = new AtomicBoolean();

        Reader(BenchPlatform bench, Tenants.Seeded tenant) {
            this.bench = bench;
            this.tenant = tenant;
        }

        @Override
        public void run() {
            URI job = Api.results("/api/v1/orgs/" + tenant.orgId() + "/jobs/" + tenant.jobId());
            while (!stop.get()) {
                long sent = System.nanoTime();
                int status;
                try {
                    status = bench.send(job, "GET", tenant.clientToken(), null).statusCode();
                } catch (IOException e) {
                    status = -1;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                synchronized (answers) {
                    answers.add(new long[] {sent, status});
                }
                try {
                    Thread.sleep(READER_PAUSE.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        /** Waits until the reader has been answered 200 after its refusals (at most 30 s), then stops it. */
        void stopOnceAnswered(Future<?> reading) throws Exception {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && Double.isNaN(unavailableSeconds())) {
                Thread.sleep(20);
            }
            stop.set(true);
            reading.get();
        }

        /**
         * From the first refused request sent to the first request after the last refusal that was answered 200;
         * NaN while that has not come yet, 0 when nothing was refused.
         */
        double unavailableSeconds() {
            synchronized (answers) {
                int first = -1;
                int last = -1;
                for (int i = 0; i < answers.size(); i++) {
                    if (answers.get(i)[1] != 200) {
                        first = first < 0 ? i : first;
                        last = i;
                    }
                }
                if (first < 0) {
                    return answers.isEmpty() ? Double.NaN : 0;
                }
                return last + 1 < answers.size() ? (answers.get(last + 1)[0] - answers.get(first)[0]) / 1e9 : Double.NaN;
            }
        }

        /** Answers by status; -1 for a request that got no answer. */
        Map<Integer, Integer> statuses() {
            Map<Integer, Integer> counts = new TreeMap<>();
            synchronized (answers) {
                answers.forEach(a -> counts.merge((int) a[1], 1, Integer::sum));
            }
            return counts;
        }

        /**
         * Answers that were neither a read nor a refusal to come back later: results-service answers 409
         * (tenant-not-ready, Retry-After) while the tenant is under maintenance; 503 is what the restore promises.
         */
        long unexpected() {
            synchronized (answers) {
                return answers.stream().filter(a -> a[1] != 200 && a[1] != 409 && a[1] != 503).count();
            }
        }
    }
}
