package io.tenantry.provisioner.console;

import java.security.SecureRandom;
import java.util.Base64;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.NewCookie;

import io.tenantry.provisioner.ProvisionerConfig;

/**
 * The console's cookies, HttpOnly, SameSite=Strict, for {@code /console} only (and Secure unless configured off):
 * {@value #SESSION} holds the operator's token from metadata-service, which the JWT mechanism reads on console
 * requests (mp.jwt.token.cookie); {@value #SIGN_IN} is a random value the sign-in form's CSRF token is bound to
 * before there is a session.
 */
@ApplicationScoped
public class ConsoleCookies {

    public static final String SESSION = "tenantry_console";
    public static final String SIGN_IN = "tenantry_console_sign_in";
    static final String PATH = "/console";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final boolean secure;

    ConsoleCookies(ProvisionerConfig config) {
        this.secure = config.console().secureCookies();
    }

    NewCookie session(String token, long maxAgeSeconds) {
        return cookie(SESSION, token, (int) Math.max(1, Math.min(Integer.MAX_VALUE, maxAgeSeconds)));
    }

    NewCookie signIn(String value) {
        return cookie(SIGN_IN, value, 3600);
    }

    /** A cookie that replaces {@code name} with nothing, at once expired. */
    NewCookie cleared(String name) {
        return cookie(name, "", 0);
    }

    /** 24 random bytes, URL-safe: a sign-in cookie's value, or a new lead's first password. */
    static String randomValue() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private NewCookie cookie(String name, String value, int maxAge) {
        return new NewCookie.Builder(name).value(value).path(PATH).maxAge(maxAge).httpOnly(true).secure(secure)
                .sameSite(NewCookie.SameSite.STRICT).build();
    }
}
