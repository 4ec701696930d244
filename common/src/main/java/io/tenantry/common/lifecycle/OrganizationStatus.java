package io.tenantry.common.lifecycle;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The observed lifecycle of an organization's tenant, reported by the provisioner. Which moves are legal is the
 * metadata database's to say: its table organization_status_transitions, enforced by report_organization_status().
 */
public enum OrganizationStatus {
    REQUESTED, PROVISIONING, ACTIVE, SUSPENDED, DELETING, DELETED, FAILED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static OrganizationStatus fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
