package io.tenantry.common;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The database login of a tenant, derived rather than stored: the password is HMAC-SHA256 over the organization
 * id and a rotation generation, keyed with a master secret that only the provisioner and results-service hold.
 * Rotating means raising the generation; a leaked tenant password reveals nothing about other tenants'.
 */
public final class TenantCredentials {

    private TenantCredentials() {
    }

    /** The tenant's login role; safe as an identifier because the id matched {@link OrgId#PATTERN}. */
    public static String roleName(OrgId orgId) {
        return "tenant_" + orgId.value();
    }

    public static String password(String masterSecret, OrgId orgId, int generation) {
        if (masterSecret == null || masterSecret.length() < 32) {
            throw new IllegalArgumentException("the tenant master secret must have at least 32 characters");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(masterSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((orgId.value() + ":" + generation).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
