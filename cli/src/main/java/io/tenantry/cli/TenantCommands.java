package io.tenantry.cli;

import static io.tenantry.cli.PlatformClient.Service.METADATA;
import static io.tenantry.cli.PlatformClient.Service.PROVISIONER;

import java.io.Console;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(mixinStandardHelpOptions = true, name = "tenants", description = {
        "Tenants: each organization (metadata-service, which owns the desired state) with its database as the "
                + "provisioner's registry records it (server, schema version, last backup).",
        "Platform admins only."})
final class TenantCommands extends CommandGroup {

    private static final List<Output.Column> LISTED = List.of(
            Output.Column.of("ORG", "orgId"),
            Output.Column.of("STATUS", "status"),
            Output.Column.of("DESIRED", "desiredState"),
            Output.Column.of("REGION", "region"),
            new Output.Column("SERVER", org -> Output.text(org.path("tenant").path("server"))),
            new Output.Column("SCHEMA", org -> Output.text(org.path("tenant").path("schemaVersion"))),
            new Output.Column("BYTES", org -> Output.text(org.path("tenant").path("databaseBytes"))),
            new Output.Column("HEALTH", org -> Output.text(org.path("tenant").path("health"))),
            new Output.Column("LAST BACKUP", org -> Output.text(org.path("tenant").path("lastBackupAt"))));

    @Command(mixinStandardHelpOptions = true, name = "list", description = "Every organization and its tenant, a keyset page of the API at a time.")
    void list(@Mixin OutputOption out, @Option(names = "--status", description = "only these: requested, provisioning, active, suspended, "
                      + "failed, deleting, deleted") String status,
              @Option(names = "--region", description = "only this region") String region,
              @Option(names = "--page-size", defaultValue = "200", description = "organizations per request (1-200)")
              int pageSize) {
        Map<String, JsonNode> tenants = tenants();
        ArrayNode rows = PlatformClient.JSON.createArrayNode();
        String after = "";
        do {
            StringBuilder path = new StringBuilder("/api/v1/orgs?limit=").append(pageSize);
            if (!after.isEmpty()) {
                path.append("&after=").append(PlatformClient.encode(after));
            }
            if (status != null) {
                path.append("&status=").append(PlatformClient.encode(status));
            }
            if (region != null) {
                path.append("&region=").append(PlatformClient.encode(region));
            }
            JsonNode page = api().get(METADATA, path.toString());
            for (JsonNode org : page.path("items")) {
                JsonNode tenant = tenants.get(org.path("orgId").asText());
                rows.add(tenant == null ? org : ((ObjectNode) org).set("tenant", tenant));
            }
            after = page.path("next").asText("");
        } while (!after.isEmpty());
        output(out).table(rows, rows, LISTED);
    }

