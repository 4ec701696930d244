package io.tenantry.results;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.config.ConfigProvider;

import io.smallrye.jwt.build.Jwt;
import io.tenantry.common.OrgId;
import io.tenantry.common.TenantCredentials;
import io.tenantry.common.Uuids;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.servers.PostgresEndpoint;
import io.tenantry.testing.ProvisionerProcesses;
import io.tenantry.testing.TenantryTestServers;

/**
 * The rest of the platform, for results-service tests: organizations and molecules written as metadata-service
 * writes them, made into tenants by the real tenant-provisioner (its built jar, run as the Kubernetes Job runs
 * it), and tokens signed with the key metadata-service would sign them with.
 */
public final class Platform {

    /** metadata-service owns these tables; the tests apply its migrations rather than copy them. */
    public static final String METADATA_MIGRATIONS = MetadataSchema.LOCATION;
    public static final String TEMPLATE = "results-test-docking";
    public static final String TEMPLATE_ID = "00000000-0000-7000-8000-00000000d0c1";
    static final String MASTER_SECRET = "test-only-master-secret-0123456789abcdef";
    static final List<String> CLIENT = List.of("jobs:read", "jobs:submit", "jobs:cancel", "results:read");
    static final List<String> WORKER = List.of("jobs:read", "jobs:work", "results:read");
    static final List<String> VIEWER = List.of("jobs:read", "results:read");
    private static final Path PROVISIONER = Path.of("target/tenant-provisioner/quarkus-app/quarkus-run.jar");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private Platform() {
    }

