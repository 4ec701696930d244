package io.tenantry.results.health;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/** Ready only while Redis answers: without it jobs are stored but not queued, and tenant changes go unheard. */
@Readiness
@ApplicationScoped
public class RedisHealthCheck implements AsyncHealthCheck {

    @Inject
    ReactiveRedisDataSource redis;

    @Override
    public Uni<HealthCheckResponse> call() {
        return redis.execute("PING").map(reply -> HealthCheckResponse.up("Redis"))
                .ifNoItem().after(Duration.ofSeconds(2)).fail()
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named("Redis").down()
                        .withData("error", String.valueOf(e.getMessage())).build());
    }
}
