package io.tenantry.metadata.security;

import java.sql.Array;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import io.tenantry.common.Permission;

/**
 * What the database grants a caller, read straight from the users, memberships, api_clients and roles tables, so the
 * guard needs none of the features that own them.
 */
@ApplicationScoped
class AccessRecords {

    /** An active user: whether they administer the platform, and their permissions in one organization, if a member. */
    record UserGrant(boolean platformAdmin, Optional<Set<Permission>> membership) {
    }

    @Inject
    EntityManager em;

    boolean isActivePlatformAdmin(UUID userId) {
        return !em.createNativeQuery("SELECT 1 FROM users WHERE id = ?1 AND status = 'active' AND platform_admin")
                .setParameter(1, userId).getResultList().isEmpty();
    }

    /** Empty when the user is disabled or gone. */
    Optional<UserGrant> activeUser(UUID userId, String orgId) {
        List<?> rows = em.createNativeQuery("""
                SELECT u.platform_admin, r.permissions
                  FROM users u
                  LEFT JOIN memberships m ON m.user_id = u.id AND m.org_id = ?2
                  LEFT JOIN roles r ON r.id = m.role_id
                 WHERE u.id = ?1 AND u.status = 'active'""")
                .setParameter(1, userId).setParameter(2, orgId).getResultList();
        return rows.stream().findFirst().map(row -> (Object[]) row).map(row -> new UserGrant(
                Boolean.TRUE.equals(row[0]), Optional.ofNullable(row[1]).map(AccessRecords::permissions)));
    }

    /** The permissions of an active API client of that organization; empty for any other client. */
    Optional<Set<Permission>> activeClient(UUID clientId, String orgId) {
        List<?> rows = em.createNativeQuery("""
                SELECT r.permissions
                  FROM api_clients c JOIN roles r ON r.id = c.role_id
                 WHERE c.id = ?1 AND c.org_id = ?2 AND c.status = 'active'""")
                .setParameter(1, clientId).setParameter(2, orgId).getResultList();
        return rows.stream().findFirst().map(AccessRecords::permissions);
    }

    boolean organizationExists(String orgId) {
        return !em.createNativeQuery("SELECT 1 FROM organizations WHERE org_id = ?1").setParameter(1, orgId)
                .getResultList().isEmpty();
    }

    @SuppressWarnings("unchecked")
    List<String> organizationsOfUser(UUID userId) {
        return em.createNativeQuery("SELECT org_id FROM memberships WHERE user_id = ?1")
                .setParameter(1, userId).getResultList();
    }

    @SuppressWarnings("unchecked")
    List<String> organizationsOfActiveClient(UUID clientId) {
        return em.createNativeQuery("SELECT org_id FROM api_clients WHERE id = ?1 AND status = 'active'")
                .setParameter(1, clientId).getResultList();
    }

    private static Set<Permission> permissions(Object column) {
        Object[] names;
        try {
            names = column instanceof Array array ? (Object[]) array.getArray() : (Object[]) column;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read role permissions", e);
        }
        Set<Permission> granted = EnumSet.noneOf(Permission.class);
        for (Object name : names) {
            Permission.fromWire((String) name).ifPresent(granted::add);
        }
        return granted;
    }
}
