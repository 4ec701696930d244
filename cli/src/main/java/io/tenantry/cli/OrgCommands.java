package io.tenantry.cli;

import static io.tenantry.cli.PlatformClient.Service.METADATA;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(mixinStandardHelpOptions = true, name = "orgs", description = "Organizations, in metadata-service.")
final class OrgCommands extends CommandGroup {

    @Command(mixinStandardHelpOptions = true, name = "onboard", description = {
            "Onboards an organization with its lead as its admin: creates the lead's account when there is none "
                    + "(with a generated password, printed once, unless --lead-password), then the organization; "
                    + "the provisioner creates its tenant database.",
            "Platform admins only."})
    int onboard(@Mixin OutputOption out, @Parameters(paramLabel = "ORG", description = "the organization id, e.g. acme_labs") String orgId,
                @Option(names = "--name", required = true, description = "its display name") String name,
                @Option(names = "--lead", required = true, paramLabel = "EMAIL", description = "its lead's email")
                String lead,
                @Option(names = "--lead-name", description = "the lead's display name, for a new account") String leadName,
                @Option(names = "--lead-password", arity = "0..1", interactive = true,
                        description = "a new lead's password (asked for without a value)") char[] leadPassword,
                @Option(names = "--region", defaultValue = "local", description = "default: ${DEFAULT-VALUE}") String region,
                @Option(names = "--wait", description = "wait until its tenant is active") boolean wait,
                @Option(names = "--timeout", defaultValue = "300", paramLabel = "SECONDS",
                        description = "how long --wait waits (default: ${DEFAULT-VALUE})") int timeoutSeconds) {
        String generated = null;
        if (!leadExists(lead)) {
            String password = leadPassword != null && leadPassword.length > 0 ? new String(leadPassword) : null;
            if (password == null) {
                generated = randomPassword();
                password = generated;
            }
            String displayName = leadName != null ? leadName : lead.replaceFirst("@.*", "");
            api().post(METADATA, "/api/v1/users", Map.of("email", lead, "displayName", displayName, "password", password));
            if (!output(out).json()) {
                spec.commandLine().getOut().println("Created the account " + lead
                        + (generated == null ? "." : " with the password " + generated + " (shown once)."));
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("orgId", orgId);
        body.put("displayName", name);
        body.put("region", region);
        body.put("adminEmail", lead);
        JsonNode org = api().post(METADATA, "/api/v1/orgs", body);
        if (wait) {
            org = TenantCommands.awaitStatus(api(), orgId, "active", timeoutSeconds);
        }
        output(out).done("Onboarded " + orgId + " (" + lead + " is its admin): " + org.path("status").asText() + ".", org);
        return org.path("status").asText().equals("failed") ? ExitCodes.FAILED : ExitCodes.OK;
    }

    /** Whether an account has exactly this email (the API's filter is a prefix). */
    private boolean leadExists(String email) {
        JsonNode users = api().get(METADATA, "/api/v1/users?limit=200&email=" + PlatformClient.encode(email));
        for (JsonNode user : users.path("items")) {
            if (user.path("email").asText().equalsIgnoreCase(email)) {
                return true;
            }
        }
        return false;
    }

    private static String randomPassword() {
        byte[] bytes = new byte[15];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
