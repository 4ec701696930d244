package io.tenantry.metadata.security;

import java.util.Set;

import io.tenantry.common.Permission;

/** What the guard granted: the organization, who acts, and with which permissions. */
public record Access(String orgId, String actor, boolean platformAdmin, Set<Permission> permissions) {

    public boolean has(Permission permission) {
        return platformAdmin || permissions.contains(permission);
    }
}
