package io.tenantry.results.ratelimit;

import io.tenantry.results.redis.RedisScript;

/** The rate limiter's Lua, atomic in Redis, so every replica draws from one bucket per organization. */
final class RateLimitScripts {

    /**
     * KEYS: the organization's token bucket (a hash) and its requests in progress (a sorted set of request ids by
     * start time). ARGV: requests per second, bucket size, concurrent requests, this request's id, how long a
     * request in progress is remembered at most (a replica that died never gives its places back otherwise).
     * Takes a token and a place when both are free. Returns {allowed 0/1, tokens left, retry after ms, ms until
     * the bucket is full}. The time is Redis's, so replicas' clocks do not matter.
     */
    static final RedisScript ACQUIRE = new RedisScript("""
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            local rate, size = tonumber(ARGV[1]), tonumber(ARGV[2])
            local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens = tonumber(state[1]) or size
            local at = tonumber(state[2]) or now
            tokens = math.min(size, tokens + math.max(0, now - at) * rate / 1000)
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[5]))
            local allowed, retry = 0, 0
            if tokens < 1 then
              retry = math.ceil((1 - tokens) * 1000 / rate)
            elseif redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then
              retry = 1000
            else
              tokens = tokens - 1
              allowed = 1
              redis.call('ZADD', KEYS[2], now, ARGV[4])
              redis.call('PEXPIRE', KEYS[2], ARGV[5])
            end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
            redis.call('PEXPIRE', KEYS[1], math.ceil(size * 1000 / rate) + 1000)
            return {allowed, math.floor(tokens), retry, math.ceil((size - tokens) * 1000 / rate)}
            """);

    private RateLimitScripts() {
    }
}
