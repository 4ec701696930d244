package io.tenantry.metadata.security;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.tenantry.common.OrgId;
import io.tenantry.common.Permission;
import io.tenantry.common.problem.ApiProblem;

/**
 * The one place that decides whether the caller may act on an organization. It reads the caller's membership
 * (or API client) from the database on every request, so removal or revocation takes effect at once, not when
 * a token expires. Callers outside the organization get 404, so existence is not revealed.
 */
@ApplicationScoped
public class AccessGuard {

    @Inject
    Caller caller;

    @Inject
    AccessRecords records;

    public Access require(String orgId, Permission permission) {
        OrgId.of(orgId);
        Access access = resolve(orgId);
        if (!access.has(permission)) {
            throw ApiProblem.forbidden("this needs the '" + permission.wire() + "' permission in organization '"
                    + orgId + "'");
        }
        return access;
    }

    public void requirePlatformAdmin() {
        if (!isPlatformAdmin()) {
            throw ApiProblem.forbidden("this needs a platform administrator");
        }
    }

    public boolean isPlatformAdmin() {
        return caller.isUser() && records.isActivePlatformAdmin(caller.userId());
    }

    /** Organizations the calling user is a member of; for an API client, its own organization while active. */
    public List<String> memberOrganizations() {
        return caller.isUser() ? records.organizationsOfUser(caller.userId())
                : records.organizationsOfActiveClient(caller.clientId());
    }

    private Access resolve(String orgId) {
        String actor = caller.subject();
        if (!caller.isUser()) {
            Set<Permission> granted = records.activeClient(caller.clientId(), orgId)
                    .orElseThrow(() -> notFound(orgId));
            return new Access(orgId, actor, false, granted);
        }
        AccessRecords.UserGrant user = records.activeUser(caller.userId(), orgId).orElseThrow(
                () -> ApiProblem.unauthorized("the account behind this token is disabled or gone"));
        if (user.platformAdmin()) {
            if (!records.organizationExists(orgId)) {
                throw notFound(orgId);
            }
            return new Access(orgId, actor, true, EnumSet.allOf(Permission.class));
        }
        return new Access(orgId, actor, false, user.membership().orElseThrow(() -> notFound(orgId)));
    }

    private static ApiProblem notFound(String orgId) {
        return ApiProblem.notFound("organization '" + orgId + "' not found");
    }
}
