package io.tenantry.deploy;

import static io.tenantry.deploy.Manifests.KUBERNETES;
import static io.tenantry.deploy.Manifests.ROOT;
import static io.tenantry.deploy.Manifests.SERVICES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/**
 * The Kubernetes manifests say what the services really do: each probe path, port and metrics path is one the
 * service serves, each environment variable one it reads (and each it reads is set), and the pieces that must
 * agree with each other (server names, connection budgets, selectors, kustomize patches) do.
 */
class ManifestTest {

    private static final List<HasMetadata> BASE = Manifests.resources(KUBERNETES.resolve("base"));
    /** Quarkus settings a manifest may set that have no line in application.properties. */
    private static final Set<String> QUARKUS_RUNTIME_SWITCHES = Set.of("QUARKUS_INIT_AND_EXIT");
    /**
     * Read by the images' launch script, run-java.sh: the heap's share of the container's memory limit, and the
     * collector in place of its ParallelGC.
     */
    private static final Set<String> RUN_JAVA_SETTINGS = Set.of("JAVA_MAX_MEM_RATIO", "GC_CONTAINER_OPTIONS");

    @Test
    void probesPortsAndMetricsAreWhereTheServicesServeThem() {
        for (String service : SERVICES) {
            Deployment deployment = Manifests.named(BASE, Deployment.class, service);
            Container container = mainContainer(deployment);
            Properties prod = Manifests.prodProperties(service);
            int port = Integer.parseInt(prod.getProperty("quarkus.http.port"));
            // Health, metrics and OpenAPI live on the management interface in prod, not on the public port.
            assertEquals("true", prod.getProperty("quarkus.management.enabled"), service);
            int managementPort = Integer.parseInt(prod.getProperty("quarkus.management.port", "9000"));
            assertEquals(Map.of("http", port, "management", managementPort), containerPorts(container), service);
            assertProbe(service, container.getStartupProbe(), "/q/health/started");
            assertProbe(service, container.getLivenessProbe(), "/q/health/live");
            assertProbe(service, container.getReadinessProbe(), "/q/health/ready");
            Map<String, String> annotations = deployment.getSpec().getTemplate().getMetadata().getAnnotations();
            assertEquals("true", annotations.get("prometheus.io/scrape"), service);
            assertEquals("/q/metrics", annotations.get("prometheus.io/path"), service);
            assertEquals(Integer.toString(managementPort), annotations.get("prometheus.io/port"), service);
            assertTrue(container.getResources().getRequests().containsKey("cpu"), service + " requests CPU");
            assertTrue(container.getResources().getLimits().containsKey("memory"), service + " limits memory");
            String dockerfile = Manifests.read(ROOT.resolve(service + "/src/main/docker/Dockerfile.jvm"));
            assertTrue(dockerfile.contains("EXPOSE " + port + " " + managementPort), service + "'s Dockerfile exposes its ports");
        }
        JsonNode serviceMonitor = Manifests.yaml(KUBERNETES.resolve("overlays/prod/service-monitor.yaml"));
        for (JsonNode endpoint : serviceMonitor.path("spec").path("endpoints")) {
            assertEquals("management", endpoint.path("port").asText(), "the ServiceMonitor scrapes the management port");
            assertEquals("/q/metrics", endpoint.path("path").asText());
        }
    }

