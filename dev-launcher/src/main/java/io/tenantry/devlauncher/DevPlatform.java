package io.tenantry.devlauncher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.tenantry.servers.JwtKeys;
import io.tenantry.servers.LocalServers;
import io.tenantry.servers.PostgresEndpoint;

/**
 * The README's run command: PostgreSQL and Redis (named by TENANTRY_PG_URLS and TENANTRY_REDIS_URL, or embedded
 * with their data under .tenantry/), a signing key pair, the three services, then the demo: an organization, a
 * person, a worker API client and a docking job that the demo worker completes. Prints where everything is and
 * how to try it; Ctrl-C stops everything it started.
 */
public final class DevPlatform {

    private DevPlatform() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        Path state = root.resolve(".tenantry");
        Files.createDirectories(state);
        boolean again = Files.exists(state.resolve("demo.json"));

        step("starting PostgreSQL and Redis (data in " + state.resolve("data") + ")");
        // Two servers, so a tenant can be moved from one to the other (docs/operations.md).
        LocalServers servers = LocalServers.start(2, state.resolve("data"));
        JwtKeys keys = JwtKeys.reuseOrGenerate(state.resolve("keys"));
        String adminPassword = secret(state.resolve("admin-password"), 18);
        String masterSecret = secret(state.resolve("tenant-master-secret"), 36);

        LocalPlatform platform = new LocalPlatform();
        Api api = new Api();
        Demo demo = new Demo(api, state, DevPlatform::step);
        DemoWorker[] worker = new DemoWorker[1];
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            step("stopping");
            if (worker[0] != null) {
                worker[0].stop();
            }
            platform.close();
            servers.close();
            step("stopped");
        }));
        Map<String, PostgresEndpoint> tenantServers = new LinkedHashMap<>();
        tenantServers.put("local", servers.postgres(0));
        tenantServers.put("local-2", servers.postgres(1));
        LocalPlatform.Settings settings = new LocalPlatform.Settings(root, state, tenantServers,
                keys, masterSecret, Map.of("TENANTRY_AUTH_BOOTSTRAP_ADMIN_EMAIL", "admin@tenantry.local",
                "TENANTRY_AUTH_BOOTSTRAP_ADMIN_PASSWORD", adminPassword), Map.of());
        platform.start(servers, settings, DevPlatform::step);

        Demo.Setup setup = demo.onboard(adminPassword);
        worker[0] = new DemoWorker(api, Demo.ORG, setup.workerClientId(), setup.workerClientSecret(),
                message -> System.out.println("[demo-worker] " + message));
        Thread workerThread = new Thread(worker[0], "demo-worker");
        workerThread.setDaemon(true);
        workerThread.start();

        int earlierJobs = demo.jobCount(setup);
        step("submitting a docking job (aspirin, caffeine, ibuprofen against 6LU7) as " + Demo.LEAD);
        String jobId = demo.submitJob(setup);
        JsonNode job = demo.awaitJob(setup, jobId, Duration.ofMinutes(2));
        step("job " + jobId + " is " + job.get("status").asText());
        printSummary(state, adminPassword, setup, job, demo.topResults(setup, jobId), earlierJobs, again);
        platform.awaitExit();
    }

    private static void printSummary(Path state, String adminPassword, Demo.Setup setup, JsonNode job,
                                     JsonNode top, int earlierJobs, boolean again) {
        Map<String, String> names = new HashMap<>();
        for (int i = 0; i < setup.moleculeIds().size(); i++) {
            names.put(setup.moleculeIds().get(i), Demo.MOLECULES.get(i).get("name"));
        }
        StringBuilder best = new StringBuilder();
        for (JsonNode result : top.get("items")) {
            best.append(String.format("%n      %-10s %6.2f kcal/mol (rank %d)", names.get(result.get("moleculeId").asText()),
                    result.get("score").asDouble(), result.get("rank").asInt()));
        }
        String metadata = LocalPlatform.url(LocalPlatform.METADATA_PORT);
        String results = LocalPlatform.url(LocalPlatform.RESULTS_PORT);
        System.out.printf("""

                Tenantry is running.

                  metadata-service    %1$s   OpenAPI %17$s/q/openapi
                  results-service     %2$s   OpenAPI %18$s/q/openapi
                  tenant-provisioner  %3$s
                  operator console    %3$s/console   (sign in as the platform admin)
                  health, metrics     %18$s/q/health/ready   %18$s/q/metrics   (management ports)

                  platform admin      admin@tenantry.local / %4$s
                  demo organization   demo (its own database: results_demo)
                  demo user           %5$s / %6$s   (org-admin of demo)
                  demo worker client  %7$s / %8$s   (role worker; running inside this launcher)

                  The sample docking job %9$s %15$s. Best scores:%10$s
                  The demo organization has %11$d job%16$s%12$s.
                  Data, keys, credentials and service logs: %13$s

                Try, as the demo user:
                  TOKEN=$(curl -s -d grant_type=password -d username=%5$s -d 'password=%6$s' -d org_id=demo \\
                       %1$s/api/v1/auth/token | sed 's/.*"access_token":"\\([^"]*\\)".*/\\1/')
                  curl -s -H "Authorization: Bearer $TOKEN" %2$s/api/v1/orgs/demo/jobs
                  curl -s -H "Authorization: Bearer $TOKEN" '%2$s/api/v1/orgs/demo/jobs/%9$s/docking-results?limit=3'
                  curl -s -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
                       -d '{"template":"standard-docking","inputs":{"receptor":"1ABC","moleculeIds":["%14$s"]}}' \\
                       %2$s/api/v1/orgs/demo/jobs      # the demo worker completes it within seconds

                Operate it with the tenantry CLI (cli/README.md), as the platform admin:
                  cli/tenantry login --email admin@tenantry.local --password '%4$s'
                  cli/tenantry tenants list
                  cli/tenantry rollouts start --follow
                  cli/tenantry --help

                Press Ctrl-C to stop.
                %n""", metadata, results, LocalPlatform.url(LocalPlatform.PROVISIONER_PORT), adminPassword, Demo.LEAD,
                setup.leadPassword(), setup.workerClientId(), setup.workerClientSecret(), job.get("id").asText(), best,
                earlierJobs + 1, again ? " (" + earlierJobs + " from earlier runs, kept in its database)" : "",
                state, setup.moleculeIds().get(0),
                "succeeded".equals(job.get("status").asText()) ? "succeeded" : "is " + job.get("status").asText(),
                earlierJobs == 0 ? "" : "s",
                LocalPlatform.url(LocalPlatform.managementPort(LocalPlatform.METADATA_PORT)),
                LocalPlatform.url(LocalPlatform.managementPort(LocalPlatform.RESULTS_PORT)));
    }

    /** A local secret: random on first run, kept in .tenantry/ so it survives restarts. */
    private static String secret(Path file, int bytesOfRandomness) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        byte[] bytes = new byte[bytesOfRandomness];
        new SecureRandom().nextBytes(bytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Files.writeString(file, secret);
        return secret;
    }

    static void step(String message) {
        System.out.println("[tenantry] " + message);
    }
}
