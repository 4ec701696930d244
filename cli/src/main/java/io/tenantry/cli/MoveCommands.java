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

    @Command(mixinStandardHelpOptions = true, name = "start", description = "Starts moving the tenant; it keeps serving until a short switch-over.")
    void start(@Mixin OutputOption out, @Parameters(paramLabel = "ORG") String orgId,
               @ArgGroup(exclusive = true, multiplicity = "1") Target target) {
        JsonNode move = api().post(PROVISIONER, path(orgId), target.server != null
                ? Map.of("targetServer", target.server) : Map.of("targetRegion", target.region));
        output(out).done("Move " + move.path("id").asText() + " of " + orgId + " from " + move.path("sourceServer").asText()
                + " to " + move.path("targetServer").asText() + ": " + move.path("step").asText() + ".", move);
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
