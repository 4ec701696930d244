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

@Command(mixinStandardHelpOptions = true, name = "clone", description = "Loads another organization's backup into this organization's tenant "
        + "(e.g. a staging copy). Platform admins only.")
final class CloneCommand extends CommandGroup implements IExitCodeGenerator {

    @Mixin
    OutputOption out;

    @Parameters(paramLabel = "ORG", description = "the organization whose tenant receives the data")
    String orgId;

    @Option(names = "--from", required = true, paramLabel = "SOURCE_ORG")
    String sourceOrgId;

    @Option(names = "--backup", required = true, paramLabel = "BACKUP_ID", description = "a backup of SOURCE_ORG")
    UUID backupId;

    @Mixin
    WaitOption wait;

    private int exitCode;

    @Override
    public void run() {
        JsonNode clone = api().post(PROVISIONER, "/api/v1/tenants/" + PlatformClient.encode(orgId) + "/clones",
                Map.of("sourceOrgId", sourceOrgId, "backupId", backupId.toString()));
        exitCode = RestoreCommands.started(this, out, wait, "Clone " + clone.path("id").asText() + " of " + sourceOrgId
                + " into " + orgId + ": ", clone);
    }

    @Override
    public int getExitCode() {
        return exitCode;
    }
}
