package io.tenantry.provisioner;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The provisioner's settings. They are all this root package holds, so every package may import it and it imports
 * none of them.
 */
@ConfigMapping(prefix = "tenantry.provisioner")
public interface ProvisionerConfig {

    /** The PostgreSQL servers that hold tenant databases, by name. */
    Map<String, Server> servers();

    /** How the administrative connections to the servers use TLS where a server's jdbc-url does not say. */
    TenantTls tenantTls();

    /** Keys the derivation of every tenant's password; results-service holds the same secret. */
    String masterSecret();

    /** How often the reconcile loop looks for work. */
    @WithDefault("1S")
    Duration reconcileInterval();

    /**
     * How many organizations this replica reconciles at once when woken by metadata-service; more wake-ups wait
     * in a queue, so a burst of onboardings never exhausts the connection pool.
     */
    @WithDefault("2")
    int maxConcurrentReconciles();

    /**
     * A further Flyway location (such as {@code filesystem:/staged}) whose results migrations are applied after
     * the released ones, by provisioning and by rollouts: to try a migration on the fleet before it is released,
     * or to measure a rollout. New tenants are still copied from a template at the released version.
     */
    Optional<String> stagedResultsMigrations();

    /**
     * How long placement trusts its last measure of a server's tenant databases (their total size; reading it stats
     * every database's files, tens of milliseconds at hundreds of tenants), adding a new database's size for each
     * tenant it placed there since; 0 measures at every placement.
     */
    @WithDefault("30S")
    Duration placementMeasureInterval();

    /** Spare databases, made and migrated ahead of onboarding so provisioning only renames one. */
    Spares spares();

    interface Spares {
        /**
         * How many spare databases at the newest results schema version each open server keeps ready; 0 (the
         * default) turns the pool off, and the next refill drops what is left. Closed servers keep none. The pool
         * stays opt-in until it has run in production: the one provisioning failure seen beside it (in one-shot
         * {@code reconcile} runs) matches a race fixed since, a provisioning and a spare's build revoking PUBLIC's
         * rights on the same database at once.
         */
        @WithDefault("0")
        int perServer();

        /**
         * How often each server's pool is checked and refilled besides the refill that follows every claim; the
         * same pass drops builds a killed process left and spares at an older schema version.
         */
        @WithDefault("10S")
        Duration refillInterval();
    }

    /** Backups of tenant databases: where they go, when they are taken and how many are kept. */
    Backups backups();

    /** Moving tenants between servers by logical replication. */
    Moves moves();

    interface Moves {
        /** How many moves one replica drives at once; a drain or rebalance queues the rest. */
        @WithDefault("2")
        int concurrency();

        /** How far (WAL bytes) the copy may trail its source when a move pauses the tenant's writes to switch. */
        @WithDefault("1048576")
        long switchLagBytes();

        /**
         * The longest a switch waits, writes paused, for the last of them to arrive on the target; past it writes
         * resume and the switch is tried again.
         */
        @WithDefault("5S")
        Duration switchTimeout();

        /** How many times a move tries to switch before it gives up, leaving the tenant where it was. */
        @WithDefault("3")
        int switchAttempts();
    }

    /** Per-tenant database health: what is measured, how often, and what marks a tenant degraded. */
    Health health();

    interface Health {
        /** How often every active tenant's database is measured; {@code off} leaves it to on-demand collections. */
        @WithDefault("5M")
        String interval();

        /** How many tenant databases of one server one replica measures at once, scheduled and on-demand together. */
        @WithDefault("2")
        int perServerConcurrency();

        /** How many snapshots per tenant the history keeps besides the current one. */
        @WithDefault("48")
        int historySnapshots();

        /** How long a snapshot stays in the history at most. */
        @WithDefault("24H")
        Duration historyRetention();

        /** What marks a tenant degraded. */
        Thresholds thresholds();

        interface Thresholds {
            /**
             * The most bytes a tenant database may hold (50 GiB by default) unless its organization has a quota of its
             * own ({@code quotas.maxDatabaseBytes}, set through metadata-service).
             */
            @WithDefault("53687091200")
            long maxDatabaseBytes();

            /** The lowest cache hit ratio (blocks found in shared buffers over blocks asked for) that is healthy. */
            @WithDefault("0.95")
            double minCacheHitRatio();

            /** How many blocks a database must have read before its cache hit ratio counts. */
            @WithDefault("10000")
            long cacheHitMinBlocks();

            /** The longest a transaction may stay open in a tenant database. */
            @WithDefault("5M")
            Duration longTransaction();

            /** How far past its backup policy's interval a tenant's newest completed backup may be. */
            @WithDefault("1H")
            Duration backupGrace();

            /** Dead tuples over this share of a table's live ones, in a table with at least {@code dead-tuples-min}. */
            @WithDefault("0.2")
            double deadTuplesRatio();

            /** Below this many dead tuples a table never counts as bloated. */
            @WithDefault("10000")
            long deadTuplesMin();
        }
    }

