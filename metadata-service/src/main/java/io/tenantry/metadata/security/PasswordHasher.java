package io.tenantry.metadata.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.wildfly.security.password.PasswordFactory;
import org.wildfly.security.password.WildFlyElytronPasswordProvider;
import org.wildfly.security.password.interfaces.BCryptPassword;
import org.wildfly.security.password.util.ModularCrypt;

import io.quarkus.elytron.security.common.BcryptUtil;

/**
 * bcrypt for people's passwords. API client secrets are 256 random bits, so a single SHA-256 suffices for them:
 * there is nothing to brute-force, and verification stays cheap on every token request.
 */
@ApplicationScoped
public class PasswordHasher {

    private static final WildFlyElytronPasswordProvider PROVIDER = new WildFlyElytronPasswordProvider();

    /** A hash that no password matches, checked when the account is unknown so timing does not reveal it. */
    private final String unknownAccountHash;

    @Inject
    AuthConfig config;

    public PasswordHasher() {
        unknownAccountHash = BcryptUtil.bcryptHash("no account has this password", 4);
    }

    public String hashPassword(String password) {
        return BcryptUtil.bcryptHash(password, config.bcryptCost());
    }

    public boolean passwordMatches(String password, String hash) {
        try {
            PasswordFactory factory = PasswordFactory.getInstance(BCryptPassword.ALGORITHM_BCRYPT, PROVIDER);
            BCryptPassword stored = (BCryptPassword) factory.translate(ModularCrypt.decode(hash));
            return factory.verify(stored, password.toCharArray());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    public void burnTimeForUnknownAccount(String password) {
        passwordMatches(password, unknownAccountHash);
    }

    public static String hashSecret(String secret) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean secretMatches(String secret, String hash) {
        return MessageDigest.isEqual(hashSecret(secret).getBytes(StandardCharsets.US_ASCII),
                hash.getBytes(StandardCharsets.US_ASCII));
    }
}
