package io.tenantry.metadata.organization;

import static io.tenantry.metadata.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tenantry.common.RedisChannels;
import io.tenantry.metadata.Api;
import io.tenantry.testing.TenantryTestServers;

@QuarkusTest
@WithTestResource(TenantryTestServers.class)
class ProvisionerWakeUpTest {

    @Inject
    RedisDataSource redis;

    @Test
    void desiredStateChangesWakeTheProvisionerAfterCommit() throws Exception {
        BlockingQueue<String> heard = new LinkedBlockingQueue<>();
        var subscriber = redis.pubsub(String.class).subscribe(RedisChannels.PROVISIONER_WAKE_UP, heard::add);
        try {
            String orgId = Api.createOrg();
            assertEquals(orgId, heard.poll(10, TimeUnit.SECONDS));
            as(Api.adminToken()).post("/api/v1/orgs/" + orgId + "/suspend").then().statusCode(202);
            assertEquals(orgId, heard.poll(10, TimeUnit.SECONDS));
            as(Api.adminToken()).post("/api/v1/orgs/" + orgId + "/suspend").then().statusCode(409);
            assertEquals(null, heard.poll(500, TimeUnit.MILLISECONDS), "a refused change wakes no one");
        } finally {
            subscriber.unsubscribe();
        }
    }
}
