package io.tenantry.provisioner.dbhealth;

import com.fasterxml.jackson.annotation.JsonValue;

/** A tenant's health: {@code unknown} before its first collection and after a failed one. */
public enum HealthState {
    HEALTHY, DEGRADED, UNKNOWN;

    @JsonValue
    public String wire() {
        return name().toLowerCase();
    }

    static HealthState fromWire(String wire) {
        return valueOf(wire.toUpperCase());
    }
}
