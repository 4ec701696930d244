package io.tenantry.cli;

import static io.tenantry.cli.PlatformClient.Service.PROVISIONER;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(mixinStandardHelpOptions = true, name = "health", description = "The fleet's tenant database health: tenants "
        + "per state and per reason, the bytes of every tenant database, and the worst tenants by each measure "
        + "(one tenant: tenants health ORG). Platform admins only.")
final class HealthCommand extends CommandGroup {

    private static final List<String> WORST = List.of("largest", "lowestCacheHit", "mostDeadTuples",
            "longestTransaction", "slowestStatement", "stalestBackup");

    @Mixin
    OutputOption out;

    @Option(names = "--limit", defaultValue = "5", description = "worst tenants per measure (1-100)")
    int limit;

    @Override
    public void run() {
        JsonNode fleet = api().get(PROVISIONER, "/api/v1/health/tenants?limit=" + limit);
        if (output(out).json()) {
            output(out).print(fleet);
            return;
        }
        var print = spec.commandLine().getOut();
        print.println("Tenants: " + Output.counts(fleet.path("tenants"), "") + "; all databases "
                + fleet.path("databaseBytes").asLong() + " bytes");
        fleet.path("degraded").fields().forEachRemaining(e -> {
            if (e.getValue().asLong() > 0) {
                print.println("  degraded by " + e.getKey() + ": " + e.getValue().asLong());
            }
        });
        for (String measure : WORST) {
            if (!fleet.path(measure).isEmpty()) {
                print.println();
                print.println(measure + ":");
                output(out).table(fleet.path(measure), fleet.path(measure), List.of(Output.Column.of("ORG", "orgId"),
                        Output.Column.of("STATE", "state"), Output.Column.of("VALUE", "value"),
                        Output.Column.of("COLLECTED", "collectedAt")));
            }
        }
    }
}
