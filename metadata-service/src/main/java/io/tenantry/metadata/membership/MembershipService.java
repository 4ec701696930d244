package io.tenantry.metadata.membership;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.tenantry.common.Permission;
import io.tenantry.common.Uuids;
import io.tenantry.common.paging.Cursor;
import io.tenantry.common.paging.Page;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.metadata.audit.AuditLog;
import io.tenantry.metadata.persistence.KeysetQuery;
import io.tenantry.metadata.role.Role;
import io.tenantry.metadata.security.AccessGuard;
import io.tenantry.metadata.security.TokenRevocation;
import io.tenantry.metadata.user.User;

/** Who belongs to an organization and with which role. An organization always keeps at least one org-admin. */
@ApplicationScoped
public class MembershipService {

    @Inject
    AccessGuard guard;

    @Inject
    AuditLog audit;

    @Inject
    TokenRevocation revocation;

    public record MemberView(UUID userId, String email, String displayName, String role, OffsetDateTime joinedAt) {
    }

    public Page<MemberView> list(String orgId, String after, int limit) {
        guard.require(orgId, Permission.MEMBERS_READ);
        KeysetQuery query = KeysetQuery.where("select m, u from Membership m join fetch m.role, User u"
                        + " where u.id = m.userId and m.orgId = :org").bind("org", orgId)
                .and("m.id > :after", "after", Cursor.decodeUuid(after));
        var typed = Membership.getEntityManager().createQuery(query.orderBy("m.id"), Object[].class)
                .setMaxResults(limit + 1);
        query.params().forEach(typed::setParameter);
        List<Object[]> rows = typed.getResultList();
        return Page.of(rows, limit, r -> ((Membership) r[0]).id.toString(), r -> view((Membership) r[0], (User) r[1]));
    }

    @Transactional
    public MemberView add(String orgId, String email, String roleName) {
        guard.require(orgId, Permission.MEMBERS_MANAGE);
        return addByEmail(orgId, email, roleName);
    }

    /** Adds an existing user; callers have already checked the caller's right to do so. */
    @Transactional(Transactional.TxType.MANDATORY)
    public MemberView addByEmail(String orgId, String email, String roleName) {
        User user = User.byEmail(email).orElseThrow(() -> ApiProblem.unprocessable(
                "no user has the email '" + email + "'; a platform administrator creates users first"));
        Role role = roleVisibleTo(orgId, roleName);
        if (Membership.of(user.id, orgId).isPresent()) {
            throw ApiProblem.conflict(user.email + " is already a member of '" + orgId + "'");
        }
        Membership membership = new Membership();
        membership.id = Uuids.v7();
        membership.userId = user.id;
        membership.orgId = orgId;
        membership.role = role;
        membership.createdAt = OffsetDateTime.now();
        membership.persist();
        audit.record("member.added", orgId, "user", user.id.toString(), Map.of("role", role.name));
        return view(membership, user);
    }

    @Transactional
    public MemberView changeRole(String orgId, UUID userId, String roleName) {
        guard.require(orgId, Permission.MEMBERS_MANAGE);
        Membership membership = find(orgId, userId);
        Role role = roleVisibleTo(orgId, roleName);
        if (isOrgAdmin(membership) && !Role.ORG_ADMIN.equals(role.name)) {
            refuseIfLastAdmin(orgId);
        }
        membership.role = role;
        revocation.revokeUser(userId);
        audit.record("member.role-changed", orgId, "user", userId.toString(), Map.of("role", role.name));
        return view(membership, User.findById(userId));
    }

    @Transactional
    public void remove(String orgId, UUID userId) {
        guard.require(orgId, Permission.MEMBERS_MANAGE);
        Membership membership = find(orgId, userId);
        if (isOrgAdmin(membership)) {
            refuseIfLastAdmin(orgId);
        }
        membership.delete();
        revocation.revokeUser(userId);
        audit.record("member.removed", orgId, "user", userId.toString(), Map.of());
    }

    /** Memberships of one user with their permissions, for the user's own profile. */
    public List<Membership> of(UUID userId) {
        return Membership.list("from Membership m join fetch m.role where m.userId = ?1 order by m.orgId", userId);
    }

    private static Role roleVisibleTo(String orgId, String roleName) {
        return Role.visibleTo(orgId, roleName).orElseThrow(() -> ApiProblem.unprocessable(
                "role '" + roleName + "' does not exist in organization '" + orgId + "'"));
    }

    private static Membership find(String orgId, UUID userId) {
        return Membership.of(userId, orgId).orElseThrow(() -> ApiProblem.notFound(
                "user " + userId + " is not a member of '" + orgId + "'"));
    }

    private static boolean isOrgAdmin(Membership membership) {
        return membership.role.isSystem() && Role.ORG_ADMIN.equals(membership.role.name);
    }

    private static void refuseIfLastAdmin(String orgId) {
        long admins = Membership.count("orgId = ?1 and role.name = ?2 and role.orgId is null", orgId, Role.ORG_ADMIN);
        if (admins <= 1) {
            throw ApiProblem.conflict("'" + orgId + "' would be left without an org-admin");
        }
    }

    private static MemberView view(Membership m, User u) {
        return new MemberView(u.id, u.email, u.displayName, m.role.name, m.createdAt);
    }
}
