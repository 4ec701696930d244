package io.tenantry.provisioner.tenant;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;

import io.tenantry.provisioner.ProvisionerConfig;
import io.tenantry.provisioner.servers.TenantServers;

/**
 * The one Flyway configuration for databases on tenant servers (tenant databases and templates): the server's
 * admin role applies results migrations from the given locations. Everything else is Flyway's default, which
 * includes tolerating migrations applied from a location not listed now, such as a staged one tried on the fleet,
 * and skipping files named like no Flyway Community migration, such as the inverses staged beside migrations.
 */
@ApplicationScoped
class TenantFlyway {

    /** More locations-and-target pairs than a few rollouts use; past it, the kept instances are dropped. */
    private static final int KEPT_CONFIGURATIONS = 16;

    @Inject
    TenantServers servers;

    private final Map<Configured, Queue<Lendable>> kept = new ConcurrentHashMap<>();

    private record Configured(List<String> locations, String targetVersion) {
    }

    private record Lendable(Flyway flyway, OneConnection source) {
    }

    Flyway on(String server, String database, List<String> locations) {
        return on(server, database, locations, null);
    }

    /** Migrating stops at {@code targetVersion}; null is the newest at the locations. */
    Flyway on(String server, String database, List<String> locations, String targetVersion) {
        ProvisionerConfig.Server admin = servers.get(server);
        return load(Flyway.configure().dataSource(servers.databaseUrl(server, database), admin.adminUser(),
                admin.adminPassword().orElse("")), locations, targetVersion);
    }

    /**
     * {@code use} of a Flyway over an admin connection the caller holds and closes: Flyway opens no connection of its
     * own. A configured Flyway is kept per locations and target and used by one caller at a time: configuring one
     * (copying its plugins' configuration) was 28 % of the provisioner's CPU in a fleet migration.
     */
    <T> T over(Connection connection, List<String> locations, String targetVersion, Function<Flyway, T> use) {
        if (kept.size() > KEPT_CONFIGURATIONS) {
            kept.clear();
        }
        Configured configured = new Configured(List.copyOf(locations), targetVersion);
        Queue<Lendable> idle = kept.computeIfAbsent(configured, c -> new ConcurrentLinkedQueue<>());
        Lendable lendable = idle.poll();
        if (lendable == null) {
            OneConnection source = new OneConnection();
            lendable = new Lendable(load(Flyway.configure().dataSource(source), locations, targetVersion), source);
        }
        lendable.source().lend(connection);
        try {
            return use.apply(lendable.flyway());
        } finally {
            lendable.source().takeBack();
            idle.offer(lendable);
        }
    }

    private static Flyway load(FluentConfiguration config, List<String> locations, String targetVersion) {
        config.locations(locations.toArray(String[]::new));
        return (targetVersion == null ? config : config.target(targetVersion)).load();
    }
}
