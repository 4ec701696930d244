package io.tenantry.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.Eventually;
import io.tenantry.testing.TenantryTestServers;

/**
 * A tenant moved to the other server by the real provisioner while clients use it through this service: every read
 * is answered, every acknowledged write is on the new server once, and a replica that never heard of the move finds
 * the tenant's new server by itself.
 */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = Platform.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.RESULTS_ROLE)})
class TenantMoveTest {

    private static final Pattern JOB_ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");
    private static final String JOB = """
            {"template":"%s","inputs":{"receptor":"2XYZ","ligandSet":"fda-approved"}}""".formatted(Platform.TEMPLATE);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void readsAreAlwaysAnsweredAndNoAcknowledgedWriteIsLostWhileTheTenantMoves() throws Exception {
        String org = Platform.tenants(1).get(0);
        String client = Platform.client(org);
        String readJob = Api.submit(org, client, Api.job(5));
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        acknowledged.add(readJob);
        Map<Integer, Integer> readStatuses = new ConcurrentHashMap<>();
        Map<Integer, Integer> writeStatuses = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread reader = new Thread(() -> {
            while (running.get()) {
                readStatuses.merge(send(get("/api/v1/orgs/" + org + "/jobs/" + readJob, client)).statusCode(), 1,
                        Integer::sum);
            }
        });
        Thread writer = new Thread(() -> {
            while (running.get()) {
                String key = UUID.randomUUID().toString();
                // A refused write is sent again with its key until it is answered; only then is it acknowledged.
                for (int attempt = 0; running.get() || attempt == 0; attempt++) {
                    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/v1/orgs/" + org + "/jobs"))
                            .header("Authorization", "Bearer " + client).header("Content-Type", "application/json")
                            .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(JOB)).build());
                    writeStatuses.merge(response.statusCode(), 1, Integer::sum);
                    if (response.statusCode() == 201) {
                        Matcher id = JOB_ID.matcher(response.body());
                        assertTrue(id.find(), response.body());
                        acknowledged.add(id.group(1));
                        break;
                    }
                    sleep(20);
                }
            }
        });
        reader.start();
        writer.start();
        try {
            Eventually.within(Duration.ofSeconds(30), "writes are acknowledged", () -> acknowledged.size() > 20);
            Platform.move(org, Map.of());
            int before = acknowledged.size();
            Eventually.within(Duration.ofSeconds(30), "writes go on after the move", () -> acknowledged.size() > before + 20);
        } finally {
            running.set(false);
            reader.join();
            writer.join();
        }

        assertEquals(Set.of(200), readStatuses.keySet(), "every read answered 200: " + readStatuses);
        assertTrue(writeStatuses.keySet().stream().allMatch(s -> s == 201 || s == 503), "writes: " + writeStatuses);
        Set<String> stored = new HashSet<>();
        try (Connection c = Platform.tenantDatabase(org); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id::text FROM jobs")) {
            while (rs.next()) {
                assertTrue(stored.add(rs.getString(1)));
            }
        }
        assertEquals(acknowledged, stored, "every acknowledged job, once, on the new server");
    }

    @Test
    void aReplicaThatMissedTheMoveFindsTheNewServerByItself() throws Exception {
        String org = Platform.tenants(1).get(0);
        String client = Platform.client(org);
        String job = Api.submit(org, client, Api.job(5));
        assertEquals(200, send(get("/api/v1/orgs/" + org + "/jobs/" + job, client)).statusCode());

        // The provisioner announces on a Redis nobody listens on: this replica keeps the old route.
        Platform.move(org, Map.of("TENANTRY_REDIS_URL", "redis://127.0.0.1:1"));

        List<Integer> answers = new ArrayList<>();
        for (int attempt = 0; attempt < 3 && !answers.contains(200); attempt++) {
            answers.add(send(get("/api/v1/orgs/" + org + "/jobs/" + job, client)).statusCode());
        }
        assertTrue(answers.contains(200) && answers.size() <= 2, "answered from the new server: " + answers);
        String after = Api.submit(org, client, Api.job(5));
        assertEquals("1", Platform.tenantQuery(org, "SELECT count(*) FROM jobs WHERE id = ?::uuid", after),
                "the write reached the new server");
    }

    private HttpRequest get(String path, String token) {
        return HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token).GET().build();
    }

    private static URI uri(String path) {
        return URI.create("http://localhost:" + RestAssured.port + path);
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