    @Test
    void everyPodRunsAsNonRootWithAReadOnlyRootAndNoPrivileges() {
        List<PodSpec> pods = new ArrayList<>();
        Manifests.ofKind(BASE, Deployment.class).forEach(d -> pods.add(d.getSpec().getTemplate().getSpec()));
        Manifests.ofKind(BASE, StatefulSet.class).forEach(s -> pods.add(s.getSpec().getTemplate().getSpec()));
        assertEquals(5, pods.size(), "the three services, results-service's proxy and Redis");
        for (PodSpec pod : pods) {
            PodSecurityContext podContext = pod.getSecurityContext();
            assertNotNull(podContext, "pod securityContext");
            List<Container> containers = new ArrayList<>(pod.getContainers());
            containers.addAll(Optional.ofNullable(pod.getInitContainers()).orElse(List.of()));
            for (Container container : containers) {
                SecurityContext context = Optional.ofNullable(container.getSecurityContext()).orElseGet(SecurityContext::new);
                String name = container.getName();
                assertEquals(Boolean.TRUE, firstSet(context.getRunAsNonRoot(), podContext.getRunAsNonRoot()), name + " runAsNonRoot");
                Long user = firstSet(context.getRunAsUser(), podContext.getRunAsUser());
                assertTrue(user != null && user > 0, name + " runs as a non-root user id");
                assertEquals(Boolean.FALSE, context.getAllowPrivilegeEscalation(), name + " allowPrivilegeEscalation");
                assertEquals(Boolean.TRUE, context.getReadOnlyRootFilesystem(), name + " readOnlyRootFilesystem");
                assertEquals(List.of("ALL"), context.getCapabilities() == null ? null : context.getCapabilities().getDrop(),
                        name + " drops all capabilities");
                SeccompProfile seccomp = firstSet(context.getSeccompProfile(), podContext.getSeccompProfile());
                assertEquals("RuntimeDefault", seccomp == null ? null : seccomp.getType(), name + " seccompProfile");
            }
        }
        for (String service : SERVICES) {
            PodSpec pod = Manifests.named(BASE, Deployment.class, service).getSpec().getTemplate().getSpec();
            Set<String> emptyDirs = pod.getVolumes().stream().filter(v -> v.getEmptyDir() != null).map(Volume::getName)
                    .collect(Collectors.toSet());
            List<Container> containers = new ArrayList<>(pod.getContainers());
            containers.addAll(Optional.ofNullable(pod.getInitContainers()).orElse(List.of()));
            for (Container container : containers) {
                assertTrue(container.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/tmp")
                        && emptyDirs.contains(m.getName())), service + "/" + container.getName() + " has a writable /tmp");
            }
        }
    }

    @Test
    void servicesReachPostgresAndRedisOverVerifiedTls() {
        for (String service : SERVICES) {
            Deployment deployment = Manifests.named(BASE, Deployment.class, service);
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            List<Container> containers = new ArrayList<>(pod.getContainers());
            containers.addAll(Optional.ofNullable(pod.getInitContainers()).orElse(List.of()));
            for (Container container : containers) {
                String name = service + "/" + container.getName();
                assertEquals("verify-full", env(container, "TENANTRY_DB_SSL_MODE"), name);
                assertEquals("true", env(container, "TENANTRY_REDIS_TLS"), name);
                assertEquals("tenantry-postgres-ca", mountedSecret(pod, container, env(container, "TENANTRY_DB_CA_FILE")), name);
                assertEquals("tenantry-redis-tls", mountedSecret(pod, container, env(container, "TENANTRY_REDIS_CA_FILE")), name);
                for (EnvVar variable : container.getEnv()) {
                    assertFalse(variable.getValue() != null && variable.getValue().contains("sslmode="),
                            name + ": " + variable.getName() + " overrides the TLS mode");
                }
            }
            mountedConfig(deployment).ifPresent(config -> config.stringPropertyNames().forEach(key -> {
                assertFalse(key.endsWith(".ssl-mode") || config.getProperty(key).contains("sslmode="),
                        service + "'s tenant servers override the TLS mode: " + key);
            }));
        }
        for (GenericKubernetesResource cluster : Manifests.custom(BASE, "Cluster")) {
            JsonNode spec = Manifests.YAML.valueToTree(cluster.getAdditionalProperties().get("spec"));
            String name = cluster.getMetadata().getName();
            assertEquals("tenantry-postgres-ca", spec.path("certificates").path("serverCASecret").asText(), name);
            assertTrue(spec.path("postgresql").path("pg_hba").toString().contains("hostnossl all all all reject"),
                    name + " refuses connections without TLS");
        }
        List<String> redisArgs = Manifests.ofKind(BASE, StatefulSet.class).stream()
                .filter(s -> s.getMetadata().getName().equals("tenantry-redis")).findFirst().orElseThrow()
                .getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
        assertEquals("0", redisArgs.get(redisArgs.indexOf("--port") + 1), "Redis's plain port is closed");
        assertEquals("6379", redisArgs.get(redisArgs.indexOf("--tls-port") + 1));
    }

    @Test
    void networkPoliciesAdmitExactlyThePortsTheServicesExposeAndManagementOnlyToPrometheus() {
        List<NetworkPolicy> policies = Manifests.ofKind(BASE, NetworkPolicy.class);
        for (String service : SERVICES) {
            Deployment deployment = Manifests.named(BASE, Deployment.class, service);
            Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
            Map<String, Integer> containerPorts = containerPorts(mainContainer(deployment));
            Set<Integer> exposed = Manifests.named(BASE, Service.class, service).getSpec().getPorts().stream()
                    .map(p -> containerPorts.get(p.getTargetPort().getStrVal())).collect(Collectors.toCollection(TreeSet::new));
            Set<Integer> admitted = new TreeSet<>();
            for (NetworkPolicy policy : policies) {
                Map<String, String> selector = Optional.ofNullable(policy.getSpec().getPodSelector().getMatchLabels()).orElse(Map.of());
                if (selector.isEmpty() || !podLabels.entrySet().containsAll(selector.entrySet())) {
                    continue;
                }
                for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
                    for (NetworkPolicyPort port : rule.getPorts()) {
                        int number = port.getPort().getStrVal() == null ? port.getPort().getIntVal()
                                : containerPorts.get(port.getPort().getStrVal());
                        admitted.add(number);
                        if (number == containerPorts.get("management")) {
                            assertEquals(1, rule.getFrom().size(), service + ": management port from one peer");
                            NetworkPolicyPeer peer = rule.getFrom().get(0);
                            if (peer.getPodSelector() != null) {
                                assertEquals("results-service", service, service + ": management port only to Prometheus");
                                assertEquals(Map.of("app.kubernetes.io/name", "results-proxy"),
                                        peer.getPodSelector().getMatchLabels(), "results-service's readiness to its proxy");
                                continue;
                            }
                            assertEquals(Map.of("kubernetes.io/metadata.name", "monitoring"),
                                    peer.getNamespaceSelector().getMatchLabels(), service + ": management port only to Prometheus");
                        } else {
                            assertTrue(rule.getFrom() == null || rule.getFrom().isEmpty(), service + ": public port open to all");
                        }
                    }
                }
            }
            assertEquals(exposed, admitted, service + ": the ports its Service exposes, and no other");
        }
    }

    @Test
    void everyVariableAServiceReadsIsSetAndEverySetVariableIsRead() {
        for (String service : SERVICES) {
            Deployment deployment = Manifests.named(BASE, Deployment.class, service);
            Properties prod = Manifests.prodProperties(service);
            Set<String> read = new TreeSet<>(Manifests.environmentReferences(prod));
            mountedConfig(deployment).ifPresent(config -> read.addAll(Manifests.environmentReferences(config)));
            List<Container> containers = new ArrayList<>(deployment.getSpec().getTemplate().getSpec().getContainers());
            containers.addAll(initContainers(deployment));
            for (Container container : containers) {
                Set<String> set = container.getEnv().stream().map(EnvVar::getName).collect(Collectors.toCollection(TreeSet::new));
                Set<String> missing = new TreeSet<>(read);
                missing.removeAll(set);
                assertTrue(missing.isEmpty(), service + "/" + container.getName() + " does not set " + missing);
                Set<String> unread = new TreeSet<>(set);
                unread.removeAll(read);
                if (set.stream().anyMatch(RUN_JAVA_SETTINGS::contains)) {
                    assertTrue(Manifests.read(ROOT.resolve(service + "/src/main/docker/Dockerfile.jvm")).contains("run-java.sh"),
                            service + "'s image starts with run-java.sh, which reads " + RUN_JAVA_SETTINGS);
                }
                unread.removeIf(name -> QUARKUS_RUNTIME_SWITCHES.contains(name) || RUN_JAVA_SETTINGS.contains(name)
                        || prod.stringPropertyNames().stream().anyMatch(key -> Manifests.environmentName(key).equals(name)));
                assertTrue(unread.isEmpty(), service + "/" + container.getName() + " sets what it never reads: " + unread);
            }
        }
    }

    @Test
    void eachInitStepMigratesAndExitsAndTheServiceThenOnlyStarts() {
        for (String service : List.of("metadata-service", "tenant-provisioner")) {
            Deployment deployment = Manifests.named(BASE, Deployment.class, service);
            assertEquals("true", Manifests.prodProperties(service).getProperty("quarkus.flyway.migrate-at-start"));
            Container migrate = initContainers(deployment).stream().filter(c -> c.getName().equals("migrate"))
                    .findFirst().orElseThrow(() -> new AssertionError(service + " has no migrate step"));
            // Quarkus's init-and-exit, or the provisioner's own migrate command (init-and-exit does not go with a
            // command-line main).
            boolean migratesAndExits = "true".equals(env(migrate, "QUARKUS_INIT_AND_EXIT"))
                    || List.of("migrate").equals(migrate.getArgs());
            assertTrue(migratesAndExits, service + "'s migrate step does not exit");
            assertEquals(mainContainer(deployment).getImage(), migrate.getImage(), service);
            assertEquals("false", env(mainContainer(deployment), "QUARKUS_FLYWAY_MIGRATE_AT_START"), service);
        }
    }

    @Test
    void servicesSelectTheirPodsAndTargetTheirPorts() {
        for (String service : SERVICES) {
            Service svc = Manifests.named(BASE, Service.class, service);
            Deployment deployment = Manifests.named(BASE, Deployment.class, service);
            Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
            assertTrue(podLabels.entrySet().containsAll(svc.getSpec().getSelector().entrySet()), service);
            assertTrue(podLabels.entrySet().containsAll(deployment.getSpec().getSelector().getMatchLabels().entrySet()));
            assertEquals(List.of("http", "management"), svc.getSpec().getPorts().stream()
                    .map(p -> p.getTargetPort().getStrVal()).toList(), service);
        }
    }

    @Test
    void noSecretIsCommittedWithValues() {
        for (Path dir : List.of(KUBERNETES.resolve("base"), KUBERNETES.resolve("overlays"))) {
            assertTrue(Manifests.ofKind(Manifests.resources(dir), Secret.class).isEmpty(), "a Secret is committed in " + dir);
        }
        for (Path file : Manifests.yamlFiles(KUBERNETES)) {
            assertFalse(Manifests.read(file).contains("secretGenerator"), file + " generates a secret");
        }
    }

    @Test
    void tenantServersAreTheSameForTheProvisionerResultsServiceAndPostgres() {
        Properties provisioner = Manifests.mountedProperties(Manifests.named(BASE, ConfigMap.class, "tenantry-provisioner-servers"));
        Properties results = Manifests.mountedProperties(Manifests.named(BASE, ConfigMap.class, "tenantry-results-servers"));
        Set<String> provisionerServers = serverNames(provisioner, "tenantry.provisioner.servers.");
        assertEquals(provisionerServers, serverNames(results, "tenantry.results.servers."));
        Set<String> clusters = Manifests.custom(BASE, "Cluster").stream().map(c -> c.getMetadata().getName())
                .collect(Collectors.toSet());
        for (String server : provisionerServers) {
            String host = results.getProperty("tenantry.results.servers." + server + ".host");
            assertTrue(clusters.contains(host.replaceAll("-rw$", "")), server + " points at cluster " + host);
            assertTrue(provisioner.getProperty("tenantry.provisioner.servers." + server + ".jdbc-url").contains("//" + host + ":"),
                    server + ": both services reach the same host");
        }
    }

    @Test
    void resultsServiceNeverAsksForMoreConnectionsThanATenantServerAccepts() {
        Properties results = Manifests.mountedProperties(Manifests.named(BASE, ConfigMap.class, "tenantry-results-servers"));
        // The replicas share each server's budget (tenantry.results.pools.server-budget, else the global budget).
        int budget = Integer.parseInt(results.getProperty("tenantry.results.pools.server-budget",
                results.getProperty("tenantry.results.pools.global-budget")));
        tenantServerSpecs().forEach((name, spec) -> {
            int maxConnections = spec.path("postgresql").path("parameters").path("max_connections").asInt();
            String server = name.replaceAll("^tenantry-", "");
            int serverBudget = Integer.parseInt(results.getProperty("tenantry.results.servers." + server + ".budget",
                    Integer.toString(budget)));
            // Room is kept for the provisioner, the operator and an administrator.
            assertTrue(serverBudget <= maxConnections - 50, name + ": a budget of "
                    + serverBudget + " > " + maxConnections + " - 50");
        });
    }

    @Test
    void tenantServersCanMoveTenantsByLogicalReplication() {
        tenantServerSpecs().forEach((name, spec) -> {
            assertEquals("logical", spec.path("postgresql").path("parameters").path("wal_level").asText(), name);
            String postInit = spec.path("bootstrap").path("initdb").path("postInitSQL").toString();
            assertTrue(postInit.contains("REPLICATION") && postInit.contains("pg_create_subscription"),
                    name + ": the provisioner's role may publish and subscribe");
        });
    }

    @Test
    void tenantServersLetAutovacuumVisitTheirManyDatabasesLessOften() {
        tenantServerSpecs().forEach((name, spec) -> assertEquals("5min",
                spec.path("postgresql").path("parameters").path("autovacuum_naptime").asText(), name));
    }

    @Test
    void tenantServersRecordStatementCostsForTenantHealth() {
        tenantServerSpecs().forEach((name, spec) -> {
            JsonNode parameters = spec.path("postgresql").path("parameters");
            List<String> keys = new ArrayList<>();
            parameters.fieldNames().forEachRemaining(keys::add);
            // CloudNativePG preloads pg_stat_statements and creates the extension when a pg_stat_statements.* key
            // is set.
            assertTrue(keys.stream().anyMatch(k -> k.startsWith("pg_stat_statements.")), name + ": " + keys);
            assertTrue(spec.path("bootstrap").path("initdb").path("postInitSQL").toString()
                    .contains("GRANT pg_read_all_stats TO tenantry_provisioner"), name);
        });
    }

    @Test
    void onlyTheServicesReachTheDatabasesAndRedis() {
        Set<String> clients = Manifests.ofKind(BASE, Deployment.class).stream()
                .filter(d -> "true".equals(d.getSpec().getTemplate().getMetadata().getLabels().get("tenantry.io/database-client")))
                .map(d -> d.getMetadata().getName()).collect(Collectors.toSet());
        assertEquals(Set.copyOf(SERVICES), clients);
        NetworkPolicy postgres = Manifests.named(BASE, NetworkPolicy.class, "postgres-from-services-only");
        Set<String> guarded = new TreeSet<>(postgres.getSpec().getPodSelector().getMatchExpressions().get(0).getValues());
        Set<String> clusters = Manifests.custom(BASE, "Cluster").stream().map(c -> c.getMetadata().getName())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(clusters, guarded, "every PostgreSQL cluster is behind the policy");
        NetworkPolicy redis = Manifests.named(BASE, NetworkPolicy.class, "redis-from-services-only");
        assertEquals("tenantry-redis", redis.getSpec().getPodSelector().getMatchLabels().get("app.kubernetes.io/name"));
    }

    @Test
    void resultsServiceHasADisruptionBudgetAndAnAutoscaler() {
        PodDisruptionBudget pdb = Manifests.named(BASE, PodDisruptionBudget.class, "results-service");
        assertEquals("results-service", pdb.getSpec().getSelector().getMatchLabels().get("app.kubernetes.io/name"));
        HorizontalPodAutoscaler hpa = Manifests.named(BASE, HorizontalPodAutoscaler.class, "results-service");
        assertEquals("results-service", hpa.getSpec().getScaleTargetRef().getName());
        assertTrue(hpa.getSpec().getMinReplicas() <= hpa.getSpec().getMaxReplicas());
    }

    @Test
    void tenantTrafficReachesResultsServiceThroughAProxyThatKeepsEachOrganizationOnOneReplica() {
        String config = Manifests.named(BASE, ConfigMap.class, "tenantry-results-proxy").getData().get("haproxy.cfg");
        List<String> lines = config.lines().map(String::trim).toList();
        // The path up to /api/v1/orgs/{org}, hashed consistently: a replica joining or leaving moves only its share.
        assertTrue(lines.contains("balance uri depth 4"), config);
        assertTrue(lines.contains("hash-type consistent"), config);
        Deployment results = Manifests.named(BASE, Deployment.class, "results-service");
        Map<String, Integer> ports = containerPorts(mainContainer(results));
        String servers = lines.stream().filter(l -> l.startsWith("server-template ")).findFirst().orElseThrow();
        String[] words = servers.split("\\s+");
        int maxReplicas = Manifests.named(BASE, HorizontalPodAutoscaler.class, "results-service").getSpec().getMaxReplicas();
        assertEquals(maxReplicas, Integer.parseInt(words[2]), "a slot for every replica the autoscaler may run");
        assertTrue(words[3].startsWith("\"results-service-pods.") && words[3].endsWith(":" + ports.get("http") + "\""), servers);
        assertTrue(servers.contains(" check port " + ports.get("management") + " "), "the replicas' readiness: " + servers);
        assertTrue(lines.contains("option httpchk GET /q/health/ready"), config);
        Service pods = Manifests.named(BASE, Service.class, "results-service-pods");
        assertEquals("None", pods.getSpec().getClusterIP());
        assertEquals(results.getSpec().getSelector().getMatchLabels(), pods.getSpec().getSelector());
        Deployment proxy = Manifests.named(BASE, Deployment.class, "results-proxy");
        Service entry = Manifests.named(BASE, Service.class, "results-proxy");
        assertEquals(proxy.getSpec().getSelector().getMatchLabels(), entry.getSpec().getSelector());
        Map<String, Integer> proxyPorts = containerPorts(mainContainer(proxy));
        assertTrue(lines.contains("bind :" + proxyPorts.get("http")), config);
        assertTrue(lines.contains("bind :" + proxyPorts.get("health")), config);
    }

    @Test
    void kustomizationsReferToWhatExistsAndPatchOnlyExistingResources() {
        for (Path kustomization : Manifests.yamlFiles(KUBERNETES).stream()
                .filter(f -> f.getFileName().toString().equals("kustomization.yaml")).toList()) {
            JsonNode k = Manifests.yaml(kustomization);
            for (JsonNode resource : k.path("resources")) {
                assertTrue(Files.exists(kustomization.getParent().resolve(resource.asText())), kustomization + ": " + resource);
            }
            for (JsonNode patch : k.path("patches")) {
                JsonNode target = patch.path("target");
                String kind = target.path("kind").asText();
                String names = target.path("name").asText(".*");
                boolean matches = BASE.stream().anyMatch(r -> r.getKind().equals(kind)
                        && r.getMetadata().getName().matches(names));
                assertTrue(matches, kustomization + " patches " + kind + " " + names + ", which the base does not have");
            }
        }
    }

    private static void assertProbe(String service, Probe probe, String path) {
        assertEquals(path, probe.getHttpGet().getPath(), service);
        assertEquals("management", probe.getHttpGet().getPort().getStrVal(), service);
    }

    private static Map<String, Integer> containerPorts(Container container) {
        return container.getPorts().stream().collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort));
    }

    private static <T> T firstSet(T containerLevel, T podLevel) {
        return containerLevel != null ? containerLevel : podLevel;
    }

    /** The Secret mounted where {@code file} lies in this container, or null. */
    private static String mountedSecret(PodSpec pod, Container container, String file) {
        for (VolumeMount mount : container.getVolumeMounts()) {
            if (file != null && file.startsWith(mount.getMountPath() + "/")) {
                return pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName()) && v.getSecret() != null)
                        .map(v -> v.getSecret().getSecretName()).findFirst().orElse(null);
            }
        }
        return null;
    }

    private static Container mainContainer(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static List<Container> initContainers(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getInitContainers();
    }

    private static String env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst()
                .orElse(null);
    }

    /** The properties of the ConfigMap a Deployment mounts as its config/application.properties, if any. */
    private static Optional<Properties> mountedConfig(Deployment deployment) {
        for (Volume volume : deployment.getSpec().getTemplate().getSpec().getVolumes()) {
            if (volume.getConfigMap() != null) {
                return Optional.of(Manifests.mountedProperties(
                        Manifests.named(BASE, ConfigMap.class, volume.getConfigMap().getName())));
            }
        }
        return Optional.empty();
    }

    private static Set<String> serverNames(Properties properties, String prefix) {
        return properties.stringPropertyNames().stream().filter(k -> k.startsWith(prefix))
                .map(k -> k.substring(prefix.length(), k.indexOf('.', prefix.length())))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The tenant servers' CloudNativePG cluster specs by cluster name (every cluster but the metadata database's). */
    private static Map<String, JsonNode> tenantServerSpecs() {
        Map<String, JsonNode> specs = new TreeMap<>();
        for (GenericKubernetesResource cluster : Manifests.custom(BASE, "Cluster")) {
            if (!cluster.getMetadata().getName().equals("tenantry-metadata")) {
                specs.put(cluster.getMetadata().getName(),
                        Manifests.YAML.valueToTree(cluster.getAdditionalProperties().get("spec")));
            }
        }
        assertFalse(specs.isEmpty(), "no tenant server among the clusters");
        return specs;
    }
}
