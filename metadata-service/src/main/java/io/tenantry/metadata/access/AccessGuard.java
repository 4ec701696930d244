package io.tenantry.metadata.access;

import io.tenantry.common.Permission;

import java.sql.SQLException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import io.tenantry.common.OrgId;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.metadata.auth.Caller;

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
    EntityManager em;

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
        if (!caller.isUser()) {
            return false;
        }
        List<?> rows = em.createNativeQuery("SELECT 1 FROM users WHERE id = ?1 AND status = 'active' AND platform_admin")
                .setParameter(1, caller.userId()).getResultList();
        return !rows.isEmpty();
    }

    /** Organizations the calling user is a member of; empty for API clients' other organizations. */
    @SuppressWarnings("unchecked")
    public List<String> memberOrganizations() {
        if (caller.isUser()) {
            return em.createNativeQuery("SELECT org_id FROM memberships WHERE user_id = ?1")
                    .setParameter(1, caller.userId()).getResultList();
        }
        return em.createNativeQuery("SELECT org_id FROM api_clients WHERE id = ?1 AND status = 'active'")
                .setParameter(1, caller.clientId()).getResultList();
    }

    private Access resolve(String orgId) {
        String actor = caller.subject();
        Object[] row = caller.isUser() ? userRow(caller.userId(), orgId) : clientRow(caller.clientId(), orgId);
        if (row == null) {
            throw notFound(orgId);
        }
        boolean platformAdmin = Boolean.TRUE.equals(row[0]);
        if (platformAdmin) {
            if (em.createNativeQuery("SELECT 1 FROM organizations WHERE org_id = ?1").setParameter(1, orgId)
                    .getResultList().isEmpty()) {
                throw notFound(orgId);
            }
            return new Access(orgId, actor, true, EnumSet.allOf(Permission.class));
        }
        if (row[1] == null) {
            throw notFound(orgId);
        }
        return new Access(orgId, actor, false, permissions(row[1]));
    }

    private Object[] userRow(UUID userId, String orgId) {
        List<?> rows = em.createNativeQuery("""
                SELECT u.platform_admin, r.permissions
                  FROM users u
                  LEFT JOIN memberships m ON m.user_id = u.id AND m.org_id = ?2
                  LEFT JOIN roles r ON r.id = m.role_id
                 WHERE u.id = ?1 AND u.status = 'active'""")
                .setParameter(1, userId).setParameter(2, orgId).getResultList();
        if (rows.isEmpty()) {
            throw ApiProblem.unauthorized("the account behind this token is disabled or gone");
        }
        return (Object[]) rows.get(0);
    }

    private Object[] clientRow(UUID clientId, String orgId) {
        List<?> rows = em.createNativeQuery("""
                SELECT false, r.permissions
                  FROM api_clients c JOIN roles r ON r.id = c.role_id
                 WHERE c.id = ?1 AND c.org_id = ?2 AND c.status = 'active'""")
                .setParameter(1, clientId).setParameter(2, orgId).getResultList();
        return rows.isEmpty() ? null : (Object[]) rows.get(0);
    }

    static Set<Permission> permissions(Object column) {
        Object[] names;
        try {
            names = column instanceof java.sql.Array array ? (Object[]) array.getArray() : (Object[]) column;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read role permissions", e);
        }
        Set<Permission> granted = EnumSet.noneOf(Permission.class);
        for (Object name : names) {
            Permission.fromWire((String) name).ifPresent(granted::add);
        }
        return granted;
    }

    private static ApiProblem notFound(String orgId) {
        return ApiProblem.notFound("organization '" + orgId + "' not found");
    }
}
