package io.tenantry.results;

import static io.restassured.RestAssured.given;
import static io.tenantry.results.Api.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.smallrye.mutiny.Uni;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.TenantryTestServers;

/** Each organization's request rate and concurrent requests are limited on its own; the others do not notice. */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = Platform.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.RESULTS_ROLE)})
class RateLimitTest {

    @Inject
    ReactiveRedisDataSource redis;

    private static String slow;
    private static String narrow;
    private static String other;
    /** Asked by one test only, so this replica holds none of its tokens or places when that test starts. */
    private static String unasked;
    /** One request at a time, like {@code narrow}, and asked by one test only, for the same reason. */
    private static String sharedPlaces;

    @BeforeAll
    static void tenants() throws Exception {
        slow = Platform.organization(1000, 1000);
        narrow = Platform.organization(1000, 1000);
        other = Platform.organization(1000, 1000);
        unasked = Platform.organization(1000, 1000);
        sharedPlaces = Platform.organization(1000, 1000);
        // Two requests per second (a bucket of four, with the test profile's two seconds of burst); one at a time.
        Platform.execute("UPDATE organizations SET max_requests_per_second = 2 WHERE org_id = ?", slow);
        Platform.execute("UPDATE organizations SET max_concurrent_requests = 1 WHERE org_id = ?", narrow);
        Platform.execute("UPDATE organizations SET max_concurrent_requests = 1 WHERE org_id = ?", sharedPlaces);
        Platform.provision(List.of(slow, narrow, other, unasked, sharedPlaces));
    }

