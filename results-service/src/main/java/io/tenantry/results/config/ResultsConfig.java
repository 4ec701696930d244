package io.tenantry.results.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "tenantry.results")
public interface ResultsConfig {

    /** The PostgreSQL servers that hold tenant databases, by the names the tenant registry uses. */
    Map<String, Server> servers();

    /** Derives each tenant's database password; the provisioner holds the same secret. */
    String masterSecret();

    /** How connections to the tenant servers use TLS, unless a server says otherwise. */
    TenantTls tenantTls();

    Pools pools();

    TenantCache tenantCache();

    Queue queue();

    Auth auth();

    Idempotency idempotency();

    RateLimits rateLimits();

    interface Server {
        /** Where the server answers; named as in the provisioner's configuration and the tenant registry. */
        String host();

        /** Its PostgreSQL port. */
        @WithDefault("5432")
        int port();

        /** Overrides {@code tenantry.results.tenant-tls.ssl-mode} for this server. */
        Optional<String> sslMode();

        /**
         * Connections all results-service replicas together may hold to this server; overrides
         * {@code tenantry.results.pools.server-budget}.
         */
        Optional<Integer> budget();
    }

    interface TenantTls {
        /** disable, allow, prefer, require, verify-ca or verify-full; the prod profile requires verify-full. */
        @WithDefault("disable")
        String sslMode();

        /** PEM file of the CA that signed the servers' certificates, which verify-ca and verify-full check against. */
        Optional<String> caFile();
    }

    interface Pools {
        /** Connections all tenant pools of one replica together may hold open, across every server. */
        @WithDefault("100")
        int globalBudget();

        /**
         * Connections all replicas together may hold to one tenant server, shared between the live replicas through
         * Redis (a server's own {@code budget} overrides it); unset, the global budget.
         */
        Optional<Integer> serverBudget();

        /** How often a replica renews its membership and its share of each server's budget in Redis. */
        @WithDefault("2S")
        Duration shareRenewal();

        /**
         * A replica that has not renewed for this long counts as gone: the others share its part of the budget.
         */
        @WithDefault("6S")
        Duration shareExpiry();

        /** Connections one tenant's pool may hold. */
        @WithDefault("4")
        int perTenant();

        /**
         * A connection nobody used for this long is closed and its place returns to the budget; a pool nobody used
         * for this long is closed altogether. A tenant that needs room gets it at once from the least recently used
         * idle connections, so this only gives back what nobody asks for; shorter, a tenant read less often than this
         * pays a new PostgreSQL backend process on every request.
         */
        @WithDefault("5M")
        Duration idleTimeout();

        /** How long a request waits for a connection before it gets 503 with Retry-After. */
        @WithDefault("5S")
        Duration acquireTimeout();

        /**
         * How long a request may hold a connection before its work is abandoned with 503 and the connection closed:
         * a backstop above the tenant roles' statement timeout, for a connection that stopped answering.
         */
        @WithDefault("60S")
        Duration workTimeout();
    }

    interface TenantCache {
        /** How long a tenant lookup is trusted without a change announcement. */
        @WithDefault("30S")
        Duration ttl();
    }

    interface Queue {
        /** A claimed job whose worker has not reported for this long may be claimed by another worker. */
        @WithDefault("60S")
        Duration lease();

        /** How often jobs accepted while Redis was unreachable are looked for and put on the queue. */
        @WithDefault("5S")
        Duration sweepInterval();

        /**
         * How often every active tenant is checked for jobs that never reached the queue (a crash between storing
         * and queueing) or whose message Redis lost; also done at start and whenever Redis comes back.
         */
        @WithDefault("10M")
        Duration fullSweepInterval();

        /** Attempts a job gets; one whose last allowed attempt also lost its worker fails. */
        @WithDefault("3")
        int maxAttempts();

        /** How many results one bulk ingestion request may carry. */
        @WithDefault("5000")
        int maxDockingResultsPerRequest();
    }

    interface RateLimits {
        /**
         * Requests per second one organization may make to the data API, across every replica; an organization's
         * own {@code max_requests_per_second} in metadata overrides it.
         */
        @WithDefault("50")
        int requestsPerSecond();

        /**
         * How many seconds of unused rate a quiet organization saves up and may then send at once: its bucket holds
         * this many times its requests per second.
         */
        @WithDefault("2")
        int burstSeconds();

        /**
         * Requests of one organization in progress at once, across every replica; its own
         * {@code max_concurrent_requests} in metadata overrides it.
         */
        @WithDefault("20")
        int concurrentRequests();

        /** How long a decision waits for Redis before this replica decides alone with a local limiter. */
        @WithDefault("200MS")
        Duration redisTimeout();
    }

    interface Idempotency {
        /** How long an Idempotency-Key and its answer are kept; a retry after that is a new request. */
        @WithDefault("24H")
        Duration keyRetention();
    }

    interface Auth {
        /**
         * Distinct tokens remembered as verified until they expire, so a client's repeated requests skip the
         * signature check; the least recently used are forgotten first.
         */
        @WithDefault("10000")
        int verifiedTokens();
    }
}
