package io.tenantry.cli;

import static io.tenantry.cli.PlatformClient.Service.PROVISIONER;

import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.IExitCodeGenerator;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(mixinStandardHelpOptions = true, name = "restore", description = "Restores a tenant from one of its backups: it keeps serving while the "
        + "backup loads beside it, is closed for the swap, and what it held becomes a safety backup. Platform admins only.")
final class RestoreCommand extends CommandGroup implements IExitCodeGenerator {

    @Mixin
    OutputOption out;

    @Parameters(paramLabel = "ORG")
    String orgId;

    @Option(names = "--backup", required = true, paramLabel = "BACKUP_ID")
    UUID backupId;

    @Mixin
    WaitOption wait;

    private int exitCode;

    @Override
    public void run() {
        JsonNode restore = api().post(PROVISIONER, RestoreCommands.path(orgId), Map.of("backupId", backupId.toString()));
        exitCode = RestoreCommands.started(this, out, wait, "Restore "
                + restore.path("id").asText() + " of " + orgId + " from " + backupId + ": ", restore);
    }

    @Override
    public int getExitCode() {
        return exitCode;
    }
}
