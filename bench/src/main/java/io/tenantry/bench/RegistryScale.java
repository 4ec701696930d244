package io.tenantry.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

import io.tenantry.common.RedisChannels;
import io.tenantry.common.lifecycle.DesiredState;
import io.tenantry.common.lifecycle.OrganizationStatus;
import io.tenantry.devlauncher.Api;

/**
 * Figure 10: the registry at {@code --registry-rows} tenants, without making their databases. One real tenant is
 * onboarded; then as many synthetic organizations and registry rows as asked are inserted beside it (active, on the
 * bench servers alternately, on the real tenant's schema version and session limits, so every rollout finds them up
 * to date), and the parts that read the registry are timed through the services' APIs or, for the queries a service
 * runs inside, by EXPLAIN ANALYZE of the SQL read from the service's source. The synthetic rows are removed at the
 * end, whatever happened.
 */
final class RegistryScale {

    static final String FIGURE = "registry-scale";
    private static final String SYNTHETIC = "syn_";
    /** The queries the services run, read from their sources so the figure times what the services run. */
    private static final Path RECONCILE_SOURCE =
            Path.of("tenant-provisioner/src/main/java/io/tenantry/provisioner/reconcile/Organizations.java");
    private static final Path ROUTE_SOURCE =
            Path.of("results-service/src/main/java/io/tenantry/results/store/RegistryStore.java");
    private static final int QUERY_REPETITIONS = 10;
    /** How many lagging organizations the reconcile loop asks for at a time (its {@code Reconciler.BATCH}). */
    private static final int RECONCILE_BATCH = 50;

    private RegistryScale() {
    }

    static List<Measurement> run(BenchPlatform bench, Bench.Options options, Path root) throws Exception {
        String admin = bench.adminToken();
        String real = Tenants.onboard(bench, "scale", 1).get(0);
        int rows = options.registryRows();
        List<Measurement> measurements = new ArrayList<>();
        // The same onboarding without the rows first: the services are fresh, so this is the baseline to compare.
        measurements.add(onboarding(bench, admin, options, 1, "scale_before_"));
        try {
            long inserting = System.nanoTime();
            insertSynthetic(bench, real, rows);
            int tenants = registryRows(bench);
            Bench.log(String.format("%,d synthetic organizations and registry rows inserted in %.1f s", rows,
                    (System.nanoTime() - inserting) / 1e9));
            measurements.add(noOpRollouts(bench, admin, options, tenants));
            measurements.add(timed("fleet-summary", tenants, QUERY_REPETITIONS, () -> BenchPlatform.expect(
                    bench.send(BenchPlatform.provisioner("/api/v1/tenants"), "GET", admin, null), 200)));
            measurements.add(onboarding(bench, admin, options, tenants, "scale_new_"));
            measurements.add(coldRouteLookups(bench, tenants));
            String route = textBlockAfter(root.resolve(ROUTE_SOURCE), "Uni<Optional<TenantRoute>> route(")
                    .replace("$1", "?");
            measurements.add(explained(bench, "route-lookup-query", tenants, route, SYNTHETIC + "000001"));
            String lagging = textBlockAfter(root.resolve(RECONCILE_SOURCE), "LAGGING =");
            List<String>[] pairs = laggingPairs(root);
            measurements.add(explained(bench, "reconcile-lagging-query", tenants, lagging, pairs[0], pairs[1],
                    RECONCILE_BATCH));
            measurements.add(sizes(bench, real, tenants));
        } finally {
            removeSynthetic(bench);
        }
        measurements.forEach(m -> Bench.log(String.format("%s over %,d tenants: p50 %.1f ms, max %.1f ms %s",
                m.variant(), m.tenants(), m.p50Millis(), m.maxMillis(), m.extra())));
        return measurements;
    }

