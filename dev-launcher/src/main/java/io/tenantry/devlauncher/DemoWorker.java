package io.tenantry.devlauncher;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A docking worker for the demo organization, as a real one would talk to the platform: it asks results-service
 * for the next job with its own API client's token, reports each step and its progress, ingests made-up docking
 * scores for the job's molecules in one request, and completes the job. It keeps working until stopped, so jobs
 * submitted by hand complete too.
 */
final class DemoWorker implements Runnable {

    private static final String NAME = "demo-worker-1";
    private static final Duration TOKEN_LIFE = Duration.ofMinutes(10);

    private final Api api;
    private final String orgId;
    private final String clientId;
    private final String clientSecret;
    private final Consumer<String> log;
    private volatile boolean running = true;
    private String token;
    private Instant tokenTaken = Instant.MIN;

    DemoWorker(Api api, String orgId, String clientId, String clientSecret, Consumer<String> log) {
        this.api = api;
        this.orgId = orgId;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.log = log;
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running) {
            try {
                JsonNode job = api.send("POST", api.atResults(base() + "/work/next"), token(), Map.of("worker", NAME),
                        200, 204);
                if (job.isMissingNode()) {
                    Thread.sleep(2000);
                } else {
                    work(job);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (running) {
                    log.accept("could not work (" + e.getMessage() + "); trying again shortly");
                    sleep(Duration.ofSeconds(5));
                }
            }
        }
    }

    private void work(JsonNode job) throws Exception {
        String jobId = job.get("id").asText();
        String path = base() + "/work/jobs/" + jobId;
        JsonNode steps = job.get("steps");
        List<String> molecules = new ArrayList<>();
        job.path("inputs").path("moleculeIds").forEach(id -> molecules.add(id.asText()));
        log.accept("took job " + jobId + " (" + job.get("templateName").asText() + " v" + job.get("templateVersion")
                + ", attempt " + job.get("attempt") + ", " + steps.size() + " steps)");
        for (int i = 0; i < steps.size(); i++) {
            String step = steps.get(i).get("name").asText();
            api.send("PUT", api.atResults(path + "/steps/" + i), token(), Map.of("worker", NAME, "status", "running"), 200);
            sleep(Duration.ofMillis(400));
            if ("docking".equals(steps.get(i).path("task").asText()) && !molecules.isEmpty()) {
                JsonNode ingested = api.send("POST", api.atResults(path + "/docking-results"), token(),
                        Map.of("worker", NAME, "results", scores(molecules)), 201);
                log.accept("  docked " + ingested.get("inserted") + " molecules");
            }
            api.send("PUT", api.atResults(path + "/steps/" + i), token(), Map.of("worker", NAME, "status", "succeeded"), 200);
            int progress = (i + 1) * 100 / steps.size();
            api.send("POST", api.atResults(path + "/progress"), token(),
                    Map.of("worker", NAME, "progress", progress, "message", step + " done"), 200);
            log.accept("  step " + (i + 1) + "/" + steps.size() + " " + step + " done (" + progress + "%)");
        }
        api.send("POST", api.atResults(path + "/complete"), token(), Map.of("worker", NAME), 200);
        log.accept("job " + jobId + " succeeded");
    }

    /** Made-up but repeatable affinities (kcal/mol, lower binds better), a pose or two each. */
    private static List<Map<String, Object>> scores(List<String> molecules) {
        List<Map<String, Object>> results = new ArrayList<>();
        for (String molecule : molecules) {
            double score = -5.0 - Math.floorMod(molecule.hashCode(), 50) / 10.0;
            double second = Math.round((score + 0.7) * 10) / 10.0;
            results.add(Map.of("moleculeId", molecule, "score", score, "poses",
                    List.of(Map.of("pose", 1, "score", score, "rmsd", 0.0),
                            Map.of("pose", 2, "score", second, "rmsd", 1.8))));
        }
        results.sort((a, b) -> Double.compare((double) a.get("score"), (double) b.get("score")));
        for (int rank = 0; rank < results.size(); rank++) {
            results.set(rank, withRank(results.get(rank), rank + 1));
        }
        return results;
    }

    private static Map<String, Object> withRank(Map<String, Object> result, int rank) {
        Map<String, Object> ranked = new LinkedHashMap<>(result);
        ranked.put("rank", rank);
        return ranked;
    }

    private String token() throws Exception {
        if (Instant.now().isAfter(tokenTaken.plus(TOKEN_LIFE))) {
            token = api.token(Map.of("grant_type", "client_credentials", "client_id", clientId,
                    "client_secret", clientSecret));
            tokenTaken = Instant.now();
        }
        return token;
    }

    private String base() {
        return "/api/v1/orgs/" + orgId;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
