package io.tenantry.provisioner;

import static io.tenantry.provisioner.ProvisionerTestSupport.newOrganization;
import static io.tenantry.provisioner.ProvisionerTestSupport.status;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tenantry.common.RedisChannels;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.TenantryTestServers;

@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = ProvisionerTestSupport.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.PROVISIONER_ROLE)})
class WakeUpTest {

    @Inject
    RedisDataSource redis;

    @Test
    void aWakeUpOnRedisProvisionsAtOnceWithoutWaitingForThePeriodicPass() throws Exception {
        // The scheduler is off in tests, so only the wake-up can explain the result.
        String orgId = newOrganization("eu-west");
        redis.pubsub(String.class).publish(RedisChannels.PROVISIONER_WAKE_UP, orgId);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!"active".equals(status(orgId)) && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertEquals("active", status(orgId));
    }

    @Test
    void aBurstOfWakeUpsIsQueuedAndEveryOrganizationBecomesActive() throws Exception {
        List<String> orgs = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            orgs.add(newOrganization("eu-west"));
        }
        orgs.forEach(orgId -> redis.pubsub(String.class).publish(RedisChannels.PROVISIONER_WAKE_UP, orgId));
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (orgs.stream().anyMatch(this::unfinished) && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        for (String orgId : orgs) {
            assertEquals("active", status(orgId), orgId);
        }
    }

    private boolean unfinished(String orgId) {
        try {
            return !List.of("active", "failed").contains(status(orgId));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
