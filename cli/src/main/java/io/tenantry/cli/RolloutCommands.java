package io.tenantry.cli;

import static io.tenantry.cli.PlatformClient.Service.PROVISIONER;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(mixinStandardHelpOptions = true, name = "rollouts", description = {
        "Fleet rollouts of the results schema (tenant-provisioner): start, follow with a progress bar, pause, resume, "
                + "cancel.",
        "Platform admins only. Following ends with exit code 0 when the rollout succeeded, 1 when it failed, stopped "
                + "or was cancelled."})
final class RolloutCommands extends CommandGroup {

    private static final List<Output.Column> LISTED = List.of(
            Output.Column.of("ID", "id"),
            Output.Column.of("STATUS", "status"),
            Output.Column.of("TARGET", "targetVersion"),
            Output.Column.of("TOTAL", "total"),
            Output.Column.of("SUCCEEDED", "succeeded"),
            Output.Column.of("FAILED", "failed"),
            Output.Column.of("PENDING", "pending"),
            Output.Column.of("STARTED", "startedAt"),
            Output.Column.of("BY", "requestedBy"));

    @Command(mixinStandardHelpOptions = true, name = "start", description = "Starts a rollout over every active or suspended tenant.")
    int start(@Mixin OutputOption out, @Option(names = "--to", paramLabel = "VERSION",
                      description = "the schema version to bring tenants to, up or down (default: the newest)") String to,
              @Option(names = "--canary", paramLabel = "N", description = "tenants migrated first; any failure among "
                      + "them stops the rollout (default 1)") Integer canary,
              @Option(names = "--parallelism", paramLabel = "N", description = "tenants at a time (default 4)")
              Integer parallelism,
              @Option(names = "--max-failures", paramLabel = "N", description = "failures tolerated before it stops "
                      + "(default 0)") Integer maxFailures,
              @Option(names = "--verify", description = "open every tenant's database, even those the registry shows "
                      + "up to date (a drift check)") boolean verify,
              @Option(names = "--follow", description = "follow it to its end") boolean follow,
              @Option(names = "--interval", defaultValue = "1", paramLabel = "SECONDS",
                      description = "how often --follow asks (default: ${DEFAULT-VALUE})") double interval) {
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("targetVersion", to);
        plan.put("canarySize", canary);
        plan.put("parallelism", parallelism);
        plan.put("maxFailures", maxFailures);
        plan.put("verify", verify);
        plan.values().removeIf(Objects::isNull);
        JsonNode started = api().post(PROVISIONER, "/api/v1/rollouts", plan);
        String id = started.path("id").asText();
        if (follow) {
            if (!output(out).json()) {
                spec.commandLine().getOut().println("Rollout " + id + " started over " + started.path("total").asInt()
                        + " tenants (" + started.path("upToDate").asInt() + " already up to date).");
            }
            return follow(out, id, interval);
        }
        output(out).done("Rollout " + id + " started over " + started.path("total").asInt() + " tenants ("
                + started.path("upToDate").asInt() + " already up to date); follow it with: tenantry rollouts follow "
                + id, started);
        return ExitCodes.OK;
    }

    @Command(mixinStandardHelpOptions = true, name = "list", description = "Rollouts, newest first.")
    void list(@Mixin OutputOption out, @Option(names = "--limit", defaultValue = "20", description = "how many (default: ${DEFAULT-VALUE}; "
                      + "0 for all)") int limit) {
        ArrayNode rows = PlatformClient.JSON.createArrayNode();
        String after = "";
        do {
            int page = limit == 0 ? 200 : Math.min(200, limit - rows.size());
            JsonNode answer = api().get(PROVISIONER, "/api/v1/rollouts?limit=" + page
                    + (after.isEmpty() ? "" : "&after=" + PlatformClient.encode(after)));
            answer.path("items").forEach(rows::add);
            after = answer.path("next").asText("");
        } while (!after.isEmpty() && (limit == 0 || rows.size() < limit));
        output(out).table(rows, rows, LISTED);
    }

