package io.tenantry.devlauncher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The demo the run command sets up through the public APIs, as an operator and a scientist would: a person
 * (lead@demo.local), the organization "demo" with that person as its admin, three molecules, a worker API
 * client, and one docking job. Each step finds what an earlier run made and keeps it; what only the demo knows
 * (the person's password, the worker's secret) stays in .tenantry/demo.json.
 */
final class Demo {

    static final String ORG = "demo";
    static final String LEAD = "lead@demo.local";
    static final List<Map<String, String>> MOLECULES = List.of(
            Map.of("name", "aspirin", "smiles", "CC(=O)OC1=CC=CC=C1C(=O)O", "formula", "C9H8O4",
                    "inchiKey", "BSYNRYMUTXBXSQ-UHFFFAOYSA-N"),
            Map.of("name", "caffeine", "smiles", "CN1C=NC2=C1C(=O)N(C(=O)N2C)C", "formula", "C8H10N4O2",
                    "inchiKey", "RYYVLZVUVIJVGH-UHFFFAOYSA-N"),
            Map.of("name", "ibuprofen", "smiles", "CC(C)CC1=CC=C(C=C1)C(C)C(=O)O", "formula", "C13H18O2",
                    "inchiKey", "HEFNNWSXXWATRW-UHFFFAOYSA-N"));

    /** What the demo made and the credentials to use it. */
    record Setup(String leadPassword, String workerClientId, String workerClientSecret, List<String> moleculeIds) {
    }

    private final Api api;
    private final Path stateFile;
    private final Consumer<String> step;

    Demo(Api api, Path state, Consumer<String> step) {
        this.api = api;
        this.stateFile = state.resolve("demo.json");
        this.step = step;
    }

    Setup onboard(String adminPassword) throws Exception {
        ObjectNode state = Files.exists(stateFile) ? (ObjectNode) Api.JSON.readTree(stateFile.toFile())
                : Api.JSON.createObjectNode();
        String admin = api.token(Map.of("grant_type", "password", "username", "admin@tenantry.local",
                "password", adminPassword));
        if (!state.has("leadPassword")) {
            state.put("leadPassword", random(15));
        }
        String leadPassword = state.get("leadPassword").asText();
        JsonNode users = api.get(api.atMetadata("/api/v1/users?email=" + LEAD), admin);
        if (users.get("items").isEmpty()) {
            step.accept("creating the demo user " + LEAD);
            api.send("POST", api.atMetadata("/api/v1/users"), admin,
                    Map.of("email", LEAD, "displayName", "Demo Lead", "password", leadPassword), 201);
        }
        JsonNode org = api.get(api.atMetadata("/api/v1/orgs/" + ORG), admin, 200, 404);
        if (!org.has("orgId")) {
            step.accept("onboarding the organization \"" + ORG + "\" (" + LEAD + " is its admin)");
            api.send("POST", api.atMetadata("/api/v1/orgs"), admin, Map.of("orgId", ORG, "displayName", "Demo Lab",
                    "region", "local", "adminEmail", LEAD), 202);
        }
        awaitActive(admin);
        String lead = leadToken(leadPassword);
        List<String> molecules = new ArrayList<>();
        for (Map<String, String> molecule : MOLECULES) {
            JsonNode found = api.get(api.atMetadata(orgPath("/molecules?inchiKey=" + molecule.get("inchiKey"))), lead);
            molecules.add(found.get("items").isEmpty()
                    ? api.send("POST", api.atMetadata(orgPath("/molecules")), lead, molecule, 201).get("id").asText()
                    : found.get("items").get(0).get("id").asText());
        }
        if (!state.has("workerClientId")) {
            step.accept("creating the API client \"demo-worker\" (role worker)");
            JsonNode client = api.send("POST", api.atMetadata(orgPath("/clients")), lead,
                    Map.of("name", "demo-worker", "role", "worker"), 201);
            state.put("workerClientId", client.get("clientId").asText());
            state.put("workerClientSecret", client.get("clientSecret").asText());
        }
        Api.JSON.writerWithDefaultPrettyPrinter().writeValue(stateFile.toFile(), state);
        return new Setup(leadPassword, state.get("workerClientId").asText(), state.get("workerClientSecret").asText(),
                molecules);
    }

    /** Submits a docking job as the lead; returns its id. */
    String submitJob(Setup setup) throws Exception {
        JsonNode job = api.send("POST", api.atResults(orgPath("/jobs")), leadToken(setup.leadPassword()),
                Map.of("template", "standard-docking", "priority", 7, "inputs", Map.of("receptor", "6LU7 (SARS-CoV-2 Mpro)",
                        "moleculeIds", setup.moleculeIds(), "parameters", Map.of("exhaustiveness", 8))), 201);
        return job.get("id").asText();
    }

    /** Waits for the job to finish and returns it. */
    JsonNode awaitJob(Setup setup, String jobId, Duration patience) throws Exception {
        String lead = leadToken(setup.leadPassword());
        Instant deadline = Instant.now().plus(patience);
        JsonNode job;
        do {
            Thread.sleep(500);
            job = api.get(api.atResults(orgPath("/jobs/" + jobId)), lead);
        } while (!job.has("finishedAt") && Instant.now().isBefore(deadline));
        return job;
    }

    JsonNode topResults(Setup setup, String jobId) throws Exception {
        return api.get(api.atResults(orgPath("/jobs/" + jobId + "/docking-results?limit=3")), leadToken(setup.leadPassword()));
    }

    /** How many jobs the demo organization has, this run's included. */
    int jobCount(Setup setup) throws Exception {
        String lead = leadToken(setup.leadPassword());
        int count = 0;
        String after = "";
        do {
            JsonNode page = api.get(api.atResults(orgPath("/jobs?limit=200&after=" + after)), lead);
            count += page.get("items").size();
            after = page.path("next").asText("");
        } while (!after.isEmpty());
        return count;
    }

    private String leadToken(String password) throws Exception {
        return api.token(Map.of("grant_type", "password", "username", LEAD, "password", password, "org_id", ORG));
    }

    private void awaitActive(String admin) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        String status;
        String seen = "";
        while (!(status = api.get(api.atMetadata("/api/v1/orgs/" + ORG), admin).get("status").asText()).equals("active")) {
            if (!status.equals(seen)) {
                step.accept("organization \"" + ORG + "\" is " + status);
                seen = status;
            }
            if (status.equals("failed") || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the demo organization did not become active: " + status
                        + "; see .tenantry/tenant-provisioner.log");
            }
            Thread.sleep(300);
        }
        step.accept("organization \"" + ORG + "\" is active: its database results_" + ORG + " is ready");
    }

    private static String orgPath(String rest) {
        return "/api/v1/orgs/" + ORG + rest;
    }

    private static String random(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
