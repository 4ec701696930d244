package io.tenantry.metadata.role;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.tenantry.common.Permission;
import io.tenantry.common.Uuids;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.metadata.audit.AuditLog;
import io.tenantry.metadata.security.AccessGuard;

/** System roles are shared and fixed; each organization may add custom roles built from known permissions. */
@ApplicationScoped
public class RoleService {

    static final int MAX_CUSTOM_ROLES = 100;

    @Inject
    AccessGuard guard;

    @Inject
    AuditLog audit;

    public record RoleView(String name, String description, boolean system, List<String> permissions) {
        static RoleView of(Role role) {
            return new RoleView(role.name, role.description, role.isSystem(), List.of(role.permissions));
        }
    }

    public List<RoleView> list(String orgId) {
        guard.require(orgId, Permission.ORG_READ);
        return Role.allVisibleTo(orgId).stream().map(RoleView::of).toList();
    }

    @Transactional
    public RoleView create(String orgId, String name, String description, List<String> permissions) {
        guard.require(orgId, Permission.ROLES_MANAGE);
        if (Role.visibleTo(orgId, name).isPresent()) {
            throw ApiProblem.conflict("a role named '" + name + "' already exists in '" + orgId + "'");
        }
        if (Role.count("orgId", orgId) >= MAX_CUSTOM_ROLES) {
            throw ApiProblem.unprocessable("an organization has at most " + MAX_CUSTOM_ROLES + " custom roles");
        }
        TreeSet<String> granted = new TreeSet<>();
        for (String permission : permissions) {
            if (Permission.fromWire(permission).isEmpty()) {
                throw ApiProblem.unprocessable("unknown permission '" + permission + "'; known: "
                        + Arrays.stream(Permission.values()).map(Permission::wire).toList());
            }
            granted.add(permission);
        }
        Role role = new Role();
        role.id = Uuids.v7();
        role.orgId = orgId;
        role.name = name;
        role.description = description;
        role.permissions = granted.toArray(String[]::new);
        role.createdAt = OffsetDateTime.now();
        role.persist();
        audit.record("role.created", orgId, "role", name, Map.of("permissions", List.copyOf(granted)));
        return RoleView.of(role);
    }

    @Transactional
    public void delete(String orgId, String name) {
        guard.require(orgId, Permission.ROLES_MANAGE);
        Role role = Role.visibleTo(orgId, name).orElseThrow(() -> ApiProblem.notFound(
                "role '" + name + "' does not exist in '" + orgId + "'"));
        if (role.isSystem()) {
            throw ApiProblem.conflict("system role '" + name + "' cannot be deleted");
        }
        long holders = role.holders();
        if (holders > 0) {
            throw ApiProblem.conflict("role '" + name + "' is still held by " + holders + " members or clients");
        }
        role.delete();
        audit.record("role.deleted", orgId, "role", name, Map.of());
    }
}