    /** The synthetic organizations, then their registry rows, each with one INSERT ... SELECT, as the superuser. */
    private static void insertSynthetic(BenchPlatform bench, String real, int rows) throws SQLException {
        List<String> servers = bench.tenantServers().stream().map(s -> s.name()).toList();
        try (Connection c = bench.metadataDatabase()) {
            c.setAutoCommit(false);
            try (PreparedStatement organizations = c.prepareStatement("""
                    INSERT INTO organizations (org_id, display_name, status, desired_state, region, max_queued_jobs,
                                               max_jobs_per_day, created_at, updated_at)
                    SELECT ? || lpad(i::text, 6, '0'), 'Synthetic ' || i, 'active', 'active', r.region, 1000, 100000,
                           now(), now()
                      FROM generate_series(1, ?) i, (SELECT region FROM organizations WHERE org_id = ?) r""");
                 PreparedStatement tenants = c.prepareStatement("""
                    INSERT INTO provisioner.tenants (org_id, server, database_name, role_name, schema_version, status,
                                                     session_limits)
                    SELECT ? || lpad(i::text, 6, '0'), (?::text[])[1 + i % 2], 'results_' || ? || lpad(i::text, 6, '0'),
                           'tenant_' || ? || lpad(i::text, 6, '0'), t.schema_version, 'active', t.session_limits
                      FROM generate_series(1, ?) i,
                           (SELECT schema_version, session_limits FROM provisioner.tenants WHERE org_id = ?) t""");
                 Statement analyze = c.createStatement()) {
                organizations.setString(1, SYNTHETIC);
                organizations.setInt(2, rows);
                organizations.setString(3, real);
                organizations.executeUpdate();
                tenants.setString(1, SYNTHETIC);
                tenants.setArray(2, c.createArrayOf("text", servers.subList(0, 2).toArray()));
                tenants.setString(3, SYNTHETIC);
                tenants.setString(4, SYNTHETIC);
                tenants.setInt(5, rows);
                tenants.setString(6, real);
                tenants.executeUpdate();
                c.commit();
                // The planner's statistics as autovacuum would have them, not those of an almost empty table.
                c.setAutoCommit(true);
                analyze.execute("ANALYZE organizations");
                analyze.execute("ANALYZE provisioner.tenants");
            }
        }
    }

