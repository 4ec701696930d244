package io.tenantry.results.pool;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.tenantry.results.config.ResultsConfig;
import io.tenantry.results.redis.RedisScript;
import io.vertx.core.Vertx;

/**
 * This replica's share of each tenant server's connection budget, agreed with the other live replicas through
 * Redis. Each replica renews a membership that expires (a replica that dies or loses Redis for longer is counted
 * gone) and, per server, a claim: the connections it may hold. Its share is the budget over the live replicas,
 * and it may take only what the others' claims leave, so the claims together never pass the budget: a replica
 * joining gets its share as the others shrink to theirs (idle connections close at once, busy ones when their
 * requests end), and a replica gone leaves its part to the others. While the shares are unsettled (a replica
 * waiting for room, or holding more than its share) it renews four times as often.
 * <p>
 * When Redis does not answer, a replica keeps its last share and never grows beyond it. A replica starts with
 * nothing on any server until Redis has answered once.
 */
@ApplicationScoped
public class ServerShares {

    private static final Logger LOG = Logger.getLogger(ServerShares.class);
    /** One hash tag, so that every key of a renewal lives on the same Redis Cluster node. */
    private static final String KEYS = "tenantry:{pool-shares}:";

    /**
     * KEYS: the live replicas (a sorted set of replica ids by when their membership expires, in ms of Redis's
     * clock), the server's claims (a hash: replica id to connections), the grace marker. ARGV: this replica's id,
     * the expiry in ms, the server's budget, the connections this replica holds to it (open or closing), its cap
     * now, and 1 when this replica was registered before. Returns {allowed, share, claim, live replicas}: the cap
     * to hold to, the budget over the live replicas, what this replica's claim now is, and how many replicas live.
     * <p>
     * The claim is never below what the replica may hold until it applies the answer (its connections and its
     * current cap), and what it is allowed never exceeds what the other live claims leave, so the live claims
     * together stay within the budget. A replica registered before but missing (its membership expired while it
     * was cut off, or Redis lost its data) may still hold connections nobody counts: then, for one expiry, no
     * replica grows, so every live replica has claimed what it holds before anyone takes more.
     */
    static final RedisScript RENEW = new RedisScript("""
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            local me, expiry, budget = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
            local held, cap = tonumber(ARGV[4]), tonumber(ARGV[5])
            local seen = redis.call('ZSCORE', KEYS[1], me)
            if ARGV[6] == '1' and (not seen or tonumber(seen) <= now) then
              redis.call('SET', KEYS[3], me, 'PX', expiry)
            end
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            redis.call('ZADD', KEYS[1], now + expiry, me)
            redis.call('PEXPIRE', KEYS[1], expiry * 2)
            local live = redis.call('ZCARD', KEYS[1])
            local others = 0
            local claims = redis.call('HGETALL', KEYS[2])
            for i = 1, #claims, 2 do
              if claims[i] ~= me then
                if redis.call('ZSCORE', KEYS[1], claims[i]) then
                  others = others + tonumber(claims[i + 1])
                else
                  redis.call('HDEL', KEYS[2], claims[i])
                end
              end
            end
            local share = math.floor(budget / live)
            local allowed = math.max(0, math.min(share, budget - others))
            if redis.call('EXISTS', KEYS[3]) == 1 then
              allowed = math.min(allowed, cap)
            end
            local claim = math.max(allowed, held, cap)
            redis.call('HSET', KEYS[2], me, claim)
            redis.call('PEXPIRE', KEYS[2], expiry * 2)
            return {allowed, share, claim, live}
            """);

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    ResultsConfig config;

    @Inject
    TenantPools pools;

    @Inject
    Vertx vertx;

    private final String replica = UUID.randomUUID().toString();
    private final Map<String, Share> shares = new TreeMap<>();
    private final AtomicBoolean redisSilent = new AtomicBoolean();
    private volatile int liveReplicas;
    private volatile boolean stopped;
    private long timer;

    /** Before anything else starts, so that the first requests find this replica's share settled if it can be. */
    void start(@Observes @Priority(Interceptor.Priority.APPLICATION) StartupEvent event) {
        config.servers().keySet().forEach(server -> shares.put(server, new Share(server, budgetOf(server))));
        long deadline = System.nanoTime() + config.pools().shareExpiry().toNanos();
        renewAll().await().indefinitely();
        while ((redisSilent.get() || unsettled()) && System.nanoTime() < deadline) {
            pause(quickRenewal());
            renewAll().await().indefinitely();
        }
        schedule();
    }

