package io.tenantry.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.tenantry.devlauncher.LocalPlatform;

/**
 * Figure 2: fleet rollouts. A new results migration is staged (the provisioner reads staged migrations from
 * {@link #STAGED}) and rolled out to every tenant through the provisioner's operator API, a canary first, then
 * {@code --rollout-parallelism} tenants at a time; then the same rollout again, with nothing left to apply. The
 * clock runs from the request to the rollout's end as the API reports it.
 */
final class FleetRollouts {

    static final String FIGURE = "fleet-rollout";
    static final String STAGED = "staged-migrations";

    private FleetRollouts() {
    }

    static List<Measurement> run(BenchPlatform bench, Bench.Options options) throws Exception {
        List<Measurement> runs = new ArrayList<>();
        String admin = bench.adminToken();
        Path staged = bench.state.resolve(STAGED);
        for (int run = 1; run <= options.runs(); run++) {
            int version = 100 + run;
            Files.writeString(staged.resolve("V" + version + "__bench_rollout_" + run + ".sql"),
                    "ALTER TABLE jobs ADD COLUMN bench_note_" + run + " text;\n");
            for (String variant : List.of("one-new-migration", "nothing-to-apply")) {
                CpuCensus cpu = CpuCensus.begin(bench);
                JsonNode done = rollOut(bench, admin, options.rolloutParallelism());
                double seconds = Duration.between(OffsetDateTime.parse(done.get("startedAt").asText()),
                        OffsetDateTime.parse(done.get("finishedAt").asText())).toMillis() / 1000.0;
                int total = done.get("total").asInt();
                if (!done.get("status").asText().equals("succeeded")) {
                    throw new IllegalStateException("rollout " + done);
                }
                Measurement m = new Measurement(FIGURE, variant, total, run, total / seconds, "tenants/s", 0, 0, 0,
                        done.get("failed").asLong(), 0, Map.of(), Map.of("seconds", seconds,
                        "parallelism", options.rolloutParallelism(), "cpuCores", cpu.coresUsed()));
                Bench.log(String.format("rollout (%s) over %d tenants, run %d: %.1f s, %.0f tenants/s", variant, total,
                        run, seconds, m.rate()));
                runs.add(m);
            }
        }
        return runs;
    }

    /** Starts a rollout and waits until it has finished; returns its last view. */
    private static JsonNode rollOut(BenchPlatform bench, String admin, int parallelism) throws Exception {
        URI rollouts = URI.create(LocalPlatform.url(LocalPlatform.PROVISIONER_PORT) + "/api/v1/rollouts");
        JsonNode started = BenchPlatform.expect(bench.send(rollouts, "POST", admin,
                Map.of("canarySize", 1, "parallelism", parallelism, "maxFailures", 0)), 202);
        URI progress = URI.create(rollouts + "/" + started.get("id").asText());
        JsonNode view;
        do {
            Thread.sleep(200);
            view = BenchPlatform.expect(bench.send(progress, "GET", admin, null), 200);
        } while (view.get("status").asText().equals("running"));
        return view;
    }
}
