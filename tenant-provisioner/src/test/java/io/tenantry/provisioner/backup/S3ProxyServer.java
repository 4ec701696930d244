package io.tenantry.provisioner.backup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.tenantry.provisioner.ProvisionerConfig;
import io.tenantry.testing.Eventually;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3-compatible server (S3Proxy over an in-memory jclouds blob store) as its own process, from the jar the
 * build copies to {@code target/s3proxy/} (its Jetty and jclouds stay off the test class path), with one bucket.
 * As a Quarkus test resource it selects the provisioner's s3 backup store, keys under {@link #PREFIX}, and hands
 * itself to the test's field of its type.
 */
public class S3ProxyServer implements QuarkusTestResourceLifecycleManager {

    public static final String BUCKET = "tenantry-backups";
    public static final String PREFIX = "test/backups";
    private static final String ACCESS_KEY = "s3proxy-test-key";
    private static final String SECRET_KEY = "s3proxy-test-secret";
    private static final Path HOME = Path.of("target", "s3proxy");

    private Process process;
    private URI endpoint;

    /** Starts the server and creates the bucket. */
    public void startServer() {
        try {
            int port = freePort();
            endpoint = URI.create("http://127.0.0.1:" + port);
            Path properties = HOME.resolve("s3proxy-" + port + ".properties");
            Path log = HOME.resolve("s3proxy-" + port + ".log").toAbsolutePath();
            Files.writeString(properties, String.join("\n",
                    "s3proxy.endpoint=" + endpoint,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    "jclouds.provider=transient",
                    "jclouds.identity=unused",
                    "jclouds.credential=unused", ""));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            process = new ProcessBuilder(List.of(java, "-Xmx512m", "-jar", HOME.resolve("s3proxy.jar").toString(),
                    "--properties", properties.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Process started = process;
            Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
            Eventually.within(Duration.ofSeconds(60), "S3Proxy listens on " + endpoint, () -> {
                if (!started.isAlive()) {
                    throw new IllegalStateException("S3Proxy exited with " + started.exitValue() + "; see " + log);
                }
                return accepts(port);
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot start S3Proxy from " + HOME.toAbsolutePath(), e);
        }
        try (S3Client s3 = client()) {
            s3.createBucket(b -> b.bucket(BUCKET));
        }
    }

    /** The provisioner's s3 store settings for this server. */
    public ProvisionerConfig.Backups.S3 settings() {
        return new Settings(Optional.of(BUCKET), "us-east-1", Optional.of(endpoint), true, Optional.of(PREFIX),
                Optional.of(ACCESS_KEY), Optional.of(SECRET_KEY));
    }

    /** A client of the server, signed in with its key; the caller closes it. */
    public S3Client client() {
        return S3BackupStore.client(settings());
    }

    /** The keys under {@code prefix}, in order. */
    public List<String> keysUnder(String prefix) {
        try (S3Client s3 = client()) {
            return s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents().stream()
                    .map(S3Object::key).sorted().toList();
        }
    }

    public void stopServer() {
        if (process != null) {
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public Map<String, String> start() {
        startServer();
        String s3 = "tenantry.provisioner.backups.s3.";
        return Map.of(
                "tenantry.provisioner.backups.store", "s3",
                s3 + "bucket", BUCKET,
                s3 + "endpoint", endpoint.toString(),
                s3 + "path-style", "true",
                s3 + "prefix", PREFIX,
                s3 + "access-key-id", ACCESS_KEY,
                s3 + "secret-access-key", SECRET_KEY);
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(this, new TestInjector.MatchesType(S3ProxyServer.class));
    }

    @Override
    public void stop() {
        stopServer();
    }

    /** Settings as the provisioner's configuration gives them. */
    record Settings(Optional<String> bucket, String region, Optional<URI> endpoint, boolean pathStyle,
            Optional<String> prefix, Optional<String> accessKeyId, Optional<String> secretAccessKey)
            implements ProvisionerConfig.Backups.S3 {
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
