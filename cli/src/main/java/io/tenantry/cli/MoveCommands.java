package io.tenantry.cli;

import static io.tenantry.cli.PlatformClient.Service.PROVISIONER;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(mixinStandardHelpOptions = true, name = "moves", description = "Moving a tenant to another PostgreSQL server (tenant-provisioner); platform "
        + "admins only.")
final class MoveCommands extends CommandGroup {

    static final class Target {
        @Option(names = "--to-server", paramLabel = "SERVER", required = true)
        String server;

        @Option(names = "--to-region", paramLabel = "REGION", required = true,
                description = "the emptiest open server of the region")
        String region;
    }

    /** {@code requested → copying → switching → switched → done}, or {@code aborted} / {@code failed}. */
    private static final Follow.Progress PROGRESS = new Follow.Progress("step",
            move -> List.of("done", "aborted", "failed").contains(move.path("step").asText()),
            move -> String.format("%-9s %d/%d tables synced, %d/%d bytes copied, lag %s bytes", move.path("step").asText(),
                    move.path("tablesSynced").asInt(), move.path("tablesTotal").asInt(), move.path("bytesCopied").asLong(),
                    move.path("bytesTotal").asLong(), Output.text(move.path("lagBytes")))
                    + (move.path("error").isTextual() ? "; " + move.path("error").asText() : ""));

    @Command(mixinStandardHelpOptions = true, name = "start", description = "Starts moving the tenant; it keeps serving until a short switch-over.")
    int start(@Mixin OutputOption out, @Parameters(paramLabel = "ORG") String orgId,
              @ArgGroup(exclusive = true, multiplicity = "1") Target target, @Mixin WaitOption wait) {
        JsonNode move = api().post(PROVISIONER, path(orgId), target.server != null
                ? Map.of("targetServer", target.server) : Map.of("targetRegion", target.region));
        String sentence = "Move " + move.path("id").asText() + " of " + orgId + " from " + move.path("sourceServer").asText()
                + " to " + move.path("targetServer").asText() + ": ";
        if (!wait.wait) {
            output(out).done(sentence + move.path("step").asText() + ".", move);
            return ExitCodes.OK;
        }
        move = followStarted(out, wait, sentence + "started.", path(orgId) + "/" + move.path("id").asText(),
                "move " + move.path("id").asText(), PROGRESS);
        boolean done = move.path("step").asText().equals("done");
        output(out).done(sentence + move.path("step").asText() + (!done && move.path("error").isTextual()
                ? " (" + move.path("error").asText() + ")." : "."), move);
        return done ? ExitCodes.OK : ExitCodes.FAILED;
    }

    @Command(mixinStandardHelpOptions = true, name = "show", description = "One move: its step, tables and bytes copied, "
            + "replication lag, the write pause at its switch-over, its error.")
    void show(@Mixin OutputOption out, @Parameters(index = "0", paramLabel = "ORG") String orgId,
              @Parameters(index = "1", paramLabel = "MOVE_ID") UUID moveId) {
        output(out).object(api().get(PROVISIONER, path(orgId) + "/" + moveId), Output.Column.fields("id", "orgId",
                "sourceServer", "targetServer", "step", "reason", "abortRequested", "tablesTotal", "tablesSynced",
                "rowsCopied", "bytesCopied", "bytesTotal", "lagBytes", "writePauseMs", "requestedBy", "error",
                "startedAt", "switchedAt", "finishedAt"));
    }

    @Command(mixinStandardHelpOptions = true, name = "list", description = "The tenant's moves, newest first.")
    void list(@Mixin OutputOption out, @Parameters(paramLabel = "ORG") String orgId) {
        JsonNode moves = api().get(PROVISIONER, path(orgId));
        output(out).table(moves, moves, List.of(Output.Column.of("ID", "id"), Output.Column.of("FROM", "sourceServer"),
                Output.Column.of("TO", "targetServer"), Output.Column.of("STEP", "step"),
                Output.Column.of("BYTES", "bytesCopied"), Output.Column.of("STARTED", "startedAt"),
                Output.Column.of("FINISHED", "finishedAt"), Output.Column.of("ERROR", "error")));
    }

    @Command(mixinStandardHelpOptions = true, name = "abort", description = "Aborts a move before its switch-over; the tenant stays where it was.")
    void abort(@Mixin OutputOption out, @Parameters(index = "0", paramLabel = "ORG") String orgId,
               @Parameters(index = "1", paramLabel = "MOVE_ID") UUID moveId) {
        JsonNode move = api().post(PROVISIONER, path(orgId) + "/" + moveId + "/abort", null);
        output(out).done("Move " + moveId + " of " + orgId + ": abort requested (" + move.path("step").asText() + ").",
                move);
    }

    private static String path(String orgId) {
        return "/api/v1/tenants/" + PlatformClient.encode(orgId) + "/moves";
    }
}
