package io.tenantry.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.tenantry.devlauncher.LocalPlatform;
import io.vertx.core.http.HttpMethod;

/**
 * Figure: two results-service replicas sharing each tenant server's connection budget through Redis. A second
 * replica starts beside the first, and the 1,000-tenant {@code GET job} load is sent to them twice: split by clients
 * (half the clients on each, every tenant on both), then through HAProxy hashing each organization to one replica,
 * as the manifests' results-proxy does ({@link TenantHashingProxy}). PostgreSQL's own count of tenant connections on
 * each server is sampled throughout, and each replica's rate, tail and share of each server are read. Passes when no
 * server ever held more than its budget and both replicas were served.
 */
final class TwoReplicas {

    static final String FIGURE = "replicas";
    static final int SECOND_PORT = 8084;
    static final int PROXY_PORT = 8090;
    private static final String SECOND = "results-service-2";
    private static final Pattern SHARE = Pattern.compile(
            "tenantry_results_server_connections_share\\{[^}]*server=\"([^\"]+)\"[^}]*} ([0-9.]+)");

    private TwoReplicas() {
    }

    static List<Measurement> run(BenchPlatform bench, Bench.Options options, List<Tenants.Seeded> tenants)
            throws Exception {
        List<Tenants.Seeded> spread = tenants.subList(0, Math.min(Collections.max(options.spreads()), tenants.size()));
        int budget = Bench.serverBudget(options);
        List<Measurement> measurements = new ArrayList<>();
        bench.startResultsReplica(SECOND, SECOND_PORT);
        try (LoadGenerator first = new LoadGenerator(LocalPlatform.RESULTS_PORT);
             LoadGenerator second = new LoadGenerator(SECOND_PORT)) {
            int clients = Math.max(1, options.clients() / 2);
            for (int run = 1; run <= options.runs(); run++) {
                try (ConnectionCensus census = new ConnectionCensus(bench.tenantServers())) {
                    CompletableFuture<CpuCensus> cpu = CpuCensus.after(options.warmup(), bench);
                    CompletableFuture<LoadGenerator.Result> onSecond = CompletableFuture.supplyAsync(() -> {
                        try {
                            return second.run(clients, options.warmup(), options.measure(), getJob(spread));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(e);
                        }
                    });
                    LoadGenerator.Result onFirst = first.run(clients, options.warmup(), options.measure(),
                            getJob(spread));
                    Map<String, Object> shares = new LinkedHashMap<>();
                    shares.put("results-service", shares(LocalPlatform.RESULTS_PORT));
                    shares.put(SECOND, shares(SECOND_PORT));
                    Map<String, Object> extra = new LinkedHashMap<>();
                    extra.put("clientsPerReplica", clients);
                    extra.put("serverBudget", budget);
                    extra.put("sharesAfter", shares);
                    extra.put("withinBudget", census.peakByServer().values().stream().allMatch(peak -> peak <= budget));
                    extra.put("cpuCores", cpu.join().coresUsed());
                    Measurement a = Measurement.of(FIGURE, "get-job via results-service", spread.size(), run, onFirst,
                            census, extra);
                    Measurement b = Measurement.of(FIGURE, "get-job via " + SECOND, spread.size(), run,
                            onSecond.join(), census, extra);
                    for (Measurement m : List.of(a, b)) {
                        Bench.log(String.format("%s over %d tenants, run %d: %.0f/s, p99 %.2f ms, %d failures; peak "
                                        + "connections %s (budget %d per server); shares %s", m.variant(), m.tenants(),
                                run, m.rate(), m.p99Millis(), m.failures(), m.peakConnectionsByServer(), budget, shares));
                        measurements.add(m);
                    }
                }
            }
            measurements.addAll(throughTheProxy(bench, options, spread, budget));
        } finally {
            bench.stopResultsReplica(SECOND);
        }
        return measurements;
    }

    /** The same load from all the clients through the tenant-hashing proxy; each replica's answers from its counts. */
    private static List<Measurement> throughTheProxy(BenchPlatform bench, Bench.Options options,
                                                     List<Tenants.Seeded> spread, int budget) throws Exception {
        String variant = "get-job via the tenant-hashing proxy";
        Optional<Path> haproxy = ExternalTool.find(TenantHashingProxy.COMMAND);
        if (haproxy.isEmpty()) {
            return List.of(ExternalTool.missing(FIGURE, variant, spread.size(),
                    ExternalTool.notInstalled(TenantHashingProxy.COMMAND, "haproxy")));
        }
        List<Measurement> measurements = new ArrayList<>();
        Map<String, Integer> replicas = new LinkedHashMap<>();
        replicas.put("results-service", LocalPlatform.RESULTS_PORT);
        replicas.put(SECOND, SECOND_PORT);
        try (TenantHashingProxy proxy = TenantHashingProxy.start(haproxy.get(), bench.state, PROXY_PORT, replicas);
             LoadGenerator generator = new LoadGenerator(PROXY_PORT)) {
            for (int run = 1; run <= options.runs(); run++) {
                try (ConnectionCensus census = new ConnectionCensus(bench.tenantServers())) {
                    CompletableFuture<CpuCensus> cpu = CpuCensus.after(options.warmup(), bench);
                    Map<String, Long> before = proxy.answersByReplica();
                    LoadGenerator.Result result = generator.run(options.clients(), options.warmup(), options.measure(),
                            getJob(spread));
                    Map<String, Long> answered = new LinkedHashMap<>();
                    proxy.answersByReplica().forEach((name, count) -> answered.put(name, count - before.getOrDefault(name, 0L)));
                    Map<String, Object> shares = new LinkedHashMap<>();
                    shares.put("results-service", shares(LocalPlatform.RESULTS_PORT));
                    shares.put(SECOND, shares(SECOND_PORT));
                    Map<String, Object> extra = new LinkedHashMap<>();
                    extra.put("clients", options.clients());
                    extra.put("serverBudget", budget);
                    extra.put("answeredByReplica", answered);
                    extra.put("sharesAfter", shares);
                    extra.put("withinBudget", census.peakByServer().values().stream().allMatch(peak -> peak <= budget));
                    extra.put("cpuCores", cpu.join().coresUsed());
                    Measurement m = Measurement.of(FIGURE, variant, spread.size(), run, result, census, extra);
                    Bench.log(String.format("%s over %d tenants, run %d: %.0f/s, p99 %.2f ms, %d failures; answers by "
                                    + "replica (warm-up and window) %s; peak connections %s (budget %d per server); shares %s",
                            variant, m.tenants(), run, m.rate(), m.p99Millis(), m.failures(), answered,
                            m.peakConnectionsByServer(), budget, shares));
                    measurements.add(m);
                }
            }
        }
        return measurements;
    }

    private static Supplier<LoadGenerator.Request> getJob(List<Tenants.Seeded> spread) {
        return () -> {
            Tenants.Seeded t = spread.get(ThreadLocalRandom.current().nextInt(spread.size()));
            return new LoadGenerator.Request(HttpMethod.GET, "/api/v1/orgs/" + t.orgId() + "/jobs/" + t.jobId(),
                    t.clientToken(), null);
        };
    }

    /** The replica's current share of each server, from its own metrics. */
    private static Map<String, Double> shares(int port) throws IOException, InterruptedException {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(LocalPlatform.url(LocalPlatform.managementPort(port)) + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, Double> shares = new LinkedHashMap<>();
        Matcher m = SHARE.matcher(metrics.body());
        while (m.find()) {
            shares.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return shares;
    }
}