    @Command(mixinStandardHelpOptions = true, name = "summary", description = "The fleet at a glance: tenants per "
            + "status, schema version and server, and the failed ones with their last error; exit code 1 when any "
            + "has failed.")
    int summary(@Mixin OutputOption out) {
        JsonNode summary = api().get(PROVISIONER, "/api/v1/tenants");
        if (output(out).json()) {
            output(out).print(summary);
        } else {
            PrintWriter print = spec.commandLine().getOut();
            print.println("status   " + Output.counts(summary.path("byStatus"), ""));
            print.println("schema   " + Output.counts(summary.path("bySchemaVersion"), "v"));
            print.println("server   " + Output.counts(summary.path("byServer"), ""));
            if (!summary.path("failing").isEmpty()) {
                print.println();
                output(out).table(summary.path("failing"), summary.path("failing"), List.of(
                        Output.Column.of("FAILING", "orgId"), Output.Column.of("SERVER", "server"),
                        Output.Column.of("STATUS", "status"), Output.Column.of("ERROR", "lastError")));
            }
            print.flush();
        }
        return summary.path("failing").isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    @Command(mixinStandardHelpOptions = true, name = "show", description = "One organization and its tenant database.")
    void show(@Mixin OutputOption out, @Parameters(paramLabel = "ORG") String orgId) {
        ObjectNode org = withTenant((ObjectNode) api().get(METADATA, "/api/v1/orgs/" + PlatformClient.encode(orgId)));
        List<Output.Column> fields = new ArrayList<>(List.of(
                Output.Column.of("organization", "orgId"),
                Output.Column.of("name", "displayName"),
                Output.Column.of("status", "status"),
                Output.Column.of("desired", "desiredState"),
                Output.Column.of("reason", "statusReason"),
                Output.Column.of("region", "region")));
        for (String field : List.of("server", "database", "schemaVersion", "lastError", "maintenance", "lastBackupAt",
                "exportLocation")) {
            fields.add(new Output.Column(field, o -> Output.text(o.path("tenant").path(field))));
        }
        fields.add(new Output.Column("migrations", o -> String.valueOf(o.path("tenant").path("migrations").size())));
        output(out).object(org, fields);
    }

    @Command(mixinStandardHelpOptions = true, name = "suspend", description = "Suspends the organization: its tenant refuses requests, its data stays.")
    int suspend(@Mixin OutputOption out, @Parameters(paramLabel = "ORG") String orgId,
                @Option(names = "--wait", description = "wait until it is suspended") boolean wait,
                @Option(names = "--timeout", defaultValue = "300", paramLabel = "SECONDS") int timeoutSeconds) {
        return change(out, orgId, "POST", "/suspend", "suspended", wait, timeoutSeconds);
    }

    @Command(mixinStandardHelpOptions = true, name = "resume", description = "Resumes a suspended organization.")
    int resume(@Mixin OutputOption out, @Parameters(paramLabel = "ORG") String orgId,
               @Option(names = "--wait", description = "wait until it is active") boolean wait,
               @Option(names = "--timeout", defaultValue = "300", paramLabel = "SECONDS") int timeoutSeconds) {
        return change(out, orgId, "POST", "/resume", "active", wait, timeoutSeconds);
    }

    @Command(mixinStandardHelpOptions = true, name = "retry", description = "Provisions a failed tenant again once the "
            + "cause is fixed (no server with room in its region, a database that could not be created): its status "
            + "goes back to provisioning.")
    int retry(@Mixin OutputOption out, @Parameters(paramLabel = "ORG") String orgId,
              @Option(names = "--wait", description = "wait until it is active (exit code 1 if it fails again)") boolean wait,
              @Option(names = "--timeout", defaultValue = "300", paramLabel = "SECONDS") int timeoutSeconds) {
        return change(out, orgId, "PUT", "/status", "active", wait, timeoutSeconds);
    }

    @Command(mixinStandardHelpOptions = true, name = "delete", description = "Deletes the organization: the provisioner exports its data, then drops "
            + "its database. Asks for the organization id to confirm unless --yes.")
    int delete(@Mixin OutputOption out, @Parameters(paramLabel = "ORG") String orgId,
               @Option(names = "--yes", description = "do not ask for confirmation") boolean yes,
               @Option(names = "--wait", description = "wait until it is deleted") boolean wait,
               @Option(names = "--timeout", defaultValue = "300", paramLabel = "SECONDS") int timeoutSeconds) {
        if (!yes) {
            Console console = System.console();
            if (console == null) {
                throw new ParameterException(spec.commandLine(), "Deleting " + orgId + " needs --yes (no terminal to ask on)");
            }
            String typed = console.readLine("Deleting %s drops its database after exporting it. Type its id to confirm: ",
                    orgId);
            if (!orgId.equals(typed == null ? null : typed.trim())) {
                throw new CliFailure(ExitCodes.FAILED, "not confirmed; nothing was deleted");
            }
        }
        return change(out, orgId, "DELETE", "", "deleted", wait, timeoutSeconds);
    }

    @Command(mixinStandardHelpOptions = true, name = "downgrade", description = "Takes one tenant down to an earlier "
            + "results schema version with the inverses of the migrations above it (the fleet: rollouts start --to).")
    void downgrade(@Mixin OutputOption out, @Parameters(paramLabel = "ORG") String orgId,
                   @Option(names = "--to", required = true, paramLabel = "VERSION") String version) {
        JsonNode result = api().post(PROVISIONER, "/api/v1/tenants/" + PlatformClient.encode(orgId) + "/downgrade",
                Map.of("targetVersion", version));
        output(out).done(orgId + " went from version " + result.path("fromVersion").asText() + " to "
                + result.path("toVersion").asText() + ", undoing " + String.join(", ", textsOf(result.path("undone")))
                + " in " + result.path("durationMs").asInt() + " ms.", result);
    }

    private static List<String> textsOf(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }

    private int change(OutputOption out, String orgId, String method, String suffix, String wanted, boolean wait, int timeoutSeconds) {
        String path = "/api/v1/orgs/" + PlatformClient.encode(orgId) + suffix;
        JsonNode org = switch (method) {
            case "DELETE" -> api().delete(METADATA, path);
            case "PUT" -> api().put(METADATA, path, Map.of("status", "provisioning"));
            default -> api().post(METADATA, path, null);
        };
        if (wait) {
            org = awaitStatus(api(), orgId, wanted, timeoutSeconds);
        }
        output(out).done(orgId + ": status " + org.path("status").asText() + ", desired "
                + org.path("desiredState").asText() + (org.path("statusReason").isTextual()
                ? " (" + org.path("statusReason").asText() + ")." : "."), org);
        return org.path("status").asText().equals("failed") ? ExitCodes.FAILED : ExitCodes.OK;
    }

    /** Every tenant the registry lists (server, schema version, health, size, last backup) by organization id. */
    private Map<String, JsonNode> tenants() {
        Map<String, JsonNode> tenants = new HashMap<>();
        String after = "";
        do {
            JsonNode page = api().get(PROVISIONER, "/api/v1/tenants/all?limit=200"
                    + (after.isEmpty() ? "" : "&after=" + PlatformClient.encode(after)));
            page.path("items").forEach(tenant -> tenants.put(tenant.path("orgId").asText(), tenant));
            after = page.path("next").asText("");
        } while (!after.isEmpty());
        return tenants;
    }

    @Command(mixinStandardHelpOptions = true, name = "health", description = "The tenant database's last health "
            + "collection: state and reasons, size, cache hit ratio, dead tuples, sessions, longest transaction, lock "
            + "waits, schema drift, last backup; --collect measures it now.")
    int health(@Mixin OutputOption out, @Parameters(paramLabel = "ORG") String orgId,
               @Option(names = "--collect", description = "measure it now instead of showing the last collection")
               boolean collect) {
        String path = "/api/v1/tenants/" + PlatformClient.encode(orgId) + "/health";
        JsonNode health = collect ? api().post(PROVISIONER, path + "/collect", null) : api().get(PROVISIONER, path);
        List<Output.Column> fields = new ArrayList<>(List.of(
                Output.Column.of("organization", "orgId"),
                Output.Column.of("server", "server"),
                Output.Column.of("state", "state"),
                new Output.Column("reasons", h -> String.join(", ", textsOf(h.path("reasons")))),
                Output.Column.of("collected", "collectedAt"),
                Output.Column.of("error", "error")));
        for (String measure : List.of("databaseBytes", "cacheHitRatio", "deadTuples", "connections",
                "longestTransactionSeconds", "lockWaits", "slowestStatementMs", "schemaVersion",
                "recordedSchemaVersion", "lastBackupAt")) {
            fields.add(new Output.Column(measure, h -> Output.text(h.path("measures").path(measure))));
        }
        output(out).object(health, fields);
        return health.path("state").asText().equals("healthy") ? ExitCodes.OK : ExitCodes.FAILED;
    }

    @Command(mixinStandardHelpOptions = true, name = "health-history", description = "The tenant database's recent "
            + "health collections, newest first.")
    void healthHistory(@Mixin OutputOption out, @Parameters(paramLabel = "ORG") String orgId,
                       @Option(names = "--limit", defaultValue = "48", paramLabel = "N",
                               description = "how many (default: ${DEFAULT-VALUE})") int limit) {
        JsonNode history = api().get(PROVISIONER, "/api/v1/tenants/" + PlatformClient.encode(orgId)
                + "/health/history?limit=" + limit);
        List<Output.Column> columns = new ArrayList<>(List.of(Output.Column.of("COLLECTED", "collectedAt"),
                Output.Column.of("STATE", "state"),
                new Output.Column("REASONS", h -> h.path("reasons").isEmpty() ? "-"
                        : String.join(",", textsOf(h.path("reasons"))))));
        Map<String, String> measures = new LinkedHashMap<>();
        measures.put("BYTES", "databaseBytes");
        measures.put("CACHE HIT", "cacheHitRatio");
        measures.put("DEAD TUPLES", "deadTuples");
        measures.put("SESSIONS", "connections");
        measures.put("LONGEST TX S", "longestTransactionSeconds");
        measures.put("LOCK WAITS", "lockWaits");
        measures.forEach((heading, measure) -> columns.add(new Output.Column(heading,
                h -> Output.text(h.path("measures").path(measure)))));
        columns.add(Output.Column.of("ERROR", "error"));
        output(out).table(history, history, columns);
    }

    /** The organization with its tenant's registry entry as "tenant" (absent while it has none). */
    private ObjectNode withTenant(ObjectNode org) {
        JsonNode tenant = api().find(PROVISIONER, "/api/v1/tenants/" + PlatformClient.encode(org.path("orgId").asText()));
        if (!tenant.isMissingNode()) {
            org.set("tenant", tenant);
        }
        return org;
    }

    /**
     * Polls the organization until its status is {@code wanted} or failed; a timeout is a failure. Returns its last
     * view.
     */
    static JsonNode awaitStatus(PlatformClient api, String orgId, String wanted, int timeoutSeconds) {
        return Follow.until(api, METADATA, "/api/v1/orgs/" + PlatformClient.encode(orgId), orgId,
                new Follow.Progress("status", org -> List.of(wanted, "failed").contains(org.path("status").asText()),
                        org -> org.path("status").asText()),
                null, Duration.ofMillis(300), timeoutSeconds);
    }
}
