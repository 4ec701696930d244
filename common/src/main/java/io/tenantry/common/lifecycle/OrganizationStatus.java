package io.tenantry.common.lifecycle;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The observed lifecycle of an organization's tenant, reported by the provisioner; only legal moves are taken. */
public enum OrganizationStatus {
    REQUESTED, PROVISIONING, ACTIVE, SUSPENDED, DELETING, DELETED, FAILED;

    public Set<OrganizationStatus> next() {
        return switch (this) {
            case REQUESTED -> EnumSet.of(PROVISIONING, FAILED, DELETING);
            case PROVISIONING -> EnumSet.of(ACTIVE, FAILED, DELETING);
            case ACTIVE -> EnumSet.of(SUSPENDED, DELETING);
            case SUSPENDED -> EnumSet.of(ACTIVE, DELETING);
            case FAILED -> EnumSet.of(PROVISIONING, DELETING);
            case DELETING -> EnumSet.of(DELETED, FAILED);
            case DELETED -> EnumSet.noneOf(OrganizationStatus.class);
        };
    }

    public boolean canMoveTo(OrganizationStatus target) {
        return next().contains(target);
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static OrganizationStatus fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
