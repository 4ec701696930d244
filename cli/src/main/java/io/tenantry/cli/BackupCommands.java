package io.tenantry.cli;

import static io.tenantry.cli.PlatformClient.Service.PROVISIONER;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(mixinStandardHelpOptions = true, name = "backups", description = "A tenant's backups and backup policy "
        + "(tenant-provisioner); platform admins only.", subcommands = BackupPolicyCommands.class)
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

    private static final Follow.Progress PROGRESS = new Follow.Progress("status",
            backup -> !backup.path("status").asText().equals("running"),
            backup -> String.format("%-9s %d/%s tables, %d rows, %d bytes", backup.path("status").asText(),
                    backup.path("tablesDone").asInt(), Output.text(backup.path("tablesTotal")),
                    backup.path("rows").asLong(), backup.path("bytes").asLong()));

    @Command(mixinStandardHelpOptions = true, name = "list", description = "The tenant's backups, newest first.")
    void list(@Mixin OutputOption out, @Parameters(paramLabel = "ORG") String orgId,
              @Option(names = "--limit", defaultValue = "50", paramLabel = "N",
                      description = "how many (default: ${DEFAULT-VALUE}; 0 for all)") int limit,
              @Option(names = "--page-size", defaultValue = "200", description = "backups per request (1-500)")
              int pageSize) {
        ArrayNode backups = PlatformClient.JSON.createArrayNode();
        String before = "";
        while (true) {
            int page = limit <= 0 ? pageSize : Math.min(pageSize, limit - backups.size());
            JsonNode answer = api().get(PROVISIONER, path(orgId) + "?limit=" + page
                    + (before.isEmpty() ? "" : "&before=" + PlatformClient.encode(before)));
            answer.forEach(backups::add);
            if (answer.size() < page || (limit > 0 && backups.size() >= limit)) {
                break;
            }
            before = answer.get(answer.size() - 1).path("startedAt").asText();
        }
        output(out).table(backups, backups, COLUMNS);
    }

    @Command(mixinStandardHelpOptions = true, name = "create", description = "Takes a backup of the tenant now; it runs in "
            + "the background unless --wait follows it.")
    int create(@Mixin OutputOption out, @Parameters(paramLabel = "ORG") String orgId, @Mixin WaitOption wait) {
        JsonNode backup = api().post(PROVISIONER, path(orgId), null);
        String id = backup.path("id").asText();
        if (!wait.wait) {
            output(out).done("Backup " + id + " of " + orgId + " is " + backup.path("status").asText()
                    + "; see it with: tenantry backups show " + orgId + " " + id, backup);
            return ExitCodes.OK;
        }
        backup = followStarted(out, wait, "Backup " + id + " of " + orgId + " started.", path(orgId) + "/" + id,
                "backup " + id, PROGRESS);
        boolean completed = backup.path("status").asText().equals("completed");
        output(out).done("Backup " + id + " of " + orgId + " " + (completed ? "completed: " + backup.path("rows").asLong()
                + " rows, " + backup.path("bytes").asLong() + " bytes." : "failed: " + backup.path("error").asText()), backup);
        return completed ? ExitCodes.OK : ExitCodes.FAILED;
    }

    @Command(mixinStandardHelpOptions = true, name = "show", description = "One backup: its status, size, location and "
            + "verification.")
    void show(@Mixin OutputOption out, @Parameters(index = "0", paramLabel = "ORG") String orgId,
              @Parameters(index = "1", paramLabel = "BACKUP_ID") UUID backupId) {
        output(out).object(api().get(PROVISIONER, path(orgId) + "/" + backupId), Output.Column.fields("id", "orgId",
                "reason", "status", "server", "schemaVersion", "location", "manifestSha256", "tablesTotal", "tablesDone",
                "rows", "bytes", "requestedBy", "error", "startedAt", "finishedAt", "verifiedAt", "verifyError"));
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
