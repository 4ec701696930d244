package io.tenantry.cli;

import static io.tenantry.cli.PlatformClient.Service.PROVISIONER;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(mixinStandardHelpOptions = true, name = "policy", description = "How often the tenant is backed up on schedule "
        + "and how many routine backups are kept: the provisioner's default "
        + "(tenantry.provisioner.backups.schedule.*) unless the organization has its own.")
final class BackupPolicyCommands extends CommandGroup {

    private static final List<Output.Column> FIELDS = List.of(
            new Output.Column("interval", policy -> policy.path("intervalSeconds").asLong() == 0
                    ? "0 (no scheduled backups)" : policy.path("intervalSeconds").asLong() + " s ("
                    + RolloutProgress.formatDuration(policy.path("intervalSeconds").asLong()) + ")"),
            Output.Column.of("retain", "retain"));

    @Command(mixinStandardHelpOptions = true, name = "show", description = "The tenant's backup policy.")
    void show(@Mixin OutputOption out, @Parameters(paramLabel = "ORG") String orgId) {
        output(out).object(api().get(PROVISIONER, path(orgId)), FIELDS);
    }

    @Command(mixinStandardHelpOptions = true, name = "set", description = "Gives the organization its own policy; what "
            + "is not given is kept from the policy it has now.")
    void set(@Mixin OutputOption out, @Parameters(paramLabel = "ORG") String orgId,
             @Option(names = "--interval-seconds", paramLabel = "SECONDS", description = "time between scheduled backups "
                     + "(0: none by schedule; at most a year)") Long intervalSeconds,
             @Option(names = "--retain", paramLabel = "N", description = "routine backups kept (1-1000); the newest "
                     + "verified one and those taken before a restore or at deletion are kept anyway") Integer retain) {
        if (intervalSeconds == null && retain == null) {
            throw new ParameterException(spec.commandLine(), "Give --interval-seconds, --retain or both");
        }
        Map<String, Object> policy = new LinkedHashMap<>();
        if (intervalSeconds == null || retain == null) {
            JsonNode current = api().get(PROVISIONER, path(orgId));
            policy.put("intervalSeconds", current.path("intervalSeconds").asLong());
            policy.put("retain", current.path("retain").asInt());
        }
        if (intervalSeconds != null) {
            policy.put("intervalSeconds", intervalSeconds);
        }
        if (retain != null) {
            policy.put("retain", retain);
        }
        JsonNode saved = api().put(PROVISIONER, path(orgId), policy);
        output(out).object(saved, FIELDS);
    }

    private static String path(String orgId) {
        return "/api/v1/tenants/" + PlatformClient.encode(orgId) + "/backup-policy";
    }
}
