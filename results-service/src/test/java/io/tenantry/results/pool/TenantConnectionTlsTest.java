package io.tenantry.results.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.DataInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tenantry.results.config.ResultsConfig;
import io.tenantry.results.store.TenantRoute;
import io.tenantry.testing.ConfigStub;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * What a tenant connection first says to its server: with verify-full and a CA file (the prod profile) it asks for
 * TLS and gives up on a server that has none; with disable (dev and test) it starts in the clear. The server here
 * only records the first message and answers "no TLS", so no PostgreSQL is needed.
 */
class TenantConnectionTlsTest {

    /** The code of PostgreSQL's SSLRequest; a StartupMessage carries the protocol version 3.0 instead. */
    private static final int SSL_REQUEST = 80877103;
    private static final int PROTOCOL_3 = 196608;

    @TempDir
    Path dir;

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close();
    }

    @Test
    void verifyFullAsksForTlsAndRefusesAServerWithout() throws Exception {
        assertEquals(SSL_REQUEST, firstMessageCode("verify-full", Optional.of(selfSignedCertificate().toString())));
    }

    @Test
    void disableStartsInTheClear() throws Exception {
        assertEquals(PROTOCOL_3, firstMessageCode("disable", Optional.empty()));
    }

    /** ./run.sh: the prod profile's CA path, absent on a developer's machine, with TLS turned off. */
    @Test
    void disableIgnoresACaFileThatIsNotThere() throws Exception {
        assertEquals(PROTOCOL_3, firstMessageCode("disable", Optional.of(dir.resolve("absent.crt").toString())));
    }

    private int firstMessageCode(String sslMode, Optional<String> caFile) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> {
                try (Socket client = server.accept()) {
                    DataInputStream in = new DataInputStream(client.getInputStream());
                    in.readInt();
                    int first = in.readInt();
                    client.getOutputStream().write('N');
                    client.getOutputStream().flush();
                    return first;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            TenantConnectionFactory factory = new TenantConnectionFactory();
            factory.vertx = vertx;
            factory.config = config("localhost", server.getLocalPort(), sslMode, caFile);
            Pool pool = factory.open(new TenantRoute("acme", "active", "s1", "results_acme", "tenant_acme", 1, 10, 10,
                    null, null));
            try {
                assertThrows(RuntimeException.class, () -> pool.getConnection().await().atMost(Duration.ofSeconds(10)));
            } finally {
                pool.closeAndAwait();
            }
            return code.get(10, TimeUnit.SECONDS);
        }
    }

    private Path selfSignedCertificate() throws Exception {
        Path keystore = dir.resolve("ca.p12");
        Path certificate = dir.resolve("ca.crt");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(List.of(keytool, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=localhost", "-keystore",
                keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-validity", "1"));
        run(List.of(keytool, "-exportcert", "-rfc", "-alias", "ca", "-keystore", keystore.toString(), "-storepass",
                "changeit", "-file", certificate.toString()));
        return certificate;
    }

    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), output);
    }

    private static ResultsConfig config(String host, int port, String sslMode, Optional<String> caFile) {
        ResultsConfig.Server server = ConfigStub.of(ResultsConfig.Server.class,
                Map.of("host", host, "port", port, "sslMode", Optional.empty()));
        ResultsConfig.TenantTls tls = ConfigStub.of(ResultsConfig.TenantTls.class,
                Map.of("sslMode", sslMode, "caFile", caFile));
        ResultsConfig.Pools pools = ConfigStub.of(ResultsConfig.Pools.class,
                Map.of("acquireTimeout", Duration.ofSeconds(5)));
        return ConfigStub.of(ResultsConfig.class, Map.of("servers", Map.of("s1", server), "tenantTls", tls,
                "pools", pools, "masterSecret", "test-only-master-secret-0123456789abcdef"));
    }
}