    /**
     * A replica stopping gives its connections back first, then leaves, so that the others grow only into
     * connections that are closed.
     */
    void stop(@Observes ShutdownEvent event) {
        stopRenewing();
        shares.keySet().forEach(server -> pools.resize(server, 0));
        long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (shares.keySet().stream().anyMatch(server -> pools.grantedConnections(server) > 0)
                && System.nanoTime() < deadline) {
            pause(Duration.ofMillis(20));
        }
        leave().ifNoItem().after(Duration.ofSeconds(1)).recoverWithItem((Void) null).await().indefinitely();
    }

    /** This replica's cap on the server's connections; -1 for a server it was not told about. */
    public int share(String server) {
        Share share = shares.get(server);
        return share == null ? -1 : share.allowed;
    }

    /** What all replicas together may hold to the server; -1 for a server this replica was not told about. */
    public int budget(String server) {
        Share share = shares.get(server);
        return share == null ? -1 : share.budget;
    }

    /** The live replicas, this one included, as Redis last said. */
    public int liveReplicas() {
        return liveReplicas;
    }

    /** The servers this replica has a share of, by name. */
    public List<String> servers() {
        return List.copyOf(shares.keySet());
    }

    void stopRenewing() {
        stopped = true;
        vertx.cancelTimer(timer);
    }

    private void schedule() {
        if (!stopped) {
            timer = vertx.setTimer(unsettled() ? quickRenewal().toMillis() : config.pools().shareRenewal().toMillis(),
                    id -> renewAll().subscribe().with(done -> schedule()));
        }
    }

    private Uni<Void> renewAll() {
        if (shares.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(shares.values().stream().map(this::renew).toList()).andCollectFailures()
                .replaceWithVoid();
    }

    /** Claims this replica's connections to the server and takes the cap Redis answers; keeps the last one if none. */
    private Uni<Void> renew(Share share) {
        int held = pools.grantedConnections(share.server);
        List<String> args = List.of(replica, Long.toString(config.pools().shareExpiry().toMillis()),
                Integer.toString(share.budget), Integer.toString(held), Integer.toString(share.allowed),
                share.registered ? "1" : "0");
        return RENEW.run(redis, List.of(KEYS + "replicas", KEYS + "server:" + share.server, KEYS + "grace"), args)
                .ifNoItem().after(config.pools().shareExpiry()).fail()
                .invoke(reply -> {
                    share.registered = true;
                    share.allowed = reply.get(0).toInteger();
                    share.share = reply.get(1).toInteger();
                    share.claim = reply.get(2).toInteger();
                    liveReplicas = reply.get(3).toInteger();
                    if (!stopped) {
                        // A renewal answered after the replica began to stop must not open what it is closing.
                        pools.resize(share.server, share.allowed);
                    }
                    if (redisSilent.getAndSet(false)) {
                        LOG.infof("connection shares renewed in Redis again: %d on %s, %d replicas", share.allowed,
                                share.server, liveReplicas);
                    }
                })
                .replaceWithVoid()
                .onFailure().recoverWithItem(failure -> {
                    if (!redisSilent.getAndSet(true)) {
                        LOG.warnf("connection shares not renewed, keeping the last ones (%s): %s", shares.values(),
                                failure.toString());
                    }
                    return null;
                });
    }

    /** Takes this replica's membership and claims out of Redis; the others grow into them at their next renewal. */
    private Uni<Void> leave() {
        Uni<?> membership = redis.execute("ZREM", KEYS + "replicas", replica);
        for (String server : shares.keySet()) {
            membership = membership.chain(() -> redis.execute("HDEL", KEYS + "server:" + server, replica));
        }
        return membership.replaceWithVoid().onFailure().recoverWithItem(failure -> {
            LOG.infof("this replica's connection shares are left to expire: %s", failure.toString());
            return null;
        });
    }

    /** Some share still waits for room the others have not given up yet, or this replica holds more than its own. */
    private boolean unsettled() {
        return shares.values().stream().anyMatch(share -> share.allowed < share.share || share.claim > share.allowed);
    }

    private Duration quickRenewal() {
        return config.pools().shareRenewal().dividedBy(4);
    }

    private int budgetOf(String server) {
        return config.servers().get(server).budget()
                .orElse(config.pools().serverBudget().orElse(config.pools().globalBudget()));
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** This replica's part of one server's budget, as last agreed; written by one renewal at a time. */
    private static final class Share {
        final String server;
        final int budget;
        volatile int allowed;
        volatile int share;
        volatile int claim;
        volatile boolean registered;

        Share(String server, int budget) {
            this.server = server;
            this.budget = budget;
        }

        @Override
        public String toString() {
            return allowed + " of " + budget + " on " + server;
        }
    }
}