    @Command(mixinStandardHelpOptions = true, name = "show", description = "One rollout: its counts and failed tenants.")
    void show(@Mixin OutputOption out, @Parameters(paramLabel = "ID") UUID id) {
        JsonNode rollout = api().get(PROVISIONER, "/api/v1/rollouts/" + id);
        output(out).object(rollout, List.of(Output.Column.of("id", "id"), Output.Column.of("status", "status"),
                Output.Column.of("target", "targetVersion"), Output.Column.of("total", "total"),
                Output.Column.of("up to date", "upToDate"), Output.Column.of("succeeded", "succeeded"),
                Output.Column.of("failed", "failed"), Output.Column.of("pending", "pending"),
                Output.Column.of("message", "message"), Output.Column.of("requested by", "requestedBy"),
                Output.Column.of("started", "startedAt"), Output.Column.of("finished", "finishedAt")));
        if (!output(out).json() && !rollout.path("failures").isEmpty()) {
            spec.commandLine().getOut().println();
            output(out).table(rollout.path("failures"), rollout.path("failures"), List.of(Output.Column.of("FAILED", "orgId"),
                    Output.Column.of("VERSION", "version"), Output.Column.of("MS", "durationMs"),
                    Output.Column.of("ERROR", "error")));
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "follow", description = "Follows a rollout to its end: a live progress bar on a terminal, a line "
            + "now and then otherwise; waits while it is paused.")
    int followCommand(@Mixin OutputOption out, @Parameters(paramLabel = "ID") UUID id,
                      @Option(names = "--interval", defaultValue = "1", paramLabel = "SECONDS",
                              description = "how often to ask (default: ${DEFAULT-VALUE})") double interval) {
        return follow(out, id.toString(), interval);
    }

    @Command(mixinStandardHelpOptions = true, name = "pause", description = "Pauses a running rollout: the tenants under way finish, no other starts.")
    void pause(@Mixin OutputOption out, @Parameters(paramLabel = "ID") UUID id) {
        transition(out, id, "pause");
    }

    @Command(mixinStandardHelpOptions = true, name = "resume", description = "Resumes a paused rollout where it stopped.")
    void resume(@Mixin OutputOption out, @Parameters(paramLabel = "ID") UUID id) {
        transition(out, id, "resume");
    }

    @Command(mixinStandardHelpOptions = true, name = "cancel", description = "Cancels a running or paused rollout: the tenants not reached keep their "
            + "version.")
    void cancel(@Mixin OutputOption out, @Parameters(paramLabel = "ID") UUID id) {
        transition(out, id, "cancel");
    }

    private void transition(OutputOption out, UUID id, String action) {
        JsonNode rollout = api().post(PROVISIONER, "/api/v1/rollouts/" + id + "/" + action, null);
        output(out).done("Rollout " + id + " is " + rollout.path("status").asText() + " (" + rollout.path("pending").asInt()
                + " tenants pending).", rollout);
    }

    private int follow(OutputOption out, String id, double intervalSeconds) {
        Duration interval = Duration.ofMillis(Math.max(100, (long) (intervalSeconds * 1000)));
        boolean json = output(out).json();
        RolloutProgress progress = new RolloutProgress(spec.commandLine().getOut(), TenantryCli.onTerminal() && !json,
                Duration.ofSeconds(10));
        JsonNode rollout;
        while (true) {
            rollout = api().get(PROVISIONER, "/api/v1/rollouts/" + id);
            String status = rollout.path("status").asText();
            if (!json) {
                progress.show(rollout);
            }
            if (!status.equals("running") && !status.equals("paused")) {
                break;
            }
            Follow.sleep(interval.toMillis());
        }
        if (json) {
            output(out).print(rollout);
        } else if (!rollout.path("message").isNull() && !rollout.path("message").isMissingNode()) {
            spec.commandLine().getOut().println(rollout.path("message").asText());
            spec.commandLine().getOut().flush();
        }
        return rollout.path("status").asText().equals("succeeded") ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
