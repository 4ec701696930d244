package io.tenantry.results.ratelimit;

import io.tenantry.results.redis.RedisScript;

/** The rate limiter's Lua, atomic in Redis, so every replica draws from one bucket and one set of places per organization. */
final class RateLimitScripts {

    /**
     * A replica's sync of its {@link Allowance}. KEYS: the organization's token bucket (a hash) and the places
     * among its concurrent requests each replica holds (a hash of replica id to {@code places:lease end}). ARGV:
     * requests per second, bucket size, concurrent requests, this replica's id, the tokens it asks for, the unused
     * tokens it gives back, the places it wants to hold, how long the places are held unless renewed (a replica
     * that died never gives its places back otherwise). Tokens are granted as far as the bucket has them; places as
     * far as the other replicas' unexpired ones leave room. Returns {tokens granted, tokens left in the bucket, ms
     * until one is when none was granted, ms until the bucket is full, places held}. The time is Redis's, so
     * replicas' clocks do not matter.
     */
    static final RedisScript SYNC = new RedisScript("""
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            local rate, size, concurrent = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
            local replica, want, returned = ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
            local places, lease = tonumber(ARGV[7]), tonumber(ARGV[8])
            local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens = tonumber(state[1]) or size
            local at = tonumber(state[2]) or now
            tokens = math.min(size, tokens + math.max(0, now - at) * rate / 1000 + returned)
            local granted = math.max(0, math.min(want, math.floor(tokens)))
            tokens = tokens - granted
            local retry = 0
            if want > 0 and granted == 0 then
              retry = math.ceil((1 - tokens) * 1000 / rate)
            end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
            redis.call('PEXPIRE', KEYS[1], math.ceil(size * 1000 / rate) + 1000)
            local others = 0
            local held = redis.call('HGETALL', KEYS[2])
            for i = 1, #held, 2 do
              if held[i] ~= replica then
                local count, ends = string.match(held[i + 1], '^(%d+):(%d+)$')
                if count and tonumber(ends) > now then
                  others = others + tonumber(count)
                else
                  redis.call('HDEL', KEYS[2], held[i])
                end
              end
            end
            places = math.max(0, math.min(places, concurrent - others))
            if places > 0 then
              redis.call('HSET', KEYS[2], replica, string.format('%d:%d', places, now + lease))
              redis.call('PEXPIRE', KEYS[2], lease)
            else
              redis.call('HDEL', KEYS[2], replica)
            end
            return {granted, math.floor(tokens), retry, math.ceil((size - tokens) * 1000 / rate), places}
            """);

    private RateLimitScripts() {
    }
}
