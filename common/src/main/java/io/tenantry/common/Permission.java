package io.tenantry.common;

import java.util.Arrays;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Everything a role can allow within one organization. The wire names are a contract: metadata-service writes
 * them into role definitions and tokens, and the other services check them.
 */
public enum Permission {
    ORG_READ("org:read"),
    ORG_MANAGE("org:manage"),
    MEMBERS_READ("members:read"),
    MEMBERS_MANAGE("members:manage"),
    ROLES_MANAGE("roles:manage"),
    CLIENTS_MANAGE("clients:manage"),
    AUDIT_READ("audit:read"),
    MOLECULES_READ("molecules:read"),
    MOLECULES_WRITE("molecules:write"),
    TEMPLATES_READ("templates:read"),
    TEMPLATES_WRITE("templates:write"),
    JOBS_READ("jobs:read"),
    JOBS_SUBMIT("jobs:submit"),
    JOBS_CANCEL("jobs:cancel"),
    JOBS_WORK("jobs:work"),
    RESULTS_READ("results:read");

    private final String wire;

    Permission(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    public static Optional<Permission> fromWire(String value) {
        return Arrays.stream(values()).filter(p -> p.wire.equals(value)).findFirst();
    }
}