    private static int registryRows(BenchPlatform bench) throws SQLException {
        try (Connection c = bench.metadataDatabase(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM provisioner.tenants WHERE status IN ('active', 'suspended')")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Everything the synthetic rows left: the rollouts' records of them, their registry rows, their organizations. */
    private static void removeSynthetic(BenchPlatform bench) throws SQLException {
        try (Connection c = bench.metadataDatabase(); Statement s = c.createStatement()) {
            String like = "LIKE '" + SYNTHETIC.replace("_", "\\_") + "%'";
            for (String table : List.of("provisioner.operation_tenants", "provisioner.tenants", "organizations")) {
                int deleted = s.executeUpdate("DELETE FROM " + table + " WHERE org_id " + like);
                Bench.log("removed " + deleted + " synthetic rows from " + table);
            }
        }
    }

    /**
     * Rollouts with nothing to apply over every row, timed by the provisioner (started to finished) and by the
     * client (request until it saw the end, polled every 200 ms); each must leave every tenant's database unopened.
     */
    private static Measurement noOpRollouts(BenchPlatform bench, String admin, Bench.Options options, int tenants)
            throws Exception {
        List<Double> millis = new ArrayList<>();
        List<Double> seenEnded = new ArrayList<>();
        List<Long> sessions = new ArrayList<>();
        for (int run = 1; run <= options.runs(); run++) {
            long sessionsBefore = FleetRollouts.sessionsOpened(bench);
            long started = System.nanoTime();
            JsonNode done = FleetRollouts.rollOut(bench, admin, options.rolloutParallelism(), null, false);
            seenEnded.add((System.nanoTime() - started) / 1e6);
            sessions.add(FleetRollouts.sessionsOpened(bench) - sessionsBefore);
            if (!done.get("status").asText().equals("succeeded") || done.get("upToDate").asInt() != tenants
                    || done.get("total").asInt() != tenants) {
                throw new IllegalStateException("a rollout with nothing to apply did not answer from the registry: "
                        + done);
            }
            millis.add((double) Duration.between(OffsetDateTime.parse(done.get("startedAt").asText()),
                    OffsetDateTime.parse(done.get("finishedAt").asText())).toMillis());
            Bench.log(String.format("no-op rollout over %,d tenants, run %d: %.0f ms started to finished, seen ended "
                    + "after %.0f ms, %d sessions opened on the servers meanwhile", tenants, run, millis.get(run - 1),
                    seenEnded.get(run - 1), sessions.get(run - 1)));
        }
        return measurement("no-op-rollout", tenants, millis, Map.of("clientMillis", seenEnded,
                "pollIntervalMillis", 200, "sessionsOpenedOnTenantServers", sessions));
    }

    /** Organizations onboarded one at a time beside the rows, created to first routed read (placement, reconcile). */
    private static Measurement onboarding(BenchPlatform bench, String admin, Bench.Options options, int tenants,
                                          String prefix) throws Exception {
        List<Double> millis = new ArrayList<>();
        for (int run = 1; run <= options.runs(); run++) {
            millis.add(Provisioning.createdToFirstRead(bench, admin, prefix + run) / 1e6);
        }
        return measurement("onboard-to-first-read", tenants, millis, Map.of());
    }

    /**
     * A route lookup of a synthetic organization nobody asked for before (cold in Redis and in the replica): the
     * registry answers, and opening its absent database fails, so the answer is an error; its latency is measured.
     */
    private static Measurement coldRouteLookups(BenchPlatform bench, int tenants) throws Exception {
        List<Double> millis = new ArrayList<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (int i = 1; i <= QUERY_REPETITIONS; i++) {
            String orgId = SYNTHETIC + String.format("%06d", 100 + i);
            URI read = Api.results("/api/v1/orgs/" + orgId + "/jobs?limit=1");
            String token = bench.token(orgId, BenchPlatform.CLIENT);
            long started = System.nanoTime();
            HttpResponse<String> answer = bench.send(read, "GET", token, null);
            millis.add((System.nanoTime() - started) / 1e6);
            statuses.merge(answer.statusCode(), 1, Integer::sum);
        }
        return measurement("cold-route-lookup-http", tenants, millis, Map.of("statuses", statuses));
    }

    /** EXPLAIN ANALYZE of one query, a few times: execution time as p50 and max, planning time and plan beside. */
    private static Measurement explained(BenchPlatform bench, String variant, int tenants, String sql,
                                         Object... parameters) throws Exception {
        List<Double> millis = new ArrayList<>();
        List<Double> planning = new ArrayList<>();
        String plan = "";
        try (Connection c = bench.metadataDatabase();
             PreparedStatement s = c.prepareStatement("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i] instanceof List<?> list
                        ? c.createArrayOf("text", list.toArray()) : parameters[i]);
            }
            for (int i = 0; i < QUERY_REPETITIONS; i++) {
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    JsonNode explained = BenchPlatform.JSON.readTree(rs.getString(1)).get(0);
                    millis.add(explained.get("Execution Time").asDouble());
                    planning.add(explained.get("Planning Time").asDouble());
                    plan = nodes(explained.get("Plan"));
                }
            }
        }
        return measurement(variant, tenants, millis, Map.of("planningMillisP50", percentile(planning, false),
                "plan", plan));
    }

    /** A plan's nodes, outermost first, with the index each scans. */
    private static String nodes(JsonNode node) {
        String self = node.get("Node Type").asText() + (node.has("Index Name") ? " " + node.get("Index Name").asText()
                : node.has("Relation Name") ? " " + node.get("Relation Name").asText() : "");
        List<String> children = new ArrayList<>();
        if (node.has("Plans")) {
            node.get("Plans").forEach(child -> children.add(nodes(child)));
        }
        return children.isEmpty() ? self : self + " (" + String.join(", ", children) + ")";
    }

    /** Table and index bytes of the registry, per row; the rollouts' records; Redis bytes of one cached lookup. */
    private static Measurement sizes(BenchPlatform bench, String real, int tenants) throws Exception {
        Map<String, Object> extra = new LinkedHashMap<>();
        try (Connection c = bench.metadataDatabase()) {
            // Three tables named here, not input.
            for (String table : List.of("provisioner.tenants", "organizations", "provisioner.operation_tenants")) {
                try (PreparedStatement s = c.prepareStatement("SELECT pg_relation_size(?::regclass), "
                        + "pg_indexes_size(?::regclass), pg_total_relation_size(?::regclass), count(*) FROM " + table);
                     ResultSet rs = bind(s, table).executeQuery()) {
                    rs.next();
                    double rows = Math.max(1, rs.getDouble(4));
                    extra.put(table, Map.of("tableBytes", rs.getLong(1), "indexBytes", rs.getLong(2),
                            "totalBytes", rs.getLong(3), "rows", Math.round(rows),
                            "bytesPerRow", Math.round(rs.getLong(3) / rows)));
                }
            }
        }
        // A routed read of the real tenant caches its lookup in Redis (for the lookup cache's TTL).
        BenchPlatform.expect(bench.send(Api.results("/api/v1/orgs/" + real + "/jobs?limit=1"), "GET",
                bench.token(real, BenchPlatform.CLIENT), null), 200);
        extra.put("redisBytesPerLookup", redisMemoryUsage(bench.servers.redisUrl(), RedisChannels.tenantLookupKey(real)));
        Bench.log("sizes at " + tenants + " tenants: " + extra);
        return new Measurement(FIGURE, "sizes", tenants, 1, 0, "", 0, 0, 0, 0, 0, Map.of(), extra);
    }

    private static PreparedStatement bind(PreparedStatement statement, String table) throws SQLException {
        for (int i = 1; i <= 3; i++) {
            statement.setString(i, table);
        }
        return statement;
    }

    /** {@code MEMORY USAGE key} over Redis's own protocol (the bench has no Redis client of its own). */
    private static long redisMemoryUsage(String redisUrl, String key) throws Exception {
        URI uri = URI.create(redisUrl);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort() == -1 ? 6379 : uri.getPort())) {
            byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("*3\r\n$6\r\nMEMORY\r\n$5\r\nUSAGE\r\n$" + keyBytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.write(keyBytes);
            out.write("\r\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            String reply = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            if (reply == null || !reply.startsWith(":")) {
                throw new IllegalStateException("MEMORY USAGE " + key + " answered " + reply);
            }
            return Long.parseLong(reply.substring(1));
        }
    }

