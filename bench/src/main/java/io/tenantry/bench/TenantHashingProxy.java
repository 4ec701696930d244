package io.tenantry.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.tenantry.devlauncher.LocalPlatform;

/**
 * HAProxy (Debian's package) in front of results-service replicas, routing every request of one organization to
 * the same replica as the Kubernetes manifests' results-proxy does: {@code balance uri depth 4} hashes the path up
 * to {@code /api/v1/orgs/{org}}, and {@code hash-type consistent} moves only a leaving replica's organizations. Its
 * statistics page counts the answers each replica gave.
 */
final class TenantHashingProxy implements AutoCloseable {

    static final String COMMAND = "haproxy";
    private static final int STATS_PORT_OFFSET = 1;

    private final Process process;
    private final int statsPort;

    private TenantHashingProxy(Process process, int statsPort) {
        this.process = process;
        this.statsPort = statsPort;
    }

    /** Starts HAProxy on {@code port} (its statistics on the next port) in front of the replicas, by name and port. */
    static TenantHashingProxy start(Path haproxy, Path state, int port, Map<String, Integer> replicas)
            throws IOException, InterruptedException {
        StringBuilder config = new StringBuilder("""
                global
                    maxconn 4096
                    nbthread 1
                defaults
                    mode http
                    timeout connect 5s
                    timeout client 60s
                    timeout server 60s
                    option http-keep-alive
                frontend results
                    bind 127.0.0.1:%d
                    default_backend results-service
                frontend statistics
                    bind 127.0.0.1:%d
                    stats enable
                    stats uri /stats
                backend results-service
                    balance uri depth 4
                    hash-type consistent
                """.formatted(port, port + STATS_PORT_OFFSET));
        replicas.forEach((name, replicaPort) -> config.append("    server ").append(name).append(" 127.0.0.1:")
                .append(replicaPort).append('\n'));
        Path file = state.resolve("haproxy.cfg");
        Files.writeString(file, config);
        Process process = new ProcessBuilder(haproxy.toString(), "-db", "-f", file.toString())
                .redirectErrorStream(true).redirectOutput(state.resolve("haproxy.log").toFile()).start();
        TenantHashingProxy proxy = new TenantHashingProxy(process, port + STATS_PORT_OFFSET);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!listening(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                proxy.close();
                throw new IllegalStateException("haproxy did not start; see " + state.resolve("haproxy.log"));
            }
            Thread.sleep(50);
        }
        return proxy;
    }

    /** The 2xx answers each replica has given through the proxy since it started. */
    Map<String, Long> answersByReplica() throws IOException, InterruptedException {
        String csv = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + statsPort + "/stats;csv")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        List<String> lines = csv.lines().toList();
        List<String> header = Arrays.asList(lines.get(0).replaceFirst("^# ", "").split(","));
        int proxyName = header.indexOf("pxname");
        int serverName = header.indexOf("svname");
        int answers = header.indexOf("hrsp_2xx");
        Map<String, Long> byReplica = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",", -1);
            if (fields.length > answers && fields[proxyName].equals("results-service")
                    && !fields[serverName].equals("BACKEND")) {
                byReplica.put(fields[serverName], fields[answers].isEmpty() ? 0 : Long.parseLong(fields[answers]));
            }
        }
        return byReplica;
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        LocalPlatform.stop(process);
    }
}
