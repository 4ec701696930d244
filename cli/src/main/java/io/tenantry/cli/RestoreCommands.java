package io.tenantry.cli;

import static io.tenantry.cli.PlatformClient.Service.PROVISIONER;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(mixinStandardHelpOptions = true, name = "restores", description = "A tenant's restores and the clones into it "
        + "(tenant-provisioner); platform admins only. Start one with: tenantry restore, tenantry clone.")
final class RestoreCommands extends CommandGroup {

    /**
     * {@code requested → building → swapped → migrated → done}, or {@code failed}; a restore that stopped after the
     * swap keeps its step with an error until the provisioner's next pass (within 30 s) drives it on, so following
     * goes on through it, the error shown.
     */
    static final Follow.Progress PROGRESS = new Follow.Progress("step",
            restore -> List.of("done", "failed").contains(restore.path("step").asText()),
            restore -> String.format("%-9s %d/%d rows loaded", restore.path("step").asText(),
                    restore.path("rowsLoaded").asLong(), restore.path("rowsTotal").asLong())
                    + (stopped(restore) ? "; stopped, retried shortly: " + restore.path("error").asText() : ""));

    @Command(mixinStandardHelpOptions = true, name = "list", description = "The tenant's restores and clones, newest first.")
    void list(@Mixin OutputOption out, @Parameters(paramLabel = "ORG") String orgId) {
        JsonNode restores = api().get(PROVISIONER, path(orgId));
        output(out).table(restores, restores, List.of(Output.Column.of("ID", "id"), Output.Column.of("FROM", "sourceOrgId"),
                Output.Column.of("BACKUP", "backupId"), Output.Column.of("STEP", "step"),
                new Output.Column("ROWS", r -> r.path("rowsLoaded").asLong() + "/" + r.path("rowsTotal").asLong()),
                Output.Column.of("STARTED", "startedAt"), Output.Column.of("FINISHED", "finishedAt"),
                Output.Column.of("ERROR", "error")));
    }

    @Command(mixinStandardHelpOptions = true, name = "show", description = "One restore or clone: its step, rows loaded, "
            + "safety backup and error.")
    void show(@Mixin OutputOption out, @Parameters(index = "0", paramLabel = "ORG") String orgId,
              @Parameters(index = "1", paramLabel = "RESTORE_ID") UUID restoreId) {
        output(out).object(api().get(PROVISIONER, path(orgId) + "/" + restoreId), List.of(
                Output.Column.of("id", "id"), Output.Column.of("organization", "orgId"),
                Output.Column.of("from", "sourceOrgId"), Output.Column.of("backup", "backupId"),
                Output.Column.of("safety backup", "safetyBackupId"), Output.Column.of("step", "step"),
                Output.Column.of("rows loaded", "rowsLoaded"), Output.Column.of("rows total", "rowsTotal"),
                Output.Column.of("requested by", "requestedBy"), Output.Column.of("error", "error"),
                Output.Column.of("started", "startedAt"), Output.Column.of("finished", "finishedAt")));
    }

    /**
     * What {@code restore} and {@code clone} print once started: the sentence (or the JSON), or with {@code --wait}
     * the progress to its end and then how it ended; exit code 0 when it is done (or was only started), else 1.
     */
    static int started(CommandGroup command, OutputOption out, WaitOption wait, String sentence, JsonNode restore) {
        Output output = command.output(out);
        if (!wait.wait) {
            output.done(sentence + restore.path("step").asText() + "; follow it with: tenantry restores show "
                    + restore.path("orgId").asText() + " " + restore.path("id").asText(), restore);
            return ExitCodes.OK;
        }
        String id = restore.path("id").asText();
        JsonNode ended = command.followStarted(out, wait, sentence + "started.",
                path(restore.path("orgId").asText()) + "/" + id, "restore " + id, PROGRESS);
        boolean done = ended.path("step").asText().equals("done");
        String outcome = done ? "done" + (ended.path("safetyBackupId").isTextual()
                ? "; what it replaced is safety backup " + ended.path("safetyBackupId").asText() : "")
                : stopped(ended) ? "still at " + ended.path("step").asText() + " (the provisioner goes on retrying it): "
                + ended.path("error").asText()
                : "failed: " + ended.path("error").asText();
        output.done(sentence + outcome + ".", ended);
        return done ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private static boolean stopped(JsonNode restore) {
        return restore.path("error").isTextual() && !List.of("done", "failed").contains(restore.path("step").asText());
    }

    static String path(String orgId) {
        return "/api/v1/tenants/" + PlatformClient.encode(orgId) + "/restores";
    }
}
