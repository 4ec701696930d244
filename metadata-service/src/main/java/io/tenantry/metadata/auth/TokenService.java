package io.tenantry.metadata.auth;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.jwt.build.Jwt;
import io.tenantry.common.OrgId;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.metadata.audit.AuditLog;
import io.tenantry.metadata.client.ApiClient;
import io.tenantry.metadata.membership.Membership;
import io.tenantry.metadata.security.AuthConfig;
import io.tenantry.metadata.security.Caller;
import io.tenantry.metadata.security.PasswordHasher;
import io.tenantry.metadata.security.SigningKeys;
import io.tenantry.metadata.security.TokenRevocation;
import io.tenantry.metadata.user.User;

/**
 * Issues short-lived RS256 tokens. The claims name the organization and the permissions granted there, so
 * results-service can authorize with the public key alone.
 */
@ApplicationScoped
public class TokenService {

    public static final String GROUP_PLATFORM_ADMIN = "platform-admin";

    @Inject
    AuthConfig config;

    @Inject
    PasswordHasher hasher;

    @Inject
    LoginRateLimiter rateLimiter;

    @Inject
    AuditLog audit;

    @Inject
    TokenRevocation revocation;

    @Inject
    SigningKeys signingKeys;

    public record IssuedToken(String accessToken, long expiresIn, String orgId, List<String> permissions) {
    }

    /**
     * Password grant for people. Without an organization, a user with exactly one membership gets that one.
     * bcrypt and Redis run outside any transaction, so a slow hash never holds a database connection.
     */
    public IssuedToken forPerson(String email, String password, String requestedOrg, String address) {
        String account = User.normalizeEmail(email);
        rateLimiter.checkAllowed(account, address);
        User user = User.byEmail(account).orElse(null);
        if (user == null) {
            hasher.burnTimeForUnknownAccount(password);
        }
        if (user == null || !hasher.passwordMatches(password, user.passwordHash) || !user.isActive()) {
            rateLimiter.recordFailure(account, address);
            throw ApiProblem.unauthorized("the email or password is wrong, or the account is disabled");
        }
        rateLimiter.recordSuccess(account);

        Membership membership = membershipFor(user.id, requestedOrg);
        Set<String> groups = new LinkedHashSet<>(List.of("user"));
        if (user.platformAdmin) {
            groups.add(GROUP_PLATFORM_ADMIN);
        }
        String orgId = membership == null ? null : membership.orgId;
        List<String> permissions = membership == null ? List.of() : sorted(membership.role.permissions);
        QuarkusTransaction.requiringNew().run(() -> audit.recordAs(Caller.USER_PREFIX + user.id,
                "auth.token-issued", orgId, "user", user.id.toString(), Map.of("grant", "password")));
        return sign(Caller.USER_PREFIX + user.id, user.email, groups, orgId, permissions);
    }

    /** Client-credentials grant: the token is always scoped to the client's one organization. */
    public IssuedToken forClient(String clientId, String secret, String address) {
        rateLimiter.checkAllowed("client:" + clientId, address);
        UUID id = parseUuid(clientId);
        ApiClient client = id == null ? null
                : ApiClient.<ApiClient>find("from ApiClient c join fetch c.role where c.id = ?1", id).firstResult();
        if (client == null || !client.isActive() || !PasswordHasher.secretMatches(secret, client.secretHash)) {
            rateLimiter.recordFailure("client:" + clientId, address);
            throw ApiProblem.unauthorized("the client id or secret is wrong, or the client is revoked");
        }
        String subject = Caller.CLIENT_PREFIX + client.id;
        QuarkusTransaction.requiringNew().run(() -> audit.recordAs(subject, "auth.token-issued", client.orgId,
                "api-client", client.id.toString(), Map.of("grant", "client_credentials")));
        return sign(subject, subject, Set.of("client"), client.orgId, sorted(client.role.permissions));
    }

    private Membership membershipFor(UUID userId, String requestedOrg) {
        if (requestedOrg != null && !requestedOrg.isBlank()) {
            OrgId.of(requestedOrg);
            return Membership.of(userId, requestedOrg).orElseThrow(() -> ApiProblem.forbidden(
                    "you are not a member of organization '" + requestedOrg + "'"));
        }
        List<Membership> all = Membership.list("from Membership m join fetch m.role where m.userId = ?1", userId);
        return all.size() == 1 ? all.get(0) : null;
    }

    private IssuedToken sign(String subject, String upn, Set<String> groups, String orgId, List<String> permissions) {
        long lifetime = config.tokenLifetime().toSeconds();
        long issuedAt = revocation.earliestIssueTime(subject, orgId);
        var builder = Jwt.issuer(config.issuer())
                .subject(subject)
                .upn(upn)
                .groups(groups)
                .claim("jti", UUID.randomUUID().toString())
                .claim("permissions", permissions)
                .issuedAt(issuedAt)
                .expiresAt(issuedAt + lifetime);
        if (orgId != null) {
            builder.claim("org", orgId);
        }
        return new IssuedToken(builder.jws().keyId(signingKeys.currentKeyId()).sign(), lifetime, orgId, permissions);
    }

    private static List<String> sorted(String[] permissions) {
        List<String> list = new ArrayList<>(List.of(permissions));
        list.sort(Comparator.naturalOrder());
        return list;
    }

    private static UUID parseUuid(String value) {
        try {
            return value == null ? null : UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
