package io.tenantry.cli;

import static io.tenantry.cli.PlatformClient.Service.PROVISIONER;

import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(mixinStandardHelpOptions = true, name = "restore", description = "Restores a tenant from one of its backups (a safety backup is taken "
        + "first); the tenant is closed for the restore. Platform admins only.")
final class RestoreCommand extends CommandGroup {

    @Mixin
    OutputOption out;

    @Parameters(paramLabel = "ORG")
    String orgId;

    @Option(names = "--backup", required = true, paramLabel = "BACKUP_ID")
    UUID backupId;

    @Override
    public void run() {
        JsonNode restore = api().post(PROVISIONER, "/api/v1/tenants/" + PlatformClient.encode(orgId) + "/restores",
                Map.of("backupId", backupId.toString()));
        output(out).done("Restore " + restore.path("id").asText() + " of " + orgId + " from " + backupId + ": "
                + restore.path("step").asText() + ".", restore);
    }
}
