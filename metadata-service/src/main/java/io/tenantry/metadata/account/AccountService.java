package io.tenantry.metadata.account;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.tenantry.common.problem.ApiProblem;
import io.tenantry.metadata.audit.AuditLog;
import io.tenantry.metadata.membership.MembershipService;
import io.tenantry.metadata.security.Caller;
import io.tenantry.metadata.security.PasswordHasher;
import io.tenantry.metadata.security.TokenRevocation;
import io.tenantry.metadata.user.User;
import io.tenantry.metadata.user.UserService;

/** The signed-in person's own account: who they are, where they belong, and their password. */
@ApplicationScoped
public class AccountService {

    @Inject
    Caller caller;

    @Inject
    PasswordHasher hasher;

    @Inject
    AuditLog audit;

    @Inject
    MembershipService memberships;

    @Inject
    TokenRevocation revocation;

    public record MembershipSummary(String orgId, String role, List<String> permissions) {
    }

    public record Profile(UserService.UserView user, List<MembershipSummary> memberships) {
    }

    public Profile me() {
        User user = UserService.find(caller.userId());
        List<MembershipSummary> summaries = memberships.of(user.id).stream()
                .map(m -> new MembershipSummary(m.orgId, m.role.name, List.of(m.role.permissions)))
                .toList();
        return new Profile(UserService.UserView.of(user), summaries);
    }

    @Transactional
    public void changePassword(String currentPassword, String newPassword) {
        User user = UserService.find(caller.userId());
        if (!hasher.passwordMatches(currentPassword, user.passwordHash)) {
            throw ApiProblem.forbidden("the current password is wrong");
        }
        user.passwordHash = hasher.hashPassword(newPassword);
        user.updatedAt = OffsetDateTime.now();
        revocation.revokeUser(user.id);
        audit.record("user.password-changed", null, "user", user.id.toString(), Map.of());
    }
}
