package io.tenantry.metadata.access;

import io.tenantry.common.Permission;

import java.util.Set;

/** What the guard granted: the organization, who acts, and with which permissions. */
public record Access(String orgId, String actor, boolean platformAdmin, Set<Permission> permissions) {

    public boolean has(Permission permission) {
        return platformAdmin || permissions.contains(permission);
    }
}
