package io.tenantry.cli;

import static io.tenantry.cli.PlatformClient.Service.PROVISIONER;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(mixinStandardHelpOptions = true, name = "backups", description = "A tenant's backups (tenant-provisioner); platform admins only.")
final class BackupCommands extends CommandGroup {

    static final List<Output.Column> COLUMNS = List.of(
            Output.Column.of("ID", "id"),
            Output.Column.of("STATUS", "status"),
            Output.Column.of("REASON", "reason"),
            Output.Column.of("SCHEMA", "schemaVersion"),
            Output.Column.of("ROWS", "rows"),
            Output.Column.of("BYTES", "bytes"),
            Output.Column.of("FINISHED", "finishedAt"),
            Output.Column.of("VERIFIED", "verifiedAt"));

    @Command(mixinStandardHelpOptions = true, name = "list", description = "The tenant's backups, newest first.")
    void list(@Mixin OutputOption out, @Parameters(paramLabel = "ORG") String orgId) {
        JsonNode backups = api().get(PROVISIONER, path(orgId));
        output(out).table(backups, backups, COLUMNS);
    }

    @Command(mixinStandardHelpOptions = true, name = "create", description = "Takes a backup of the tenant now; it runs in the background.")
    void create(@Mixin OutputOption out, @Parameters(paramLabel = "ORG") String orgId) {
        JsonNode backup = api().post(PROVISIONER, path(orgId), null);
        output(out).done("Backup " + backup.path("id").asText() + " of " + orgId + " is " + backup.path("status").asText()
                + "; see it with: tenantry backups list " + orgId, backup);
    }

    @Command(mixinStandardHelpOptions = true, name = "verify", description = "Re-reads a completed backup from the store and checks it; exit code 1 "
            + "when it is not intact.")
    int verify(@Mixin OutputOption out, @Parameters(index = "0", paramLabel = "ORG") String orgId,
               @Parameters(index = "1", paramLabel = "BACKUP_ID") UUID backupId) {
        JsonNode verification = api().post(PROVISIONER, path(orgId) + "/" + backupId + "/verify", null);
        boolean intact = verification.path("intact").asBoolean();
        output(out).done("Backup " + backupId + (intact ? " is intact." : " is NOT intact: " + verification.path("problems")),
                verification);
        return intact ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private static String path(String orgId) {
        return "/api/v1/tenants/" + PlatformClient.encode(orgId) + "/backups";
    }
}