    @Test
    void anOrganizationOverItsRateGets429WithTheHeadersWhileAnotherIsUnaffected() {
        String slowClient = Platform.client(slow);
        String otherClient = Platform.client(other);
        List<Response> refused = new ArrayList<>();
        int allowed = 0;
        long start = System.nanoTime();
        for (int i = 0; i < 12; i++) {
            Response answer = as(slowClient).get("/api/v1/orgs/" + slow + "/jobs");
            if (answer.statusCode() == 429) {
                refused.add(answer);
            } else {
                answer.then().statusCode(200).header("RateLimit-Limit", equalTo("4"))
                        .header("RateLimit-Remaining", notNullValue()).header("RateLimit-Reset", notNullValue());
                allowed++;
            }
            as(otherClient).get("/api/v1/orgs/" + other + "/jobs").then().statusCode(200)
                    .header("RateLimit-Limit", equalTo("2000"));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(allowed <= 4 + 2 * seconds + 1, allowed + " allowed in " + seconds + " s");
        assertTrue(!refused.isEmpty(), "twelve requests at once are more than a bucket of four");
        refused.get(0).then().contentType("application/problem+json").body("status", equalTo(429))
                .body("detail", containsString("2 requests per second"))
                .header("Retry-After", notNullValue()).header("RateLimit-Limit", equalTo("4"))
                .header("RateLimit-Remaining", equalTo("0")).header("RateLimit-Reset", notNullValue());
        assertTrue(Integer.parseInt(refused.get(0).header("Retry-After")) >= 1);
    }

    @Test
    void anOrganizationAtItsConcurrentLimitWaitsForItsRequestInProgress() throws Exception {
        String client = Platform.client(narrow);
        for (int i = 0; i < 40; i++) {
            as(client).get("/api/v1/orgs/" + narrow + "/jobs").then().statusCode(200);
        }
        try (Connection admin = Platform.tenantDatabase(narrow); Statement lock = admin.createStatement()) {
            admin.setAutoCommit(false);
            lock.execute("LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE");
            CompletableFuture<Response> held = CompletableFuture.supplyAsync(
                    () -> as(client).get("/api/v1/orgs/" + narrow + "/jobs"));
            Platform.awaitWaitingOnLock(narrow, 1);
            as(client).get("/api/v1/orgs/" + narrow + "/jobs").then().statusCode(429)
                    .contentType("application/problem+json").header("Retry-After", notNullValue())
                    .body("detail", containsString("1 concurrent requests"));
            as(Platform.client(other)).get("/api/v1/orgs/" + other + "/jobs").then().statusCode(200);
            admin.rollback();
            held.get().then().statusCode(200);
        }
        as(client).get("/api/v1/orgs/" + narrow + "/jobs").then().statusCode(200);
    }

    /**
     * Places and tokens another replica holds in Redis count here, and a replica that died stops counting when
     * its lease ends; a replica whose requests stopped gives its places back.
     */
    @Test
    void anotherReplicasShareOfTheLimitsCountsHereUntilItsLeaseEnds() throws Exception {
        awaitLimitsSharedThroughRedis();
        String client = Platform.client(sharedPlaces);
        as(client).get("/api/v1/orgs/" + sharedPlaces + "/jobs").then().statusCode(200);
        String places = "tenantry:rate:{" + sharedPlaces + "}:places";
        for (int i = 0; i < 100 && redis.execute("EXISTS", places).await().indefinitely().toInteger() == 1; i++) {
            Thread.sleep(100);
        }
        assertEquals(0, redis.execute("EXISTS", places).await().indefinitely().toInteger(),
                "an idle replica gives its places back");

        redis.execute("HSET", places, "another-replica", "1:" + (redisMillis() + 60_000)).await().indefinitely();
        as(client).get("/api/v1/orgs/" + sharedPlaces + "/jobs").then().statusCode(429)
                .body("detail", containsString("1 concurrent requests"));
        redis.execute("HSET", places, "another-replica", "1:" + (redisMillis() - 1)).await().indefinitely();
        as(client).get("/api/v1/orgs/" + sharedPlaces + "/jobs").then().statusCode(200);

        redis.execute("HSET", "tenantry:rate:{" + slow + "}:bucket", "tokens", "0", "at",
                Long.toString(redisMillis())).await().indefinitely();
        as(Platform.client(slow)).get("/api/v1/orgs/" + slow + "/jobs").then().statusCode(429)
                .header("Retry-After", notNullValue()).body("detail", containsString("2 requests per second"));
    }

    /** A replica takes tokens a twentieth of a second of the rate at a time and keeps its places between requests. */
    @Test
    void mostRequestsAreDecidedFromThisReplicasShareWithoutAskingRedis() throws Exception {
        awaitLimitsSharedThroughRedis();
        String client = Platform.client(unasked);
        double before = syncs();
        for (int i = 0; i < 50; i++) {
            as(client).get("/api/v1/orgs/" + unasked + "/jobs").then().statusCode(200);
        }
        double asked = syncs() - before;
        assertTrue(asked >= 1 && asked <= 10, asked + " syncs with Redis for 50 requests");
    }

    /**
     * Requests arriving together are all let in while under the limits, though each may have to wait for a sync
     * whose tokens and places the others took first.
     */
    @Test
    void aBurstUnderTheLimitsIsLetInWhole() throws Exception {
        awaitLimitsSharedThroughRedis();
        String client = Platform.client(other);
        try (Api.Burst burst = Api.Burst.get("/api/v1/orgs/" + other + "/jobs", client, 150)) {
            assertEquals(Map.of(200, 150L), burst.statuses(),
                    "150 requests at once, under 200 concurrent and a bucket of 2000");
        }
    }

    @Test
    void withoutRedisEachReplicaStillLimitsAndSaysSo() throws Exception {
        assumeTrue(TenantryTestServers.servers().canRestartRedis(), "only an embedded Redis is stopped by tests");
        String client = Platform.client(slow);
        TenantryTestServers.servers().stopRedis();
        try {
            int refused = 0;
            for (int i = 0; i < 12; i++) {
                refused += as(client).get("/api/v1/orgs/" + slow + "/jobs").statusCode() == 429 ? 1 : 0;
            }
            assertTrue(refused > 0, "the local limiter refuses too");
            given().get("/q/metrics").then().body(containsString("tenantry_rate_limit_local_fallback 1.0"));
        } finally {
            TenantryTestServers.servers().startRedis();
        }
    }

    /**
     * Each Redis command holds one of the client's pooled connections until answered: a burst must wait for a
     * connection, not be refused (the client's defaults, 6 connections and 24 waiting, refused commands at 5,000
     * requests/s while the limiter asked Redis twice per request, and the limiter then decided alone).
     */
    @Test
    void aBurstOfRedisCommandsWaitsForAConnectionInsteadOfBeingRefused() {
        List<Uni<io.vertx.mutiny.redis.client.Response>> burst = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            burst.add(redis.execute("PING"));
        }
        List<io.vertx.mutiny.redis.client.Response> answers = Uni.join().all(burst).andCollectFailures()
                .await().atMost(Duration.ofSeconds(30));
        assertEquals(1_000, answers.stream().filter(answer -> answer.toString().equals("PONG")).count());
    }

    /** After a test that stopped Redis, the limiter decides alone until it asks Redis again (a second later). */
    private static void awaitLimitsSharedThroughRedis() throws Exception {
        String client = Platform.client(other);
        for (int i = 0; i < 50; i++) {
            as(client).get("/api/v1/orgs/" + other + "/jobs").then().statusCode(200);
            if (given().get("/q/metrics").asString().contains("tenantry_rate_limit_local_fallback 0.0")) {
                return;
            }
            Thread.sleep(100);
        }
        assertEquals("limits shared through Redis", "decided alone");
    }

    private long redisMillis() {
        io.vertx.mutiny.redis.client.Response time = redis.execute("TIME").await().indefinitely();
        return time.get(0).toLong() * 1000 + time.get(1).toLong() / 1000;
    }

    private static double syncs() {
        return given().get("/q/metrics").asString().lines()
                .filter(line -> line.startsWith("tenantry_rate_limit_syncs_total "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.indexOf(' ') + 1))).sum();
    }
}
