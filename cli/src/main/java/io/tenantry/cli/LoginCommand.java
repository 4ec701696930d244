package io.tenantry.cli;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(mixinStandardHelpOptions = true, name = "login", description = {
        "Obtains a token from metadata-service and keeps it, with the services' URLs, in $TENANTRY_CONFIG_DIR "
                + "(else ~/.config/tenantry), readable by you alone. No password or secret is kept.",
        "A person: --email, the password from --password, TENANTRY_PASSWORD or the terminal.",
        "An API client: --client-id, the secret from --client-secret or TENANTRY_CLIENT_SECRET (which also renews "
                + "the token when it expires)."})
final class LoginCommand extends CommandGroup {

    @Mixin
    OutputOption out;

    @Option(names = "--email", description = "a person's email")
    String email;

    @Option(names = "--password", arity = "0..1", interactive = true, description = "asked for when given without a value")
    char[] password;

    @Option(names = "--org", description = "the organization to act in (a person in several)")
    String orgId;

    @Option(names = "--client-id", description = "an API client's id")
    String clientId;

    @Option(names = "--client-secret", arity = "0..1", interactive = true,
            description = "asked for when given without a value")
    char[] clientSecret;

    @Option(names = "--metadata-url", defaultValue = "${env:TENANTRY_METADATA_URL:-http://localhost:8081}",
            description = "metadata-service (default: ${DEFAULT-VALUE})")
    String metadataUrl;

    @Option(names = "--provisioner-url", defaultValue = "${env:TENANTRY_PROVISIONER_URL:-http://localhost:8083}",
            description = "tenant-provisioner (default: ${DEFAULT-VALUE})")
    String provisionerUrl;

    @Override
    public void run() {
        if ((email == null) == (clientId == null)) {
            throw new ParameterException(spec.commandLine(), "Give exactly one of --email and --client-id");
        }
        Map<String, String> form = new LinkedHashMap<>();
        String grant;
        String principal;
        if (email != null) {
            grant = Session.PASSWORD_GRANT;
            principal = email;
            form.put("grant_type", grant);
            form.put("username", email);
            form.put("password", secret(password, "TENANTRY_PASSWORD", "--password"));
            if (orgId != null) {
                form.put("org_id", orgId);
            }
        } else {
            grant = Session.CLIENT_GRANT;
            principal = clientId;
            form.put("grant_type", grant);
            form.put("client_id", clientId);
            form.put("client_secret", secret(clientSecret, "TENANTRY_CLIENT_SECRET", "--client-secret"));
        }
        String metadata = stripSlash(metadataUrl);
        JsonNode token = PlatformClient.token(metadata, form);
        Session session = PlatformClient.sessionOf(metadata, stripSlash(provisionerUrl), grant, principal,
                token.path("org_id").isTextual() ? token.get("org_id").asText() : orgId, token);
        session.save(root().configDirectory());

        ObjectNode shown = PlatformClient.JSON.createObjectNode();
        shown.put("principal", principal);
        shown.put("orgId", session.orgId());
        shown.set("permissions", token.path("permissions"));
        shown.put("expiresAt", Instant.ofEpochSecond(session.expiresAt()).toString());
        shown.put("metadataUrl", session.metadataUrl());
        shown.put("provisionerUrl", session.provisionerUrl());
        shown.put("sessionFile", root().configDirectory().resolve(Session.FILE).toString());
        output(out).done("Logged in to " + session.metadataUrl() + " as " + principal
                + (session.orgId() == null ? "" : " (organization " + session.orgId() + ")")
                + "; the token is valid until " + Instant.ofEpochSecond(session.expiresAt()) + ".", shown);
    }

    private String secret(char[] given, String variable, String option) {
        if (given != null && given.length > 0) {
            return new String(given);
        }
        String fromEnv = root().env.get(variable);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return fromEnv;
        }
        char[] typed = TenantryCli.askPassword();
        if (typed == null || typed.length == 0) {
            throw new ParameterException(spec.commandLine(), "No secret: give " + option + " or set " + variable);
        }
        return new String(typed);
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