    /** Fleet rollouts. */
    Rollouts rollouts();

    interface Rollouts {
        /**
         * How often the service runs a drift check: a rollout that opens every tenant's database instead of trusting
         * the registry's record of its schema version and session limits, and brings back any that drifted. 0 turns
         * it off.
         */
        @WithDefault("24H")
        Duration driftCheckInterval();
    }

    /** The operator console at {@code /console}. */
    Console console();

    interface Console {
        /**
         * metadata-service's base URL (such as {@code http://metadata-service}): the console signs operators in
         * there, and onboards, suspends and resumes organizations through its API with the operator's own token.
         * Unset, the console's sign-in says so and nothing else changes (the command-line modes need none).
         */
        Optional<URI> metadataUrl();

        /** Whether the console's cookies are sent over HTTPS only; off only where the console is plain HTTP. */
        @WithDefault("true")
        boolean secureCookies();
    }

    /** Limits every tenant role's sessions carry, so no tenant holds connections of the shared budget indefinitely. */
    TenantSessions tenantSessions();

    interface TenantSessions {
        /** The longest one statement of a tenant may run before PostgreSQL cancels it (SQLSTATE 57014). */
        @WithDefault("30S")
        Duration statementTimeout();

        /** How long a tenant session may sit in an open transaction doing nothing before PostgreSQL ends it. */
        @WithDefault("60S")
        Duration idleInTransactionSessionTimeout();

        /**
         * The longest a tenant statement waits for a lock (SQLSTATE 55P03); unset, lock waits count only against
         * the statement timeout.
         */
        Optional<Duration> lockTimeout();
    }

    interface Backups {
        /** The backup store: {@code filesystem} (a folder, the default) or {@code s3} (an S3-compatible bucket). */
        @WithDefault("filesystem")
        String store();

        /** The filesystem store's folder; backups land in {@code <directory>/<orgId>/<backupId>/}. */
        Optional<Path> directory();

        /** The s3 store's bucket and how to reach it. */
        S3 s3();

        /** Whether each table's copy is gzipped (at the fastest level). */
        @WithDefault("true")
        boolean compress();

        /** Whether a rollout or downgrade takes a backup of each tenant whose schema it is about to change, first. */
        @WithDefault("true")
        boolean beforeRollout();

        /** The default schedule, unless an organization has its own policy. */
        Schedule schedule();

        interface S3 {
            /** The s3 store's bucket (it must exist); backups land in {@code <prefix>/<orgId>/<backupId>/}. */
            Optional<String> bucket();

            /** The bucket's region, which also signs the requests to an S3-compatible server. */
            @WithDefault("us-east-1")
            String region();

            /** An S3-compatible server's URL (MinIO, Ceph, ...); unset, AWS's endpoint for the region. */
            Optional<URI> endpoint();

            /** Whether the bucket is named in the path rather than the host name; most S3-compatible servers want it. */
            @WithDefault("false")
            boolean pathStyle();

            /** A key prefix ahead of every backup, e.g. {@code tenantry/prod}, to share a bucket. */
            Optional<String> prefix();

            /** With {@code secret-access-key}, a fixed key; unset, the AWS SDK's default credentials chain applies. */
            Optional<String> accessKeyId();

            /** The secret of {@code access-key-id}. */
            Optional<String> secretAccessKey();
        }

        interface Schedule {
            /** How old a tenant's newest backup may grow before the scheduler takes another; 0 turns it off. */
            @WithDefault("24H")
            Duration interval();

            /**
             * How many routine backups (scheduled, on demand, before a rollout) of a tenant are kept; the newest
             * verified one, safety backups before restores and final ones at deletion are kept besides.
             */
            @WithDefault("7")
            int retain();

            /** How many scheduled backups one replica takes at once. */
            @WithDefault("2")
            int concurrency();
        }
    }

    interface Server {
        /** JDBC URL of the server's maintenance database, e.g. jdbc:postgresql://host:5432/postgres. */
        String jdbcUrl();

        /** A role with CREATEDB and CREATEROLE (not necessarily a superuser). */
        String adminUser();

        /** The admin role's password; reference an environment variable ({@code ${...}}) rather than write it here. */
        Optional<String> adminPassword();

        /** How many tenant databases the server may hold. */
        @WithDefault("500")
        int capacity();

        @WithDefault("default")
        String region();

        /**
         * libpq keywords with which another server's subscription reaches this one while a tenant moves away
         * ({@code host=... port=... sslmode=verify-full sslrootcert=...}); the database, admin user and password are
         * added. Unset: the host and port of {@code jdbc-url}, with tenant-tls's sslmode ({@code require} for the
         * verify modes).
         */
        Optional<String> replicationConninfo();
    }

    interface TenantTls {
        /** PostgreSQL JDBC sslmode (disable ... verify-full); the driver's default (prefer) when unset. */
        Optional<String> sslMode();

        /** PEM file of the CA that signed the servers' certificates (JDBC sslrootcert). */
        Optional<String> caFile();
    }
}
