package io.tenantry.provisioner.console;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import io.tenantry.provisioner.ProvisionerConfig;

/**
 * Synchronizer tokens for the console's forms: an HMAC of the session cookie's value, so a page of this service can
 * show one and another site cannot. The key is derived from the tenant master secret, so every replica accepts the
 * tokens of the others and none is kept anywhere.
 */
@ApplicationScoped
public class CsrfTokens {

    private static final String ALGORITHM = "HmacSHA256";
    private final SecretKeySpec key;

    CsrfTokens(ProvisionerConfig config) {
        this.key = new SecretKeySpec(hmac(new SecretKeySpec(config.masterSecret().getBytes(StandardCharsets.UTF_8),
                ALGORITHM), "tenantry console csrf key"), ALGORITHM);
    }

    /** The token the forms of the session {@code cookieValue} carry. */
    public String tokenFor(String cookieValue) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(key, cookieValue));
    }

    /** Whether {@code given} is the token of the session {@code cookieValue}, compared in constant time. */
    public boolean matches(String cookieValue, String given) {
        return cookieValue != null && given != null && MessageDigest.isEqual(
                tokenFor(cookieValue).getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] hmac(SecretKeySpec key, String message) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
