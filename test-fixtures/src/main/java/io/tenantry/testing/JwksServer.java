package io.tenantry.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpServer;

/**
 * Serves a JSON Web Key Set as metadata-service's {@code /api/v1/auth/jwks} does, with the keys a test publishes,
 * and asks verifiers to fetch it again after a second, so a key rotation reaches them while the test waits.
 */
public final class JwksServer implements AutoCloseable {

    public static final String PATH = "/api/v1/auth/jwks";

    private final HttpServer server;
    private volatile List<RSAPublicKey> published;

    public JwksServer(PublicKey first) {
        published = List.of((RSAPublicKey) first);
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext(PATH, exchange -> {
            byte[] body = jwks().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("Cache-Control", "max-age=1");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    /** The keys the set holds now, the current one first. */
    public List<PublicKey> published() {
        return List.copyOf(published);
    }

    /** From now on the set holds these keys, the current one first. */
    public void publish(PublicKey... keys) {
        published = Arrays.stream(keys).map(RSAPublicKey.class::cast).toList();
    }

    /** A PEM public key file, as {@code JwtKeys} writes it. */
    public static PublicKey readPublicKey(Path pem) {
        try {
            String body = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key's RFC 7638 thumbprint, as metadata-service names its keys. */
    public static String keyId(PublicKey key) {
        RSAPublicKey rsa = (RSAPublicKey) key;
        String canonical = "{\"e\":\"" + base64(rsa.getPublicExponent()) + "\",\"kty\":\"RSA\",\"n\":\""
                + base64(rsa.getModulus()) + "\"}";
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private String jwks() {
        return published.stream().map(key -> "{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\""
                        + keyId(key) + "\",\"n\":\"" + base64(key.getModulus()) + "\",\"e\":\""
                        + base64(key.getPublicExponent()) + "\"}")
                .collect(Collectors.joining(",", "{\"keys\":[", "]}"));
    }

    /** Unsigned big-endian bytes, as JWK wants them. */
    private static String base64(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