    interface Operation {
        Object run() throws Exception;
    }

    private static Measurement timed(String variant, int tenants, int repetitions, Operation operation)
            throws Exception {
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < repetitions; i++) {
            long started = System.nanoTime();
            operation.run();
            millis.add((System.nanoTime() - started) / 1e6);
        }
        return measurement(variant, tenants, millis, Map.of());
    }

    /** Repetitions of one operation as one measurement: per second at the median, the median and the slowest. */
    private static Measurement measurement(String variant, int tenants, List<Double> millis, Map<String, Object> extra) {
        Map<String, Object> all = new LinkedHashMap<>(extra);
        all.put("millis", millis);
        double p50 = percentile(millis, false);
        double max = percentile(millis, true);
        return new Measurement(FIGURE, variant, tenants, 1, 1000 / p50, "per second", p50, max, max, 0, 0, Map.of(),
                all);
    }

    private static double percentile(List<Double> values, boolean max) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return max ? sorted[sorted.length - 1] : sorted[sorted.length / 2];
    }

    /** The first Java text block after {@code marker} in a source file, as the compiler makes it. */
    static String textBlockAfter(Path source, String marker) throws Exception {
        String text = Files.readString(source);
        int from = text.indexOf(marker);
        int start = text.indexOf("\"\"\"", from);
        int end = text.indexOf("\"\"\"", start + 3);
        if (from < 0 || start < 0 || end < 0) {
            throw new IllegalStateException("no text block after " + marker + " in " + source);
        }
        String body = text.substring(text.indexOf('\n', start) + 1, end);
        return body.stripIndent().translateEscapes();
    }

    /**
     * The (desired state, status) pairs the reconcile loop asks for: those its {@code LifecycleStep} leads on from,
     * asked of the provisioner's own compiled class so the figure cannot drift from it.
     */
    @SuppressWarnings("unchecked")
    private static List<String>[] laggingPairs(Path root) throws Exception {
        URL classes = root.resolve("tenant-provisioner/target/classes").toUri().toURL();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes}, RegistryScale.class.getClassLoader())) {
            Class<?> step = loader.loadClass("io.tenantry.provisioner.reconcile.LifecycleStep");
            Method toward = step.getDeclaredMethod("toward", DesiredState.class, OrganizationStatus.class);
            toward.setAccessible(true);
            List<String> desired = new ArrayList<>();
            List<String> observed = new ArrayList<>();
            for (DesiredState state : DesiredState.values()) {
                for (OrganizationStatus status : OrganizationStatus.values()) {
                    if (((Optional<?>) toward.invoke(null, state, status)).isPresent()) {
                        desired.add(state.wire());
                        observed.add(status.wire());
                    }
                }
            }
            return new List[] {desired, observed};
        }
    }
}
