package io.tenantry.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A fresh RSA key pair written as PEM files, so that tests and local runs sign tokens without any key
 * ever being committed. Production reads its keys from mounted secrets instead.
 */
public record JwtKeys(Path privateKey, Path publicKey) {

    public static JwtKeys generate(Path dir) {
        try {
            Files.createDirectories(dir);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Path privatePem = dir.resolve("jwt-private.pem");
            Path publicPem = dir.resolve("jwt-public.pem");
            Files.writeString(privatePem, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Files.writeString(publicPem, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            return new JwtKeys(privatePem, publicPem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Keeps an existing pair in the directory, or generates one there. */
    public static JwtKeys reuseOrGenerate(Path dir) {
        JwtKeys existing = new JwtKeys(dir.resolve("jwt-private.pem"), dir.resolve("jwt-public.pem"));
        if (Files.exists(existing.privateKey()) && Files.exists(existing.publicKey())) {
            return existing;
        }
        return generate(dir);
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
