package io.tenantry.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.tenantry.devlauncher.LocalPlatform;

/**
 * Figure 2: fleet rollouts. A new results migration and its inverse are staged (the provisioner reads staged
 * migrations from {@link #STAGED}) and rolled out to every tenant through the provisioner's operator API, a canary
 * first, then {@code --rollout-parallelism} tenants at a time; then the same rollout again, with nothing left to
 * apply (answered from the registry); then a drift check (the same, opening every tenant's database); then a
 * downgrade of every tenant to the version before it. The clock runs from the request to the
 * rollout's end as the API reports it. With {@code --rollout-backups on} (the provisioner's default) every tenant a
 * rollout changes is backed up first, and the variants say so.
 */
final class FleetRollouts {

    static final String FIGURE = "fleet-rollout";
    static final String STAGED = "staged-migrations";
    /** Where a run's migration goes once downgraded, so the next run's rollout has exactly one to apply. */
    static final String ROLLED_BACK = "rolled-back-migrations";

    private FleetRollouts() {
    }

    private record Variant(String name, String targetVersion, boolean verify) {
    }

    static List<Measurement> run(BenchPlatform bench, Bench.Options options) throws Exception {
        List<Measurement> runs = new ArrayList<>();
        String admin = bench.adminToken();
        Path staged = bench.state.resolve(STAGED);
        Path rolledBack = Files.createDirectories(bench.state.resolve(ROLLED_BACK));
        String backup = options.rolloutBackups() ? "+backup" : "";
        for (int run = 1; run <= options.runs(); run++) {
            String before = fleetVersion(bench);
            int version = 100 + run;
            List<Path> migration = List.of(
                    Files.writeString(staged.resolve("V" + version + "__bench_rollout_" + run + ".sql"),
                            "ALTER TABLE jobs ADD COLUMN bench_note_" + run + " text;\n"),
                    Files.writeString(staged.resolve("U" + version + "__bench_rollout_" + run + ".sql"),
                            "ALTER TABLE jobs DROP COLUMN bench_note_" + run + ";\n"));
            for (Variant variant : List.of(new Variant("one-new-migration" + backup, null, false),
                    new Variant("nothing-to-apply", null, false), new Variant("drift-check", null, true),
                    new Variant("downgrade" + backup, before, false))) {
                long sessionsBefore = sessionsOpened(bench);
                CpuCensus cpu = CpuCensus.begin(bench);
                JsonNode done = rollOut(bench, admin, options.rolloutParallelism(), variant.targetVersion(),
                        variant.verify());
                double seconds = Duration.between(OffsetDateTime.parse(done.get("startedAt").asText()),
                        OffsetDateTime.parse(done.get("finishedAt").asText())).toMillis() / 1000.0;
                int total = done.get("total").asInt();
                if (!done.get("status").asText().equals("succeeded")) {
                    throw new IllegalStateException("rollout " + done);
                }
                Map<String, Object> extra = new HashMap<>(Map.of("seconds", seconds,
                        "parallelism", options.rolloutParallelism(), "cpuCores", cpu.coresUsed()));
                extra.putAll(backupsTaken(bench, done.get("id").asText()));
                extra.put("sessionsPerTenant", (sessionsOpened(bench) - sessionsBefore) / (double) total);
                extra.put("answeredFromRegistry", done.get("upToDate").asInt());
                Measurement m = new Measurement(FIGURE, variant.name(), total, run, total / seconds, "tenants/s", 0,
                        0, 0, done.get("failed").asLong(), 0, Map.of(), extra);
                Bench.log(String.format("rollout (%s) over %d tenants, run %d: %.1f s, %.0f tenants/s, %s backups, "
                        + "%.1f connections per tenant", variant.name(), total, run, seconds, m.rate(),
                        extra.get("backups"), extra.get("sessionsPerTenant")));
                runs.add(m);
            }
            for (Path file : migration) {
                Files.move(file, rolledBack.resolve(file.getFileName()));
            }
        }
        return runs;
    }

    /**
     * Starts a rollout (to {@code targetVersion}; null: the newest; with {@code verify} every tenant's database is
     * opened, as the drift check does) and waits until it has finished.
     */
    static JsonNode rollOut(BenchPlatform bench, String admin, int parallelism, String targetVersion,
                                    boolean verify) throws Exception {
        URI rollouts = URI.create(LocalPlatform.url(LocalPlatform.PROVISIONER_PORT) + "/api/v1/rollouts");
        Map<String, Object> plan = new HashMap<>(Map.of("canarySize", 1, "parallelism", parallelism, "maxFailures", 0,
                "verify", verify));
        if (targetVersion != null) {
            plan.put("targetVersion", targetVersion);
        }
        JsonNode started = BenchPlatform.expect(bench.send(rollouts, "POST", admin, plan), 202);
        URI progress = URI.create(rollouts + "/" + started.get("id").asText());
        JsonNode view;
        do {
            Thread.sleep(200);
            view = BenchPlatform.expect(bench.send(progress, "GET", admin, null), 200);
        } while (view.get("status").asText().equals("running"));
        return view;
    }

    /** The one schema version the fleet's live tenants are on, from the provisioner's registry. */
    private static String fleetVersion(BenchPlatform bench) throws SQLException {
        try (Connection c = bench.metadataDatabase(); PreparedStatement s = c.prepareStatement(
                "SELECT DISTINCT schema_version FROM provisioner.tenants WHERE status IN ('active', 'suspended')");
             ResultSet rs = s.executeQuery()) {
            List<String> versions = new ArrayList<>();
            while (rs.next()) {
                versions.add(rs.getString(1));
            }
            if (versions.size() != 1) {
                throw new IllegalStateException("the fleet is on versions " + versions + ", not on one");
            }
            return versions.get(0);
        }
    }

    /**
     * Connections ever opened to the tenant servers (PostgreSQL's {@code pg_stat_database.sessions}): what a
     * rollout adds, per tenant, is the connections it makes to each. The metadata database's pool is warm.
     */
    static long sessionsOpened(BenchPlatform bench) throws SQLException {
        long sessions = 0;
        for (var server : bench.tenantServers()) {
            try (Connection c = server.connect("postgres");
                 PreparedStatement s = c.prepareStatement("SELECT sum(sessions) FROM pg_stat_database");
                 ResultSet rs = s.executeQuery()) {
                rs.next();
                sessions += rs.getLong(1);
            }
        }
        return sessions;
    }

    /** The backups the rollout took before changing tenants: how many, their bytes, and their median duration. */
    private static Map<String, Object> backupsTaken(BenchPlatform bench, String rolloutId) throws SQLException {
        try (Connection c = bench.metadataDatabase(); PreparedStatement s = c.prepareStatement("""
                SELECT count(*), coalesce(sum(bytes_written), 0),
                       coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at)), 0)
                  FROM provisioner.backups WHERE requested_by = ? AND status = 'completed'""")) {
            s.setString(1, "rollout " + rolloutId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return Map.of("backups", rs.getLong(1), "backupBytes", rs.getLong(2),
                        "backupMedianMillis", Math.round(rs.getDouble(3) * 1000));
            }
        }
    }
}
