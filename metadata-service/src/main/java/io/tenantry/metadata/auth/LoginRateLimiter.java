package io.tenantry.metadata.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.RedisDataSource;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.metadata.security.AuthConfig;
import io.vertx.mutiny.redis.client.Response;

/**
 * Counts failed sign-ins per account and per client address in Redis over a fixed window. Past the limit, every
 * attempt (right or wrong) is refused with 429 until the window ends. When Redis cannot be reached the limiter
 * lets attempts through and logs it: readiness already reports Redis as down, and locking everyone out would be
 * worse.
 */
@ApplicationScoped
public class LoginRateLimiter {

    private static final Logger LOG = Logger.getLogger(LoginRateLimiter.class);
    private static final String COUNT_IN_WINDOW = """
            local n = redis.call('INCR', KEYS[1])
            if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
            return n""";

    @Inject
    RedisDataSource redis;

    @Inject
    AuthConfig config;

    public void checkAllowed(String account, String address) {
        AuthConfig.RateLimit limits = config.rateLimit();
        refuseIfOver(accountKey(account), limits.maxFailuresPerAccount(), "this account");
        refuseIfOver(addressKey(address), limits.maxFailuresPerAddress(), "this address");
    }

    public void recordFailure(String account, String address) {
        long window = config.rateLimit().window().toSeconds();
        try {
            for (String key : List.of(accountKey(account), addressKey(address))) {
                redis.execute("EVAL", COUNT_IN_WINDOW, "1", key, Long.toString(window));
            }
        } catch (RuntimeException e) {
            LOG.warnf("could not record a failed sign-in in Redis: %s", e.getMessage());
        }
    }

    public void recordSuccess(String account) {
        try {
            redis.key().del(accountKey(account));
        } catch (RuntimeException e) {
            LOG.warnf("could not clear sign-in failures in Redis: %s", e.getMessage());
        }
    }

    private void refuseIfOver(String key, int limit, String what) {
        long failures;
        long ttl;
        try {
            Response count = redis.execute("GET", key);
            failures = count == null ? 0 : count.toLong();
            if (failures < limit) {
                return;
            }
            ttl = redis.key().ttl(key);
        } catch (RuntimeException e) {
            LOG.warnf("could not check sign-in failures in Redis: %s", e.getMessage());
            return;
        }
        throw ApiProblem.tooManyRequests("too many failed sign-ins from " + what + "; try again later",
                ttl > 0 ? ttl : config.rateLimit().window().toSeconds());
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
