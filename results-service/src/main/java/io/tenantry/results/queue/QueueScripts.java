package io.tenantry.results.queue;

import io.tenantry.results.redis.RedisScript;

/** The Lua scripts the queue runs in Redis, each atomic there. */
final class QueueScripts {

    /** Creates the stream and its group before the first message (so none is skipped), then adds the job. */
    static final RedisScript ADD = new RedisScript("""
            redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
            return redis.call('XADD', KEYS[1], '*', 'job', ARGV[2])
            """);

    /**
     * KEYS: the organization's streams, highest priority first. Returns {stream, message id, job id} of a message
     * idle for at least ARGV[3] ms (its worker went quiet), else of the oldest new message, else false.
     */
    static final RedisScript NEXT = new RedisScript("""
            for _, key in ipairs(KEYS) do
              if redis.call('EXISTS', key) == 1 then
                local idle = redis.call('XPENDING', key, ARGV[1], 'IDLE', ARGV[3], '-', '+', 1)
                if #idle > 0 then
                  local claimed = redis.call('XCLAIM', key, ARGV[1], ARGV[2], ARGV[3], idle[1][1])
                  if #claimed > 0 and claimed[1] then
                    return {key, claimed[1][1], claimed[1][2][2]}
                  end
                  redis.call('XACK', key, ARGV[1], idle[1][1])
                end
              end
            end
            for _, key in ipairs(KEYS) do
              if redis.call('EXISTS', key) == 1 then
                local read = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', 1, 'STREAMS', key, '>')
                if read then
                  return {key, read[1][2][1][1], read[1][2][1][2][2]}
                end
              end
            end
            return false
            """);

    /** KEYS and ARGV pair streams with message ids; returns the 1-based positions of messages no longer there. */
    static final RedisScript MISSING = new RedisScript("""
            local missing = {}
            for i, key in ipairs(KEYS) do
              if #redis.call('XRANGE', key, ARGV[i], ARGV[i]) == 0 then
                missing[#missing + 1] = i
              end
            end
            return missing
            """);

    /** ARGV[1] SCAN cursor, ARGV[2] key pattern, ARGV[3] group; returns {next cursor, messages, delivered}. */
    static final RedisScript DEPTH_PAGE = new RedisScript("""
            local page = redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', 1000, 'TYPE', 'stream')
            local messages, delivered = 0, 0
            for _, key in ipairs(page[2]) do
              messages = messages + redis.call('XLEN', key)
              local pending = redis.pcall('XPENDING', key, ARGV[3])
              if type(pending) == 'table' and pending[1] then
                delivered = delivered + pending[1]
              end
            end
            return {page[1], messages, delivered}
            """);

    private QueueScripts() {
    }
}