    /** New organizations with roomy quotas, made live tenants by the provisioner. */
    public static List<String> tenants(int count) throws Exception {
        List<String> orgs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            orgs.add(organization(10_000, 100_000));
        }
        provision(orgs);
        return orgs;
    }

    /** Runs the provisioner until every one of these organizations is an active tenant. */
    public static void provision(List<String> orgs) throws Exception {
        ensureTemplate();
        // One pass moves a bounded batch of organizations; as many passes as that takes.
        for (int pass = 0; pass <= orgs.size() / 50 + 1 && !allActive(orgs); pass++) {
            runProvisioner("reconcile");
        }
        for (String orgId : orgs) {
            assertEquals("active", query("SELECT status FROM provisioner.tenants WHERE org_id = ?", orgId), orgId);
        }
    }

    /** An organization as metadata-service records it when an operator onboards one: not provisioned yet. */
    public static String organization(int maxQueuedJobs, int maxJobsPerDay) throws SQLException {
        String orgId = "r" + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + "_" + SEQUENCE.incrementAndGet();
        execute("""
                INSERT INTO organizations (org_id, display_name, status, desired_state, region, max_queued_jobs,
                                           max_jobs_per_day, created_at, updated_at)
                VALUES (?, ?, 'requested', 'active', 'eu-west', ?, ?, now(), now())""",
                orgId, "Org " + orgId, maxQueuedJobs, maxJobsPerDay);
        return orgId;
    }

    /** Sets the organization's desired state and lets the provisioner act on it. */
    public static void desire(String orgId, String state) throws Exception {
        execute("UPDATE organizations SET desired_state = ?, updated_at = now() WHERE org_id = ?", state, orgId);
        runProvisioner("reconcile");
    }

    /** Molecules of the organization in metadata-service's catalogue. */
    public static List<UUID> molecules(String orgId, int count) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            UUID id = Uuids.v7();
            execute("""
                    INSERT INTO molecules (id, org_id, name, smiles, inchi_key, created_by, created_at)
                    VALUES (?, ?, ?, 'CCO', ?, 'test', now())""", id, orgId, "molecule " + i, inchiKey());
            ids.add(id);
        }
        return ids;
    }

    public static String client(String orgId) {
        return token(orgId, CLIENT, "client:" + UUID.randomUUID());
    }

    public static String worker(String orgId) {
        return token(orgId, WORKER, "client:" + UUID.randomUUID());
    }

    public static String viewer(String orgId) {
        return token(orgId, VIEWER, "user:" + UUID.randomUUID());
    }

    public static String token(String orgId, List<String> permissions, String subject) {
        return Jwt.issuer("https://tenantry.io/metadata").subject(subject).upn(subject)
                .groups(Set.of(subject.substring(0, subject.indexOf(':')))).claim("org", orgId)
                .claim("permissions", permissions).expiresIn(600).sign();
    }

    public static Connection metadata() throws SQLException {
        return TenantryTestServers.servers().postgres(0).connect(TenantryTestServers.METADATA_DATABASE);
    }

    /** The tenant's own database as an administrator, for looking behind the API. */
    public static Connection tenantDatabase(String orgId) throws SQLException {
        return serverOf(orgId).connect(OrgId.of(orgId).databaseName());
    }

    /** A connection as the organization's tenant role, with its real derived password, to a database on its server. */
    public static Connection asTenantRole(String orgId, String database) throws SQLException {
        OrgId role = OrgId.of(orgId);
        return DriverManager.getConnection(serverOf(orgId).jdbcUrl(database), TenantCredentials.roleName(role),
                TenantCredentials.password(MASTER_SECRET, role, 1));
    }

    /** The name of the server the tenant's database lives on. */
    public static String server(String orgId) throws SQLException {
        return query("SELECT server FROM provisioner.tenants WHERE org_id = ?", orgId);
    }

    /** Connections tenant roles hold open right now, on every server; {@code orgId} null counts every tenant's. */
    public static int tenantConnections(String orgId) throws SQLException {
        String role = orgId == null ? "tenant\\_%" : TenantCredentials.roleName(OrgId.of(orgId)).replace("_", "\\_");
        int total = 0;
        for (PostgresEndpoint server : TenantryTestServers.servers().postgres()) {
            try (Connection c = server.connect("postgres"); PreparedStatement s = c.prepareStatement(
                    "SELECT count(*) FROM pg_stat_activity WHERE usename LIKE ?")) {
                s.setString(1, role);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    total += rs.getInt(1);
                }
            }
        }
        return total;
    }

    public static String query(String sql, Object... params) throws SQLException {
        try (Connection c = metadata(); PreparedStatement s = prepare(c, sql, params); ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** One value from the tenant's own database, read as an administrator. */
    public static String tenantQuery(String orgId, String sql, Object... params) throws SQLException {
        try (Connection c = tenantDatabase(orgId); PreparedStatement s = prepare(c, sql, params);
             ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Waits until at least {@code sessions} sessions in the tenant's database wait on a lock. */
    public static void awaitWaitingOnLock(String orgId, int sessions) throws Exception {
        for (int i = 0; i < 100; i++) {
            if (Integer.parseInt(tenantQuery(orgId, "SELECT count(*) FROM pg_stat_activity"
                    + " WHERE wait_event_type = 'Lock' AND datname = current_database()")) >= sessions) {
                return;
            }
            Thread.sleep(50);
        }
        assertEquals(sessions + " sessions waiting on a lock", "fewer");
    }

    public static void execute(String sql, Object... params) throws SQLException {
        try (Connection c = metadata(); PreparedStatement s = prepare(c, sql, params)) {
            s.executeUpdate();
        }
    }

    private static boolean allActive(List<String> orgs) throws SQLException {
        try (Connection c = metadata(); PreparedStatement s = c.prepareStatement("""
                SELECT count(*) FROM organizations WHERE org_id = ANY (?) AND status = 'active'""")) {
            s.setArray(1, c.createArrayOf("text", orgs.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1) == orgs.size();
            }
        }
    }

    private static PostgresEndpoint serverOf(String orgId) throws SQLException {
        return TenantryTestServers.servers().postgres(Integer.parseInt(server(orgId).substring(2)));
    }

    private static String inchiKey() {
        StringBuilder letters = new StringBuilder();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 24; i++) {
            letters.append((char) ('A' + random.nextInt(26)));
        }
        return letters.substring(0, 14) + "-" + letters.substring(14) + "-N";
    }

    /** A global two-step docking pipeline, as metadata-service's catalogue would hold it. */
    private static void ensureTemplate() throws SQLException {
        execute("""
                INSERT INTO task_definitions (name, display_name, config_schema, system, created_at)
                VALUES ('prepare', 'Prepare', '{}', true, now()), ('dock', 'Dock', '{}', true, now())
                ON CONFLICT DO NOTHING""");
        execute("""
                INSERT INTO pipeline_templates (id, org_id, name, version, steps, created_by, created_at)
                VALUES (?::uuid, NULL, ?, 1,
                        '[{"name": "prepare", "task": "prepare"}, {"name": "dock", "task": "dock"}]', 'test', now())
                ON CONFLICT DO NOTHING""", TEMPLATE_ID, TEMPLATE);
    }

    /**
     * Moves the tenant to the other test server with the provisioner's {@code move} command, run to its end;
     * {@code environment} overrides the provisioner's (a Redis nobody listens on hides its announcements).
     */
    public static void move(String orgId, Map<String, String> environment) throws Exception {
        String target = "pg0".equals(server(orgId)) ? "pg1" : "pg0";
        runProvisioner(environment, "move", orgId, "--to", target);
        assertEquals(target, server(orgId));
    }

    private static void runProvisioner(String command) throws IOException, InterruptedException {
        runProvisioner(Map.of(), command);
    }

    private static void runProvisioner(Map<String, String> environment, String... command)
            throws IOException, InterruptedException {
        Process process = startProvisioner(environment, "0", List.of(command));
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("tenant-provisioner " + String.join(" ", command) + " failed:\n" + output);
        }
    }

    /**
     * Measures the tenant's database health with the provisioner's own collector, through its REST API as a platform
     * administrator: the provisioner served on a free port for this one call.
     */
    public static void collectHealth(String orgId) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process provisioner = startProvisioner(Map.of(), Integer.toString(port), List.of());
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread drain = new Thread(() -> {
            try {
                provisioner.getInputStream().transferTo(output);
            } catch (IOException processEnded) {
                // Its output ends with it.
            }
        });
        drain.setDaemon(true);
        drain.start();
        try {
            String operator = Jwt.issuer("https://tenantry.io/metadata").subject("user:operator")
                    .groups(Set.of("user", "platform-admin")).expiresIn(600).sign();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (true) {
                try {
                    given().baseUri("http://localhost").port(port).auth().oauth2(operator)
                            .post("/api/v1/tenants/" + orgId + "/health/collect").then().statusCode(200);
                    return;
                } catch (Exception notListeningYet) {
                    if (!provisioner.isAlive() || System.nanoTime() > deadline) {
                        throw new IllegalStateException("the provisioner did not serve on port " + port + ":\n"
                                + output, notListeningYet);
                    }
                    Thread.sleep(500);
                }
            }
        } finally {
            // It can answer before its start has finished, and a SIGTERM then waits for a start that never ends.
            provisioner.destroy();
            if (!provisioner.waitFor(30, TimeUnit.SECONDS)) {
                provisioner.destroyForcibly().waitFor();
            }
        }
    }

    private static Process startProvisioner(Map<String, String> environment, String httpPort, List<String> args)
            throws IOException {
        if (!Files.exists(PROVISIONER)) {
            throw new IllegalStateException(PROVISIONER + " is missing; Maven unpacks the tenant-provisioner dependency there");
        }
        ProcessBuilder builder = ProvisionerProcesses.builder(PROVISIONER, MetadataSchema.PROVISIONER_ROLE,
                List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dquarkus.http.port=" + httpPort,
                        "-Dquarkus.log.level=WARN", "-Dquarkus.scheduler.enabled=false"), args);
        var env = builder.environment();
        env.putAll(environment);
        env.putIfAbsent("TENANTRY_TENANT_MASTER_SECRET", MASTER_SECRET);
        env.put("TENANTRY_BACKUP_DIRECTORY", Files.createTempDirectory("tenantry-backups").toString());
        env.put("TENANTRY_JWT_PUBLIC_KEY_LOCATION",
                ConfigProvider.getConfig().getValue("mp.jwt.verify.publickey.location", String.class));
        return builder.start();
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            s.setObject(i + 1, params[i]);
        }
        return s;
    }
}
