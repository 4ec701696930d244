package io.tenantry.provisioner.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.tenantry.provisioner.ProvisionerConfig;
import io.tenantry.testing.ConfigStub;

/**
 * Console onboarding's calls to metadata-service, as {@code tenantry orgs onboard} makes them: the lead's account is
 * created only when missing, before the organization, all with the operator's token. The whole flow against the
 * real services runs in dev-launcher's ConsoleBrowserTest.
 */
class MetadataClientTest {

    private static final String TOKEN = "operator-token";
    private final MetadataServiceStub metadataService = new MetadataServiceStub();
    private MetadataClient client;

    @BeforeEach
    void start() {
        client = clientOf(metadataService.startServer());
    }

    @AfterEach
    void stop() {
        metadataService.stopServer();
    }

    @Test
    void aMissingLeadIsCreatedBeforeTheOrganization() {
        metadataService.addAccount("lead@acme.example.other");
        assertTrue(client.onboard(TOKEN, "acme", "Acme", "eu-west", "lead@acme.example", "Ada", "first-password-1"));
        assertEquals(List.of("GET /api/v1/users?limit=200&email=lead%40acme.example", "POST /api/v1/users",
                "POST /api/v1/orgs"), requests());
        assertTrue(metadataService.calls().stream().allMatch(c -> ("Bearer " + TOKEN).equals(c.authorization())));
        JsonNode user = metadataService.calls().get(1).body();
        assertEquals("lead@acme.example", user.path("email").asText());
        assertEquals("Ada", user.path("displayName").asText());
        assertEquals("first-password-1", user.path("password").asText());
        assertEquals("lead@acme.example", metadataService.calls().get(2).body().path("adminEmail").asText());
    }

    @Test
    void anExistingLeadIsMadeAdminWithoutANewAccount() {
        metadataService.addAccount("Lead@Acme.example");
        assertFalse(client.onboard(TOKEN, "acme", "Acme", "eu-west", "lead@acme.example", "", "unused-password"));
        assertEquals(List.of("GET /api/v1/users?limit=200&email=lead%40acme.example", "POST /api/v1/orgs"),
                requests());
    }

    @Test
    void aNewLeadWithoutANameIsNamedByTheirEmailAndARefusalKeepsItsStatusAndDetail() {
        assertTrue(client.onboard(TOKEN, "acme", "Acme", "eu-west", "grace@navy.example", null, "first-password-1"));
        assertEquals("grace", metadataService.calls().get(1).body().path("displayName").asText());
        ActionRefused refused = assertThrows(ActionRefused.class,
                () -> client.onboard(TOKEN, "acme", "Acme", "eu-west", "grace@navy.example", null, "unused-password"));
        assertEquals(409, refused.status());
        assertEquals("metadata-service refused: organization 'acme' already exists; organization ids are never reused",
                refused.getMessage());
    }

    @Test
    void aMetadataServiceThatDoesNotAnswerIsA503() {
        ActionRefused refused = assertThrows(ActionRefused.class, () -> clientOf(URI.create("http://127.0.0.1:1"))
                .onboard(TOKEN, "acme", "Acme", "eu-west", "grace@navy.example", null, "first-password-1"));
        assertEquals(503, refused.status());
        assertTrue(refused.getMessage().startsWith("metadata-service did not answer"), refused.getMessage());
    }

    private static MetadataClient clientOf(URI metadataUrl) {
        MetadataClient client = new MetadataClient();
        client.json = new ObjectMapper();
        client.config = ConfigStub.of(ProvisionerConfig.class, Map.of("console", ConfigStub.of(
                ProvisionerConfig.Console.class, Map.of("metadataUrl", Optional.of(metadataUrl)))));
        return client;
    }

    private List<String> requests() {
        return metadataService.calls().stream().map(MetadataServiceStub.Call::request).toList();
    }
}
