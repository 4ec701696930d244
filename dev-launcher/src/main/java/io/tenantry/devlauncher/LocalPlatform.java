package io.tenantry.devlauncher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.tenantry.schema.MetadataSchema;
import io.tenantry.servers.JwtKeys;
import io.tenantry.servers.LocalServers;
import io.tenantry.servers.PostgresEndpoint;

/**
 * The three services running as their built jars, in the prod profile, against given PostgreSQL servers and
 * Redis: metadata-service, then tenant-provisioner (which migrates the tenant registry), then results-service.
 * Used by the run command and by the benchmarks; {@link #close()} stops them in reverse order.
 */
public final class LocalPlatform implements AutoCloseable {

    public static final String METADATA_DATABASE = "tenantry_metadata";
    public static final int METADATA_PORT = 8081;
    public static final int RESULTS_PORT = 8082;
    public static final int PROVISIONER_PORT = 8083;

    /** What to start and how. Servers are named as the tenant registry will record them; all in region "local". */
    public record Settings(Path root, Path state, Map<String, PostgresEndpoint> tenantServers, JwtKeys keys,
                           String masterSecret, Map<String, String> metadataEnvironment,
                           Map<String, List<String>> jvmArgs) {

        public Settings {
            tenantServers = new LinkedHashMap<>(tenantServers);
            metadataEnvironment = Map.copyOf(metadataEnvironment);
            jvmArgs = Map.copyOf(jvmArgs);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * Each service's memory limit in the Kubernetes base manifests, which the JVM takes for the machine's memory in
     * its container: the image's run-java.sh makes half of it the heap's maximum ({@code JAVA_MAX_MEM_RATIO} 50) and
     * leaves the initial heap to the JVM, a 64th of it. Sized from this machine's memory instead, a service would start
     * with its whole heap committed and keep much of it.
     */
    private static final Map<String, String> MEMORY_LIMIT = Map.of(
            "metadata-service", "512m",
            "tenant-provisioner", "512m",
            "results-service", "768m");
    /**
     * Each service's collector unless the caller names one, as its container image runs it: ubi9 OpenJDK's
     * run-java.sh picks ParallelGC, and results-service's manifest asks for G1 instead ({@code GC_CONTAINER_OPTIONS}),
     * because ParallelGC, sized as below, shrank its heap under load until it collected all of it every few hundred
     * milliseconds (benchmarks §6).
     */
    private static final Map<String, String> COLLECTOR = Map.of(
            "metadata-service", "-XX:+UseParallelGC",
            "tenant-provisioner", "-XX:+UseParallelGC",
            "results-service", "-XX:+UseG1GC");
    /** How the image sizes the heap for whichever collector: given back once a fifth of it is free after a collection. */
    private static final List<String> IMAGE_HEAP_SIZING = List.of("-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20",
            "-XX:GCTimeRatio=4", "-XX:AdaptiveSizePolicyWeight=90");
    /**
     * The embedded servers speak plain TCP, and the prod profile would otherwise insist on TLS; servers of one's own
     * (TENANTRY_PG_URLS) may ask for TLS by setting these variables before the launch.
     */
    private static final Map<String, String> LOCAL_SERVERS_WITHOUT_TLS = Map.of(
            "TENANTRY_DB_SSL_MODE", "disable",
            "TENANTRY_REDIS_TLS", "false");

    private final int portOffset;
    private final List<Process> running = new ArrayList<>();
    private final Map<String, Process> byService = new HashMap<>();
    private boolean closed;
    private ResultsRecipe results;

    public LocalPlatform() {
        this(0);
    }

    /**
     * Services on the usual ports plus {@code portOffset} (their management interfaces too), so a test's platform
     * can run beside a {@code ./run.sh} one.
     */
    public LocalPlatform(int portOffset) {
        this.portOffset = portOffset;
    }

    /**
     * Starts every service and waits until each is ready; {@code progress} hears each step. {@link #close()} may
     * be called meanwhile, from a shutdown hook, and stops what has started.
     */
    public void start(LocalServers servers, Settings settings, Consumer<String> progress)
            throws IOException, InterruptedException {
        try {
            PostgresEndpoint metadata = servers.postgres(0);
            metadata.createDatabaseIfMissing(METADATA_DATABASE);
            String provisionerPassword = serviceRole(metadata, MetadataSchema.PROVISIONER_ROLE);
            String resultsPassword = serviceRole(metadata, MetadataSchema.RESULTS_ROLE);
            String publicKey = settings.keys().publicKey().toUri().toString();

            Map<String, String> metadataEnv = new HashMap<>(settings.metadataEnvironment());
            metadataEnv.putAll(Map.of(
                    "TENANTRY_METADATA_JDBC_URL", metadata.jdbcUrl(METADATA_DATABASE),
                    "TENANTRY_METADATA_DB_USER", metadata.superuser(),
                    "TENANTRY_METADATA_DB_PASSWORD", metadata.superuserPassword(),
                    "TENANTRY_REDIS_URL", servers.redisUrl(),
                    "TENANTRY_JWT_PRIVATE_KEY_LOCATION", settings.keys().privateKey().toUri().toString(),
                    "TENANTRY_JWT_PUBLIC_KEY_LOCATION", publicKey));
            launch(settings, "metadata-service", METADATA_PORT + portOffset, metadataEnv, List.of(), progress);

            Map<String, String> provisionerEnv = Map.of(
                    "TENANTRY_METADATA_JDBC_URL", metadata.jdbcUrl(METADATA_DATABASE),
                    "TENANTRY_PROVISIONER_DB_USER", MetadataSchema.PROVISIONER_ROLE,
                    "TENANTRY_PROVISIONER_DB_PASSWORD", provisionerPassword,
                    "TENANTRY_REDIS_URL", servers.redisUrl(),
                    "TENANTRY_TENANT_MASTER_SECRET", settings.masterSecret(),
                    "TENANTRY_BACKUP_DIRECTORY", settings.state().resolve("backups").toString(),
                    "TENANTRY_JWT_PUBLIC_KEY_LOCATION", publicKey,
                    // The operator console signs in and changes desired state through metadata-service; its
                    // cookies go over plain HTTP on this machine.
                    "TENANTRY_METADATA_URL", url(METADATA_PORT + portOffset),
                    "TENANTRY_CONSOLE_SECURE_COOKIES", "false");
            List<String> provisionerServers = new ArrayList<>();
            settings.tenantServers().forEach((name, server) -> {
                String prefix = "-Dtenantry.provisioner.servers." + name;
                provisionerServers.add(prefix + ".jdbc-url=" + server.jdbcUrl("postgres"));
                provisionerServers.add(prefix + ".admin-user=" + server.superuser());
                provisionerServers.add(prefix + ".admin-password=" + server.superuserPassword());
                provisionerServers.add(prefix + ".region=local");
            });
            launch(settings, "tenant-provisioner", PROVISIONER_PORT + portOffset, provisionerEnv, provisionerServers,
                    progress);

            Map<String, String> resultsEnv = Map.of(
                    "TENANTRY_METADATA_REACTIVE_URL", "postgresql://" + metadata.host() + ":" + metadata.port() + "/"
                            + METADATA_DATABASE,
                    "TENANTRY_RESULTS_DB_USER", MetadataSchema.RESULTS_ROLE,
                    "TENANTRY_RESULTS_DB_PASSWORD", resultsPassword,
                    "TENANTRY_REDIS_URL", servers.redisUrl(),
                    "TENANTRY_TENANT_MASTER_SECRET", settings.masterSecret(),
                    "TENANTRY_JWT_PUBLIC_KEY_LOCATION", publicKey);
            List<String> resultsServers = new ArrayList<>();
            // Vert.x reads the CA file before it connects even without TLS, and the prod profile's is not here.
            String dbSslMode = System.getenv("TENANTRY_DB_SSL_MODE");
            if (dbSslMode == null || dbSslMode.equals("disable")) {
                resultsServers.add("-Dquarkus.datasource.reactive.trust-certificate-pem=false");
            }
            settings.tenantServers().forEach((name, server) -> {
                resultsServers.add("-Dtenantry.results.servers." + name + ".host=" + server.host());
                resultsServers.add("-Dtenantry.results.servers." + name + ".port=" + server.port());
            });
            synchronized (this) {
                results = new ResultsRecipe(settings, resultsEnv, List.copyOf(resultsServers));
            }
            launch(settings, "results-service", RESULTS_PORT + portOffset, resultsEnv, resultsServers, progress);
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** How results-service was started, so more replicas of it can be. */
    private record ResultsRecipe(Settings settings, Map<String, String> env, List<String> args) {
    }

    /**
     * Starts one more results-service replica on {@code port} (its management interface 1,000 above), configured as
     * the first, and waits until it is ready; {@link #close()} stops it with the rest, {@link #stop(String)} alone.
     */
    public void startResultsReplica(String name, int port, Consumer<String> progress)
            throws IOException, InterruptedException {
        ResultsRecipe recipe;
        synchronized (this) {
            recipe = results;
        }
        if (recipe == null) {
            throw new IllegalStateException("results-service has not been started");
        }
        launch(recipe.settings(), "results-service", name, port, recipe.env(), recipe.args(), progress);
    }

    /** Stops one service started here, by name. */
    public void stop(String service) {
        Process process;
        synchronized (this) {
            process = byService.remove(service);
            running.remove(process);
        }
        if (process != null) {
            stop(process);
        }
    }

    /** The service's own role on the metadata database, with a password new at every start. */
    private static String serviceRole(PostgresEndpoint metadata, String role) {
        byte[] secret = new byte[24];
        RANDOM.nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        metadata.ensureLoginRole(role, password);
        return password;
    }

    /** Where a service started here answers health, metrics and OpenAPI (its management interface). */
    public static int managementPort(int port) {
        return port + 1000;
    }

    public static String url(int port) {
        return "http://localhost:" + port;
    }

    /** The operating system's process id of a running service, e.g. to read its memory. */
    public synchronized long pid(String service) {
        return byService.get(service).pid();
    }

    /** Waits until every service has exited (they run until stopped). */
    public void awaitExit() throws InterruptedException {
        List<Process> processes;
        synchronized (this) {
            processes = List.copyOf(running);
        }
        for (Process process : processes) {
            process.waitFor();
        }
    }

    /** Stops every service started, the last started first, and any start still under way. */
    @Override
    public void close() {
        List<Process> processes;
        synchronized (this) {
            closed = true;
            processes = new ArrayList<>(running);
            running.clear();
        }
        for (int i = processes.size() - 1; i >= 0; i--) {
            stop(processes.get(i));
        }
    }

    private void launch(Settings settings, String service, int port, Map<String, String> env, List<String> serviceArgs,
                        Consumer<String> progress) throws IOException, InterruptedException {
        launch(settings, service, service, port, env, serviceArgs, progress);
    }

    /** Starts the {@code service}'s jar as the process {@code name} (its log {@code name.log}). */
    private void launch(Settings settings, String service, String name, int port, Map<String, String> env,
                        List<String> serviceArgs, Consumer<String> progress) throws IOException, InterruptedException {
        Path jar = settings.root().resolve(service + "/target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing; build first with ./mvnw -DskipTests install");
        }
        progress.accept("starting " + name + " on port " + port);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> jvmArgs = settings.jvmArgs().getOrDefault(service, List.of());
        command.add("-XX:MaxRAM=" + MEMORY_LIMIT.get(service));
        command.add("-XX:MaxRAMPercentage=50");
        if (jvmArgs.stream().noneMatch(arg -> arg.matches("-XX:\\+Use\\w+GC"))) {
            command.add(COLLECTOR.get(service));
        }
        command.addAll(IMAGE_HEAP_SIZING);
        command.addAll(jvmArgs);
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dquarkus.management.port=" + managementPort(port));
        command.addAll(serviceArgs);
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command);
        LOCAL_SERVERS_WITHOUT_TLS.forEach(builder.environment()::putIfAbsent);
        builder.environment().putAll(env);
        Path log = settings.state().resolve(name + ".log");
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process process;
        synchronized (this) {
            if (closed) {
                throw new InterruptedException("stopping");
            }
            process = builder.start();
            running.add(process);
            byService.put(name, process);
        }
        waitUntilReady(name, process, url(managementPort(port)) + "/q/health/ready", log, Duration.ofMinutes(3));
        progress.accept(name + " is ready");
    }

    /** Waits until {@code url} answers 200, failing when the process ends first or {@code timeout} passes. */
    static void waitUntilReady(String service, Process process, String url, Path log, Duration timeout)
            throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(service + " stopped while starting (exit code " + process.exitValue()
                        + "); see " + log);
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException(service + " was not ready within " + timeout + "; see " + log);
    }

    /** Asks the process to end, and ends it after 20 s if it has not. */
    public static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
