package io.tenantry.cli;

import static io.tenantry.cli.PlatformClient.Service.PROVISIONER;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(mixinStandardHelpOptions = true, name = "servers", description = "The PostgreSQL servers tenants live on (tenant-provisioner); platform "
        + "admins only.")
final class ServerCommands extends CommandGroup {

    @Command(mixinStandardHelpOptions = true, name = "list", description = "Every configured server: region, tenants, bytes, open or closed.")
    void list(@Mixin OutputOption out) {
        JsonNode servers = api().get(PROVISIONER, "/api/v1/servers");
        output(out).table(servers, servers, List.of(Output.Column.of("SERVER", "name"), Output.Column.of("REGION", "region"),
                Output.Column.of("CAPACITY", "capacity"), Output.Column.of("TENANTS", "tenants"),
                Output.Column.of("BYTES", "bytes"), Output.Column.of("CLOSED", "closed"),
                Output.Column.of("MOVING AWAY", "movesAway")));
    }

    @Command(mixinStandardHelpOptions = true, name = "drain", description = "Closes the server to new tenants and moves its tenants away.")
    void drain(@Mixin OutputOption out, @Parameters(paramLabel = "SERVER") String server) {
        JsonNode answer = api().post(PROVISIONER, "/api/v1/servers/" + PlatformClient.encode(server) + "/drain", null);
        output(out).done("Draining " + server + ": closed to new tenants, " + answer.path("moves").size()
                + " tenants moving away; follow them with: tenantry servers list", answer);
    }

    @Command(mixinStandardHelpOptions = true, name = "open", description = "Opens a closed server to new tenants again.")
    void open(@Mixin OutputOption out, @Parameters(paramLabel = "SERVER") String server) {
        JsonNode answer = api().post(PROVISIONER, "/api/v1/servers/" + PlatformClient.encode(server) + "/open", null);
        output(out).done(server + " is open.", answer);
    }

    @Command(mixinStandardHelpOptions = true, name = "rebalance", description = "Moves tenants between the region's servers so their sizes even out; "
            + "--plan shows the moves without making them.")
    void rebalance(@Mixin OutputOption out, @Option(names = "--region", required = true) String region,
                   @Option(names = "--plan", description = "only show the moves it would make") boolean planOnly) {
        JsonNode plan = planOnly
                ? api().get(PROVISIONER, "/api/v1/servers/rebalance?region=" + PlatformClient.encode(region))
                : api().post(PROVISIONER, "/api/v1/servers/rebalance", Map.of("region", region));
        if (output(out).json()) {
            output(out).print(plan);
            return;
        }
        spec.commandLine().getOut().println((plan.path("applied").asBoolean() ? "Moving " : "Would move ")
                + plan.path("moves").size() + " tenants in " + region + ".");
        output(out).table(plan.path("moves"), plan.path("moves"), List.of(Output.Column.of("ORG", "orgId"),
                Output.Column.of("FROM", "from"), Output.Column.of("TO", "to"), Output.Column.of("BYTES", "bytes")));
    }
}
