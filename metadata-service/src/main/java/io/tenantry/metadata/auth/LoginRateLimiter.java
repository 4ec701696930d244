package io.tenantry.metadata.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.metadata.security.AuthConfig;
import io.vertx.mutiny.redis.client.Response;

/**
 * Counts failed sign-ins per account and per client address in Redis over a fixed window. Past the limit, every
 * attempt (right or wrong) is refused with 429 until the window ends. It never fails open: when Redis cannot be
 * reached, this replica counts in its own memory with the same limits (so a client spread over n replicas gets
 * at most n times the limit), says so in the gauge {@code tenantry.login.limiter.local} (1 while counting locally)
 * and the counter {@code tenantry.login.limiter.fallback}, and tries Redis again after {@link #REDIS_RETRY}.
 */
@ApplicationScoped
public class LoginRateLimiter {

    private static final Logger LOG = Logger.getLogger(LoginRateLimiter.class);
    private static final Duration REDIS_RETRY = Duration.ofSeconds(5);
    /** Past this many local counters, expired ones are dropped before another is added. */
    private static final int LOCAL_SWEEP_THRESHOLD = 10_000;
    private static final String COUNT_IN_WINDOW = """
            local n = redis.call('INCR', KEYS[1])
            if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
            return n""";

    private record Failures(long count, long secondsLeft) {
    }

    private record LocalWindow(long count, long endsAtNanos) {
        boolean over(long now) {
            return now - endsAtNanos >= 0;
        }
    }

    private final RedisDataSource redis;
    private final AuthConfig config;
    private final Counter fallbacks;
    private final ConcurrentHashMap<String, LocalWindow> local = new ConcurrentHashMap<>();
    private volatile long redisRetryAt;
    private volatile boolean countingLocally;

    LoginRateLimiter(RedisDataSource redis, AuthConfig config, MeterRegistry registry) {
        this.redis = redis;
        this.config = config;
        this.fallbacks = Counter.builder("tenantry.login.limiter.fallback")
                .description("Sign-in rate limit decisions and counts made in this replica's memory because Redis "
                        + "could not be reached")
                .register(registry);
        Gauge.builder("tenantry.login.limiter.local", this, limiter -> limiter.countingLocally ? 1 : 0)
                .description("1 while this replica counts failed sign-ins in its own memory because Redis is away")
                .register(registry);
    }

    public void checkAllowed(String account, String address) {
        AuthConfig.RateLimit limits = config.rateLimit();
        refuseIfOver(accountKey(account), limits.maxFailuresPerAccount(), "this account");
        refuseIfOver(addressKey(address), limits.maxFailuresPerAddress(), "this address");
    }

    public void recordFailure(String account, String address) {
        long window = config.rateLimit().window().toSeconds();
        for (String key : List.of(accountKey(account), addressKey(address))) {
            if (fromRedis(() -> redis.execute("EVAL", COUNT_IN_WINDOW, "1", key, Long.toString(window))).isPresent()) {
                continue;
            }
            long now = System.nanoTime();
            if (local.size() > LOCAL_SWEEP_THRESHOLD) {
                local.values().removeIf(counted -> counted.over(now));
            }
            local.compute(key, (k, counted) -> counted == null || counted.over(now)
                    ? new LocalWindow(1, now + config.rateLimit().window().toNanos())
                    : new LocalWindow(counted.count() + 1, counted.endsAtNanos()));
        }
    }

    public void recordSuccess(String account) {
        String key = accountKey(account);
        local.remove(key);
        fromRedis(() -> redis.key().del(key));
    }

    private void refuseIfOver(String key, int limit, String what) {
        Failures failures = failures(key, limit);
        if (failures.count() >= limit) {
            throw ApiProblem.tooManyRequests("too many failed sign-ins from " + what + "; try again later",
                    failures.secondsLeft() > 0 ? failures.secondsLeft() : config.rateLimit().window().toSeconds());
        }
    }

    private Failures failures(String key, int limit) {
        Optional<Failures> counted = fromRedis(() -> {
            Response count = redis.execute("GET", key);
            long n = count == null ? 0 : count.toLong();
            return new Failures(n, n >= limit ? redis.key().ttl(key) : 0);
        });
        return counted.orElseGet(() -> locally(key));
    }

    private Failures locally(String key) {
        long now = System.nanoTime();
        LocalWindow counted = local.get(key);
        return counted == null || counted.over(now) ? new Failures(0, 0)
                : new Failures(counted.count(), Duration.ofNanos(counted.endsAtNanos() - now).toSeconds() + 1);
    }

    /** What the Redis call returns (never null), unless Redis failed lately: then the caller counts locally. */
    private <T> Optional<T> fromRedis(Supplier<T> call) {
        if (countingLocally && System.nanoTime() - redisRetryAt < 0) {
            fallbacks.increment();
            return Optional.empty();
        }
        try {
            T result = call.get();
            if (countingLocally) {
                LOG.info("Redis is back: sign-in failures are counted there again");
                countingLocally = false;
            }
            return Optional.of(result);
        } catch (RuntimeException e) {
            if (!countingLocally) {
                LOG.warnf("Redis cannot be reached, sign-in failures are counted in this replica's memory: %s",
                        e.getMessage());
            }
            countingLocally = true;
            redisRetryAt = System.nanoTime() + REDIS_RETRY.toNanos();
            fallbacks.increment();
            return Optional.empty();
        }
    }

    private static String accountKey(String account) {
        return "auth:failures:account:" + sha256(account == null ? "" : account);
    }

    private static String addressKey(String address) {
        return "auth:failures:address:" + (address == null ? "unknown" : address);
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
