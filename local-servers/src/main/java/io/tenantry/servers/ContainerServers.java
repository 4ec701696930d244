package io.tenantry.servers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * PostgreSQL and Redis in containers, for machines with a Docker engine. The machines this project is built on
 * have none, so this path is kept small and is not exercised by CI there.
 */
final class ContainerServers {

    private ContainerServers() {
    }

    static boolean dockerAnswers() {
        boolean socket = Files.exists(Path.of("/var/run/docker.sock")) || System.getenv("DOCKER_HOST") != null;
        if (!socket) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    static LocalServers start(int postgresCount) {
        List<AutoCloseable> running = new ArrayList<>();
        List<PostgresEndpoint> endpoints = new ArrayList<>();
        String password = UUID.randomUUID().toString();
        for (int i = 0; i < postgresCount; i++) {
            GenericContainer<?> pg = new GenericContainer<>("postgres:17-alpine")
                    .withEnv("POSTGRES_PASSWORD", password)
                    .withCommand("postgres", "-c", "max_connections=400", "-c", "fsync=off", "-c", "wal_level=logical",
                            "-c", "max_replication_slots=40", "-c", "max_wal_senders=40",
                            "-c", "max_logical_replication_workers=16", "-c", "max_worker_processes=24",
                            "-c", "shared_preload_libraries=pg_stat_statements")
                    .withExposedPorts(5432)
                    .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*\\n", 2));
            pg.start();
            running.add(pg::stop);
            endpoints.add(new PostgresEndpoint("pg" + i, pg.getHost(), pg.getMappedPort(5432), "postgres", password));
        }
        GenericContainer<?> redis = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
        redis.start();
        running.add(redis::stop);
        return LocalServers.of(endpoints, "redis://" + redis.getHost() + ":" + redis.getMappedPort(6379), running);
    }
}
